"""Restore the database from a pg_dump file (`make restore FILE=…`)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from mopsboard.backups import restore


class Command(BaseCommand):
    help = "Replace the database's contents with a pg_dump file made by `backup`."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask: everything now there is replaced."
        )

    def handle(self, *args, file, yes=False, **options):
        if not file.is_file():
            raise CommandError(f"No backup at {file}.")
        if not yes and input(f"Replace everything in the database with {file}? [y/N] ") != "y":
            raise CommandError("Nothing restored.")
        server_version = connection.pg_version
        connection.close()
        restore(connection.settings_dict, file, server_version=server_version)
        self.stdout.write(f"Restored {file}.")
