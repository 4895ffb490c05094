"""The lead sets a SMART goal, breaks it into steps, links a request to it from the task
page and checks in, and sees the chart and the status move, each with its reason."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import log_in


def day(offset: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=offset)).isoformat()


def test_lead_sets_a_smart_goal_links_work_and_checks_in(page):
    log_in(page)
    page.get_by_role("link", name="Goals", exact=True).click()
    page.get_by_role("link", name="New goal").click()
    page.get_by_label("Title").fill("Webinar sign-ups from email +50%")
    page.get_by_label("Short name").fill("Webinars +50%")
    page.get_by_label("Accountable").select_option(label="Priya Shah")
    page.get_by_role("button", name="Save").click()

    status = page.locator("#goal-status")
    reasons = page.locator("#goal-reasons")
    expect(status).to_have_text("Draft")
    expect(reasons).to_contain_text("Not SMART yet: S, M, T missing.")
    expect(reasons).to_contain_text("Time-bound: set the deadline.")

    page.get_by_role("link", name="Edit the goal").click()
    page.get_by_label("KPI:", exact=True).fill("Webinar sign-ups from email")
    page.get_by_label("Unit").select_option(label="count")
    page.get_by_label("Baseline:", exact=True).fill("200")
    page.get_by_label("Baseline date").fill(day(-60))
    page.get_by_label("Target").fill("300")
    page.get_by_label("Deadline").fill(day(300))
    page.get_by_role("button", name="Save").click()
    expect(status).to_have_text("At risk")
    expect(reasons).to_contain_text("No open work is linked to it.")
    expect(page.locator(".smart-missing")).to_have_count(0)

    for title, owner, due in [
        ("Q1 invitations", "Tom Becker", 90),
        ("Q2 reminders", "Ruth Okafor", 180),
    ]:
        page.get_by_role("link", name="Add a step").click()
        page.get_by_label("Title").fill(title)
        page.get_by_label("Owner").select_option(label=owner)
        page.get_by_label("Due date").fill(day(due))
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("row", name=title)).to_contain_text(owner)
    goal_page = page.url

    page.goto("/board/")
    page.get_by_role("link", name="Webinar program template with reminders").click()
    panel = page.locator("#task-goals")
    expect(panel).to_contain_text("Serves no goal yet.")
    panel.get_by_text("Change the goals it serves").click()
    panel.get_by_label("Webinars +50%: Q2 reminders").check()
    panel.get_by_role("button", name="Save goals").click()
    expect(page.locator("#task-goals")).to_contain_text("step “Q2 reminders”")

    page.goto(goal_page)
    expect(status).to_have_text("On track")
    expect(reasons).to_contain_text("No check-in since the baseline yet")
    expect(page.locator(".kpi-point")).to_have_count(1)
    page.get_by_label("Date:", exact=True).fill(day(0))
    page.get_by_label("Webinar sign-ups from email (count)").fill("205")
    page.get_by_label("Note").fill("March webinar")
    page.get_by_role("button", name="Add check-in").click()

    # The chart has its second point, and at 5 more in 60 days the KPI reaches 230.
    expect(page.locator(".kpi-point")).to_have_count(2)
    expect(page.get_by_role("table", name="Check-ins")).to_contain_text("March webinar")
    expect(status).to_have_text("At risk")
    expect(reasons).to_contain_text("the KPI reaches 230 by")
    expect(reasons).to_contain_text("short of the target 300")
