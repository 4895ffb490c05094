"""What can be done to a task from a page: one table of actions, one dispatcher.

Each action is a form (its fields are the service's keyword arguments, version
included), the service that writes, and the sentence that says it was done. Apps above
the backlog add their own at start-up (capacity adds plan and unplan in its AppConfig),
so the board, the triage inbox, the task page and the review all act through `task_act`
without the backlog importing them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms

from backlog import services
from backlog.forms import (
    DeclineForm,
    DeferForm,
    MoveForm,
    ScoreForm,
    StatusForm,
    TaskChoiceForm,
)
from backlog.models import Task, default_estimate_hours
from mopsboard.errors import DomainError
from mopsboard.forms import errors_text
from mopsboard.history import UNDO_DOORS, history_context


@dataclass(frozen=True)
class TaskAction:
    form_class: type[forms.Form]
    service: Callable[..., Task]
    done: Callable[[Task], str]
    # Its maker may take it back for a few seconds (raci.services.task_change_undo).
    undoable: bool = False


ACTIONS: dict[str, TaskAction] = {}


def estimate_kept(task: Task) -> str:
    """What a move did to the hours: nothing, said where the effort suggests others."""
    suggested = default_estimate_hours(task.effort)
    if suggested is None or task.estimate == suggested:
        return f"Its estimate stays {task.estimate_label}."
    return (
        f"Its estimate stays {task.estimate_label}, so nobody's load changes; effort "
        f"{task.effort} usually takes {suggested} h: change the estimate on the task if it does."
    )


def register(name: str, action: TaskAction) -> None:
    ACTIONS[name] = action


register(
    "score",
    TaskAction(
        ScoreForm,
        services.task_rescore,
        lambda task: f"“{task.title}” scored: {task.quadrant.label} — {task.quadrant.action}.",
        undoable=True,
    ),
)
register(
    "move",
    TaskAction(
        MoveForm,
        services.task_move_to_quadrant,
        lambda task: (
            f"“{task.title}” is now a {task.quadrant.label.lower()} "
            f"(impact {task.impact}, effort {task.effort}). {estimate_kept(task)}"
        ),
        undoable=True,
    ),
)
register(
    "status",
    TaskAction(
        StatusForm,
        services.task_set_status,
        lambda task: f"“{task.title}” is now {task.get_status_display().lower()}.",
    ),
)
register(
    "defer",
    TaskAction(
        DeferForm,
        services.task_defer,
        lambda task: f"“{task.title}” deferred until {task.deferred_until:%-d %B %Y}.",
        undoable=True,
    ),
)
register(
    "decline",
    TaskAction(
        DeclineForm,
        services.task_decline,
        lambda task: f"“{task.title}” declined.",
        undoable=True,
    ),
)


@dataclass
class Outcome:
    """How an action went: the task as it now is, the bound form, the status a page
    answers with (200, or the refusal's 404 / 409 / 422), what to tell the person, and
    the domain error that refused it, if one did; `change` names a done change its
    maker may undo (its history context's id), else it is empty."""

    task: Task | None
    form: forms.Form
    status: int
    message: str
    refusal: DomainError | None = None
    change: str = ""

    @property
    def done(self) -> bool:
        return self.status == 200


def task_act(*, name: str, task: Task, data, by, via: str) -> Outcome:
    """Validate `data` with the action's form and run its service, through door `via`."""
    action = ACTIONS[name]
    form = action.form_class(data, task=task)
    if not form.is_valid():
        return Outcome(task, form, 422, f"“{task.title}”: {errors_text(form)}")
    offers_undo = action.undoable and via in UNDO_DOORS
    try:
        with history_context(by, via=via, offers_undo=offers_undo) as change:
            changed = action.service(task=task, by=by, via=via, **form.cleaned_data)
    except DomainError as refusal:
        return Outcome(
            getattr(refusal, "current", task), form, refusal.status, refusal.message, refusal
        )
    undo = str(change.id) if offers_undo else ""
    return Outcome(changed, form, 200, action.done(changed), change=undo)


def chosen_task_act(*, data, actions: list[str], by, via: str) -> Outcome:
    """`task_act` for a page that names the task and the action in the POST (the board,
    the review), offering only `actions`."""
    choice = TaskChoiceForm(data, actions=actions)
    if not choice.is_valid():
        return Outcome(None, choice, 422, errors_text(choice))
    return task_act(
        name=choice.cleaned_data["action"],
        task=choice.cleaned_data["task"],
        data=data,
        by=by,
        via=via,
    )
