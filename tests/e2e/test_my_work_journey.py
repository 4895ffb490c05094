"""My work journey: the member opens their own work from the menu and starts a task."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from backlog.models import Status, Task
from tests.e2e.conftest import log_in
from tests.e2e.test_accessibility import FAILING, describe

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
