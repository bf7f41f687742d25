"""Back up the database and uploaded media into a folder; keep the newest N backups."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from ops.services import backup_create


class Command(BaseCommand):
    help = "Write DIR/hromada-<time>/ with a pg_dump custom-format dump, media and a manifest."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--keep", type=int, default=7, help="backups to keep (default 7)")
        parser.add_argument(
            "--encrypt-to",
            type=Path,
            help="a GnuPG public key file: store the dump and media only encrypted to it",
        )

    def handle(self, *args, directory, keep, encrypt_to, **options):
        self.stdout.write(f"backing up into {directory} …")
        try:
            result = backup_create(target_dir=directory, keep=keep, encrypt_to=encrypt_to)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        for name, info in result.manifest.files.items():
            self.stdout.write(f"  {name}: {info['bytes']} bytes, sha256 {info['sha256'][:16]}…")
        for name in result.removed:
            self.stdout.write(f"  removed old backup {name}")
        self.stdout.write(self.style.SUCCESS(f"backup written: {result.folder}"))
