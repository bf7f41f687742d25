"""Prepare the database and static files in one process (used by `./hromada up`).

One process instead of three `manage.py` runs: Django's start-up (URL checks import the
map stack) costs seconds each time, and `up` on a prepared machine must stay quick.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, load every app's demo data (idempotent) and collect static files."

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="skip load_demo")
        parser.add_argument("--no-static", action="store_true", help="skip collectstatic")

    def handle(self, *args, no_demo=False, no_static=False, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("database migrated")
        if not no_demo:
            call_command("load_demo", stdout=self.stdout)
        if not no_static:
            call_command("collectstatic", interactive=False, verbosity=0)
            self.stdout.write("static files collected")
