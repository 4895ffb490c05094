"""Every page on a phone, a small laptop, a laptop and a desktop, in light and dark mode.

Each page of the accessibility walk, as the lead, a member, a viewer and anonymously, at
390x844, 1024x768, 1280x720 and 1920x1080: the document is never wider than the
window, and "Log out" (or the Menu button that holds it) is reached with Tab, on screen.
axe-core runs at every size in both schemes (what shows changes with the width: the menu,
the board's quadrants, the scatter's key); a serious or critical violation fails the page.
Screenshots of a few pages at every size land in test-artifacts/screens/.
"""

from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, log_in, new_page
from tests.e2e.test_accessibility import CASES, FAILING, describe, page_ids

SIZES = [(390, 844), (1024, 768), (1280, 720), (1920, 1080)]
SCHEMES = ("light", "dark")
SCREENSHOTS = {"board", "triage", "raci", "year", "login", "review"}


@dataclass(frozen=True)
class Page:
    name: str
    role: str
    path: str

    def __str__(self):
        return f"{self.name}-{self.role}"


# The pages themselves (the accessibility walk also opens menus and dialogs on them). A
# member sees what the lead sees, less what only the lead may open (refused with a 403 page).
PAGES = list(
    dict.fromkeys(
        [Page(case.name, case.role, case.path) for case in CASES if case.opener is None]
        + [
            Page(case.name, "member", case.path)
            for case in CASES
            if case.opener is None and case.role == "lead"
        ]
    )
)
ROLES = list(dict.fromkeys(page.role for page in PAGES))

# What has focus: the way to Log out (the Menu button on a narrow screen, the account menu
# under the person's name on a wide one), and whether it is inside the window.
FOCUSED = """() => {
  const element = document.activeElement;
  const box = element.getBoundingClientRect();
  return {
    text: element.textContent.trim(),
    holdsLogOut: element.matches(".menu-button, .account > summary"),
    inside: box.left >= 0 && box.right <= window.innerWidth && box.width > 0,
  };
}"""
# How much wider than the window the page is, and the outermost element that sticks out.
OVERFLOW = """() => {
  const wider = document.documentElement.scrollWidth - window.innerWidth;
  const scrolls = (element) => getComputedStyle(element).overflowX !== "visible";
  const inScrollBox = (element) => {
    for (let box = element.parentElement; box !== document.body; box = box.parentElement) {
      if (scrolls(box)) return true;
    }
    return false;
  };
  const out = [...document.body.querySelectorAll("*")].find(
    (element) =>
      element.getBoundingClientRect().right > window.innerWidth + 1 && !inScrollBox(element)
  );
  const name = out && out.tagName.toLowerCase() + (out.className ? "." + out.className : "");
  return { wider, name };
}"""


def keyboard_reaches_log_out(page) -> str | None:
    """None when Tab reaches the menu holding Log out, on screen; else what went wrong."""
    # From the first stop on the page, as after loading it: the skip link.
    page.get_by_role("link", name="Skip to content").focus()
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["holdsLogOut"]:
            return None if focused["inside"] else f"{focused['text']} is off-screen"
    return "Tab never reached the menu that holds Log out"


def keyboard_reaches_leave_presentation(page) -> str | None:
    """On the projector the menu is away: None when Tab reaches "Leave presentation",
    on screen; else what went wrong."""
    leave = page.get_by_role("link", name="Leave presentation")
    page.get_by_role("link", name="Skip to content").focus()
    for _ in range(30):
        page.keyboard.press("Tab")
        if leave.evaluate("element => element === document.activeElement"):
            return None if leave.is_visible() else "Leave presentation is hidden"
    return "Tab never reached Leave presentation"


@pytest.fixture(scope="module")
def screens(request, browser, live_server, django_db_setup, django_db_blocker):
    """Walk every page once per role and scheme, resizing the one tab through the sizes.

    Only the pages and schemes of the tests selected (`-k board-lead`) are walked."""
    selected = {
        (item.callspec.params["screen"], item.callspec.params["scheme"])
        for item in request.session.items
        if item.path == request.path
        and "screen" in getattr(getattr(item, "callspec", None), "params", {})
    }
    axe = Axe()
    problems: dict[tuple, list[str]] = {}
    screenshots = ARTIFACTS / "screens"
    screenshots.mkdir(parents=True, exist_ok=True)
    with django_db_blocker.unblock():
        call_command("seed_demo", verbosity=0)
        try:
            ids = page_ids()
            for role in ROLES:
                for scheme in SCHEMES:
                    pages = [page for page in PAGES if (page, scheme) in selected]
                    if not any(page.role == role for page in pages):
                        continue
                    context = browser.new_context(
                        base_url=live_server.url,
                        viewport={"width": 1280, "height": 720},
                        color_scheme=scheme,
                    )
                    tab = context.new_page()
                    tab.set_default_timeout(10_000)
                    if role != "anonymous":
                        log_in(tab, username=role)
                    for screen in (page for page in pages if page.role == role):
                        found = problems.setdefault((screen, scheme), [])
                        tab.goto(screen.path.format(**ids))
                        tab.wait_for_function("() => !document.querySelector('.htmx-request')")
                        for width, height in SIZES:
                            tab.set_viewport_size({"width": width, "height": height})
                            overflow = tab.evaluate(OVERFLOW)
                            if overflow["wider"] > 0:
                                found.append(
                                    f"{width} px: the page is {overflow['wider']} px wider"
                                    f" ({overflow['name']} sticks out)"
                                )
                            way_out = (
                                keyboard_reaches_leave_presentation
                                if "present=1" in screen.path
                                else keyboard_reaches_log_out
                            )
                            if role != "anonymous" and (trouble := way_out(tab)):
                                found.append(f"{width} px: {trouble}")
                            violations = axe.run(tab).response["violations"]
                            failing = [v for v in violations if v["impact"] in FAILING]
                            if failing:
                                found.append(f"{width} px:\n{describe(failing)}")
                            if screen.name in SCREENSHOTS and role in ("lead", "anonymous"):
                                tab.screenshot(
                                    path=screenshots / f"{screen.name}-{scheme}-{width}.png",
                                    full_page=True,
                                )
                    context.close()
        finally:
            call_command("flush", interactive=False, verbosity=0)
    return problems


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("screen", PAGES, ids=str)
def test_page_fits_every_screen_and_scheme(screens, screen, scheme):
    found = screens[(screen, scheme)]
    assert not found, f"{screen.path} as {screen.role}, {scheme}:\n" + "\n".join(found)


