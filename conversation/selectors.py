"""Reads of the conversation: a task's comments for the team, and the shared ones its
requester reads."""

from django.utils import timezone

from backlog.models import Task
from conversation.models import Comment


def task_comments(task: Task, *, user) -> list[Comment]:
    """Every comment on `task`, oldest first, each marked `editable` if `user` may still
    correct it. One query, however many."""
    comments = list(Comment.objects.filter(task=task).for_reading())
    now = timezone.now()
    for comment in comments:
        comment.editable = comment.editable_by(user, now=now)
    return comments


def shared_comments(task: Task) -> list[Comment]:
    """What the requester reads on their page: the shared comments and their own replies,
    never the team's internal ones."""
    return list(Comment.objects.filter(task=task).shared().for_reading())
