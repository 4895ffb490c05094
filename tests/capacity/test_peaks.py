"""Peaks ahead and due dates at risk: the rules (capacity.horizon), where they show (the
review's agenda, the horizon page, the board's team hint) and the one-click fix, which
plans through planning's own service."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backlog.models import Status, Task
from capacity import horizon as plan
from capacity.agenda import review_figures
from capacity.models import PlannedHours
from mopsboard.weeks import week_label, week_of
from people.models import Person
from raci.models import Role
from tests.factories import AssignmentFactory, CategoryFactory, PersonFactory, TaskFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
TODAY = timezone.localdate()
THIS_WEEK = week_of(TODAY)
WEEKS = [THIS_WEEK + datetime.timedelta(weeks=n) for n in range(12)]
WEDNESDAY = datetime.timedelta(days=2)
REVIEW_ACTION = reverse("capacity:review-task-action")
HORIZON_MOVE = reverse("capacity:horizon-move")


@pytest.fixture
def ana():
    return PersonFactory(name="Ana Ruiz", kind=Person.Kind.TEAM, weekly_capacity_hours=10)


@pytest.fixture
def ben():
    return PersonFactory(name="Ben Okafor", kind=Person.Kind.TEAM, weekly_capacity_hours=10)


def planned(person, hours: dict, **fields):
    """A task `person` is Responsible for (nobody, with None), planned with `hours` by week."""
    fields.setdefault("estimate_hours", sum(hours.values()))
    task = TaskFactory(status=Status.PLANNED, planned_week=min(hours), plan=hours, **fields)
    if person:
        AssignmentFactory(task=task, person=person, role=Role.ACCOUNTABLE_RESPONSIBLE)
    return task


def unplanned(person, *, due, hours, **fields):
    task = TaskFactory(status=Status.BACKLOG, due_date=due, estimate_hours=hours, **fields)
    AssignmentFactory(task=task, person=person, role=Role.ACCOUNTABLE_RESPONSIBLE)
    return task


def grid():
    return plan.horizon(start=THIS_WEEK, weeks=12)


def peaks():
    return [(peak.monday, peak.who, peak.over_by) for peak in plan.peaks_ahead(grid())]


def at_risk():
    return [risk.task.title for risk in plan.due_dates_at_risk(grid())]


def agenda(key):
    figures = review_figures(today=TODAY, since=timezone.now() - datetime.timedelta(days=7))
    return next(heading for heading in figures["agenda"] if heading["key"] == key)


# --- Peaks -------------------------------------------------------------------------------


def test_a_person_planned_over_their_hours_is_a_peak_the_team_within_its_own_is_not(ana, ben):
    planned(ana, {WEEKS[2]: 12}, title="Webinar programme")
    assert peaks() == [(WEEKS[2], "Ana Ruiz", Decimal(2))]


def test_the_team_planned_over_its_hours_is_a_peak_though_nobody_is(ana, ben):
    planned(None, {WEEKS[1]: 25}, title="Nobody's migration")
    assert peaks() == [(WEEKS[1], "The team", Decimal(5))]


def test_planned_hours_and_the_work_due_not_yet_planned_over_the_hours_is_a_peak(ana, ben):
    planned(ana, {WEEKS[3]: 6})
    assert peaks() == []
    unplanned(ana, due=WEEKS[3] + WEDNESDAY, hours=6, title="Partner landing page")
    assert peaks() == [(WEEKS[3], "Ana Ruiz", Decimal(2))]
    # Due in another week, it weighs on that one.
    Task.objects.filter(title="Partner landing page").update(due_date=WEEKS[4] + WEDNESDAY)
    assert peaks() == []


def test_the_review_agenda_lists_the_peaks_ahead_with_what_is_planned_then(ana, ben):
    planned(ana, {WEEKS[2]: 8}, title="Webinar programme")
    planned(ana, {WEEKS[2]: 5}, title="Audit the scoring fields")
    heading = agenda("peaks")
    assert (heading["title"], heading["count"]) == ("Peaks ahead", 1)
    assert heading["items"][0]["title"] == f"{week_label(WEEKS[2])}: Ana Ruiz"
    assert heading["items"][0]["detail"] == (
        "3 h over: 13 of 10 h planned; planned then: Webinar programme (8 h), "
        "Audit the scoring fields (5 h)"
    )


def test_the_boards_team_hint_names_the_next_peak(htmx_client, ana, ben):
    url = reverse("capacity:week-capacity")
    assert "Next peak" not in htmx_client.get(url).content.decode()
    planned(ana, {WEEKS[4]: 12})
    planned(ana, {WEEKS[6]: 12})
    body = htmx_client.get(url).content.decode()
    assert f'Next peak: <a href="/plan/?start={week_label(WEEKS[4])}">week of ' in body
    assert f"{WEEKS[4]:%-d %B}</a> (Ana Ruiz, 2 h over)." in body


def test_the_team_hint_says_a_peak_this_week_is_this_weeks(htmx_client, ana, ben):
    planned(ana, {WEEKS[0]: 12})
    planned(ana, {WEEKS[4]: 12})
    body = htmx_client.get(reverse("capacity:week-capacity")).content.decode()
    assert "Next peak" not in body
    assert (
        f'Peak: <a href="/plan/?start={week_label(WEEKS[0])}">this week</a> (Ana Ruiz, 2 h over).'
        in body
    )


# --- Due dates at risk -------------------------------------------------------------------


def test_work_planned_to_end_after_its_due_date_is_at_risk(ana):
    task = planned(ana, {WEEKS[3]: 4, WEEKS[4]: 4}, title="Lead routing rules")
    Task.objects.filter(pk=task.pk).update(due_date=WEEKS[4] + WEDNESDAY)
    assert at_risk() == []
    Task.objects.filter(pk=task.pk).update(due_date=WEEKS[3] + WEDNESDAY)
    assert at_risk() == ["Lead routing rules"]


def test_unplanned_work_with_more_hours_than_its_people_have_free_before_it_is_at_risk(ana):
    # Ten hours a week in this week and the next: 20 free before a Wednesday in the next.
    task = unplanned(ana, due=WEEKS[1] + WEDNESDAY, hours=20, title="Preference centre")
    assert at_risk() == []
    planned(ana, {WEEKS[0]: 1})
    assert at_risk() == ["Preference centre"]
    assert plan.due_dates_at_risk(grid())[0].why == (
        f"due {task.due_date:%-d %b}, not planned: 20 h left, 19 h free before then"
    )


def test_the_review_agenda_lists_due_dates_at_risk_with_the_fix(lead_client, ana):
    planned(ana, {WEEKS[5]: 4}, title="Lead routing rules", due_date=WEEKS[1] + WEDNESDAY)
    heading = agenda("at_risk")
    assert (heading["title"], heading["count"]) == ("Due dates at risk", 1)
    assert heading["items"][0]["detail"] == (
        f"due {WEEKS[1] + WEDNESDAY:%-d %b}, planned until {week_label(WEEKS[5])}"
    )
    # The review loads its peaks and risks after the page; as a page, they are in place.
    body = lead_client.get(reverse("capacity:review-ahead"), headers=HTMX).content.decode()
    assert 'aria-label="Plan before its due date: Lead routing rules"' in body


def test_the_horizon_page_lists_due_dates_at_risk_and_its_peaks_by_how_much(lead_client, ana, ben):
    planned(ana, {WEEKS[2]: 12}, title="Webinar programme")
    planned(ana, {WEEKS[5]: 4}, title="Lead routing rules", due_date=WEEKS[1] + WEDNESDAY)
    body = lead_client.get(reverse("capacity:horizon")).content.decode()
    assert f"1 peak ahead:</strong> {week_label(WEEKS[2])} (Ana Ruiz 2 h over)." in body
    section = body[body.index('id="due-dates-at-risk"') :]
    assert "Lead routing rules" in section
    assert "Plan before the due date</button>" in section


# --- The fix -----------------------------------------------------------------------------


def _fix(client, task, url=REVIEW_ACTION, **data):
    return client.post(
        url,
        {"action": "plan-before-due", "task": task.pk, "version": task.version, **data},
        headers=HTMX,
    )


def _plan(task):
    return dict(PlannedHours.objects.filter(task=task).values_list("week", "hours"))


def test_the_fix_plans_into_the_free_weeks_before_the_date_soonest_first(client, lead, ana):
    client.force_login(lead)
    planned(ana, {WEEKS[1]: 6})
    task = planned(ana, {WEEKS[5]: 12}, title="Lead routing rules", due_date=WEEKS[2] + WEDNESDAY)
    response = _fix(client, task)
    assert response.status_code == 200
    assert _plan(task) == {WEEKS[0]: 10, WEEKS[1]: 2}
    assert "is planned from" in response.content.decode()
    assert "Lead routing rules" not in str(agenda("at_risk")["items"])
    task.refresh_from_db()
    assert (task.status, task.planned_week) == (Status.PLANNED, WEEKS[0])


def test_the_fix_counts_the_tasks_own_hours_before_the_date_as_room(ana):
    planned(ana, {WEEKS[0]: 6, WEEKS[1]: 6})
    planned(ana, {WEEKS[1]: 4, WEEKS[2]: 4, WEEKS[3]: 4}, due_date=WEEKS[2] + WEDNESDAY)
    fix = {WEEKS[0]: 4, WEEKS[1]: 4, WEEKS[2]: 10}
    # The page reads the grid without the tasks behind it; the review's agenda, with them.
    for with_tasks in (False, True):
        grid = plan.horizon(start=THIS_WEEK, weeks=12, with_tasks=with_tasks)
        assert [risk.fix for risk in plan.due_dates_at_risk(grid)] == [fix]


def test_the_fix_warns_when_the_free_hours_are_too_few_then_plans_anyway(htmx_client, ana):
    task = unplanned(ana, due=WEEKS[1] + WEDNESDAY, hours=24, title="Preference centre")
    response = _fix(htmx_client, task)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Ana Ruiz at 12 of 10 h" in body
    assert '<button type="submit" name="action" value="plan-before-due">Plan anyway' in body
    assert _plan(task) == {}
    response = _fix(htmx_client, task, allow_over="1")
    assert response.status_code == 200
    assert _plan(task) == {WEEKS[0]: 12, WEEKS[1]: 12}


def test_the_fix_refuses_with_a_message_when_no_week_before_the_date_is_free(htmx_client, ana):
    planned(ana, {WEEKS[0]: 10, WEEKS[1]: 10})
    task = unplanned(ana, due=WEEKS[1] + WEDNESDAY, hours=4, title="Preference centre")
    assert plan.due_dates_at_risk(grid())[0].fix == {}
    response = _fix(htmx_client, task)
    assert response.status_code == 422
    assert (
        f"No week before “Preference centre” is due ({task.due_date:%-d %B}) has free hours"
        in response.content.decode()
    )
    assert _plan(task) == {}


def test_the_fix_refuses_a_task_changed_since_it_was_shown(htmx_client, ana):
    task = unplanned(ana, due=WEEKS[2] + WEDNESDAY, hours=4, title="Preference centre")
    Task.objects.filter(pk=task.pk).update(version=task.version + 1)
    response = _fix(htmx_client, task)
    assert response.status_code == 409
    assert "changed" in response.content.decode()
    assert _plan(task) == {}


def test_the_fix_from_the_horizon_redraws_the_grid_without_the_risk(htmx_client, ana):
    task = planned(ana, {WEEKS[5]: 4}, title="Lead routing rules", due_date=WEEKS[1] + WEDNESDAY)
    listed = f'id="at-risk-{task.pk}"'
    assert listed in htmx_client.get(reverse("capacity:horizon")).content.decode()
    response = _fix(htmx_client, task, url=HORIZON_MOVE)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<div id="horizon-grid">' in body
    assert listed not in body
    assert _plan(task) == {WEEKS[0]: 4}


def test_the_fix_from_the_horizon_warns_beside_the_list(htmx_client, ana):
    task = unplanned(ana, due=WEEKS[1] + WEDNESDAY, hours=24, title="Preference centre")
    response = _fix(htmx_client, task, url=HORIZON_MOVE)
    assert response.status_code == 409
    section = response.content.decode().split('id="due-dates-at-risk"')[1].split("</section>")[0]
    assert "Plan anyway" in section
    # Or leave it as it is: the list again, the warning gone, nothing planned.
    keep = re.search(r'<a href="([^"]+)" hx-get="\1" [^>]*>Keep it where it is</a>', section)
    kept = htmx_client.get(html.unescape(keep[1])).content.decode()
    assert "Plan anyway" not in kept and 'id="at-risk-' in kept
    assert _plan(task) == {}


def test_plan_anyway_beside_the_horizons_list_plans_the_task_it_warned_of(htmx_client, ana):
    task = unplanned(ana, due=WEEKS[1] + WEDNESDAY, hours=24, title="Preference centre")
    body = _fix(htmx_client, task, url=HORIZON_MOVE).content.decode()
    section = body.split('id="due-dates-at-risk"')[1].split("</section>")[0]
    warning = re.search(r'<div class="conflict overload-warning".*?</form>', section, flags=re.S)
    # The warning's form as the person sends it: its hidden fields and its button.
    data = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', warning[0]))
    response = htmx_client.post(HORIZON_MOVE, {**data, "action": "plan-before-due"})
    assert response.status_code == 200
    assert _plan(task) == {WEEKS[0]: 12, WEEKS[1]: 12}


def test_the_horizon_shown_for_a_category_counts_the_hours_the_rest_of_the_work_takes(
    lead_client, ana
):
    events, email = CategoryFactory(name="Events"), CategoryFactory(name="Email")
    planned(ana, {WEEKS[0]: 10, WEEKS[1]: 10}, title="Trade show", category=events)
    unplanned(ana, due=WEEKS[1] + WEDNESDAY, hours=4, title="Preference centre", category=email)
    body = lead_client.get(reverse("capacity:horizon"), {"category": email.pk}).content.decode()
    section = body.split('id="due-dates-at-risk"')[1].split("</section>")[0]
    # Ana's hours are taken whatever the category shown: none is free before the date.
    assert "Preference centre" in section
    assert "4 h left, 0 h free before then" in section
    assert "Trade show" not in section


def test_viewers_see_the_risks_without_the_fix(viewer_client, ana):
    planned(ana, {WEEKS[5]: 4}, title="Lead routing rules", due_date=WEEKS[1] + WEDNESDAY)
    body = viewer_client.get(reverse("capacity:review-ahead")).content.decode()
    at_risk = body.split('data-agenda="at_risk"')[-1].split("</section>")[0]
    assert "Lead routing rules" in at_risk
    assert "Plan before the due date" not in at_risk


def test_peaks_and_risks_read_a_constant_number_of_queries(lead_client, ana, ben):
    def grow(n):
        for index in range(n):
            planned(ana, {WEEKS[index % 12]: 12}, due_date=WEEKS[index % 12] + WEDNESDAY)
            unplanned(ben, due=WEEKS[(index + 3) % 12] + WEDNESDAY, hours=30)

    def read():
        with CaptureQueriesContext(connection) as queries:
            lead_client.get(reverse("capacity:review"))
            lead_client.get(reverse("capacity:review-ahead"), headers=HTMX)
            lead_client.get(reverse("capacity:horizon"))
            lead_client.get(reverse("capacity:week-capacity"), headers=HTMX)
        return len(queries)

    grow(3)
    small = read()
    grow(30)
    assert read() == small


def test_the_review_draws_first_and_loads_the_weeks_ahead_after(lead_client, ana):
    planned(ana, {WEEKS[5]: 4}, title="Lead routing rules", due_date=WEEKS[1] + WEDNESDAY)
    page = lead_client.get(reverse("capacity:review")).content.decode()
    assert 'data-agenda="at_risk"' not in page
    ahead = reverse("capacity:review-ahead")
    assert f'<a href="{ahead}#review-agenda">Peaks ahead and due dates at risk</a>' in page
    fragment = lead_client.get(ahead, headers=HTMX)
    assert "HX-Request" in fragment["Vary"]
    body = fragment.content.decode()
    assert "<html" not in body
    assert body.index('data-agenda="peaks"') < body.index('data-agenda="at_risk"')
    assert "Lead routing rules" in body


# --- Whatever the backlog's size -----------------------------------------------------------


def _rows_read(client, url, **kwargs) -> tuple[int, int]:
    """The queries a page runs and the rows they bring back, as the database sends them."""
    rows = []

    def count_rows(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        rows.append(max(context["cursor"].rowcount, 0))
        return result

    with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(count_rows):
        assert client.get(url, **kwargs).status_code == 200
    return len(queries), sum(rows)


def test_the_horizon_and_the_team_hint_read_as_much_with_many_due_tasks_as_with_few(
    lead_client, ana, ben
):
    # Ana and Ben are full, so every task due that is in no week yet is at risk.
    planned(ana, {week: 10 for week in WEEKS})
    planned(ben, {week: 10 for week in WEEKS})
    late = planned(ana, {WEEKS[6]: 2}, title="Late", due_date=WEEKS[2] + WEDNESDAY)

    def due(count):
        for n in range(count):
            person = (ana, ben)[n % 2]
            unplanned(person, due=WEEKS[1 + n % 11] + WEDNESDAY, hours=3, title=f"Due {n}")

    horizon = reverse("capacity:horizon")

    def read():
        return [
            _rows_read(lead_client, horizon),
            _rows_read(lead_client, horizon, data={"category": late.category_id}),
            _rows_read(lead_client, reverse("capacity:review-ahead"), headers=HTMX),
            _rows_read(lead_client, reverse("capacity:week-capacity"), headers=HTMX),
        ]

    due(plan.AT_RISK_CHECKED)
    few = read()
    due(3 * plan.AT_RISK_CHECKED)
    assert read() == few


def test_the_horizon_lists_the_soonest_due_dates_at_risk_and_counts_those_not_checked(
    lead_client, ana
):
    planned(ana, {week: 10 for week in WEEKS})
    for n in range(plan.AT_RISK_CHECKED + 3):
        unplanned(ana, due=WEEKS[1 + n % 11] + WEDNESDAY, hours=2, title=f"Due {n:03}")
    body = lead_client.get(reverse("capacity:horizon")).content.decode()
    section = body.split('id="due-dates-at-risk"')[1].split("</section>")[0]
    listed = re.findall(r'<li id="at-risk-\d+">\s*<a href="[^"]+">([^<]+)</a>', section)
    soonest = Task.objects.filter(title__startswith="Due").order_by("due_date", "title")
    assert listed == [task.title for task in soonest[: plan.AT_RISK_CHECKED]]
    assert f'Due dates at risk <span class="count">{plan.AT_RISK_CHECKED}+</span>' in section
    assert (
        f"Only the {plan.AT_RISK_CHECKED} soonest due dates that could be at risk are checked: "
        "3 more due later in these weeks"
    ) in section
    heading = agenda("at_risk")
    assert (heading["count"], heading["count_label"]) == (
        plan.AT_RISK_CHECKED,
        f"{plan.AT_RISK_CHECKED}+",
    )


def test_the_team_hint_names_the_horizons_first_peak(htmx_client, ana, ben):
    stakeholder = PersonFactory(name="Sam Reyes", kind=Person.Kind.STAKEHOLDER)
    # Week 3: Ana's 8 planned hours and her half of 6 due not planned yet, 11 of her 10.
    planned(ana, {WEEKS[3]: 8})
    shared = unplanned(ana, due=WEEKS[3] + WEDNESDAY, hours=6, title="Shared landing page")
    AssignmentFactory(task=shared, person=ben, role=Role.RESPONSIBLE)
    # Week 5: the team's 20 hours, over with work nobody or a stakeholder is Responsible for.
    planned(None, {WEEKS[5]: 15})
    unplanned(stakeholder, due=WEEKS[5] + WEDNESDAY, hours=8, title="Partner's brief")
    horizon_peaks = [(peak.monday, peak.who, peak.over_by) for peak in plan.peaks_ahead(grid())]
    assert horizon_peaks == [
        (WEEKS[3], "Ana Ruiz", Decimal(1)),
        (WEEKS[5], "The team", Decimal(3)),
    ]

    def hint():
        body = htmx_client.get(reverse("capacity:week-capacity")).content.decode()
        return re.search(r"Next peak: .*?week of ([^<]+)</a> \(([^,]+), ([\d.]+) h over\)", body)

    first = plan.peaks_ahead(grid())[0]
    assert hint().groups() == (f"{first.monday:%-d %B}", first.who, "1")
    Task.objects.filter(pk=shared.pk).update(due_date=WEEKS[4] + WEDNESDAY)
    first = plan.peaks_ahead(grid())[0]
    assert (first.monday, first.who) == (WEEKS[5], "The team")
    assert hint().groups() == (f"{WEEKS[5]:%-d %B}", "The team", "3")
