"""What just happened to a task, told to the apps above the backlog that act on it
(notifications now, webhooks later) without the backlog importing them.

`task_changed` is sent inside the transaction that made the change, so whatever a
receiver writes (a queued job) commits or rolls back with it. Arguments:
`task` (as it is now), `before` (as it was; None when just created), `changes` (a list
of Change), `by` (the user, None for the system) and `via` (the door); a RACI change
adds `person`, `role` (the role they now hold, "" for none) and `previous` (the role
they held before); moving the Accountable sends one for each of the two people. `change`
names the change (its history context's id, as a string), `undoes` the change it
undoes, if it does (backlog's and raci's undo), else None, and `offers_undo` whether the
page it was made on offers to undo it (mopsboard.history.history_context).

`tasks_created` is sent once for tasks made together (an import's batch), inside the
same transaction, in place of a `task_changed` for each: a receiver reads what it needs
for all of them at once. Arguments: `tasks`, `by`, `via`.
"""

from django.db import models
from django.dispatch import Signal

from backlog.models import Status
from mopsboard.history import current_change

task_changed = Signal()
tasks_created = Signal()


class Change(models.TextChoices):
    """The kinds of change others hear about; the names are the webhooks' event types."""

    CREATED = "task.created", "Created"
    SCORED = "task.scored", "Scored"
    STATUS_CHANGED = "task.status_changed", "Status changed"
    PLANNED = "task.planned", "Planned"
    DEFERRED = "task.deferred", "Deferred"
    DECLINED = "task.declined", "Declined"
    RACI_CHANGED = "raci.changed", "RACI changed"


def task_changes(before, after) -> list[Change]:
    """The changes between two states of one task, in the order they are told."""
    if before is None:
        return [Change.CREATED]
    changes = []
    if (before.impact, before.effort) != (after.impact, after.effort):
        changes.append(Change.SCORED)
    if before.status != after.status:
        changes.append(Change.STATUS_CHANGED)
    if after.planned_week and before.planned_week != after.planned_week:
        changes.append(Change.PLANNED)
    if after.status == Status.DEFERRED and before.deferred_until != after.deferred_until:
        changes.append(Change.DEFERRED)
    if after.status == Status.DECLINED and before.status != Status.DECLINED:
        changes.append(Change.DECLINED)
    return changes


def send_task_changed(
    *, task, before, by, via: str, changes: list[Change] | None = None, **details
):
    changes = task_changes(before, task) if changes is None else changes
    if changes:
        change = current_change()
        task_changed.send(
            sender=type(task),
            task=task,
            before=before,
            changes=changes,
            by=by,
            via=via,
            change=str(change.id),
            undoes=change.metadata.get("undoes"),
            offers_undo=bool(change.metadata.get("offers_undo")),
            **details,
        )
