"""A person's own API token, walked in the browser: made on their page and shown once,
copied, used by a script, revoked."""

from playwright.sync_api import expect

from tests.e2e.conftest import log_in


def test_a_member_makes_a_token_copies_it_uses_it_and_revokes_it(page, screenshot):
    log_in(page, "member")
    page.get_by_text("member: account").click()
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your API tokens")
    page.get_by_label("Name").fill("CRM sync")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("heading", name="“CRM sync” is ready")).to_be_visible()

    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    key = page.evaluate("navigator.clipboard.readText()")
    assert key.startswith("mops_")
    assert key == page.get_by_label("Your new token").input_value()
    screenshot("api-token-made")

    # A script holding the token reads the board's tasks.
    bearer = {"Authorization": f"Bearer {key}"}
    answer = page.request.get("/api/v1/tasks", headers=bearer)
    assert answer.status == 200
    assert answer.json()["results"]

    # Shown once: the page lists it by its first characters only, and when it was used.
    page.goto("/account/api-tokens/")
    row = page.locator("tr", has_text="CRM sync")
    expect(row).to_contain_text(key[:12])
    expect(row).not_to_contain_text("never")
    assert key not in page.content()

    row.get_by_role("button", name="Revoke CRM sync").click()
    expect(page.locator("#messages")).to_contain_text("Revoked “CRM sync”")
    expect(page.locator("tr", has_text="CRM sync")).to_contain_text("Revoked")
    answer = page.request.get("/api/v1/tasks", headers=bearer)
    assert answer.status == 401
    assert answer.headers["content-type"] == "application/problem+json"


def test_the_api_reference_reads_without_an_account(page):
    page.goto("/api/v1/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("API")
    page.get_by_role("link", name="PATCH /api/v1/tasks/{task_id}").click()
    expect(page.locator(":target")).to_contain_text("If-Match")
