"""Writes of the conversation: a team member's comment (and its edit, for a few minutes),
a requester's reply, and the closing note that goes with marking a task done. Each is
recorded in the task's history with who wrote it and through which door."""

from django.db import transaction
from django.utils import timezone

from backlog.models import Status, Task
from backlog.services import task_set_status
from conversation.models import Comment
from conversation.signals import comment_shared
from mopsboard.errors import Conflict, NotFound
from mopsboard.history import history_context
from people.models import Person


class CommentLocked(Conflict):
    """Past its edit window, or not the editor's own: the comment stays as written."""

    def __init__(self):
        super().__init__(
            "This comment can no longer be changed: a comment is kept as written once "
            "its few minutes for corrections have passed. Add a new one instead."
        )


def comment_post(
    *, task: Task, body: str, shared: bool, by, via: str, close: bool = False
) -> Comment:
    """A team member's comment on `task`, internal or `shared` with the requester and the
    people Informed (who are then emailed). `close` marks the task done at the same time,
    the comment its closing note, shared: the requester reads it with the news that the
    task is done (notifications finds it in the same change), in one email."""
    with transaction.atomic(), history_context(by, via=via):
        comment = Comment.objects.create(task=task, author=by, body=body, shared=shared or close)
        if close:
            comment.task = task_set_status(
                task=task, version=task.version, status=Status.DONE, by=by, via=via
            )
        elif shared:
            comment_shared.send(sender=Comment, comment=comment)
    return comment


def comment_edit(*, comment: Comment, body: str, by, via: str) -> Comment:
    """Correct a comment: its author only, within its edit window (CommentLocked after).
    Told to nobody again: the email went with the first words."""
    now = timezone.now()
    if not comment.editable_by(by, now=now):
        raise CommentLocked()
    comment.body, comment.edited_at = body, now
    with history_context(by, via=via):
        comment.save(update_fields=["body", "edited_at"])
    return comment


def reply_post(*, task_id: int, body: str) -> Comment:
    """The requester's reply from their page (no account: the link is their key), shared
    with the team and told to the task's Responsible and Accountable people. NotFound once
    the request is gone, or while nobody has confirmed it is theirs."""
    with transaction.atomic():
        task = Task.objects.select_related("requester").filter(pk=task_id).first()
        if task is None:
            raise NotFound("The team has removed this request from its list.")
        requester: Person | None = task.requester
        if requester is None or not task.requester_confirmed:
            raise NotFound(
                "Only the requester can answer here: confirm the request from the link in "
                "our email first."
            )
        with history_context(None, via="intake", requester=requester.name):
            comment = Comment.objects.create(task=task, requester=requester, body=body, shared=True)
        comment_shared.send(sender=Comment, comment=comment)
    return comment
