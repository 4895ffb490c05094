"""The conversation on a task: the lead asks the requester a question on the task's page,
the requester answers from their own page (no account), and the lead reads the answer on
the task. A note for the team alone never reaches the requester, on the page or by email."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from backlog.models import Task
from intake.tracking import request_path
from mail.models import Email
from mopsboard.jobs import jobs_run
from notifications.tasks import QUEUE as NOTIFICATIONS
from tests.e2e.conftest import log_in, new_page

QUESTION = "Which partners should get the reminders: all of them, or EMEA only?"
NOTE = "Internal: the EMEA list is a mess, clean it first."
ANSWER = "EMEA only for now, please. The list is at https://example.com/emea"
FAILING = ("critical", "serious")


def _failing(page) -> list:
    return [v for v in Axe().run(page).response["violations"] if v["impact"] in FAILING]


def test_the_lead_asks_the_requester_answers_and_the_lead_reads_it(
    page, browser, live_server, screenshot
):
    task = (
        Task.objects.filter(impact__isnull=False, requester_confirmed=True)
        .exclude(requester__email="")
        .exclude(requester=None)
        .order_by("pk")
        .first()
    )
    log_in(page)
    page.goto(task.get_absolute_url())
    comments = page.locator("#task-comments")
    comments.get_by_label("Comment").fill(QUESTION)
    comments.get_by_label("Share with the requester").check()
    comments.get_by_role("button", name="Add comment").click()
    expect(page.locator("#messages")).to_contain_text("Shared with the requester.")
    expect(comments).to_contain_text(QUESTION)
    comments.get_by_label("Comment").fill(NOTE)
    comments.get_by_role("button", name="Add comment").click()
    expect(comments).to_contain_text(NOTE)
    # The history has both, swapped in beside the comments.
    expect(page.locator("#task-history")).to_contain_text("Shared comment")
    expect(page.locator("#task-history")).to_contain_text("Internal comment")

    # The requester, with no account, opens the link to their request.
    requester = new_page(browser, live_server.url)
    requester.goto(request_path(task))
    conversation = requester.locator("#conversation")
    expect(conversation).to_contain_text(QUESTION)
    expect(requester.get_by_text(NOTE)).to_have_count(0)
    assert not _failing(requester)
    requester.get_by_label("Your answer").fill(ANSWER)
    requester.get_by_role("button", name="Send to the team").click()
    expect(requester.locator("#messages")).to_contain_text("your answer is with the team")
    expect(conversation).to_contain_text("EMEA only for now")
    expect(conversation.get_by_role("link", name="https://example.com/emea")).to_be_visible()
    assert not requester.csp_violations, requester.csp_violations
    requester.context.close()

    # The lead reads the answer on the task.
    page.reload()
    expect(comments).to_contain_text("EMEA only for now")
    expect(comments).to_contain_text(f"{task.requester.name} (requester)")
    assert not _failing(page)
    screenshot("conversation-task")

    # The emails tell the shared question and the answer, never the note.
    jobs_run(queue=NOTIFICATIONS)
    to_requester = Email.objects.filter(to=task.requester.email, task=task).values_list(
        "text", flat=True
    )
    assert any(QUESTION in text for text in to_requester)
    assert not Email.objects.filter(text__contains="EMEA list is a mess").exists()
