"""Pages people print: the lead's RACI matrix, the weekly review, the year in review, the
goals, and the stakeholder's legend, as Chromium prints them to PDF (read back with
poppler's pdftotext)."""

import re
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from people.models import Person
from raci.models import Role, ShareLink
from tests.e2e.conftest import ARTIFACTS, log_in
from tests.e2e.test_peaks_journey import pia_planned_after_a_due_date
from tests.factories import AssignmentFactory, PersonFactory, TaskFactory

# What nobody can use on paper; on a printout it is clutter.
CONTROLS_SHOWN = """() => Array.from(
    document.querySelectorAll("form, button, input, select, textarea, nav, [role=search]"),
).filter((control) => control.checkVisibility()).map((control) => control.outerHTML.slice(0, 80))"""


def printed(page, name: str) -> list[str]:
    """Print the page as Chromium would, on the page size its CSS asks for (PDF kept in
    test-artifacts/), after checking no control shows in print; the text of each sheet."""
    page.emulate_media(media="print")
    assert page.evaluate(CONTROLS_SHOWN) == []
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    page.pdf(path=path, prefer_css_page_size=True)
    text = subprocess.run(
        ["pdftotext", "-layout", path, "-"], check=True, capture_output=True, text=True
    ).stdout
    return [sheet for sheet in text.split("\f") if sheet.strip()]


