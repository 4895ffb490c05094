"""Queuing and delivering webhooks, with the job's function called in the test against a
real receiver on 127.0.0.1 that verifies every signature: queued with the change (and
not at all when it rolls back), the API's task representation, the same webhook-id on
every try, retries, no redirects, the address guard, and an endpoint disabled for failing."""

import contextlib
import datetime
import json

import pytest
from django.core import mail as django_mail
from django.db import transaction
from procrastinate.contrib.django.models import ProcrastinateJob

from api.schemas import represented, tasks_data
from backlog.models import Quadrant, Task
from backlog.services import task_create, task_decline, task_move_to_quadrant, tasks_create
from capacity.services import review_record
from mail.models import Email
from mopsboard.retry import ForADay, retry_wait
from people.models import Person
from raci.services import assignment_set
from tests.factories import EndpointFactory, PersonFactory, TaskFactory, UserFactory
from tests.webhooks.addresses import HIDDEN_PRIVATE
from webhooks.models import Delivery, Endpoint, Event
from webhooks.services import delivery_resend, endpoint_test_send
from webhooks.tasks import RETRY, DeliveryFailed, delivery_send

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_receivers_allowed(settings):
    settings.MOPSBOARD_WEBHOOKS_ALLOW_PRIVATE = True


@pytest.fixture
def endpoint(receiver):
    endpoint = EndpointFactory(url=receiver.url)
    receiver.secret = endpoint.secret
    return endpoint


def _send_all(*, last_try=False):
    """What a worker does: try every pending delivery once, oldest first."""
    for pk in Delivery.objects.filter(status="pending").order_by("pk").values_list("pk", flat=True):
        with contextlib.suppress(DeliveryFailed):
            delivery_send(pk, last_try=last_try)


def test_each_change_is_queued_with_its_job_in_the_same_transaction(endpoint, lead):
    task = task_create(by=lead, via="task", title="Audit the CRM sync", impact=4, effort=2)
    delivery = Delivery.objects.get()
    job = ProcrastinateJob.objects.get(task_name="webhooks.tasks.deliver")
    assert (job.args, job.queue_name) == ({"delivery_id": delivery.pk}, "webhooks")
    assert delivery.event == "task.created"
    (expected,) = json.loads(
        json.dumps(tasks_data(list(represented(Task.objects.filter(pk=task.pk)))), default=str)
    )
    assert delivery.payload["data"]["id"] == task.pk
    assert delivery.payload["data"]["quadrant"] == "quick-win"
    assert set(delivery.payload["data"]) == set(expected)
    assert set(delivery.payload) == {"type", "timestamp", "data"}


def test_tasks_made_together_are_each_told_in_a_constant_number_of_queries(
    endpoint, lead, django_assert_max_num_queries
):
    rows = [{"title": f"Imported request {n}", "impact": 4, "effort": 2} for n in range(30)]
    # 30 tasks, each told to the endpoint: the same queries as one.
    with django_assert_max_num_queries(10):
        made = tasks_create(tasks=rows, by=lead, via="import")
    deliveries = Delivery.objects.filter(event="task.created")
    assert sorted(d.payload["data"]["id"] for d in deliveries) == sorted(t.pk for t in made)
    assert len({d.webhook_id for d in deliveries}) == 30
    assert ProcrastinateJob.objects.filter(task_name="webhooks.tasks.deliver").count() == 30


def test_a_change_that_rolls_back_sends_nothing(endpoint, lead):
    task = TaskFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        task_decline(task=task, version=task.version, reason="Not now", by=lead, via="task")
        assert Delivery.objects.count() == 2  # status_changed and declined, until the rollback
        raise RuntimeError("the change failed")
    assert not Delivery.objects.exists()
    assert not ProcrastinateJob.objects.filter(task_name="webhooks.tasks.deliver").exists()


def test_only_chosen_events_go_to_enabled_endpoints(receiver, lead):
    declines = EndpointFactory(url=receiver.url, events=[Event.TASK_DECLINED])
    EndpointFactory(url=receiver.url, disabled_at=datetime.datetime.now(datetime.UTC))
    task = TaskFactory()
    task_move_to_quadrant(
        task=task, version=task.version, quadrant=Quadrant.MONEY_PIT, by=lead, via="board"
    )
    task.refresh_from_db()
    task_decline(task=task, version=task.version, reason="Not now", by=lead, via="task")
    assert list(Delivery.objects.values_list("endpoint", "event")) == [
        (declines.pk, "task.declined")
    ]


def test_each_event_arrives_signed_once_with_the_same_id_on_every_try(endpoint, receiver, lead):
    task = task_create(by=lead, via="task", title="Build the webinar form")
    person = PersonFactory(kind=Person.Kind.TEAM)
    assignment_set(task=task, person=person, role="R", expected="", by=lead, via="raci")
    review_record(
        held_on=datetime.date.today(), attendees=[person], notes="", decisions="Ship it", by=lead
    )
    receiver.fail_next = 3
    for _ in range(4):
        _send_all()
    assert receiver.requests == 3 + 3 and receiver.unverified == 0
    assert sorted(receiver.events()) == ["raci.changed", "review.recorded", "task.created"]
    ids = [webhook_id for webhook_id, _ in receiver.received]
    assert sorted(ids) == sorted(Delivery.objects.values_list("webhook_id", flat=True))
    _send_all()
    assert receiver.requests == 6  # delivered ones are not sent again
    review = dict((p["type"], p["data"]) for _, p in receiver.received)["review.recorded"]
    assert review["decisions"] == "Ship it"
    assert review["attendees"] == [{"id": person.pk, "name": person.name}]
    raci = dict((p["type"], p["data"]) for _, p in receiver.received)["raci.changed"]
    assert raci["raci"] == [{"person": {"id": person.pk, "name": person.name}, "role": "R"}]


