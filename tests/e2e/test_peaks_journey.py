"""Peaks journey: the weekly review's agenda shows the peak ahead and a due date at risk,
and the lead plans the late work before its due date in one click."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from backlog.models import Status
from capacity.models import PlannedHours
from mopsboard.weeks import week_label, week_of
from people.models import Person
from raci.models import Role
from tests.e2e.conftest import log_in
from tests.factories import AssignmentFactory, PersonFactory, TaskFactory


def pia_planned_after_a_due_date():
    """Pia (10 h a week) and her partner landing page: 6 h planned in five weeks' time, due
    the week after this one, so at risk."""
    this_week = week_of(timezone.localdate())
    pia = PersonFactory(name="Pia Peak", kind=Person.Kind.TEAM, weekly_capacity_hours=10)
    late = TaskFactory(
        title="Pia's partner landing page",
        status=Status.PLANNED,
        planned_week=this_week + datetime.timedelta(weeks=5),
        estimate_hours=6,
        due_date=this_week + datetime.timedelta(weeks=1, days=2),
    )
    AssignmentFactory(task=late, person=pia, role=Role.ACCOUNTABLE_RESPONSIBLE)
    return pia, late


def test_the_review_shows_the_peak_ahead_and_fixes_a_due_date_at_risk(page, screenshot):
    this_week = week_of(timezone.localdate())
    pia, late = pia_planned_after_a_due_date()
    peak_week = this_week + datetime.timedelta(weeks=3)
    webinar = TaskFactory(
        title="Pia's webinar programme",
        status=Status.PLANNED,
        planned_week=peak_week,
        estimate_hours=16,
    )
    AssignmentFactory(task=webinar, person=pia, role=Role.ACCOUNTABLE_RESPONSIBLE)

    log_in(page)
    page.get_by_role("link", name="Review", exact=True).click()
    peaks = page.locator("[data-agenda=peaks]")
    expect(peaks).to_contain_text(f"{week_label(peak_week)}: Pia Peak")
    expect(peaks).to_contain_text("6 h over: 16 of 10 h planned; planned then: Pia's webinar")
    at_risk = page.locator("[data-agenda=at_risk]")
    item = at_risk.locator("li", has_text="Pia's partner landing page")
    expect(item).to_contain_text(f"planned until {week_label(late.planned_week)}")
    screenshot("review-peaks-ahead")

    item.get_by_role("button", name="Plan before its due date: Pia's partner landing page").click()
    expect(page.locator(".messages")).to_contain_text(
        f"“Pia's partner landing page” is planned from {week_label(this_week)}, before its due date"
    )
    expect(at_risk).not_to_contain_text("Pia's partner landing page")
    assert list(PlannedHours.objects.filter(task=late).values_list("week", "hours")) == [
        (this_week, 6)
    ]


def test_the_meeting_plans_by_keyboard_and_stays_where_it_was_on_the_agenda(page):
    """Presenting, the lead plans a due date at risk and a fill-in from the keyboard: each
    time the keyboard stays in its section, and J/K go on from there."""
    pia_planned_after_a_due_date()
    log_in(page)
    page.goto("/review/?present=1")
    at_risk = page.locator("[data-agenda=at_risk]")
    fix = "Plan before its due date: Pia's partner landing page"
    at_risk.get_by_role("button", name=fix).focus()
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("“Pia's partner landing page” is planned")
    expect(at_risk).not_to_contain_text("Pia's partner landing page")
    expect(at_risk).to_be_focused()
    page.keyboard.press("k")
    expect(page.locator("[data-agenda=peaks]")).to_be_focused()

    spare = page.locator("#spare-hours")
    plan = spare.get_by_role("button", name=re.compile("^Plan it: ")).first
    title = plan.get_attribute("aria-label").removeprefix("Plan it: ").rpartition(" for ")[0]
    plan.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text(f"“{title}” is planned")
    expect(spare).to_be_focused()
