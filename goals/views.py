"""Goal pages: the list, a goal with its chart, steps, check-ins and work; the forms to
create and edit them; which goals a task serves, posted from the task page; the board's
filtered tasks linked to a goal at once; the share links for leadership and the
read-only page they open."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from backlog.filters import TaskFilter
from backlog.models import Task
from capacity.year import FIRST_YEAR
from goals import services
from goals.forms import (
    CheckInEditForm,
    CheckInForm,
    GoalEditForm,
    GoalForm,
    GoalLinkForm,
    GoalShareLinkForm,
    StepEditForm,
    StepForm,
    TaskGoalsForm,
)
from goals.models import CheckIn, Goal, GoalShareLink, Step, fingerprint
from goals.progress import goal_progress, goals_progress
from goals.selectors import goal_history, shared_goals, task_goals
from goals.year import goals_of_year
from mopsboard.exports import csv_download
from mopsboard.forms import errors_text
from mopsboard.links import link_revoke_page, links_page
from mopsboard.rendering import get_goes_to, private_page, render_page
from mopsboard.templatetags.hours import hours_text

can_view = permission_required("goals.view_goal", raise_exception=True)
can_add = permission_required("goals.add_goal", raise_exception=True)
can_change = permission_required("goals.change_goal", raise_exception=True)
can_link = permission_required("backlog.change_task", raise_exception=True)
can_share = permission_required("goals.add_goalsharelink", raise_exception=True)


@require_GET
@login_required
@can_view
def goal_list(request):
    archived = request.GET.get("archived") == "1"
    goals = list(Goal.objects.filter(archived=archived).select_related("owner"))
    return render(
        request,
        "goals/list.html",
        {"rows": goals_progress(goals, today=timezone.localdate()), "archived": archived},
    )


def _goal_page(request, goal: Goal, *, check_in_form=None, status=200):
    progress = goal_progress(goal, today=timezone.localdate())
    context = {
        "goal": goal,
        "progress": progress,
        "steps": goal.steps.select_related("owner"),
        "history": goal_history(goal),
        "can_check_in": goal.takes_check_ins_from(request.user),
        "check_in_form": check_in_form
        or CheckInForm(goal=goal, initial={"on": timezone.localdate()}),
    }
    return render(request, "goals/detail.html", context, status=status)


def _get_goal(pk) -> Goal:
    return get_object_or_404(Goal.objects.select_related("owner"), pk=pk)


@require_GET
@login_required
@can_view
def goal_detail(request, pk):
    return _goal_page(request, _get_goal(pk))


def _form_page(request, form, *, heading, back, status=200, **context):
    return render(
        request,
        "goals/form.html",
        {"form": form, "heading": heading, "back": back, **context},
        status=status,
    )


def _shown(row, name: str):
    """A field's value as the page says it: a choice's label, yes or no, None for nothing."""
    if row._meta.get_field(name).choices:
        value = getattr(row, f"get_{name}_display")()
    else:
        value = getattr(row, name)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return None if value in ("", None) else value


def _changed_meanwhile_page(request, form, current, *, kind: str, heading, back, **arguments):
    """The edit form again (409) when someone else saved `current` since the editor loaded
    it: still what they typed, beside what the other person saved wherever the two differ.
    It now carries `current`'s fingerprint, so saving again keeps it, seen."""
    data = request.POST.copy()
    data["seen"] = fingerprint(current)
    form = type(form)(data, instance=copy.copy(current), **arguments)
    form.is_valid()
    differences = [
        {
            "label": form[name].label,
            "theirs": _shown(current, name),
            "yours": _shown(form.instance, name),
        }
        for name in form.changed_data
    ]
    return _form_page(
        request,
        form,
        heading=heading,
        back=back,
        status=409,
        kind=kind,
        differences=differences,
    )


@require_http_methods(["GET", "POST"])
@login_required
@can_add
def goal_new(request):
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        goal = services.goal_save(goal=form.instance, by=request.user, via="goals")
        messages.success(request, f"Goal “{goal}” created.")
        return redirect(goal)
    return _form_page(
        request, form, heading="New goal", back=None, status=422 if form.is_bound else 200
    )


