"""Undo, from outside: the message after a triage, a board move, a score or a RACI change
offers it for MOPSBOARD_UNDO_SECONDS to whoever made the change; the undo puts back exactly
what was there, moves the version on, and the news of the change is never told."""

import datetime
import html

import pytest
from django.db import connection
from django.db.models import F
from django.urls import reverse
from pghistory.models import Context
from procrastinate.contrib.django.models import ProcrastinateJob

from backlog import services
from backlog.models import Status, Task, new_year_after
from mail.models import Email
from mopsboard.history import history_context
from notifications.models import Notification
from notifications.tasks import tell
from people.models import Person
from raci.models import Assignment, Role
from tests.factories import AssignmentFactory, EndpointFactory, PersonFactory, TaskFactory
from webhooks.models import Delivery

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
NEW_YEAR = new_year_after(datetime.date.today()).isoformat()
# Everything an undo puts back.
FIELDS = (
    "status",
    "impact",
    "effort",
    "estimate_hours",
    "planned_week",
    "deferred_until",
    "declined_reason",
)


@pytest.fixture(autouse=True)
def undo_window(settings):
    settings.MOPSBOARD_UNDO_SECONDS = 10


@pytest.fixture
def requester():
    return PersonFactory(name="Rita Requester", email="rita@example.com", kind="stakeholder")


def state(task: Task) -> dict:
    task.refresh_from_db()
    return {name: getattr(task, name) for name in FIELDS}


def offered_undo(client, response) -> str:
    """The address of the Undo button the response's message shows."""
    assert response.status_code in (200, 302), response
    change = client.session["undo"]["change"]
    url = reverse("raci:change-undo", args=[change])
    if response.status_code == 200:
        body = response.content.decode()
        assert f'hx-post="{url}"' in body
        assert 'aria-keyshortcuts="z"' in body
    return url


def triage(client, task, action, **data):
    url = reverse("backlog:triage-action", args=[task.pk, action])
    return client.post(url, {"version": task.version, **data}, headers=HTMX)


def board_move(client, task, quadrant):
    data = {"action": "move", "task": task.pk, "version": task.version, "quadrant": quadrant}
    return client.post(reverse("backlog:board-action"), data, headers=HTMX)


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("decline", {"reason": "Not this year"}),
        ("defer", {"until": NEW_YEAR}),
        ("score", {"impact": 2, "effort": 5}),
    ],
)
def test_undo_in_triage_puts_the_request_back_as_it_was(htmx_client, requester, action, data):
    task = TaskFactory(unscored=True, requester=requester)
    before, version = state(task), task.version
    url = offered_undo(htmx_client, triage(htmx_client, task, action, **data))
    assert state(task) != before

    response = htmx_client.post(url, headers=HTMX)

    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"
    assert state(task) == before
    # Forward, never back: a tab loaded before the change still conflicts.
    assert task.version == version + 2
    assert Task.objects.in_triage().get() == task


def test_a_tab_loaded_before_the_change_still_conflicts_after_the_undo(htmx_client, requester):
    task = TaskFactory(unscored=True, requester=requester)
    stale = Task.objects.get(pk=task.pk)
    deferred = triage(htmx_client, task, "defer", until=NEW_YEAR)
    htmx_client.post(offered_undo(htmx_client, deferred), headers=HTMX)

    response = triage(htmx_client, stale, "decline", reason="Stale tab")

    assert response.status_code == 409
    assert state(task)["status"] == Status.NEW


def test_undo_of_a_board_move_restores_the_scores_the_week_and_the_estimate(htmx_client):
    week = datetime.date.today() - datetime.timedelta(days=datetime.date.today().weekday())
    task = TaskFactory(impact=5, effort=1, status=Status.PLANNED, planned_week=week)
    before, version = state(task), task.version
    assert before["estimate_hours"] is None  # its hours follow its effort: 2 h

    response = board_move(htmx_client, task, "money-pit")
    task.refresh_from_db()
    assert (task.impact, task.effort, task.estimate) == (2, 3, 2)
    message = html.unescape(response.content.decode())
    assert "Its estimate stays 2 h, so nobody's load changes; effort 3 usually takes 8 h" in message
    htmx_client.post(offered_undo(htmx_client, response), headers=HTMX)

    assert state(task) == before
    assert task.version == version + 2
    assert task.quadrant.value == "quick-win"


