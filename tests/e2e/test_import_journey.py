"""The lead moves a backlog kept in a spreadsheet into mopsboard: uploads it, says what
the one column it did not recognise holds, reads the preview, imports it, watches the
progress to the end (a real queue worker does the work) and finds the tasks on the board."""

import csv
import io

from playwright.sync_api import expect

from backlog.models import Status, Task
from imports.models import Import
from tests.e2e.conftest import log_in

REQUESTER = "Zoë Demand \u2013 EMEA"
TITLES = [f"Rebuild the {region} nurture stream" for region in ("EMEA", "APAC", "LATAM")]


def _spreadsheet() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Request", "Requested by", "Work type", "Value", "Size", "Due", "Hrs"])
    for title in TITLES:
        writer.writerow([title, REQUESTER, "Campaign build", "5", "2", "15/01/2027", "6"])
    for n in range(40):
        writer.writerow([f"Tidy up list upload {n}", "", "Data cleanup", "", "", "", ""])
    # Saved by a spreadsheet on Windows, in Windows-1252.
    return out.getvalue().encode("cp1252")


def test_lead_imports_a_spreadsheet_after_fixing_one_column(page, workers, screenshot):
    workers()
    log_in(page)
    page.get_by_role("link", name="Import CSV").click()
    expect(page.get_by_role("heading", name="Import tasks from a spreadsheet")).to_be_visible()
    page.get_by_label("CSV file").set_input_files(
        {"name": "marketing-backlog.csv", "mimeType": "text/csv", "buffer": _spreadsheet()}
    )
    page.get_by_role("button", name="Upload and check").click()

    # "Hrs" was not recognised: the lead says it holds the estimate.
    expect(page.locator("#messages")).to_contain_text("Some columns were not recognised")
    expect(page.get_by_label("Request", exact=True)).to_have_value("title")
    expect(page.get_by_label("Hrs")).to_have_value("")
    page.get_by_label("Hrs").select_option(label="Estimate (hours)")
    screenshot("import-columns")
    page.get_by_role("button", name="Check the rows").click()

    # The check runs on the worker; the page updates by itself until it is done.
    expect(page.get_by_text("All 43 rows are ready")).to_be_visible(timeout=60_000)
    sample = page.locator("#import-sample")
    expect(sample).to_contain_text("Rebuild the EMEA nurture stream")
    expect(sample.locator("tr").nth(1)).to_contain_text("6")
    new_people = page.get_by_text("1 new requester will be added as stakeholders")
    expect(new_people).to_contain_text(REQUESTER)
    expect(page.get_by_text("read as Windows-1252")).to_be_visible()
    assert not Task.objects.filter(title__in=TITLES).exists()
    screenshot("import-preview")
    page.get_by_role("button", name="Import 43 tasks").click()

    expect(page.get_by_role("heading", name="Imported")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("43 tasks imported")).to_be_visible()
    expect(page.locator("#import-state")).not_to_have_attribute("hx-trigger", "every 1s")
    screenshot("import-done")
    imp = Import.objects.get()
    assert imp.state == Import.State.DONE and imp.rows_written == 43

    page.get_by_role("link", name="To the board").click()
    quick_wins = page.locator("section[data-quadrant=quick-win]")
    task = Task.objects.get(title="Rebuild the EMEA nurture stream")
    assert task.estimate_hours == 6 and task.status == Status.BACKLOG
    page.get_by_label("Search").fill("nurture stream")
    page.get_by_label("Search").press("Enter")
    expect(quick_wins.locator(f"[data-task-id='{task.pk}']")).to_be_visible()
    tidy_ups = Task.objects.filter(title__startswith="Tidy up list upload", status=Status.NEW)
    assert tidy_ups.count() == 40

    page.get_by_role("link", name="Import CSV").click()
    page.get_by_role("link", name="All imports").click()
    expect(page.locator("table.list")).to_contain_text("marketing-backlog.csv")
