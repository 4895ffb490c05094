"""Undo: the lead declines a request with `x`, takes it back with `z`, and the requester
never hears of the decline — counted at a real SMTP server, a real queue worker sending."""

from playwright.sync_api import expect

from backlog.models import Status, Task
from tests.e2e.conftest import focus_row, log_in
from tests.factories import PersonFactory, TaskFactory

REQUESTER = "kim.requester@example.com"
WINDOW = 6


def test_x_then_z_restores_the_request_and_no_decline_email_goes_out(
    page, smtp, workers, live_server, settings
):
    settings.MOPSBOARD_SITE_URL = live_server.url
    settings.MOPSBOARD_UNDO_SECONDS = WINDOW
    workers()
    requester = PersonFactory(name="Kim Requester", email=REQUESTER, kind="stakeholder")
    task = TaskFactory(
        unscored=True,
        requester=requester,
        title="Partner webinar reminders",
    )
    log_in(page)
    page.goto("/triage/")
    row = page.locator(f"#triage-row-{task.pk}")
    focus_row(page, row)

    page.keyboard.press("x")
    page.keyboard.type("Covered by the events team")
    page.keyboard.press("Enter")
    expect(row).to_have_count(0)
    messages = page.locator("#messages")
    expect(messages).to_contain_text("“Partner webinar reminders” declined.")
    expect(messages.get_by_role("button", name="Undo")).to_be_visible()

    page.keyboard.press("z")
    expect(messages).to_contain_text("Undone: “Partner webinar reminders” is as it was.")
    expect(row).to_be_visible()
    task.refresh_from_db()
    assert (task.status, task.declined_reason) == (Status.NEW, "")

    # Deferred now and left alone: the deferral reaches the requester once the window has
    # passed, the decline (news due earlier) never does.
    focus_row(page, row)
    page.keyboard.press("d")
    expect(row).to_have_count(0)
    (deferred,) = smtp.inbox.wait_for(REQUESTER, timeout=WINDOW + 30)
    assert "is deferred until" in deferred.get_body(("plain",)).get_content()
    assert Task.objects.get(pk=task.pk).status == Status.DEFERRED
    # The undo button has gone with its time.
    expect(messages.get_by_role("button", name="Undo")).to_have_count(0)
    assert [message["Subject"] for message in smtp.inbox.to(REQUESTER)] == [deferred["Subject"]]
