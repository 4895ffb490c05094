"""Goal pages: the list, a goal with its chart, steps, check-ins and work; the forms to
create and edit them; which goals a task serves, posted from the task page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from backlog.models import Task
from goals import services
from goals.forms import CheckInForm, GoalForm, StepForm, TaskGoalsForm
from goals.models import CheckIn, Goal, Step
from goals.progress import goal_progress, goals_progress
from goals.selectors import goal_history, task_goals
from mopsboard.forms import errors_text
from mopsboard.rendering import get_goes_to, render_page

can_view = permission_required("goals.view_goal", raise_exception=True)
can_add = permission_required("goals.add_goal", raise_exception=True)
can_change = permission_required("goals.change_goal", raise_exception=True)
can_link = permission_required("backlog.change_task", raise_exception=True)


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


def _form_page(request, form, *, heading, back, status=200):
    return render(
        request, "goals/form.html", {"form": form, "heading": heading, "back": back}, status=status
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
    form = GoalForm(request.POST or None, instance=goal)
    if request.method == "POST" and form.is_valid():
        goal = services.goal_save(goal=form.instance, by=request.user, via="goals")
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
    form = StepForm(request.POST or None, instance=step)
    if request.method == "POST" and form.is_valid():
        step = services.step_save(step=form.instance, by=request.user, via="goals")
        messages.success(request, f"Step “{step}” saved.")
        return redirect(step.goal)
    return _form_page(
        request,
        form,
        heading=f"Edit a step of “{step.goal}”",
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
    form = CheckInForm(request.POST or None, goal=goal, instance=check_in)
    if request.method == "POST" and form.is_valid():
        services.check_in_save(check_in=form.instance, by=request.user, via="goals")
        messages.success(request, "Check-in corrected; the history keeps what it said before.")
        return redirect(goal)
    return _form_page(
        request,
        form,
        heading=f"Correct a check-in of “{goal}”",
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
