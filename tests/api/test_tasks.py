"""Tasks through the API: the board's filters a page at a time, one task with its quadrant,
RACI and week, a request created with the form's checks, and every write against the
version the client read (If-Match), through the same services as the pages."""

import datetime
import re

import pytest
from django.utils import timezone

from backlog.models import Status, Task
from mopsboard.weeks import week_label, week_of
from people.models import Person
from tests.factories import AssignmentFactory, CategoryFactory, PersonFactory, TaskFactory
from tests.intake.conftest import request_data

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def _match(task):
    return {"If-Match": f'"{task.version}"'}


def test_the_list_filters_like_the_board_and_pages_with_a_cursor(lead_api):
    sales = PersonFactory(name="Sales")
    wanted = [TaskFactory(requester=sales, title=f"Lead routing {n}") for n in range(5)]
    TaskFactory(requester=sales, title="Lead routing, done", status=Status.DONE)
    TaskFactory(title="Lead routing for someone else")
    seen, url = [], "/api/v1/tasks"
    params = {"requester": sales.pk, "q": "routing", "page_size": 2}
    while url:
        response = lead_api.get(url, params)
        assert response.status_code == 200
        page = response.json()
        assert len(page["results"]) <= 2
        seen += [item["id"] for item in page["results"]]
        url, params = page["next"], None
    # Newest first; without a status, the open work, as on the board.
    assert seen == [task.pk for task in reversed(wanted)]
    done = lead_api.get("/api/v1/tasks", {"requester": sales.pk, "status": ["done", "backlog"]})
    assert len(done.json()["results"]) == 6


def test_a_page_of_tasks_costs_the_same_few_queries_however_long(
    lead_api, django_assert_max_num_queries
):
    for _ in range(30):
        AssignmentFactory(task=TaskFactory(), person=PersonFactory())
    # The token with its person's permissions, the rate count, the tasks, their RACI.
    with django_assert_max_num_queries(6):
        response = lead_api.get("/api/v1/tasks", {"page_size": 30})
    assert len(response.json()["results"]) == 30
    assert all(item["raci"] for item in response.json()["results"])


