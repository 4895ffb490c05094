"""A piece of news for one person about one task (or about their part in an import's
tasks), and the email that carried it."""

from django.db import models
from django.utils import timezone


class News(models.TextChoices):
    """What a requester, an Informed person or someone given a role hears about."""

    RECEIVED = "received", "Received"
    TRIAGED = "triaged", "Triaged"
    PLANNED = "planned", "Planned"
    STARTED = "started", "Started"
    DONE = "done", "Done"
    DEFERRED = "deferred", "Deferred"
    RETURNED = "returned", "Back from deferral"
    DECLINED = "declined", "Declined"
    RACI = "raci", "RACI changed"
    ROLE = "role", "Your role"
    ROLE_ENDED = "role_ended", "Role ended"
    COMMENT = "comment", "New comment"
    REPLY = "reply", "Reply from the requester"
    IMPORTED = "imported", "Your part in an import"


class NotificationQuerySet(models.QuerySet):
    def for_digest(self):
        """News not emailed yet, for people who take a daily digest."""
        return self.filter(email__isnull=True)


class Notification(models.Model):
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="notifications"
    )
    # News of an import is about many tasks, so about none: it names the import instead.
    task = models.ForeignKey(
        "backlog.Task",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    imported = models.ForeignKey(
        "imports.Import", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    news = models.CharField(max_length=10, choices=News.choices)
    text = models.CharField(max_length=600)
    # The task, its version and the news (or the import): one change is told to one person
    # once.
    key = models.CharField(max_length=60)
    created_at = models.DateTimeField(default=timezone.now)
    email = models.ForeignKey(
        "mail.Email", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "key"], name="news_told_once"),
            models.CheckConstraint(
                condition=models.Q(task__isnull=False) | models.Q(imported__isnull=False),
                name="news_of_a_task_or_an_import",
            ),
        ]
        indexes = [
            models.Index(
                fields=["person", "created_at"],
                condition=models.Q(email__isnull=True),
                name="news_awaiting_digest",
            )
        ]

    def __str__(self):
        return self.text
