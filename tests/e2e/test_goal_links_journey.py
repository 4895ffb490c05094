"""The lead links requests to goals from triage by keyboard alone, scoring each after,
a card to a goal from the board's card menu, and every task the board's filter shows
after confirming how many; axe audits the goal picker open and the confirmation."""

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from backlog.models import Category, Task
from goals.models import Goal
from tests.e2e.conftest import focus_row, log_in
from tests.e2e.test_accessibility import FAILING, describe


def assert_accessible(page):
    failing = [v for v in Axe().run(page).response["violations"] if v["impact"] in FAILING]
    assert not failing, describe(failing)


def test_lead_links_three_requests_from_triage_by_keyboard_and_scores_them(page):
    log_in(page)
    page.goto("/triage/")
    rows = page.locator(".triage-row")
    ids = [rows.nth(n).get_attribute("data-task-id") for n in range(3)]
    picker = page.locator("#goal-picker")
    search = page.get_by_role("combobox", name="Goal or step")

    for n, (task_id, typed, arrows, goal) in enumerate(
        [
            (ids[0], "clicks", 0, "Clicks +25%"),
            # The leads goal comes first, then its steps: one arrow down is its first step.
            (ids[1], "leads", 1, "Leads +40%"),
            (ids[2], "leads", 0, "Leads +40%"),
        ]
    ):
        row = page.locator(f"#triage-row-{task_id}")
        # Scoring the last one moved the keyboard on (tests/e2e/test_journeys.py holds that).
        focus_row(page, row)
        page.keyboard.press("g")
        expect(picker).to_be_visible()
        expect(search).to_be_focused()
        if n == 0:
            assert_accessible(page)
            # Escape closes it, and the keyboard is back on the request.
            page.keyboard.press("Escape")
            expect(picker).to_be_hidden()
            expect(row).to_be_focused()
            page.keyboard.press("g")
        page.keyboard.type(typed)
        for _ in range(arrows):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")

        # Linked, the request stays under the keyboard, to be scored with two keys.
        expect(row.locator(".triage-goals")).to_contain_text(goal)
        expect(page.locator("#messages")).to_contain_text("now serves")
        expect(row).to_be_focused()
        page.keyboard.press("4")
        page.keyboard.press("2")
        expect(row).to_have_count(0)

    linked = {
        task.pk: task
        for task in Task.objects.filter(pk__in=ids).prefetch_related("goals", "goal_steps")
    }
    assert "Clicks +25%" in {goal.short_name for goal in linked[int(ids[0])].goals.all()}
    assert [step.title for step in linked[int(ids[1])].goal_steps.all()] == [
        "Quarter 1: leads +10%"
    ]
    assert "Leads +40%" in {goal.short_name for goal in linked[int(ids[2])].goals.all()}
    assert all(task.impact == 4 and task.effort == 2 for task in linked.values())


def test_lead_links_a_card_from_the_board_menu(page):
    log_in(page)
    card = page.locator(".card").first
    card_id = card.get_attribute("id")
    card.get_by_role("button", name="Move…").click()
    page.locator("#card-move").get_by_role("button", name="Link to goal…").click()
    expect(page.get_by_role("combobox", name="Goal or step")).to_be_focused()
    assert_accessible(page)

    page.keyboard.type("clicks")
    page.keyboard.press("Enter")

    expect(page.locator(f"#{card_id} .card-goal")).to_contain_text("Clicks +25%")
    expect(page.locator(f"#{card_id}")).to_be_focused()


def test_lead_links_every_task_the_filter_shows_after_confirming_how_many(page):
    category = Category.objects.filter(tasks__status="backlog").distinct().first()
    log_in(page)
    page.goto(f"/board/?category={category.pk}")
    page.get_by_role("button", name=re.compile(r"Link these \d+ tasks? to a goal…")).click()
    page.keyboard.type("sync errors")
    page.keyboard.press("Enter")

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("“CRM sync errors below 50 a week”?")
    assert_accessible(page)
    count = int(re.search(r"these (\d+) task", heading.inner_text()).group(1))
    page.get_by_role("button", name=re.compile(r"^Link \d+ task")).click()

    expect(page).to_have_url(re.compile(rf"/board/\?category={category.pk}$"))
    expect(page.locator("#messages")).to_contain_text("now serve")
    sync = Goal.objects.get(short_name="Sync errors <50")
    assert sync.tasks.filter(category=category, impact__isnull=False).count() >= count
