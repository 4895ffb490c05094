"""The conversation on the task page: a new comment, and the correction of one within its
few minutes. Over htmx the section answers; a plain request gets the section as a page
(with what to fix) or goes back to the task with a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods

from backlog.models import Task
from backlog.selectors import task_history
from conversation import services
from conversation.forms import CommentEditForm, CommentForm
from conversation.models import Comment
from mopsboard.errors import DomainError
from mopsboard.rendering import get_goes_to, render_page
from mopsboard.reversing import reverse_ids

can_view = permission_required("conversation.view_comment", raise_exception=True)
TEMPLATE = "conversation/comments.html"


def _task(pk) -> Task:
    return get_object_or_404(Task.objects.select_related("requester", "category"), pk=pk)


def _section(request, task: Task, *, status: int = 200, **context):
    """The conversation section (a page of its own for a plain request). A change also
    updates the task's history, out of band, as the comment is in it."""
    if status == 200 and request.method == "POST":
        context["history"] = task_history(task)
    return render_page(
        request, TEMPLATE, {"task": task, **context}, partial="task-comments", status=status
    )


@require_http_methods(["GET", "POST"])
@login_required
@get_goes_to(lambda pk: reverse_ids("backlog:task-detail", pk))
@permission_required("conversation.add_comment", raise_exception=True)
def comment_new(request, pk):
    task = _task(pk)
    form = CommentForm(request.POST, task=task)
    if not form.is_valid():
        return _section(request, task, comment_form=form, status=422)
    try:
        services.comment_post(task=task, by=request.user, via="task", **form.cleaned_data)
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return _section(request, task, comment_form=form, status=refusal.status)
    said = "Shared with the requester." if form.cleaned_data["shared"] else "For the team only."
    if form.cleaned_data.get("close"):
        said = "Marked done, with your closing note for the requester."
    messages.success(request, f"Comment added. {said}")
    if not request.htmx:
        return redirect(f"{task.get_absolute_url()}#task-comments")
    # The task may have changed status: read it again for the section and the history.
    return _section(request, _task(pk))


@require_http_methods(["GET", "POST"])
@login_required
@can_view
def comment_edit(request, pk, comment_pk):
    """Correct one's own comment, within its few minutes; after them it is refused with
    a message, and the comment stays as written."""
    if request.method == "POST" and not request.user.has_perm("conversation.change_comment"):
        raise PermissionDenied("You can read the conversation but not take part in it.")
    task = _task(pk)
    comment = get_object_or_404(Comment.objects.for_reading(), pk=comment_pk, task=task)
    if not comment.editable_by(request.user):
        messages.error(request, services.CommentLocked().message)
        return _section(request, task, status=409)
    form = CommentEditForm(
        request.POST if request.method == "POST" else None, initial={"body": comment.body}
    )
    if form.is_valid():
        try:
            services.comment_edit(comment=comment, by=request.user, via="task", **form.cleaned_data)
        except DomainError as refusal:
            messages.error(request, refusal.message)
            return _section(request, task, status=refusal.status)
        messages.success(request, "Comment corrected.")
        if not request.htmx:
            return redirect(f"{task.get_absolute_url()}#task-comments")
        return _section(request, task)
    return _section(
        request, task, editing=comment.pk, edit_form=form, status=422 if form.is_bound else 200
    )
