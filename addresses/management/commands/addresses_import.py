"""Import addresses from CSV, GeoJSON, GeoPackage or Shapefile; a dry run unless --commit."""

from django.core.management.base import BaseCommand, CommandError

from addresses.services import address_import
from core.errors import ApplicationError
from core.imports.cli import print_report
from core.progress import command_progress


class Command(BaseCommand):
    help = (
        "Import addresses (CSV with lon/lat or WKT, comma or semicolon, encoding detected; "
        "GeoJSON; GeoPackage; Shapefile). Dry run with a per-row report unless --commit; "
        "--commit writes all or nothing. Re-imports update by registry_id, else street+number."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--settlement", metavar="KATOTTG", help="for rows without one")
        parser.add_argument("--commit", action="store_true", help="write (all or nothing)")
        parser.add_argument(
            "--allow-outside", action="store_true", help="accept points outside the settlement"
        )
        parser.add_argument("--srid", type=int, help="CRS of CSV coordinates (default 4326)")
        parser.add_argument("--reason", default="", help="why: recorded in the history")
        parser.add_argument(
            "--plan-out", metavar="FILE.csv", help="write the whole plan (every row) to a CSV"
        )
        parser.add_argument(
            "--encoding",
            help="of a CSV or a Shapefile without .cpg, e.g. cp1251 (default: detected)",
        )
        parser.add_argument(
            "--progress", action="store_true", help="a progress bar even when not on a terminal"
        )

    def handle(self, *args, **options):
        progress = command_progress(self, force=options["progress"])
        try:
            report = address_import(
                path=options["file"],
                settlement=options["settlement"],
                commit=options["commit"],
                allow_outside=options["allow_outside"],
                srid=options["srid"],
                reason=options["reason"],
                encoding=options["encoding"],
                progress=progress,
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        finally:
            if progress is not None:
                progress.close()
        print_report(self, report, commit=options["commit"], plan_out=options["plan_out"])
