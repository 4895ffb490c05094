"""What the API answers with: a task, its RACI, a person, a week's load, a problem.

`tasks_data(tasks)` (the shape TaskOut describes) needs no request, so anything that
tells another system about a task (webhooks, next) sends exactly what the API answers.
Read tasks with `represented()`: a page of them costs two queries whatever its length.
"""

import datetime
from collections import defaultdict
from typing import Literal

from django.conf import settings
from django.db.models import F, QuerySet
from pydantic import BaseModel, ConfigDict, Field

from backlog.models import Quadrant, Status
from mopsboard.weeks import week_label
from raci.models import Role
from raci.selectors import raci_of

QuadrantSlug = Literal[tuple(Quadrant.values)]
StatusValue = Literal[tuple(Status.values)]
RoleValue = Literal[tuple(Role.values)]
WEEK_PATTERN = r"^\d{4}-W\d{2}$"


# A task's RACI, as every answer lists it.
RACI_ORDER = ("person__name", "pk")


def represented(tasks: QuerySet) -> QuerySet:
    """Tasks with the names their representation shows, read in the same query."""
    return tasks.annotate(requester_name=F("requester__name"), category_name=F("category__name"))


class Schema(BaseModel):
    """What the API answers with. Plain pydantic, not ninja's Schema: the answers are built
    as dicts (tasks_data), and ninja's Schema would read each one through its ORM-attribute
    wrapper, field by field, which costs more than the rest of a page of tasks. People
    and loads, small, are read from their objects' attributes."""

    model_config = ConfigDict(from_attributes=True)


def site_url(path: str) -> str:
    return f"{settings.MOPSBOARD_SITE_URL}{path}"


class PersonRef(Schema):
    id: int
    name: str


class CategoryRef(Schema):
    id: int
    name: str


class RaciEntry(Schema):
    person: PersonRef
    role: RoleValue


class TaskOut(Schema):
    id: int
    url: str = Field(description="The task's page in mopsboard.")
    title: str
    description: str
    requester: PersonRef | None
    category: CategoryRef | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    due_date: datetime.date | None
    impact: int | None = Field(ge=1, le=5)
    effort: int | None = Field(ge=1, le=5)
    quadrant: QuadrantSlug | None = Field(description="From impact and effort; null unscored.")
    estimate_hours: float | None = Field(description="Hours entered for the task, if any.")
    estimate: float | None = Field(description="Hours entered, else the default for its effort.")
    status: StatusValue
    planned_week: str | None = Field(pattern=WEEK_PATTERN, description="ISO week, e.g. 2026-W48.")
    deferred_until: datetime.date | None
    declined_reason: str
    version: int = Field(description="Bumped by every change; the ETag, sent back as If-Match.")
    raci: list[RaciEntry]


def tasks_data(tasks: list) -> list[dict]:
    """Tasks read with `represented()`, as TaskOut has them, with one query for all their
    RACI. Plain values, not objects: the RACI's rows are read as tuples, and the answer is
    built here rather than read attribute by attribute by the schema, so a page of 50 tasks
    costs a fraction of the time to answer."""
    raci = _raci_of(tasks)
    return [
        _task_data(task, raci[task.pk], task.requester_name, task.category_name) for task in tasks
    ]


def task_data(task) -> dict:
    """One task as TaskOut has it, read with select_related("requester", "category") as
    the backlog's services give back a task they changed: answering a write costs the
    RACI's query, not another read of the task."""
    requester, category = task.requester, task.category
    return _task_data(
        task,
        _raci_of([task])[task.pk],
        requester and requester.name,
        category and category.name,
    )


def _raci_of(tasks: list) -> dict[int, list[dict]]:
    """The RACI of each task, by task id (none for a task with no roles), in one query."""
    raci = defaultdict(list)
    for task_id, roles in raci_of([task.pk for task in tasks]).items():
        raci[task_id] = [
            {"person": {"id": person_id, "name": name}, "role": role}
            for person_id, name, role in roles
        ]
    return raci


def _task_data(task, raci: list[dict], requester_name, category_name) -> dict:
    quadrant, estimate, week = task.quadrant, task.estimate, task.planned_week
    return {
        "id": task.pk,
        "url": site_url(task.get_absolute_url()),
        "title": task.title,
        "description": task.description,
        "requester": task.requester_id and {"id": task.requester_id, "name": requester_name},
        "category": task.category_id and {"id": task.category_id, "name": category_name},
        "created_at": task.created_at,
        "updated_at": task.updated_at,
        "due_date": task.due_date,
        "impact": task.impact,
        "effort": task.effort,
        "quadrant": quadrant and quadrant.value,
        "estimate_hours": None if task.estimate_hours is None else float(task.estimate_hours),
        "estimate": None if estimate is None else float(estimate),
        "status": task.status,
        "planned_week": week and week_label(week),
        "deferred_until": task.deferred_until,
        "declined_reason": task.declined_reason,
        "version": task.version,
        "raci": raci,
    }