def test_a_plain_post_undoes_and_goes_back_to_the_page(lead_client):
    task = TaskFactory(impact=5, effort=1)
    data = {"action": "move", "task": task.pk, "version": task.version, "quadrant": "fill-in"}
    response = lead_client.post(reverse("backlog:board-action"), data)
    page = lead_client.get(response.url)
    url = offered_undo(lead_client, page)

    response = lead_client.post(url, {"next": "/board/?quadrant=fill-in"})

    assert response.status_code == 302
    assert response.url == "/board/?quadrant=fill-in"
    assert (Task.objects.get().impact, Task.objects.get().effort) == (5, 1)
    assert "Undone: “" in lead_client.get(response.url).content.decode()


def test_undo_of_a_raci_change_gives_the_accountable_back(htmx_client):
    task = TaskFactory()
    priya = AssignmentFactory(task=task, role=Role.ACCOUNTABLE_RESPONSIBLE).person
    tom = PersonFactory(kind=Person.Kind.TEAM)
    AssignmentFactory(task=task, person=tom, role=Role.CONSULTED)
    before = set(Assignment.objects.values_list("person", "role"))
    response = htmx_client.post(
        reverse("raci:cell-update"),
        {"task": task.pk, "person": tom.pk, "role": "A", "expected": "C", "move_accountable": "on"},
    )
    assert set(Assignment.objects.values_list("person", "role")) == {
        (priya.pk, "R"),
        (tom.pk, "A"),
    }

    htmx_client.post(offered_undo(htmx_client, response), headers=HTMX)

    assert set(Assignment.objects.values_list("person", "role")) == before


def test_undo_of_someone_made_informed_takes_them_off_again(htmx_client):
    task = TaskFactory()
    sam = PersonFactory(kind=Person.Kind.TEAM)
    response = htmx_client.post(
        reverse("raci:cell-update"), {"task": task.pk, "person": sam.pk, "role": "I"}
    )
    htmx_client.post(offered_undo(htmx_client, response), headers=HTMX)
    assert not Assignment.objects.exists()


def test_undo_of_a_letter_given_on_the_task_page_takes_it_back(htmx_client, lead_client):
    """The task page's RACI panel offers Undo as the matrix does, over htmx and plainly;
    an Accountable moved off comes back with it."""
    task = TaskFactory()
    ann = AssignmentFactory(task=task, role=Role.ACCOUNTABLE).person
    tom = PersonFactory(kind=Person.Kind.TEAM)
    url = reverse("raci:task-role", args=[task.pk])
    data = {"person": tom.pk, "role": "A", "move_accountable": "on", "allow_over": "on"}
    response = htmx_client.post(url, data, headers=HTMX)
    assert set(Assignment.objects.values_list("person", "role")) == {(tom.pk, "A")}

    htmx_client.post(offered_undo(htmx_client, response), headers=HTMX)

    assert set(Assignment.objects.values_list("person", "role")) == {(ann.pk, "A")}

    response = lead_client.post(url, {"person": tom.pk, "role": "C", "allow_over": "on"})
    undo = offered_undo(lead_client, lead_client.get(response.url))
    assert lead_client.post(undo, {"next": response.url}).status_code == 302
    assert set(Assignment.objects.values_list("person", "role")) == {(ann.pk, "A")}


def test_undo_of_someone_new_added_on_the_task_page_takes_the_letter_they_stay(htmx_client):
    task = TaskFactory(title="Partner webinar")
    url = reverse("raci:task-person-new", args=[task.pk])
    data = {"name": "Nia Partner", "email": "nia@partner.example", "role": "I"}
    response = htmx_client.post(url, data, headers=HTMX)
    assert (
        "Nia Partner is now I on “Partner webinar”. Undo takes the letter back; "
        "Nia Partner stays a stakeholder."
    ) in html.unescape(response.content.decode())

    htmx_client.post(offered_undo(htmx_client, response), headers=HTMX)

    assert not Assignment.objects.exists()
    assert Person.objects.get(email="nia@partner.example").kind == Person.Kind.STAKEHOLDER


