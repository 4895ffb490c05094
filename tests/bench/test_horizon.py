"""The horizon in the bench: a team of 50 with a set number of tasks planned into its 12
weeks, some spread over several, nothing planned beyond them, and its page counted in
queries (the bench's own generator, small)."""

import datetime

import pytest
from django.db.models import Count
from django.utils import timezone

from backlog.models import OPEN_STATUSES, Task
from bench.generate import (
    HORIZON_PLANNED,
    REVIEW_PLANNED,
    REVIEW_TEAM,
    create_lead,
    generate,
    prepare_horizon,
    prepare_review,
)
from bench.report import HORIZON
from bench.run import HORIZON_PAGES, LEAD_USERNAME, _page_query_counts
from capacity.horizon import DEFAULT_WEEKS
from capacity.load import LOADED_STATUSES
from capacity.models import PlannedHours
from mopsboard.weeks import this_and_next_week
from people.models import Person
from raci.models import RESPONSIBLE_ROLES, Assignment

pytestmark = pytest.mark.django_db

PLANNED = 800


@pytest.fixture
def planned():
    generate(tasks=1_500, min_unscored=1, seed=42)
    create_lead(username=LEAD_USERNAME, password="bench-password")
    prepare_review(seed=42)
    return prepare_horizon(seed=42, planned=PLANNED)


def test_the_horizon_shows_the_planned_tasks_some_over_several_weeks(planned):
    this_week, next_week = this_and_next_week(timezone.localdate())
    last = this_week + datetime.timedelta(weeks=DEFAULT_WEEKS - 1)
    loaded = PlannedHours.objects.filter(task__status__in=LOADED_STATUSES, week__gte=this_week)

    assert planned == PLANNED
    assert loaded.values("task").distinct().count() == PLANNED
    assert not loaded.filter(week__gt=last).exists()
    # The review's weeks are as it left them.
    review = loaded.filter(week__in=[this_week, next_week])
    assert review.values("task").distinct().count() == REVIEW_PLANNED
    weeks_a_task = (
        loaded.values("task").annotate(weeks=Count("week")).values_list("weeks", flat=True)
    )
    assert set(weeks_a_task) == {1, 2, 3, 4}
    assert Person.objects.filter(kind=Person.Kind.TEAM, is_active=True).count() == REVIEW_TEAM
    unowned = loaded.exclude(
        task__in=Assignment.objects.filter(role__in=RESPONSIBLE_ROLES).values("task")
    )
    assert not unowned.exists()


def test_the_horizon_page_is_counted_in_queries(planned):
    queries = _page_query_counts(HORIZON_PAGES, LEAD_USERNAME)[HORIZON]
    # A query a person or a task would count in the hundreds.
    assert isinstance(queries, int) and queries < REVIEW_TEAM / 2, queries


def test_a_backlog_too_small_for_the_horizon_plans_what_it_has():
    generate(tasks=1_000, min_unscored=1, seed=42)
    prepare_review(seed=42)
    open_scored = Task.objects.filter(status__in=OPEN_STATUSES, impact__isnull=False).count()

    assert prepare_horizon(seed=42) == open_scored < HORIZON_PLANNED
