"""manage.py maps_council_pack -o FILE [--paper A4|A3] [--date YYYY-MM-DD] [--user NAME]"""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.errors import ApplicationError
from layers.models import Settlement
from maps.management.commands.maps_print import user_or_system


class Command(BaseCommand):
    help = (
        "Write the council pack: a cover with the strategy's indicators and targets, an "
        "overview coverage map, one atlas page per village and the problem reports summary."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, type=Path, help="PDF file to write")
        parser.add_argument("--paper", default="A4", help="A4 (default) or A3")
        parser.add_argument(
            "--date", type=date.fromisoformat, help="the maps' date (default: today)"
        )
        parser.add_argument(
            "--user", help="print only what this user may see (default: every layer)"
        )
        parser.add_argument(
            "--grayscale", action="store_true",
            help="print in greys (classes told apart by hatch and marker shape)",
        )  # fmt: skip

    def handle(self, *args, output: Path, paper: str, **opts):
        # Imported here: printing loads matplotlib and geopandas, slow to import.
        from maps.printing.pack import council_pack_pdf

        pages = Settlement.objects.count() + 3
        try:
            user = user_or_system(opts["user"])
            with tqdm(total=pages, desc="council pack", unit="page", file=self.stderr) as bar:
                pdf = council_pack_pdf(
                    user,
                    paper=paper.upper(),
                    map_date=opts["date"],
                    progress=lambda _: bar.update(),
                    grayscale=opts["grayscale"],
                )
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        output.write_bytes(pdf)
        self.stdout.write(self.style.SUCCESS(f"{output}: {pages} pages, {len(pdf):,} bytes"))
