"""Goals through the API: the goals with their status and reasons, their steps, their
check-ins and the tasks that serve them, with the goals' own forms and services and the
task routes' conventions (tokens, ETag and If-Match, cursor pages, problem+json).

A goal, step or check-in keeps no version number: its ETag is a digest of what is
stored (goals.models.fingerprint), and a write sent with an older one answers 412.
A tool that checks in the monthly figure (a BI or marketing-automation sync) posts it to
`/goals/{id}/check-ins`, as the goal's page adds one.
"""

import copy
import datetime
from collections import defaultdict
from typing import Literal

from django.forms import model_to_dict
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Header, Router, Status
from ninja.pagination import CursorPagination, paginate
from pydantic import Field

from api.auth import BearerToken
from api.inputs import ID, form_data, form_schema
from api.problems import ApiProblem, form_problem
from api.schemas import PersonRef, Schema, answers, site_url
from backlog.models import Task
from goals import services
from goals.forms import CheckInForm, GoalForm, StepForm, TaskGoalsForm
from goals.models import OVERRIDE_CHOICES, CheckIn, Direction, Goal, Step, Unit, fingerprint
from goals.models import Status as GoalStatus
from goals.progress import goals_progress

router = Router(tags=["Goals"])

GoalIn = form_schema(GoalForm(), "GoalIn")
GoalPatch = form_schema(GoalForm(), "GoalPatch", partial=True)
StepIn = form_schema(StepForm(), "StepIn")
StepPatch = form_schema(StepForm(), "StepPatch", partial=True)
CheckInIn = form_schema(CheckInForm(goal=Goal()), "CheckInIn")
CheckInPatch = form_schema(CheckInForm(goal=Goal()), "CheckInPatch", partial=True)
# Both lists always sent: an empty one unlinks, where leaving one out could be a typo.
TaskGoalsIn = form_schema(TaskGoalsForm(), "TaskGoalsIn", required={"goals", "steps"})
IF_MATCH = Header(
    None,
    alias="If-Match",
    min_length=1,
    description="Its ETag as you read it. Required: 428 without it.",
)
StatusValue = Literal[tuple(GoalStatus.values)]


class StepOut(Schema):
    id: int
    goal: int
    title: str
    owner: PersonRef
    due_date: datetime.date
    target: float | None = Field(description="In the goal's KPI; null: simply done or not.")
    reached: float | None = Field(description="The latest figure of a step with a target.")
    done: bool = Field(description="Ticked, for a step without a target.")
    is_done: bool = Field(description="Its target reached, or ticked.")
    tasks: list[int] = Field(description="The tasks that serve it.")


class GoalOut(Schema):
    id: int
    url: str = Field(description="The goal's page in mopsboard.")
    title: str
    short_name: str
    description: str
    owner: PersonRef = Field(description="Accountable for the goal.")
    kpi_name: str
    unit: Literal[("", *Unit.values)]
    direction: Literal[tuple(Direction.values)]
    baseline: float | None
    baseline_date: datetime.date | None
    target: float | None
    deadline: datetime.date | None
    archived: bool
    status: StatusValue = Field(description="The lead's status where set, else the computed one.")
    computed_status: StatusValue = Field(description="What the KPI and the linked work say.")
    status_override: Literal[("", *(value for value, _ in OVERRIDE_CHOICES))]
    status_note: str = Field(description="Why the lead set the status.")
    reasons: list[str] = Field(description="Why the computed status is what it is.")
    current: float | None = Field(description="The KPI now: its latest check-in, or baseline.")
    next_check_in: datetime.date | None = Field(description="A month after the latest.")
    steps: list[StepOut]
    tasks: list[int] = Field(description="The tasks that serve it directly (steps: theirs).")
    created_at: datetime.datetime


class CheckInOut(Schema):
    id: int
    goal: int
    on: datetime.date = Field(description="The day the value was seen.")
    value: float
    note: str
    by: str | None = Field(description="Who recorded it (username).")
    recorded_at: datetime.datetime


class TaskGoalsOut(Schema):
    task: int
    goals: list[int]
    steps: list[int]


def _number(value) -> float | None:
    return None if value is None else float(value)


def _person(person) -> dict:
    return {"id": person.pk, "name": person.name}


