"""Writes to webhooks: endpoints made, enabled, disabled and deleted by the lead, and the
deliveries queued for each event (inside the change's own transaction)."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from api.goal_routes import check_in_data, goals_data
from api.schemas import represented, site_url, tasks_data
from backlog.models import Task
from goals.models import Goal
from mopsboard.backups import NOT_SENT_AFTER_RESTORE
from mopsboard.errors import Conflict
from webhooks.models import TEST_EVENT, Delivery, Endpoint, Event, new_webhook_id
from webhooks.tasks import deliver


class EndpointDisabled(Conflict):
    def __init__(self, endpoint: Endpoint):
        super().__init__(f"{endpoint} is disabled: enable it first.")


class StillPending(Conflict):
    def __init__(self, delivery: Delivery):
        super().__init__(f"This {delivery.event} delivery is still being tried.")


def endpoint_create(*, url: str, description: str, events: list[str], by) -> Endpoint:
    """A new endpoint with a new secret; the caller shows the secret once.
    The URL has been checked by the form (webhooks.addresses), and is again at each try."""
    return Endpoint.objects.create(url=url, description=description, events=events, created_by=by)


def endpoint_disable(*, endpoint: Endpoint, by) -> Endpoint:
    """Stop sending to it; what is still being tried fails at its next try."""
    Endpoint.objects.filter(pk=endpoint.pk, disabled_at__isnull=True).update(
        disabled_at=timezone.now(), disabled_reason=f"Disabled by {by.get_username()}."
    )
    endpoint.refresh_from_db()
    return endpoint


def endpoint_enable(*, endpoint: Endpoint, by) -> Endpoint:
    """Send to it again, its count of failures started over; failed deliveries stay failed
    until someone sends them again."""
    Endpoint.objects.filter(pk=endpoint.pk).update(
        disabled_at=None, disabled_reason="", consecutive_failures=0
    )
    endpoint.refresh_from_db()
    return endpoint


def endpoint_delete(*, endpoint: Endpoint, by) -> None:
    """The endpoint and its delivery log, gone; a try still queued finds nothing to send."""
    endpoint.delete()


def _queue(sends: list[tuple[str, Endpoint, dict]], *, at) -> list[Delivery]:
    """One delivery per (event, endpoint, data); one webhook-id per event about one thing,
    whichever endpoint it goes to. Written, and its jobs queued, in the caller's
    transaction."""
    ids = {}
    deliveries = []
    for event, endpoint, data in sends:
        webhook_id = ids.setdefault((event, id(data)), new_webhook_id())
        deliveries.append(
            Delivery(
                endpoint=endpoint,
                event=event,
                webhook_id=webhook_id,
                payload=_payload(event, data, at=at),
            )
        )
    with transaction.atomic():
        deliveries = Delivery.objects.bulk_create(deliveries)
        deliver.batch_defer(*({"delivery_id": delivery.pk} for delivery in deliveries))
    return deliveries


def _payload(event: str, data: dict, *, at) -> dict:
    """{"type", "timestamp", "data"}, as JSON would read it back (dates as ISO strings)."""
    payload = {"type": event, "timestamp": at, "data": data}
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))


def task_events_queue(*, tasks: list[Task], changes: list[str]) -> list[Delivery]:
    """Queue a delivery of each change to each task to every enabled endpoint that chose
    it, with the task as the API represents it (api.schemas.tasks_data), read in this
    transaction: one query for the endpoints, two for the tasks however many they are."""
    endpoints = list(Endpoint.objects.listening(changes))
    if not endpoints:
        return []
    data = tasks_data(list(represented(Task.objects.filter(pk__in=[t.pk for t in tasks]))))
    sends = [
        (event, endpoint, task)
        for task in data
        for event in changes
        for endpoint in endpoints
        if event in endpoint.events
    ]
    return _queue(sends, at=timezone.now())


def review_data(review) -> dict:
    """What a review.recorded event carries: the review's id and page, the day it was held,
    who came and what was decided. The figures stay on its page."""
    return {
        "id": review.pk,
        "url": site_url(review.get_absolute_url()),
        "held_on": review.held_on,
        "attendees": [
            {"id": person.pk, "name": person.name}
            for person in review.attendees.order_by("name", "pk")
        ],
        "decisions": review.decisions,
    }


def review_events_queue(*, review) -> list[Delivery]:
    endpoints = list(Endpoint.objects.listening([Event.REVIEW_RECORDED]))
    if not endpoints:
        return []
    data = review_data(review)
    sends = [(Event.REVIEW_RECORDED.value, endpoint, data) for endpoint in endpoints]
    return _queue(sends, at=timezone.now())


def goal_checked_in_queue(*, goal, check_ins) -> list[Delivery]:
    """goal.checked_in for each check-in: the check-in as the API answers it, with its goal
    (goals_data) as it stands after it."""
    endpoints = list(Endpoint.objects.listening([Event.GOAL_CHECKED_IN]))
    if not endpoints:
        return []
    (goal_data,) = goals_data(list(Goal.objects.filter(pk=goal.pk).select_related("owner")))
    sends = [
        (Event.GOAL_CHECKED_IN.value, endpoint, {**check_in_data(check_in), "goal": goal_data})
        for check_in in check_ins
        for endpoint in endpoints
    ]
    return _queue(sends, at=timezone.now())


def goal_status_changed_queue(*, goal, before: str) -> list[Delivery]:
    """goal.status_changed: the goal as the API answers it (its status and the reasons),
    with the status it had before."""
    endpoints = list(Endpoint.objects.listening([Event.GOAL_STATUS_CHANGED]))
    if not endpoints:
        return []
    (goal_data,) = goals_data([goal])
    data = {**goal_data, "previous_status": before}
    sends = [(Event.GOAL_STATUS_CHANGED.value, endpoint, data) for endpoint in endpoints]
    return _queue(sends, at=timezone.now())


def endpoint_test_send(*, endpoint: Endpoint, by) -> Delivery:
    """A `webhook.test` event to one endpoint, to see it answer."""
    if not endpoint.enabled:
        raise EndpointDisabled(endpoint)
    data = {
        "endpoint": {"id": endpoint.pk, "url": endpoint.url},
        "message": f"A test from mopsboard, sent by {by.get_username()}.",
    }
    (delivery,) = _queue([(TEST_EVENT, endpoint, data)], at=timezone.now())
    return delivery


def delivery_resend(*, delivery: Delivery, by) -> Delivery:
    """A delivery, failed or delivered, queued again with its own webhook-id and payload
    (a receiver that keeps ids drops it as a repeat); its retries start over."""
    if not delivery.endpoint.enabled:
        raise EndpointDisabled(delivery.endpoint)
    with transaction.atomic():
        if not Delivery.objects.filter(
            pk=delivery.pk, status__in=[Delivery.Status.FAILED, Delivery.Status.DELIVERED]
        ).update(status=Delivery.Status.PENDING, last_error=""):
            raise StillPending(delivery)
        deliver.defer(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery


def deliveries_fail_dropped(*, job_ids: list[int]) -> int:
    """Deliveries still pending for jobs a restore dropped: failed, saying why, so the lead
    sends again those the receiver did not get after the backup."""
    jobs = ProcrastinateJob.objects.filter(pk__in=job_ids, task_name=deliver.name)
    return Delivery.objects.filter(
        pk__in=[args["delivery_id"] for args in jobs.values_list("args", flat=True)],
        status=Delivery.Status.PENDING,
    ).update(
        status=Delivery.Status.FAILED,
        last_error=NOT_SENT_AFTER_RESTORE,
    )
