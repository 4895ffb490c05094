"""Every change to a goal, its steps, its check-ins and the tasks that serve it. Each
takes who acts (`by`) and through which door (`via`), which the history records, and
tells goals.signals what changed: check-ins, and the goal's status where it moved."""

import contextlib
import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from backlog.models import Task
from goals.models import CheckIn, Goal, GoalShareLink, Step, Suggestion, fingerprint
from goals.progress import goals_progress
from goals.signals import goal_checked_in, goal_status_changed
from mopsboard.errors import Conflict
from mopsboard.history import history_context


class ChangedMeanwhile(Conflict):
    """The goal, step or check-in changed since the one writing read it."""

    def __init__(self, current):
        super().__init__(
            f"“{current}” was changed by someone else since you read it. Your change was not saved."
        )
        self.current = current


def _unchanged(row, seen: str | None) -> None:
    """With `seen` (the row's fingerprint as the writer read it), lock the stored row and
    refuse the write if it changed since."""
    if seen is None or row.pk is None:
        return
    stored = type(row).objects.select_for_update().get(pk=row.pk)
    if fingerprint(stored) != seen:
        raise ChangedMeanwhile(stored)


def _statuses(goal_ids, *, today: datetime.date) -> dict:
    if not goal_ids:
        return {}
    goals = list(Goal.objects.filter(pk__in=goal_ids).select_related("owner"))
    return {progress.goal.pk: progress for progress in goals_progress(goals, today=today)}


@contextlib.contextmanager
def _status_told(goal_ids, *, by, via: str):
    """Tell goal_status_changed for each of the goals whose status the writes inside the
    block move: a check-in, a link, an edit of the KPI or the lead's own status."""
    goal_ids = {pk for pk in goal_ids if pk is not None}
    today = timezone.localdate()
    before = {pk: progress.status for pk, progress in _statuses(goal_ids, today=today).items()}
    yield
    for pk, progress in _statuses(goal_ids, today=today).items():
        if pk in before and progress.status != before[pk]:
            goal_status_changed.send(
                sender=Goal, progress=progress, before=before[pk], by=by, via=via
            )


@transaction.atomic
def goal_save(*, goal: Goal, by, via: str, seen: str | None = None) -> Goal:
    """Create or change a goal (a form's instance, already validated)."""
    _unchanged(goal, seen)
    with _status_told([goal.pk], by=by, via=via), history_context(by, via=via):
        goal.save()
    return goal


@transaction.atomic
def step_save(*, step: Step, by, via: str, seen: str | None = None) -> Step:
    _unchanged(step, seen)
    with history_context(by, via=via):
        step.save()
    return step


@transaction.atomic
def check_in_save(*, check_in: CheckIn, by, via: str, seen: str | None = None) -> CheckIn:
    """Record a check-in or correct one; the history keeps every earlier value."""
    _unchanged(check_in, seen)
    check_ins_save(goal=check_in.goal, check_ins=[check_in], by=by, via=via)
    return check_in


@transaction.atomic
def check_ins_save(*, goal: Goal, check_ins: list[CheckIn], by, via: str) -> list[CheckIn]:
    """Record or correct several check-ins of `goal` as one change (a CSV of figures):
    all of them or, when one is refused, none."""
    with _status_told([goal.pk], by=by, via=via), history_context(by, via=via):
        for check_in in check_ins:
            if check_in.pk is None:
                check_in.by = by
            check_in.save()
    goal_checked_in.send(sender=Goal, goal=goal, check_ins=check_ins, by=by, via=via)
    return check_ins


@transaction.atomic
def goal_statuses_tell_overnight(*, today: datetime.date) -> None:
    """Tell goal_status_changed for each active goal whose status moved with the day alone
    (its deadline passed, a week of the team's free hours went by): its status today
    against yesterday's, from the same figures."""
    goals = list(Goal.objects.active().select_related("owner"))
    yesterday = goals_progress(goals, today=today - datetime.timedelta(days=1))
    for before, progress in zip(yesterday, goals_progress(goals, today=today), strict=True):
        if progress.status != before.status:
            goal_status_changed.send(
                sender=Goal, progress=progress, before=before.status, by=None, via="system"
            )


def _served(task: Task) -> set[int]:
    """The goals a task serves, directly or through a step."""
    return {
        *task.goals.values_list("pk", flat=True),
        *task.goal_steps.values_list("goal", flat=True),
    }


def _suggestions_settle(task_ids, goal_ids) -> None:
    """A requester's suggestion of a goal is settled once their request serves it,
    whichever door linked them."""
    Suggestion.objects.filter(task__in=task_ids, goal__in=goal_ids).delete()


@transaction.atomic
def task_goals_set(*, task: Task, goals, steps, by, via: str) -> None:
    """Say which active goals and steps `task` serves, in place of what it served; its
    links to archived goals, which the form does not offer, stay. A requester's
    suggestion of a goal it now serves is settled."""
    serving = {goal.pk for goal in goals} | {step.goal_id for step in steps}
    with _status_told(_served(task) | serving, by=by, via=via), history_context(by, via=via):
        task.goals.set([*task.goals.filter(archived=True), *goals])
        task.goal_steps.set([*task.goal_steps.filter(goal__archived=True), *steps])
    _suggestions_settle([task.pk], serving)


@transaction.atomic
def share_link_create(*, label: str, goals, expires_on: datetime.date | None, by) -> GoalShareLink:
    """A link to the read-only goals page for leadership, narrowed to `goals` if any."""
    link = GoalShareLink.objects.create(
        label=label, expires_on=expires_on, created_by=by, narrowed=bool(goals)
    )
    link.goals.set(goals)
    return link


def share_link_revoke(*, link: GoalShareLink) -> None:
    GoalShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


@transaction.atomic
def tasks_goal_link(
    *, tasks: QuerySet, goal: Goal | None = None, step: Step | None = None, by, via: str
) -> int:
    """Link `tasks` to `goal`, or to `step`, besides what they serve already; a requester's
    suggestion of that goal is settled. Returns how many were not linked to it before. The
    same few queries however many tasks."""
    ids = list(tasks.values_list("pk", flat=True))
    if step is not None:
        through, link = Step.tasks.through, {"step": step}
        goal = step.goal
    else:
        through, link = Goal.tasks.through, {"goal": goal}
    linked = set(through.objects.filter(task__in=ids, **link).values_list("task", flat=True))
    with _status_told([goal.pk], by=by, via=via), history_context(by, via=via):
        through.objects.bulk_create(
            [through(task_id=pk, **link) for pk in ids if pk not in linked],
            # Linked meanwhile by someone else: linked all the same.
            ignore_conflicts=True,
        )
    _suggestions_settle(ids, [goal.pk])
    return len(set(ids) - linked)


def task_goal_link(
    *, task: Task, goal: Goal | None = None, step: Step | None = None, by, via: str
) -> Task:
    """One task linked to a goal or a step: the task action of triage and the board."""
    tasks_goal_link(tasks=Task.objects.filter(pk=task.pk), goal=goal, step=step, by=by, via=via)
    return task


@transaction.atomic
def goal_suggestion_reject(*, task: Task, goal: Goal, by, via: str) -> Task:
    """The lead says the request does not serve `goal`, which its requester suggested."""
    Suggestion.objects.filter(task=task, goal=goal).delete()
    return task