def steps_data(steps: list[Step]) -> list[dict]:
    """Steps read with their owner, as StepOut has them: one query for all their tasks."""
    tasks = defaultdict(list)
    for step_id, task_id in Step.tasks.through.objects.filter(
        step__in=[step.pk for step in steps]
    ).values_list("step_id", "task_id"):
        tasks[step_id].append(task_id)
    return [
        {
            "id": step.pk,
            "goal": step.goal_id,
            "title": step.title,
            "owner": _person(step.owner),
            "due_date": step.due_date,
            "target": _number(step.target),
            "reached": _number(step.reached),
            "done": step.done,
            "is_done": step.is_done,
            "tasks": sorted(tasks[step.pk]),
        }
        for step in steps
    ]


def goals_data(goals: list[Goal]) -> list[dict]:
    """Goals read with their owner, as GoalOut has them, with their progress (status and
    reasons), steps and tasks: a constant number of queries however many. Webhooks send
    exactly this."""
    ids = [goal.pk for goal in goals]
    steps = defaultdict(list)
    for step in steps_data(list(Step.objects.filter(goal__in=ids).select_related("owner"))):
        steps[step["goal"]].append(step)
    tasks = defaultdict(list)
    for goal_id, task_id in Goal.tasks.through.objects.filter(goal__in=ids).values_list(
        "goal_id", "task_id"
    ):
        tasks[goal_id].append(task_id)
    return [
        {
            "id": goal.pk,
            "url": site_url(goal.get_absolute_url()),
            "title": goal.title,
            "short_name": goal.short_name,
            "description": goal.description,
            "owner": _person(goal.owner),
            "kpi_name": goal.kpi_name,
            "unit": goal.unit,
            "direction": goal.direction,
            "baseline": _number(goal.baseline),
            "baseline_date": goal.baseline_date,
            "target": _number(goal.target),
            "deadline": goal.deadline,
            "archived": goal.archived,
            "status": progress.status.value,
            "computed_status": progress.computed.value,
            "status_override": goal.status_override,
            "status_note": goal.status_note,
            "reasons": progress.reasons,
            "current": _number(progress.kpi.current),
            "next_check_in": progress.next_check_in,
            "steps": steps[goal.pk],
            "tasks": sorted(tasks[goal.pk]),
            "created_at": goal.created_at,
        }
        for goal, progress in zip(
            goals, goals_progress(goals, today=timezone.localdate()), strict=True
        )
    ]


def check_in_data(check_in: CheckIn) -> dict:
    return {
        "id": check_in.pk,
        "goal": check_in.goal_id,
        "on": check_in.on,
        "value": float(check_in.value),
        "note": check_in.note,
        "by": check_in.by and check_in.by.get_username(),
        "recorded_at": check_in.recorded_at,
    }


class GoalPages(CursorPagination):
    """ninja's cursor pages, each goal as `goals_data` has it."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page[self.items_attribute] = goals_data(page[self.items_attribute])
        return page


class CheckInPages(CursorPagination):
    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page[self.items_attribute] = [check_in_data(c) for c in page[self.items_attribute]]
        return page


def _goal(goal_id: int) -> Goal:
    return get_object_or_404(Goal.objects.select_related("owner"), pk=goal_id)


def _step(step_id: int) -> Step:
    return get_object_or_404(Step.objects.select_related("owner", "goal"), pk=step_id)


def _check_in(check_in_id: int) -> CheckIn:
    return get_object_or_404(CheckIn.objects.select_related("goal__owner", "by"), pk=check_in_id)


def _stale(changed: services.ChangedMeanwhile) -> ApiProblem:
    return ApiProblem(412, changed.message, headers={"ETag": _etag(changed.current)})


def _etag(row) -> str:
    return f'"{fingerprint(row)}"'


def _seen(row, if_match: str | None) -> str:
    """The fingerprint the client wrote against, if it is the row's own; else 428 or 412."""
    if not if_match:
        raise ApiProblem(
            428,
            "Send its ETag as you read it in If-Match, so that a change made meanwhile is "
            "not overwritten.",
        )
    if if_match.strip() != _etag(row):
        raise _stale(services.ChangedMeanwhile(row))
    return fingerprint(row)


def _saved(save, **arguments):
    """A service's write with If-Match: a change that came in between answers 412."""
    try:
        return save(**arguments)
    except services.ChangedMeanwhile as changed:
        raise _stale(changed) from changed


def _patched(form_class, row, payload, **form_arguments):
    """The form for a PATCH: the stored values, with what was sent in their place."""
    data = {**model_to_dict(row, fields=form_class.Meta.fields), **form_data(payload)}
    # The form writes cleaned values onto its instance: a copy keeps `row` as stored.
    form = form_class(data, instance=copy.copy(row), **form_arguments)
    if not form.is_valid():
        raise form_problem(form)
    return form


