"""What a new user tripped over (issue 12), each walked as that user does it."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from backlog.models import Status, Task, new_year_after
from tests.e2e.conftest import log_in, new_page
from tests.factories import TaskFactory


@pytest.fixture
def second_page(browser, live_server, demo):
    """Another person's browser, side by side with `page`."""
    other = new_page(browser, live_server.url)
    yield other
    other.context.close()
    assert not other.csp_violations, other.csp_violations


def test_two_people_edit_one_task_and_nothing_saved_is_lost(page, second_page, screenshot):
    task = Task.objects.filter(status=Status.BACKLOG).order_by("pk").first()
    log_in(page, "lead")
    log_in(second_page, "member")
    page.goto(task.get_absolute_url())
    second_page.goto(task.get_absolute_url())

    page.get_by_label("Description").fill("Scope agreed with sales: EMEA only.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#messages")).to_contain_text("Saved")

    second_page.get_by_label("Title").fill("Retitled by the member")
    second_page.get_by_role("button", name="Save", exact=True).click()
    conflict = second_page.locator(".conflict")
    expect(conflict).to_contain_text("Someone else saved this task")
    row = conflict.locator("tr", has=second_page.get_by_role("rowheader", name="Description"))
    expect(row).to_contain_text("Scope agreed with sales: EMEA only.")
    expect(second_page.get_by_label("Description")).to_have_value(
        "Scope agreed with sales: EMEA only."
    )
    expect(second_page.get_by_label("Title")).to_have_value("Retitled by the member")
    expect(second_page.locator("#task-history")).to_contain_text("Scope agreed with sales")
    screenshot("task-edit-conflict")

    second_page.get_by_role("button", name="Save", exact=True).click()
    expect(second_page.locator("h1")).to_have_text("Retitled by the member")
    task.refresh_from_db()
    assert (task.title, task.description) == (
        "Retitled by the member",
        "Scope agreed with sales: EMEA only.",
    )


def test_the_move_menu_defers_for_real_and_names_quadrants_as_quadrants(page):
    log_in(page)
    card = page.locator("section[data-quadrant=money-pit] .card").first
    task_id = card.get_attribute("data-task-id")
    card.get_by_role("button", name="Move…").click()
    menu = page.locator("#card-move")
    expect(menu.get_by_role("button", name="Quick win")).to_contain_text("do now")
    expect(menu.get_by_label("Defer until")).to_have_value(
        new_year_after(timezone.localdate()).isoformat()
    )
    menu.get_by_role("button", name="Defer", exact=True).click()
    expect(page.locator("#messages")).to_contain_text("deferred until 1 January")
    expect(page.locator(f"#task-{task_id}")).to_have_count(0)
    task = Task.objects.get(pk=task_id)
    assert (task.status, task.deferred_until) == (
        Status.DEFERRED,
        new_year_after(timezone.localdate()),
    )


def test_a_card_moved_by_keyboard_stays_in_sight_and_keeps_focus(page, settings):
    # Two cards a quadrant: a card moved in will rank below them.
    settings.MOPSBOARD_QUADRANT_PAGE_SIZE = 2
    log_in(page)
    card = page.locator("section[data-quadrant=fill-in] .card").first
    task_id = card.get_attribute("data-task-id")
    card.focus()
    page.keyboard.press("Shift+ArrowUp")
    moved = page.locator(f"section[data-quadrant=quick-win] #task-{task_id}")
    expect(moved).to_be_visible()
    expect(moved).to_be_focused()
    expect(moved).to_contain_text("just moved")
    page.keyboard.press("Shift+ArrowRight")
    moved = page.locator(f"section[data-quadrant=major-project] #task-{task_id}")
    expect(moved).to_be_focused()
    page.reload()
    expect(page.locator(".just-moved")).to_have_count(0)


def test_planning_into_a_week_gone_by_is_refused_with_a_reason(page):
    task = Task.objects.filter(status=Status.BACKLOG).order_by("pk").first()
    log_in(page)
    page.goto(task.get_absolute_url())
    page.locator("#task-plan").get_by_label("Week", exact=True).fill("2025-W01")
    page.locator("#task-plan").get_by_role("button", name="Plan", exact=True).click()
    expect(page.locator("#task-plan")).to_contain_text("2025-W01 is over")
    task.refresh_from_db()
    assert task.planned_week is None


def test_the_team_total_shows_free_and_over_hours_apart_in_one_format(page):
    log_in(page)
    page.goto("/review/")
    totals = page.locator("#team-totals")
    expect(totals).to_contain_text("h free")
    expect(totals).to_contain_text("h over")
    review_figure = (
        page.locator("tr", has=page.get_by_role("rowheader", name="Tom Becker"))
        .locator(".bar-figure")
        .first.inner_text()
    )
    page.goto("/people/")
    people_cell = page.locator("tr", has=page.get_by_role("rowheader", name="Tom Becker")).locator(
        "td.load"
    )
    expect(people_cell.first).to_contain_text(review_figure.split(" · ")[0])


def test_a_title_with_html_is_kept_as_typed_and_shown_as_text(page):
    title = 'Add <noscript> pixel <img src=x onerror="window.ran=1">'
    log_in(page)
    page.goto("/tasks/new/")
    page.get_by_label("Title").fill(title)
    page.get_by_role("button", name="Add request").click()
    expect(page.locator("h1")).to_have_text(title)
    assert page.evaluate("window.ran") is None
    assert Task.objects.filter(title=title).exists()


def test_the_review_lists_work_that_came_in_and_was_finished_as_finished(page):
    TaskFactory(title="Came in Tuesday, done Thursday", status=Status.DONE, impact=4, effort=1)
    log_in(page)
    page.goto("/review/")
    finished = page.locator("[data-agenda=finished]")
    expect(finished).to_contain_text("Came in Tuesday, done Thursday")
    expect(page.locator("[data-agenda=new]")).to_contain_text("Came in Tuesday, done Thursday")


def test_no_history_entry_of_the_demo_is_dated_after_today(page):
    done = Task.objects.filter(status=Status.DONE).order_by("-planned_week").first()
    log_in(page)
    page.goto(done.get_absolute_url())
    dates = page.locator(".timeline time").evaluate_all(
        "times => times.map(time => time.getAttribute('datetime'))"
    )
    assert dates
    now = timezone.now()
    assert all(datetime.datetime.fromisoformat(stamp) <= now for stamp in dates), dates
