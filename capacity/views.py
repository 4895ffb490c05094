"""Capacity pages: people and their hours, the horizon, the weekly review, the year in
review.

Planning a task is one of the task actions (backlog.actions): the board and the task
page plan through it as the review does here.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from backlog.actions import chosen_task_act
from backlog.models import new_year_after
from capacity import services
from capacity.agenda import (
    ahead_headings,
    review_bar_figures,
    review_figures,
    review_since,
    review_weeks,
    spare_hours_figures,
)
from capacity.forms import (
    CapacityForm,
    CellMoveForm,
    HorizonForm,
    ReviewForm,
    SeenForm,
    SuggestionForm,
    SuggestionPlanForm,
    TimeOffForm,
)
from capacity.horizon import (
    AT_RISK_CHECKED,
    Cell,
    due_dates_at_risk,
    due_dates_unchecked,
    horizon,
    horizon_cell,
    next_peak,
)
from capacity.load import ownership, team_load, week_summary
from capacity.models import Review, TimeOff
from capacity.my_work import my_work, rest_page
from capacity.suggestions import suggestion_dismiss, suggestion_plan
from capacity.year import FIRST_YEAR, year_in_review
from mopsboard.counts import count_label
from mopsboard.errors import DomainError
from mopsboard.exports import csv_download
from mopsboard.forms import errors_text
from mopsboard.rendering import get_goes_to, render_page, varies_on_htmx
from mopsboard.reversing import reverse_ids
from mopsboard.templatetags.hours import hours_text
from mopsboard.weeks import this_and_next_week, week_from_input, week_label, week_of
from people.models import Person
from raci.models import RESPONSIBLE_ROLES, Assignment

# What the review's bars offer to do to a task.
REVIEW_ACTIONS = ["plan", "plan-before-due", "unplan", "defer", "decline"]
# What My work offers: moving a task along (in progress, done, back to the backlog).
MY_WORK_ACTIONS = ["status"]
PAST_REVIEWS_PAGE_SIZE = 10
can_change_people = permission_required("people.change_person", raise_exception=True)


def _people_context(request) -> dict:
    """Every active team member's hours and load this week and next, and what they own."""
    this_week, next_week = this_and_next_week(timezone.localdate())
    team = team_load(weeks=[this_week, next_week], with_unassigned=True)
    owned = ownership([row.person for row in team.people])
    return {
        "rows": [
            {"load": person_load, "owned": owned[person_load.person.pk]}
            for person_load in team.people
        ],
        "totals": [team.week_totals(this_week), team.week_totals(next_week)],
        "unassigned": team.unassigned.get(this_week, []),
        "week_labels": [week_label(this_week), week_label(next_week)],
        "time_off": TimeOff.objects.filter(week__gte=this_week).select_related("person"),
        "people": [row.person for row in team.people],
        "can_change": request.user.has_perm("people.change_person"),
        "time_off_form": TimeOffForm(initial={"week": this_week}),
    }


def _people_table(request, *, status: int):
    """After a change on the People page: the table again, or the page for a plain POST."""
    if not request.htmx:
        return redirect("capacity:people")
    return render_page(
        request,
        "capacity/people.html",
        _people_context(request),
        partial="people-table",
        status=status,
    )


@require_GET
@login_required
@permission_required("people.view_person", raise_exception=True)
def week_capacity(request):
    """The team's hours this week and the next peak within the horizon, a line the board
    and triage load after their page.
    Asked for as a page (no htmx), it is the People page, which has them all."""
    if not request.htmx:
        return redirect("capacity:people")
    this_week = week_of(timezone.localdate())
    response = render(
        request,
        "capacity/people.html#week-capacity",
        {"this_week": week_summary(this_week), "next_peak": next_peak(start=this_week)},
    )
    return varies_on_htmx(response)


@require_GET
@login_required
@permission_required("people.view_person", raise_exception=True)
def people(request):
    return render(request, "capacity/people.html", _people_context(request))


