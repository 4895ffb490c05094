"""Restore the database from a pg_dump file (`make restore FILE=… JOBS=drop|keep`)."""

from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.template.defaultfilters import pluralize

from mopsboard.backups import jobs_drop, jobs_waiting, restore, workers_running

JOBS_CHOICE = (
    "Say what to do with the jobs the backup had waiting (emails to send, people to tell, "
    "webhooks): --jobs=drop cancels them, as many may have run after the backup was made "
    "(the emails and webhook deliveries they were to send show as failed, to send again "
    "from the Mail and Webhooks pages); --jobs=keep runs them when the workers start, "
    "repeating whatever they did after the backup was made."
)


def _counted(jobs: Counter) -> str:
    """How many jobs, by task: "3 jobs (2 mail.tasks.deliver, 1 notifications.tasks.tell)"."""
    tasks = ", ".join(f"{count} {task}" for task, count in sorted(jobs.items()))
    return f"{jobs.total()} job{pluralize(jobs.total())} ({tasks})"


class Command(BaseCommand):
    help = "Replace the database's contents with a pg_dump file made by `backup`."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask: everything now there is replaced."
        )
        parser.add_argument("--jobs", choices=["drop", "keep"], help=JOBS_CHOICE)

    def handle(self, *args, file, yes=False, jobs=None, **options):
        if not file.is_file():
            raise CommandError(f"No backup at {file}.")
        if jobs is None:
            raise CommandError(JOBS_CHOICE)
        # A worker would run the restored jobs at once, and its own row in the queue's
        # tables would vanish under it.
        if running := workers_running():
            raise CommandError(
                f"The queue has {running} worker{pluralize(running)} running: stop them "
                "(`make run`, `make worker`, `mopsboard procrastinate worker`), then restore. "
                "Nothing restored."
            )
        if not yes and input(f"Replace everything in the database with {file}? [y/N] ") != "y":
            raise CommandError("Nothing restored.")
        server_version = connection.pg_version
        connection.close()
        restore(connection.settings_dict, file, server_version=server_version)
        self.stdout.write(f"Restored {file}.")
        if jobs == "drop":
            if dropped := jobs_drop():
                self.stdout.write(
                    f"Dropped {_counted(dropped)} the backup had waiting: emails and webhook "
                    "deliveries they were to send show as failed on the Mail and Webhooks "
                    "pages; send again those that did not go out after the backup."
                )
        elif kept := jobs_waiting():
            self.stdout.write(
                f"Kept {_counted(kept)} the backup had waiting: they run when the workers start."
            )
