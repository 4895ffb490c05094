"""Every write to a task: version-checked, recorded in history with who made it and
through which door (`via`: board, triage, task, review, ...).

Planning a task into a week lives in capacity.services, beside the load it checks.
"""

import copy
import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import DecimalField, F
from django.utils import timezone

from backlog.models import (
    STATUS_MOVES,
    Quadrant,
    Status,
    Task,
    scores_for_quadrant,
    status_moves_refusal,
)
from backlog.signals import send_task_changed, tasks_created
from mopsboard.errors import Conflict, DomainError, NotFound
from mopsboard.history import history_context


class TaskGone(NotFound):
    def __init__(self, task: Task):
        super().__init__(f"“{task.title}” was deleted.")


class StaleEdit(Conflict):
    """The task changed since the editor loaded it; `current` holds the newer values."""

    def __init__(self, current: Task):
        scores = (
            f"impact {current.impact}, effort {current.effort}" if current.impact else "not scored"
        )
        super().__init__(
            f"“{current.title}” was changed by someone else since you loaded it "
            f"(now {scores}, {current.get_status_display().lower()}). Your change was not saved."
        )
        self.current = current


def task_create(*, by, via: str, history: dict | None = None, **fields) -> Task:
    """A new request: in the triage inbox unless it arrives already scored.

    `history` adds to what the history records about the change (history_context's
    metadata): a "reason" is the entry's label, e.g. which intake link it came through.
    """
    scored = fields.get("impact") is not None
    with transaction.atomic(), history_context(by, via=via, **(history or {})):
        task = Task.objects.create(status=Status.BACKLOG if scored else Status.NEW, **fields)
        send_task_changed(task=task, before=None, by=by, via=via)
    return task


def tasks_create(*, tasks: list[dict], by, via: str, history: dict | None = None) -> list[Task]:
    """Many new tasks in one INSERT (an import), each recorded in the history as made by
    `by` through `via`, told to the apps above in one `tasks_created` signal.

    A task may come with the status its work has reached, and the week, return date or
    reason that goes with it; without one it starts where task_create would start it. As
    on every status change, what does not belong to the status is left out. Callers check
    the rows first (the database refuses the whole INSERT over one bad row).
    """
    rows = []
    for fields in tasks:
        scored = fields.get("impact") is not None
        status = fields.get("status") or (Status.BACKLOG if scored else Status.NEW)
        rows.append(Task(**{**fields, "status": status, **_leftovers_cleared(status)}))
    with transaction.atomic(), history_context(by, via=via, **(history or {})):
        made = Task.objects.bulk_create(rows)
        tasks_created.send(sender=Task, tasks=made, by=by, via=via)
    return made


def task_update(
    *, task: Task, version: int, by, via: str, history: dict | None = None, **changes
) -> Task:
    """Write `changes` if the task is still at `version`, else raise StaleEdit.

    One conditional UPDATE does the check and the write, so two editors racing on
    the same version cannot both win. `history` adds to what the history records, as
    task_create's does.
    """
    if "status" in changes:
        changes = {**_leftovers_cleared(changes["status"]), **changes}
    now = timezone.now()
    with transaction.atomic(), history_context(by, via=via, **(history or {})):
        written = Task.objects.filter(pk=task.pk, version=version).update(
            **changes, version=F("version") + 1, updated_at=now
        )
        if written and task.version == version:
            # Every write bumps the version, so the row was `task` until this UPDATE.
            current = _as_written(task, changes, now=now)
        else:
            current = (
                Task.objects.select_related("requester", "category").filter(pk=task.pk).first()
            )
        if written:
            send_task_changed(task=current, before=task, by=by, via=via)
    if current is None:
        raise TaskGone(task)
    if not written:
        raise StaleEdit(current)
    return current


def _as_written(task: Task, changes: dict, *, now: datetime.datetime) -> Task:
    """`task` as one UPDATE of `changes` leaves it, without reading it again."""
    written = copy.copy(task)
    for name, value in changes.items():
        field = Task._meta.get_field(name)
        if isinstance(field, DecimalField) and value is not None:
            # As the column gives it back: 4 hours written to numeric(6, 1) reads 4.0.
            value = Decimal(value).quantize(Decimal(1).scaleb(-field.decimal_places))
        setattr(written, name, value)
    written.version = task.version + 1
    written.updated_at = now
    return written