@require_http_methods(["GET", "POST"])
@login_required
@can_change
def goal_edit(request, pk):
    goal = _get_goal(pk)
    # The heading names the goal as stored, not as an invalid form leaves its instance.
    heading = f"Edit “{goal}”"
    form = GoalEditForm(request.POST or None, instance=goal)
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.goal_save(
                goal=form.instance, by=request.user, via="goals", seen=form.cleaned_data["seen"]
            )
        except services.ChangedMeanwhile as changed:
            return _changed_meanwhile_page(
                request,
                form,
                changed.current,
                kind="goal",
                heading=f"Edit “{changed.current}”",
                back=changed.current,
            )
        messages.success(request, f"Goal “{goal}” saved.")
        return redirect(goal)
    return _form_page(
        request,
        form,
        heading=heading,
        back=goal,
        status=422 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
@can_change
def step_new(request, pk):
    goal = _get_goal(pk)
    form = StepForm(request.POST or None, instance=Step(goal=goal))
    if request.method == "POST" and form.is_valid():
        step = services.step_save(step=form.instance, by=request.user, via="goals")
        messages.success(request, f"Step “{step}” added.")
        return redirect(goal)
    return _form_page(
        request,
        form,
        heading=f"New step of “{goal}”",
        back=goal,
        status=422 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
@can_change
def step_edit(request, pk):
    step = get_object_or_404(Step.objects.select_related("goal"), pk=pk)
    heading = f"Edit a step of “{step.goal}”"
    form = StepEditForm(request.POST or None, instance=step)
    if request.method == "POST" and form.is_valid():
        try:
            step = services.step_save(
                step=form.instance, by=request.user, via="goals", seen=form.cleaned_data["seen"]
            )
        except services.ChangedMeanwhile as changed:
            return _changed_meanwhile_page(
                request, form, changed.current, kind="step", heading=heading, back=step.goal
            )
        messages.success(request, f"Step “{step}” saved.")
        return redirect(step.goal)
    return _form_page(
        request,
        form,
        heading=heading,
        back=step.goal,
        status=422 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
@get_goes_to(lambda pk: Goal(pk=pk).get_absolute_url())
@can_view
def check_in_new(request, pk):
    goal = _get_goal(pk)
    if not goal.takes_check_ins_from(request.user):
        raise PermissionDenied("Only the lead and the goal's Accountable person check in.")
    form = CheckInForm(request.POST, goal=goal, instance=CheckIn(goal=goal))
    if not form.is_valid():
        return _goal_page(request, goal, check_in_form=form, status=422)
    check_in = services.check_in_save(check_in=form.instance, by=request.user, via="goals")
    messages.success(request, f"Check-in of {goal.format_value(check_in.value)} recorded.")
    return redirect(goal)


@require_http_methods(["GET", "POST"])
@login_required
@can_view
def check_in_edit(request, pk):
    check_in = get_object_or_404(CheckIn.objects.select_related("goal__owner"), pk=pk)
    goal = check_in.goal
    if not goal.takes_check_ins_from(request.user):
        raise PermissionDenied("Only the lead and the goal's Accountable person edit check-ins.")
    heading = f"Correct a check-in of “{goal}”"
    form = CheckInEditForm(request.POST or None, goal=goal, instance=check_in)
    if request.method == "POST" and form.is_valid():
        try:
            services.check_in_save(
                check_in=form.instance,
                by=request.user,
                via="goals",
                seen=form.cleaned_data["seen"],
            )
        except services.ChangedMeanwhile as changed:
            return _changed_meanwhile_page(
                request,
                form,
                changed.current,
                kind="check-in",
                heading=heading,
                back=goal,
                goal=goal,
            )
        messages.success(request, "Check-in corrected; the history keeps what it said before.")
        return redirect(goal)
    return _form_page(
        request,
        form,
        heading=heading,
        back=goal,
        status=422 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
@get_goes_to(lambda pk: Task(pk=pk).get_absolute_url())
@can_link
def task_goals_update(request, pk):
    """The task page's Goals panel: which goals and steps the task serves."""
    task = get_object_or_404(Task, pk=pk)
    form = TaskGoalsForm(request.POST)
    if form.is_valid():
        services.task_goals_set(
            task=task,
            goals=form.cleaned_data["goals"],
            steps=form.cleaned_data["steps"],
            by=request.user,
            via="task",
        )
        messages.success(request, f"“{task}” now serves the goals ticked.")
        status = 200
    else:
        messages.error(request, f"Goals not saved: {errors_text(form)}")
        status = 422
    if not request.htmx:
        return redirect(task)
    context = {"task": task, "goals_panel": task_goals(task, form=None if status == 200 else form)}
    return render_page(
        request, "goals/task_goals.html", context, partial="task-goals", status=status
    )


@require_GET
@login_required
@can_share
def share_links(request):
    """The lead's leadership links; `?goal=` ticks goals in advance (a goal's "Share…")."""
    form = GoalShareLinkForm(initial={"goals": request.GET.getlist("goal")})
    return _share_links_page(request, form)


def _share_links_page(request, form, *, status: int = 200):
    links = GoalShareLink.objects.select_related("created_by").prefetch_related("goals")
    return links_page(request, "goals/share_links.html", links, form, status=status)


# The confirmation names a few of the tasks it will link, and how many in all.
TASKS_NAMED = 10


@require_http_methods(["GET", "POST"])
@login_required
@get_goes_to("goals:share-links")
@can_share
def share_link_create(request):
    form = GoalShareLinkForm(request.POST)
    if not form.is_valid():
        return _share_links_page(request, form, status=422)
    link = services.share_link_create(by=request.user, **form.cleaned_data)
    messages.success(request, f"Share link for {link.label} created. Copy it from the list.")
    return redirect("goals:share-links")


@require_http_methods(["GET", "POST"])
@login_required
@can_share
def share_link_revoke(request, pk):
    """Ask first, then close the link for good."""
    return link_revoke_page(
        request,
        get_object_or_404(GoalShareLink, pk=pk, revoked_at__isnull=True),
        kind="link",
        consequence="Whoever has it will get “not found” from now on.",
        revoke=services.share_link_revoke,
        back_to=reverse("goals:share-links"),
    )


@require_GET
def shared(request, token):
    """The goals read-only for leadership: no login, no forms, nothing internal."""
    try:
        link = GoalShareLink.open(token, today=timezone.localdate())
    except GoalShareLink.DoesNotExist as missing:
        raise Http404(
            "This link to the team's goals no longer opens: it may have expired or been "
            "revoked. Ask whoever sent it for a new one."
        ) from missing
    rows = shared_goals(link, today=timezone.localdate())
    return private_page(render(request, "goals/shared.html", {"link": link, "rows": rows}))


@require_GET
@login_required
@can_view
def year_export(request, year):
    """The year in review's goals as CSV: one row a goal, its target against what it
    achieved by the year's end, and the work done for it that year."""
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404(f"There is no year in review for {year}: pick {FIRST_YEAR} to this year.")
    header = [
        "goal",
        "kpi",
        "baseline",
        "target",
        "deadline",
        "achieved",
        "achieved_on",
        "target_met",
        "tasks_done",
        "hours_done",
    ]
    rows = [
        [
            row.goal.title,
            row.goal.kpi_name,
            row.goal.baseline,
            row.goal.target,
            row.goal.deadline,
            row.achieved.value if row.achieved else "",
            row.achieved.on if row.achieved else "",
            "yes" if row.met else "no",
            len(row.done),
            hours_text(row.hours_done),
        ]
        for row in goals_of_year(year)
    ]
    return csv_download(f"mopsboard-{year}-goals.csv", header, rows)


@require_http_methods(["GET", "POST"])
@login_required
@can_link
def tasks_link(request):
    """Link every task the board's filter shows (the query string) to one goal or step:
    a GET asks to confirm, naming how many tasks and the goal; the POST links them."""
    task_filter = TaskFilter(request.GET, queryset=Task.objects.all(), request=request)
    # What the board shows: the scored tasks among those the filter selects.
    tasks = task_filter.qs.filter(impact__isnull=False)
    filter_query = request.GET.copy()
    for name in ("link-goal", "link-step", "page"):
        filter_query.pop(name, None)
    board = f"{reverse('backlog:board')}?{filter_query.urlencode()}"
    data = request.POST if request.method == "POST" else request.GET
    form = GoalLinkForm(data if {"link-goal", "link-step"} & set(data) else None, prefix="link")
    if request.method == "POST" and form.is_valid():
        linked = services.tasks_goal_link(
            tasks=tasks,
            goal=form.cleaned_data["goal"],
            step=form.cleaned_data["step"],
            by=request.user,
            via="board",
        )
        chosen = form.cleaned_data["goal"] or form.cleaned_data["step"]
        serve = "task now serves" if linked == 1 else "tasks now serve"
        messages.success(request, f"{linked} more {serve} “{chosen}”.")
        return redirect(board)
    context = {"form": form, "board": board, "filter_query": filter_query.urlencode()}
    if form.is_bound and form.is_valid():
        context.update(
            chosen=form.cleaned_data["goal"] or form.cleaned_data["step"],
            count=tasks.count(),
            named=list(tasks.by_priority().values_list("title", flat=True)[:TASKS_NAMED]),
        )
    status = 422 if form.is_bound and not form.is_valid() else 200
    return render(request, "goals/tasks_link.html", context, status=status)