def _goal_answer(response: HttpResponse, goal: Goal) -> dict:
    goal = _goal(goal.pk)
    response["ETag"] = _etag(goal)
    return goals_data([goal])[0]


def _step_answer(response: HttpResponse, step: Step) -> dict:
    step = _step(step.pk)
    response["ETag"] = _etag(step)
    return steps_data([step])[0]


def _check_in_answer(response: HttpResponse, check_in: CheckIn) -> dict:
    check_in = _check_in(check_in.pk)
    response["ETag"] = _etag(check_in)
    return check_in_data(check_in)


def _may_check_in(request, goal: Goal) -> None:
    if not goal.takes_check_ins_from(request.user):
        raise ApiProblem(403, "Only the lead and the goal's Accountable person check in.")


@router.get(
    "/goals",
    response=answers({200: list[GoalOut]}, 403),
    url_name="goals",
    summary="List goals, with their status and its reasons",
    description="Oldest first, a page at a time: follow `next` until it is null. "
    "`archived=true`: the archived goals instead.",
    auth=BearerToken(permission="goals.view_goal"),
)
@paginate(GoalPages, ordering=("pk",), page_size=50, max_page_size=200)
def list_goals(request, archived: bool = False):
    return Goal.objects.filter(archived=archived).select_related("owner")


@router.post(
    "/goals",
    response=answers({201: GoalOut}, 400, 403),
    url_name="goals",
    summary="Create a goal, as the New goal page does",
    description="A draft may lack its KPI, target or deadline: its reasons say which SMART "
    "letter is missing. A deadline on or before the baseline's date answers 422.",
    auth=BearerToken(permission="goals.add_goal"),
)
def create_goal(request, payload: GoalIn, response: HttpResponse):
    form = GoalForm(form_data(payload))
    if not form.is_valid():
        raise form_problem(form)
    goal = services.goal_save(goal=form.instance, by=request.user, via="api")
    response["Location"] = reverse("api-v1:goal", args=[goal.pk])
    return Status(201, _goal_answer(response, goal))


@router.get(
    "/goals/{goal_id}",
    response=answers({200: GoalOut}, 403, 404),
    url_name="goal",
    summary="One goal: its KPI, status and reasons, steps and linked tasks",
    auth=BearerToken(permission="goals.view_goal"),
)
def get_goal(request, goal_id: ID, response: HttpResponse):
    return _goal_answer(response, _goal(goal_id))


@router.patch(
    "/goals/{goal_id}",
    response=answers({200: GoalOut}, 400, 403, 404, 412, 428),
    url_name="goal",
    summary="Edit a goal, or set its status (the lead)",
    description="Send only what changes. `status_override` with `status_note` (why) sets the "
    "status in place of the computed one; empty lets it follow the figures again.",
    auth=BearerToken(permission="goals.change_goal"),
)
def update_goal(
    request, goal_id: ID, payload: GoalPatch, response: HttpResponse, if_match: str = IF_MATCH
):
    goal = _goal(goal_id)
    seen = _seen(goal, if_match)
    form = _patched(GoalForm, goal, payload)
    goal = _saved(services.goal_save, goal=form.instance, seen=seen, by=request.user, via="api")
    return _goal_answer(response, goal)


@router.post(
    "/goals/{goal_id}/steps",
    response=answers({201: StepOut}, 400, 403, 404),
    url_name="goal-steps",
    summary="Add a step to a goal",
    auth=BearerToken(permission="goals.change_goal"),
)
def create_step(request, goal_id: ID, payload: StepIn, response: HttpResponse):
    goal = _goal(goal_id)
    form = StepForm(form_data(payload), instance=Step(goal=goal))
    if not form.is_valid():
        raise form_problem(form)
    step = services.step_save(step=form.instance, by=request.user, via="api")
    response["Location"] = reverse("api-v1:step", args=[step.pk])
    return Status(201, _step_answer(response, step))


@router.get(
    "/goal-steps/{step_id}",
    response=answers({200: StepOut}, 403, 404),
    url_name="step",
    summary="One step of a goal",
    auth=BearerToken(permission="goals.view_goal"),
)
def get_step(request, step_id: ID, response: HttpResponse):
    return _step_answer(response, _step(step_id))


