"""Whoever is given a part in the work hears of it: made Responsible, Accountable or
Consulted through any door, a person gets one email (at once, in their digest, or none),
saying who gave it, the task's quadrant, week and due date, with a link of their own; and
hears when the part is no longer theirs. Counted at a real SMTP server (aiosmtpd)."""

import datetime
import re

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backlog.models import Status
from intake.tracking import FOLLOWING_SALT, following_token
from notifications.models import News, Notification
from notifications.services import digests_send
from people.models import Person
from raci.models import Assignment, Role
from raci.services import assignment_set
from tests.api.conftest import ApiClient
from tests.factories import ApiTokenFactory, AssignmentFactory, PersonFactory, TaskFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
MONDAY = datetime.date(2031, 3, 3)


@pytest.fixture
def priya(lead):
    """The lead as the team knows them, kept Informed on the task: told of changes by
    others, never of their own."""
    return PersonFactory(name="Priya Shah", email="priya@example.com", user=lead)


@pytest.fixture
def tom(member):
    return PersonFactory(name="Tom Becker", email="tom@example.com", user=member)


@pytest.fixture
def task(priya):
    task = TaskFactory(
        title="Fix CRM sync errors",
        impact=5,
        effort=1,
        status=Status.PLANNED,
        planned_week=MONDAY,
        due_date=datetime.date(2031, 3, 7),
    )
    AssignmentFactory(task=task, person=priya, role=Role.INFORMED)
    return task


def _body(message) -> str:
    return message.get_body(("plain",)).get_content()


def _cell_form(user, data):
    client = Client(headers=HTMX)
    client.force_login(user)
    return client.post(reverse("raci:cell-update"), data)


def _grid(user, task, person, role, expected="", **more):
    """The matrix's cell, as its htmx posts it (with the page's tasks)."""
    data = {"task": task.pk, "person": person.pk, "role": role, "expected": expected}
    return _cell_form(user, {**data, "page_tasks": str(task.pk), **more})


def _task_page(user, task, person, role, expected="", **more):
    """The task page's RACI cells post the same form, with no page of tasks."""
    data = {"task": task.pk, "person": person.pk, "role": role, "expected": expected}
    return _cell_form(user, {**data, **more})


def _api(user, task, person, role, expected="", **more):
    api = ApiClient(ApiTokenFactory(user=user))
    body = {"role": role or None, "expected": expected or None, **more}
    return api.send("put", f"/api/v1/tasks/{task.pk}/raci/{person.pk}", body)


DOORS = [_grid, _task_page, _api]


@pytest.mark.parametrize("door", DOORS, ids=["grid", "task-page", "api"])
@pytest.mark.parametrize(
    ("role", "said"),
    [
        (Role.RESPONSIBLE, "Responsible for"),
        (Role.ACCOUNTABLE, "Accountable for"),
        (Role.CONSULTED, "Consulted on"),
    ],
)
def test_every_door_tells_the_person_given_a_role_once(
    door, role, said, lead, task, tom, priya, inbox
):
    assert door(lead, task, tom, role).status_code == 200
    received = inbox()
    (email,) = received.to(tom.email)
    assert email["Subject"] == "Fix CRM sync errors: Your role"
    assert (
        f"Priya Shah made you {said} “Fix CRM sync errors”. It is a quick win, planned for the "
        "week of 3 March 2031, due Friday 7 March 2031." in _body(email)
    )
    # Tom signs in: his link is the task's page.
    assert f"Follow it here: http://127.0.0.1:8000/tasks/{task.pk}/" in _body(email)
    # Priya is Informed, but made the change: she is not told of it.
    assert received.to(priya.email) == []


def test_the_person_who_gives_themselves_a_role_is_not_told(lead, task, priya, inbox):
    AssignmentFactory(task=task, person=PersonFactory(), role=Role.INFORMED)
    Assignment.objects.filter(person=priya).delete()
    _grid(lead, task, priya, Role.RESPONSIBLE)
    received = inbox()
    assert received.to(priya.email) == []
    assert not Notification.objects.filter(person=priya).exists()
    # Whoever else is Informed hears it as RACI news, as before.
    (other,) = [message for message in received.messages if message["To"] != priya.email]
    assert "On “Fix CRM sync errors”, Priya Shah is now Responsible." in _body(other)


def test_an_unscored_unplanned_task_says_so(lead, tom, inbox):
    task = TaskFactory(unscored=True, title="New landing page")
    _task_page(lead, task, tom, Role.RESPONSIBLE)
    (email,) = inbox().to(tom.email)
    assert (
        "made you Responsible for “New landing page”. It is not scored yet, not planned for "
        "a week yet, with no due date." in _body(email)
    )


