"""Every element an htmx answer swaps out of band exists on the page that sent the request:
otherwise htmx drops it and the person never sees the change (a message, a count)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from backlog.models import Status, new_year_after
from people.models import Person
from raci.models import Role
from tests.factories import AssignmentFactory, PersonFactory, TaskFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
OOB_ID = re.compile(
    r'<[^>]*\bid="([^"]+)"[^>]*\bhx-swap-oob="true"|'
    r'<[^>]*\bhx-swap-oob="true"[^>]*\bid="([^"]+)"'
)


def oob_ids(fragment: str) -> set[str]:
    return {first or second for first, second in OOB_ID.findall(fragment)}


def assert_targets_exist(page: str, fragment: str):
    ids = oob_ids(fragment)
    assert ids, "the answer swaps nothing out of band"
    missing = {oob for oob in ids if f'id="{oob}"' not in page}
    assert not missing, f"out-of-band targets missing from the page: {missing}"


@pytest.fixture
def task():
    person = PersonFactory(kind=Person.Kind.TEAM)
    task = TaskFactory(impact=4, effort=2)
    AssignmentFactory(task=task, person=person, role=Role.ACCOUNTABLE)
    return task


def test_board_move(lead_client, task):
    page = lead_client.get(reverse("backlog:board")).content.decode()
    fragment = lead_client.post(
        reverse("backlog:board-action"),
        {"task": task.pk, "action": "move", "quadrant": "money-pit", "version": task.version},
        headers=HTMX,
    ).content.decode()
    assert_targets_exist(page, fragment)


def test_triage_score(lead_client):
    request = TaskFactory(unscored=True)
    page = lead_client.get(reverse("backlog:triage")).content.decode()
    fragment = lead_client.post(
        reverse("backlog:triage-action", args=[request.pk, "score"]),
        {"impact": 4, "effort": 2, "version": request.version},
        headers=HTMX,
    ).content.decode()
    assert_targets_exist(page, fragment)


def test_raci_cell_update(lead_client, task):
    page = lead_client.get(reverse("raci:matrix")).content.decode()
    page_tasks = re.search(r'name="page_tasks" value="([^"]*)"', page).group(1)
    fragment = lead_client.post(
        reverse("raci:cell-update"),
        {
            "task": task.pk,
            "person": task.assignments.get().person_id,
            "role": "A/R",
            "expected": "A",
            "page_tasks": page_tasks,
        },
        headers=HTMX,
    ).content.decode()
    assert_targets_exist(page, fragment)


def test_task_page_raci(lead_client, task):
    page = lead_client.get(task.get_absolute_url()).content.decode()
    fragment = lead_client.post(
        reverse("raci:task-role", args=[task.pk]),
        {"person": task.assignments.get().person_id, "role": "A/R", "expected": "A"},
        headers=HTMX,
    ).content.decode()
    assert_targets_exist(page, fragment)


def test_task_form_error(lead_client, task):
    page = lead_client.get(task.get_absolute_url()).content.decode()
    fragment = lead_client.post(
        task.get_absolute_url(), {"title": "", "version": task.version}, headers=HTMX
    ).content.decode()
    assert_targets_exist(page, fragment)


def test_review_task_action(lead_client, task):
    task.status = Status.BACKLOG
    task.save()
    page = lead_client.get(reverse("capacity:review")).content.decode()
    fragment = lead_client.post(
        reverse("capacity:review-task-action"),
        {
            "task": task.pk,
            "action": "defer",
            "until": new_year_after(timezone.localdate()).isoformat(),
            "version": task.version,
        },
        headers=HTMX,
    ).content.decode()
    assert_targets_exist(page, fragment)
