"""My work in the bench: a team member Responsible or Accountable for 200 open tasks,
whatever the backlog's size, their page counted in queries at two sizes (the bench's own
generator, small) and held to the people page's ratios."""

import pytest

from backlog.models import OPEN_STATUSES
from bench.generate import MY_WORK_TASKS, generate, prepare_my_work
from bench.report import ADMIN, FLOOR, MY_WORK, Result, add_ratios, check_targets
from bench.run import MEMBER_USERNAME, MY_WORK_PAGES, _page_query_counts
from people.models import Person
from raci.models import Role

pytestmark = pytest.mark.django_db

OWNING = [Role.RESPONSIBLE, Role.ACCOUNTABLE, Role.ACCOUNTABLE_RESPONSIBLE]


def _my_work_queries(tasks: int) -> int:
    generate(tasks=tasks, min_unscored=1, seed=42)
    prepare_my_work(username=MEMBER_USERNAME, password="bench-password", seed=42)
    person = Person.objects.get(user__username=MEMBER_USERNAME)
    owned = person.assignments.filter(role__in=OWNING, task__status__in=OPEN_STATUSES)
    assert owned.count() == MY_WORK_TASKS
    # Accountable where the task had nobody, else Responsible beside its Accountable.
    assert set(owned.values_list("role", flat=True)) == {Role.RESPONSIBLE, Role.ACCOUNTABLE}
    queries = _page_query_counts(MY_WORK_PAGES, MEMBER_USERNAME)[MY_WORK]
    assert isinstance(queries, int), queries
    return queries


@pytest.mark.parametrize("tasks", [400, 1200])
def test_my_work_is_measured_for_a_member_with_200_open_tasks(tasks):
    # A query a task (an N+1 over 200 of them) would count in the hundreds.
    assert _my_work_queries(tasks) < MY_WORK_TASKS / 4


def test_my_work_is_held_to_twice_the_admin_changelist_and_twenty_floors():
    results = [
        Result(endpoint, 1_000, median_ms=ms, p95_ms=ms, samples=200, queries=20)
        for endpoint, ms in ((FLOOR, 10.0), (ADMIN, 50.0), (MY_WORK, 210.0))
    ]
    add_ratios(results)
    judged = {t.kind: t for t in check_targets(results) if t.endpoint == MY_WORK}
    assert judged["x admin"].passed is False and judged["x floor"].passed is False
    assert judged["x admin"].detail == "4.20 x vs limit 2 x"
    assert judged["x floor"].detail == "21.00 x vs limit 20 x"
