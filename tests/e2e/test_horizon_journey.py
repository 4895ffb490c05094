"""The horizon journey: the lead spreads a major project over four weeks from its page,
sees the weeks ahead without a peak, and opens a cell with the keyboard."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from mopsboard.weeks import week_label, week_of
from people.models import Person
from raci.models import Role
from tests.e2e.conftest import log_in
from tests.factories import AssignmentFactory, PersonFactory, TaskFactory


def test_lead_spreads_a_major_project_and_the_horizon_has_no_peak(page, screenshot):
    # Weeks the demo plans nothing into, so the project is the only load in them.
    first = week_of(timezone.localdate()) + datetime.timedelta(weeks=6)
    last = first + datetime.timedelta(weeks=3)
    pia = PersonFactory(name="Pia Planner", kind=Person.Kind.TEAM, weekly_capacity_hours=32)
    project = TaskFactory(title="Lead scoring model rebuild", impact=5, effort=5, estimate_hours=40)
    AssignmentFactory(task=project, person=pia, role=Role.ACCOUNTABLE_RESPONSIBLE)
    log_in(page)
    page.goto(project.get_absolute_url())
    plan = page.locator("#task-plan")
    plan.get_by_label("Week", exact=True).fill(week_label(first))
    plan.get_by_label("Until").fill(week_label(last))
    plan.get_by_role("button", name="Plan", exact=True).click()
    expect(page.locator("#task-plan")).to_contain_text(f"Planned for week {week_label(first)}")
    expect(page.locator("#task-plan")).to_contain_text(f"to {week_label(last)}")
    expect(page.locator("#task-plan")).to_contain_text(f"{week_label(last)}: 10 h")

    page.get_by_role("link", name="Plan", exact=True).click()
    page.get_by_label("From week").fill(week_label(first))
    page.get_by_label("Weeks").fill("4")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"weeks=4"))
    expect(page.locator(".horizon-peaks")).to_have_text(
        "No peak in these weeks: everyone is within their hours."
    )
    row = page.locator("tr", has=page.get_by_role("rowheader", name="Pia Planner"))
    expect(row.locator("td")).to_have_text(["10/32 h free"] * 4)
    screenshot("horizon-spread")

    cell = row.get_by_role("link").nth(2)
    cell.focus()
    page.keyboard.press("Enter")
    opened = page.locator("#horizon-cell")
    expect(opened.get_by_role("heading")).to_contain_text(
        f"Pia Planner, {week_label(first + datetime.timedelta(weeks=2))}: 10 of 32 h"
    )
    expect(opened).to_contain_text("Lead scoring model rebuild 10 h this week")


def test_the_boards_move_menu_plans_a_card_into_next_week(page):
    """The menu's defer date (`until`) sits in the same form: the plan is one week still."""
    log_in(page)
    card = page.locator("section[data-quadrant=quick-win] .card").first
    title = card.locator(".card-title").inner_text()
    card.get_by_role("button", name="Move…").click()
    page.locator("#card-move").get_by_role("button", name=re.compile("^Next week")).click()
    expect(page.locator(".messages")).to_contain_text(f"“{title}” is planned for")
