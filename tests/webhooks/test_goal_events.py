"""A goal's events, delivered signed to a real receiver: goal.checked_in with each
check-in, goal.status_changed when a check-in, a link, the lead's status or the passing
of a day moves the status; a change that rolls back sends nothing."""

import contextlib
import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from goals.models import CheckIn
from goals.services import check_in_save, goal_statuses_tell_overnight, task_goals_set
from tests.api.conftest import ApiClient
from tests.factories import (
    ApiTokenFactory,
    CheckInFactory,
    EndpointFactory,
    GoalFactory,
    TaskFactory,
)
from webhooks.models import Delivery, Event
from webhooks.tasks import DeliveryFailed, delivery_send

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_receivers_allowed(settings):
    settings.MOPSBOARD_WEBHOOKS_ALLOW_PRIVATE = True


@pytest.fixture
def endpoint(receiver):
    endpoint = EndpointFactory(
        url=receiver.url, events=[Event.GOAL_CHECKED_IN, Event.GOAL_STATUS_CHANGED]
    )
    receiver.secret = endpoint.secret
    return endpoint


@pytest.fixture
def lead_api(lead):
    return ApiClient(ApiTokenFactory(user=lead))


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def _send_all():
    for pk in Delivery.objects.filter(status="pending").order_by("pk").values_list("pk", flat=True):
        with contextlib.suppress(DeliveryFailed):
            delivery_send(pk, last_try=False)


def _received(receiver) -> dict:
    _send_all()
    return {payload["type"]: payload["data"] for _, payload in receiver.received}


def test_a_check_in_through_the_api_is_delivered_with_the_status_it_moves(
    endpoint, receiver, lead_api
):
    goal = GoalFactory(baseline=100, target=140)  # no open work: at risk

    lead_api.send(
        "post", f"/api/v1/goals/{goal.pk}/check-ins", {"on": days(0).isoformat(), "value": 150}
    )

    received = _received(receiver)
    assert sorted(received) == ["goal.checked_in", "goal.status_changed"]
    assert receiver.unverified == 0
    check_in = received["goal.checked_in"]
    assert (check_in["value"], check_in["by"], check_in["goal"]["id"]) == (150, "lead", goal.pk)
    changed = received["goal.status_changed"]
    assert (changed["previous_status"], changed["status"]) == ("at_risk", "achieved")
    assert changed["reasons"] == ["The KPI is at 150: target met."]


def test_a_check_in_that_keeps_the_status_sends_no_status_change(endpoint, receiver, lead):
    goal = GoalFactory(baseline=100, target=140)

    check_in_save(check_in=CheckIn(goal=goal, on=days(-1), value=101), by=lead, via="goals")

    assert list(Delivery.objects.values_list("event", flat=True)) == ["goal.checked_in"]


def test_the_leads_status_and_a_link_each_move_it(endpoint, receiver, lead_api, lead):
    goal = GoalFactory()
    etag = lead_api.get(f"/api/v1/goals/{goal.pk}")["ETag"]
    lead_api.send(
        "patch",
        f"/api/v1/goals/{goal.pk}",
        {"status_override": "off_track", "status_note": "The CRM sync is down."},
        **{"If-Match": etag},
    )
    other = GoalFactory()  # at risk for want of open work; a task linked puts it on track
    task_goals_set(task=TaskFactory(estimate_hours=1), goals=[other], steps=[], by=lead, via="task")

    _send_all()
    changes = sorted(
        (p["data"]["id"], p["data"]["previous_status"], p["data"]["status"])
        for _, p in receiver.received
        if p["type"] == "goal.status_changed"
    )
    assert changes == [(goal.pk, "at_risk", "off_track"), (other.pk, "at_risk", "on_track")]


def test_a_status_moved_by_the_day_alone_is_told_by_the_daily_job(endpoint, receiver):
    passed = GoalFactory(deadline=days(-1))
    GoalFactory()
    CheckInFactory(goal=passed, on=days(-2), value=120)

    goal_statuses_tell_overnight(today=timezone.localdate())

    (delivery,) = Delivery.objects.all()
    assert delivery.event == "goal.status_changed"
    assert (delivery.payload["data"]["id"], delivery.payload["data"]["status"]) == (
        passed.pk,
        "missed",
    )


def test_a_check_in_that_rolls_back_sends_nothing(endpoint, lead):
    goal = GoalFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        check_in_save(check_in=CheckIn(goal=goal, on=days(0), value=150), by=lead, via="goals")
        raise RuntimeError("the change failed")
    assert not Delivery.objects.exists()
