"""GET /api/v1/load: one week as before, or each person week by week for the weeks ahead with the
team's row and the peaks; a bad `from` or `weeks` is a 422 problem."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backlog.models import Status
from mopsboard.weeks import week_label, week_of
from people.models import Person
from raci.models import Role
from tests.factories import AssignmentFactory, PersonFactory, TaskFactory

pytestmark = pytest.mark.django_db

THIS_WEEK = week_of(timezone.localdate())
WEEKS = [THIS_WEEK + datetime.timedelta(weeks=n) for n in range(30)]


@pytest.fixture
def ana():
    return PersonFactory(name="Ana Ruiz", kind=Person.Kind.TEAM, weekly_capacity_hours=10)


@pytest.fixture
def overloaded(ana):
    PersonFactory(name="Ben Okafor", kind=Person.Kind.TEAM, weekly_capacity_hours=30)
    task = TaskFactory(
        title="Webinar programme",
        status=Status.PLANNED,
        planned_week=WEEKS[2],
        estimate_hours=14,
    )
    AssignmentFactory(task=task, person=ana, role=Role.ACCOUNTABLE_RESPONSIBLE)
    return task


def test_the_weeks_ahead_person_by_week_with_the_team_and_the_peaks(api_as, ana, overloaded):
    response = api_as("viewer").get("/api/v1/load", {"from": week_label(WEEKS[1]), "weeks": 4})
    assert response.status_code == 200
    load = response.json()
    assert [week["week"] for week in load["weeks"]] == [week_label(w) for w in WEEKS[1:5]]
    second = load["weeks"][1]
    assert [(row["person"]["name"], row["load"], row["over"]) for row in second["people"]] == [
        ("Ana Ruiz", 14.0, True),
        ("Ben Okafor", 0.0, False),
    ]
    assert second["team"] == {"capacity": 40.0, "load": 14.0, "free_hours": 30.0, "over_hours": 4.0}
    # As before weeks ahead: the first week's load at the top.
    assert (load["week"], load["people"], load["team"]) == (
        week_label(WEEKS[1]),
        load["weeks"][0]["people"],
        load["weeks"][0]["team"],
    )
    assert load["peaks"] == [
        {
            "week": week_label(WEEKS[2]),
            "person": {"id": ana.pk, "name": "Ana Ruiz"},
            "capacity": 10.0,
            "planned": 14.0,
            "due": 0.0,
            "over_by": 4.0,
            "tasks": [
                {
                    "id": overloaded.pk,
                    "title": "Webinar programme",
                    "url": f"{settings.MOPSBOARD_SITE_URL}{overloaded.get_absolute_url()}",
                    "hours": 14.0,
                }
            ],
        }
    ]


def test_the_weeks_ahead_start_this_week_twelve_of_them(api_as, ana):
    load = api_as("viewer").get("/api/v1/load").json()
    assert len(load["weeks"]) == 12
    assert load["week"] == load["weeks"][0]["week"] == week_label(THIS_WEEK)


def test_one_week_answers_as_it_always_did(api_as, ana, overloaded):
    load = api_as("viewer").get("/api/v1/load", {"week": week_label(WEEKS[2])}).json()
    assert load["week"] == week_label(WEEKS[2])
    assert load["people"][0] | {"person": None} == {
        "person": None,
        "capacity": 10.0,
        "load": 14.0,
        "free": -4.0,
        "over": True,
    }
    assert [week["week"] for week in load["weeks"]] == [week_label(WEEKS[2])]
    assert [peak["person"]["name"] for peak in load["peaks"]] == ["Ana Ruiz"]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"from": "next monday"}, "from"),
        ({"from": "2027-W99"}, "from"),
        ({"weeks": 3}, "weeks"),
        ({"weeks": 27}, "weeks"),
        ({"weeks": "many"}, "weeks"),
    ],
)
def test_a_bad_from_or_weeks_is_a_422_problem(api_as, params, parameter):
    response = api_as("viewer").get("/api/v1/load", params)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert [error.get("parameter") for error in response.json()["errors"]] == [parameter]


def test_one_week_and_the_weeks_ahead_together_are_a_422_problem(api_as):
    response = api_as("viewer").get("/api/v1/load", {"week": "2027-W01", "from": "2027-W01"})
    assert response.status_code == 422
    assert "not both" in response.json()["detail"]


def test_the_load_reads_a_constant_number_of_queries(api_as, ana):
    viewer = api_as("viewer")
    viewer.get("/api/v1/load")  # the token's first use writes its last-used time

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert viewer.get("/api/v1/load", {"weeks": 26}).status_code == 200
        return len(queries)

    small = count()
    for n in range(20):
        task = TaskFactory(
            status=Status.PLANNED, planned_week=WEEKS[n], due_date=WEEKS[n], estimate_hours=12
        )
        AssignmentFactory(task=task, person=ana, role=Role.RESPONSIBLE)
        TaskFactory(status=Status.BACKLOG, due_date=WEEKS[n + 1], estimate_hours=5)
    assert count() == small
