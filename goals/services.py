"""Every change to a goal, its steps, its check-ins and the tasks that serve it. Each
takes who acts (`by`) and through which door (`via`), which the history records."""

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from backlog.models import Task
from goals.models import CheckIn, Goal, GoalShareLink, Step, Suggestion
from mopsboard.history import history_context


@transaction.atomic
def goal_save(*, goal: Goal, by, via: str) -> Goal:
    """Create or change a goal (a form's instance, already validated)."""
    with history_context(by, via=via):
        goal.save()
    return goal


@transaction.atomic
def step_save(*, step: Step, by, via: str) -> Step:
    with history_context(by, via=via):
        step.save()
    return step


@transaction.atomic
def check_in_save(*, check_in: CheckIn, by, via: str) -> CheckIn:
    """Record a check-in or correct one; the history keeps every earlier value."""
    if check_in.pk is None:
        check_in.by = by
    with history_context(by, via=via):
        check_in.save()
    return check_in


@transaction.atomic
def task_goals_set(*, task: Task, goals, steps, by, via: str) -> None:
    """Say which active goals and steps `task` serves, in place of what it served; its
    links to archived goals, which the form does not offer, stay."""
    with history_context(by, via=via):
        task.goals.set([*task.goals.filter(archived=True), *goals])
        task.goal_steps.set([*task.goal_steps.filter(goal__archived=True), *steps])


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
    with history_context(by, via=via):
        through.objects.bulk_create(
            [through(task_id=pk, **link) for pk in ids if pk not in linked],
            # Linked meanwhile by someone else: linked all the same.
            ignore_conflicts=True,
        )
    Suggestion.objects.filter(task__in=ids, goal=goal).delete()
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
