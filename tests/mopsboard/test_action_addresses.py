"""An action's address in the address bar: opened again, it goes to the page the action
belongs to (not the browser's bare 405), and a refused action leaves the task's address
there, with the message."""

import datetime

import pytest
from django.urls import reverse

from backlog.models import Task
from mopsboard.weeks import week_label, week_of
from tests.factories import TaskFactory
from tests.test_permissions import ACCESS, _client

pytestmark = pytest.mark.django_db

APPS = ("backlog:", "raci:", "conversation:", "capacity:")


def _addresses(world):
    """Every address of the backlog, RACI, conversation and capacity apps, walked from the URLconf
    (test_permissions checks every named URL has an entry in ACCESS)."""
    for name, access in ACCESS.items():
        if name.startswith(APPS):
            for action in access.actions or (None,):
                yield reverse(name, args=access.args(world) + ([action] if action else []))


def test_no_address_answers_a_get_with_405(world):
    client = _client("lead", world)
    for address in _addresses(world):
        response = client.get(address)
        assert response.status_code != 405, address
        if response.status_code == 302:
            assert client.get(response.url).status_code == 200, (address, response.url)


def test_a_task_actions_address_goes_to_the_task(lead_client):
    task = TaskFactory()
    response = lead_client.get(reverse("backlog:task-action", args=[task.pk, "status"]))
    assert response.url == task.get_absolute_url()


LAST_WEEK = week_label(week_of(datetime.date.today()) - datetime.timedelta(weeks=1))


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("decline", {"reason": ""}, "Give the requester a reason."),
        ("plan", {"week": LAST_WEEK}, "is over: pick this week"),
        ("status", {"status": "done", "version": 7}, "changed by someone else"),
    ],
)
def test_a_refused_plain_post_ends_on_the_task_with_the_message(lead_client, action, data, message):
    task = TaskFactory(title="Lead routing")
    response = lead_client.post(
        reverse("backlog:task-action", args=[task.pk, action]),
        {"version": 1, **data},
        follow=True,
    )
    assert response.redirect_chain == [(task.get_absolute_url(), 302)]
    assert message in response.content.decode()
    assert Task.objects.get(pk=task.pk).version == 1