@pytest.mark.parametrize("door", DOORS, ids=["grid", "task-page", "api"])
def test_losing_a_role_is_said(door, lead, task, tom, inbox):
    AssignmentFactory(task=task, person=tom, role=Role.RESPONSIBLE)
    assert door(lead, task, tom, "", expected=Role.RESPONSIBLE).status_code == 200
    (email,) = inbox().to(tom.email)
    assert email["Subject"] == "Fix CRM sync errors: Role ended"
    assert (
        "You are no longer Responsible for “Fix CRM sync errors”. Priya Shah made the change."
        in _body(email)
    )


def test_a_role_changed_says_what_is_gained_and_what_is_lost(lead, task, tom, inbox):
    AssignmentFactory(task=task, person=tom, role=Role.ACCOUNTABLE_RESPONSIBLE)
    _grid(lead, task, tom, Role.CONSULTED, expected=Role.ACCOUNTABLE_RESPONSIBLE)
    inbox()
    _grid(lead, task, tom, Role.INFORMED, expected=Role.CONSULTED)
    assert len(inbox().to(tom.email)) == 2
    told = Notification.objects.filter(person=tom).order_by("id")
    assert [news for news in told.values_list("news", flat=True)] == [
        News.ROLE,
        News.ROLE_ENDED,
        News.RACI,
    ]
    given, ended, informed = told.values_list("text", flat=True)
    assert given.startswith(
        "Priya Shah made you Consulted on “Fix CRM sync errors”. "
        "You are no longer Accountable and Responsible."
    )
    assert informed == "You are now Informed about “Fix CRM sync errors”."
    assert ended == (
        "You are no longer Consulted on “Fix CRM sync errors”, only Informed. "
        "Priya Shah made the change."
    )


def test_the_accountable_who_is_moved_off_hears_it(lead, task, tom, inbox):
    ann = AssignmentFactory(task=task, role=Role.ACCOUNTABLE, person__name="Ann Owner").person
    _grid(lead, task, tom, Role.ACCOUNTABLE, move_accountable="on")
    received = inbox()
    (moved,) = received.to(ann.email)
    assert (
        "You are no longer Accountable for “Fix CRM sync errors”. Priya Shah made the change."
        in _body(moved)
    )
    (given,) = received.to(tom.email)
    assert "Priya Shah made you Accountable for “Fix CRM sync errors”." in _body(given)


def test_a_daily_digest_gathers_role_news_into_one_email(lead, task, tom, inbox):
    tom.notify = Person.Notify.DAILY
    tom.save()
    other = TaskFactory(title="Webinar landing page", impact=1, effort=5)
    _grid(lead, task, tom, Role.RESPONSIBLE)
    _grid(lead, other, tom, Role.CONSULTED)
    _grid(lead, task, tom, Role.ACCOUNTABLE_RESPONSIBLE, expected=Role.RESPONSIBLE)
    assert inbox().to(tom.email) == []
    assert digests_send() == 1
    (digest,) = inbox().to(tom.email)
    assert digest["Subject"] == "Your mopsboard digest: 3 updates"
    body = _body(digest)
    assert "Priya Shah made you Responsible for “Fix CRM sync errors”." in body
    assert "Priya Shah made you Consulted on “Webinar landing page”. It is a money pit" in body
    assert "made you Accountable and responsible for “Fix CRM sync errors”." in body
    assert body.count(f"/tasks/{task.pk}/") == 1 and body.count(f"/tasks/{other.pk}/") == 1


def test_never_sends_nothing(lead, task, tom, inbox):
    tom.notify = Person.Notify.NEVER
    tom.save()
    ana = PersonFactory(name="Ana Lima", email="ana@example.com")
    for person in (tom, ana):
        _api(lead, task, person, Role.CONSULTED)
        _grid(lead, task, person, "", expected=Role.CONSULTED)
    received = inbox()
    assert received.to(tom.email) == []
    assert not Notification.objects.filter(person=tom).exists()
    assert len(received.to(ana.email)) == 2


def test_the_demo_hands_out_its_roles_without_telling_anyone(task, tom, lead, run_tell_jobs):
    other = TaskFactory()
    assignment_set(task=task, person=tom, role=Role.RESPONSIBLE, expected="", by=lead, via="demo")
    assignment_set(task=other, person=tom, role=Role.RESPONSIBLE, expected="", by=lead, via="raci")
    run_tell_jobs()
    assert list(Notification.objects.filter(person=tom).values_list("task", flat=True)) == [
        other.pk
    ]


