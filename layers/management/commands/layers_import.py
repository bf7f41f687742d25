"""`manage.py layers_import {territory|settlements|facilities} FILE [--commit] [--repair]`."""

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from core.progress import PassesBar
from layers.services import KINDS, layer_import

ERRORS_IN_MESSAGE = 5


class Command(BaseCommand):
    help = (
        "Import territory, settlements or facilities from GeoJSON, GeoPackage, Shapefile "
        "(.zip or folder) or a lon/lat CSV. Dry run unless --commit; all rows or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file")
        parser.add_argument("--commit", action="store_true", help="write the rows")
        parser.add_argument("--repair", action="store_true", help="fix invalid polygons")
        parser.add_argument(
            "--encoding", help="of a CSV or a Shapefile without .cpg (default: detected)"
        )

    def handle(self, *args, kind, file, commit, repair, encoding=None, **options):
        # Always drawn (unlike the register's commands): its tests and users rely on it.
        progress = PassesBar(self.stderr._out)
        try:
            report = layer_import(
                kind=kind,
                path=file,
                commit=commit,
                repair=repair,
                progress=progress,
                encoding=encoding,
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        finally:
            progress.close()
        self._print(report, commit=commit)
        if not report.ok:
            shown = "; ".join(str(issue) for issue in report.errors[:ERRORS_IN_MESSAGE])
            more = len(report.errors) - ERRORS_IN_MESSAGE
            tail = f"; and {more} more" if more > 0 else ""
            raise CommandError(f"{len(report.errors)} error(s), nothing written: {shown}{tail}")

    def _print(self, report, *, commit: bool):
        for issue in report.errors:
            self.stdout.write(self.style.ERROR(str(issue)))
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
        self.stdout.write(
            f"{report.kind}: {report.rows_read} rows read, {len(report.errors)} errors; "
            f"created {report.created}, updated {report.updated}, "
            f"unchanged {report.unchanged}"
        )
        if report.committed:
            self.stdout.write(self.style.SUCCESS("committed"))
        elif commit:
            self.stdout.write("nothing written: fix the errors and run again")
        else:
            self.stdout.write("DRY RUN — nothing written (use --commit)")
