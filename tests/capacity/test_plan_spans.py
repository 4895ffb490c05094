"""Plans that span weeks: a task's estimate spread over them, evenly (less where people
are away) or by the lead's hours; moved, resized, re-estimated; refused when wrong."""

import csv
import datetime
import importlib
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from backlog.models import Status, Task, TaskEvent
from backlog.selectors import task_history
from backlog.services import task_edit, tasks_create
from capacity.load import team_load
from capacity.models import PlannedHours
from mopsboard.weeks import week_label, week_of
from people.models import Person
from raci.models import Role
from tests.api.conftest import ApiClient
from tests.factories import (
    ApiTokenFactory,
    AssignmentFactory,
    EndpointFactory,
    PersonFactory,
    TaskFactory,
    TimeOffFactory,
    UserFactory,
)
from webhooks.models import Delivery

pytestmark = pytest.mark.django_db

THIS_WEEK = week_of(timezone.localdate())
WEEKS = [THIS_WEEK + datetime.timedelta(weeks=n) for n in range(1, 5)]


def _plan_url(task):
    return reverse("backlog:task-action", args=[task.pk, "plan"])


def _plan(task) -> dict:
    return dict(PlannedHours.objects.filter(task=task).values_list("week", "hours"))


@pytest.fixture
def lead_api(lead):
    return ApiClient(ApiTokenFactory(user=lead))


@pytest.fixture
def ana():
    return PersonFactory(name="Ana Ruiz", kind=Person.Kind.TEAM, weekly_capacity_hours=40)


@pytest.fixture
def project(ana):
    """A 40-hour major project Ana is Responsible for, not planned yet."""
    task = TaskFactory(title="Lead routing rebuild", impact=5, effort=5, estimate_hours=40)
    AssignmentFactory(task=task, person=ana, role=Role.ACCOUNTABLE_RESPONSIBLE)
    return task


def test_a_span_spreads_the_estimate_evenly_and_keeps_its_first_week(lead_client, project, ana):
    response = lead_client.post(
        _plan_url(project),
        {"version": 1, "week": week_label(WEEKS[0]), "until": week_label(WEEKS[-1])},
    )
    assert response.status_code == 302
    task = Task.objects.get(pk=project.pk)
    assert (task.status, task.planned_week) == (Status.PLANNED, WEEKS[0])
    assert _plan(task) == dict.fromkeys(WEEKS, Decimal(10))
    loads = team_load(weeks=WEEKS).people[0].weeks
    assert [loads[week].load for week in WEEKS] == [10, 10, 10, 10]
    page = lead_client.get(task.get_absolute_url()).content.decode()
    assert f"to <strong>{week_label(WEEKS[-1])}</strong>" in page
    assert f"{week_label(WEEKS[2])}: 10 h" in page


def test_the_lead_sets_each_weeks_hours(lead_client, project):
    lead_client.post(
        _plan_url(project),
        {
            "version": 1,
            "week": week_label(WEEKS[0]),
            "until": week_label(WEEKS[-1]),
            "hours": "16, 8, 8, 8",
        },
    )
    assert list(_plan(project).values()) == [16, 8, 8, 8]


def test_a_week_someone_is_away_gets_fewer_hours(lead_client, project, ana):
    TimeOffFactory(person=ana, week=WEEKS[1], hours=20)
    lead_client.post(
        _plan_url(project),
        {"version": 1, "week": week_label(WEEKS[0]), "until": week_label(WEEKS[-1])},
    )
    # Ana has 40, 20, 40 and 40 hours: the estimate falls in those proportions.
    assert list(_plan(project).values()) == [
        Decimal("11.5"),
        Decimal("5.7"),
        Decimal("11.4"),
        Decimal("11.4"),
    ]
    assert sum(_plan(project).values()) == 40


def test_moving_a_span_keeps_each_weeks_hours(lead_client, project):
    lead_client.post(
        _plan_url(project),
        {
            "version": 1,
            "week": week_label(WEEKS[0]),
            "until": week_label(WEEKS[-1]),
            "hours": "16,8,8,8",
        },
    )
    later = [week + datetime.timedelta(weeks=2) for week in WEEKS]
    lead_client.post(
        _plan_url(project),
        {"version": 2, "week": week_label(later[0]), "until": week_label(later[-1])},
    )
    assert _plan(project) == dict(zip(later, [16, 8, 8, 8], strict=True))
    assert Task.objects.get(pk=project.pk).planned_week == later[0]


