"""The lead connects mopsboard to the team's other tools in one sitting: makes an API token
for an automation platform, moves the backlog kept in a spreadsheet into mopsboard (saying
what the one column it did not recognise holds, reading the preview, importing, watching
the progress to the end), registers a webhook to the team chat's receiver (a real HTTP
server in the test that checks every signature), drags a card on the board and watches
the delivery log fill. Real queue workers do the import and the delivery."""

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


def test_lead_connects_mopsboard_to_the_teams_tools(page, receiver, workers, settings, screenshot):
    settings.MOPSBOARD_WEBHOOKS_ALLOW_PRIVATE = True
    workers()
    log_in(page)

    # A token for the automation platform, shown once.
    page.get_by_text("lead: account").click()
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("Workato")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("heading", name="“Workato” is ready")).to_be_visible()
    key = page.get_by_label("Your new token").input_value()
    assert key.startswith("mops_")

    # The spreadsheet, from the board.
    page.get_by_role("link", name="Board", exact=True).click()
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
    new_people = page.get_by_text("1 new person will be added as a stakeholder")
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

    # The platform reads an imported task with the token.
    bearer = {"Authorization": f"Bearer {key}"}
    answer = page.request.get(f"/api/v1/tasks/{task.pk}", headers=bearer)
    assert answer.status == 200
    assert (answer.json()["title"], answer.json()["quadrant"]) == (task.title, "quick-win")

    # The webhook for the team chat.
    page.get_by_text("lead: account").click()
    page.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks")
    page.get_by_label("URL").fill(receiver.url)
    page.get_by_label("Description").fill("Team chat")
    page.get_by_label("A task is scored (impact, effort)").check()
    page.get_by_role("button", name="Add webhook").click()
    expect(page.get_by_role("heading", name=f"Webhook to {receiver.url} is ready")).to_be_visible()
    secret = page.get_by_label("Signing secret").input_value()
    assert secret.startswith("whsec_")
    receiver.secret = secret
    screenshot("webhook-made")

    # Shown once: the list, opened again, does not hold it.
    page.goto("/webhooks/")
    row = page.locator("tr", has_text=receiver.url)
    expect(row).to_contain_text("task.scored")
    expect(row).to_contain_text("none yet")
    assert secret not in page.content()

    # Every quadrant in sight: each shows all its cards, so the board is taller than a laptop.
    page.set_viewport_size({"width": 1400, "height": 2600})
    page.goto("/board/")
    money_pit = page.locator("section[data-quadrant=money-pit]")
    card = money_pit.locator(".card").first
    task_id = int(card.get_attribute("data-task-id"))
    title = card.locator(".card-title").inner_text()
    source = card.locator(".card-handle").bounding_box()
    target = page.locator("section[data-quadrant=quick-win] ol.cards").bounding_box()
    page.mouse.move(source["x"] + 10, source["y"] + 5)
    page.mouse.down()
    page.mouse.move(target["x"] + 40, target["y"] + 20, steps=20)
    page.mouse.move(target["x"] + 42, target["y"] + 24, steps=5)
    page.mouse.up()
    expect(page.locator("#messages")).to_contain_text(f"“{title}” is now a quick win")

    page.goto("/webhooks/")
    page.get_by_role("link", name=receiver.url).click()
    delivery = page.locator("#delivery-log tbody tr").first
    expect(delivery).to_contain_text("task.scored")
    # The log reloads itself while the delivery is pending.
    expect(delivery).to_contain_text("Delivered", timeout=30_000)
    expect(delivery).to_contain_text("200")
    screenshot("webhook-delivery-log")
    ((webhook_id, payload),) = receiver.received
    expect(delivery).to_contain_text(webhook_id)
    assert (payload["type"], payload["data"]["id"]) == ("task.scored", task_id)
    assert payload["data"]["quadrant"] == "quick-win"
    assert receiver.unverified == 0
