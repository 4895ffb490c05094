"""The team's hours above the board and triage arrive after the page: their place is kept
from the start, so what the lead is about to tap does not jump down when they come in."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from tests.e2e.test_phone_journeys import PHONE

LAPTOP = {"viewport": {"width": 1280, "height": 800}}


def _first_score_button(page):
    return page.locator(".triage-row").first.get_by_role("group", name="Impact").locator("label")


def _first_card(page):
    return page.locator("#board-quadrants .card")


@pytest.mark.parametrize(
    ("viewport", "path", "work"),
    [(PHONE, "/triage/", _first_score_button), (LAPTOP, "/board/", _first_card)],
    ids=["triage-on-a-phone", "board-on-a-laptop"],
)
def test_the_team_hours_arriving_do_not_move_the_work_below(
    browser, live_server, demo, viewport, path, work
):
    context = browser.new_context(base_url=live_server.url, **viewport)
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page)
    # The hint's request is held until the page has been measured without it.
    held = []
    page.route(f"**{reverse('capacity:week-capacity')}", lambda route: held.append(route))
    page.goto(path, wait_until="domcontentloaded")
    before = work(page).first.bounding_box()["y"]
    expect(page.locator("#week-capacity[hx-get]")).to_contain_text("Team hours this week")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the page did not ask for the team's hours"
    held[0].continue_()
    expect(page.locator("#week-capacity")).to_contain_text("This week:")
    expect(page.locator("#week-capacity[hx-get]")).to_have_count(0)
    after = work(page).first.bounding_box()["y"]
    context.close()
    assert abs(after - before) <= 2, f"moved {after - before:.0f} px"