def test_shrinking_and_growing_a_span_keeps_the_hours(lead_client, project):
    lead_client.post(
        _plan_url(project),
        {"version": 1, "week": week_label(WEEKS[0]), "until": week_label(WEEKS[-1])},
    )
    lead_client.post(
        _plan_url(project),
        {"version": 2, "week": week_label(WEEKS[0]), "until": week_label(WEEKS[1])},
    )
    assert _plan(project) == {WEEKS[0]: 20, WEEKS[1]: 20}
    lead_client.post(_plan_url(project), {"version": 3, "week": week_label(WEEKS[0])})
    assert _plan(project) == {WEEKS[0]: 40}


def test_re_estimating_re_spreads_what_is_left(project, ana):
    weeks = [THIS_WEEK + datetime.timedelta(weeks=n) for n in range(4)]
    Task.objects.filter(pk=project.pk).update(status=Status.PLANNED, planned_week=weeks[0])
    for week in weeks:
        PlannedHours.objects.create(task=project, week=week, hours=10)
    lead = UserFactory(role="lead")
    task_edit(task=project, version=project.version, by=lead, via="task", estimate_hours=24)
    # A week later, the first week is gone with its 10 hours; the 14 left of the new
    # estimate fall over the three weeks to come.
    next_week = weeks[1]
    loads = team_load(weeks=weeks, today=next_week).people[0].weeks
    assert [round(loads[week].load, 2) for week in weeks] == [
        10,
        Decimal("4.67"),
        Decimal("4.67"),
        Decimal("4.67"),
    ]
    # Seen this week, the whole new estimate is spread in the plan's proportions.
    loads = team_load(weeks=weeks).people[0].weeks
    assert [loads[week].load for week in weeks] == [6, 6, 6, 6]


def test_done_work_stops_loading(project):
    project.status, project.planned_week = Status.PLANNED, WEEKS[0]
    project.save()
    PlannedHours.objects.create(task=project, week=WEEKS[0], hours=40)
    assert team_load(weeks=WEEKS[:1]).people[0].weeks[WEEKS[0]].load == 40
    Task.objects.filter(pk=project.pk).update(status=Status.DONE)
    assert team_load(weeks=WEEKS[:1]).people[0].weeks[WEEKS[0]].load == 0


@pytest.fixture
def under_way(project):
    """The project under way since last week, 10 hours a week to the week after next."""
    last_week = THIS_WEEK - datetime.timedelta(weeks=1)
    Task.objects.filter(pk=project.pk).update(status=Status.IN_PROGRESS, planned_week=last_week)
    for week in [last_week, THIS_WEEK, *WEEKS[:2]]:
        PlannedHours.objects.create(task=project, week=week, hours=10)
    return Task.objects.get(pk=project.pk)


def test_a_span_under_way_grows_and_shrinks_keeping_the_hours_gone_by(lead_client, under_way):
    last_week = under_way.planned_week
    lead_client.post(
        _plan_url(under_way),
        {"version": 1, "week": week_label(last_week), "until": week_label(WEEKS[2])},
    )
    # Last week's 10 hours stay; the 30 left fall over the four weeks from this one.
    assert _plan(under_way) == {
        last_week: 10,
        THIS_WEEK: Decimal("7.5"),
        **dict.fromkeys(WEEKS[:3], Decimal("7.5")),
    }
    task = Task.objects.get(pk=under_way.pk)
    assert (task.status, task.planned_week, task.version) == (Status.IN_PROGRESS, last_week, 2)
    lead_client.post(
        _plan_url(task),
        {"version": 2, "week": week_label(last_week), "until": week_label(THIS_WEEK)},
    )
    assert _plan(task) == {last_week: 10, THIS_WEEK: 30}


def test_a_span_under_way_is_stretched_from_the_horizon(htmx_client, under_way, ana):
    response = htmx_client.post(
        reverse("capacity:horizon-move"),
        {
            "action": "shift",
            "task": under_way.pk,
            "version": under_way.version,
            "from_week": week_label(WEEKS[1]),
            "week": week_label(WEEKS[3]),
            "stretch": "on",
            "open": f"{ana.pk}-{week_label(WEEKS[1])}",
        },
    )
    assert response.status_code == 200
    assert _plan(under_way) == {
        under_way.planned_week: 10,
        THIS_WEEK: 6,
        **dict.fromkeys(WEEKS, Decimal(6)),
    }


