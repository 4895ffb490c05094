"""An email as sent: kept whole, so the lead can read what went out and to whom, except
the text of one that carries a private link (see mail.private)."""

from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


def one_line(text: str) -> str:
    """A header value on one line: a newline in a name or title must not start a header."""
    return " ".join(text.split())


def message_id_new() -> str:
    """A random Message-ID, kept on the email when it is queued: not made from the primary
    key, which a restore of an older backup hands out again, so new mail would carry the
    Message-ID of mail sent before and a receiver dropping repeats would drop it."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "mopsboard"
    return make_msgid(idstring="mopsboard", domain=domain)


class Email(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Delivered"
        FAILED = "failed", "Failed"

    to = models.EmailField()
    subject = models.CharField(max_length=250)
    text = models.TextField()
    html = models.TextField(blank=True)
    # What it is about, in the team's words: "Password reset", "Planned", "Daily digest".
    event = models.CharField(max_length=60)
    task = models.ForeignKey(
        "backlog.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="emails"
    )
    headers = models.JSONField(default=dict, blank=True)
    # Carries a private link (a password reset, a requester's link to their requests):
    # its text is never kept, only `template` and the ids in `context` it is written from
    # when it is sent (mail.private).
    private = models.BooleanField(default=False)
    template = models.CharField(max_length=100, blank=True)
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The queue job that delivers it (mail.tasks.deliver; one job takes a batch).
    job_id = models.BigIntegerField(null=True, editable=False)
    # The same on every try, so a receiving server can drop a resend.
    message_id = models.CharField(max_length=255, default=message_id_new, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="email_newest"),
            models.Index(fields=["status", "-created_at"], name="email_by_status"),
            models.Index(
                fields=["job_id"], name="email_queued_by_job", condition=models.Q(status="queued")
            ),
        ]
        constraints = [models.UniqueConstraint(fields=["message_id"], name="one_message_id")]
        permissions = [("resend_email", "Can send a failed email again")]

    def __str__(self):
        return f"{self.subject} → {self.to}"

    def get_absolute_url(self):
        return reverse("mail:email", args=[self.pk])

    @property
    def private_note(self) -> str:
        """What pages show instead of the text of a private email."""
        return (
            f"This email carries a private link ({self.event.lower()}): its text is written "
            "only as it is sent, and is never kept or shown."
        )
