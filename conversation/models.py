"""A comment on a task: by a team member (internal, or shared with the requester and the
people Informed) or a requester's reply from their page, which is always shared."""

import datetime

import pghistory
from django.conf import settings
from django.db import models
from django.utils import timezone

# Long enough for a brief's worth of questions, short enough to read in an email.
BODY_LENGTH = 4000


class CommentQuerySet(models.QuerySet):
    def shared(self):
        """What the requester and the people Informed may read."""
        return self.filter(shared=True)

    def for_reading(self):
        """Oldest first, with who wrote each (a team member by their person's name), in
        one query."""
        return self.select_related("author__person", "requester").order_by("created_at", "id")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class Comment(models.Model):
    task = models.ForeignKey("backlog.Task", on_delete=models.CASCADE, related_name="comments")
    # A team member's comment; None for a requester's reply (or once the account is gone).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    # The requester who replied from their page, without an account.
    requester = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
    )
    body = models.TextField(max_length=BODY_LENGTH)
    shared = models.BooleanField(
        default=False,
        help_text="Shared with the requester and the people Informed; otherwise the team's only.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(requester__isnull=True) | models.Q(shared=True),
                name="comment_reply_is_shared",
                violation_error_message="A requester's reply is shared with the team.",
            ),
            models.CheckConstraint(
                condition=models.Q(requester__isnull=True) | models.Q(author__isnull=True),
                name="comment_one_writer",
            ),
        ]
        indexes = [models.Index(fields=["task", "created_at"], name="comment_task_created")]

    def __str__(self):
        return f"{self.writer} on {self.task_id}"

    @property
    def writer(self) -> str:
        if self.requester_id:
            return self.requester.name
        if self.author_id:
            person = getattr(self.author, "person", None)
            return person.name if person else self.author.get_full_name() or self.author.username
        return "a former team member"

    @property
    def editable_until(self) -> datetime.datetime:
        return self.created_at + datetime.timedelta(minutes=settings.MOPSBOARD_COMMENT_EDIT_MINUTES)

    def editable_by(self, user, *, now: datetime.datetime | None = None) -> bool:
        """Its author may change it for a few minutes; then it stays as written."""
        return (
            self.author_id is not None
            and self.author_id == user.pk
            and (now or timezone.now()) < self.editable_until
        )


def comment_history(event) -> tuple[str, list]:
    """A comment's event in the task's history: what kind of comment, and its text."""
    data = event.pgh_data
    if data["requester_id"]:
        kind = "Reply from the requester"
    else:
        kind = "Shared comment" if data["shared"] else "Internal comment"
    if event.pgh_label == "update":
        old, new = (event.pgh_diff or {}).get("body", (data["body"], data["body"]))
        return f"{kind} edited", [("text", old, new)]
    return kind, [("text", None, data["body"])]