def test_a_week_gone_by_that_took_the_whole_estimate_is_not_stretched_to_nothing(
    htmx_client, project
):
    last_week = THIS_WEEK - datetime.timedelta(weeks=1)
    Task.objects.filter(pk=project.pk).update(status=Status.PLANNED, planned_week=last_week)
    PlannedHours.objects.create(task=project, week=last_week, hours=40)
    response = htmx_client.post(
        _plan_url(project),
        {"version": 1, "week": week_label(last_week), "until": week_label(WEEKS[0])},
    )
    assert response.status_code == 422
    assert "All 40 h of “Lead routing rebuild” were planned into weeks gone by" in (
        response.content.decode()
    )
    assert _plan(project) == {last_week: 40}


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"until": "last week"},
            "until",
            "It is under way: pick this week or a later one to end it.",
        ),
        ({"hours": "10, 15, 15"}, "hours", "leave the hours empty"),
    ],
)
def test_a_span_under_way_keeps_its_weeks_gone_by(
    htmx_client, lead_api, under_way, fields, field, message
):
    last_week = week_label(under_way.planned_week)
    data = {"week": last_week, "until": week_label(WEEKS[0])} | {
        name: last_week if value == "last week" else value for name, value in fields.items()
    }
    response = htmx_client.post(_plan_url(under_way), {"version": 1, **data})
    assert response.status_code == 422
    body = response.content.decode()
    assert message in body
    assert body.index(message) < body.index(f'name="{field}"')
    response = lead_api.send(
        "post", f"/api/v1/tasks/{under_way.pk}/plan", data, **{"If-Match": '"1"'}
    )
    assert response.status_code == 422
    assert [error.get("pointer") for error in response.json()["errors"]] == [f"#/{field}"]
    assert Task.objects.get(pk=under_way.pk).version == 1
    assert sum(_plan(under_way).values()) == 40


