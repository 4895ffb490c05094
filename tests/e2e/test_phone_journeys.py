"""The team's journeys on a phone: a 390 x 844 touch screen, every step a tap."""

import re
from collections import Counter
from itertools import pairwise

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from backlog.models import Quadrant, Status, Task
from intake.models import IntakeLink
from mopsboard.weeks import week_label
from people.models import Person
from raci.models import Role, ShareLink
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_horizon_journey import FIRST, _horizon, _pia, _row, _week
from tests.factories import AssignmentFactory, PersonFactory, TaskFactory

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}


@pytest.fixture
def phone(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, **PHONE)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def tap_in(tab, username="lead"):
    tab.goto("/accounts/login/")
    tab.get_by_label("Username").tap()
    tab.keyboard.type(username)
    tab.get_by_label("Password").tap()
    tab.keyboard.type("mopsboard-demo")
    tab.get_by_role("button", name="Log in").tap()
    tab.wait_for_url("**/board/")


def in_sight(locator):
    """Inside the window without scrolling sideways."""
    box = locator.bounding_box()
    width = locator.page.viewport_size["width"]
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def test_a_card_moves_with_the_move_menu_on_the_one_quadrant_board(phone):
    tap_in(phone)
    switcher = phone.get_by_role("group", name="Quadrant shown")
    sections = {q: phone.locator(f"section[data-quadrant={q}]") for q in Quadrant}
    # One quadrant at a time, the first to start with.
    expect(switcher.get_by_role("button", name=re.compile("^Do now"))).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(sections[Quadrant.QUICK_WIN]).to_be_visible()
    for quadrant in (Quadrant.MAJOR_PROJECT, Quadrant.FILL_IN, Quadrant.MONEY_PIT):
        expect(sections[quadrant]).to_be_hidden()

    switcher.get_by_role("button", name=re.compile("^If time allows")).tap()
    expect(sections[Quadrant.FILL_IN]).to_be_visible()
    expect(sections[Quadrant.QUICK_WIN]).to_be_hidden()
    card = sections[Quadrant.FILL_IN].locator(".card").first
    task_id = card.get_attribute("data-task-id")
    # No grip to drag by: a finger on a card scrolls; the Move… menu moves it.
    expect(card.locator(".card-handle")).to_be_hidden()
    move = card.get_by_role("button", name="Move…")
    assert move.bounding_box()["height"] >= 44
    move.tap()
    menu = phone.locator("#card-move")
    expect(menu).to_be_visible()
    assert in_sight(menu)
    menu.get_by_role("button", name="Major project").tap()

    # The board follows the card to where it landed, and the choice stays for the next visit.
    moved = sections[Quadrant.MAJOR_PROJECT].locator(f"#task-{task_id}")
    expect(moved).to_be_visible()
    expect(moved).to_be_focused()
    expect(sections[Quadrant.FILL_IN]).to_be_hidden()
    expect(switcher.get_by_role("button", name=re.compile("^Plan"))).to_have_attribute(
        "aria-pressed", "true"
    )
    assert Task.objects.get(pk=task_id).quadrant == Quadrant.MAJOR_PROJECT
    phone.screenshot(path=ARTIFACTS / "phone-board-moved.png", full_page=True)
    phone.reload()
    expect(sections[Quadrant.MAJOR_PROJECT]).to_be_visible()
    expect(sections[Quadrant.QUICK_WIN]).to_be_hidden()


def test_a_request_is_triaged_with_the_big_score_buttons(phone):
    tap_in(phone)
    phone.goto("/triage/")
    # The team's hours load after the page, above the requests: measure once they are in.
    expect(phone.locator("#week-capacity[hx-get]")).to_have_count(0)
    first, second = (phone.locator(".triage-row").nth(n) for n in range(2))
    task_id = first.get_attribute("data-task-id")
    # A request a screen: the next one starts below the fold.
    assert first.bounding_box()["height"] >= 0.9 * 844
    expect(second).not_to_be_in_viewport()
    impact = first.get_by_role("group", name="Impact")
    effort = first.get_by_role("group", name="Effort, and score")
    for row in (impact, effort):
        buttons = row.locator("label, button").all()
        assert len(buttons) == 5
        boxes = [button.bounding_box() for button in buttons]
        # Five large buttons side by side, a row for each score.
        assert len({round(box["y"]) for box in boxes}) == 1
        assert min(box["height"] for box in boxes) >= 48
        assert min(box["width"] for box in boxes) >= 48
        assert all(in_sight(button) for button in buttons)
    phone.screenshot(path=ARTIFACTS / "phone-triage.png")

    impact.get_by_text("4", exact=True).tap()
    expect(impact.get_by_role("radio", name="4")).to_be_checked()
    effort.get_by_role("button", name="Effort 2").tap()
    expect(phone.locator(f"#triage-row-{task_id}")).to_have_count(0)
    expect(phone.locator("#messages")).to_contain_text("Quick win")
    task = Task.objects.get(pk=task_id)
    assert (task.impact, task.effort, task.status) == (4, 2, Status.BACKLOG)


