"""GET /api/v1/suggestions: the fill-ins the review suggests, for scripts."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from backlog.models import Status
from mopsboard.weeks import week_label, week_of
from people.models import Person
from raci.models import Role
from tests.factories import AssignmentFactory, PersonFactory, TaskFactory

pytestmark = pytest.mark.django_db

NEXT_WEEK = week_of(timezone.localdate()) + datetime.timedelta(days=7)


@pytest.fixture
def ana():
    """Ana has 10 h next week, 4 of them planned: 6 h free."""
    ana = PersonFactory(name="Ana Ruiz", kind=Person.Kind.TEAM, weekly_capacity_hours=10)
    planned = TaskFactory(status=Status.PLANNED, planned_week=NEXT_WEEK, estimate_hours=4)
    AssignmentFactory(task=planned, person=ana, role=Role.RESPONSIBLE)
    return ana


def fill_in(title, person, *, hours, due):
    task = TaskFactory(title=title, impact=2, effort=1, estimate_hours=hours, due_date=due)
    AssignmentFactory(task=task, person=person, role=Role.RESPONSIBLE)
    return task


def test_the_api_lists_a_weeks_suggestions(api_as, ana):
    task = fill_in("Fix UTM parameters", ana, hours=Decimal("5.5"), due=datetime.date(2027, 3, 12))
    response = api_as("viewer").get("/api/v1/suggestions", {"week": week_label(NEXT_WEEK)})
    assert response.status_code == 200
    assert response.json() == {
        "week": week_label(NEXT_WEEK),
        "suggestions": [
            {
                "person": {"id": ana.pk, "name": "Ana Ruiz"},
                "task": {
                    "id": task.pk,
                    "title": "Fix UTM parameters",
                    "url": f"{settings.MOPSBOARD_SITE_URL}/tasks/{task.pk}/",
                    "version": 1,
                },
                "hours": 5.5,
                "why": "Fill-in, fits 5.5 of 6 free hours; due 12 March",
                "unowned": False,
            }
        ],
    }


def test_the_api_answers_a_bad_week_with_a_problem(api_as):
    response = api_as("viewer").get("/api/v1/suggestions", {"week": "2027-W99"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["parameter"] == "week"
