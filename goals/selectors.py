"""Reads that assemble a goal's parts: its history, and a task's goals for its page and
the board's cards."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from pghistory.models import Events

from backlog.models import Task
from backlog.selectors import EVENT_LABELS, HistoryEntry
from goals.forms import TaskGoalsForm
from goals.models import CheckIn, Goal, Step
from people.models import Person

HIDDEN_FIELDS = {"id", "goal_id", "by_id", "recorded_at", "created_at"}


def goal_history(goal: Goal) -> list[HistoryEntry]:
    """Every recorded change to the goal, its steps and its check-ins, newest first: a corrected
    check-in shows what it said before."""
    events = list(Events.objects.references(goal).order_by("-pgh_created_at", "-pgh_id"))
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
