"""`manage.py basemap_import FILE.osm.pbf [--commit] [--margin-km N]`: the offline basemap."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.errors import ApplicationError
from layers.basemap.loading import basemap_import


class Command(BaseCommand):
    help = (
        "Load an OpenStreetMap extract (.osm.pbf) as the offline basemap: roads, water, "
        "forest, land use, buildings and places inside the territory plus a margin. "
        "Dry run unless --commit; a commit replaces the previous basemap atomically."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="an OpenStreetMap extract in PBF format")
        parser.add_argument("--commit", action="store_true", help="replace the stored basemap")
        parser.add_argument(
            "--margin-km", type=float, default=5.0, help="kept around the territory, km"
        )

    def handle(self, *args, file, commit, margin_km, **options):
        if margin_km < 0:
            raise CommandError("--margin-km cannot be negative.")
        # tqdm redraws with "\r"; Django's OutputWrapper would append a newline to each write.
        with tqdm(file=self.stderr._out, unit=" objects", desc="reading") as bar:
            try:
                result = basemap_import(
                    path=file, commit=commit, margin_km=margin_km, progress=bar.update
                )
            except ApplicationError as exc:
                raise CommandError(exc.message) from exc
        for kind, count in sorted(result.counts.items()):
            self.stdout.write(f"{kind}: {count}")
        if result.committed:
            self.stdout.write(self.style.SUCCESS("committed: the previous basemap is replaced"))
        else:
            self.stdout.write("DRY RUN — nothing written (use --commit)")
