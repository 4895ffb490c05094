"""My work journeys: the member opens their own work from the menu and starts a task, and
plans a fill-in that fits their spare hours."""

import datetime

from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from backlog.models import Status, Task
from mopsboard.weeks import week_of
from people.models import Person
from raci.models import Role
from tests.e2e.conftest import log_in
from tests.e2e.test_accessibility import FAILING, describe
from tests.factories import AssignmentFactory, TaskFactory

TASK = "Bounce management campaign"


def test_member_starts_a_task_of_this_week_from_my_work(page, screenshot):
    log_in(page, username="member")
    page.get_by_role("link", name="My work").click()
    expect(page.get_by_role("heading", name="My work", level=1)).to_be_visible()
    this_week = page.locator("[data-section=weeks]")
    expect(this_week).to_contain_text("Your hours:")
    row = this_week.locator("li", has=page.get_by_role("link", name=TASK))
    expect(row).to_contain_text("Responsible · Planned")
    failing = [v for v in Axe().run(page).response["violations"] if v["impact"] in FAILING]
    assert not failing, describe(failing)
    screenshot("my-work")

    row.get_by_role("button", name="In progress").click()

    expect(page.locator("#messages")).to_contain_text(f"“{TASK}” is now in progress.")
    row = page.locator("[data-section=weeks] li", has=page.get_by_role("link", name=TASK))
    expect(row).to_contain_text("Responsible · In progress")
    expect(row.get_by_role("button", name="✓ Done")).to_be_visible()
    assert Task.objects.get(title=TASK).status == Status.IN_PROGRESS


def test_member_plans_a_fill_in_for_their_spare_hours_next_week_by_keyboard(page):
    me = Person.objects.get(user__username="member")
    Person.objects.filter(pk=me.pk).update(weekly_capacity_hours=80)
    fill_in = TaskFactory(
        title="Send the webinar reminder", impact=5, effort=1, estimate_hours=1, due_date=None
    )
    AssignmentFactory(task=fill_in, person=me, role=Role.RESPONSIBLE)
    log_in(page, username="member")
    page.goto("/my/")
    next_week = page.locator("[data-section=weeks] .load").nth(1)
    hours_before = next_week.inner_text()
    spare = page.locator("#my-spare-hours")
    plan_it = spare.get_by_role("button", name="Plan it for next week: Send the webinar reminder")
    expect(plan_it).to_be_visible()
    failing = [v for v in Axe().run(page).response["violations"] if v["impact"] in FAILING]
    assert not failing, describe(failing)

    plan_it.focus()
    page.keyboard.press("Enter")

    expect(page.locator("#messages")).to_contain_text("“Send the webinar reminder” is planned for")
    expect(spare).to_be_focused()
    expect(next_week).not_to_have_text(hours_before)
    expect(page.locator("[data-section=weeks]")).to_contain_text("Send the webinar reminder")
    expect(plan_it).to_have_count(0)
    fill_in.refresh_from_db()
    assert fill_in.planned_week == week_of(timezone.localdate()) + datetime.timedelta(weeks=1)
