"""A new team lead imports the exports teams really have: a US tool's, whose dates read two
ways until the lead says month first, a European spreadsheet's, semicolons, 31.12.2026
and 2,5 hours, which imports without a question, and Asana's, whose priorities and new
people the lead confirms. Real queue workers check and write."""

import csv
import datetime
import io
from decimal import Decimal

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from backlog.models import Task
from people.models import Person
from tests.e2e.conftest import log_in


def _csv(rows: list[list[str]], *, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode()


def _upload(page, name: str, content: bytes):
    page.get_by_role("link", name="Import CSV").click()
    page.get_by_label("CSV file").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Upload and check").click()


def _serious(page) -> list:
    return [
        v for v in Axe().run(page).response["violations"] if v["impact"] in ("critical", "serious")
    ]


def test_a_us_export_whose_dates_read_two_ways_lands_as_the_lead_says(page, workers, screenshot):
    workers()
    log_in(page)
    _upload(
        page,
        "us-backlog.csv",
        _csv(
            [
                ["Title", "Due date", "Estimate"],
                ["Spring webinar invites", "2/3/2027", "1.5 hours"],
                ["Partner newsletter", "03/01/2027", "4"],
            ]
        ),
    )

    # The check finds the dates read two ways and asks, rather than guess.
    state = page.locator("#import-state")
    expect(state).to_contain_text("read two ways", timeout=60_000)
    page.get_by_role("link", name="Choose how the dates read").click()
    question = page.get_by_role("group", name="How “Due date” reads")
    day_first = question.get_by_label("Day first")
    month_first = question.get_by_label("Month first")
    expect(day_first).not_to_be_checked()
    expect(month_first).not_to_be_checked()
    expect(question).to_contain_text("2/3/2027 is 2 Mar 2027")
    expect(question).to_contain_text("2/3/2027 is 3 Feb 2027")
    assert not _serious(page)
    screenshot("import-dates-question")
    month_first.check()
    page.get_by_role("button", name="Check the rows").click()

    expect(page.get_by_text("All 2 rows are ready")).to_be_visible(timeout=60_000)
    expect(page.locator("#import-read-as")).to_contain_text("“Due date” reads month first")
    expect(page.locator("#import-sample")).to_contain_text("2027-02-03")
    page.get_by_role("button", name="Import 2 tasks").click()
    expect(page.get_by_text("2 tasks imported")).to_be_visible(timeout=60_000)

    webinar = Task.objects.get(title="Spring webinar invites")
    assert webinar.due_date == datetime.date(2027, 2, 3)
    assert webinar.estimate_hours == Decimal("1.5")
    assert Task.objects.get(title="Partner newsletter").due_date == datetime.date(2027, 3, 1)


def test_a_european_semicolon_file_imports_without_a_question(page, workers):
    workers()
    log_in(page)
    _upload(
        page,
        "backlog-de.csv",
        _csv(
            [
                ["Title", "Due date", "Estimate"],
                ["Messe-Nachbereitung", "31.12.2026", "2,5"],
                ["Newsletter März", "01.03.2027", "1,5 h"],
            ],
            delimiter=";",
        ),
    )

    expect(page.get_by_text("All 2 rows are ready")).to_be_visible(timeout=60_000)
    read_as = page.locator("#import-read-as")
    expect(read_as).to_contain_text("“Due date” reads day first (found from its values)")
    expect(read_as).to_contain_text("“Estimate” reads decimal comma (found from its values)")
    page.get_by_role("button", name="Import 2 tasks").click()
    expect(page.get_by_text("2 tasks imported")).to_be_visible(timeout=60_000)

    fair = Task.objects.get(title="Messe-Nachbereitung")
    assert (fair.due_date, fair.estimate_hours) == (datetime.date(2026, 12, 31), Decimal("2.5"))
    newsletter = Task.objects.get(title="Newsletter März")
    assert newsletter.due_date == datetime.date(2027, 3, 1)
    assert newsletter.estimate_hours == Decimal("1.5")


ASANA_HEADER = [
    "Task ID",
    "Created At",
    "Completed At",
    "Last Modified",
    "Name",
    "Section/Column",
    "Assignee",
    "Assignee Email",
    "Start Date",
    "Due Date",
    "Tags",
    "Notes",
    "Projects",
    "Parent task",
    "Priority",
    "Effort",
]


def _asana_row(name, assignee, due, priority, effort):
    task = ["1206", "2026-11-02", "", "2026-11-20", name, "To do", assignee, ""]
    return [*task, "", due, "", "", "Marketing ops", "", priority, effort]


def test_an_asana_export_lands_with_its_dates_priorities_and_people(page, workers, screenshot):
    workers()
    log_in(page)
    _upload(
        page,
        "asana-marketing-ops.csv",
        _csv(
            [
                ASANA_HEADER,
                _asana_row("Spring webinar invites", "ana lima", "2/3/2027", "High", "2"),
                _asana_row(
                    "Partner newsletter", "Jordan Reyes, Tom Becker", "03/01/2027", "Low", "3"
                ),
                _asana_row("Lead scoring refresh", "Priya Natarajan", "", "", ""),
            ]
        ),
    )

    # The check asks before it reads anything: the dates, the priorities, the new people.
    expect(page.locator("#import-state")).to_contain_text("read two ways", timeout=60_000)
    page.get_by_role("link", name="Choose how the dates read").click()
    expect(page.get_by_text("Read as an export of Asana.")).to_be_visible()
    page.get_by_role("group", name="How “Due Date” reads").get_by_label("Month first").check()
    priorities = page.get_by_role("group", name="What the values of “Priority” become")
    expect(priorities.get_by_label("“High” becomes")).to_have_value("5")
    expect(priorities.get_by_label("“Low” becomes")).to_have_value("1")
    priorities.get_by_label("“Low” becomes").select_option("2")
    people = page.get_by_role("group", name="2 people will be added: Jordan Reyes, Priya Natarajan")
    people.get_by_label("Add them as stakeholders").check()
    assert not _serious(page)
    screenshot("import-values-and-people")
    page.get_by_role("button", name="Check the rows").click()

    expect(page.get_by_text("All 3 rows are ready")).to_be_visible(timeout=60_000)
    sample = page.locator("#import-sample")
    expect(sample).to_contain_text("Jordan Reyes (R), Tom Becker (R)")
    expect(sample).to_contain_text("2027-02-03")
    page.get_by_role("button", name="Import 3 tasks").click()
    expect(page.get_by_text("3 tasks imported")).to_be_visible(timeout=60_000)

    tasks = {
        task.title: (
            task.due_date,
            task.impact,
            sorted(task.assignments.filter(role="R").values_list("person__name", flat=True)),
        )
        for task in Task.objects.filter(
            title__in=["Spring webinar invites", "Partner newsletter", "Lead scoring refresh"]
        )
    }
    assert tasks == {
        "Spring webinar invites": (datetime.date(2027, 2, 3), 5, ["Ana Lima"]),
        "Partner newsletter": (datetime.date(2027, 3, 1), 2, ["Jordan Reyes", "Tom Becker"]),
        "Lead scoring refresh": (None, None, ["Priya Natarajan"]),
    }
    assert Person.objects.get(name="Jordan Reyes").kind == Person.Kind.STAKEHOLDER
