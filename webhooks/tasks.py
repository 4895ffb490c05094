"""Delivery, run by the task queue's workers (procrastinate): each delivery is POSTed with
the same webhook-id on every try, tried again with a growing wait for a day, and an
endpoint that keeps failing is disabled and the leads told."""

import http.client
import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from procrastinate.contrib.django import app

from mail.models import one_line
from mail.services import email_queue
from mopsboard.retry import ForADay, retry_wait
from mopsboard.roles import LEAD
from webhooks.addresses import UnsafeAddress
from webhooks.models import Delivery, Endpoint
from webhooks.sending import post, signed_headers

RETRY = "MOPSBOARD_WEBHOOKS_RETRY"


class DeliveryFailed(Exception):
    """The receiver could not be reached or did not answer 2xx; the queue tries again."""


@app.task(queue="webhooks", retry=ForADay(failure=DeliveryFailed, setting=RETRY), pass_context=True)
def deliver(context, delivery_id: int):
    delivery_send(delivery_id, last_try=retry_wait(context.job.attempts, setting=RETRY) is None)


def body_of(delivery: Delivery) -> str:
    return json.dumps(delivery.payload, separators=(",", ":"))


def delivery_send(delivery_id: int, *, last_try: bool) -> None:
    """Try one delivery. A row lock keeps two workers from both sending it; a delivered
    one is not sent again; one whose endpoint was disabled meanwhile fails at once."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != Delivery.Status.PENDING:
            return
        endpoint = delivery.endpoint
        if not endpoint.enabled:
            delivery.status = Delivery.Status.FAILED
            delivery.last_error = "Not sent: the endpoint is disabled."
            delivery.save(update_fields=["status", "last_error"])
            return
        now = timezone.now()
        body = body_of(delivery)
        delivery.attempts += 1
        delivery.attempted_at = now
        delivery.response_status, delivery.response_excerpt = None, ""
        try:
            answer = post(
                endpoint.url,
                body=body,
                headers=signed_headers(
                    secret=endpoint.secret, webhook_id=delivery.webhook_id, body=body, now=now
                ),
            )
        except UnsafeAddress as refused:
            error = refused.message
        except (OSError, http.client.HTTPException) as failure:
            error = f"{type(failure).__name__}: {failure}"
        else:
            delivery.response_status, delivery.response_excerpt = answer.status, answer.excerpt
            error = None if answer.ok else f"The receiver answered {answer.status}."
            if 300 <= answer.status < 400:
                error = f"The receiver answered {answer.status}: webhooks follow no redirect."
        if error is None:
            delivery.status, delivery.delivered_at, delivery.last_error = (
                Delivery.Status.DELIVERED,
                now,
                "",
            )
        else:
            delivery.status = Delivery.Status.FAILED if last_try else Delivery.Status.PENDING
            delivery.last_error = one_line(error)[:500]
        delivery.save()
        _endpoint_tried(endpoint, ok=error is None, gave_up=error is not None and last_try)
    if error is not None:
        raise DeliveryFailed(delivery.last_error)


def _endpoint_tried(endpoint: Endpoint, *, ok: bool, gave_up: bool) -> None:
    """Count failed tries in a row. When a delivery gives up after a day of tries and the
    receiver has failed MOPSBOARD_WEBHOOKS_DISABLE_AFTER tries in a row meanwhile, it has
    not taken anything for a day: disable the endpoint and tell the leads, once, however
    many workers fail at the same moment. A receiver down for an hour is not disabled."""
    endpoints = Endpoint.objects.filter(pk=endpoint.pk)
    if ok:
        endpoints.filter(consecutive_failures__gt=0).update(consecutive_failures=0)
        return
    endpoints.update(consecutive_failures=F("consecutive_failures") + 1)
    if not gave_up:
        return
    limit = settings.MOPSBOARD_WEBHOOKS_DISABLE_AFTER
    reason = f"Disabled after a day of failed tries ({limit} or more in a row)."
    if endpoints.filter(disabled_at__isnull=True, consecutive_failures__gte=limit).update(
        disabled_at=timezone.now(), disabled_reason=reason
    ):
        endpoint.refresh_from_db()
        _tell_leads(endpoint)


def _tell_leads(endpoint: Endpoint) -> None:
    leads = (
        get_user_model()
        .objects.filter(groups__name=LEAD, is_active=True)
        .exclude(email="")
        .order_by("pk")
    )
    link = settings.MOPSBOARD_SITE_URL + endpoint.get_absolute_url()
    for lead in leads:
        email_queue(
            to=lead.email,
            subject=f"Webhook disabled: {endpoint}",
            template="webhooks/email/disabled",
            context={"endpoint": endpoint, "link": link, "user": lead},
            event="Webhook disabled",
        )
