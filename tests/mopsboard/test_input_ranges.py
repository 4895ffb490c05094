"""Dates and titles as people and programs type them, through every door: a date outside
2000-2100 (a year typed as 0001) and a title over 200 characters are refused with a
message beside the field, and nothing is written."""

import pytest
from django.urls import reverse

from api.problems import PROBLEM
from backlog.models import Status, Task
from capacity.models import Review, TimeOff
from imports.models import Import
from intake.models import IntakeLink
from people.models import Person
from raci.models import ShareLink
from tests.api.conftest import ApiClient
from tests.factories import ApiTokenFactory, IntakeLinkFactory, PersonFactory, TaskFactory
from tests.imports.conftest import csv_bytes, uploaded
from tests.intake.conftest import request_data

pytestmark = pytest.mark.django_db

YEAR_ONE = "0001-01-01"
WEEK_ONE = "0001-W01"
OUT_OF_RANGE = "Choose a date from 1 January 2000 to 31 December 2100."
TITLE = "x" * 201
TOO_LONG = "Ensure this value has at most 200 characters (it has 201)."


def _refused_beside(response, field: str, message: str) -> None:
    """422, with `message` in the error list the field's input points to."""
    assert response.status_code == 422
    page = response.content.decode()
    error_list = f'id="id_{field}_error"'
    assert error_list in page, page[:3000]
    assert message in page.split(error_list, 1)[1].split("</ul>", 1)[0]


def _task_unchanged(task: Task) -> None:
    before = task.version
    task.refresh_from_db()
    assert task.version == before and task.due_date is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("due_date", YEAR_ONE, OUT_OF_RANGE),
        ("due_date", "2101-01-01", OUT_OF_RANGE),
        ("title", TITLE, TOO_LONG),
    ],
)
def test_a_new_task_refuses_a_date_or_title_out_of_range(lead_client, field, value, message):
    data = {"title": "Partner webinar", field: value}
    _refused_beside(lead_client.post(reverse("backlog:task-new"), data), field, message)
    assert not Task.objects.exists()


def test_a_pasted_long_title_is_not_cut_by_the_browser(client, lead_client):
    """The title inputs carry no maxlength, which a browser keeps to by cutting a pasted
    title silently: the form refuses it with its message instead (above)."""
    link = IntakeLinkFactory()
    for page in (
        lead_client.get(reverse("backlog:task-new")),
        lead_client.get(TaskFactory().get_absolute_url()),
        client.get(reverse("intake:link-form", args=[link.token])),
    ):
        title_input = page.content.decode().split('name="title"', 1)[1].split(">", 1)[0]
        assert "maxlength" not in title_input


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("due_date", YEAR_ONE, OUT_OF_RANGE), ("title", TITLE, TOO_LONG)],
)
def test_a_task_edit_refuses_a_date_or_title_out_of_range(lead_client, field, value, message):
    task = TaskFactory(title="Partner webinar")
    data = {"title": task.title, "version": task.version, field: value}
    _refused_beside(lead_client.post(task.get_absolute_url(), data), field, message)
    _task_unchanged(task)
    assert task.title == "Partner webinar"


@pytest.mark.parametrize(
    ("action", "field", "value", "shown_as"),
    # The task page's plan form names its fields apart from the other forms on the page.
    [("defer", "until", YEAR_ONE, "until"), ("plan", "week", WEEK_ONE, "plan_week")],
)
def test_deferring_or_planning_refuses_a_date_out_of_range(
    lead_client, htmx_client, action, field, value, shown_as
):
    task = TaskFactory(impact=4, effort=2)
    address = reverse("backlog:task-action", args=[task.pk, action])
    response = htmx_client.post(address, {field: value, "version": task.version})
    _refused_beside(response, shown_as, OUT_OF_RANGE)
    # Without htmx the page comes back at the task's own address, with the message.
    response = lead_client.post(address, {field: value, "version": task.version}, follow=True)
    assert response.redirect_chain == [(task.get_absolute_url(), 302)]
    assert OUT_OF_RANGE in response.content.decode()
    task.refresh_from_db()
    assert task.status == Status.BACKLOG and task.version == 1


def test_time_off_refuses_a_week_out_of_range(htmx_client):
    person = PersonFactory(kind=Person.Kind.TEAM)
    response = htmx_client.post(
        reverse("capacity:time-off"), {"person": person.pk, "week": WEEK_ONE, "hours": 8}
    )
    # The people table's row has no room for it: the message is the page's.
    assert response.status_code == 422
    assert f"Time off not saved: {OUT_OF_RANGE}" in response.content.decode()
    assert not TimeOff.objects.exists()


