"""Bring deferred work whose date has come back to the triage inbox now. The queue's
worker does it every night (backlog.tasks); this is for catching up by hand."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from backlog.services import deferred_tasks_return


class Command(BaseCommand):
    help = "Move deferred tasks whose return date has come back to the triage inbox."

    def handle(self, *args, **options):
        returned = deferred_tasks_return(today=timezone.localdate())
        self.stdout.write(f"{returned} deferred task{'s' * (returned != 1)} back in triage.")
