"""Every write to a task: version-checked, recorded in history with who made it."""

import datetime

from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from backlog.models import Quadrant, Status, Task, scores_for_quadrant
from mopsboard.history import history_context


class StaleEdit(Exception):
    """The task changed since the editor loaded it; `current` holds the newer values."""

    def __init__(self, current: Task):
        super().__init__(f"Task {current.pk} is at version {current.version}.")
        self.current = current

    @property
    def message(self) -> str:
        """What the person whose change was refused reads."""
        current = self.current
        scores = (
            f"impact {current.impact}, effort {current.effort}" if current.impact else "not scored"
        )
        return (
            f"“{current.title}” was changed by someone else since you loaded it "
            f"(now {scores}, {current.get_status_display().lower()}). Your change was not saved."
        )


def task_create(*, by, **fields) -> Task:
    """A new request: in the triage inbox unless it arrives already scored."""
    scored = fields.get("impact") is not None
    with history_context(by):
        return Task.objects.create(status=Status.BACKLOG if scored else Status.NEW, **fields)


def task_update(*, task: Task, version: int, by, **changes) -> Task:
    """Write `changes` if the task is still at `version`, else raise StaleEdit.

    One conditional UPDATE does the check and the write, so two editors racing on
    the same version cannot both win.
    """
    if "status" in changes:
        changes = {**_leftovers_cleared(changes["status"]), **changes}
    with transaction.atomic(), history_context(by):
        written = Task.objects.filter(pk=task.pk, version=version).update(
            **changes, version=F("version") + 1, updated_at=timezone.now()
        )
        current = Task.objects.select_related("requester", "category").filter(pk=task.pk).first()
    if current is None:
        raise Http404(f"“{task.title}” was deleted.")
    if not written:
        raise StaleEdit(current)
    return current


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


def task_edit(*, task: Task, version: int, by, **fields) -> Task:
    """Save edited fields; a request that gets its scores leaves triage for the backlog."""
    if task.status == Status.NEW and fields.get("impact") is not None:
        fields["status"] = Status.BACKLOG
    return task_update(task=task, version=version, by=by, **fields)


def task_rescore(*, task: Task, version: int, impact: int, effort: int, by) -> Task:
    return task_edit(task=task, version=version, by=by, impact=impact, effort=effort)


def task_move_to_quadrant(*, task: Task, version: int, quadrant: Quadrant, by) -> Task:
    """Re-score a task by the smallest change that puts it in `quadrant`."""
    impact, effort = scores_for_quadrant(task.impact, task.effort, quadrant)
    return task_rescore(task=task, version=version, impact=impact, effort=effort, by=by)


def task_set_status(*, task: Task, version: int, status: Status, by) -> Task:
    return task_update(task=task, version=version, by=by, status=status)


def task_plan(*, task: Task, version: int, week: datetime.date, by) -> Task:
    """Commit a task to an ISO week (its Monday); work under way keeps its status."""
    status = Status.IN_PROGRESS if task.status == Status.IN_PROGRESS else Status.PLANNED
    return task_update(task=task, version=version, by=by, status=status, planned_week=week)


def task_unplan(*, task: Task, version: int, by) -> Task:
    return task_update(task=task, version=version, by=by, status=Status.BACKLOG)


def task_defer(*, task: Task, version: int, until: datetime.date, by) -> Task:
    return task_update(
        task=task, version=version, by=by, status=Status.DEFERRED, deferred_until=until
    )


def task_decline(*, task: Task, version: int, reason: str, by) -> Task:
    return task_update(
        task=task, version=version, by=by, status=Status.DECLINED, declined_reason=reason
    )


def task_delete(*, task: Task, by) -> None:
    with history_context(by):
        task.delete()


def deferred_tasks_return(*, today: datetime.date) -> int:
    """Deferred work whose return date has come goes back to the triage inbox.

    Recorded in each task's history as the system's doing, with the reason.
    """
    with transaction.atomic(), history_context(None, reason="Came back from deferral"):
        return Task.objects.filter(status=Status.DEFERRED, deferred_until__lte=today).update(
            status=Status.NEW,
            deferred_until=None,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
