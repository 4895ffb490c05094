"""Reads about an import's tasks: those it wrote that are still there, and those someone
changed since, for its undo page and the undo itself."""

from django.db.models import Exists, OuterRef, Q
from pghistory.models import Context

from backlog.models import Task, TaskEvent
from conversation.models import Comment
from imports.models import Import
from raci.models import AssignmentEvent

# Every task an import writes starts at this version, and every write to it bumps it.
VERSION_WRITTEN = Task._meta.get_field("version").default


def _writes(imp: Import):
    """The import's writes in the history: one context a batch, each naming it."""
    return Context.objects.filter(metadata__import_id=imp.pk).values("pk")


def import_tasks(imp: Import):
    """The tasks the import wrote that are still there."""
    made = TaskEvent.objects.filter(pgh_label="insert", pgh_context__in=_writes(imp))
    return Task.objects.filter(pk__in=made.values("pgh_obj_id"))


def import_tasks_changed(imp: Import):
    """The import's tasks someone changed since: a field (the version moved on), a RACI
    cell (a history entry not the import's) or a comment."""
    roles_changed = AssignmentEvent.objects.filter(task_id=OuterRef("pk")).exclude(
        pgh_context__in=_writes(imp)
    )
    commented = Comment.objects.filter(task_id=OuterRef("pk"))
    return import_tasks(imp).filter(
        Q(version__gt=VERSION_WRITTEN) | Exists(roles_changed) | Exists(commented)
    )