def raci_data(assignment) -> dict:
    return {
        "person": {"id": assignment.person.pk, "name": assignment.person.name},
        "role": assignment.role,
    }


def etag(task) -> str:
    return f'"{task.version}"'


class FieldError(Schema):
    detail: str
    pointer: str | None = Field(None, description='The body field, as "#/impact".')
    parameter: str | None = Field(None, description="The query parameter.")


class Overload(Schema):
    person: PersonRef
    load: float
    capacity: float
    week: str = Field(pattern=WEEK_PATTERN, description="The week of a span they would be over in.")


class Problem(Schema):
    """An error, as RFC 9457 puts it (application/problem+json), with mopsboard's extensions."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = Field(None, description="422: each wrong input.")
    current: TaskOut | None = Field(None, description="412: the task as it is now.")
    holder: RaciEntry | None = Field(None, description="409: who is Accountable already.")
    role: RoleValue | Literal[""] | None = Field(
        None, description="409: the role the person has now, if it changed meanwhile."
    )
    overloads: list[Overload] | None = Field(
        None, description="409: who planning would put over their hours, and by how much."
    )


class CommentOut(Schema):
    id: int
    writer: str = Field(description="The team member's name, or the requester's.")
    from_requester: bool = Field(description="An answer from the requester's page.")
    shared: bool = Field(description="Read by the requester and the people Informed too.")
    body: str = Field(description="Plain text, as written.")
    created_at: datetime.datetime
    edited_at: datetime.datetime | None = Field(description="When its author corrected it.")


def comment_data(comment) -> dict:
    return {
        "id": comment.pk,
        "writer": comment.writer,
        "from_requester": comment.requester_id is not None,
        "shared": comment.shared,
        "body": comment.body,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
    }


class RaciProblem(Schema):
    level: Literal["hint", "warning", "error"]
    code: str = Field(description="e.g. no-accountable, no-responsible, many-consulted.")
    message: str


class RaciOut(Schema):
    task: int
    raci: list[RaciEntry]
    problems: list[RaciProblem] = Field(description="What the RACI rules find wrong.")


class PersonOut(Schema):
    id: int
    name: str
    title: str
    email: str
    kind: Literal["team", "stakeholder"]
    weekly_capacity_hours: int
    is_active: bool


class PersonLoadOut(Schema):
    person: PersonRef
    capacity: float
    load: float
    free: float
    over: bool


class TeamLoadOut(Schema):
    capacity: float
    load: float
    free_hours: float
    over_hours: float


class WeekLoadOut(Schema):
    week: str = Field(pattern=WEEK_PATTERN)
    people: list[PersonLoadOut]
    team: TeamLoadOut


class PlannedTask(Schema):
    id: int
    title: str
    url: str = Field(description="The task's page in mopsboard.")
    hours: float = Field(description="Its hours that week.")


class PeakOut(Schema):
    week: str = Field(pattern=WEEK_PATTERN)
    person: PersonRef | None = Field(description="Who is over; null: the team as a whole.")
    capacity: float
    planned: float = Field(description="The hours planned that week.")
    due: float = Field(description="The hours of open work due that week, not planned yet.")
    over_by: float = Field(description="planned + due - capacity.")
    tasks: list[PlannedTask] = Field(description="What is planned then, the most hours first.")


class LoadOut(WeekLoadOut):
    """The first week's load (`week`, `people`, `team`, as before there were weeks ahead),
    every week's, and the peaks among them."""

    weeks: list[WeekLoadOut]
    peaks: list[PeakOut] = Field(
        description="Weeks where the team or a person is planned over their hours, or "
        "would be with the work due that week that is not planned yet."
    )


class SuggestedTask(Schema):
    id: int
    title: str
    url: str = Field(description="The task's page in mopsboard.")
    version: int


class SuggestionOut(Schema):
    person: PersonRef
    task: SuggestedTask
    hours: float = Field(description="The task's estimate: it fits the person's free hours.")
    why: str = Field(description='e.g. "Fill-in, fits 5.5 of 6 free hours; due 12 March".')
    unowned: bool = Field(description="Nobody is Responsible yet: planning it makes them so.")


class SuggestionsOut(Schema):
    week: str = Field(pattern=WEEK_PATTERN)
    suggestions: list[SuggestionOut]


def answers(ok: dict, *refusals: int) -> dict:
    """An operation's responses: `ok`, the given refusals, and what any call can meet
    (no or a bad token, a parameter that is not what its schema says, too many requests)
    as problems."""
    return {**ok, **dict.fromkeys((401, *refusals, 422, 429), Problem)}
