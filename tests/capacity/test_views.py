"""People, planning and deferred pages from outside: plain and htmx, bad input, who may."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backlog.models import Status, Task
from capacity.models import TimeOff
from mopsboard.weeks import week_label, week_of
from people.models import Person
from raci.models import Role
from tests.factories import AssignmentFactory, PersonFactory, TaskFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
THIS_WEEK = week_of(timezone.localdate())


def test_people_page_shows_capacity_load_and_ownership(lead_client):
    tom = PersonFactory(name="Tom Becker", kind=Person.Kind.TEAM, weekly_capacity_hours=10)
    task = TaskFactory(
        title="Bounce campaign", status=Status.PLANNED, planned_week=THIS_WEEK, estimate_hours=12
    )
    AssignmentFactory(task=task, person=tom, role=Role.ACCOUNTABLE_RESPONSIBLE)
    body = lead_client.get(reverse("capacity:people")).content.decode()
    assert "Tom Becker" in body
    assert "12 of 10 h — <strong>over capacity</strong>" in body
    assert body.count("1 open</a>") == 2  # Responsible for it and Accountable for it


def test_lead_edits_capacity_over_htmx(htmx_client):
    ana = PersonFactory(kind=Person.Kind.TEAM, weekly_capacity_hours=32)
    response = htmx_client.post(
        reverse("capacity:person-capacity", args=[ana.pk]), {"weekly_capacity_hours": 24}
    )
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="people-table">')
    ana.refresh_from_db()
    assert ana.weekly_capacity_hours == 24


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        (-4, "be negative."),
        ("lots", "Enter whole hours, like 32."),
        (120, "More than 80"),
    ],
)
def test_bad_capacity_gets_422_and_changes_nothing(htmx_client, hours, message):
    ana = PersonFactory(kind=Person.Kind.TEAM, weekly_capacity_hours=32)
    response = htmx_client.post(
        reverse("capacity:person-capacity", args=[ana.pk]), {"weekly_capacity_hours": hours}
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    ana.refresh_from_db()
    assert ana.weekly_capacity_hours == 32


def test_time_off_is_saved_and_removed_with_zero(lead_client):
    ruth = PersonFactory(kind=Person.Kind.TEAM)
    data = {"person": ruth.pk, "week": week_label(THIS_WEEK), "hours": 8, "note": "Conference"}
    assert lead_client.post(reverse("capacity:time-off"), data).url == reverse("capacity:people")
    assert TimeOff.objects.get().hours == 8
    lead_client.post(reverse("capacity:time-off"), {**data, "hours": 0})
    assert not TimeOff.objects.exists()


@pytest.mark.parametrize(
    ("week", "hours", "message"),
    [
        ("2027-W53", 8, "only some years have a week 53"),
        ("next week", 8, "Choose a week like 2026-W48"),
        ("2026-W48", -8, "be negative."),
        ("2026-W48", "a day", "Enter whole hours, like 8."),
    ],
)
def test_bad_time_off_gets_422(htmx_client, week, hours, message):
    ruth = PersonFactory(kind=Person.Kind.TEAM)
    response = htmx_client.post(
        reverse("capacity:time-off"), {"person": ruth.pk, "week": week, "hours": hours}
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not TimeOff.objects.exists()


def test_planning_into_this_week(lead_client):
    task = TaskFactory()
    response = lead_client.post(
        reverse("backlog:task-action", args=[task.pk, "plan"]),
        {"version": 1, "week": week_label(THIS_WEEK)},
    )
    assert response.url == task.get_absolute_url()
    task.refresh_from_db()
    assert (task.status, task.planned_week) == (Status.PLANNED, THIS_WEEK)


def test_planning_warns_before_pushing_someone_over_then_plans_anyway(htmx_client):
    tom = PersonFactory(name="Tom", kind=Person.Kind.TEAM, weekly_capacity_hours=10)
    task = TaskFactory(estimate_hours=16)
    AssignmentFactory(task=task, person=tom, role=Role.RESPONSIBLE)
    url = reverse("backlog:task-action", args=[task.pk, "plan"])
    data = {"version": 1, "week": week_label(THIS_WEEK)}
    response = htmx_client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 409
    assert "Tom: 16 of 10 h" in body
    assert "Plan anyway" in body
    assert Task.objects.get(pk=task.pk).planned_week is None
    response = htmx_client.post(url, {**data, "allow_over": "on"})
    assert response.status_code == 200
    assert Task.objects.get(pk=task.pk).planned_week == THIS_WEEK


def test_unplan_returns_the_task_to_the_backlog(lead_client):
    task = TaskFactory(status=Status.PLANNED, planned_week=THIS_WEEK)
    lead_client.post(reverse("backlog:task-action", args=[task.pk, "unplan"]), {"version": 1})
    task.refresh_from_db()
    assert (task.status, task.planned_week) == (Status.BACKLOG, None)


@pytest.mark.parametrize("week", ["2027-W53", "", "W48", "<b>"])
def test_bad_weeks_to_plan_get_422(htmx_client, week):
    task = TaskFactory()
    response = htmx_client.post(
        reverse("backlog:task-action", args=[task.pk, "plan"]), {"version": 1, "week": week}
    )
    assert response.status_code == 422
    task.refresh_from_db()
    assert task.planned_week is None


def test_the_task_page_offers_this_and_next_week(lead_client):
    task = TaskFactory()
    body = lead_client.get(task.get_absolute_url()).content.decode()
    assert f'name="week" value="{week_label(THIS_WEEK)}"' in body
    assert f'name="week" value="{week_label(THIS_WEEK + datetime.timedelta(days=7))}"' in body


def test_deferred_lists_work_by_return_date(lead_client):
    TaskFactory(title="Later", status=Status.DEFERRED, deferred_until="2027-06-01")
    TaskFactory(title="Sooner", status=Status.DEFERRED, deferred_until="2027-01-04")
    body = lead_client.get(reverse("backlog:deferred")).content.decode()
    assert body.index("Sooner") < body.index("Later")
    assert "Nothing is deferred." not in body


def mutating_requests(task, person):
    return [
        (reverse("capacity:person-capacity", args=[person.pk]), {"weekly_capacity_hours": 1}),
        (reverse("capacity:time-off"), {"person": person.pk, "week": "2026-W50", "hours": 8}),
        (
            reverse("backlog:task-action", args=[task.pk, "plan"]),
            {"version": 1, "week": "2026-W50"},
        ),
        (reverse("backlog:task-action", args=[task.pk, "unplan"]), {"version": 1}),
        (
            reverse("backlog:board-action"),
            {"task": task.pk, "version": 1, "week": "2026-W50", "action": "plan"},
        ),
    ]


@pytest.mark.parametrize("index", range(5))
@pytest.mark.parametrize("who", ["anonymous", "viewer"])
def test_nobody_without_the_right_changes_capacity_or_plans(request, client, who, index):
    browser = client if who == "anonymous" else request.getfixturevalue("viewer_client")
    task = TaskFactory(status=Status.PLANNED, planned_week=THIS_WEEK)
    person = PersonFactory(weekly_capacity_hours=32)
    url, data = mutating_requests(task, person)[index]
    response = browser.post(url, data)
    assert response.status_code == (302 if who == "anonymous" else 403)
    task.refresh_from_db()
    person.refresh_from_db()
    assert (task.version, person.weekly_capacity_hours) == (1, 32)
    assert not TimeOff.objects.exists()


def test_members_plan_but_do_not_change_capacity(member_client):
    task, person = TaskFactory(), PersonFactory(weekly_capacity_hours=32)
    url, data = mutating_requests(task, person)[0]
    assert member_client.post(url, data).status_code == 403
    url, data = mutating_requests(task, person)[2]
    assert member_client.post(url, data).status_code == 302


def make_team(size):
    for n in range(size):
        person = PersonFactory(kind=Person.Kind.TEAM)
        TimeOff.objects.create(person=person, week=THIS_WEEK, hours=4)
        for week in (THIS_WEEK, THIS_WEEK + datetime.timedelta(days=7)):
            task = TaskFactory(status=Status.PLANNED, planned_week=week, estimate_hours=n + 1)
            AssignmentFactory(task=task, person=person, role=Role.RESPONSIBLE)
            AssignmentFactory(task=task, role=Role.ACCOUNTABLE)


def test_people_page_query_count_is_the_same_at_5_and_50_people(
    lead_client, django_assert_max_num_queries
):
    make_team(5)
    with CaptureQueriesContext(connection) as small:
        lead_client.get(reverse("capacity:people"))
    make_team(45)
    with django_assert_max_num_queries(len(small)):
        assert lead_client.get(reverse("capacity:people")).status_code == 200


@pytest.mark.parametrize("name", ["backlog:board", "backlog:triage"])
def test_board_and_triage_load_this_weeks_hours_after_the_page(lead_client, name):
    body = lead_client.get(reverse(name)).content.decode()
    assert f'hx-get="{reverse("capacity:week-capacity")}" hx-trigger="load"' in body


def test_this_weeks_hours_and_who_is_over(lead_client):
    tom = PersonFactory(name="Tom", kind=Person.Kind.TEAM, weekly_capacity_hours=10)
    PersonFactory(name="Ana", kind=Person.Kind.TEAM, weekly_capacity_hours=30)
    task = TaskFactory(status=Status.PLANNED, planned_week=THIS_WEEK, estimate_hours=12)
    AssignmentFactory(task=task, person=tom, role=Role.RESPONSIBLE)
    body = " ".join(
        lead_client.get(reverse("capacity:week-capacity"), headers={"HX-Request": "true"})
        .content.decode()
        .split()
    )
    # Ana's 30 free hours do not hide Tom's 2 over.
    assert "This week: <strong>12 of 40 h</strong> planned, 30 h free, 2 h over:" in body
    assert f'#person-{tom.pk}">Tom</a>' in body


def test_planning_a_card_from_the_board_redraws_the_board(htmx_client):
    task = TaskFactory(title="Webinar program")
    response = htmx_client.post(
        reverse("backlog:board-action") + "?q=Webinar",
        {"task": task.pk, "version": 1, "week": week_label(THIS_WEEK), "action": "plan"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="board-quadrants"')
    assert "is planned for" in body
    task.refresh_from_db()
    assert (task.status, task.planned_week) == (Status.PLANNED, THIS_WEEK)


def test_planning_a_card_over_capacity_asks_for_the_tick(htmx_client, lead_client):
    tom = PersonFactory(name="Tom", kind=Person.Kind.TEAM, weekly_capacity_hours=10)
    task = TaskFactory(title="Webinar program", estimate_hours=16)
    AssignmentFactory(task=task, person=tom, role=Role.RESPONSIBLE)
    data = {"task": task.pk, "version": 1, "week": week_label(THIS_WEEK), "action": "plan"}
    response = htmx_client.post(reverse("backlog:board-action"), data)
    assert response.status_code == 409
    assert "would put Tom at 16 of 10 h" in response.content.decode()
    assert Task.objects.get(pk=task.pk).planned_week is None
    response = lead_client.post(
        reverse("backlog:board-action") + "?q=x", {**data, "allow_over": "1"}
    )
    assert response.url == reverse("backlog:board") + "?q=x"
    assert Task.objects.get(pk=task.pk).planned_week == THIS_WEEK


def test_the_board_menu_offers_this_and_next_week(lead_client):
    TaskFactory()
    body = lead_client.get(reverse("backlog:board")).content.decode()
    assert f'"week": "{week_label(THIS_WEEK)}"' in body
    assert f'hx-post="{reverse("backlog:board-action")}?"' in body


def test_people_page_counts_open_work_up_to_a_cap(lead_client, monkeypatch):
    monkeypatch.setattr("capacity.load.OWNED_CAP", 3)
    ana = PersonFactory(name="Ana", kind=Person.Kind.TEAM)
    for n in range(4):
        AssignmentFactory(task=TaskFactory(title=f"Audit {n}"), person=ana, role=Role.RESPONSIBLE)
    AssignmentFactory(task=TaskFactory(status=Status.DONE), person=ana, role=Role.ACCOUNTABLE)
    AssignmentFactory(task=TaskFactory(), person=ana, role=Role.ACCOUNTABLE_RESPONSIBLE)
    body = lead_client.get(reverse("capacity:people")).content.decode()
    matrix = f"{reverse('raci:matrix')}?person={ana.pk}&amp;role="
    # Five Responsible: four R and one A/R.
    assert f'href="{matrix}responsible&amp;open=on">3+ open</a>' in body
    # Accountable: the A/R; the done task is not open.
    assert f'href="{matrix}accountable&amp;open=on">1 open</a>' in body


@pytest.mark.parametrize("role", ["responsible", "accountable"])
def test_people_pages_open_count_is_the_number_of_rows_its_link_shows(lead_client, role):
    """Tasks in every status, in every role: the count and the list agree on what is open."""
    priya = PersonFactory(name="Priya", kind=Person.Kind.TEAM)
    others = {
        Status.NEW: {"impact": None, "effort": None},
        Status.PLANNED: {"planned_week": THIS_WEEK},
        Status.IN_PROGRESS: {"planned_week": THIS_WEEK},
        Status.DEFERRED: {"deferred_until": THIS_WEEK + datetime.timedelta(weeks=9)},
        Status.DECLINED: {"declined_reason": "Out of scope"},
    }
    for status in Status:
        for person_role in Role:
            task = TaskFactory(status=status, **others.get(status, {}))
            AssignmentFactory(task=task, person=priya, role=person_role)
    column = 0 if role == "responsible" else 1
    body = lead_client.get(reverse("capacity:people")).content.decode()
    links = re.findall(r'<a href="([^"]*role=[^"]*)">(\d+) open</a>', body)
    link, count = links[column]
    assert f"role={role}" in link
    shown = lead_client.get(f"{html.unescape(link)}&per_page=200").content.decode()
    rows = set(re.findall(r'<tr role="row" data-task-id="(\d+)"', shown))
    # Backlog, planned and in progress, each as R, A and A/R.
    assert int(count) == len(rows) == 6


def test_unplanning_a_card_from_the_board(htmx_client):
    task = TaskFactory(status=Status.PLANNED, planned_week=THIS_WEEK)
    data = {"task": task.pk, "version": 1, "action": "unplan"}
    assert htmx_client.post(reverse("backlog:board-action"), data).status_code == 200
    task.refresh_from_db()
    assert (task.status, task.planned_week) == (Status.BACKLOG, None)


@pytest.mark.parametrize("status", [Status.DONE, Status.DECLINED])
def test_finished_work_is_not_planned_again(htmx_client, status):
    extra = {"declined_reason": "No"} if status == Status.DECLINED else {}
    task = TaskFactory(status=status, **extra)
    data = {"task": task.pk, "version": 1, "action": "plan", "week": week_label(THIS_WEEK)}
    response = htmx_client.post(reverse("backlog:board-action"), data)
    assert response.status_code == 422
    assert "reopen it before planning it" in response.content.decode()
    assert Task.objects.get(pk=task.pk).status == status


def test_work_in_no_week_is_not_unplanned(htmx_client):
    """A request still in triage would otherwise land in the backlog unscored."""
    task = TaskFactory(unscored=True)
    response = htmx_client.post(
        reverse("backlog:task-action", args=[task.pk, "unplan"]), {"version": 1}
    )
    assert response.status_code == 422
    task.refresh_from_db()
    assert (task.status, task.version) == (Status.NEW, 1)


def test_a_request_in_triage_is_scored_before_it_is_planned(htmx_client):
    task = TaskFactory(unscored=True)
    response = htmx_client.post(
        reverse("backlog:task-action", args=[task.pk, "plan"]),
        {"version": 1, "week": week_label(THIS_WEEK)},
    )
    assert response.status_code == 422
    task.refresh_from_db()
    assert (task.status, task.planned_week, task.version) == (Status.NEW, None, 1)