def test_undo_after_the_window_is_refused_with_a_message(htmx_client, requester):
    task = TaskFactory(unscored=True, requester=requester)
    url = offered_undo(htmx_client, triage(htmx_client, task, "decline", reason="No"))
    # The change was made eleven seconds ago.
    Context.objects.update(created_at=F("created_at") - datetime.timedelta(seconds=11))

    response = htmx_client.post(url, headers=HTMX)

    assert response.status_code == 409
    assert "Too late to undo: a change can be undone for 10 seconds." in response.content.decode()
    assert response["HX-Retarget"] == "#messages"
    assert state(task)["status"] == Status.DECLINED


def test_undo_by_someone_who_did_not_make_the_change_is_refused(member_client, lead_client):
    task = TaskFactory(impact=5, effort=1)
    data = {"action": "move", "task": task.pk, "version": task.version, "quadrant": "fill-in"}
    member_client.post(reverse("backlog:board-action"), data)
    url = reverse("raci:change-undo", args=[member_client.session["undo"]["change"]])

    response = lead_client.post(url, headers=HTMX)

    assert response.status_code == 409
    assert "Only the person who made a change can undo it." in response.content.decode()
    assert state(task)["impact"] == 2


def test_a_second_undo_of_the_same_change_is_refused(htmx_client, requester):
    task = TaskFactory(unscored=True, requester=requester)
    url = offered_undo(htmx_client, triage(htmx_client, task, "decline", reason="No"))
    assert htmx_client.post(url, headers=HTMX).status_code == 200
    version = Task.objects.get().version

    response = htmx_client.post(url, headers=HTMX)

    assert response.status_code == 409
    assert "is undone already" in response.content.decode()
    assert Task.objects.get().version == version


def test_an_unknown_change_is_not_found(htmx_client):
    response = htmx_client.post(
        reverse("raci:change-undo", args=["6f1c7d1e-2b3a-4c5d-8e9f-0a1b2c3d4e5f"]), headers=HTMX
    )
    assert response.status_code == 404
    assert "There is no such change to undo." in response.content.decode()


def test_the_news_of_a_change_waits_for_the_window(htmx_client, requester, run_tell_jobs):
    task = TaskFactory(unscored=True, requester=requester)
    triage(htmx_client, task, "decline", reason="Not this year")
    (job,) = ProcrastinateJob.objects.filter(task_name=tell.name)
    assert job.status == "todo" and job.scheduled_at is not None
    assert run_tell_jobs() == 0  # not before its time

    # Its time come, the job tells the requester.
    tell(**job.args)
    assert Email.objects.get().to == "rita@example.com"


def test_an_undone_change_tells_nobody_and_its_undo_neither(htmx_client, requester, run_tell_jobs):
    task = TaskFactory(unscored=True, requester=requester)
    url = offered_undo(htmx_client, triage(htmx_client, task, "decline", reason="Not this year"))

    htmx_client.post(url, headers=HTMX)

    assert list(ProcrastinateJob.objects.values_list("task_name", "status")) == [
        (tell.name, "cancelled")
    ]
    assert run_tell_jobs() == 0
    assert not Notification.objects.exists()
    assert not Email.objects.exists()


def test_an_undo_once_the_news_is_being_told_is_refused(htmx_client, requester):
    task = TaskFactory(unscored=True, requester=requester)
    url = offered_undo(htmx_client, triage(htmx_client, task, "decline", reason="Not this year"))
    # A worker has taken the job (procrastinate's models are read-only to Django).
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {ProcrastinateJob._meta.db_table} SET status = 'doing'")

    response = htmx_client.post(url, headers=HTMX)

    assert response.status_code == 409
    assert "the news of that change is being sent" in response.content.decode()
    assert state(task)["status"] == Status.DECLINED


