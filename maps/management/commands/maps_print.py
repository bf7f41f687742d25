"""manage.py maps_print -o FILE [--paper A4|A3] [--orientation …] [--extent …] [--layers …]"""

from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.errors import ApplicationError

STEPS = ("read", "drawn", "written")


def user_or_system(username: str | None):
    """Return the user to print as (their layers only), or SYSTEM (every layer)."""
    if not username:
        from maps.printing import SYSTEM  # imported here: printing loads matplotlib

        return SYSTEM
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user {username!r}.")
    return user


class Command(BaseCommand):
    help = (
        "Print a map of the territory, a village or a bbox to a PDF (A4/A3, vector, "
        "EPSG:6385) with the registry's layers, legend, scale bar, north arrow and inset."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, type=Path, help="PDF file to write")
        parser.add_argument("--paper", default="A4", help="A4 (default) or A3")
        parser.add_argument("--orientation", default="portrait", help="portrait or landscape")
        parser.add_argument(
            "--extent",
            default="territory",
            help="territory (default), village:<KATOTTG code or name>, or bbox:w,s,e,n (degrees)",
        )
        parser.add_argument(
            "--layers", default="", help="comma-separated layer ids (default: the usual set)"
        )
        parser.add_argument("--title", default="", help="title (default: the place's name)")
        parser.add_argument("--subtitle", default="", help="subtitle (default: the layers)")
        parser.add_argument(
            "--date", type=date.fromisoformat, help="the map's date (default: today)"
        )
        parser.add_argument(
            "--user", help="print only what this user may see (default: every layer)"
        )
        parser.add_argument(
            "--grayscale", action="store_true",
            help="print in greys (classes told apart by hatch and marker shape)",
        )  # fmt: skip

    def handle(self, *args, output: Path, **opts):
        # Imported here: printing loads matplotlib and geopandas, slow to import.
        from maps import printing

        layers = tuple(part.strip() for part in opts["layers"].split(",") if part.strip())
        try:
            options = printing.PrintOptions(
                paper=opts["paper"].upper(),
                orientation=opts["orientation"].lower(),
                extent=printing.parse_extent(opts["extent"]),
                layers=layers,
                title=opts["title"],
                subtitle=opts["subtitle"],
                map_date=opts["date"],
                grayscale=opts["grayscale"],
            )
            with tqdm(total=len(STEPS), desc="maps_print", unit="step", file=self.stderr) as bar:
                pdf = printing.map_pdf(
                    options, user_or_system(opts["user"]), progress=lambda _: bar.update()
                )
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        output.write_bytes(pdf)
        self.stdout.write(self.style.SUCCESS(f"{output}: {len(pdf):,} bytes"))
