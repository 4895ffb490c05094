"""What a token may do: its person's role, narrowed by its scope. A viewer's token cannot
write whatever its scope, a read-only token never writes, and a refused write changes
nothing."""

import pytest

from api.auth import SAFE_METHODS
from api.models import Scope
from api.v1 import api
from backlog.models import Task
from goals.models import CheckIn, Goal, Step
from raci.models import Assignment
from tests.factories import (
    CheckInFactory,
    PersonFactory,
    StepFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db


def _state():
    return (
        list(Task.objects.order_by("pk").values_list("title", "status", "impact", "version")),
        list(Assignment.objects.order_by("pk").values_list("task", "person", "role")),
        list(Goal.objects.order_by("pk").values_list("title", "status_override")),
        list(Step.objects.order_by("pk").values_list("title", "reached")),
        list(CheckIn.objects.order_by("pk").values_list("on", "value")),
        list(Goal.tasks.through.objects.values_list("goal", "task")),
    )


def _writes(task, person):
    """Every write the API offers, with a body that would succeed."""
    tag = {"If-Match": f'"{task.version}"'}
    return [
        (
            "post",
            "/api/v1/tasks",
            {"title": "From a script", "why": "Q3", "name": "Dana", "email": "dana@example.com"},
            {},
        ),
        ("patch", f"/api/v1/tasks/{task.pk}", {"title": "Renamed"}, tag),
        ("post", f"/api/v1/tasks/{task.pk}/status", {"status": "done"}, tag),
        ("post", f"/api/v1/tasks/{task.pk}/decline", {"reason": "Not this year"}, tag),
        ("put", f"/api/v1/tasks/{task.pk}/raci/{person.pk}", {"role": "C"}, {}),
    ]


READS = [
    "/api/v1/tasks",
    "/api/v1/tasks/{task}",
    "/api/v1/tasks/{task}/raci",
    "/api/v1/tasks/{task}/comments",
    "/api/v1/people",
    "/api/v1/people/{person}",
    "/api/v1/load",
    "/api/v1/suggestions",
    "/api/v1/goals",
    "/api/v1/goals/{goal}",
    "/api/v1/goals/{goal}/check-ins",
    "/api/v1/goal-steps/{step}",
    "/api/v1/check-ins/{check_in}",
    "/api/v1/tasks/{task}/goals",
]


@pytest.mark.parametrize("role", ["viewer", "member", "lead"])
@pytest.mark.parametrize("scope", [Scope.READ, Scope.READ_WRITE])
def test_every_role_and_scope_reads(api_as, role, scope):
    task, person, check_in = TaskFactory(), PersonFactory(), CheckInFactory()
    step = StepFactory(goal=check_in.goal)
    client = api_as(role, scope)
    for path in READS:
        response = client.get(
            path.format(
                task=task.pk,
                person=person.pk,
                goal=check_in.goal.pk,
                step=step.pk,
                check_in=check_in.pk,
            )
        )
        assert response.status_code == 200, (path, response.content)


@pytest.mark.parametrize("role", ["viewer", "member", "lead"])
def test_a_read_only_token_never_writes(api_as, role):
    task, person = TaskFactory(), PersonFactory()
    client = api_as(role, Scope.READ)
    before = _state()
    for method, path, body, headers in _writes(task, person):
        response = client.send(method, path, body, **headers)
        assert response.status_code == 403, (path, response.content)
        assert response["Content-Type"] == "application/problem+json"
        assert "read-only token" in response.json()["detail"]
    assert _state() == before


def test_a_viewers_token_cannot_write_whatever_its_scope(api_as):
    task, person = TaskFactory(), PersonFactory()
    client = api_as("viewer", Scope.READ_WRITE)
    before = _state()
    for method, path, body, headers in _writes(task, person):
        response = client.send(method, path, body, **headers)
        assert response.status_code == 403, (path, response.content)
        assert response.json()["detail"] == "Your role does not allow this."
    assert _state() == before


def test_a_members_token_changes_tasks_but_not_the_raci(api_as):
    task, person = TaskFactory(), PersonFactory()
    client = api_as("member")
    for method, path, body, headers in _writes(task, person)[:2]:
        assert client.send(method, path, body, **headers).status_code in (200, 201)
    for body in ({"role": "C"}, {"role": "Z"}):
        response = client.send("put", f"/api/v1/tasks/{task.pk}/raci/{person.pk}", body)
        assert response.status_code == 403, body
    assert not Assignment.objects.exists()


# Every write the schema offers, read from the schema, so a write added later is walked too.
WRITE_OPERATIONS = [
    (method, path)
    for path, operations in api.get_openapi_schema()["paths"].items()
    for method in operations
    if method.upper() not in SAFE_METHODS
]


@pytest.mark.parametrize(("role", "scope"), [("viewer", Scope.READ_WRITE), ("lead", Scope.READ)])
@pytest.mark.parametrize(
    ("method", "path"), WRITE_OPERATIONS, ids=[" ".join(o) for o in WRITE_OPERATIONS]
)
def test_a_write_it_may_not_make_is_refused_before_its_body_is_read(
    api_as, role, scope, method, path
):
    """A token that may not write hears 403 whatever it sends, not what a valid body is."""
    task, person, check_in = TaskFactory(), PersonFactory(), CheckInFactory()
    step = StepFactory(goal=check_in.goal)
    client = api_as(role, scope)
    before = _state()
    url = path.format(
        task_id=task.pk,
        person_id=person.pk,
        goal_id=check_in.goal.pk,
        step_id=step.pk,
        check_in_id=check_in.pk,
    )
    for body in ([1, 2], {"impact": "high", "role": "Z", "week": "soon", "title": None}):
        response = client.send(method, url, body)
        assert response.status_code == 403, (url, body, response.content)
        assert response["Content-Type"] == "application/problem+json"
    assert _state() == before