def test_webhooks_hear_of_the_change_and_of_its_undo_as_the_change_back(htmx_client, requester):
    """Other tools keep in step at once: they get the decline, then the request back in
    triage as a status change like any other."""
    EndpointFactory()
    task = TaskFactory(unscored=True, requester=requester)
    url = offered_undo(htmx_client, triage(htmx_client, task, "decline", reason="No"))
    htmx_client.post(url, headers=HTMX)

    sent = [
        (delivery.event, delivery.payload["data"]["status"])
        for delivery in Delivery.objects.order_by("pk")
    ]
    assert sent == [
        ("task.status_changed", "declined"),
        ("task.declined", "declined"),
        ("task.status_changed", "new"),
    ]


def test_without_a_window_there_is_no_undo_and_the_news_goes_at_once(
    settings, htmx_client, requester, run_tell_jobs
):
    settings.MOPSBOARD_UNDO_SECONDS = 0
    task = TaskFactory(unscored=True, requester=requester)
    response = triage(htmx_client, task, "decline", reason="Not this year")
    assert "Undo" not in response.content.decode()
    assert run_tell_jobs() == 1
    assert Email.objects.count() == 1


def test_a_change_no_page_offers_to_undo_is_told_at_once_and_cannot_be_undone(
    lead, htmx_client, requester
):
    """The API's, an import's or the demo's changes: nobody is offered an undo, so their
    news does not wait."""
    task = TaskFactory(unscored=True, requester=requester)
    with history_context(lead, via="api") as change:
        services.task_decline(task=task, version=task.version, reason="No", by=lead, via="api")
    (job,) = ProcrastinateJob.objects.filter(task_name=tell.name)
    assert job.scheduled_at is None

    response = htmx_client.post(reverse("raci:change-undo", args=[change.id]), headers=HTMX)

    assert response.status_code == 404
    assert state(task)["status"] == Status.DECLINED


def edit_on_task_page(client, task, **changes):
    data = {"title": task.title, "requester": task.requester_id, "version": task.version}
    return client.post(task.get_absolute_url(), {**data, **changes}, headers=HTMX)


def status_on_task_page(client, task, status):
    url = reverse("backlog:task-action", args=[task.pk, "status"])
    return client.post(url, {"version": task.version, "status": status}, headers=HTMX)


@pytest.mark.parametrize(
    ("fields", "change"),
    [
        (
            {"unscored": True},
            lambda client, task: edit_on_task_page(client, task, impact=2, effort=5),
        ),
        (
            {"status": Status.IN_PROGRESS},
            lambda client, task: status_on_task_page(client, task, Status.DONE),
        ),
    ],
    ids=["scored in its form", "marked done"],
)
def test_a_task_page_change_offered_no_undo_is_told_at_once_and_cannot_be_undone(
    htmx_client, requester, run_tell_jobs, fields, change
):
    """The task page's form and status menu offer no Undo: the requester's email does not
    wait for a window nobody was given."""
    task = TaskFactory(requester=requester, **fields)

    assert change(htmx_client, task).status_code == 200

    assert "undo" not in htmx_client.session
    (job,) = ProcrastinateJob.objects.filter(task_name=tell.name)
    assert job.scheduled_at is None
    assert run_tell_jobs() == 1
    assert Email.objects.get().to == "rita@example.com"
    (made,) = Context.objects.all()
    response = htmx_client.post(reverse("raci:change-undo", args=[made.pk]), headers=HTMX)
    assert response.status_code == 404


def test_an_undo_cannot_itself_be_undone(htmx_client):
    """Undoing the undo would give the letter again and tell nobody (its news was
    cancelled with the change's): it is refused, and the letter is given again instead."""
    task = TaskFactory(title="Webinar")
    tom = PersonFactory(name="Tom Becker", kind=Person.Kind.TEAM)
    given = htmx_client.post(
        reverse("raci:cell-update"), {"task": task.pk, "person": tom.pk, "role": "R"}
    )
    change = htmx_client.session["undo"]["change"]
    htmx_client.post(offered_undo(htmx_client, given), headers=HTMX)
    undo = Context.objects.get(metadata__undoes=change)

    response = htmx_client.post(reverse("raci:change-undo", args=[undo.pk]), headers=HTMX)

    assert response.status_code == 409
    assert "That was an undo; make the change again instead." in response.content.decode()
    assert not Assignment.objects.exists()