def sheet_sizes(name: str) -> set[tuple[float, float]]:
    info = subprocess.run(
        ["pdfinfo", "-l", "99", ARTIFACTS / f"{name}.pdf"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {
        (float(width), float(height))
        for width, height in re.findall(r"Page +\d+ size: ([\d.]+) x ([\d.]+) pts", info)
    }


def fifty_tasks_for_ten_people():
    """50 tasks with roles across ten team members. The last column is Zora's, who does
    them all, so her name is printed only at the head of that column."""
    team = list(Person.objects.filter(kind=Person.Kind.TEAM, is_active=True))
    team += [
        PersonFactory(name=f"Print Tester {n}", kind=Person.Kind.TEAM)
        for n in range(1, 10 - len(team))
    ]
    team.append(PersonFactory(name="Zora", kind=Person.Kind.TEAM, title="Ops analyst"))
    assert len(team) == 10
    for n in range(50):
        task = TaskFactory(title=f"Printed task {n:02}: refresh the lead scoring model for EMEA")
        AssignmentFactory(task=task, person=team[n % 9], role=Role.ACCOUNTABLE)
        AssignmentFactory(task=task, person=team[-1], role=Role.RESPONSIBLE)
    return team


def test_the_leads_raci_matrix_prints_landscape_whole_and_headed_on_every_sheet(page):
    fifty_tasks_for_ten_people()
    log_in(page)
    page.goto("/raci/?q=Printed+task")
    expect(page.locator("#raci-matrix tbody tr")).to_have_count(50)
    sheets = printed(page, "raci-lead-print")
    assert len(sheets) <= 3, f"50 tasks took {len(sheets)} sheets"
    assert all(width > height for width, height in sheet_sizes("raci-lead-print"))
    for sheet in sheets:
        # The header row on every sheet, its last column not cut off at the right edge.
        assert "Health" in sheet and "Zora" in sheet, sheet
    text = "\n".join(sheets)
    assert "Printed task 49" in text
    assert "Click a cell" not in text and "Search" not in text


@pytest.mark.parametrize("mode", ["", "present=1"])
def test_the_weekly_review_prints_without_buttons_or_forms(page, mode):
    """Printed from the meeting's projector too, in presentation mode's stead."""
    name = f"review-print{'-presenting' if mode else ''}"
    log_in(page)
    page.goto(f"/review/?{mode}")
    # The spare hours and the weeks ahead load after the page: printed once they are in.
    expect(page.locator('[hx-trigger="load"]')).to_have_count(0)
    sheets = printed(page, name)
    # The bars, then an agenda of a dozen headings (the weeks ahead and the goals too).
    assert len(sheets) <= 4, f"the review took {len(sheets)} sheets"
    assert all(width < height for width, height in sheet_sizes(name))
    text = "\n".join(sheets)
    for shown in ("Next week", "Tom Becker", "Over capacity", "Decided from this page"):
        assert shown in text, shown
    for hidden in ("Present", "Record the review", "Past reviews", "Board", "Esc"):
        assert hidden not in text, hidden


def test_the_year_in_review_prints_without_navigation(page):
    log_in(page)
    year = timezone.localdate().year
    page.goto(f"/year/{year}/")
    # The printable width of a portrait Letter page, the narrower of Letter and A4, in
    # CSS pixels: no table wider than its panel, where it would be cut off.
    page.set_viewport_size({"width": 740, "height": 1000})
    page.emulate_media(media="print")
    cut = page.locator(".year-breakdowns .panel").evaluate_all(
        "(panels) => panels.filter((panel) => panel.scrollWidth > panel.clientWidth)"
        ".map((panel) => panel.querySelector('h2').textContent)"
    )
    assert cut == []
    sheets = printed(page, "year-print")
    assert len(sheets) <= 3, f"the year took {len(sheets)} sheets"
    text = "\n".join(sheets)
    for shown in ("requests received", "By category", "By month", "Received"):
        assert shown in text, shown
    for hidden in ("Download CSV", "Board", f"{year - 1}"):
        assert hidden not in text, hidden


def test_the_shared_legend_keeps_each_letter_with_its_meaning(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.goto(ShareLink.objects.get().get_absolute_url())
    page.emulate_media(media="print")
    parted = []
    for width in range(320, 1000, 8):
        page.set_viewport_size({"width": width, "height": 800})
        parted += page.locator(".legend dt").evaluate_all(
            """(letters, width) => letters
                .filter((dt) => dt.getBoundingClientRect().top
                    !== dt.nextElementSibling.getBoundingClientRect().top)
                .map((dt) => `${dt.textContent} at ${width}px`)""",
            width,
        )
    assert parted == []
    context.close()


def test_the_stakeholders_matrix_prints_whole_like_the_leads(page):
    """The stakeholder prints what the lead prints: nothing cut at the right edge."""
    fifty_tasks_for_ten_people()
    link = ShareLink.objects.create(label="Print", query="q=Printed+task")
    page.goto(link.get_absolute_url())
    sheets = printed(page, "raci-shared-print-fifty")
    assert all("Zora" in sheet for sheet in sheets)
    assert len(sheets) <= 3


@pytest.mark.parametrize("which", ["goals", "goal"])
def test_the_goals_print_their_figures_without_forms(page, which):
    from goals.models import Goal

    log_in(page)
    goal = Goal.objects.get(short_name="Leads +40%")
    page.goto("/goals/" if which == "goals" else goal.get_absolute_url())
    page.emulate_media(media="print")
    assert page.evaluate(CONTROLS_SHOWN) == []
    text = "\n".join(printed(page, f"{which}-print"))
    for shown in ("Leads +40%", "On track", "Priya Shah"):
        assert shown in text, shown
    assert "Add check-in" not in text


def test_a_quarter_of_the_horizon_prints_on_one_landscape_sheet(page):
    log_in(page)
    page.goto("/plan/?weeks=13")
    expect(page.locator(".horizon")).to_be_visible()
    sheets = printed(page, "plan-print")
    assert len(sheets) == 1
    assert all(width > height for width, height in sheet_sizes("plan-print"))
    # Every week's column and the team's totals are on it, each cell with its word.
    assert "Team" in sheets[0]
    assert len(re.findall(r"\d{4}-W\d{2}", sheets[0])) >= 13
    assert "free" in sheets[0]


def test_the_horizon_prints_its_due_dates_at_risk_without_their_buttons(page):
    pia_planned_after_a_due_date()
    log_in(page)
    page.goto("/plan/?weeks=13")
    at_risk = page.locator("#due-dates-at-risk")
    expect(at_risk.get_by_role("button", name=re.compile("^Plan before"))).to_have_count(1)
    # `printed` finds no button on paper.
    sheets = printed(page, "plan-at-risk-print")
    assert len(sheets) == 1
    assert "Pia's partner landing page" in sheets[0]
    assert "Plan before the due date" not in sheets[0]
