"""The goals in the bench: 50 goals, each with 100 linked tasks and 24 monthly check-ins,
and their two pages counted in queries (the bench's own generator, small: the goals share
tasks where the backlog has too few)."""

import pytest
from django.db.models import Count, Max
from django.utils import timezone

from backlog.models import Status, Task
from bench.generate import GOAL_CHECK_INS, GOAL_TASKS, GOALS, create_lead, generate, prepare_goals
from bench.report import GOAL_LIST, GOAL_PAGE
from bench.run import GOALS_PAGES, LEAD_USERNAME, _page_query_counts
from goals.models import Goal
from goals.progress import goals_progress

pytestmark = pytest.mark.django_db


def test_the_goals_have_their_tasks_and_check_ins_and_their_pages_are_counted():
    generate(tasks=1_000, min_unscored=1, seed=42)
    create_lead(username=LEAD_USERNAME, password="bench-password")
    goal_id, linked = prepare_goals(seed=42)
    today = timezone.localdate()

    goals = Goal.objects.annotate(
        tasks_linked=Count("tasks", distinct=True),
        check_ins_made=Count("check_ins", distinct=True),
        latest=Max("check_ins__on"),
    )
    assert goals.count() == GOALS
    assert {(g.tasks_linked, g.check_ins_made) for g in goals} == {(GOAL_TASKS, GOAL_CHECK_INS)}
    assert all(g.latest < today < g.deadline for g in goals)
    assert linked == Task.objects.exclude(status=Status.NEW).count() < GOALS * GOAL_TASKS
    # Some keep pace with their KPI's line, some fall behind.
    assert len({progress.status for progress in goals_progress(list(goals), today=today)}) > 1

    queries = _page_query_counts(GOALS_PAGES | {GOAL_PAGE: f"/goals/{goal_id}/"}, LEAD_USERNAME)
    # A query a goal or a task would count in the fifties or hundreds.
    assert all(isinstance(n, int) and n < GOALS / 2 for n in queries.values()), queries
    assert set(queries) == {GOAL_LIST, GOAL_PAGE}
