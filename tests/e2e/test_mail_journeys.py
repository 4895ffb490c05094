"""The Mail page and a person's email preferences, walked as the lead and a requester do."""

from playwright.sync_api import expect

from mail.models import Email
from notifications.services import person_token
from people.models import Person
from tests.e2e.conftest import log_in
from tests.factories import EmailFactory


def test_the_lead_finds_a_failed_email_and_sends_it_again(page, screenshot):
    failed = EmailFactory(failed=True, subject="“Webinar page” is planned", to="rita@example.com")
    log_in(page, "lead")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Mail").click()
    page.get_by_role("link", name="1 failed").click()
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("rita@example.com")
    rows.first.get_by_role("button", name="Send again").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#messages")).to_contain_text("is queued again")
    expect(page.get_by_role("heading", level=1)).to_have_text("“Webinar page” is planned")
    screenshot("mail-sent-again")
    failed.refresh_from_db()
    assert failed.status == Email.Status.QUEUED


def test_a_requester_chooses_a_daily_digest_then_unsubscribes(page):
    person = Person.objects.exclude(email="").filter(kind=Person.Kind.STAKEHOLDER).first()
    page.goto(f"/notifications/{person_token(person)}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(person.name)
    page.get_by_label("In a daily digest").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Saved")).to_contain_text("in a daily digest")
    person.refresh_from_db()
    assert person.notify == Person.Notify.DAILY

    page.goto(f"/notifications/{person_token(person)}/unsubscribe/")
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("No more email")
    person.refresh_from_db()
    assert person.notify == Person.Notify.NEVER