def test_a_stakeholder_finds_themselves_on_the_raci_page(phone):
    phone.goto(ShareLink.objects.get().get_absolute_url())
    picker = phone.get_by_role("navigation", name="Show me where I am")
    names = picker.get_by_role("link").all()
    # Every name a separate target for a finger, on one screen.
    for link in names:
        box = link.bounding_box()
        assert box["height"] >= 44 and in_sight(link)
    boxes = [link.bounding_box() for link in names]
    for before, after in pairwise(boxes):
        assert before["y"] != after["y"] or after["x"] - (before["x"] + before["width"]) >= 8
    name = names[-1].inner_text()
    names[-1].tap()

    expect(phone.get_by_role("heading", name=f"Who owns what: {name}")).to_be_visible()
    # Their column comes first after the task and where it stands, in sight beside them.
    column = phone.get_by_role("columnheader").nth(2)
    expect(column).to_contain_text(name)
    assert in_sight(column)
    roles = phone.locator("tbody tr").first.locator("td[data-person-id]").first
    expect(roles).not_to_have_text("")
    assert in_sight(roles)
    phone.screenshot(path=ARTIFACTS / "phone-raci-shared.png", full_page=True)


def page_fits(tab):
    return tab.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_an_intake_request_is_sent_and_followed_from_a_phone(phone):
    phone.goto(IntakeLink.objects.get(label="Sales requests").get_absolute_url())
    phone.get_by_label("What do you need?").tap()
    phone.get_by_label("What do you need?").fill("Badge scans into the CRM")
    phone.get_by_label("Details").fill("About 400 scans from the trade show.")
    phone.get_by_label("Why it matters").fill("Sales call them next week.")
    phone.get_by_label("Category").select_option(label="Campaign build")
    phone.get_by_label("Your name").fill("Jo Requester")
    phone.get_by_label("Your email").fill("jo.requester@example.com")
    # Every field and the button large enough for a finger, none wider than the screen.
    for field in phone.locator(
        ".request-form :is(input:not([type=hidden], .honeypot *), select, textarea)"
    ).all():
        assert field.bounding_box()["height"] >= 44 and in_sight(field)
    send = phone.get_by_role("button", name="Send request")
    assert send.bounding_box()["height"] >= 44
    assert page_fits(phone)
    send.tap()

    expect(phone.get_by_role("heading", name="Request sent")).to_be_visible()
    tracking = phone.get_by_label("Follow your request at this link")
    assert in_sight(tracking) and page_fits(phone)
    phone.screenshot(path=ARTIFACTS / "phone-intake-receipt.png", full_page=True)
    phone.get_by_role("link", name="Open your request's page").tap()
    expect(phone.get_by_role("heading", name="Received, waiting for triage")).to_be_visible()
    steps = phone.get_by_role("list", name="Where it stands")
    assert in_sight(steps) and page_fits(phone)
    assert Task.objects.get(title="Badge scans into the CRM").status == Status.NEW


def test_a_task_page_is_scored_and_saved_from_a_phone(phone):
    task = Task.objects.filter(status=Status.BACKLOG, impact=2).first()
    tap_in(phone)
    phone.goto(task.get_absolute_url())
    impact = phone.get_by_role("group", name="Impact")
    choices = impact.locator("label").all()
    # Not scored and 1 to 5, three a row: none left alone on a line, each a finger's size.
    rows = Counter(round(choice.bounding_box()["y"]) for choice in choices)
    assert sorted(rows.values()) == [3, 3]
    assert all(choice.bounding_box()["height"] >= 44 for choice in choices)
    impact.get_by_text("5", exact=True).tap()
    phone.get_by_role("button", name="Save").tap()
    expect(phone.locator("#messages")).to_contain_text("Saved")
    assert page_fits(phone)
    task.refresh_from_db()
    assert task.impact == 5


# What the lead's finger lands on at the middle of an element: the element itself, or
# whatever is drawn over it.
ON_TOP = """element => {
    const box = element.getBoundingClientRect();
    const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
    return element.contains(hit);
}"""


