"""Backlog pages: the board, the scatter, the triage inbox, a task, deferred work, the
CSV export. Every change to a task goes through backlog.actions (or, for the edit form
and deletion, backlog.services)."""

import copy

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Expression
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from backlog import services
from backlog.actions import ACTIONS, Outcome, chosen_task_act, task_act
from backlog.filters import GoalFilterSet, TaskFilter
from backlog.forms import TaskEditForm, TaskForm, edit_conflict
from backlog.models import SCORE_RANGE, TRIAGE_COUNTED, Quadrant, Status, Task, new_year_after
from backlog.selectors import (
    board_quadrants,
    keep_in_sight,
    scatter_axes,
    scatter_points,
    task_at_version,
    task_history,
)
from mopsboard.counts import count_label
from mopsboard.errors import DomainError
from mopsboard.exports import csv_download
from mopsboard.forms import errors_text
from mopsboard.rendering import done_undoably, get_goes_to, render_page
from mopsboard.reversing import reverse_ids
from mopsboard.weeks import plan_shortcuts

can_view = permission_required("backlog.view_task", raise_exception=True)
can_change = permission_required("backlog.change_task", raise_exception=True)
SCATTER_LIMIT = 250
TRIAGE_PAGE_SIZE = 25
DEFERRED_PAGE_SIZE = 50
# What each page offers to do to a task; the task page's Plan panel needs capacity's
# "plan" and "unplan", registered in backlog.actions at start-up.
# goals adds "link-goal" (the goal picker) and "reject-goal" (a requester's suggestion).
BOARD_ACTIONS = ["move", "plan", "unplan", "defer", "decline", "link-goal"]
TRIAGE_ACTIONS = ["score", "defer", "decline", "link-goal", "reject-goal"]
TASK_PAGE_ACTIONS = ["status", "defer", "decline", "plan", "unplan"]


def _board_context(request, task_filter: TaskFilter, *, moved: Task | None = None) -> dict:
    quadrants = board_quadrants(
        task_filter.qs, cards_per_quadrant=settings.MOPSBOARD_QUADRANT_PAGE_SIZE
    )
    if moved is not None:
        keep_in_sight(quadrants, moved)
    return {
        "filter": task_filter,
        "quadrants": quadrants,
        # Every card on the page, for what is read for all of them at once (who is Responsible).
        "cards": [task for column in quadrants for task in column.cards],
        "moved_id": moved and moved.pk,
        "query": request.GET.urlencode(),
        "quadrant_choices": list(Quadrant),
        "can_move": request.user.has_perm("backlog.change_task"),
        # How many the filter shows, for "Link these N tasks to a goal…".
        "scored_label": count_label(sum(column.count for column in quadrants)),
        "plan_shortcuts": plan_shortcuts(timezone.localdate()),
        "new_year": new_year_after(timezone.localdate()),
    }


def _filter_status(task_filter: TaskFilter) -> int:
    """Unreadable filters are ignored with a message; 422 so htmx swaps it in."""
    return 200 if task_filter.is_valid() else 422


def _board(request, *, status: int | None = None, moved: Task | None = None):
    task_filter = TaskFilter(request.GET, queryset=Task.objects.all(), request=request)
    return render_page(
        request,
        "backlog/board.html",
        _board_context(request, task_filter, moved=moved),
        partial="board-quadrants",
        status=status or _filter_status(task_filter),
    )


@require_GET
@login_required
@can_view
def board(request):
    return _board(request)


@require_GET
@login_required
@can_view
def quadrant(request, slug):
    """One quadrant's cards a page at a time: the board's "show more"."""
    quadrant = Quadrant(slug)
    task_filter = TaskFilter(request.GET, queryset=Task.objects.all(), request=request)
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
    task_filter = TaskFilter(request.GET, queryset=Task.objects.all(), request=request)
    points, total = scatter_points(task_filter.qs, limit=SCATTER_LIMIT)
    axes = scatter_axes()
    # The links come quadrant by quadrant, so the template walks the points once.
    for zone in axes["zones"]:
        zone["points"] = [point for point in points if point.quadrant == zone["quadrant"]]
    return render_page(
        request,
        "backlog/scatter.html",
        {
            "filter": task_filter,
            "points": points,
            "total": total,
            "total_label": count_label(total),
            "axes": axes,
            "quadrants": list(Quadrant),
            "query": request.GET.urlencode(),
        },
        partial="scatter-chart",
        status=_filter_status(task_filter),
    )


@require_http_methods(["GET", "POST"])
@login_required
@get_goes_to("backlog:board")
@can_change
def board_action(request):
    """Act on a card from the board: move it to a quadrant (drag, Shift+arrows or its
    menu), plan, unplan, defer or decline it. The board's quadrants answer."""
    outcome = chosen_task_act(
        data=request.POST, actions=BOARD_ACTIONS, by=request.user, via="board"
    )
    _tell(request, outcome)
    if getattr(outcome.refusal, "overloads", None):
        messages.info(request, "Tick “even over capacity” to plan it anyway.")
    if not request.htmx:
        return redirect(f"{reverse('backlog:board')}?{request.GET.urlencode()}")
    moved = outcome.task if outcome.done and request.POST.get("action") == "move" else None
    return _board(request, status=outcome.status, moved=moved)


