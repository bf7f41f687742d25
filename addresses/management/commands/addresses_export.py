"""Export the address register to CSV, GeoJSON or GeoPackage."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from addresses.exports import EXPORT_FORMATS, EXPORT_SRIDS, address_export
from core.errors import ApplicationError
from core.progress import command_progress


class Command(BaseCommand):
    help = (
        "Export active addresses (or all with --all) as csv (UTF-8 with BOM), geojson, gpkg "
        "or shp (a zipped Shapefile), in EPSG:4326 or --srid 6385 (metric); re-imports as is."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=EXPORT_FORMATS, required=True)
        parser.add_argument("--settlement", metavar="KATOTTG")
        parser.add_argument("--all", action="store_true", help="include retired addresses")
        parser.add_argument("--srid", type=int, choices=EXPORT_SRIDS, default=4326)
        parser.add_argument(
            "--progress", action="store_true", help="a progress bar even when not on a terminal"
        )

    def handle(self, *args, **options):
        progress = command_progress(self, force=options["progress"], passes=("exporting",))
        try:
            count = address_export(
                path=options["file"],
                fmt=options["format"],
                settlement=options["settlement"],
                include_retired=options["all"],
                srid=options["srid"],
                progress=progress,
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        finally:
            if progress is not None:
                progress.close()
        message = _("%(count)d addresses written to %(file)s") % {
            "count": count,
            "file": options["file"],
        }
        self.stdout.write(self.style.SUCCESS(message))