@require_http_methods(["GET", "POST"])
@login_required
@get_goes_to("capacity:people")
@can_change_people
def person_capacity(request, pk):
    person = get_object_or_404(Person, pk=pk)
    form = CapacityForm(request.POST)
    if form.is_valid():
        services.person_capacity_set(
            person=person, hours=form.cleaned_data["weekly_capacity_hours"]
        )
        messages.success(request, f"{person} now has {person.weekly_capacity_hours} h a week.")
        status = 200
    else:
        messages.error(request, f"{person}: {' '.join(form.errors['weekly_capacity_hours'])}")
        status = 422
    return _people_table(request, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@get_goes_to("capacity:people")
@can_change_people
def time_off(request):
    form = TimeOffForm(request.POST)
    if form.is_valid():
        services.time_off_set(**form.cleaned_data)
        messages.success(request, f"Time off for {form.cleaned_data['person']} saved.")
        status = 200
    else:
        messages.error(request, f"Time off not saved: {errors_text(form)}")
        status = 422
    return _people_table(request, status=status)


def _review_context(request, *, spare_hours=False, ahead=False, **context) -> dict:
    """The live review: figures as of now, since the last recorded review; the spare
    hours' fill-ins only when `spare_hours`, the agenda's peaks and due dates at risk only
    when `ahead`, as the page loads them after it is drawn."""
    now = timezone.now()
    since = review_since(now)
    today = timezone.localdate()
    figures = review_figures(
        today=today,
        since=since,
        with_tasks=False,
        with_spare_hours=spare_hours,
        with_ahead=ahead,
    )
    open_bar = context.get("open", request.GET.get("open", ""))
    for person in figures["people"]:
        for index, week in enumerate(person["weeks"]):
            # Where a closed bar loads its tasks from when it is opened.
            week["tasks_url"] = reverse_ids("capacity:review-bar", person["id"], index)
            if week["bar"] == open_bar:
                bar = review_bar_figures(person_id=person["id"], index=index, today=today)
                week["tasks"] = bar["tasks"]
    return {
        "figures": figures,
        "since": since,
        "last_review": Review.objects.defer("figures").order_by("-recorded_at").first(),
        "live": True,
        "can_plan": request.user.has_perm("backlog.change_task"),
        "new_year": new_year_after(today),
        "open": open_bar,
        **context,
    }


def _past_reviews(request):
    reviews = Review.objects.defer("figures").order_by("-held_on")
    return Paginator(reviews, 10).get_page(request.GET.get("page"))


@require_GET
@login_required
@permission_required("capacity.view_review", raise_exception=True)
def review(request):
    """The weekly review, for the projector: load against hours, what changed, decisions."""
    past_reviews = _past_reviews(request)
    if request.htmx and request.htmx.target == "past-reviews":
        response = render(
            request, "capacity/review.html#past-reviews", {"past_reviews": past_reviews}
        )
        return varies_on_htmx(response, target=True)
    return _review_page(request, past_reviews=past_reviews)


def _review_page(request, *, past_reviews, spare_hours=False, ahead=False):
    context = _review_context(
        request,
        spare_hours=spare_hours,
        ahead=ahead,
        form=ReviewForm(
            initial={
                "held_on": timezone.localdate(),
                "attendees": Person.objects.filter(kind=Person.Kind.TEAM, is_active=True),
            }
        ),
        past_reviews=past_reviews,
        # Presentation mode, for the projector: large type, keys to step through the page.
        present=request.GET.get("present") == "1",
    )
    return varies_on_htmx(render(request, "capacity/review.html", context), target=True)


@require_GET
@login_required
@permission_required("capacity.view_review", raise_exception=True)
def review_spare_hours(request):
    """The fill-ins that fit next week's spare hours: chosen from all the open fill-ins,
    so the review loads them after the page rather than making the room wait. Asked for
    as a page (no htmx, the link it stands in for), it is the review with them in place."""
    if not request.htmx:
        return _review_page(request, past_reviews=_past_reviews(request), spare_hours=True)
    _, next_week = this_and_next_week(timezone.localdate())
    context = {
        "figures": {"spare_hours": spare_hours_figures(next_week)},
        "live": True,
        "can_plan": request.user.has_perm("backlog.change_task"),
    }
    return varies_on_htmx(render(request, "capacity/review.html#spare-hours", context))


@require_GET
@login_required
@permission_required("capacity.view_review", raise_exception=True)
def review_ahead(request):
    """The agenda's peaks ahead and due dates at risk: read over the whole horizon, so the
    review loads them after the page. Asked for as a page (no htmx, the link it stands in
    for), it is the review with them in place."""
    if not request.htmx:
        return _review_page(request, past_reviews=_past_reviews(request), ahead=True)
    context = {
        "headings": ahead_headings(timezone.localdate()),
        "live": True,
        "can_plan": request.user.has_perm("backlog.change_task"),
    }
    return varies_on_htmx(render(request, "capacity/review.html#agenda-ahead", context))


@require_GET
@login_required
@permission_required("capacity.view_review", raise_exception=True)
def review_bar(request, person, index):
    """The tasks behind one bar of the review, loaded when the bar is opened."""
    if index not in (0, 1):
        raise Http404("The review shows this week (0) and next week (1) only.")
    person = get_object_or_404(Person, pk=person, kind=Person.Kind.TEAM)
    if not request.htmx:
        bar = f"{person.pk}-{index}"
        return redirect(f"{reverse('capacity:review')}?{urlencode({'open': bar})}#bar-{bar}")
    today = timezone.localdate()
    context = {
        "week": review_bar_figures(person_id=person.pk, index=index, today=today),
        "index": index,
        "week_labels": review_weeks(today),
        "live": True,
        "can_plan": request.user.has_perm("backlog.change_task"),
        "new_year": new_year_after(today),
    }
    return varies_on_htmx(render(request, "capacity/review.html#bar-tasks", context))


@require_http_methods(["GET", "POST"])
@login_required
@get_goes_to("capacity:review")
@permission_required("capacity.add_review", raise_exception=True)
def review_record(request):
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            recorded = services.review_record(by=request.user, **form.cleaned_data)
        except IntegrityError:
            form.add_error("held_on", "That day has a review already.")
        else:
            messages.success(request, f"{recorded} recorded.")
            if request.htmx:
                return HttpResponseClientRedirect(recorded.get_absolute_url())
            return redirect(recorded)
    if request.htmx:
        response = render(request, "capacity/review.html#review-record", {"form": form}, status=422)
        return varies_on_htmx(response)
    context = _review_context(request, form=form, past_reviews=_past_reviews(request))
    return render(request, "capacity/review.html", context, status=422)


@require_GET
@login_required
@permission_required("capacity.view_review", raise_exception=True)
def review_detail(request, pk):
    """A past review, with the figures the room saw that day."""
    recorded = get_object_or_404(
        Review.objects.select_related("recorded_by").prefetch_related("attendees"), pk=pk
    )
    return render(
        request,
        "capacity/review_detail.html",
        {"review": recorded, "figures": recorded.figures, "live": False},
    )


def _act_on_task(request) -> tuple[int, dict | None]:
    """Plan, unplan, defer or decline the task named in the POST from the review's bars;
    recording the review links what was done from it.

    Returns the response status and, when planning would push someone over their hours
    and the form did not allow it, the warning instead of the change.
    """
    outcome = chosen_task_act(
        data=request.POST, actions=REVIEW_ACTIONS, by=request.user, via="review"
    )
    if overloads := getattr(outcome.refusal, "overloads", None):
        return outcome.status, {
            # Planned again with "Plan anyway": a week, or the fix of a due date at risk.
            "action": request.POST["action"],
            "task": outcome.task,
            # What the person saw, so "Plan anyway" is still refused if the task changed.
            "version": outcome.form.cleaned_data["version"],
            "week_label": week_label(outcome.refusal.week),
            "overloads": overloads,
            "message": outcome.message,
        }
    (messages.success if outcome.done else messages.error)(request, outcome.message)
    return outcome.status, None


@require_http_methods(["GET", "POST"])
@login_required
@get_goes_to("capacity:review")
@permission_required("backlog.change_task", raise_exception=True)
def review_task_action(request):
    """Act on a task from the review's bars; the bars redraw with its person still open."""
    status, warning = _act_on_task(request)
    return _review_load(request, status=status, warning=warning)


def _suggestion_planned(request, *, via: str, data=None) -> int:
    """Plan the spare-hours suggestion the POST (or `data`) names into its week (the
    review's, the horizon's and My work's "Plan it", through door `via`); the messages say
    how it went, and the status is returned. Where nobody is Responsible it makes the
    person Responsible too, which is a change to the RACI: theirs alone who may change it."""
    form = SuggestionPlanForm(request.POST if data is None else data)
    if not form.is_valid():
        messages.error(request, f"Not planned: {errors_text(form)}")
        return 422
    task, person = form.cleaned_data["task"], form.cleaned_data["person"]
    unowned = not Assignment.objects.filter(task=task, role__in=RESPONSIBLE_ROLES).exists()
    if unowned and not request.user.has_perm("raci.change_assignment"):
        raise PermissionDenied("Making someone Responsible is the lead's to do.")
    try:
        task = suggestion_plan(by=request.user, via=via, **form.cleaned_data)
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return refusal.status
    made = f" {person} is Responsible for it." if unowned else ""
    messages.success(
        request, f"“{task.title}” is planned for {week_label(task.planned_week)}.{made}"
    )
    return 200


def _suggestion_dismissed(request, data=None) -> int:
    """ "Not this week": the suggestion the POST (or `data`) names goes for that person and
    week alone."""
    form = SuggestionForm(request.POST if data is None else data)
    if not form.is_valid():
        messages.error(request, f"Not dismissed: {errors_text(form)}")
        return 422
    suggestion_dismiss(by=request.user, **form.cleaned_data)
    messages.success(
        request,
        f"“{form.cleaned_data['task']}” is not suggested to {form.cleaned_data['person']} "
        f"in {week_label(form.cleaned_data['week'])}.",
    )
    return 200


@require_http_methods(["GET", "POST"])
@login_required
@get_goes_to("capacity:review")
@permission_required("backlog.change_task", raise_exception=True)
def review_suggestion_plan(request):
    """Plan a spare-hours suggestion into its week; the bars and the suggestions redraw."""
    return _review_load(request, status=_suggestion_planned(request, via="review"))


@require_http_methods(["GET", "POST"])
@login_required
@get_goes_to("capacity:review")
@permission_required("capacity.add_suggestiondismissal", raise_exception=True)
def review_suggestion_dismiss(request):
    return _review_load(request, status=_suggestion_dismissed(request))


def _review_load(request, *, status: int, warning: dict | None = None):
    """The bars again after an action, with the clicked person's tasks still open."""
    open_bar = request.POST.get("open", "")
    if not request.htmx:
        if warning:
            messages.warning(
                request, f"{warning['message']} Plan it from its task page to plan anyway."
            )
        return redirect(f"{reverse('capacity:review')}?{urlencode({'open': open_bar})}")
    context = _review_context(request, open=open_bar, warning=warning)
    response = render(request, "capacity/review.html#review-load", context, status=status)
    return varies_on_htmx(response)


def _year_or_404(year: int) -> int:
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404(f"There is no year in review for {year}: pick {FIRST_YEAR} to this year.")
    return year


@require_GET
@login_required
@permission_required("backlog.view_task", raise_exception=True)
def year_review(request, year):
    """The year in review: received, done, deferred and declined, for planning the next."""
    summary = year_in_review(_year_or_404(year), today=timezone.localdate())
    return render(
        request,
        "capacity/year.html",
        {
            "summary": summary,
            "this_year": timezone.localdate().year,
            "first_year": FIRST_YEAR,
        },
    )


@require_GET
@login_required
@permission_required("backlog.view_task", raise_exception=True)
def year_export(request, year):
    """The year as CSV: its totals, then one row per category, quadrant, requester and month."""
    summary = year_in_review(_year_or_404(year), today=timezone.localdate())
    totals = ["year", str(year), summary.received, summary.done, summary.hours_done]
    rows = [
        [breakdown, row.name, row.received, row.done, row.hours_done]
        for breakdown, rows in summary.breakdowns.items()
        for row in rows
    ]
    return csv_download(
        f"mopsboard-{year}.csv",
        ["breakdown", "name", "received", "done", "hours_done"],
        [[*row[:4], hours_text(row[4])] for row in [totals, *rows]],
    )


def _my_person(request) -> Person | None:
    """The Person linked to the signed-in user, if any (people.Person.user)."""
    return Person.objects.filter(user=request.user).first()


def _my_work_context(request, person: Person | None) -> dict:
    if person is None:
        return {"person": None}
    now = timezone.now()
    work = my_work(person, today=timezone.localdate(), now=now, user_id=request.user.pk)
    return {
        "person": person,
        "work": work,
        "seen_form": SeenForm(initial={"until": now.isoformat()}),
        "can_change": request.user.has_perm("backlog.change_task"),
    }


@require_GET
@login_required
@permission_required("backlog.view_task", raise_exception=True)
def my_work_page(request):
    """My work: what the signed-in person owns and is consulted on, and what changed.
    `?rest=<page>` is a page of the rest of their work: over htmx the tasks "Show more"
    adds to the list, plainly the whole page with that page in the list."""
    person = _my_person(request)
    if person is None or "rest" not in request.GET:
        return render(request, "capacity/my_work.html", _my_work_context(request, person))
    rest = rest_page(person, today=timezone.localdate(), number=request.GET["rest"])
    if request.htmx:
        context = {"section": rest, "can_change": request.user.has_perm("backlog.change_task")}
        return varies_on_htmx(render(request, "capacity/my_work.html#my-rest-page", context))
    context = _my_work_context(request, person)
    work = context["work"]
    work.sections = [rest if section.key == "rest" else section for section in work.sections]
    return varies_on_htmx(render(request, "capacity/my_work.html", context))


@require_http_methods(["GET", "POST"])
@login_required
@get_goes_to("capacity:my-work")
@permission_required("backlog.change_task", raise_exception=True)
def my_work_action(request):
    """Move one of my tasks along from My work, through the task actions' dispatcher;
    the lists redraw."""
    outcome = chosen_task_act(
        data=request.POST, actions=MY_WORK_ACTIONS, by=request.user, via="my-work"
    )
    (messages.success if outcome.done else messages.error)(request, outcome.message)
    if not request.htmx:
        return redirect("capacity:my-work")
    return render_page(
        request,
        "capacity/my_work.html",
        _my_work_context(request, _my_person(request)),
        partial="my-work-tasks",
        status=outcome.status,
    )


def _my_suggestion(request, act) -> HttpResponse:
    """Act (`act(request, data)` gives the status) on a suggestion of My work's spare hours,
    always the signed-in person's own, whoever the POST names; the lists redraw."""
    person = _my_person(request)
    if person is None:
        messages.error(request, "No team member is linked to your login, so no hours are yours.")
        return redirect("capacity:my-work")
    data = request.POST.copy()
    data["person"] = str(person.pk)
    status = act(request, data)
    if not request.htmx:
        return redirect("capacity:my-work")
    return render_page(
        request,
        "capacity/my_work.html",
        _my_work_context(request, person),
        partial="my-work-tasks",
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
@get_goes_to("capacity:my-work")
@permission_required("backlog.change_task", raise_exception=True)
def my_work_suggestion_plan(request):
    """Plan one of the fill-ins suggested for my spare hours into its week."""
    return _my_suggestion(
        request, lambda request, data: _suggestion_planned(request, via="my-work", data=data)
    )


@require_http_methods(["GET", "POST"])
@login_required
@get_goes_to("capacity:my-work")
@permission_required("capacity.add_suggestiondismissal", raise_exception=True)
def my_work_suggestion_dismiss(request):
    return _my_suggestion(request, _suggestion_dismissed)


@require_http_methods(["GET", "POST"])
@login_required
@get_goes_to("capacity:my-work")
@permission_required("backlog.view_task", raise_exception=True)
def my_work_seen(request):
    """Mark the changes on My work as seen, up to when the page was read."""
    person = _my_person(request)
    form = SeenForm(request.POST)
    if person is None:
        messages.error(
            request, "No team member is linked to your login, so there is nothing to mark."
        )
    elif form.is_valid():
        services.work_seen(person=person, until=form.cleaned_data["until"])
        messages.success(request, "Marked as seen: only newer changes will show.")
    else:
        messages.error(request, f"Not marked: {errors_text(form)} Reload the page and try again.")
    return redirect("capacity:my-work")


def _horizon_context(request, data, *, with_grid: bool = True, **context) -> dict:
    """The horizon with the filters in `data` (the query string, or a move's form), and
    the cell `data["open"]` names ("<person id>-<week>") open with its tasks; only that
    cell without `with_grid`."""
    today = timezone.localdate()
    form = HorizonForm(data)
    filters = form.filters(today=today)
    mondays = [filters["start"] + datetime.timedelta(weeks=n) for n in range(filters["weeks"])]
    cell = _open_cell(
        data.get("open", ""), category=filters["category"], goal=filters["goal"], today=today
    )
    # The page lists no task behind a peak: the open cell lists its own.
    grid = horizon(**filters, today=today, with_tasks=False) if with_grid else None
    at_risk, unchecked = [], 0
    if grid:
        # A category or goal shown narrows the work listed, not the hours taken: a person's
        # other work fills their weeks all the same, so the risks are read against all of it.
        whole = (
            horizon(**filters | {"category": None, "goal": None}, today=today, with_tasks=False)
            if filters["category"] or filters["goal"]
            else grid
        )
        shown = {"category": filters["category"], "goal": filters["goal"]}
        at_risk = due_dates_at_risk(whole, **shown)
        unchecked = due_dates_unchecked(whole, **shown)
    return {
        "form": form,
        "filters": filters,
        # The filters as a query string, once for the grid's hundreds of links.
        "query": form.query(),
        "grid": grid,
        "at_risk": at_risk,
        "at_risk_checked": AT_RISK_CHECKED,
        "at_risk_unchecked": count_label(unchecked) if unchecked else "",
        "cell": cell,
        "open": f"{cell.person.pk}-{cell.label}" if cell else "",
        # A task moves to a week on the grid, not one gone by.
        "move_weeks": [week_label(monday) for monday in mondays if monday >= week_of(today)],
        "can_plan": request.user.has_perm("backlog.change_task"),
        **context,
    }


def _open_cell(value: str, *, category, goal, today: datetime.date) -> Cell | None:
    """The cell named "<person id>-<ISO week>", if it names one; None otherwise."""
    person_id, _, week = value.partition("-")
    try:
        monday = week_from_input(week)
    except ValueError:
        return None
    person = (
        Person.objects.filter(pk=person_id, is_active=True).first() if person_id.isdigit() else None
    )
    return person and horizon_cell(
        person=person, week=monday, today=today, category=category, goal=goal
    )


@require_GET
@login_required
@permission_required("capacity.view_review", raise_exception=True)
def horizon_page(request):
    """The horizon: people by the weeks ahead, load against hours, the peaks marked."""
    context = _horizon_context(request, request.GET)
    return render_page(
        request,
        "capacity/horizon.html",
        context,
        partial="horizon-grid",
        # Filters not understood show their message and the defaults; 422 so htmx swaps it in.
        status=200 if context["form"].is_valid() else 422,
    )


@require_GET
@login_required
@permission_required("capacity.view_review", raise_exception=True)
def horizon_cell_tasks(request, person, week):
    """The tasks behind one cell, loaded into the page when the cell is opened; a plain
    request gets the page with the cell open."""
    person = get_object_or_404(Person, pk=person, is_active=True)
    try:
        monday = week_from_input(week)
    except ValueError as error:
        raise Http404(str(error)) from error
    query = request.GET.copy()
    query["open"] = f"{person.pk}-{week_label(monday)}"
    if not request.htmx:
        return redirect(f"{reverse('capacity:horizon')}?{query.urlencode()}#horizon-cell")
    response = render(
        request,
        "capacity/horizon.html#horizon-cell",
        _horizon_context(request, query, with_grid=False),
    )
    return varies_on_htmx(response)


# What "Plan anyway" sends again of a move the over-capacity warning stopped.
MOVE_FIELDS = ("action", "task", "version", "week", "until", "keep_span", "from_week", "stretch")


@require_http_methods(["GET", "POST"])
@login_required
@get_goes_to("capacity:horizon")
@permission_required("backlog.change_task", raise_exception=True)
def horizon_move(request):
    """Move a task from an open cell to another week, its span along, or stretch its span
    to that week, or plan a due date at risk before it; the grid redraws with the cell the
    task went to open, or shows the over-capacity warning and "Plan anyway"."""
    outcome = chosen_task_act(
        data=request.POST,
        actions=["plan", "shift", "plan-before-due"],
        by=request.user,
        via="plan",
    )
    data = request.POST.copy()
    warning = None
    if getattr(outcome.refusal, "overloads", None):
        warning = {
            "message": outcome.message,
            "fields": {name: data[name] for name in MOVE_FIELDS if name in data},
        }
    else:
        (messages.success if outcome.done else messages.error)(request, outcome.message)
    if outcome.done and isinstance(outcome.form, CellMoveForm):
        # The cell follows the task, so whoever moved it a week sees it where it went.
        person = data.get("open", "").partition("-")[0]
        data["open"] = f"{person}-{week_label(outcome.form.lands_in)}"
    return _horizon_load(request, data, status=outcome.status, warning=warning)


@require_http_methods(["GET", "POST"])
@login_required
@get_goes_to("capacity:horizon")
@permission_required("backlog.change_task", raise_exception=True)
def horizon_suggestion_plan(request):
    """Plan a fill-in the open cell suggests into its week; the grid redraws, the cell
    still open with the task in it."""
    return _horizon_load(request, request.POST, status=_suggestion_planned(request, via="plan"))


@require_http_methods(["GET", "POST"])
@login_required
@get_goes_to("capacity:horizon")
@permission_required("capacity.add_suggestiondismissal", raise_exception=True)
def horizon_suggestion_dismiss(request):
    return _horizon_load(request, request.POST, status=_suggestion_dismissed(request))


def _horizon_load(request, data, *, status: int, warning: dict | None = None):
    """The grid again after a change from an open cell, with the filters and the open
    cell in `data`; a plain POST goes back to the page by a redirect."""
    if not request.htmx:
        if warning:
            messages.warning(
                request, f"{warning['message']} Plan it from its task page to plan anyway."
            )
        query = HorizonForm(data).query(open=data.get("open", ""))
        return redirect(f"{reverse('capacity:horizon')}?{query}")
    # A due date's fix warns beside its list; a move, in its open cell.
    shown_at = "due_warning" if data.get("action") == "plan-before-due" else "warning"
    context = _horizon_context(request, data, **{shown_at: warning})
    return render_page(
        request, "capacity/horizon.html", context, partial="horizon-grid", status=status
    )


@require_GET
@login_required
@permission_required("capacity.view_review", raise_exception=True)
def horizon_export(request):
    """The horizon's grid as CSV: a row per person and week, then the team's totals."""
    form = HorizonForm(request.GET)
    if not form.is_valid():
        # A CSV has nowhere to say it shows other work than was asked for.
        return HttpResponse(
            f"Invalid filter: {errors_text(form)}", status=400, content_type="text/plain"
        )
    grid = horizon(**form.filters(today=timezone.localdate()), with_tasks=False)
    rows = [
        [
            row.person.name,
            "stakeholder" if row.stakeholder else "team",
            week.label,
            hours_text(row.load.weeks[week.monday].capacity),
            hours_text(row.load.weeks[week.monday].load),
            row.load.weeks[week.monday].fill,
            "peak" if week.peak else "",
        ]
        for row in grid.rows
        for week in grid.weeks
    ]
    rows += [
        [
            "Team",
            "total",
            week.label,
            hours_text(week.total.capacity),
            hours_text(week.total.load),
            week.total.fill,
            "peak" if week.peak else "",
        ]
        for week in grid.weeks
    ]
    return csv_download(
        f"mopsboard-plan-{grid.weeks[0].label}.csv",
        ["person", "kind", "week", "capacity", "load", "fill", "peak"],
        rows,
    )
