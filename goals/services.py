"""Every change to a goal, its steps, its check-ins and the tasks that serve it. Each
takes who acts (`by`) and through which door (`via`), which the history records."""

import datetime

from django.db import transaction
from django.utils import timezone

from backlog.models import Task
from goals.models import CheckIn, Goal, GoalShareLink, Step
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
