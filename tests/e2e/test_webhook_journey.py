"""The lead registers a webhook to a receiver (a real HTTP server in the test that checks
every signature), keeps its secret, drags a card on the board, and watches the delivery
log fill as a real queue worker delivers."""

from playwright.sync_api import expect

from tests.e2e.conftest import log_in


def test_lead_registers_a_webhook_drags_a_card_and_sees_it_delivered(
    page, receiver, workers, settings, screenshot
):
    settings.MOPSBOARD_WEBHOOKS_ALLOW_PRIVATE = True
    workers()
    log_in(page)
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

    page.goto("/board/")
    money_pit = page.locator("section[data-quadrant=money-pit]")
    card = money_pit.locator(".card").first
    task_id = int(card.get_attribute("data-task-id"))
    title = card.locator(".card-title").inner_text()
    source = card.locator(".card-meta").bounding_box()
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