def test_a_filter_it_cannot_read_is_a_problem_naming_the_parameter(lead_api):
    response = lead_api.get("/api/v1/tasks", {"category": 999_999})
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert response.json()["errors"][0]["parameter"] == "category"
    response = lead_api.get("/api/v1/tasks", {"status": "someday"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == "status"


def test_one_task_with_its_quadrant_raci_week_and_etag(lead_api):
    week = week_of(timezone.localdate())
    task = TaskFactory(impact=5, effort=4, status=Status.PLANNED, planned_week=week)
    owner = AssignmentFactory(task=task, role="A/R")
    response = lead_api.get(f"/api/v1/tasks/{task.pk}")
    assert response.status_code == 200
    assert response["ETag"] == f'"{task.version}"'
    body = response.json()
    assert body["quadrant"] == "major-project"
    assert body["planned_week"] == week_label(week)
    assert body["raci"] == [
        {"person": {"id": owner.person.pk, "name": owner.person.name}, "role": "A/R"}
    ]
    assert body["estimate"] == 16.0
    assert lead_api.get("/api/v1/tasks/999999").status_code == 404


def test_a_task_reads_the_same_in_an_answer_and_in_a_problem(lead_api):
    """Answers and problems are written by different encoders; a task's dates read alike."""
    task = TaskFactory(due_date=datetime.date(2026, 12, 1))
    read = lead_api.get(f"/api/v1/tasks/{task.pk}")
    refused = lead_api.send(
        "patch", f"/api/v1/tasks/{task.pk}", {"title": "x"}, **{"If-Match": '"99"'}
    )
    assert refused.status_code == 412
    assert refused.json()["current"] == read.json()
    # Django's way: milliseconds at most, UTC as "Z".
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z", read.json()["created_at"])
    assert read.json()["due_date"] == "2026-12-01"


def _request(**overrides) -> dict:
    """What a form tool sends: the intake form's fields, less its honeypot."""
    data = {**request_data(**overrides)}
    del data["website"]
    return {name: value for name, value in data.items() if value != ""}


def test_a_request_comes_in_as_through_the_intake_form(lead_api, lead):
    category = CategoryFactory(name="Reporting")
    response = lead_api.send("post", "/api/v1/tasks", _request(category=category.pk))
    assert response.status_code == 201
    task = Task.objects.get()
    assert response["Location"] == f"/api/v1/tasks/{task.pk}"
    assert response["ETag"] == '"1"'
    assert (task.title, task.status, task.category) == (
        "A landing page form for the partner webinar",
        Status.NEW,
        category,
    )
    assert (task.requester.email, task.requester.kind) == ("dana@example.com", "stakeholder")
    assert "we lose a third of them" in task.description
    metadata = task.events.last().pgh_context.metadata
    assert (metadata["via"], metadata["user"], metadata["reason"]) == (
        "api",
        lead.pk,
        "Came in through the API",
    )


def test_a_request_the_intake_form_refuses_gets_each_fields_message(lead_api):
    response = lead_api.send("post", "/api/v1/tasks", _request(links="not a link", email="dana"))
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert {error["pointer"] for error in response.json()["errors"]} == {"#/links", "#/email"}
    response = lead_api.send("post", "/api/v1/tasks", _request(why=""))
    assert response.json()["errors"] == [{"detail": "Field required.", "pointer": "#/why"}]
    response = lead_api.send("post", "/api/v1/tasks", _request(category=999_999))
    assert response.json()["errors"][0]["pointer"] == "#/category"
    response = lead_api.send("post", "/api/v1/tasks", {"title": "x" * 201})
    assert "#/title" in {error["pointer"] for error in response.json()["errors"]}
    assert not Task.objects.exists()


def test_an_edit_against_the_version_read_is_saved_and_scoring_leaves_triage(lead_api):
    task = TaskFactory(unscored=True, title="Preference centre")
    response = lead_api.send(
        "patch", f"/api/v1/tasks/{task.pk}", {"impact": 5, "effort": 1}, **_match(task)
    )
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    task.refresh_from_db()
    assert (task.impact, task.effort, task.status, task.title) == (
        5,
        1,
        Status.BACKLOG,
        "Preference centre",
    )


def test_an_edit_answers_the_task_as_a_read_does_for_a_few_queries(
    lead_api, django_assert_max_num_queries
):
    task = TaskFactory()
    AssignmentFactory(task=task, role="A/R")
    lead_api.get(f"/api/v1/tasks/{task.pk}")  # the token's first call of the minute
    # The token with its person's permissions, the rate count, the task, the UPDATE (in a
    # savepoint in the test's transaction), the webhooks' endpoints, the RACI.
    with django_assert_max_num_queries(8):
        response = lead_api.send(
            "patch", f"/api/v1/tasks/{task.pk}", {"impact": 2, "effort": 4}, **_match(task)
        )
    assert response.status_code == 200
    read = lead_api.get(f"/api/v1/tasks/{task.pk}")
    assert response.json() == read.json()
    assert response["ETag"] == read["ETag"] == '"2"'
    assert response.json()["requester"]["name"] == task.requester.name
    assert response.json()["category"]["name"] == task.category.name
    assert len(response.json()["raci"]) == 1


def test_a_stale_if_match_gets_412_with_the_task_as_it_is_and_nothing_changes(lead_api):
    task = TaskFactory(title="Lead scoring")
    stale = _match(task)
    lead_api.send("patch", f"/api/v1/tasks/{task.pk}", {"title": "Lead scoring v2"}, **stale)
    before = Task.objects.values().get(pk=task.pk)
    for method, path, body in [
        ("patch", f"/api/v1/tasks/{task.pk}", {"title": "Mine"}),
        ("post", f"/api/v1/tasks/{task.pk}/status", {"status": "done"}),
        ("post", f"/api/v1/tasks/{task.pk}/decline", {"reason": "No"}),
    ]:
        response = lead_api.send(method, path, body, **stale)
        assert response.status_code == 412, path
        assert response["Content-Type"] == PROBLEM
        assert response["ETag"] == '"2"'
        assert response.json()["current"]["title"] == "Lead scoring v2"
        assert response.json()["current"]["version"] == 2
    assert Task.objects.values().get(pk=task.pk) == before


def test_a_write_without_if_match_is_refused_with_428(lead_api):
    task = TaskFactory()
    response = lead_api.send("patch", f"/api/v1/tasks/{task.pk}", {"title": "Blind"})
    assert response.status_code == 428
    assert Task.objects.get().title == task.title


def test_status_defer_and_decline_go_through_the_task_actions(lead_api):
    task = TaskFactory()
    response = lead_api.send(
        "post", f"/api/v1/tasks/{task.pk}/status", {"status": "in_progress"}, **_match(task)
    )
    assert response.json()["status"] == "in_progress"
    task.refresh_from_db()
    until = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    response = lead_api.send(
        "post", f"/api/v1/tasks/{task.pk}/defer", {"until": until}, **_match(task)
    )
    assert (response.json()["status"], response.json()["deferred_until"]) == ("deferred", until)
    task.refresh_from_db()
    response = lead_api.send(
        "post", f"/api/v1/tasks/{task.pk}/decline", {"reason": " "}, **_match(task)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/reason"
    response = lead_api.send(
        "post", f"/api/v1/tasks/{task.pk}/decline", {"reason": "Out of scope"}, **_match(task)
    )
    assert response.json()["declined_reason"] == "Out of scope"


def test_planning_over_someones_hours_is_refused_until_allowed(lead_api):
    person = PersonFactory(kind=Person.Kind.TEAM, weekly_capacity_hours=4)
    task = TaskFactory(impact=4, effort=4)
    AssignmentFactory(task=task, person=person, role="R")
    week = week_label(week_of(timezone.localdate()) + datetime.timedelta(weeks=1))
    path = f"/api/v1/tasks/{task.pk}/plan"
    response = lead_api.send("post", path, {"week": week}, **_match(task))
    assert response.status_code == 409
    assert response.json()["overloads"] == [
        {
            "person": {"id": person.pk, "name": person.name},
            "load": 16.0,
            "capacity": 4.0,
            "week": week,
        }
    ]
    response = lead_api.send("post", path, {"week": week, "allow_over": True}, **_match(task))
    assert (response.json()["status"], response.json()["planned_week"]) == ("planned", week)
    load = lead_api.get("/api/v1/load", {"week": week}).json()
    assert load["people"][0] | {"person": None} == {
        "person": None,
        "capacity": 4.0,
        "load": 16.0,
        "free": -12.0,
        "over": True,
    }
    task.refresh_from_db()
    response = lead_api.send("post", f"/api/v1/tasks/{task.pk}/unplan", {}, **_match(task))
    assert (response.json()["status"], response.json()["planned_week"]) == ("backlog", None)


def test_people_with_their_hours(lead_api):
    person = PersonFactory(name="Ada", weekly_capacity_hours=24)
    response = lead_api.get(f"/api/v1/people/{person.pk}")
    assert response.json()["weekly_capacity_hours"] == 24
    assert [p["name"] for p in lead_api.get("/api/v1/people").json()["results"]] == ["Ada"]


def test_an_edit_checks_and_writes_only_what_it_sends(lead_api, django_assert_max_num_queries):
    task = TaskFactory(impact=4, effort=2, estimate_hours=None)
    response = lead_api.send(
        "patch", f"/api/v1/tasks/{task.pk}", {"estimate_hours": 4}, **_match(task)
    )
    assert response.status_code == 200
    assert response.json() == lead_api.get(f"/api/v1/tasks/{task.pk}").json()
    assert response.json()["estimate_hours"] == 4.0
    task.refresh_from_db()
    response = lead_api.send("patch", f"/api/v1/tasks/{task.pk}", {"impact": 1}, **_match(task))
    assert response.status_code == 200
    assert (response.json()["impact"], response.json()["effort"]) == (1, 2)
    task.refresh_from_db()
    response = lead_api.send("patch", f"/api/v1/tasks/{task.pk}", {"impact": None}, **_match(task))
    assert response.status_code == 422
    assert "Score both impact and effort" in response.json()["detail"]
    assert Task.objects.get(pk=task.pk).impact == 1