def test_the_horizon_scrolls_its_weeks_under_the_names_and_their_heading(phone):
    tap_in(phone)
    phone.goto("/plan/")
    grid = phone.get_by_role("region", name="Load against hours, person by week")
    corner = grid.get_by_role("columnheader", name="Person")
    names = grid.get_by_role("rowheader")
    # The lead scrolls down to the grid and swipes its weeks along, as far as they go.
    grid.evaluate("grid => grid.scrollIntoView({block: 'center'})")
    grid.evaluate("grid => grid.scrollBy({left: grid.scrollWidth})")
    expect(grid).not_to_have_js_property("scrollLeft", 0)
    # The names stay at the grid's start, their heading over them rather than a week's.
    start = grid.bounding_box()["x"]
    for header in [corner, *names.all()]:
        assert abs(header.bounding_box()["x"] - start) <= 1, header.inner_text()
        assert header.evaluate(ON_TOP), header.inner_text()
    assert page_fits(phone)


def test_an_open_cells_task_and_its_menu_read_across_the_phone(phone):
    title = "Lead scoring model rebuild for the EMEA and APAC sales teams"
    _pia(**{title: (8, 1)})
    tap_in(phone)
    _horizon(phone)
    _row(phone, "Pia Planner").get_by_role("link").nth(1).tap()
    cell = phone.locator("#horizon-cell")
    task = cell.locator(".cell-task", has_text=title)
    menu = task.get_by_label(f"Move “{title}” to")
    expect(menu).to_be_visible()
    # Not indented where the grip would be, and the menu's words a line across the cell,
    # not a narrow column beside its buttons.
    heading = cell.get_by_role("heading", level=2).bounding_box()
    assert abs(task.get_by_role("link", name=title).bounding_box()["x"] - heading["x"]) <= 1
    words = task.locator("label").bounding_box()
    assert words["width"] >= 0.9 * heading["width"], words
    for control in [menu, *task.get_by_role("button").all()]:
        assert control.bounding_box()["height"] >= 44
        assert in_sight(control)
    assert page_fits(phone)


# Whether a week's cell shows whole in the grid's scroll, beside the names, not under them.
IN_GRID = """cell => {
    const grid = cell.closest(".horizon-scroll").getBoundingClientRect();
    const names = cell.closest("tr").cells[0].getBoundingClientRect();
    const box = cell.getBoundingClientRect();
    return box.left >= names.right - 1 && box.right <= grid.right + 1;
}"""


def test_a_task_moved_far_along_the_horizon_keeps_its_week_in_sight(phone):
    pia, _ = _pia(**{"Audit the instance users": (8, 8)})
    tap_in(phone)
    # A cell far along, opened from a link to it: the grid starts scrolled to it.
    phone.goto(
        reverse("capacity:horizon-cell", args=[pia.pk, week_label(_week(8))])
        + f"?start={week_label(FIRST)}&weeks=12"
    )
    cells = _row(phone, "Pia Planner").get_by_role("link")
    cell = phone.locator("#horizon-cell")
    expect(cell.get_by_role("heading", level=2)).to_contain_text(week_label(_week(8)))
    assert cells.nth(8).evaluate(IN_GRID)

    title = "Audit the instance users"
    task = cell.locator(".cell-task", has_text=title)
    task.get_by_label(f"Move “{title}” to").select_option(week_label(_week(9)))
    task.get_by_role("button", name="Move", exact=True).tap()
    expect(cell.get_by_role("heading", level=2)).to_contain_text(week_label(_week(9)))
    # The grid drawn again keeps the week the task went to in sight, marked as the open one.
    expect(cells.nth(9)).to_have_attribute("aria-current", "true")
    assert cells.nth(9).evaluate(IN_GRID)
    assert page_fits(phone)


def test_a_long_name_wraps_and_leaves_the_weeks_room_on_a_phone(phone):
    stakeholder = PersonFactory(name="Annemarie Vandenberghe", kind=Person.Kind.STAKEHOLDER)
    task = TaskFactory(title="Partner webinar", status=Status.PLANNED, planned_week=FIRST)
    AssignmentFactory(task=task, person=stakeholder, role=Role.RESPONSIBLE)
    tap_in(phone)
    phone.goto(f"/plan/?start={week_label(FIRST)}&who=all")
    grid = phone.get_by_role("region", name="Load against hours, person by week")
    name = grid.get_by_role("rowheader", name="Annemarie Vandenberghe")
    expect(name).to_contain_text("stakeholder")
    # The names take what their longest word needs, the rest of the phone is the weeks'.
    assert name.bounding_box()["width"] <= 0.4 * grid.bounding_box()["width"]
    assert page_fits(phone)
