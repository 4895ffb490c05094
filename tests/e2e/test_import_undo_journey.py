"""A lead imports the wrong file and takes it back from the import's page: asked first,
then the tasks are gone and the import says who undid it and when. Real queue workers
check, write and undo."""

import csv
import io

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from backlog.models import Task
from tests.e2e.conftest import log_in

TITLES = ["Spring webinar invites", "Partner newsletter"]


def test_the_lead_undoes_an_import_from_its_page(page, workers):
    workers()
    log_in(page)
    out = io.StringIO()
    csv.writer(out).writerows([["Title", "Estimate"], *[[title, "2"] for title in TITLES]])
    page.get_by_role("link", name="Import CSV").click()
    page.get_by_label("CSV file").set_input_files(
        {"name": "wrong-file.csv", "mimeType": "text/csv", "buffer": out.getvalue().encode()}
    )
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("button", name="Import 2 tasks").click(timeout=60_000)
    expect(page.get_by_text("2 tasks imported")).to_be_visible(timeout=60_000)
    assert Task.objects.filter(title__in=TITLES).count() == 2

    page.get_by_role("link", name="Undo this import…").click()
    expect(page.get_by_role("heading")).to_contain_text("Undo the import of wrong-file.csv?")
    expect(page.get_by_text("Its 2 tasks leave the board")).to_be_visible()
    violations = Axe().run(page).response["violations"]
    assert not [v for v in violations if v["impact"] in ("critical", "serious")], violations
    page.get_by_role("button", name="Undo the import").click()

    # The queue's worker undoes it; the page polls until it shows the result.
    expect(page.locator("#import-undone")).to_contain_text("Undone by lead at", timeout=60_000)
    expect(page.locator("#import-undone")).to_contain_text("2 of the 2 tasks")
    assert not Task.objects.filter(title__in=TITLES).exists()
    page.goto("/board/")
    expect(page.get_by_text(TITLES[0])).to_have_count(0)