def test_unplanning_takes_the_whole_plan_out(lead_client, project):
    lead_client.post(
        _plan_url(project),
        {"version": 1, "week": week_label(WEEKS[0]), "until": week_label(WEEKS[-1])},
    )
    lead_client.post(reverse("backlog:task-action", args=[project.pk, "unplan"]), {"version": 2})
    assert _plan(project) == {}


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"week": WEEKS[2], "until": WEEKS[0]}, "until", "The span ends before it starts"),
        (
            {"week": WEEKS[0], "until": WEEKS[0] + datetime.timedelta(weeks=26)},
            "until",
            "26 weeks at most",
        ),
        (
            {"week": WEEKS[0], "until": WEEKS[1], "hours": "10, 10"},
            "hours",
            "These add up to 20 h; the estimate is 40 h.",
        ),
        ({"week": WEEKS[0], "until": WEEKS[1], "hours": "40"}, "hours", "Give 2 figures"),
        # Read as a number by Python's decimals, yet no number of hours.
        ({"week": WEEKS[0], "hours": "NaN"}, "hours", "hours as a number, separated by commas"),
        (
            {"week": THIS_WEEK - datetime.timedelta(weeks=1)},
            "week",
            f"{week_label(THIS_WEEK - datetime.timedelta(weeks=1))} is over: pick this week or "
            "a later one.",
        ),
    ],
)
def test_bad_spans_are_refused_beside_the_field_and_write_nothing(
    htmx_client, lead_api, project, fields, field, message
):
    data = {
        name: week_label(value) if isinstance(value, datetime.date) else value
        for name, value in fields.items()
    }
    response = htmx_client.post(_plan_url(project), {"version": 1, **data})
    assert response.status_code == 422
    body = response.content.decode()
    assert message in body
    # The message sits with its field, before the field's label.
    errors = body.index(message)
    assert errors < body.index(f'name="{field}"')
    assert errors > body.index('name="week"') if field != "week" else True
    response = lead_api.send(
        "post", f"/api/v1/tasks/{project.pk}/plan", data, **{"If-Match": '"1"'}
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert message in response.json()["detail"]
    assert [error.get("pointer") for error in response.json()["errors"]] == [f"#/{field}"]
    project.refresh_from_db()
    assert (project.version, project.planned_week, _plan(project)) == (1, None, {})


def test_two_people_moving_the_same_span_one_wins_the_other_sees_the_conflict(htmx_client, project):
    htmx_client.post(
        _plan_url(project),
        {"version": 1, "week": week_label(WEEKS[0]), "until": week_label(WEEKS[-1])},
    )
    first = htmx_client.post(
        _plan_url(project),
        {"version": 2, "week": week_label(WEEKS[1]), "until": week_label(WEEKS[2])},
    )
    second = htmx_client.post(
        _plan_url(project),
        {"version": 2, "week": week_label(WEEKS[0]), "until": week_label(WEEKS[0])},
    )
    assert first.status_code == 200
    assert second.status_code == 200  # refused: a client redirect back to the task page
    messages = htmx_client.get(project.get_absolute_url()).content.decode()
    assert "was changed by someone else" in messages
    assert _plan(project) == {WEEKS[1]: 20, WEEKS[2]: 20}


def test_over_capacity_in_any_week_of_the_span_is_warned_then_planned_anyway(
    htmx_client, project, ana
):
    TimeOffFactory(person=ana, week=WEEKS[1], hours=36)
    data = {
        "version": 1,
        "week": week_label(WEEKS[0]),
        "until": week_label(WEEKS[1]),
        "hours": "20, 20",
    }
    response = htmx_client.post(_plan_url(project), data)
    assert response.status_code == 409
    body = response.content.decode()
    assert f"Ana Ruiz: 20 of 4 h in {week_label(WEEKS[1])}" in body
    assert _plan(project) == {}
    htmx_client.post(_plan_url(project), {**data, "allow_over": "on"})
    assert _plan(project) == {WEEKS[0]: 20, WEEKS[1]: 20}


def test_the_api_says_which_week_of_a_span_would_be_over(lead_api, project, ana):
    TimeOffFactory(person=ana, week=WEEKS[1], hours=36)
    response = lead_api.send(
        "post",
        f"/api/v1/tasks/{project.pk}/plan",
        {"week": week_label(WEEKS[0]), "until": week_label(WEEKS[1]), "hours": "20, 20"},
        **{"If-Match": '"1"'},
    )
    assert response.status_code == 409
    assert response.json()["overloads"] == [
        {
            "person": {"id": ana.pk, "name": "Ana Ruiz"},
            "load": 20.0,
            "capacity": 4.0,
            "week": week_label(WEEKS[1]),
        }
    ]
    assert _plan(project) == {}


def test_the_api_plans_a_span_with_until(lead_api, project):
    response = lead_api.send(
        "post",
        f"/api/v1/tasks/{project.pk}/plan",
        {"week": week_label(WEEKS[0]), "until": week_label(WEEKS[1])},
        **{"If-Match": '"1"'},
    )
    assert response.status_code == 200
    assert response.json()["planned_week"] == week_label(WEEKS[0])
    assert _plan(project) == {WEEKS[0]: 20, WEEKS[1]: 20}


def test_planning_a_span_tells_the_webhooks_task_planned_with_its_first_week(lead_client, project):
    EndpointFactory(events=["task.planned"])
    lead_client.post(
        _plan_url(project),
        {"version": 1, "week": week_label(WEEKS[0]), "until": week_label(WEEKS[-1])},
    )
    (delivery,) = Delivery.objects.all()
    assert (delivery.event, delivery.payload["data"]["planned_week"]) == (
        "task.planned",
        week_label(WEEKS[0]),
    )


def test_existing_one_week_plans_migrate_with_their_hours():
    migration = importlib.import_module("capacity.migrations.0005_planned_hours")
    tasks = [
        TaskFactory(status=Status.PLANNED, planned_week=WEEKS[0], estimate_hours=12),
        TaskFactory(status=Status.IN_PROGRESS, planned_week=WEEKS[0], effort=5),
        TaskFactory(status=Status.DONE, planned_week=WEEKS[1], estimate_hours=Decimal("2.5")),
        TaskFactory(status=Status.BACKLOG),
    ]
    before = {week: Decimal(0) for week in WEEKS[:2]}
    for task in tasks:
        if task.planned_week:
            before[task.planned_week] += Decimal(task.estimate)
    # As the table was when it was made: empty.
    PlannedHours.objects.all().delete()
    migration.one_week_plans(apps, None)
    after = {week: Decimal(0) for week in WEEKS[:2]}
    for week, hours in PlannedHours.objects.values_list("week", "hours"):
        after[week] += hours
    assert PlannedHours.objects.count() == Task.objects.filter(planned_week__isnull=False).count()
    assert after == before == {WEEKS[0]: 52, WEEKS[1]: Decimal("2.5")}


def test_the_task_csv_keeps_the_first_week_and_adds_the_span(lead_client, project):
    lead_client.post(
        _plan_url(project),
        {"version": 1, "week": week_label(WEEKS[0]), "until": week_label(WEEKS[-1])},
    )
    single = TaskFactory(status=Status.PLANNED, planned_week=WEEKS[1], estimate_hours=6)
    response = lead_client.get(reverse("backlog:task-export"))
    rows = {
        row["id"]: row
        for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    }
    span = rows[str(project.pk)]
    assert (span["planned_week"], span["planned_until"], span["planned_hours_by_week"]) == (
        WEEKS[0].isoformat(),
        WEEKS[-1].isoformat(),
        "10.0; 10.0; 10.0; 10.0",
    )
    one = rows[str(single.pk)]
    assert (one["planned_week"], one["planned_until"], one["planned_hours_by_week"]) == (
        WEEKS[1].isoformat(),
        WEEKS[1].isoformat(),
        "6.0",
    )


def test_an_imported_planned_task_has_its_estimate_in_its_week(lead):
    (task,) = tasks_create(
        tasks=[
            {
                "title": "List upload",
                "impact": 2,
                "effort": 3,
                "status": Status.PLANNED,
                "planned_week": WEEKS[0],
            }
        ],
        by=lead,
        via="import",
    )
    assert _plan(task) == {WEEKS[0]: 8}


def test_the_task_pages_next_week_shortcut_moves_the_whole_span(lead_client, project):
    lead_client.post(
        _plan_url(project),
        {
            "version": 1,
            "week": week_label(WEEKS[0]),
            "until": week_label(WEEKS[1]),
            "hours": "30, 10",
        },
    )
    page = lead_client.get(project.get_absolute_url()).content.decode()
    assert '<input type="hidden" name="keep_span" value="on">' in page
    # The shortcut sends its week, the form's empty last week and keep_span.
    lead_client.post(
        _plan_url(project),
        {"version": 2, "week": week_label(WEEKS[2]), "until": "", "keep_span": "on"},
    )
    assert _plan(project) == {WEEKS[2]: 30, WEEKS[3]: 10}


@pytest.fixture
def spread(lead_client, project):
    """The project over four weeks, 16, 8, 8 and 8 hours."""
    data = {"week": week_label(WEEKS[0]), "until": week_label(WEEKS[-1]), "hours": "16,8,8,8"}
    lead_client.post(_plan_url(project), {"version": 1, **data})
    project.refresh_from_db()
    assert _plan(project) == dict(zip(WEEKS, [16, 8, 8, 8], strict=True))
    return project


def _board(client, task, action, **data):
    data = {"action": action, "task": task.pk, "version": task.version, **data}
    return client.post(reverse("backlog:board-action"), data)


def _undo_the_last_change(client, task):
    change = TaskEvent.objects.filter(pgh_obj_id=task.pk).latest("pgh_id").pgh_context_id
    return client.post(reverse("raci:change-undo", args=[change]))


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("move", {"quadrant": "quick-win"}),
        ("defer", {"until": WEEKS[-1] + datetime.timedelta(weeks=8)}),
        ("decline", {"reason": "Not this quarter"}),
    ],
)
def test_undoing_a_board_change_gives_a_span_back_its_weeks_and_hours(
    settings, lead_client, spread, action, data
):
    settings.MOPSBOARD_UNDO_SECONDS = 10
    before = Task.objects.get(pk=spread.pk)
    assert _board(lead_client, spread, action, **data).status_code == 302

    assert _undo_the_last_change(lead_client, spread).status_code == 302

    task = Task.objects.get(pk=spread.pk)
    assert (task.status, task.planned_week, task.impact) == (
        before.status,
        before.planned_week,
        before.impact,
    )
    assert _plan(task) == dict(zip(WEEKS, [16, 8, 8, 8], strict=True))
    loads = team_load(weeks=WEEKS).people[0].weeks
    assert [loads[week].load for week in WEEKS] == [16, 8, 8, 8]
    # The plan's rows are kept for the undo, not shown as changes of their own.
    labels = [entry.label for entry in task_history(task)]
    assert labels.count("Created") == 1
    assert "Deleted" not in labels