@router.patch(
    "/goal-steps/{step_id}",
    response=answers({200: StepOut}, 400, 403, 404, 412, 428),
    url_name="step",
    summary="Edit a step: its value reached, or done",
    auth=BearerToken(permission="goals.change_goal"),
)
def update_step(
    request, step_id: ID, payload: StepPatch, response: HttpResponse, if_match: str = IF_MATCH
):
    step = _step(step_id)
    seen = _seen(step, if_match)
    form = _patched(StepForm, step, payload)
    step = _saved(services.step_save, step=form.instance, seen=seen, by=request.user, via="api")
    return _step_answer(response, step)


@router.get(
    "/goals/{goal_id}/check-ins",
    response=answers({200: list[CheckInOut]}, 403, 404),
    url_name="goal-check-ins",
    summary="A goal's check-ins, oldest first",
    auth=BearerToken(permission="goals.view_goal"),
)
@paginate(CheckInPages, ordering=("on",), page_size=50, max_page_size=200)
def list_check_ins(request, goal_id: ID):
    return _goal(goal_id).check_ins.select_related("by")


@router.post(
    "/goals/{goal_id}/check-ins",
    response=answers({201: CheckInOut}, 400, 403, 404),
    url_name="goal-check-ins",
    summary="Check in the KPI's value on a day",
    description="The lead, or the goal's Accountable person. A day after today, a value "
    "that is not a number, or a day that has a check-in already answers 422 (correct that "
    "one with PATCH). Sends the webhook event goal.checked_in, and goal.status_changed "
    "when it moves the status.",
    auth=BearerToken(permission="goals.add_checkin"),
)
def create_check_in(request, goal_id: ID, payload: CheckInIn, response: HttpResponse):
    goal = _goal(goal_id)
    _may_check_in(request, goal)
    form = CheckInForm(form_data(payload), goal=goal, instance=CheckIn(goal=goal))
    if not form.is_valid():
        raise form_problem(form)
    check_in = services.check_in_save(check_in=form.instance, by=request.user, via="api")
    response["Location"] = reverse("api-v1:check-in", args=[check_in.pk])
    return Status(201, _check_in_answer(response, check_in))


@router.get(
    "/check-ins/{check_in_id}",
    response=answers({200: CheckInOut}, 403, 404),
    url_name="check-in",
    summary="One check-in",
    auth=BearerToken(permission="goals.view_goal"),
)
def get_check_in(request, check_in_id: ID, response: HttpResponse):
    return _check_in_answer(response, _check_in(check_in_id))


@router.patch(
    "/check-ins/{check_in_id}",
    response=answers({200: CheckInOut}, 400, 403, 404, 412, 428),
    url_name="check-in",
    summary="Correct a check-in; the history keeps what it said before",
    auth=BearerToken(permission="goals.change_checkin"),
)
def update_check_in(
    request,
    check_in_id: ID,
    payload: CheckInPatch,
    response: HttpResponse,
    if_match: str = IF_MATCH,
):
    check_in = _check_in(check_in_id)
    _may_check_in(request, check_in.goal)
    seen = _seen(check_in, if_match)
    form = _patched(CheckInForm, check_in, payload, goal=check_in.goal)
    check_in = _saved(
        services.check_in_save, check_in=form.instance, seen=seen, by=request.user, via="api"
    )
    return _check_in_answer(response, check_in)


def _task_goals(task: Task) -> dict:
    return {
        "task": task.pk,
        "goals": sorted(task.goals.values_list("pk", flat=True)),
        "steps": sorted(task.goal_steps.values_list("pk", flat=True)),
    }


@router.get(
    "/tasks/{task_id}/goals",
    response=answers({200: TaskGoalsOut}, 403, 404),
    url_name="task-goals",
    summary="The goals and steps a task serves",
    auth=BearerToken(permission="goals.view_goal"),
)
def task_goals(request, task_id: ID):
    return _task_goals(get_object_or_404(Task, pk=task_id))


@router.put(
    "/tasks/{task_id}/goals",
    response=answers({200: TaskGoalsOut}, 400, 403, 404),
    url_name="task-goals",
    summary="Say which goals and steps a task serves",
    description="In place of those it served: an empty list unlinks. Only active goals and "
    "their steps; its links to archived goals stay. Sends goal.status_changed for each goal "
    "whose status the change moves.",
    auth=BearerToken(permission="backlog.change_task"),
)
def set_task_goals(request, task_id: ID, payload: TaskGoalsIn):
    task = get_object_or_404(Task, pk=task_id)
    form = TaskGoalsForm(form_data(payload))
    if not form.is_valid():
        raise form_problem(form)
    services.task_goals_set(
        task=task,
        goals=form.cleaned_data["goals"],
        steps=form.cleaned_data["steps"],
        by=request.user,
        via="api",
    )
    return _task_goals(task)
