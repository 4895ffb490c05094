"""RACI journeys: the lead sets roles by keyboard and shares the matrix; a stakeholder reads it."""

import re

from playwright.sync_api import expect

from backlog.models import Task
from people.models import Person
from raci.models import Role, ShareLink
from tests.e2e.conftest import ARTIFACTS, log_in
from tests.factories import PersonFactory, TaskFactory


def make_unowned_work():
    tasks = [TaskFactory(title=f"Keyboard webinar {n}", impact=4, effort=2) for n in (1, 2, 3)]
    people = [
        PersonFactory(name=name, kind=Person.Kind.TEAM)
        for name in ("Aaron Keyboard", "Abby Keyboard")
    ]
    return tasks, people


def test_lead_sets_raci_by_keyboard_sees_health_turn_fine_and_shares(page, screenshot):
    (one, two, three), (aaron, abby) = make_unowned_work()
    log_in(page)
    page.goto("/raci/?q=Keyboard+webinar")
    for task in (one, two, three):
        expect(page.locator(f"#raci-health-{task.pk}")).to_contain_text("Error")

    def cell(task, person):
        return page.locator(f"#raci-cell-{task.pk}-{person.pk}")

    def press(key, *, then_focused, shows=None):
        # Like a person: press, then look at the screen before the next key.
        page.keyboard.press(key)
        if shows is not None:
            expect(then_focused).to_have_text(shows)
        expect(then_focused).to_be_focused()

    cell(one, aaron).focus()
    press("Shift+A", then_focused=cell(one, aaron), shows="A/R")  # Accountable and does it
    expect(page.locator(f"#raci-health-{one.pk}")).to_contain_text("Fine")

    press("ArrowDown", then_focused=cell(two, aaron))
    press("a", then_focused=cell(two, aaron), shows="A")
    expect(page.locator(f"#raci-health-{two.pk}")).to_contain_text("Warning")
    press("ArrowRight", then_focused=cell(two, abby))
    press("r", then_focused=cell(two, abby), shows="R")
    expect(page.locator(f"#raci-health-{two.pk}")).to_contain_text("Fine")

    press("ArrowDown", then_focused=cell(three, abby))
    press("Shift+A", then_focused=cell(three, abby), shows="A/R")
    expect(page.locator(f"#raci-health-{three.pk}")).to_contain_text("Fine")
    press("ArrowLeft", then_focused=cell(three, aaron))
    page.keyboard.press("a")  # a second Accountable: asked whether to move it
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Abby Keyboard is Accountable and responsible")
    page.keyboard.press("Enter")
    expect(cell(three, aaron)).to_have_text("A")
    expect(cell(three, abby)).to_have_text("R")
    expect(page.locator(f"#raci-health-{three.pk}")).to_contain_text("Fine")
    screenshot("raci-matrix")
    roles = {
        (a.task_id, a.person_id): a.role for a in Task.objects.get(pk=three.pk).assignments.all()
    }
    assert roles == {(three.pk, aaron.pk): Role.ACCOUNTABLE, (three.pk, abby.pk): Role.RESPONSIBLE}

    page.get_by_role("link", name="Share this view…").click()
    page.get_by_label("Label").fill("Webinar stakeholders")
    page.get_by_role("button", name="Create link").click()
    expect(page.locator("#messages")).to_contain_text("Share link for Webinar stakeholders created")
    link = ShareLink.objects.get(label="Webinar stakeholders")
    assert link.query == "q=Keyboard+webinar"
    expect(page.get_by_label("Link for Webinar stakeholders")).to_have_value(
        f"{page.url.split('/raci/')[0]}{link.get_absolute_url()}"
    )