def test_a_receiver_failing_three_times_then_answering_gets_the_event(endpoint, receiver, lead):
    task_create(by=lead, via="task", title="Refresh the newsletter template")
    receiver.fail_next = 3
    delivery = Delivery.objects.get()
    for attempt in range(1, 4):
        with pytest.raises(DeliveryFailed):
            delivery_send(delivery.pk, last_try=False)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.response_status) == (
            "pending",
            attempt,
            500,
        )
        assert delivery.last_error == "The receiver answered 500."
    delivery_send(delivery.pk, last_try=False)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 4, 200)
    assert delivery.response_excerpt == "ok"
    ((webhook_id, payload),) = receiver.received
    assert webhook_id == delivery.webhook_id and payload["type"] == "task.created"
    assert Endpoint.objects.get().consecutive_failures == 0


def test_the_queue_retries_for_a_day_then_gives_up(settings):
    strategy = ForADay(failure=DeliveryFailed, setting=RETRY)
    waits = []
    while (wait := retry_wait(len(waits), setting=RETRY)) is not None:
        waits.append(wait)
    assert waits[:3] == [60, 120, 240] and max(waits) == 3600
    assert 86400 - 3600 < sum(waits) <= 86400

    class Job:
        attempts = 0

    assert strategy.get_retry_decision(exception=DeliveryFailed("x"), job=Job) is not None
    assert strategy.get_retry_decision(exception=ValueError("bug"), job=Job) is None


def test_the_last_try_marks_it_failed_and_send_again_queues_it(endpoint, receiver, lead):
    receiver.status = 503
    task_create(by=lead, via="task", title="Fix the CRM sync")
    delivery = Delivery.objects.get()
    with pytest.raises(DeliveryFailed):
        delivery_send(delivery.pk, last_try=True)
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    receiver.status = 200
    delivery_resend(delivery=delivery, by=lead)
    assert ProcrastinateJob.objects.filter(args={"delivery_id": delivery.pk}).count() == 2
    delivery_send(delivery.pk, last_try=False)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert [webhook_id for webhook_id, _ in receiver.received] == [delivery.webhook_id]


def test_a_redirect_is_not_followed(endpoint, receiver, lead):
    receiver.status = 302
    endpoint_test_send(endpoint=endpoint, by=lead)
    with pytest.raises(DeliveryFailed, match="no redirect"):
        _send_one()
    assert receiver.requests == 1


def _send_one():
    delivery_send(Delivery.objects.get().pk, last_try=False)


def test_a_private_address_is_refused_at_delivery_time_too(endpoint, receiver, lead, settings):
    endpoint_test_send(endpoint=endpoint, by=lead)
    settings.MOPSBOARD_WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(DeliveryFailed, match="private, loopback"):
        _send_one()
    assert receiver.requests == 0
    assert Delivery.objects.get().response_status is None


@pytest.mark.parametrize("address", HIDDEN_PRIVATE)
def test_a_name_that_now_resolves_into_a_private_network_is_not_called(
    resolver, lead, settings, address
):
    settings.MOPSBOARD_WEBHOOKS_ALLOW_PRIVATE = False
    endpoint = EndpointFactory(url="https://hooks.example.com/mopsboard")
    endpoint_test_send(endpoint=endpoint, by=lead)
    resolver["hooks.example.com"] = address
    with pytest.raises(DeliveryFailed, match=f"private, loopback.*{address}"):
        _send_one()
    assert Delivery.objects.get().response_status is None


def test_a_receiver_that_is_down_fails_with_the_reason(lead):
    endpoint = EndpointFactory(url="http://127.0.0.1:9/nothing-listens")
    endpoint_test_send(endpoint=endpoint, by=lead)
    with pytest.raises(DeliveryFailed, match="ConnectionRefusedError"):
        _send_one()


def test_an_endpoint_failing_for_a_day_is_disabled_and_the_leads_told_once(
    endpoint, receiver, settings
):
    settings.MOPSBOARD_WEBHOOKS_DISABLE_AFTER = 3
    lead = UserFactory(username="lead", role="lead", email="lead@example.com")
    receiver.status = 500
    for n in range(4):
        task_create(by=lead, via="task", title=f"Request {n}")
    _send_all()
    endpoint.refresh_from_db()
    # A burst of failures is a receiver away for a while: it is tried again, not disabled.
    assert endpoint.enabled and endpoint.consecutive_failures == 4
    first = Delivery.objects.order_by("pk").first()
    with pytest.raises(DeliveryFailed):
        delivery_send(first.pk, last_try=True)
    endpoint.refresh_from_db()
    assert not endpoint.enabled
    assert endpoint.disabled_reason == "Disabled after a day of failed tries (3 or more in a row)."
    # The others are not tried again: their endpoint is disabled.
    _send_all()
    assert receiver.requests == 5
    assert list(Delivery.objects.order_by("pk").values_list("status", flat=True)) == ["failed"] * 4
    (told,) = Email.objects.filter(event="Webhook disabled")
    assert told.to == "lead@example.com"
    assert endpoint.url in told.text
    assert not django_mail.outbox  # queued, the worker sends it
