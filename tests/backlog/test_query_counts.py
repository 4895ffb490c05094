"""Pages run the same number of queries whether the backlog holds 10 tasks or 500."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from raci.models import Role
from tests.factories import AssignmentFactory, CategoryFactory, PersonFactory, TaskFactory

pytestmark = pytest.mark.django_db

PAGES = [
    reverse("backlog:board"),
    reverse("backlog:triage"),
    reverse("backlog:scatter"),
    reverse("backlog:quadrant", args=["quick-win"]),
]


def make_backlog(size):
    people = PersonFactory.create_batch(5)
    categories = [CategoryFactory(name=f"Category {n}") for n in range(4)]
    for n in range(size):
        kwargs = {"requester": people[n % 5], "category": categories[n % 4]}
        if n % 5 == 0:
            task = TaskFactory(unscored=True, **kwargs)
        else:
            task = TaskFactory(impact=n % 5 + 1, effort=(n * 3) % 5 + 1, **kwargs)
        # Cards name their Responsible people: most tasks have one, some two, some none.
        for person in people[: n % 3]:
            AssignmentFactory(task=task, person=person, role=Role.RESPONSIBLE)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", PAGES)
def test_query_count_is_the_same_at_10_and_500_tasks(
    lead_client, url, django_assert_max_num_queries
):
    make_backlog(10)
    small = count_queries(lead_client, url)
    make_backlog(490)
    with django_assert_max_num_queries(small):
        lead_client.get(url)
    assert count_queries(lead_client, url) == small


def test_task_page_query_count_does_not_grow_with_its_history(lead_client, lead):
    from backlog import services

    def edit(task):
        return services.task_edit(
            task=task,
            version=task.version,
            by=lead,
            requester=PersonFactory(),
            impact=task.version % 5 + 1,
            via="task",
        )

    task = edit(TaskFactory(impact=1, effort=1))
    small = count_queries(lead_client, task.get_absolute_url())
    for _ in range(30):
        task = edit(task)
    assert count_queries(lead_client, task.get_absolute_url()) == small
