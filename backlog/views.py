"""Backlog pages: the board, the scatter, the triage inbox, a task, the CSV export."""

import copy
import csv
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from backlog import services
from backlog.filters import TaskFilter
from backlog.forms import (
    DeclineForm,
    DeferForm,
    MoveForm,
    ScoreForm,
    StatusForm,
    TaskEditForm,
    TaskForm,
    VersionedForm,
    errors_text,
)
from backlog.models import SCORE_RANGE, Quadrant, Status, Task, new_year_after
from backlog.selectors import (
    board_quadrants,
    count_label,
    scatter_axes,
    scatter_points,
    task_history,
)
from capacity.forms import PlanForm
from capacity.models import plan_shortcuts, week_label
from mopsboard.exports import spreadsheet_safe
from mopsboard.rendering import render_page
from raci.models import Role
from raci.selectors import raci_matrix

can_view = permission_required("backlog.view_task", raise_exception=True)
can_change = permission_required("backlog.change_task", raise_exception=True)
SCATTER_LIMIT = 250
TRIAGE_PAGE_SIZE = 25
CSV_COLUMNS = [
    "id",
    "title",
    "requester",
    "category",
    "impact",
    "effort",
    "quadrant",
    "status",
    "estimate_hours",
    "planned_week",
    "due_date",
    "deferred_until",
    "declined_reason",
    "created_at",
]


def _board_context(request, task_filter: TaskFilter) -> dict:
    return {
        "filter": task_filter,
        "quadrants": board_quadrants(
            task_filter.qs, cards_per_quadrant=settings.MOPSBOARD_QUADRANT_PAGE_SIZE
        ),
        "query": request.GET.urlencode(),
        "quadrant_choices": list(Quadrant),
        "can_move": request.user.has_perm("backlog.change_task"),
        "plan_shortcuts": plan_shortcuts(timezone.localdate()),
    }


def _filter_status(task_filter: TaskFilter) -> int:
    return 200 if task_filter.is_valid() else 400


@require_GET
@login_required
@can_view
def board(request):
    task_filter = TaskFilter(request.GET, queryset=Task.objects.all())
    return render_page(
        request,
        "backlog/board.html",
        _board_context(request, task_filter),
        partial="board-quadrants",
        status=_filter_status(task_filter),
    )


