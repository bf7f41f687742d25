"""`manage.py layers_import {territory|settlements|facilities} FILE [--commit] [--repair]`."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.errors import ApplicationError
from layers.services import KINDS, layer_import

PROGRESS_MIN_ROWS = 200
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
        # tqdm redraws with "\r"; Django's OutputWrapper would append a newline to each write.
        progress = _ProgressBar(self.stderr._out)
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


class _ProgressBar:
    """A tqdm bar on stderr for files over PROGRESS_MIN_ROWS rows; one bar per pass."""

    PASSES = ("checking", "writing")

    def __init__(self, stream):
        self.stream = stream
        self.bar = None
        self.passes = 0

    def __call__(self, done: int, total: int) -> None:
        if total <= PROGRESS_MIN_ROWS:
            return
        if self.bar is None or done < self.bar.n:
            self.close()
            desc = self.PASSES[min(self.passes, 1)]
            self.bar = tqdm(total=total, file=self.stream, unit="row", desc=desc)
            self.passes += 1
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
