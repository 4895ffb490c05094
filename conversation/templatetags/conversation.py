"""The conversation section of the task page, which the backlog's template includes
without the backlog importing this app."""

from django import template

from conversation.forms import CommentForm
from conversation.selectors import task_comments

register = template.Library()


@register.simple_tag
def task_conversation(task, user, form=None) -> dict:
    """`task`'s comments as `user` reads them, and the form for a new one (`form`, bound
    with what they typed, when it comes back with errors)."""
    return {
        "comments": task_comments(task, user=user),
        "form": form or CommentForm(task=task),
    }
