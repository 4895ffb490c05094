"""The lead's week: log in, triage by keyboard, move cards, read the scatter and a history."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from backlog.models import Quadrant, Status, Task
from tests.e2e.conftest import focus_row, log_in
from tests.factories import TaskFactory


def test_lead_triages_three_requests_with_the_keyboard_only(page, screenshot):
    log_in(page)
    page.goto("/triage/")
    counter = page.locator("#triage-count")
    waiting = Task.objects.filter(status=Status.NEW).count()
    expect(counter).to_have_text(str(waiting))
    screenshot("triage-inbox")
    first, second, third = (
        page.locator(".triage-row").nth(n).get_attribute("data-task-id") for n in range(3)
    )

    page.keyboard.press("j")  # focus the oldest request
    expect(page.locator(f"#triage-row-{first}")).to_be_focused()
    page.keyboard.press("4")
    page.keyboard.press("2")
    expect(page.locator(f"#triage-row-{first}")).to_have_count(0)
    expect(counter).to_have_text(str(waiting - 1))
    expect(page.locator("#messages")).to_contain_text("Quick win — Do now")

    expect(page.locator(f"#triage-row-{second}")).to_be_focused()
    page.keyboard.press("d")
    expect(page.locator(f"#triage-row-{second}")).to_have_count(0)
    expect(counter).to_have_text(str(waiting - 2))

    expect(page.locator(f"#triage-row-{third}")).to_be_focused()
    page.keyboard.press("x")
    page.keyboard.type("Covered by the Q1 platform audit")
    page.keyboard.press("Enter")
    expect(page.locator(f"#triage-row-{third}")).to_have_count(0)
    expect(counter).to_have_text(str(waiting - 3))

    page.keyboard.press("?")
    expect(page.get_by_role("dialog")).to_be_visible()
    page.keyboard.press("Escape")

    assert Task.objects.get(pk=first).quadrant == Quadrant.QUICK_WIN
    assert Task.objects.get(pk=second).status == Status.DEFERRED
    declined = Task.objects.get(pk=third)
    assert (declined.status, declined.declined_reason) == (
        Status.DECLINED,
        "Covered by the Q1 platform audit",
    )


def test_lead_drags_a_card_from_defer_to_do_now_and_it_stays(page, screenshot):
    # Every quadrant in sight: each shows all its cards, so the board is taller than a laptop.
    page.set_viewport_size({"width": 1400, "height": 2600})
    log_in(page)
    money_pit = page.locator("section[data-quadrant=money-pit]")
    quick_win = page.locator("section[data-quadrant=quick-win]")
    card = money_pit.locator(".card").first
    title = card.locator(".card-title").inner_text()
    screenshot("board")

    source = card.locator(".card-handle").bounding_box()
    target = quick_win.locator("ol.cards").bounding_box()
    page.mouse.move(source["x"] + 10, source["y"] + 5)
    page.mouse.down()
    page.mouse.move(target["x"] + 40, target["y"] + 20, steps=20)
    page.mouse.move(target["x"] + 42, target["y"] + 24, steps=5)
    page.mouse.up()

    expect(page.locator("#messages")).to_contain_text(f"“{title}” is now a quick win")
    page.reload()
    expect(page.locator("section[data-quadrant=quick-win]").get_by_text(title)).to_be_visible()
    expect(page.locator("section[data-quadrant=money-pit]").get_by_text(title)).to_have_count(0)
    task = Task.objects.get(title=title)
    assert (task.impact, task.effort) == (3, 2)


def test_lead_moves_a_card_with_shift_and_arrows(page):
    log_in(page)
    card = page.locator("section[data-quadrant=fill-in] .card").first
    task_id = card.get_attribute("data-task-id")
    card.focus()
    page.keyboard.press("Shift+ArrowUp")
    moved = page.locator(f"section[data-quadrant=quick-win] #task-{task_id}")
    expect(moved).to_be_visible()
    expect(moved).to_be_focused()
    page.keyboard.press("Shift+ArrowRight")
    expect(page.locator(f"section[data-quadrant=major-project] #task-{task_id}")).to_be_visible()


def test_lead_opens_the_scatter_and_a_tasks_history(page, screenshot):
    log_in(page)
    page.get_by_role("link", name="Scatter").first.click()
    expect(page.locator("#scatter-chart a .point").first).to_be_visible()
    screenshot("scatter")
    link = page.locator("#scatter-chart a[data-task-id]").first
    task_id = link.get_attribute("data-task-id")
    link.click()
    page.wait_for_url(re.compile(rf"/tasks/{task_id}/$"))
    history = page.locator(".timeline")
    expect(history).to_contain_text("Created by lead")
    screenshot("task")


def test_viewer_sees_the_board_but_cannot_move_cards(page):
    log_in(page, username="viewer")
    expect(page.locator(".card").first).to_be_visible()
    expect(page.get_by_role("button", name="Move…")).to_have_count(0)
    expect(page.get_by_role("link", name="New request")).to_have_count(0)


def test_lead_moves_a_card_with_the_move_menu_without_dragging(page, screenshot):
    log_in(page)
    card = page.locator("section[data-quadrant=fill-in] .card").first
    task_id = card.get_attribute("data-task-id")
    title = card.locator(".card-title").inner_text()
    card.get_by_role("button", name="Move…").click()
    menu = page.locator("#card-move")
    expect(menu).to_be_visible()
    expect(menu).to_contain_text(f"Move {title} to")
    expect(menu.get_by_role("button", name="If time allows")).to_be_hidden()
    screenshot("board-move-menu")
    menu.get_by_role("button", name="Major project").click()
    expect(page.locator(f"section[data-quadrant=major-project] #task-{task_id}")).to_be_visible()
    expect(page.locator("#card-move")).to_be_hidden()


def test_triaging_the_last_request_shows_inbox_zero(page):
    Task.objects.filter(status=Status.NEW).exclude(
        pk=Task.objects.filter(status=Status.NEW).order_by("created_at").first().pk
    ).delete()
    log_in(page)
    page.goto("/triage/")
    page.keyboard.press("j")
    page.keyboard.press("1")
    page.keyboard.press("1")
    expect(page.get_by_text("Inbox zero")).to_be_visible()
    expect(page.locator("#triage-count")).to_have_text("0")


def test_a_keyboard_user_finds_scatter_bubbles_by_name_and_opens_one(page):
    log_in(page)
    page.goto("/board/scatter/")
    chart = page.get_by_role("group", name="Tasks by impact and effort")
    quick_wins = chart.get_by_role("group", name="Quick win — Do now")
    first = quick_wins.get_by_role("link").first
    task = Task.objects.get(pk=first.get_attribute("data-task-id"))
    expect(first).to_have_accessible_name(
        f"{task.title} — impact {task.impact}, effort {task.effort}, {task.estimate_label}"
    )

    page.get_by_role("link", name="Clear").focus()  # the last control before the chart
    page.keyboard.press("Tab")
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/tasks/{task.pk}/")


def test_one_back_undoes_the_status_box_ticked_after_a_search(page):
    log_in(page)
    asked = []
    page.on("request", lambda request: request.headers.get("hx-request") and asked.append(request))
    search = page.get_by_label("Search")
    search.press_sequentially("audit")
    page.wait_for_url(re.compile(r"\?q=audit&"))
    search.press("Enter")  # already shown: asks for nothing again
    page.get_by_role("checkbox", name="Backlog").check()  # leaving the search box
    page.wait_for_url(re.compile(r"status=backlog"))
    expect(page.locator("#board-quadrants .card").first).to_be_visible()
    assert len(asked) == 2, [request.url for request in asked]

    page.go_back()
    expect(page.get_by_role("checkbox", name="Backlog")).not_to_be_checked()
    expect(page.get_by_label("Search")).to_have_value("audit")
    assert "q=audit" in page.url and "status=" not in page.url
    page.go_back()
    expect(page).to_have_url(re.compile(r"/board/$"))


def test_moving_to_another_triage_row_forgets_a_half_entered_score(page):
    log_in(page)
    page.goto("/triage/")
    first, second = (page.locator(".triage-row").nth(n) for n in range(2))
    half_scored = re.compile(r"\bhalf-scored\b")

    page.keyboard.press("j")
    page.keyboard.press("5")
    expect(first).to_have_class(half_scored)
    page.keyboard.press("j")  # to the next request: the 5 is forgotten
    expect(second).to_be_focused()
    expect(first).not_to_have_class(half_scored)
    expect(first.locator("input[type=radio]:checked")).to_have_count(0)
    page.keyboard.press("1")
    expect(second).to_have_class(half_scored)

    page.keyboard.press("k")  # back up: the 1 is forgotten too, and 4 is a new impact
    expect(first).to_be_focused()
    expect(second).not_to_have_class(half_scored)
    page.keyboard.press("4")
    expect(first).to_have_class(half_scored)
    waiting = Task.objects.filter(status=Status.NEW).count()
    expect(page.locator("#triage-count")).to_have_text(str(waiting))
    task_id = first.get_attribute("data-task-id")
    page.keyboard.press("2")
    expect(page.locator(f"#triage-row-{task_id}")).to_have_count(0)
    expect(page.locator("#triage-count")).to_have_text(str(waiting - 1))
    task = Task.objects.get(pk=task_id)
    assert (task.impact, task.effort) == (4, 2)
    assert Task.objects.filter(status=Status.NEW, impact__isnull=False).count() == 0


def test_scoring_the_last_request_back_from_deferral_moves_the_keyboard_to_the_new_ones(page):
    TaskFactory(
        title="Webinar follow-up sequence, back for a second look",
        status=Status.DEFERRED,
        deferred_until=timezone.localdate(),
    )
    log_in(page)
    page.goto("/triage/")
    back = page.get_by_role("list", name="Back from deferral today").locator(".triage-row")
    last_back = page.locator(f"#{back.last.get_attribute('id')}")
    first_new = page.locator(".triage-rows").last.locator(".triage-row").first
    first_new_id = first_new.get_attribute("id")

    focus_row(page, last_back)
    page.keyboard.press("4")
    page.keyboard.press("2")
    expect(last_back).to_have_count(0)
    expect(page.locator(f"#{first_new_id}")).to_be_focused()
