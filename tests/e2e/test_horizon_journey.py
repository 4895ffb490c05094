"""The horizon journeys: the lead spreads a major project over four weeks, from its page
or by stretching it from a cell, and sees the weeks ahead without a peak; stretches work
into a week off and is warned; moves a task by keyboard and by a drag; plans a fill-in
the spare hours suggest. axe over the horizon with a cell open, on a phone and a laptop."""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from backlog.models import Status, Task
from capacity.models import PlannedHours
from goals.models import Goal
from mopsboard.weeks import week_label, week_of
from people.models import Person
from raci.models import Role
from tests.e2e.conftest import log_in
from tests.e2e.test_accessibility import FAILING, describe
from tests.factories import AssignmentFactory, PersonFactory, TaskFactory, TimeOffFactory

THIS_WEEK = week_of(timezone.localdate())
# Weeks the demo plans nothing into, so a journey's own work is the only load in them.
FIRST = THIS_WEEK + datetime.timedelta(weeks=6)


def _week(n: int) -> datetime.date:
    return FIRST + datetime.timedelta(weeks=n)


def _pia(**planned) -> tuple[Person, dict[str, Task]]:
    """Pia, 32 h a week, and her work: title → (hours, first week as n weeks from FIRST)."""
    pia = PersonFactory(name="Pia Planner", kind=Person.Kind.TEAM, weekly_capacity_hours=32)
    tasks = {}
    for title, (hours, n) in planned.items():
        task = TaskFactory(
            title=title,
            impact=5,
            effort=5,
            estimate_hours=hours,
            status=Status.PLANNED,
            planned_week=_week(n),
        )
        AssignmentFactory(task=task, person=pia, role=Role.ACCOUNTABLE_RESPONSIBLE)
        tasks[title] = task
    return pia, tasks


def _horizon(page, weeks: int = 6):
    page.goto(f"/plan/?start={week_label(FIRST)}&weeks={weeks}")


def _row(page, name: str):
    return page.locator("tr", has=page.get_by_role("rowheader", name=name))


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
    expect(opened.get_by_role("heading", level=2)).to_contain_text(
        f"Pia Planner, {week_label(first + datetime.timedelta(weeks=2))}: 10 of 32 h"
    )
    expect(opened).to_contain_text("Lead scoring model rebuild 10 h this week")

    # Shown for a goal the project does not serve, Pia's weeks are free; the address says so.
    goal = Goal.objects.active().first()
    page.locator("#horizon-filters").get_by_label("Goal").select_option(label=goal.short_name)
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(rf"goal={goal.pk}"))
    expect(row.locator("td")).to_have_text(["0/32 h free"] * 4)


def test_the_boards_move_menu_plans_a_card_into_next_week(page):
    """The menu's defer date (`until`) sits in the same form: the plan is one week still."""
    log_in(page)
    card = page.locator("section[data-quadrant=quick-win] .card").first
    title = card.locator(".card-title").inner_text()
    card.get_by_role("button", name="Move…").click()
    page.locator("#card-move").get_by_role("button", name=re.compile("^Next week")).click()
    expect(page.locator(".messages")).to_contain_text(f"“{title}” is planned for")


