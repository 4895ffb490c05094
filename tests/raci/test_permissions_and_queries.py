"""Who may change the RACI, and the matrix's query count as it grows."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.models import Person
from raci.models import Assignment, Role
from tests.factories import AssignmentFactory, PersonFactory, ShareLinkFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_viewers_read_the_matrix_but_get_no_editing_form(viewer_client):
    TaskFactory()
    body = viewer_client.get(reverse("raci:matrix")).content.decode()
    assert 'id="raci-cell-form"' not in body
    assert viewer_client.get(reverse("raci:share-links")).status_code == 403


def make_matrix(tasks, people):
    team = PersonFactory.create_batch(people, kind=Person.Kind.TEAM)
    roles = [Role.ACCOUNTABLE, Role.RESPONSIBLE, Role.CONSULTED, Role.INFORMED]
    for n in range(tasks):
        task = TaskFactory()
        for offset, role in enumerate(roles):
            AssignmentFactory(task=task, person=team[(n + offset) % people], role=role)
        AssignmentFactory(task=task, role=Role.CONSULTED)  # a stakeholder column too


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["matrix", "shared", "task"])
def test_query_count_is_the_same_at_10x5_and_200x40(
    lead_client, page, django_assert_max_num_queries
):
    make_matrix(10, 5)
    url = {
        "matrix": reverse("raci:matrix"),
        "shared": ShareLinkFactory().get_absolute_url(),
        "task": Assignment.objects.first().task.get_absolute_url(),
    }[page]
    small = count_queries(lead_client, url)
    make_matrix(190, 35)
    with django_assert_max_num_queries(small):
        lead_client.get(url)
    assert count_queries(lead_client, url) == small


@pytest.mark.parametrize(("before", "after"), [("", "C"), ("C", "I"), ("C", "")])
def test_a_cell_update_writes_once_with_no_savepoints_of_its_own(lead_client, before, after):
    task, person = TaskFactory(), PersonFactory()
    if before:
        AssignmentFactory(task=task, person=person, role=before)
    with CaptureQueriesContext(connection) as queries:
        response = lead_client.post(
            reverse("raci:cell-update"),
            {"task": task.pk, "person": person.pk, "role": after, "expected": before},
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    assert list(Assignment.objects.filter(task=task).values_list("role", flat=True)) == (
        [after] if after else []
    )
    writes = ('INSERT INTO "raci_assignment"', 'UPDATE "raci_assignment"', 'DELETE FROM "raci_')
    assert len([q for q in queries if any(write in q["sql"] for write in writes)]) == 1
    # The test's own transaction makes the service's transaction its one savepoint.
    savepoints = [q for q in queries if re.search(r"(^|; )SAVEPOINT ", q["sql"])]
    assert len(savepoints) == 1
