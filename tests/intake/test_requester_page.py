"""The requester's page says where a request stands in plain words, at every stage,
and is kept private."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backlog import services
from backlog.models import Status
from intake.tracking import request_url, tracking_token
from mopsboard.weeks import week_of, working_days_after
from people.models import Person
from raci.models import Role
from tests.factories import AssignmentFactory, PersonFactory, TaskFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def page_of(client, task) -> str:
    response = client.get(reverse("intake:request", args=[tracking_token(task)]))
    assert response.status_code == 200
    return response.content.decode()


def test_it_is_private(client):
    task = TaskFactory(unscored=True)
    response = client.get(reverse("intake:request", args=[tracking_token(task)]))
    assert response["Cache-Control"] == "no-store"
    # Its address never leaves for another site; same-origin, as its answer form keeps CSRF.
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_received_and_waiting_for_triage_with_the_sla(client):
    task = TaskFactory(unscored=True)
    text = page_of(client, task)
    due = working_days_after(TODAY, 2)
    assert "Received, waiting for triage" in text
    assert f"We triage new requests within 2 working days: by {due:%A} {due.day}" in text
    assert "late" not in text
    assert 'aria-current="step">Received' in text


def test_waiting_past_the_sla_says_it_is_late(client):
    task = TaskFactory(unscored=True, created_at=timezone.now() - datetime.timedelta(days=10))
    assert "That day has passed, and the team can see it is late." in page_of(client, task)


@pytest.mark.parametrize(
    ("impact", "effort", "label", "meaning"),
    [
        (5, 1, "Quick win", "we will do it soon."),
        (5, 5, "Major project", "we will plan it as a project"),
        (1, 1, "Fill-in", "we will do it when there is time"),
        (1, 5, "Money pit", "it will probably wait until the new year, or be declined."),
    ],
)
def test_triaged_with_its_quadrant_and_what_that_means(client, impact, effort, label, meaning):
    task = TaskFactory(impact=impact, effort=effort)
    text = page_of(client, task)
    assert "Triaged, in the backlog" in text
    assert f'data-quadrant="{task.quadrant.value}">{label}</span>' in text
    assert meaning in text


def test_planned_with_its_week_and_who_is_accountable_and_responsible(client):
    week = week_of(TODAY) + datetime.timedelta(weeks=1)
    task = TaskFactory(status=Status.PLANNED, planned_week=week)
    AssignmentFactory(task=task, person=PersonFactory(name="Priya Shah"), role=Role.ACCOUNTABLE)
    AssignmentFactory(task=task, person=PersonFactory(name="Tom Becker"), role=Role.RESPONSIBLE)
    AssignmentFactory(task=task, person=PersonFactory(name="Ana Lima"), role=Role.RESPONSIBLE)
    AssignmentFactory(task=task, person=PersonFactory(name="Kenji Mori"), role=Role.CONSULTED)
    text = page_of(client, task)
    assert f"Planned for the week of {week.day} {week:%B}" in text
    assert f"{week:%G}-W{week:%V}, from {week:%A} {week.day} {week:%B %Y}" in text
    assert "<dt>Accountable</dt><dd>Priya Shah</dd>" in text
    assert "<dt>Responsible</dt><dd>Ana Lima, Tom Becker</dd>" in text
    assert "Kenji Mori" not in text


def test_accountable_and_responsible_in_one_person(client):
    task = TaskFactory()
    AssignmentFactory(
        task=task, person=PersonFactory(name="Priya Shah"), role=Role.ACCOUNTABLE_RESPONSIBLE
    )
    text = page_of(client, task)
    assert "<dt>Accountable</dt><dd>Priya Shah</dd>" in text
    assert "<dt>Responsible</dt><dd>Priya Shah</dd>" in text


def test_nobody_named_yet(client):
    text = page_of(client, TaskFactory(unscored=True))
    assert "<dt>Accountable</dt><dd>Not named yet</dd>" in text


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        (
            {"status": Status.IN_PROGRESS, "planned_week": week_of(TODAY)},
            "Someone is working on it now.",
        ),
        ({"status": Status.DONE, "planned_week": week_of(TODAY)}, "The team has finished it."),
        (
            {"status": Status.DEFERRED, "deferred_until": datetime.date(2031, 1, 1)},
            "Deferred until Wednesday 1 January 2031",
        ),
        (
            {"status": Status.DECLINED, "declined_reason": "We retire these <programs>."},
            "We retire these &lt;programs&gt;.",
        ),
    ],
)
def test_each_later_stage_in_plain_words(client, fields, words):
    assert words in page_of(client, TaskFactory(**fields))


def test_back_from_deferral_is_not_a_late_first_triage(client, lead):
    task = TaskFactory(unscored=True, created_at=timezone.now() - datetime.timedelta(days=60))
    task = services.task_defer(task=task, version=task.version, until=TODAY, by=lead, via="triage")
    services.deferred_tasks_return(today=TODAY)
    text = page_of(client, task)
    assert "Back with the team for triage" in text
    assert "late" not in text


def test_request_url_is_absolute_for_emails(settings):
    settings.MOPSBOARD_SITE_URL = "https://mops.example.com"
    task = TaskFactory()
    assert request_url(task) == f"https://mops.example.com/requests/{tracking_token(task)}/"


def test_query_count_does_not_grow_with_the_raci(client, django_assert_max_num_queries):
    task = TaskFactory(status=Status.PLANNED, planned_week=week_of(TODAY))
    AssignmentFactory(task=task, role=Role.ACCOUNTABLE)
    url = reverse("intake:request", args=[tracking_token(task)])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(20):
        AssignmentFactory(task=task, role=Role.RESPONSIBLE)
    with django_assert_max_num_queries(len(small)):
        assert client.get(url).status_code == 200


def test_the_list_of_my_requests_has_a_constant_query_count(client, django_assert_max_num_queries):
    from intake.tracking import requester_token

    dana = PersonFactory(kind=Person.Kind.STAKEHOLDER)
    TaskFactory.create_batch(3, requester=dana)
    url = reverse("intake:mine", args=[requester_token(dana)])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    TaskFactory.create_batch(30, requester=dana, unscored=True)
    with django_assert_max_num_queries(len(small)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("status", "fields"),
    [
        (Status.PLANNED, {"planned_week": week_of(TODAY)}),
        (Status.IN_PROGRESS, {"planned_week": week_of(TODAY)}),
        (Status.DONE, {}),
        (Status.DEFERRED, {"deferred_until": TODAY + datetime.timedelta(days=90)}),
        (Status.DECLINED, {"declined_reason": "Out of scope"}),
    ],
)
def test_what_the_quadrant_promises_is_said_only_while_the_work_waits(client, status, fields):
    task = TaskFactory(impact=5, effort=5, status=status, **fields)
    text = page_of(client, task)
    assert "Major project" in text
    assert "we will plan it as a project" not in text
