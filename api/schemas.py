"""What the API answers with: a task, its RACI, a person, a week's load, a problem.

`TaskOut.of(task)` needs no request, so anything that tells another system about a task
(webhooks, next) sends exactly what the API answers. Read tasks with `represented()`, so
a page of them costs the same few queries whatever its length.
"""

import datetime
from typing import Literal

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from ninja import Field, Schema

from backlog.models import Quadrant, Status
from mopsboard.weeks import week_label
from raci.models import Assignment, Role

QuadrantSlug = Literal[tuple(Quadrant.values)]
StatusValue = Literal[tuple(Status.values)]
RoleValue = Literal[tuple(Role.values)]
WEEK_PATTERN = r"^\d{4}-W\d{2}$"


def represented(tasks: QuerySet) -> QuerySet:
    """Tasks with what their representation reads: requester, category, RACI with people."""
    return tasks.select_related("requester", "category").prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("person").order_by("person__name", "pk"),
        )
    )


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

    @staticmethod
    def resolve_url(task) -> str:
        return site_url(task.get_absolute_url())

    @staticmethod
    def resolve_quadrant(task) -> str | None:
        return task.quadrant and task.quadrant.value

    @staticmethod
    def resolve_estimate_hours(task) -> float | None:
        return None if task.estimate_hours is None else float(task.estimate_hours)

    @staticmethod
    def resolve_estimate(task) -> float | None:
        return None if task.estimate is None else float(task.estimate)

    @staticmethod
    def resolve_planned_week(task) -> str | None:
        return task.planned_week and week_label(task.planned_week)

    @staticmethod
    def resolve_raci(task) -> list:
        return list(task.assignments.all())

    @classmethod
    def of(cls, task) -> "TaskOut":
        return cls.from_orm(task)


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


class LoadOut(Schema):
    week: str = Field(pattern=WEEK_PATTERN)
    people: list[PersonLoadOut]
    team: TeamLoadOut


def answers(ok: dict, *refusals: int) -> dict:
    """An operation's responses: `ok`, the given refusals, and what any call can meet
    (no or a bad token, too many requests) as problems."""
    return {**ok, **dict.fromkeys((401, 429, *refusals), Problem)}