@require_GET
@login_required
@can_view
def quadrant(request, slug):
    """One quadrant's cards a page at a time: the board's "show more"."""
    if slug not in Quadrant.values:
        raise Http404(f"There is no quadrant called “{slug}”.")
    quadrant = Quadrant(slug)
    task_filter = TaskFilter(request.GET, queryset=Task.objects.all())
    cards = task_filter.qs.filter(impact__isnull=False).in_quadrant(quadrant)
    page = Paginator(
        cards.for_cards().by_priority(), settings.MOPSBOARD_QUADRANT_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render_page(
        request,
        "backlog/quadrant.html",
        {"quadrant": quadrant, "page": page, "filter": task_filter, "query": query.urlencode()},
        partial="quadrant-more",
        status=_filter_status(task_filter),
    )


@require_GET
@login_required
@can_view
def scatter(request):
    task_filter = TaskFilter(request.GET, queryset=Task.objects.all())
    points, total = scatter_points(task_filter.qs, limit=SCATTER_LIMIT)
    return render_page(
        request,
        "backlog/scatter.html",
        {
            "filter": task_filter,
            "points": points,
            "total": total,
            "total_label": count_label(total),
            "axes": scatter_axes(),
            "quadrants": list(Quadrant),
            "query": request.GET.urlencode(),
        },
        partial="scatter-chart",
        status=_filter_status(task_filter),
    )


@require_POST
@login_required
@can_change
def card_move(request):
    """Drop a card in another quadrant: re-score it by the smallest change that puts it there."""
    form = MoveForm(request.POST)
    status = 200
    if not form.is_valid():
        messages.error(request, errors_text(form))
        status = 422
    else:
        task = get_object_or_404(Task, pk=form.cleaned_data["task"], impact__isnull=False)
        try:
            task = services.task_move_to_quadrant(
                task=task,
                version=form.cleaned_data["version"],
                quadrant=form.cleaned_data["quadrant"],
                by=request.user,
            )
            messages.success(
                request,
                f"“{task.title}” is now a {task.quadrant.label.lower()} "
                f"(impact {task.impact}, effort {task.effort}).",
            )
        except services.StaleEdit as stale:
            messages.error(request, stale.message)
            status = 409
    return board_response(request, status=status)


def board_response(request, *, status: int):
    """After a change made on the board: its quadrants again, or the page for a plain POST."""
    if not request.htmx:
        return redirect(f"{reverse('backlog:board')}?{request.GET.urlencode()}")
    task_filter = TaskFilter(request.GET, queryset=Task.objects.all())
    return render_page(
        request,
        "backlog/board.html",
        _board_context(request, task_filter),
        partial="board-quadrants",
        status=status,
    )


@require_GET
@login_required
@can_view
def triage(request):
    # The daily return_deferred command may not have run yet today.
    services.deferred_tasks_return(today=timezone.localdate())
    inbox = (
        Task.objects.in_triage()
        .select_related("requester", "category")
        .order_by("created_at", "id")
    )
    page = Paginator(inbox, TRIAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(
        request,
        "backlog/triage.html",
        _triage_context(request, page=page),
        partial="triage-list",
    )


def _triage_context(request, **context) -> dict:
    return {
        "can_triage": request.user.has_perm("backlog.change_task"),
        "scores": SCORE_RANGE,
        "new_year": new_year_after(timezone.localdate()),
        **context,
    }


def _triage_response(request, task: Task, form, *, status: int, done: bool = False):
    """After a triage action: the row leaves (or comes back with errors) and the counter updates."""
    if not request.htmx:
        return redirect("backlog:triage")
    return render(
        request,
        "backlog/triage.html#triage-action",
        _triage_context(
            request,
            task=task,
            form=form,
            done=done,
            remaining=Task.objects.in_triage().count(),
        ),
        status=status,
    )


@dataclass(frozen=True)
class TaskAction:
    """One thing done to a task from triage or its page: the form, the service, the message.

    Each form's fields are its service's keyword arguments, version included.
    """

    form_class: type[VersionedForm]
    service: Callable[..., Task]
    done: Callable[[Task], str]


ACTIONS = {
    "score": TaskAction(
        ScoreForm,
        services.task_rescore,
        lambda task: f"“{task.title}” scored: {task.quadrant.label} — {task.quadrant.action}.",
    ),
    "status": TaskAction(
        StatusForm,
        services.task_set_status,
        lambda task: f"“{task.title}” is now {task.get_status_display().lower()}.",
    ),
    "defer": TaskAction(
        DeferForm,
        services.task_defer,
        lambda task: f"“{task.title}” deferred until {task.deferred_until:%-d %B %Y}.",
    ),
    "decline": TaskAction(
        DeclineForm, services.task_decline, lambda task: f"“{task.title}” declined."
    ),
}


@require_POST
@login_required
@can_change
def triage_action(request, pk, action):
    """Score, defer or decline a request in the inbox; its row leaves the list."""
    action = ACTIONS[action]
    task = _get_task(pk)
    form = action.form_class(request.POST, task=task)
    if task.status != Status.NEW:
        messages.info(
            request, f"“{task.title}” has left triage already: it is {task.get_status_display()}."
        )
        return _triage_response(request, task, form, status=409, done=True)
    if not form.is_valid():
        messages.error(request, f"“{task.title}”: {errors_text(form)}")
        return _triage_response(request, task, form, status=422)
    try:
        task = action.service(task=task, by=request.user, **form.cleaned_data)
    except services.StaleEdit as stale:
        messages.error(request, stale.message)
        return _triage_response(request, stale.current, form, status=409)
    messages.success(request, action.done(task))
    return _triage_response(request, task, form, status=200, done=True)


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("backlog.add_task", raise_exception=True)
def task_new(request):
    form = TaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        task = services.task_create(by=request.user, **form.cleaned_data)
        messages.success(request, f"Added “{task.title}”.")
        return redirect(task)
    return render(
        request,
        "backlog/task_new.html",
        {"form": form},
        status=422 if form.is_bound else 200,
    )


def task_page_context(task: Task, **forms) -> dict:
    defaults = {
        "form": TaskEditForm(instance=task, initial={"version": task.version}),
        "status_form": StatusForm(
            initial={"version": task.version, "status": task.status}, task=task
        ),
        "defer_form": DeferForm(initial={"version": task.version}),
        "decline_form": DeclineForm(initial={"version": task.version}),
        "plan_form": PlanForm(initial={"version": task.version, "week": task.planned_week}),
    }
    return {
        "task": task,
        "planned_week_label": task.planned_week and week_label(task.planned_week),
        "plan_shortcuts": plan_shortcuts(timezone.localdate()),
        "history": task_history(task),
        "raci": raci_matrix([task]),
        "roles": Role,
        **defaults,
        **forms,
    }


def _get_task(pk) -> Task:
    return get_object_or_404(Task.objects.select_related("requester", "category"), pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
@can_view
def task_detail(request, pk):
    """The task page; a POST saves the edit form (permission checked before anything is read)."""
    if request.method == "POST" and not request.user.has_perm("backlog.change_task"):
        raise PermissionDenied("You can read tasks but not edit them.")
    task = _get_task(pk)
    if request.method == "GET":
        return render(request, "backlog/task_detail.html", task_page_context(task))
    # The form writes cleaned values onto its instance; give it a copy so `task` keeps
    # the stored values the page shows beside the form.
    form = TaskEditForm(request.POST, instance=copy.copy(task))
    if not form.is_valid():
        return _task_form_response(request, task, form, status=422)
    changes = {name: value for name, value in form.cleaned_data.items() if name != "version"}
    try:
        task = services.task_edit(
            task=task, version=form.cleaned_data["version"], by=request.user, **changes
        )
    except services.StaleEdit as stale:
        # Keep what the editor typed, but against the newer version: saving again is a
        # deliberate choice to replace the values shown in the conflict box.
        data = request.POST.copy()
        data["version"] = stale.current.version
        form = TaskEditForm(data, instance=copy.copy(stale.current))
        form.is_valid()
        return _task_form_response(request, stale.current, form, status=409, conflict=stale.current)
    messages.success(request, f"Saved “{task.title}”.")
    if not request.htmx:
        return redirect(task)
    return HttpResponseClientRedirect(task.get_absolute_url())


def _task_form_response(request, task, form, *, status, conflict=None):
    context = task_page_context(task, form=form)
    context["conflict"] = conflict
    return render_page(
        request, "backlog/task_detail.html", context, partial="task-form", status=status
    )


@require_POST
@login_required
@can_change
def task_action(request, pk, action):
    """Change status, defer or decline from the task page, then show the page again."""
    form_key = f"{action}_form"
    action = ACTIONS[action]
    task = _get_task(pk)
    form = action.form_class(request.POST, task=task)
    if not form.is_valid():
        return render(
            request,
            "backlog/task_detail.html",
            task_page_context(task, **{form_key: form}),
            status=422,
        )
    try:
        task = action.service(task=task, by=request.user, **form.cleaned_data)
        messages.success(request, action.done(task))
    except services.StaleEdit as stale:
        task = stale.current
        messages.error(request, stale.message)
    if request.htmx:
        return HttpResponseClientRedirect(task.get_absolute_url())
    return redirect(task)


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("backlog.delete_task", raise_exception=True)
def task_delete(request, pk):
    task = _get_task(pk)
    if request.method == "GET":
        return render(request, "backlog/task_delete.html", {"task": task})
    services.task_delete(task=task, by=request.user)
    messages.success(request, f"Deleted “{task.title}”.")
    return redirect("backlog:board")


class _Echo:
    def write(self, value):
        return value


@require_GET
@login_required
@can_view
def task_export(request):
    """The filtered tasks as CSV, streamed so a large backlog doesn't sit in memory."""
    task_filter = TaskFilter(request.GET, queryset=Task.objects.all())
    if not task_filter.is_valid():
        return HttpResponse(
            f"Invalid filter: {errors_text(task_filter.form)}",
            status=400,
            content_type="text/plain",
        )
    tasks = (
        task_filter.qs.with_quadrant()
        .select_related("requester", "category")
        .order_by("id")
        .iterator(chunk_size=2000)
    )
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(CSV_COLUMNS)
        for task in tasks:
            yield writer.writerow(
                [
                    task.pk,
                    spreadsheet_safe(task.title),
                    spreadsheet_safe(task.requester or ""),
                    spreadsheet_safe(task.category or ""),
                    task.impact or "",
                    task.effort or "",
                    task.quadrant_slug,
                    task.status,
                    task.estimate or "",
                    task.planned_week or "",
                    task.due_date or "",
                    task.deferred_until or "",
                    spreadsheet_safe(task.declined_reason),
                    task.created_at.isoformat(),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mopsboard-tasks.csv"'
    return response