def _leftovers_cleared(status: Status) -> dict:
    """A return date only belongs to deferred work, a reason only to declined work, a
    week only to work that is planned, under way or done."""
    cleared = {}
    if status not in (Status.PLANNED, Status.IN_PROGRESS, Status.DONE):
        cleared["planned_week"] = None
    if status != Status.DEFERRED:
        cleared["deferred_until"] = None
    if status != Status.DECLINED:
        cleared["declined_reason"] = ""
    return cleared


def task_edit(*, task: Task, version: int, by, via: str, **fields) -> Task:
    """Save edited fields; a request that gets its scores leaves triage for the backlog.
    A requester a team member picks is confirmed: they know who asked."""
    if task.awaiting_triage and fields.get("impact") is not None:
        fields["status"] = Status.BACKLOG
    if "requester" in fields and fields["requester"] != task.requester:
        fields["requester_confirmed"] = True
    return task_update(task=task, version=version, by=by, via=via, **fields)


def task_rescore(*, task: Task, version: int, impact: int, effort: int, by, via: str) -> Task:
    return task_edit(task=task, version=version, by=by, via=via, impact=impact, effort=effort)


def task_move_to_quadrant(*, task: Task, version: int, quadrant: Quadrant, by, via: str) -> Task:
    """Re-score a task by the smallest change that puts it in `quadrant`, keeping its hours.

    A move says where the work sits, not how long it takes: an estimate that followed the
    effort score is written down as it was, so nobody's load changes behind the lead's
    back (they change the estimate on the task)."""
    impact, effort = scores_for_quadrant(task.impact, task.effort, quadrant)
    kept = {}
    if task.estimate_hours is None and effort != task.effort:
        kept["estimate_hours"] = task.estimate
    return task_edit(
        task=task, version=version, by=by, via=via, impact=impact, effort=effort, **kept
    )


class StatusMoveRefused(DomainError):
    """A status the task cannot go to from its own (STATUS_MOVES)."""

    def __init__(self, task: Task):
        super().__init__(f"“{task.title}”: {status_moves_refusal(task.status)}")


def task_set_status(*, task: Task, version: int, status: Status, by, via: str) -> Task:
    """Move a task to a status the status menu allows from its own."""
    if status not in STATUS_MOVES[task.status]:
        raise StatusMoveRefused(task)
    return task_update(task=task, version=version, by=by, via=via, status=status)


def task_defer(*, task: Task, version: int, until: datetime.date, by, via: str) -> Task:
    return task_update(
        task=task, version=version, by=by, via=via, status=Status.DEFERRED, deferred_until=until
    )


def task_decline(*, task: Task, version: int, reason: str, by, via: str) -> Task:
    return task_update(
        task=task, version=version, by=by, via=via, status=Status.DECLINED, declined_reason=reason
    )


def task_delete(*, task: Task, by, via: str) -> None:
    with history_context(by, via=via):
        task.delete()


def tasks_delete(*, tasks, by, via: str, history: dict | None = None) -> int:
    """Many tasks at once (an import's undo), as task_delete deletes one: each recorded in
    the history as deleted by `by` through `via`, its RACI, comments and news going with
    it, and no news sent. Django's delete: a query for each kind of row that goes with a
    task, and one for each 100 tasks, never one a task. How many were deleted."""
    with transaction.atomic(), history_context(by, via=via, **(history or {})):
        _, deleted = Task.objects.filter(pk__in=tasks).delete()
    return deleted.get(Task._meta.label, 0)


def deferred_tasks_return(*, today: datetime.date) -> int:
    """Deferred work whose return date has come goes back to the triage inbox.

    Run by the daily `return_deferred` command; recorded in each task's history as the
    system's doing, with the reason.
    """
    with (
        transaction.atomic(),
        history_context(None, via="system", reason="Came back from deferral"),
    ):
        due = {task.pk: task for task in Task.objects.due_back(today).select_for_update()}
        Task.objects.filter(pk__in=due).update(
            status=Status.NEW,
            deferred_until=None,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        for task in Task.objects.select_related("requester").filter(pk__in=due):
            send_task_changed(task=task, before=due[task.pk], by=None, via="system")
    return len(due)
