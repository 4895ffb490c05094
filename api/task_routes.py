"""Tasks and their RACI through the API: the same filters, forms and services as the pages.
(Not `tasks.py`: the task queue imports every app's module of that name at start-up.)

Every write names the version it was made against in If-Match (the ETag a read gave):
a task changed since is refused with 412 and the task as it is now, never overwritten.
"""

import copy

from django.forms import model_to_dict
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Header, Query, Router, Status
from ninja.pagination import CursorPagination, paginate

from api.auth import BearerToken
from api.inputs import ID, form_data, form_schema
from api.problems import ApiProblem, form_problem
from api.schemas import (
    RACI_ORDER,
    CommentOut,
    RaciOut,
    TaskOut,
    answers,
    comment_data,
    etag,
    raci_data,
    represented,
    task_data,
    tasks_data,
)
from backlog import services
from backlog.actions import ACTIONS, task_act
from backlog.filters import TaskFilter
from backlog.forms import TaskEditForm, TaskForm
from backlog.models import Task
from conversation.selectors import shared_comments, task_comments
from intake.forms import RequestForm
from intake.services import request_submit
from people.models import Person
from raci.forms import CellForm
from raci.models import task_problems
from raci.services import assignment_set

router = Router(tags=["Tasks"])

# The board's goal filter comes to the API with the goals' own routes: its choices are
# the goals of the day, not a list fixed at start-up.
TaskFilterQuery = form_schema(
    TaskFilter(queryset=Task.objects.none()).form, "TaskFilterQuery", exclude={"goal"}
)
# A request comes in as it does through the intake form, less its honeypot.
RequestIn = form_schema(RequestForm(), "RequestIn", exclude={RequestForm.HONEYPOT})
TaskPatch = form_schema(TaskEditForm(), "TaskPatch", exclude={"version"}, partial=True)
CellIn = form_schema(
    CellForm(), "CellIn", exclude={"task", "person", "page_tasks"}, required={"role"}
)
# The page actions the API offers, each at POST /tasks/{id}/<name> with its form's fields.
API_ACTIONS = {
    "status": "Set the status: backlog, in progress or done, as the task's own allows",
    "plan": "Plan into an ISO week (409 over capacity unless allow_over)",
    "unplan": "Take out of its week, back to the backlog",
    "defer": "Defer until a date, when it comes back to triage",
    "decline": "Decline, with a reason the requester reads",
}
IF_MATCH = Header(
    None,
    alias="If-Match",
    min_length=1,
    description='The task\'s ETag as you read it, e.g. "7". Required: 428 without it.',
)


def _task(task_id: int) -> Task:
    """The task, with its requester and category as a write needs them (task_data)."""
    return get_object_or_404(
        represented(Task.objects.select_related("requester", "category")), pk=task_id
    )


def _answer(response: HttpResponse, task: Task) -> dict:
    """The task, read again whole, with its ETag."""
    task = _task(task.pk)
    response["ETag"] = etag(task)
    return tasks_data([task])[0]


def _changed_answer(response: HttpResponse, task: Task) -> dict:
    """The task as a backlog service changed it and read it back in its transaction (with
    its requester and category), with its ETag: not read a third time."""
    response["ETag"] = etag(task)
    return task_data(task)


class TaskPages(CursorPagination):
    """ninja's cursor pages, each task as `tasks_data` has it."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page[self.items_attribute] = tasks_data(page[self.items_attribute])
        return page


def _version(task: Task, if_match: str | None) -> int:
    """The version the client wrote against, if it is the task's own; else 428 or 412."""
    if not if_match:
        raise ApiProblem(
            428,
            "Send the ETag of the task as you read it in If-Match, so that a change made "
            "meanwhile is not overwritten.",
        )
    if if_match.strip() != etag(task):
        raise services.StaleEdit(task)
    return task.version


@router.get(
    "/tasks",
    response=answers({200: list[TaskOut]}, 403),
    url_name="tasks",
    summary="List tasks, filtered like the board",
    description="Newest first, a page at a time: follow `next` until it is null. "
    "Without a status, the open work (backlog, planned, in progress), as on the board.",
    auth=BearerToken(permission="backlog.view_task"),
)
@paginate(TaskPages, ordering=("-pk",), page_size=50, max_page_size=200)
def list_tasks(request, filters: Query[TaskFilterQuery]):
    task_filter = TaskFilter(form_data(filters), queryset=Task.objects.all(), request=request)
    if not task_filter.is_valid():
        raise form_problem(task_filter.form, where="parameter")
    return represented(task_filter.qs)


@router.post(
    "/tasks",
    response=answers({201: TaskOut}, 400, 403),
    url_name="tasks",
    summary="Create a request, as the intake form does",
    description="It waits in the triage inbox. Its requester is the person with that email "
    "address, or a new stakeholder; they are told it came in.",
    auth=BearerToken(permission="backlog.add_task"),
)
def create_task(request, payload: RequestIn, response: HttpResponse):
    form = RequestForm(form_data(payload))
    if not form.is_valid():
        raise form_problem(form)
    task = request_submit(
        link=None,
        by=request.user,
        via="api",
        reason="Came in through the API",
        **form.request_fields(),
    )
    response["Location"] = reverse("api-v1:task", args=[task.pk])
    return Status(201, _answer(response, task))