def test_a_review_refuses_a_date_out_of_range(htmx_client):
    response = htmx_client.post(reverse("capacity:review-record"), {"held_on": YEAR_ONE})
    assert response.status_code == 422
    page = response.content.decode()
    beside = page.split('name="held_on"', 1)[1].split("</p>", 1)[0]
    assert f'<span class="error" role="alert">{OUT_OF_RANGE}</span>' in beside
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("wanted_by", YEAR_ONE, OUT_OF_RANGE), ("title", TITLE, TOO_LONG)],
)
def test_the_intake_forms_refuse_a_date_or_title_out_of_range(
    client, member_client, field, value, message
):
    link = IntakeLinkFactory()
    data = request_data(**{field: value})
    for sender, form in (
        (client, reverse("intake:link-form", args=[link.token])),
        (member_client, reverse("intake:request-form")),
    ):
        _refused_beside(sender.post(form, data), field, message)
    assert not Task.objects.exists()


def test_links_refuse_an_expiry_out_of_range(lead_client):
    response = lead_client.post(
        reverse("intake:link-create"), {"label": "Sales", "expires_on": YEAR_ONE}
    )
    _refused_beside(response, "expires_on", OUT_OF_RANGE)
    response = lead_client.post(
        reverse("raci:share-link-create"),
        {"label": "Sales", "query": "quadrant=quick-win", "expires_on": YEAR_ONE},
    )
    _refused_beside(response, "expires_on", OUT_OF_RANGE)
    assert not IntakeLink.objects.exists() and not ShareLink.objects.exists()


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("Due date", YEAR_ONE, OUT_OF_RANGE),
        ("Deferred until", YEAR_ONE, OUT_OF_RANGE),
        ("Planned week", WEEK_ONE, OUT_OF_RANGE),
        ("Planned week", YEAR_ONE, OUT_OF_RANGE),
        ("Title", TITLE, TOO_LONG),
    ],
)
def test_an_import_row_out_of_range_is_a_problem_on_its_line(lead_client, column, value, message):
    row = {"Title": "Partner webinar", "Impact": "4", "Effort": "2", "Status": "", column: value}
    if column == "Deferred until":
        row["Status"] = "deferred"
    if column == "Planned week":
        row["Status"] = "planned"
    imp = uploaded(lead_client, csv_bytes([list(row), list(row.values())]))
    assert imp.state == Import.State.CHECKED
    problems = [(p["line"], p["column"], p["value"], p["message"]) for p in imp.problems]
    assert (2, column, value[:100], message) in problems
    assert not Task.objects.exists()


@pytest.fixture
def lead_api(lead):
    return ApiClient(ApiTokenFactory(user=lead))


def _match(task: Task) -> dict:
    return {"If-Match": f'"{task.version}"'}


def _api_refused(response, field: str, message: str) -> None:
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert {"detail": message, "pointer": f"#/{field}"} in response.json()["errors"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("due_date", YEAR_ONE, OUT_OF_RANGE),
        ("title", TITLE, "String should have at most 200 characters."),
    ],
)
def test_an_api_edit_refuses_a_date_or_title_out_of_range(lead_api, field, value, message):
    task = TaskFactory(title="Partner webinar")
    response = lead_api.send("patch", f"/api/v1/tasks/{task.pk}", {field: value}, **_match(task))
    _api_refused(response, field, message)
    _task_unchanged(task)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("wanted_by", YEAR_ONE, OUT_OF_RANGE),
        ("title", TITLE, "String should have at most 200 characters."),
    ],
)
def test_an_api_request_refuses_a_date_or_title_out_of_range(lead_api, field, value, message):
    data = {name: value for name, value in request_data().items() if value and name != "website"}
    response = lead_api.send("post", "/api/v1/tasks", {**data, field: value})
    _api_refused(response, field, message)
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    ("action", "field", "value", "message"),
    [
        ("defer", "until", YEAR_ONE, OUT_OF_RANGE),
        ("plan", "week", WEEK_ONE, OUT_OF_RANGE),
    ],
)
def test_api_actions_refuse_a_date_out_of_range(lead_api, action, field, value, message):
    task = TaskFactory(impact=4, effort=2)
    path = f"/api/v1/tasks/{task.pk}/{action}"
    _api_refused(lead_api.send("post", path, {field: value}, **_match(task)), field, message)
    task.refresh_from_db()
    assert task.status == Status.BACKLOG and task.version == 1
