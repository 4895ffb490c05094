"""A task's status menu: it shows the status the task has, and offers only the moves the
domain allows from it (STATUS_MOVES), which the form and the service refuse otherwise."""

import datetime
import re

import pytest
from django.urls import reverse

from backlog import services
from backlog.models import STATUS_MOVES, Status
from mopsboard.weeks import week_of
from tests.factories import TaskFactory

pytestmark = pytest.mark.django_db

# What each status needs to exist (the database's constraints).
FIELDS = {
    Status.NEW: {"impact": None, "effort": None},
    Status.BACKLOG: {},
    Status.PLANNED: {"planned_week": week_of(datetime.date.today())},
    Status.IN_PROGRESS: {"planned_week": week_of(datetime.date.today())},
    Status.DONE: {},
    Status.DEFERRED: {"deferred_until": datetime.date(2099, 1, 1)},
    Status.DECLINED: {"declined_reason": "Out of scope"},
}


def status_menu(body: str) -> tuple[list[str], list[str]]:
    """The status menu's options and the selected ones, by value."""
    menu = re.search(r'<select name="status".*?</select>', body, re.DOTALL).group()
    options = re.findall(r'<option value="([^"]*)"([^>]*)>', menu)
    return [value for value, _ in options], [
        value for value, attrs in options if "selected" in attrs
    ]


@pytest.mark.parametrize("status", list(Status))
def test_the_menu_selects_the_real_status_and_offers_only_its_moves(lead_client, status):
    task = TaskFactory(status=status, **FIELDS[status])
    options, selected = status_menu(lead_client.get(task.get_absolute_url()).content.decode())
    assert selected == [status.value]
    assert sorted(options) == sorted([status.value, *STATUS_MOVES[status]])


@pytest.mark.parametrize("status", list(Status))
def test_a_move_the_menu_does_not_offer_is_refused(lead_client, status):
    task = TaskFactory(status=status, **FIELDS[status])
    for other in set(Status) - {status, *STATUS_MOVES[status]}:
        lead_client.post(
            reverse("backlog:task-action", args=[task.pk, "status"]),
            {"status": other, "version": 1},
        )
        task.refresh_from_db()
        assert (task.status, task.version) == (status, 1), other
    with pytest.raises(services.StatusMoveRefused):
        services.task_set_status(task=task, version=1, status=status, by=None, via="task")


def test_a_planned_task_can_be_started_from_its_menu(lead_client):
    task = TaskFactory(status=Status.PLANNED, **FIELDS[Status.PLANNED])
    lead_client.post(
        reverse("backlog:task-action", args=[task.pk, "status"]),
        {"status": Status.IN_PROGRESS, "version": 1},
    )
    task.refresh_from_db()
    assert task.status == Status.IN_PROGRESS