@router.get(
    "/tasks/{task_id}",
    response=answers({200: TaskOut}, 403, 404),
    url_name="task",
    summary="One task, with its quadrant, RACI and planned week",
    auth=BearerToken(permission="backlog.view_task"),
)
def get_task(request, task_id: ID, response: HttpResponse):
    task = _task(task_id)
    response["ETag"] = etag(task)
    return tasks_data([task])[0]


@router.patch(
    "/tasks/{task_id}",
    response=answers({200: TaskOut}, 400, 403, 404, 412, 428),
    url_name="task",
    summary="Edit a task: its fields and scores",
    description="Send only what changes. Scoring a request in triage moves it to the backlog.",
    auth=BearerToken(permission="backlog.change_task"),
)
def update_task(
    request, task_id: ID, payload: TaskPatch, response: HttpResponse, if_match: str = IF_MATCH
):
    task = _task(task_id)
    version = _version(task, if_match)
    sent = form_data(payload)
    data = {**model_to_dict(task, fields=TaskForm.Meta.fields), **sent}
    # The form writes cleaned values onto its instance: a copy keeps `task` as stored.
    form = TaskEditForm({**data, "version": version}, instance=copy.copy(task))
    form.check_only(sent)
    if not form.is_valid():
        raise form_problem(form)
    changes = {name: value for name, value in form.cleaned_data.items() if name != "version"}
    task = services.task_edit(task=task, version=version, by=request.user, via="api", **changes)
    return _changed_answer(response, task)


def _action_endpoint(name: str, summary: str) -> None:
    """POST /tasks/{task_id}/<name>: the page action `name`, through backlog.actions."""
    payload_schema = form_schema(
        ACTIONS[name].form_class(), f"{name.capitalize()}In", exclude={"version"}
    )

    def act(
        request,
        task_id: ID,
        payload: payload_schema,
        response: HttpResponse,
        if_match: str = IF_MATCH,
    ):
        task = _task(task_id)
        data = {**form_data(payload), "version": _version(task, if_match)}
        outcome = task_act(name=name, task=task, data=data, by=request.user, via="api")
        if outcome.refusal:
            raise outcome.refusal
        if not outcome.done:
            raise form_problem(outcome.form)
        return _changed_answer(response, outcome.task)

    router.post(
        f"/tasks/{{task_id}}/{name}",
        response=answers({200: TaskOut}, 400, 403, 404, 409, 412, 428),
        url_name=f"task-{name}",
        operation_id=f"task_{name}",
        summary=summary,
        auth=BearerToken(permission="backlog.change_task"),
    )(act)


for _name, _summary in API_ACTIONS.items():
    _action_endpoint(_name, _summary)


def _raci(task: Task) -> dict:
    entries = list(task.assignments.select_related("person").order_by(*RACI_ORDER))
    return {
        "task": task.pk,
        "raci": [raci_data(entry) for entry in entries],
        "problems": [
            {"level": problem.level.label.lower(), "code": problem.code, "message": problem.message}
            for problem in task_problems([entry.role for entry in entries])
        ],
    }


@router.get(
    "/tasks/{task_id}/raci",
    response=answers({200: RaciOut}, 403, 404),
    url_name="task-raci",
    summary="A task's RACI, and what its rules find wrong",
    auth=BearerToken(permission="raci.view_assignment"),
)
def task_raci(request, task_id: ID):
    return _raci(_task(task_id))


@router.put(
    "/tasks/{task_id}/raci/{person_id}",
    response=answers({200: RaciOut}, 400, 403, 404, 409),
    url_name="task-raci-person",
    summary="Set one person's role on a task",
    description="`role` is required; null takes them off the task. A task has one Accountable: "
    "giving A or A/R while someone else holds it answers 409 naming them, unless "
    "`move_accountable`. "
    "With `expected` (the role you saw), a cell changed meanwhile answers 409.",
    auth=BearerToken(permission="raci.change_assignment"),
)
def set_role(request, task_id: ID, person_id: ID, payload: CellIn):
    task = _task(task_id)
    person = get_object_or_404(Person, pk=person_id)
    data = {"task": task.pk, "person": person.pk, **form_data(payload)}
    if "expected" not in data:  # the cell as it is: no check against an edit meanwhile
        cell = task.assignments.filter(person=person).values_list("role", flat=True).first()
        data["expected"] = cell or ""
    form = CellForm(data)
    if not form.is_valid():
        raise form_problem(form)
    assignment_set(
        task=task,
        person=person,
        role=form.cleaned_data["role"],
        expected=form.cleaned_data["expected"],
        move_accountable=form.cleaned_data["move_accountable"],
        by=request.user,
        via="api",
    )
    return _raci(_task(task_id))


@router.get(
    "/tasks/{task_id}/comments",
    response=answers({200: list[CommentOut]}, 403, 404),
    url_name="task-comments",
    summary="A task's comments, oldest first",
    description="The team's comments, internal and shared, and the requester's answers. "
    "With `shared=true`, only what the requester and the people Informed read (for a tool "
    "that shows it to them): never an internal comment.",
    auth=BearerToken(permission="conversation.view_comment"),
)
def task_comments_list(request, task_id: ID, shared: bool = False):
    task = _task(task_id)
    comments = shared_comments(task) if shared else task_comments(task, user=request.user)
    return [comment_data(comment) for comment in comments]
