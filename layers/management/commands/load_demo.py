"""Load every app's demo data for the Dmytrivska community, idempotently."""

from django.core.management.base import BaseCommand
from django.db import transaction

from layers import demo


class Command(BaseCommand):
    help = "Load the demo data of every app (territory, villages, facilities, …); safe to re-run."

    def handle(self, *args, **options):
        for loader in demo.loaders():
            self.stdout.write(f"demo: {loader.name}")
            with transaction.atomic():
                loader.load(lambda line: self.stdout.write(f"  {line}"))
        self.stdout.write(self.style.SUCCESS("demo data loaded"))
