"""Webhooks delivered by real queue workers (`manage.py worker` processes)
to a real receiver that verifies each signature: every event arrives once, a receiver
that fails its first three requests still gets everything, and the command line
registers an endpoint."""

import datetime
import time

import pytest
from django.core.management import CommandError, call_command

from backlog.services import task_create, task_decline, task_rescore
from capacity.services import review_record
from people.models import Person
from raci.services import assignment_set
from tests.factories import PersonFactory, UserFactory
from webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_event_arrives_once_even_after_three_failures(receiver, workers, settings):
    settings.MOPSBOARD_WEBHOOKS_ALLOW_PRIVATE = True
    lead = UserFactory(username="lead", role="lead")
    receiver.secret = Endpoint.objects.create(url=receiver.url, events=[
        "task.created", "task.scored", "task.status_changed", "task.planned",
        "task.deferred", "task.declined", "raci.changed", "review.recorded",
    ]).secret  # fmt: skip
    receiver.fail_next = 3
    task = task_create(by=lead, via="task", title="Audit the marketing-automation users")
    task = task_rescore(task=task, version=task.version, impact=1, effort=5, by=lead, via="triage")
    task = task_decline(task=task, version=task.version, reason="Next year", by=lead, via="task")
    person = PersonFactory(kind=Person.Kind.TEAM)
    assignment_set(task=task, person=person, role="A", expected="", by=lead, via="raci")
    review_record(
        held_on=datetime.date.today(), attendees=[person], notes="", decisions="", by=lead
    )
    expected = [
        "task.created",
        "task.scored",
        "task.status_changed",  # new → backlog, by scoring
        "task.status_changed",  # → declined
        "task.declined",
        "raci.changed",
        "review.recorded",
    ]
    workers()
    workers()
    receiver.wait_for(len(expected))
    time.sleep(2)  # anything sent twice would have arrived by now
    assert sorted(receiver.events()) == sorted(expected)
    ids = [webhook_id for webhook_id, _ in receiver.received]
    assert len(set(ids)) == len(ids) == len(expected)
    assert receiver.unverified == 0
    assert receiver.requests == len(expected) + 3
    assert set(Delivery.objects.values_list("status", flat=True)) == {"delivered"}
    declined = dict((p["type"], p["data"]) for _, p in receiver.received)["task.declined"]
    assert (declined["id"], declined["status"], declined["declined_reason"]) == (
        task.pk,
        "declined",
        "Next year",
    )


def test_the_command_registers_a_webhook_and_prints_its_secret(db, settings, capsys):
    settings.MOPSBOARD_WEBHOOKS_ALLOW_PRIVATE = True
    UserFactory(username="lead", role="lead")
    call_command(
        "webhook_add",
        "http://127.0.0.1:8125/hooks",
        "--event=task.declined",
        "--event=task.planned",
        "--description=Chat",
        "--by=lead",
    )
    endpoint = Endpoint.objects.get()
    assert capsys.readouterr().out.strip() == endpoint.secret
    assert (endpoint.events, endpoint.created_by.username) == (
        ["task.declined", "task.planned"],
        "lead",
    )
    settings.MOPSBOARD_WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(CommandError, match="private, loopback"):
        call_command("webhook_add", "http://127.0.0.1:8125/hooks", "--event=task.declined")