def test_lead_stretches_a_peak_away_then_is_warned_of_a_week_off(page, screenshot):
    pia, tasks = _pia(**{"Lead scoring model rebuild": (40, 0), "Webinar program": (16, 4)})
    TimeOffFactory(person=pia, week=_week(5), hours=24, note="Holiday")
    pia_other = TaskFactory(
        title="Nurture stream", estimate_hours=6, status=Status.PLANNED, planned_week=_week(5)
    )
    AssignmentFactory(task=pia_other, person=pia, role=Role.RESPONSIBLE)
    log_in(page)
    _horizon(page)
    expect(page.locator(".horizon-peaks")).to_contain_text(
        f"{week_label(FIRST)} (Pia Planner 8 h over)"
    )
    row = _row(page, "Pia Planner")
    row.get_by_role("link").first.click()
    cell = page.locator("#horizon-cell")
    project = cell.locator("li", has_text="Lead scoring model rebuild")
    project.get_by_label("Move “Lead scoring model rebuild” to").select_option(week_label(_week(3)))
    project.get_by_role("button", name="Stretch its weeks to that week").click()

    expect(page.locator(".horizon-peaks")).to_have_text(
        "No peak in these weeks: everyone is within their hours."
    )
    expect(row.locator("td")).to_have_text(["10/32 h free"] * 4 + ["16/32 h free", "6/8 h free"])
    expect(page.locator("#messages")).to_contain_text("“Lead scoring model rebuild” is planned for")
    screenshot("horizon-stretched")

    # The webinar stretched into the week Pia has 8 h left, 6 of them taken already.
    row.get_by_role("link").nth(4).click()
    webinar = cell.locator("li", has_text="Webinar program")
    webinar.get_by_label("Move “Webinar program” to").select_option(week_label(_week(5)))
    webinar.get_by_role("button", name="Stretch its weeks to that week").click()
    warning = cell.get_by_role("alert")
    expect(warning).to_contain_text(
        f"would put Pia Planner at 9.2 of 8 h in {week_label(_week(5))}"
    )
    webinar_weeks = PlannedHours.objects.filter(task=tasks["Webinar program"])
    assert list(webinar_weeks.values_list("week", flat=True)) == [_week(4)]
    warning.get_by_role("button", name="Plan anyway").click()
    expect(row.locator("td").nth(5)).to_have_text("9.2/8 h over")
    expect(page.locator(".horizon-peaks")).to_contain_text(
        f"{week_label(_week(5))} (Pia Planner 1.2 h over)"
    )
    expect(cell.get_by_role("heading", level=2)).to_contain_text(
        f"Pia Planner, {week_label(_week(5))}: 9.2 of 8 h"
    )


def test_lead_moves_a_task_a_week_by_keyboard(page):
    _pia(**{"Audit the instance users": (8, 1)})
    log_in(page)
    _horizon(page)
    # Into the grid at Kenji's first week, down a row to Pia, right a week: her task's cell.
    page.locator(f"#cell-{Person.objects.get(name='Kenji Mori').pk}-{week_label(FIRST)}").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    pia = Person.objects.get(name="Pia Planner")
    expect(page.locator(f"#cell-{pia.pk}-{week_label(_week(1))}")).to_be_focused()
    page.keyboard.press("Enter")
    cell = page.locator("#horizon-cell")
    expect(cell.get_by_role("heading", level=2)).to_contain_text(
        f"Pia Planner, {week_label(_week(1))}: 8 of 32 h"
    )
    task = Task.objects.get(title="Audit the instance users")
    page.keyboard.press("Tab")
    expect(page.locator(f"#cell-task-{task.pk}")).to_be_focused()
    page.keyboard.press("Shift+ArrowRight")

    expect(page.locator("#messages")).to_contain_text("“Audit the instance users” is planned for")
    expect(cell.get_by_role("heading", level=2)).to_contain_text(
        f"Pia Planner, {week_label(_week(2))}: 8 of 32 h"
    )
    expect(page.locator(f"#cell-task-{task.pk}")).to_be_focused()
    expect(_row(page, "Pia Planner").locator("td").nth(2)).to_have_text("8/32 h free")
    page.keyboard.press("Shift+ArrowLeft")
    expect(cell.get_by_role("heading", level=2)).to_contain_text(
        f"Pia Planner, {week_label(_week(1))}: 8 of 32 h"
    )
    expect(page.locator(f"#cell-task-{task.pk}")).to_be_focused()
    assert list(PlannedHours.objects.filter(task=task).values_list("week", flat=True)) == [_week(1)]


