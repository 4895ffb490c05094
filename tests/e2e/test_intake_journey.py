"""A request from outside: sent through an intake link by someone without an account,
triaged by the lead with the keyboard, followed on the requester's own page."""

from playwright.sync_api import expect

from backlog.models import Quadrant, Status, Task
from intake.models import IntakeLink
from tests.e2e.conftest import log_in, new_page

TITLE = "Reminder emails for the partner webinar"


def test_a_request_goes_from_an_intake_link_to_its_quadrant(page, browser, live_server, screenshot):
    link = IntakeLink.objects.get(label="Sales requests")
    page.goto(link.get_absolute_url())
    expect(page.get_by_text("we triage new requests within 2 working days")).to_be_visible()

    # The requester fills the form with the keyboard: type, Tab to the next field.
    page.get_by_label("What do you need?").focus()
    page.keyboard.type(TITLE)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Details")).to_be_focused()
    page.keyboard.type("Two reminders: a week and an hour before.")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Why it matters")).to_be_focused()
    page.keyboard.type("Half of the sign-ups forget to come.")
    page.get_by_label("Your name").focus()
    page.keyboard.type("Jo Requester")
    page.keyboard.press("Tab")
    page.keyboard.type("jo.requester@example.com")
    page.keyboard.press("Tab")
    page.keyboard.type("Partner marketing")
    # The honeypot is not in the tab order: the next stop is the button.
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Send request")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Request sent")).to_be_visible()
    expect(page.get_by_text("An acknowledgement email is on its way to")).to_contain_text(
        "jo.requester@example.com"
    )
    screenshot("intake-receipt")
    tracking = page.get_by_label("Follow your request at this link").input_value()
    assert "/requests/" in tracking
    page.goto(tracking)
    expect(page.get_by_role("heading", name="Received, waiting for triage")).to_be_visible()
    task = Task.objects.get(title=TITLE)
    assert task.status == Status.NEW and task.requester.email == "jo.requester@example.com"
    # From a page that sends no referrer, the button still works (its POST has Origin: null).
    page.get_by_role("button", name="Email me a link to all my requests").click()
    expect(page.locator("#messages")).to_contain_text(
        "We have emailed a link to all your requests to the address the team has for you"
    )

    # The lead, in a browser of their own, finds it in the triage inbox and scores it.
    lead = new_page(browser, live_server.url)
    log_in(lead)
    lead.goto("/triage/")
    row = lead.locator(f"#triage-row-{task.pk}")
    expect(row).to_contain_text("0 working days")
    for _ in range(Task.objects.filter(status=Status.NEW).count()):
        lead.keyboard.press("j")
        if row.evaluate("row => row === document.activeElement"):
            break
    expect(row).to_be_focused()
    lead.keyboard.press("5")
    lead.keyboard.press("1")
    expect(row).to_have_count(0)
    expect(lead.locator("#messages")).to_contain_text("Quick win")
    assert not lead.csp_violations, lead.csp_violations
    lead.context.close()

    # The requester's page now says what that means for them.
    page.reload()
    expect(page.get_by_role("heading", name="Triaged, in the backlog")).to_be_visible()
    expect(page.locator(".badge[data-quadrant=quick-win]")).to_have_text("Quick win")
    expect(page.get_by_text("we will do it soon.")).to_be_visible()
    screenshot("intake-request-page")
    assert Task.objects.get(pk=task.pk).quadrant == Quadrant.QUICK_WIN