def test_on_a_phone_the_menu_opens_from_its_button_and_escape_closes_it(page):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page)
    menu = page.get_by_role("button", name="Menu")
    account = page.get_by_text("lead: account")
    log_out = page.get_by_role("button", name="Log out")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(account).to_be_hidden()

    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_focused()
    page.keyboard.press("Tab")
    main_menu = page.get_by_role("navigation", name="Main")
    # The lead has a person: My work leads the menu.
    expect(main_menu.get_by_role("link", name="My work")).to_be_focused()
    account.focus()
    page.keyboard.press("Enter")
    expect(log_out).to_be_in_viewport()

    # Escape closes the account menu, then the menu, each time back on its button.
    page.keyboard.press("Escape")
    expect(log_out).to_be_hidden()
    expect(account).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(main_menu).to_be_hidden()


def test_on_a_laptop_the_menu_is_one_line_and_the_quadrants_hide_no_card(page):
    page.set_viewport_size({"width": 1024, "height": 768})
    log_in(page)
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    tops = page.evaluate(
        "() => [...document.querySelectorAll('.site-header nav a, .account summary')]"
        ".map((element) => Math.round(element.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, tops
    for quadrant in page.locator("section.quadrant").all():
        cards = quadrant.locator(".cards")
        for card in cards.locator(".card").all()[:5]:
            expect(card).to_be_visible()
        # Nothing inside a quadrant scrolls (hiding its "Show all"): the page does.
        assert cards.evaluate("(list) => list.scrollHeight - list.clientHeight") == 0


def test_the_raci_page_ends_with_its_matrix(page):
    page.set_viewport_size({"width": 1280, "height": 720})
    log_in(page)
    page.goto("/raci/")
    # The cells' hidden words for screen readers once hung far below the matrix, as blank page.
    blank = page.evaluate(
        "() => document.documentElement.scrollHeight"
        " - (document.querySelector('main').getBoundingClientRect().bottom + window.scrollY)"
    )
    assert blank < 1


def test_an_opened_decline_leaves_the_request_its_width(page):
    page.set_viewport_size({"width": 1280, "height": 720})
    log_in(page)
    page.goto("/triage/")
    row = page.locator(".triage-row").first
    title = row.locator(".triage-task")
    before = title.bounding_box()["width"]
    row.get_by_text("Decline…").click()
    expect(row.get_by_label("Reason the requester will read")).to_be_visible()
    assert title.bounding_box()["width"] >= before


@pytest.mark.parametrize("width", [390, 1280])
def test_form_fields_are_as_wide_as_their_form(browser, live_server, demo, width):
    page = new_page(browser, live_server.url)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/accounts/login/")
    username = page.get_by_label("Username").bounding_box()["width"]
    assert page.get_by_label("Password").bounding_box()["width"] == username
    assert username >= min(width - 60, 400)
    log_in(page)
    page.goto("/webhooks/")
    assert page.get_by_label("URL").bounding_box()["width"] >= min(width - 80, 400)
    page.context.close()


# How wide the scatter's card is against the page's column, and how much of the card the
# chart and its key take: side by side, or the chart alone where the key goes under it.
SCATTER_WIDTHS = """() => {
  const box = (selector) => document.querySelector(selector).getBoundingClientRect();
  const inner = (selector) => {
    const style = getComputedStyle(document.querySelector(selector));
    return box(selector).width - parseFloat(style.paddingInlineStart)
      - parseFloat(style.paddingInlineEnd) - parseFloat(style.borderInlineStartWidth)
      - parseFloat(style.borderInlineEndWidth);
  };
  const chart = box(".scatter > svg");
  const key = document.querySelector(".scatter-key")?.getBoundingClientRect();
  const beside = key && key.top < chart.bottom;
  const gap = parseFloat(getComputedStyle(document.querySelector(".scatter")).columnGap);
  return {
    column: inner("main"),
    card: box(".scatter").width,
    inside: inner(".scatter"),
    used: beside ? chart.width + gap + key.width : chart.width,
  };
}"""


def test_the_scatter_fills_its_card_at_every_width(page):
    log_in(page)
    page.goto("/board/scatter/")
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        widths = page.evaluate(SCATTER_WIDTHS)
        assert widths["card"] >= widths["column"] - 1, (width, widths)
        assert widths["used"] >= widths["inside"] - 1, (width, widths)
