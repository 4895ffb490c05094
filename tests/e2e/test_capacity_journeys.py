"""Capacity journey: the lead sees someone over their hours and plans work into next week."""

import datetime
import re

from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from backlog.models import Status
from mopsboard.weeks import week_label, week_of
from people.models import Person
from raci.models import Role
from tests.e2e.conftest import ARTIFACTS, log_in
from tests.factories import AssignmentFactory, PersonFactory, TaskFactory


def test_lead_moves_work_to_next_week_and_the_red_bar_goes(page, screenshot):
    this_week = week_of(timezone.localdate())
    zed = PersonFactory(name="Zed Overloaded", kind=Person.Kind.TEAM, weekly_capacity_hours=10)
    for title, hours in (("Zed's audit", 6), ("Zed's dashboard", 8)):
        task = TaskFactory(
            title=title, status=Status.PLANNED, planned_week=this_week, estimate_hours=hours
        )
        AssignmentFactory(task=task, person=zed, role=Role.ACCOUNTABLE_RESPONSIBLE)
    log_in(page)
    expect(page.locator(".week-capacity")).to_contain_text(" h over: ")
    page.get_by_role("link", name="People").click()
    row = page.locator("tr", has=page.get_by_role("rowheader", name="Zed Overloaded"))
    this_week_cell = row.locator("td.load").first
    expect(this_week_cell).to_have_class("load over")
    expect(this_week_cell).to_contain_text("14 of 10 h")
    screenshot("people-over-capacity")

    row.get_by_role("link", name="2 open").first.click()  # their tasks, in the RACI matrix
    page.get_by_role("link", name="Zed's dashboard").first.click()
    page.get_by_role("button", name="Next week").click()
    expect(page.locator("#task-plan")).to_contain_text(
        f"Planned for week {week_label(this_week + datetime.timedelta(days=7))}"
    )
    page.get_by_role("link", name="People").click()
    this_week_cell = (
        page.locator("tr", has=page.get_by_role("rowheader", name="Zed Overloaded"))
        .locator("td.load")
        .first
    )
    expect(this_week_cell).to_have_class("load")
    expect(this_week_cell).to_contain_text("6 of 10 h")


def test_the_weekly_review_moves_work_out_and_records_the_decision(page, screenshot):
    next_week = week_label(week_of(timezone.localdate()) + datetime.timedelta(days=7))
    log_in(page)
    page.get_by_role("link", name="Review", exact=True).click()
    expect(page.get_by_role("heading", name="Weekly capacity review")).to_be_visible()
    expect(page.locator("[data-agenda=finished]")).to_contain_text(
        "Deactivate users who left the company"
    )
    tom = page.locator("tr", has=page.get_by_role("rowheader", name="Tom Becker"))
    this_week = tom.locator("details.load-bar").first
    expect(this_week).to_have_class("load-bar over")
    expect(this_week).to_contain_text("30 of 28 h · 2 h over")
    screenshot("review-over-capacity")

    this_week.locator(":scope > summary").click()
    task = this_week.locator("li", has_text="Webinar program template with reminders")
    task.get_by_role("button", name="To next week").click()
    this_week = (
        page.locator("tr", has=page.get_by_role("rowheader", name="Tom Becker"))
        .locator("details.load-bar")
        .first
    )
    expect(this_week).to_have_class("load-bar")
    expect(this_week).to_contain_text("22 of 28 h")
    expect(this_week).to_have_attribute("open", "")
    expect(page.locator("#review-actions")).to_contain_text(
        f"Planned Webinar program template with reminders for {next_week}"
    )

    page.get_by_label("Decisions").fill("Webinar template waits a week; Tom stays under 28 h.")
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Capacity review of")
    expect(page.locator("main")).to_contain_text("Webinar template waits a week")
    expect(page.locator("#review-actions")).to_contain_text("Webinar program template")

    page.get_by_role("link", name="This week's review").click()
    past = page.locator("#past-reviews li")
    expect(past).to_have_count(2)
    past.first.get_by_role("link").click()
    expect(page.locator("main")).to_contain_text("Webinar template waits a week")
    screenshot("review-recorded")