def _tell(request, outcome: Outcome) -> None:
    if outcome.change:
        done_undoably(request, outcome.message, change=outcome.change)
        return
    (messages.success if outcome.done else messages.error)(request, outcome.message)


@require_GET
@login_required
@can_view
def triage(request):
    # The board's Goal filter: what the team is measured on, first.
    task_filter = GoalFilterSet(request.GET, queryset=Task.objects.all(), request=request)
    inbox = (
        task_filter.qs.in_triage()
        .with_triage_history()
        .select_related("requester", "category")
        .order_by("created_at", "id")
    )
    page = Paginator(inbox, TRIAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    filter_query = request.GET.copy()
    filter_query.pop("page", None)
    today = timezone.localdate()
    for task in page:
        task.wait = task.triage_wait(today)
    return render_page(
        request,
        "backlog/triage.html",
        _triage_context(
            request,
            page=page,
            waiting=page.paginator.count,
            # The daily return_deferred command puts these in the inbox; until it has
            # run today they are listed apart, and can be triaged all the same.
            due_back=task_filter.qs.due_back(today).select_related("requester", "category")[
                :TRIAGE_PAGE_SIZE
            ],
            filter=task_filter,
            filter_query=filter_query.urlencode(),
        ),
        partial="triage-list",
        status=_filter_status(task_filter),
    )


def _triage_context(request, **context) -> dict:
    return {
        "counted": TRIAGE_COUNTED,
        "can_triage": request.user.has_perm("backlog.change_task"),
        "scores": SCORE_RANGE,
        "new_year": new_year_after(timezone.localdate()),
        "sla_days": settings.MOPSBOARD_TRIAGE_SLA_DAYS,
        **context,
    }


@require_http_methods(["GET", "POST"])
@login_required
@get_goes_to("backlog:triage")
@can_change
def triage_action(request, pk, action):
    """Score, defer or decline a request in the inbox, and its row leaves the list; or
    link it to a goal (or set aside its requester's), and its row stays to be scored."""
    if action not in TRIAGE_ACTIONS:
        raise Http404(f"Triage offers {', '.join(TRIAGE_ACTIONS)}.")
    task = _get_task(pk)
    if not task.awaiting_triage:
        message = f"“{task.title}” has left triage already: it is {task.get_status_display()}."
        messages.info(request, message)
        return _triage_response(request, task, form=None, status=409, done=True)
    outcome = task_act(name=action, task=task, data=request.POST, by=request.user, via="triage")
    _tell(request, outcome)
    left = outcome.done and not outcome.task.awaiting_triage
    done = left or isinstance(outcome.refusal, DomainError)
    return _triage_response(request, outcome.task, outcome.form, status=outcome.status, done=done)


def _triage_response(request, task: Task, form, *, status: int, done: bool):
    """After a triage action: the row leaves (or comes back with errors) and the counter updates."""
    if not request.htmx:
        return redirect("backlog:triage")
    if not done:
        # The row stays (linked to a goal, or refused) and shows its wait as the inbox does.
        task.was_triaged = (
            Task.objects.filter(pk=task.pk)
            .with_triage_history()
            .values_list("was_triaged", flat=True)[0]
        )
        task.wait = task.triage_wait(timezone.localdate())
    return render(
        request,
        "backlog/triage.html#triage-action",
        _triage_context(
            request,
            task=task,
            form=form,
            done=done,
            waiting=Task.objects.triage_waiting(),
        ),
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("backlog.add_task", raise_exception=True)
def task_new(request):
    form = TaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        task = services.task_create(by=request.user, via="task", **form.cleaned_data)
        messages.success(request, f"Added “{task.title}”.")
        return redirect(task)
    return render(
        request,
        "backlog/task_new.html",
        {"form": form},
        status=422 if form.is_bound else 200,
    )


def _task_page_context(task: Task, **context) -> dict:
    """The task page: its edit form, a form for each action, its history. Its RACI
    panel comes from raci's template tag, which the page loads."""
    initial = {"version": task.version, "status": task.status, "week": task.planned_week}
    action_forms = {
        f"{name}_form": ACTIONS[name].form_class(initial=initial, task=task)
        for name in TASK_PAGE_ACTIONS
    }
    return {
        "task": task,
        "form": TaskEditForm(instance=task, initial={"version": task.version}),
        "plan_shortcuts": plan_shortcuts(timezone.localdate()),
        "history": task_history(task),
        **action_forms,
        **context,
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
        return render(request, "backlog/task_detail.html", _task_page_context(task))
    # The form writes cleaned values onto its instance; give it a copy so `task` keeps
    # the stored values the page shows beside the form.
    form = TaskEditForm(request.POST, instance=copy.copy(task))
    if not form.is_valid():
        return _task_form_response(request, task, form, status=422)
    changes = {name: value for name, value in form.cleaned_data.items() if name != "version"}
    try:
        task = services.task_edit(
            task=task, version=form.cleaned_data["version"], by=request.user, via="task", **changes
        )
    except services.TaskGone as gone:
        raise Http404(gone.message) from gone
    except services.StaleEdit as stale:
        # Show what the other person changed, and keep what this one typed only where
        # they changed it: saving again then overwrites nothing they have not seen.
        current = stale.current
        base = task_at_version(task, form.cleaned_data["version"], fields=TaskForm.Meta.fields)
        conflicts, data = edit_conflict(form, current=current, base=base)
        form = TaskEditForm(data, instance=copy.copy(current))
        form.is_valid()
        return _task_form_response(request, current, form, status=409, conflicts=conflicts)
    messages.success(request, f"Saved “{task.title}”.")
    if not request.htmx:
        return redirect(task)
    return HttpResponseClientRedirect(task.get_absolute_url())


def _task_form_response(request, task, form, *, status, conflicts=None):
    context = _task_page_context(task, form=form, conflicts=conflicts)
    return render_page(
        request, "backlog/task_detail.html", context, partial="task-form", status=status
    )


@require_http_methods(["GET", "POST"])
@login_required
@get_goes_to(lambda pk, action: reverse_ids("backlog:task-detail", pk))
@can_change
def task_action(request, pk, action):
    """Change status, defer, decline, plan or unplan from the task page.

    Done or refused, a plain POST goes back to the task's page with a message, so the
    address bar holds the task's address, not the action's. Over htmx, invalid input, or
    planning that would put someone over their hours, shows the form again with what to
    fix or the "plan anyway" choice.
    """
    if action not in TASK_PAGE_ACTIONS:
        raise Http404(f"The task page offers {', '.join(TASK_PAGE_ACTIONS)}.")
    task = _get_task(pk)
    outcome = task_act(name=action, task=task, data=request.POST, by=request.user, via="task")
    if request.htmx and (outcome.status == 422 or getattr(outcome.refusal, "overloads", None)):
        # Unplan has no fields to show again: the Plan panel keeps its own form.
        shown = {} if action == "unplan" else {f"{action}_form": outcome.form}
        context = _task_page_context(task, **shown, refusal=outcome.refusal)
        if action in ("plan", "unplan"):
            return render_page(
                request,
                "backlog/task_detail.html",
                context,
                partial="task-plan",
                status=outcome.status,
            )
        return render(request, "backlog/task_detail.html", context, status=outcome.status)
    _tell(request, outcome)
    if isinstance(outcome.refusal, services.TaskGone):
        raise Http404(outcome.message)
    if request.htmx:
        return HttpResponseClientRedirect(outcome.task.get_absolute_url())
    return redirect(outcome.task)


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("backlog.delete_task", raise_exception=True)
def task_delete(request, pk):
    task = _get_task(pk)
    if request.method == "GET":
        return render(request, "backlog/task_delete.html", {"task": task})
    services.task_delete(task=task, by=request.user, via="task")
    messages.success(request, f"Deleted “{task.title}”.")
    return redirect("backlog:board")


@require_GET
@login_required
@can_view
def deferred(request):
    """What waits, soonest back first; each returns to triage on its date."""
    tasks = (
        Task.objects.filter(status=Status.DEFERRED)
        .select_related("requester", "category")
        .order_by("deferred_until", "title")
    )
    page = Paginator(tasks, DEFERRED_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "backlog/deferred.html", {"page": page, "today": timezone.localdate()})


CSV_COLUMNS = [
    "id",
    "title",
    "description",
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
# Columns the apps above the backlog add at the end, each an annotation on the tasks,
# registered at start-up as task actions are (capacity: a plan's last week and hours).
CSV_MORE_COLUMNS: dict[str, Expression] = {}


@require_GET
@login_required
@can_view
def task_export(request):
    """The filtered tasks as CSV, streamed so a large backlog doesn't sit in memory."""
    task_filter = TaskFilter(request.GET, queryset=Task.objects.all(), request=request)
    if not task_filter.is_valid():
        return HttpResponse(
            f"Invalid filter: {errors_text(task_filter.form)}",
            status=400,
            content_type="text/plain",
        )
    tasks = (
        task_filter.qs.with_quadrant()
        .annotate(**CSV_MORE_COLUMNS)
        .select_related("requester", "category")
        .order_by("id")
        .iterator(chunk_size=2000)
    )
    rows = (
        [
            task.pk,
            task.title,
            task.description,
            str(task.requester or ""),
            str(task.category or ""),
            task.impact or "",
            task.effort or "",
            task.quadrant_slug,
            task.status,
            task.estimate or "",
            task.planned_week or "",
            task.due_date or "",
            task.deferred_until or "",
            task.declined_reason,
            task.created_at.isoformat(),
            *(getattr(task, name) or "" for name in CSV_MORE_COLUMNS),
        ]
        for task in tasks
    )
    return csv_download("mopsboard-tasks.csv", [*CSV_COLUMNS, *CSV_MORE_COLUMNS], rows)
