"""manage.py coverage_compute [--as-of YYYY-MM-DD] [--commit]"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Compute the coverage shares of the territory and its villages and store "
        "them as the current snapshot (a dry run that rolls back unless --commit)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=date.fromisoformat, help="date (default today)")
        parser.add_argument("--commit", action="store_true", help="store the snapshot")

    def handle(self, *args, as_of=None, commit=False, **options):
        # Imported here: the computation loads pyproj, h3 and the like, which the
        # command's --help needs none of.
        from coverage.services import coverage_compute

        try:
            with transaction.atomic():
                snapshot = coverage_compute(as_of=as_of, progress=self._step)
                if not commit:
                    transaction.set_rollback(True)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        self._summary(snapshot)
        self.stdout.write(
            self.style.SUCCESS(f"snapshot {snapshot.pk} is current")
            if commit
            else self.style.WARNING("dry run: nothing stored (use --commit)")
        )

    def _step(self, message: str) -> None:
        self.stdout.write(f"  … {message}")

    def _summary(self, snapshot) -> None:
        results, counts = snapshot.results, snapshot.input_counts
        territory = results["territory"]["groups"]
        villages = results["villages"]
        self.stdout.write(
            f"as of {snapshot.as_of}: {counts['coverage_areas']} coverage areas, "
            f"{counts['villages']} villages, {counts['addresses']} addresses, "
            f"{counts['facilities']} facilities; {snapshot.duration_ms} ms"
        )
        for group in ("any", "fixed", "fibre", "mobile", "wifi"):
            tiers = territory[group]
            self.stdout.write(
                f"  {group:6} served {_pct(tiers['served']['area_pct'])} of the area, "
                f"{_pct(tiers['served']['households_pct'])} of households; "
                f"covered {_pct(tiers['covered']['area_pct'])} / "
                f"{_pct(tiers['covered']['households_pct'])}"
            )
        self.stdout.write(f"  villages connected: {villages['connected']} of {villages['total']}")


def _pct(value) -> str:
    return "—" if value is None else f"{value:5.1f}%"
