"""Reads that assemble a goal's parts: its history, a task's goals for its page and the
board's cards, and the goals a leadership share link shows."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from pghistory.models import Events

from backlog.models import Task
from backlog.selectors import EVENT_LABELS, HistoryEntry
from goals.forms import TaskGoalsForm
from goals.models import CheckIn, Goal, GoalShareLink, Step, Suggestion
from goals.progress import GoalProgress, goals_progress
from people.models import Person

HIDDEN_FIELDS = {"id", "goal_id", "by_id", "recorded_at", "created_at"}
GOAL_EVENTS, STEP_EVENTS, CHECK_IN_EVENTS = (
    "goals.GoalEvent",
    "goals.StepEvent",
    "goals.CheckInEvent",
)


def goal_history(goal: Goal) -> list[HistoryEntry]:
    """Every recorded change to the goal, its steps and its check-ins, newest first: a corrected
    check-in shows what it said before."""
    events = list(
        # Not the links to tasks, which reference the goal too: the tasks' history has them.
        Events.objects.references(goal)
        .filter(pgh_model__in=[GOAL_EVENTS, STEP_EVENTS, CHECK_IN_EVENTS])
        .order_by("-pgh_created_at", "-pgh_id")
    )
    user_ids = {(event.pgh_context or {}).get("user") for event in events} - {None}
    usernames = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username"))
    owners = dict(
        Person.objects.filter(
            pk__in={
                pk
                for event in events
                for pk in (event.pgh_diff or {}).get("owner_id", [event.pgh_data.get("owner_id")])
            }
        ).values_list("pk", "name")
    )
    labels = {
        model._meta.label: {f.attname: f.verbose_name for f in model._meta.concrete_fields}
        for model in (Goal, Step, CheckIn)
    }
    entries = []
    for event in events:
        # The event model is named for the tracked one: goals.CheckInEvent, goals.StepEvent.
        model = next(label for label in labels if event.pgh_model == f"{label}Event")
        names = labels[model]
        if event.pgh_label == "update":
            shown = event.pgh_diff or {}
        else:  # created or deleted: what it held then
            shown = {
                name: (None, value) if event.pgh_label == "insert" else (value, None)
                for name, value in event.pgh_data.items()
                if value not in ("", None)
            }
        changes = [
            (names[name], owners.get(old, old), owners.get(new, new))
            if name == "owner_id"
            else (names[name], old, new)
            for name, (old, new) in shown.items()
            if name in names and name not in HIDDEN_FIELDS
        ]
        if event.pgh_label == "update" and not changes:
            continue
        what = {CheckIn._meta.label: "Check-in", Step._meta.label: "Step"}.get(model, "Goal")
        entries.append(
            HistoryEntry(
                when=event.pgh_created_at,
                who=usernames.get((event.pgh_context or {}).get("user")) or "system",
                label=f"{what} {EVENT_LABELS[event.pgh_label].lower()}",
                changes=changes,
            )
        )
    return entries


@dataclass
class TaskGoals:
    goals: list[Goal]
    steps: list[Step]
    form: TaskGoalsForm


def task_goals(task: Task, *, form: TaskGoalsForm | None = None) -> TaskGoals:
    """What the task page's Goals panel shows: the goals and steps the task serves, and
    the form to change them (`form`, when it comes back refused)."""
    goals = list(task.goals.all())
    steps = list(task.goal_steps.select_related("goal"))
    if form is None:
        form = TaskGoalsForm(initial={"goals": goals, "steps": steps})
    return TaskGoals(goals=goals, steps=steps, form=form)


def goal_names(tasks: list[Task]) -> dict[int, str]:
    """The short names of the goals each task serves, directly or through a step, in one
    query: the board's cards."""
    names: dict[int, set[str]] = {}
    ids = [task.pk for task in tasks]
    for task_id, name in (
        Goal.tasks.through.objects.filter(task__in=ids)
        .values_list("task_id", "goal__short_name")
        .union(
            Step.tasks.through.objects.filter(task__in=ids).values_list(
                "task_id", "step__goal__short_name"
            )
        )
    ):
        names.setdefault(task_id, set()).add(name)
    return {task_id: ", ".join(sorted(found)) for task_id, found in names.items()}


def shared_goals(link: GoalShareLink, *, today: datetime.date) -> list[GoalProgress]:
    """The active goals a share link shows (those it names, or every one), each with its
    progress and its steps (`goal.steps.all()`), in the same few queries however many."""
    goals = Goal.objects.active().select_related("owner")
    if link.narrowed:
        goals = goals.filter(pk__in=link.goals.values("pk"))
    goals = goals.prefetch_related(Prefetch("steps", Step.objects.select_related("owner")))
    return goals_progress(list(goals), today=today)


def link_history(events) -> list[tuple[str, list]]:
    """Links to goals or steps, made or undone, as the task's history tells them: each
    goal's or step's name as it is now, read for all the events (of one kind: goals or
    steps, as HISTORY_EVENTS gives them) in one query."""
    ids = {event.pgh_data.get("step_id") or event.pgh_data.get("goal_id") for event in events}
    if "step_id" in events[0].pgh_data:
        what = "Step"
        names = {
            pk: f"{short_name}: {title}"
            for pk, short_name, title in Step.objects.filter(pk__in=ids).values_list(
                "pk", "goal__short_name", "title"
            )
        }
    else:
        what = "Goal"
        names = dict(Goal.objects.filter(pk__in=ids).values_list("pk", "short_name"))
    read = []
    for event in events:
        name = names.get(event.pgh_data[f"{what.lower()}_id"], "(deleted since)")
        if event.pgh_label == "linked":
            read.append((f"Linked to a {what.lower()}", [(what, None, name)]))
        else:
            read.append((f"No longer serves a {what.lower()}", [(what, name, None)]))
    return read


def picker_goals() -> list[Goal]:
    """The goal picker's options: the active goals, each with its steps, in two queries."""
    return list(Goal.objects.active().prefetch_related("steps"))


def goal_suggestions(tasks) -> dict[int, Goal]:
    """The goal each of `tasks` was suggested for by its requester, in one query."""
    return {
        suggestion.task_id: suggestion.goal
        for suggestion in Suggestion.objects.filter(
            task__in=[task.pk for task in tasks]
        ).select_related("goal")
    }
