"""`manage.py coverage_import_areas FILE [--commit] [--repair]`: coverage areas from a geo
file; --repair fixes invalid polygons (core.geometry) and the report says which."""

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from core.imports import run_import
from core.imports.cli import print_report
from coverage.imports import AREAS_KIND


class Command(BaseCommand):
    help = (
        "Import coverage areas (GeoJSON, GeoPackage, Shapefile, or CSV with WKT) with the "
        "columns provider, technology, down_mbps, up_mbps [, source, valid_from, valid_to, "
        "note]. Dry run with a per-row report unless --commit; --commit writes all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--commit", action="store_true", help="write (all or nothing)")
        parser.add_argument("--repair", action="store_true", help="fix invalid polygons")

    def handle(self, *args, file, commit, repair, **options):
        try:
            report = run_import(AREAS_KIND, file, commit=commit, options={"repair": repair})
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        print_report(self, report, commit=commit)
