"""Goals where the team meets and where leadership reads: the weekly review names the goal
at risk and why; a leadership link shows the goals read-only, on a phone and on paper,
until the lead revokes it."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from goals.models import GoalShareLink
from people.models import Person
from tests.e2e.conftest import ARTIFACTS, log_in, new_page
from tests.factories import GoalFactory


def test_the_weekly_review_lists_the_goal_at_risk_and_why(page):
    GoalFactory(
        title="Event sign-ups from email +30%",
        owner=Person.objects.get(name="Priya Shah"),
        baseline_date=timezone.localdate() - datetime.timedelta(days=10),
    )
    log_in(page)
    page.get_by_role("link", name="Review", exact=True).click()
    at_risk = page.get_by_role("region", name="Goals at risk")
    item = at_risk.get_by_role("listitem").filter(has_text="Event sign-ups from email +30%")
    expect(item).to_contain_text("at risk")
    expect(item).to_contain_text("No open work is linked to it.")
    item.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Event sign-ups from email +30%")).to_be_visible()


def test_leadership_reads_the_goals_from_a_link_on_a_phone_until_it_is_revoked(
    page, browser, live_server
):
    log_in(page)
    page.goto("/goals/")
    page.get_by_role("link", name="Grow email-sourced leads 40% year on year").click()
    page.get_by_role("link", name="Share with leadership…").click()
    page.get_by_label("Label").fill("Marketing leadership")
    page.get_by_role("button", name="Create link").click()
    expect(page.locator("#messages")).to_contain_text("Share link for Marketing leadership created")
    url = page.get_by_label("Link for Marketing leadership").input_value()
    assert GoalShareLink.objects.get().goals.get().short_name == "Leads +40%"

    leadership = new_page(browser, live_server.url)
    leadership.set_viewport_size({"width": 360, "height": 740})
    leadership.goto(url)
    expect(leadership.get_by_role("heading", name="The team's goals")).to_be_visible()
    goal = leadership.get_by_role("article", name="Grow email-sourced leads 40% year on year")
    expect(goal).to_contain_text("Email-sourced leads")
    expect(goal).to_contain_text("% of the way")
    expect(leadership.get_by_role("article")).to_have_count(1)
    expect(
        leadership.locator("form, button, input, select, textarea, [contenteditable]")
    ).to_have_count(0)
    fits = leadership.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert fits, "the shared goals are wider than a phone"
    ARTIFACTS.mkdir(exist_ok=True)
    leadership.screenshot(path=ARTIFACTS / "goals-shared-phone.png", full_page=True)
    leadership.emulate_media(media="print")
    expect(leadership.locator(".site-header")).to_be_hidden()
    leadership.pdf(path=ARTIFACTS / "goals-shared-print.pdf")

    page.get_by_role("link", name="Revoke… the link for Marketing leadership").click()
    page.get_by_role("button", name="Revoke the link").click()
    expect(page.locator("#messages")).to_contain_text("no longer opens")
    leadership.emulate_media(media="screen")
    response = leadership.goto(url)
    assert response.status == 404
    expect(leadership.get_by_text("This link to the team's goals no longer opens")).to_be_visible()
    leadership.context.close()