def test_lead_drags_a_task_to_another_week_of_its_row(page):
    _pia(**{"Audit the instance users": (8, 1)})
    log_in(page)
    _horizon(page)
    row = _row(page, "Pia Planner")
    row.get_by_role("link").nth(1).click()
    task = Task.objects.get(title="Audit the instance users")
    # The cell's tasks can be dragged once htmx has put them in and app.js has set them up.
    page.wait_for_function(
        "() => { const tasks = document.querySelector('#horizon-cell .cell-tasks');"
        " return tasks && Sortable.get(tasks); }"
    )
    handle = page.locator(f"#cell-task-{task.pk} .cell-task-handle")
    # Both ends of the drag well inside the window, away from the edges Sortable scrolls at.
    handle.evaluate("element => element.scrollIntoView({block: 'center'})")
    source = handle.bounding_box()
    target = row.locator("td").nth(3).bounding_box()
    page.mouse.move(source["x"] + 10, source["y"] + 10)
    page.mouse.down()
    page.mouse.move(source["x"] + 30, source["y"] + 10, steps=5)
    # The drag has begun (Sortable draws the task under the pointer) before it travels: on
    # a busy machine the pointer could otherwise arrive before Sortable starts listening.
    page.locator(".sortable-fallback").wait_for(state="attached")
    # To the middle of the week's cell, so a scroll of the grid under way keeps it there.
    middle = target["x"] + target["width"] / 2, target["y"] + target["height"] / 2
    page.mouse.move(*middle, steps=20)
    page.mouse.move(middle[0] + 2, middle[1] + 2, steps=5)
    page.mouse.up()

    expect(page.locator("#messages")).to_contain_text(
        f"“Audit the instance users” is planned for {week_label(_week(3))}."
    )
    expect(row.locator("td")).to_have_text(
        ["0/32 h free", "0/32 h free", "0/32 h free", "8/32 h free", "0/32 h free", "0/32 h free"]
    )


def test_spare_hours_next_week_suggest_two_fill_ins_and_one_click_plans_one(page, screenshot):
    next_week = THIS_WEEK + datetime.timedelta(weeks=1)
    fay = PersonFactory(name="Fay Spare", kind=Person.Kind.TEAM, weekly_capacity_hours=8)
    planned = TaskFactory(
        title="Fay's nurture stream",
        status=Status.PLANNED,
        planned_week=next_week,
        estimate_hours=4,
    )
    AssignmentFactory(task=planned, person=fay, role=Role.RESPONSIBLE)
    # Due tomorrow: before the demo's own quick wins, which nobody is Responsible for yet.
    soon = timezone.localdate() + datetime.timedelta(days=1)
    for title in ("Fix UTM parameters", "Tidy the email footer"):
        task = TaskFactory(title=title, impact=5, effort=1, estimate_hours=2, due_date=soon)
        AssignmentFactory(task=task, person=fay, role=Role.RESPONSIBLE)
    log_in(page)
    page.get_by_role("link", name="Plan", exact=True).click()
    row = _row(page, "Fay Spare")
    row.get_by_role("link").nth(1).click()
    spare = page.locator("#horizon-cell .cell-spare")
    expect(spare).to_contain_text("Spare hours: 4 h free")
    expect(spare.get_by_role("listitem")).to_have_count(2)
    screenshot("horizon-spare-hours")

    spare.get_by_role("button", name="Plan it: Fix UTM parameters for Fay Spare").click()
    expect(row.locator("td").nth(1)).to_have_text("6/8 h free")
    cell = page.locator("#horizon-cell")
    expect(cell.locator(".cell-tasks")).to_contain_text("Fix UTM parameters")
    expect(spare).to_contain_text("Spare hours: 2 h free")
    expect(spare.get_by_role("listitem")).to_have_count(1)
    expect(spare).to_contain_text("Tidy the email footer")


@pytest.mark.parametrize("width", [390, 1280])
def test_the_horizon_with_a_cell_open_has_no_serious_violation(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page)
    page.goto("/plan/")
    # Ana's week: the demo's spread project, with its grip and menu, and spare hours.
    _row(page, "Ana Lima").get_by_role("link").nth(2).click()
    expect(page.locator("#horizon-cell .cell-task")).to_have_count(1)
    expect(page.locator("#horizon-cell .cell-spare")).to_be_visible()
    failing = [v for v in Axe().run(page).response["violations"] if v["impact"] in FAILING]
    assert not failing, describe(failing)