# --- The link of someone on the RACI without an account ---------------------------------


@pytest.fixture
def sam():
    return PersonFactory(name="Sam Carter", email="sam@example.com", kind="stakeholder")


def _link(email) -> str:
    return re.search(r"Follow it here: (\S+)", _body(email))[1]


@pytest.mark.parametrize("role", [Role.INFORMED, Role.CONSULTED])
def test_a_stakeholder_on_the_raci_gets_a_link_that_shows_nothing_of_the_requester(
    role, client, lead, task, sam, inbox
):
    requester = task.requester
    task.requester_confirmed = True
    task.save()
    _task_page(lead, task, sam, role)
    (email,) = inbox().to(sam.email)
    link = _link(email)
    assert "/requests/following/" in link
    page = client.get(link.removeprefix("http://127.0.0.1:8000"))
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert "Fix CRM sync errors" in html and "Quick win" in html
    assert f"You are {Role(role).label}" in html
    # Nothing of the requester's: not their name, their address, nor their button.
    assert requester.name not in html and requester.email not in html
    assert "Email me a link to all my requests" not in html and "/email/" not in html


def test_the_requester_and_team_members_keep_their_own_pages(lead, task, tom, inbox):
    requester = task.requester
    _grid(lead, task, requester, Role.CONSULTED)
    _grid(lead, task, tom, Role.INFORMED)
    received = inbox()
    assert "/requests/" in _link(received.to(requester.email)[0])
    assert "/requests/following/" not in _link(received.to(requester.email)[0])
    assert _link(received.to(tom.email)[0]).endswith(f"/tasks/{task.pk}/")


def test_a_forged_link_says_it_does_not_work(client, task, sam):
    cell = AssignmentFactory(task=task, person=sam, role=Role.INFORMED)
    forged = following_token(task.pk, sam.pk)[:-2] + "xx"
    page = client.get(reverse("intake:following", args=[forged]))
    assert page.status_code == 404 and "does not work" in page.content.decode()
    # Another kind of token for the same id opens nothing here.
    other = signing.TimestampSigner(salt="intake.requester").sign(str(cell.pk))
    assert client.get(reverse("intake:following", args=[other])).status_code == 404


def test_an_expired_link_says_so(client, task, sam, settings):
    cell = AssignmentFactory(task=task, person=sam, role=Role.INFORMED)
    old = timezone.now() - datetime.timedelta(days=31)
    signer = signing.TimestampSigner(salt=FOLLOWING_SALT)
    signer.timestamp = lambda: signing.b62_encode(int(old.timestamp()))
    token = signer.sign(str(cell.pk))
    page = client.get(reverse("intake:following", args=[token]))
    assert page.status_code == 404 and "has expired" in page.content.decode()
    settings.MOPSBOARD_FOLLOWING_LINK_DAYS = 32
    assert client.get(reverse("intake:following", args=[token])).status_code == 200


def test_the_link_closes_once_its_person_is_off_the_raci(client, task, sam):
    cell = AssignmentFactory(task=task, person=sam, role=Role.INFORMED)
    url = reverse("intake:following", args=[following_token(task.pk, sam.pk)])
    assert client.get(url).status_code == 200
    cell.delete()
    page = client.get(url)
    assert page.status_code == 404 and "no longer on this request" in page.content.decode()


def test_who_loses_their_role_and_has_no_account_gets_no_link(lead, task, sam, inbox):
    AssignmentFactory(task=task, person=sam, role=Role.CONSULTED)
    _grid(lead, task, sam, "", expected=Role.CONSULTED)
    (email,) = inbox().to(sam.email)
    assert "You are no longer Consulted on" in _body(email)
    assert "Follow it here" not in _body(email)


def test_the_link_in_a_role_email_opens_again_once_the_removal_is_undone(
    client, lead, lead_client, task, sam, inbox, settings
):
    settings.MOPSBOARD_UNDO_SECONDS = 0
    _task_page(lead, task, sam, Role.RESPONSIBLE)
    link = _link(inbox().to(sam.email)[0]).removeprefix("http://127.0.0.1:8000")
    settings.MOPSBOARD_UNDO_SECONDS = 10
    data = {"task": task.pk, "person": sam.pk, "role": "", "expected": Role.RESPONSIBLE}
    lead_client.post(reverse("raci:cell-update"), data, headers=HTMX)
    assert client.get(link).status_code == 404
    undo = reverse("raci:change-undo", args=[lead_client.session["undo"]["change"]])
    assert lead_client.post(undo, headers=HTMX).status_code == 200
    page = client.get(link)
    assert page.status_code == 200 and "You are Responsible" in page.content.decode()
