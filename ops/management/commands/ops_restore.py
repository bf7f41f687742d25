"""Restore a backup folder into an empty database (refuses a non-empty one unless --force)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from ops.services import backup_restore


class Command(BaseCommand):
    help = "Restore DIR (a folder written by ops_backup) into the database, checking SHA-256 sums."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="backup folder or its manifest.json")
        parser.add_argument("--database-url", help="restore there instead of the configured DB")
        parser.add_argument(
            "--database",
            help="restore into this separate database on the configured server (made if missing)",
        )
        parser.add_argument(
            "--media-dir",
            type=Path,
            help="unpack the media here (required with --database or --database-url)",
        )
        parser.add_argument("--force", action="store_true", help="replace a non-empty database")
        parser.add_argument("--no-media", action="store_true", help="leave MEDIA_ROOT alone")

    def handle(self, *args, path, database_url, database, media_dir, force, no_media, **options):
        self.stdout.write(f"checking and restoring {path} …")
        try:
            manifest = backup_restore(
                path=path,
                database_url=database_url,
                database=database,
                media_dir=media_dir,
                force=force,
                restore_media=not no_media,
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"restored the backup of {manifest.created_at}"))
