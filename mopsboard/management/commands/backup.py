"""Back the database up to a pg_dump file and print its path (`make backup`)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from mopsboard.backups import dump


class Command(BaseCommand):
    help = "Write a pg_dump (custom format) of the database; print the file's path."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, help="The file to write (default: backups/<timestamp>.dump)."
        )

    def handle(self, *args, output=None, **options):
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        path = output or settings.DATA_DIR / "backups" / f"mopsboard-{stamp}.dump"
        backup = dump(connection.settings_dict, path, server_version=connection.pg_version)
        self.stdout.write(str(backup.resolve()))