def test_the_lead_reads_the_year_in_review_and_downloads_it(page, screenshot):
    year = timezone.localdate().year
    log_in(page)
    page.get_by_role("link", name="Year", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{year} in review")
    expect(page.locator(".year-figures")).to_contain_text("requests received")
    category = page.get_by_role("region", name="By category")
    expect(category.get_by_role("rowheader", name="Campaign build")).to_be_visible()
    # The breakdowns scroll sideways on a narrow screen; the keyboard reaches each one.
    page.get_by_role("link", name="Download CSV").focus()
    page.keyboard.press("Tab")
    expect(category).to_be_focused()
    screenshot("year-in-review")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename == f"mopsboard-{year}.csv"
    page.get_by_role("link", name=f"← {year - 1}").click()
    expect(page.locator(".year-figures")).to_contain_text("0 requests received")


def test_lead_plans_a_card_from_the_board_menu(page):
    next_week = week_label(week_of(timezone.localdate()) + datetime.timedelta(days=7))
    later = week_label(week_of(timezone.localdate()) + datetime.timedelta(days=21))
    log_in(page)
    card = page.locator("section[data-quadrant=fill-in] .card").first
    task_id = card.get_attribute("data-task-id")
    card.get_by_role("button", name="Move…").click()
    page.locator("#card-move").get_by_role("button", name="Next week").click()
    card = page.locator(f"#task-{task_id}")
    expect(card).to_contain_text("Planned")
    expect(page.locator("#messages")).to_contain_text(f"is planned for {next_week}")

    card.get_by_role("button", name="Move…").click()
    menu = page.locator("#card-move")
    menu.get_by_label("or week").fill(later)
    menu.get_by_role("button", name="Plan that week").click()
    expect(page.locator("#messages")).to_contain_text(f"is planned for {later}")

    page.locator(f"#task-{task_id}").get_by_role("button", name="Move…").click()
    page.locator("#card-move").get_by_role("button", name="Unplan").click()
    expect(page.locator(f"#task-{task_id}")).not_to_contain_text("Planned")
    expect(page.locator("#messages")).to_contain_text("back in the backlog")


def font_px(locator) -> float:
    return locator.evaluate("(element) => parseFloat(getComputedStyle(element).fontSize)")


def test_the_review_on_the_projector_steps_through_people_and_agenda_by_keyboard(page, screenshot):
    page.set_viewport_size({"width": 1920, "height": 1080})
    log_in(page)
    page.goto("/review/")
    page.get_by_role("link", name="Present").click()
    page.wait_for_url("**/review/?present=1")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.locator("#review-keys")).to_contain_text("Esc leaves presentation mode")
    for text in (
        page.locator("[data-agenda] li").first,
        page.get_by_role("rowheader", name="Tom Becker"),
        page.locator(".bar-figure").first,
        page.locator("#review-keys"),
    ):
        assert font_px(text) >= 20, text
    screenshot("review-presenting")

    people = page.locator("tbody [data-review-stop]")
    page.keyboard.press("j")
    expect(people.nth(0)).to_be_focused()
    outline = people.nth(0).evaluate("(bar) => parseFloat(getComputedStyle(bar).outlineWidth)")
    assert outline >= 3, "the focused person has no visible outline"
    page.keyboard.press("ArrowDown")
    expect(people.nth(1)).to_be_focused()
    page.keyboard.press("k")
    expect(people.nth(0)).to_be_focused()

    columns = page.locator(".review-bars thead th")
    widths = columns.evaluate_all("(cells) => cells.map((cell) => cell.offsetWidth)")
    page.keyboard.press("Enter")  # the person's tasks, with what the room can do to them
    tasks = page.locator("details.load-bar[open] .bar-tasks li[data-task-id]")
    expect(tasks.first).to_be_visible()
    assert columns.evaluate_all("(cells) => cells.map((cell) => cell.offsetWidth)") == widths
    for button in tasks.first.get_by_role("button").all():
        assert button.bounding_box()["height"] >= 44, button.inner_text()
    screenshot("review-presenting-bar-open")

    for _ in range(people.count()):
        page.keyboard.press("j")
    # After the people, the spare hours' suggestions, then the agenda.
    expect(page.locator("#spare-hours")).to_be_focused()
    page.keyboard.press("j")
    agenda = page.locator("[data-agenda]")
    expect(agenda.first).to_be_focused()
    expect(agenda.first).to_be_in_viewport()
    page.keyboard.press("PageDown")
    expect(agenda.nth(1)).to_be_focused()
    assert font_px(agenda.nth(1).locator("h3")) >= 24
    page.screenshot(path=ARTIFACTS / "review-presenting-agenda.png")

    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r"/review/$"))
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("link", name="Present")).to_be_visible()


def test_spare_hours_suggest_fill_ins_and_one_click_plans_one(page, screenshot):
    next_week = week_of(timezone.localdate()) + datetime.timedelta(days=7)
    fay = PersonFactory(name="Fay Spare", kind=Person.Kind.TEAM, weekly_capacity_hours=8)
    planned = TaskFactory(
        title="Fay's nurture stream",
        status=Status.PLANNED,
        planned_week=next_week,
        estimate_hours=4,
    )
    AssignmentFactory(task=planned, person=fay, role=Role.RESPONSIBLE)
    soon = timezone.localdate() + datetime.timedelta(days=1)
    for title in ("Fix UTM parameters", "Tidy the email footer"):
        task = TaskFactory(title=title, impact=5, effort=1, estimate_hours=2, due_date=soon)
        AssignmentFactory(task=task, person=fay, role=Role.RESPONSIBLE)
    log_in(page)
    page.get_by_role("link", name="Review", exact=True).click()
    fay_spare = page.locator(f"#spare-{fay.pk}")
    expect(fay_spare).to_contain_text("4 h free")
    expect(fay_spare).to_contain_text("Fix UTM parameters")
    expect(fay_spare).to_contain_text("Tidy the email footer")
    expect(fay_spare).to_contain_text("Quick win, fits 2 of 4 free hours")
    violations = Axe().run(page).response["violations"]
    assert not [v for v in violations if v["impact"] in ("critical", "serious")], violations
    screenshot("review-spare-hours")

    fay_spare.locator("li", has_text="Fix UTM parameters").get_by_role(
        "button", name="Plan it"
    ).click()
    next_week_bar = (
        page.locator("tr", has=page.get_by_role("rowheader", name="Fay Spare"))
        .locator("details.load-bar")
        .nth(1)
    )
    expect(next_week_bar).to_contain_text("6 of 8 h")
    fay_spare = page.locator(f"#spare-{fay.pk}")
    expect(fay_spare).to_contain_text("2 h free")
    expect(fay_spare).not_to_contain_text("Fix UTM parameters")
    expect(fay_spare).to_contain_text("Tidy the email footer")