def test_lead_plans_a_due_date_at_risk_by_keyboard_and_keeps_the_keyboard_in_the_list(page):
    _, tasks = _pia(**{"Partner landing page": (6, 5), "Partner email": (2, 5)})
    for task in tasks.values():
        task.due_date = _week(1) + datetime.timedelta(days=2)
        task.save()
    log_in(page)
    _horizon(page)
    at_risk = page.locator("#due-dates-at-risk")
    fix = at_risk.get_by_role("button", name="Plan before its due date: Partner landing page")
    fix.focus()
    page.keyboard.press("Enter")

    expect(page.locator("#messages")).to_contain_text(
        f"“Partner landing page” is planned from {week_label(THIS_WEEK)}, before its due date"
    )
    expect(at_risk).not_to_contain_text("Partner landing page")
    # The task has left the list; the keyboard stays in it, on the next task at risk.
    expect(at_risk).to_be_focused()
    page.keyboard.press("Tab")
    expect(at_risk.get_by_role("link", name="Partner email")).to_be_focused()


def test_an_opened_cell_is_marked_in_the_grid_and_its_tasks_come_into_sight(page):
    page.set_viewport_size({"width": 1280, "height": 800})
    _pia(**{"Audit the instance users": (8, 1), "Nurture stream": (4, 2)})
    log_in(page)
    _horizon(page, weeks=12)
    tasks = page.locator("#horizon-cell")
    # Under the grid, below the fold of a laptop's screen.
    expect(tasks).not_to_be_in_viewport()
    cells = _row(page, "Pia Planner").get_by_role("link")
    cells.nth(1).click()
    expect(tasks.get_by_role("heading", level=2)).to_contain_text(
        f"Pia Planner, {week_label(_week(1))}: 8 of 32 h"
    )
    expect(tasks).to_be_in_viewport(ratio=1)
    expect(cells.nth(1)).to_be_in_viewport()
    # Which cell the tasks are from, marked in the grid (and said: "current").
    expect(cells.nth(1)).to_have_attribute("aria-current", "true")
    expect(page.locator(".horizon [aria-current]")).to_have_count(1)

    cells.nth(2).click()
    expect(tasks).to_contain_text("Nurture stream 4 h this week")
    expect(cells.nth(2)).to_have_attribute("aria-current", "true")
    expect(page.locator(".horizon [aria-current]")).to_have_count(1)


def test_lead_keeps_a_task_where_it_is_when_warned_by_keyboard(page):
    pia, tasks = _pia(**{"Audit the instance users": (8, 1), "Webinar program": (30, 2)})
    log_in(page)
    _horizon(page)
    page.locator(f"#cell-{pia.pk}-{week_label(_week(1))}").focus()
    page.keyboard.press("Enter")
    cell = page.locator("#horizon-cell")
    task = page.locator(f"#cell-task-{tasks['Audit the instance users'].pk}")
    expect(task).to_be_attached()
    page.keyboard.press("Tab")
    # An answer that takes its time to settle, as on a busy machine: what the lead does with
    # the keyboard meanwhile is not undone when it has settled.
    page.evaluate("htmx.config.defaultSettleDelay = 300")
    page.evaluate(
        "document.addEventListener('htmx:afterSettle', (event) => {"
        " if (event.detail.requestConfig?.verb === 'post') window.moveSettled = true; })"
    )
    page.keyboard.press("Shift+ArrowRight")
    warning = cell.get_by_role("alert")
    over = f"{week_label(_week(2))} would put Pia Planner at 38 of 32 h"
    expect(warning).to_contain_text(over)
    expect(task).to_be_focused()

    # Back from the task: the warning's way out, before "Plan anyway".
    page.keyboard.press("Shift+Tab")
    keep = warning.get_by_role("link", name="Keep it where it is")
    expect(keep).to_be_focused()
    page.wait_for_function("() => window.moveSettled")
    expect(keep).to_be_focused()
    page.keyboard.press("Enter")
    expect(warning).to_have_count(0)
    expect(cell.get_by_role("heading", level=2)).to_contain_text(
        f"Pia Planner, {week_label(_week(1))}: 8 of 32 h"
    )
    expect(task).to_be_focused()
    weeks = PlannedHours.objects.filter(task=tasks["Audit the instance users"])
    assert list(weeks.values_list("week", flat=True)) == [_week(1)]
