"""manage.py coverage_set_population FILE [--name NAME] [--commit]"""

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from coverage import population
from coverage.raster import RasterError


class Command(BaseCommand):
    help = (
        "Load a population GeoTIFF (people per cell, band 1, any CRS) as the weights of the "
        "population shares; coverage_compute then sums it by zone. A dry run unless --commit."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--name", help="a name for it (default: the file name)")
        parser.add_argument("--commit", action="store_true", help="store it as the current one")

    def handle(self, *args, file, name=None, commit=False, **options):
        try:
            grid = population.read_grid(file)
        except RasterError as exc:
            raise CommandError(str(exc)) from None
        rows, cols = grid.shape
        self.stdout.write(
            f"{file} ({grid.crs}): {cols}×{rows} cells, {grid.values.sum():,.0f} people in total"
        )
        if not commit:
            self.stdout.write(self.style.WARNING("dry run: nothing stored (use --commit)"))
            return
        try:
            raster = population.population_set(path=file, name=name)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"population raster {raster.pk} is current; run coverage_compute --commit"
            )
        )
