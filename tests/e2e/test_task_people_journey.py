"""The lead puts people on a task's RACI from its page, by keyboard alone: someone new as
a stakeholder, then a team member found by name, warned of her hours as planning warns."""

import datetime
import re

from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from backlog.models import Status
from mopsboard.weeks import week_label, week_of
from people.models import Person
from raci.models import Assignment, Role
from tests.e2e.conftest import log_in
from tests.e2e.test_accessibility import FAILING, describe
from tests.factories import TaskFactory


def tab_to(page, target, *, presses=60):
    """Press Tab, as a person would, until `target` has the keyboard."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


def test_lead_adds_a_stakeholder_and_gives_ruth_r_by_keyboard(page, screenshot):
    next_week = week_of(timezone.localdate()) + datetime.timedelta(weeks=1)
    task = TaskFactory(
        title="Partner webinar landing page",
        requester=Person.objects.get(name="Lena Fischer"),
        status=Status.PLANNED,
        planned_week=next_week,
        estimate_hours=8,
    )
    log_in(page)
    page.goto(task.get_absolute_url())

    # Someone new, by name and email, as Informed.
    tab_to(page, page.locator(".raci-new > summary"))
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Name:", exact=True)).to_be_focused()
    page.keyboard.type("Nia Partner")
    page.keyboard.press("Tab")
    page.keyboard.type("nia@partner.example")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Letter")).to_be_focused()
    page.keyboard.press("i")
    expect(page.get_by_label("Letter")).to_have_value("I")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#messages")).to_contain_text(
        "Nia Partner is now I on “Partner webinar landing page”."
    )
    nia = Person.objects.get(email="nia@partner.example")
    assert nia.kind == Person.Kind.STAKEHOLDER
    informed = page.locator(f"#raci-role-{nia.pk}-5")
    expect(informed).to_have_attribute("aria-pressed", "true")
    expect(informed).to_be_focused()

    # Ruth, found by a few letters of her name.
    search = page.get_by_label("Find someone by name or email")
    tab_to(page, search)
    page.keyboard.type("ruth")
    ruth = Person.objects.get(name="Ruth Okafor")
    found = page.locator("#people-found [data-raci-keys]")
    expect(found).to_have_count(1)
    expect(found).to_contain_text("Ruth Okafor")

    page.keyboard.press("ArrowDown")
    expect(page.locator(f"#raci-role-{ruth.pk}-1")).to_be_focused()
    page.keyboard.press("r")
    warning = page.locator("#task-raci .conflict")
    expect(warning).to_contain_text(
        re.compile(rf"Ruth Okafor would be at [\d.]+ of 4 h in {week_label(next_week)}\.")
    )
    anyway = page.get_by_role("button", name="Give R anyway")
    expect(anyway).to_be_focused()
    assert not Assignment.objects.filter(task=task, person=ruth).exists()

    page.keyboard.press("Enter")
    responsible = page.locator(f"#raci-role-{ruth.pk}-1")
    expect(responsible).to_have_attribute("aria-pressed", "true")
    expect(responsible).to_be_focused()
    roles = dict(Assignment.objects.filter(task=task).values_list("person__name", "role"))
    assert roles == {"Nia Partner": Role.INFORMED, "Ruth Okafor": Role.RESPONSIBLE}

    # On a phone the panel, its search open, fits the screen's width and passes axe (last:
    # axe leaves style attributes that htmx would copy onto swapped elements, against CSP).
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_label("Find someone by name or email").fill("a")
    expect(found.first).to_be_visible()
    fits = page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert fits, "the task page scrolls sideways at 390 px"
    failing = [v for v in Axe().run(page).response["violations"] if v["impact"] in FAILING]
    assert not failing, describe(failing)
    screenshot("task-people-390")
