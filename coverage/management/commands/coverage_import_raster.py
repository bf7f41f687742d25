"""manage.py coverage_import_raster FILE --provider P --technology T --min-dbm -100 [--commit]"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Turn a signal-strength GeoTIFF (dBm, any CRS) into a coverage area: threshold, sieve "
        "specks, vectorize, dissolve, reproject. A dry run unless --commit."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--provider", required=True)
        parser.add_argument("--technology", required=True, help="3g, 4g, 5g, fixed_wireless…")
        parser.add_argument("--min-dbm", type=float, default=-100.0)
        parser.add_argument("--down-mbps", type=int)
        parser.add_argument("--up-mbps", type=int)
        parser.add_argument("--sieve-px", type=int, help="drop regions under this many cells")
        parser.add_argument("--valid-from", type=date.fromisoformat)
        parser.add_argument("--commit", action="store_true", help="write the area")

    def handle(self, *args, **o):
        # Imported here: the raster import loads the computation's modules.
        from coverage.services import raster_import

        try:
            report = raster_import(
                path=o["file"],
                provider=o["provider"],
                technology=o["technology"],
                min_dbm=o["min_dbm"],
                down_mbps=o["down_mbps"],
                up_mbps=o["up_mbps"],
                sieve_px=o["sieve_px"],
                valid_from=o["valid_from"],
                commit=o["commit"],
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"{report.path} ({report.crs}): {report.cells_above} cells ≥ {o['min_dbm']:g} dBm, "
            f"{report.cells_kept} kept after sieving; {report.area_m2 / 1e6:.3f} km² "
            f"of {report.technology} {report.down_mbps}/{report.up_mbps} Mbit/s ({report.provider})"
        )
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
        if report.area_id:
            self.stdout.write(self.style.SUCCESS(f"coverage area {report.area_id} written"))
        else:
            self.stdout.write(self.style.WARNING("dry run: nothing written (use --commit)"))
