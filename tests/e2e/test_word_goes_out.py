"""Request in → triage → plan → everyone who should know, knows: a requester without an
account and the team lead, with a real queue worker delivering to a real SMTP server."""

import datetime

import pytest
from playwright.sync_api import expect

from backlog.models import Status, Task
from intake.models import IntakeLink
from mopsboard.weeks import week_label, week_of
from people.models import Person
from tests.e2e.conftest import log_in, new_page

REQUESTER = "jo.requester@example.com"


@pytest.fixture
def lead(browser, live_server, demo):
    page = new_page(browser, live_server.url)
    log_in(page)
    yield page
    page.context.close()
    assert not page.csp_violations, page.csp_violations


def send_request(page, link: IntakeLink, title: str) -> str:
    """Fill and send the intake form; the tracking link from the receipt."""
    page.goto(link.get_absolute_url())
    page.get_by_label("What do you need?").fill(title)
    page.get_by_label("Details").fill("For the <b>partner</b> webinar on the 12th.")
    page.get_by_label("Why it matters").fill("Half of the sign-ups forget to come.")
    page.get_by_label("Your name").fill("Jo Requester")
    page.get_by_label("Your email").fill(REQUESTER)
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("heading", name="Request sent")).to_be_visible()
    return page.get_by_label("Follow your request at this link").input_value()


def triage(lead, task: Task, *keys: str):
    """Focus `task`'s row in the inbox with `j`, as the lead does, then type `keys`; the
    row leaves the inbox."""
    lead.goto("/triage/")
    row = lead.locator(f"#triage-row-{task.pk}")
    for _ in range(Task.objects.filter(status=Status.NEW).count()):
        lead.keyboard.press("j")
        if row.evaluate("row => row === document.activeElement"):
            break
    expect(row).to_be_focused()
    for key in keys:
        lead.keyboard.press(key)
    expect(row).to_have_count(0)


def test_the_requester_and_an_informed_person_hear_of_each_decision(
    page, lead, smtp, workers, live_server, settings
):
    settings.MOPSBOARD_SITE_URL = live_server.url
    workers()
    link = IntakeLink.objects.get(label="Sales requests")
    send_request(page, link, "Reminder emails for the partner webinar")
    task = Task.objects.get(title="Reminder emails for the partner webinar")

    # The acknowledgement reaches the mail server, its link opens the request's page.
    (received,) = smtp.inbox.wait_for(REQUESTER)
    body = received.get_body(("plain",)).get_content()
    assert "We received your request “Reminder emails for the partner webinar”" in body
    assert "<b>" not in received.get_body(("html",)).get_content().split("partner")[0][-5:]
    tracking = next(word for word in body.split() if "/requests/" in word)
    page.goto(tracking)
    expect(page.get_by_role("heading", name="Received, waiting for triage")).to_be_visible()

    # The lead triages it with the keyboard: a quick win.
    triage(lead, task, "5", "1")
    (_, triaged) = smtp.inbox.wait_for(REQUESTER, 2)
    assert "is a quick win" in triaged.get_body(("plain",)).get_content()

    # The lead names who is Accountable and who is kept Informed, on the task's page.
    owner, informed = Person.objects.team().exclude(email="").filter(user__isnull=True)[:2]
    lead.goto(task.get_absolute_url())
    for person, key, button in ((owner, "Shift+A", 3), (informed, "i", 5)):
        lead.get_by_label("Find someone by name or email").fill(person.name)
        expect(lead.locator("#people-found")).to_contain_text(person.name)
        lead.keyboard.press("ArrowDown")
        lead.keyboard.press(key)
        given = lead.locator(f"#raci-role-{person.pk}-{button}")
        expect(given).to_have_attribute("aria-pressed", "true")

    page.reload()
    expect(page.locator(".badge[data-quadrant=quick-win]")).to_have_text("Quick win")
    expect(page.locator(".facts")).to_contain_text(owner.name)

    # Planned into next week (the shortcut works with the week box still empty): the
    # requester and the Informed person both hear of it.
    lead.get_by_role("button", name="Next week").click()
    next_monday = week_of(datetime.date.today()) + datetime.timedelta(weeks=1)
    expect(lead.locator("#task-plan")).to_contain_text(week_label(next_monday))
    week = f"the week of {next_monday:%-d %B %Y}"
    planned = smtp.inbox.wait_for(REQUESTER, 3)[-1]
    assert week in planned.get_body(("plain",)).get_content()
    told = [m.get_body(("plain",)).get_content() for m in smtp.inbox.wait_for(informed.email)]
    assert any(week in text for text in told)
    assert planned["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Another request is declined; its requester reads why on their page.
    other_tracking = send_request(page, link, "A second landing page")
    other = Task.objects.get(title="A second landing page")
    triage(lead, other, "x", *"The events team builds landing pages.", "Enter")
    page.goto(other_tracking)
    expect(page.locator(".declined-reason")).to_have_text("The events team builds landing pages.")

    # Nobody heard of anything twice.
    ids = smtp.inbox.message_ids()
    assert len(ids) == len(set(ids))


def test_a_member_given_a_role_on_the_task_page_is_emailed_a_link_to_it(
    browser, lead, smtp, workers, live_server, settings
):
    settings.MOPSBOARD_SITE_URL = live_server.url
    workers()
    tom = Person.objects.get(user__username="member")
    task = (
        Task.objects.filter(status=Status.BACKLOG)
        .exclude(assignments__person=tom)
        .order_by("pk")
        .first()
    )

    # The lead gives Tom R from the task's page, with the keyboard.
    lead.goto(task.get_absolute_url())
    lead.get_by_label("Find someone by name or email").fill(tom.name.split()[0])
    expect(lead.locator("#people-found [data-raci-keys]")).to_have_count(1)
    lead.keyboard.press("ArrowDown")
    responsible = lead.locator(f"#raci-role-{tom.pk}-1")
    expect(responsible).to_be_focused()
    lead.keyboard.press("r")
    expect(responsible).to_have_attribute("aria-pressed", "true")

    # Tom's email reaches the mail server: who gave it, the quadrant, and his link.
    (email,) = smtp.inbox.wait_for(tom.email)
    assert email["Subject"] == f"{task.title}: Your role"
    body = email.get_body(("plain",)).get_content()
    assert f"Priya Shah made you Responsible for “{task.title}”." in body
    assert f"It is a {task.quadrant.label.lower()}" in body
    link = next(word for word in body.split() if f"/tasks/{task.pk}/" in word)

    # The link opens the task for Tom, once he has signed in.
    member = new_page(browser, live_server.url)
    member.goto(link)
    member.get_by_label("Username").fill("member")
    member.get_by_label("Password").fill("mopsboard-demo")
    member.get_by_role("button", name="Log in").click()
    expect(member.get_by_role("heading", level=1)).to_have_text(task.title)
    assert member.url == link
    member.context.close()
