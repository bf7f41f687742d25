"""./hromada manage staff_add EMAIL --role planner|moderator|address_editor|admin"""

from django.core.management.base import BaseCommand, CommandError

from core.accounts import staff_add
from core.errors import ApplicationError
from core.roles import ROLES


class Command(BaseCommand):
    help = (
        "Create a staff account (or give an existing one another role) and print a one-time "
        "link to set its password."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument("--name", default="", help="first and last name, shown in the header")

    def handle(self, *args, email, role, name, **options):
        try:
            result = staff_add(email=email, role=role, full_name=name)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        verb = "Created" if result.created else "Updated"
        self.stdout.write(f"{verb} {result.user.get_username()} with role {role}.")
        if result.user.is_staff:
            self.stdout.write("Staff status: yes (this role works in the Django admin).")
        self.stdout.write("One-time link to set the password (valid for a limited time):")
        self.stdout.write(result.link)
