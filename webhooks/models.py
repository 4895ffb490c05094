"""A webhook endpoint (where to send which events, and the secret that signs them) and each
delivery to it, kept as the delivery log."""

import base64
import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from django.utils import timezone

from backlog.signals import Change

SECRET_PREFIX = "whsec_"  # nosec B105 # the Standard Webhooks prefix, not a secret
# What a receiver's answer shows in the delivery log: its first characters.
EXCERPT_LENGTH = 500


class Event(models.TextChoices):
    """The events an endpoint can choose: every task change, a review recorded, a goal's
    check-ins and its status."""

    TASK_CREATED = Change.CREATED.value, "A request or task is created"
    TASK_SCORED = Change.SCORED.value, "A task is scored (impact, effort)"
    TASK_STATUS_CHANGED = Change.STATUS_CHANGED.value, "A task's status changes"
    TASK_PLANNED = Change.PLANNED.value, "A task is planned into a week"
    TASK_DEFERRED = Change.DEFERRED.value, "A task is deferred"
    TASK_DECLINED = Change.DECLINED.value, "A task is declined"
    RACI_CHANGED = Change.RACI_CHANGED.value, "Someone's RACI role on a task changes"
    REVIEW_RECORDED = "review.recorded", "A weekly capacity review is recorded"
    GOAL_CHECKED_IN = "goal.checked_in", "A goal's KPI gets a check-in (or one is corrected)"
    GOAL_STATUS_CHANGED = "goal.status_changed", "A goal's status changes"


# Sent by "Send a test event" alone; no endpoint chooses it.
TEST_EVENT = "webhook.test"


def new_secret() -> str:
    """24 random bytes, base64, with the Standard Webhooks prefix."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def new_webhook_id() -> str:
    """The `webhook-id` of one message: the same on every try, so a receiver can drop a
    repeat."""
    return f"msg_{secrets.token_urlsafe(18)}"


class EndpointQuerySet(models.QuerySet):
    def listening(self, events):
        """The enabled endpoints that chose any of `events`, with their events."""
        return self.filter(disabled_at__isnull=True, events__overlap=list(events)).only(
            "id", "events"
        )


class Endpoint(models.Model):
    url = models.URLField("URL", max_length=500)
    description = models.CharField(max_length=200, blank=True)
    events = ArrayField(models.CharField(max_length=40, choices=Event.choices))
    # Kept to sign every delivery (so it cannot be a hash); shown once, when it is made.
    secret = models.CharField(max_length=60, default=new_secret, editable=False)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    # Failed tries since the last one that got through; at the setting's number it is disabled.
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = EndpointQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.description or self.url

    def get_absolute_url(self):
        return reverse("webhooks:endpoint", args=[self.pk])

    @property
    def enabled(self) -> bool:
        return self.disabled_at is None

    def get_events_display(self) -> list[str]:
        labels = dict(Event.choices)
        return [labels.get(event, event) for event in self.events]


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    webhook_id = models.CharField(max_length=40)
    # Exactly what is sent (serialised again the same way on every try).
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=EXCERPT_LENGTH, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    attempted_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["endpoint", "-created_at", "-id"], name="delivery_log")]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "webhook_id"], name="one_message_once")
        ]
        verbose_name_plural = "deliveries"

    def __str__(self):
        return f"{self.event} → {self.endpoint}"