def test_a_stakeholder_opens_the_link_finds_their_tasks_and_nothing_to_change(
    browser, live_server, demo, screenshot
):
    (one, two, _), (aaron, abby) = make_unowned_work()
    one.assignments.create(person=aaron, role=Role.ACCOUNTABLE_RESPONSIBLE)
    two.assignments.create(person=abby, role=Role.ACCOUNTABLE_RESPONSIBLE)
    link = ShareLink.objects.create(label="Webinar", query="q=Keyboard+webinar")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(link.get_absolute_url())
    expect(page.get_by_role("heading", name="Who owns what")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(3)
    page.get_by_role("link", name="Abby Keyboard").click()
    expect(page.get_by_role("heading", name="Who owns what: Abby Keyboard")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody")).to_contain_text("Keyboard webinar 2")
    expect(page.locator("form, button, input, select, textarea, [contenteditable]")).to_have_count(
        0
    )
    page.screenshot(path=ARTIFACTS / "raci-shared.png", full_page=True)

    page.get_by_role("link", name="Everyone").click()
    page.emulate_media(media="print")
    fits = page.evaluate(
        "() => document.querySelector('table.raci').getBoundingClientRect().right"
        " <= document.documentElement.clientWidth"
    )
    assert fits, "the printed matrix is wider than the page"
    expect(page.locator(".person-picker")).to_be_hidden()
    page.pdf(path=ARTIFACTS / "raci-shared-print.pdf", landscape=True)
    context.close()


def test_lead_sets_a_role_from_the_cell_menu_with_the_mouse(page):
    (one, _, _), (aaron, _) = make_unowned_work()
    log_in(page)
    page.goto("/raci/?q=Keyboard+webinar")
    target = page.locator(f"#raci-cell-{one.pk}-{aaron.pk}")
    target.click()
    menu = page.locator("#raci-cell-form")
    expect(menu).to_be_visible()
    menu.get_by_role("button", name="C", exact=True).click()
    expect(target).to_have_text("C")
    expect(menu).to_be_hidden()
    expect(target).to_be_focused()


def test_the_cell_menu_stays_open_when_the_teams_hints_arrive(page):
    (one, _, _), (aaron, _) = make_unowned_work()
    log_in(page)
    # The hints load after the page: held until the menu is open, then let through.
    held = []
    page.route("**/raci/team-hints/**", lambda route: held.append(route))
    page.goto("/raci/?q=Keyboard+webinar")
    target = page.locator(f"#raci-cell-{one.pk}-{aaron.pk}")
    target.click()
    menu = page.locator("#raci-cell-form")
    expect(menu).to_be_visible()
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    held[0].continue_()
    expect(page.locator("#raci-team-hints[hx-get]")).to_have_count(0)
    expect(menu).to_be_visible()
    menu.get_by_role("button", name="C", exact=True).click()
    expect(target).to_have_text("C")
    expect(target).to_be_focused()


def test_lead_narrows_the_matrix_to_one_quadrant(page):
    log_in(page)
    page.get_by_role("link", name="RACI").click()
    quadrant = page.get_by_role("combobox", name=re.compile(r"^Quadrant\b"))  # its label first
    quadrant.select_option(label="Quick win")
    page.wait_for_url(re.compile(r"quadrant=quick-win"))
    rows = page.locator("#raci-matrix tbody tr")
    expect(rows.first).to_be_visible()
    expect(rows.filter(has_not=page.locator(".badge", has_text="Quick win"))).to_have_count(0)
    expect(page.get_by_text("[invalid name]")).to_have_count(0)


def open_the_demo_share_link(browser, live_server, *, width):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 700}
    )
    page = context.new_page()
    page.goto(ShareLink.objects.get().get_absolute_url())
    return page


def test_a_stakeholder_scrolls_the_wide_matrix_with_the_keyboard(browser, live_server, demo):
    page = open_the_demo_share_link(browser, live_server, width=900)
    matrix = page.get_by_role("region", name="Matrix of tasks by people")
    page.locator(".person-picker a").last.focus()  # the last link before the matrix
    page.keyboard.press("Tab")
    expect(matrix).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.raci-scroll').scrollLeft > 0")
    page.context.close()


def test_a_stakeholder_prints_the_matrix_with_readable_titles_and_no_blank_page(
    browser, live_server, demo
):
    # 996 CSS pixels: the printable width of a landscape Letter page, the narrower of
    # Letter and A4, within the print layout's margins.
    page = open_the_demo_share_link(browser, live_server, width=996)
    page.emulate_media(media="print")
    min_width_em, width_em = page.locator("table.raci th[scope=row]").first.evaluate(
        """(th) => {
            const style = getComputedStyle(th);
            const em = parseFloat(style.fontSize);
            return [parseFloat(style.minWidth) / em, th.getBoundingClientRect().width / em];
        }"""
    )
    assert min_width_em >= 14 and width_em >= 14, (min_width_em, width_em)
    most_lines = page.evaluate(
        """() => Math.max(...Array.from(
            document.querySelectorAll("table.raci th[scope=row]"),
            (th) => {
                const title = document.createRange();
                title.selectNodeContents(th.firstChild);
                return new Set(Array.from(title.getClientRects(), (r) => Math.round(r.top))).size;
            },
        ))"""
    )
    assert most_lines <= 3, f"a printed task title wraps to {most_lines} lines"
    fits = page.evaluate(
        "() => document.querySelector('table.raci').getBoundingClientRect().right"
        " <= document.documentElement.clientWidth"
    )
    assert fits, "the printed matrix is wider than the page"
    # Anything below the last row, even padding, can spill onto a page of its own.
    below_the_matrix = page.evaluate(
        """() => document.documentElement.scrollHeight
            - (document.querySelector("table.raci").getBoundingClientRect().bottom + scrollY)"""
    )
    assert below_the_matrix < 1, f"{below_the_matrix}px below the last row"
    page.pdf(path=ARTIFACTS / "raci-shared-print-demo.pdf", landscape=True)
    page.context.close()
