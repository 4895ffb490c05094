"""axe-core over every page, as the lead, as a viewer and anonymously, menus and dialogs open.

A serious or critical violation fails its page's test. Every count lands in
test-artifacts/axe-report.md, a table to quote.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from backlog.models import Task
from capacity.models import Review
from goals.models import Goal, GoalShareLink
from imports.models import Import
from intake.models import IntakeLink
from intake.tracking import following_token, requester_token, tracking_token
from mail.models import Email
from notifications.services import person_token
from people.models import Person
from raci.models import Assignment, ShareLink
from tests.e2e.conftest import ARTIFACTS, log_in
from tests.factories import DeliveryFactory, EndpointFactory

FAILING = ("critical", "serious")
IMPACTS = ("critical", "serious", "moderate", "minor")


def open_move_menu(page):
    page.locator(".card").first.get_by_role("button", name="Move…").click()
    expect(page.locator("#card-move")).to_be_visible()


def open_triage_goal_picker(page):
    page.keyboard.press("j")
    page.keyboard.press("g")
    expect(page.locator("#goal-picker")).to_be_visible()


def open_card_goal_picker(page):
    open_move_menu(page)
    page.locator("#card-move").get_by_role("button", name="Link to goal…").click()
    expect(page.locator("#goal-picker")).to_be_visible()


def open_key_help(page):
    page.keyboard.press("?")
    expect(page.get_by_role("dialog")).to_be_visible()


def open_cell_menu(page):
    page.locator("[data-raci-grid] td[data-person-id]").first.click()
    expect(page.locator("#raci-cell-form")).to_be_visible()


def search_people(page):
    page.get_by_label("Find someone by name or email").fill("a")
    expect(page.locator("#people-found [data-raci-keys]").first).to_be_visible()
    page.locator(".raci-new > summary").click()


def send_empty_request(page):
    page.get_by_role("button", name="Send request").click()
    expect(page.locator("#form-errors")).to_be_visible()


def open_load_bar(page):
    bar = page.locator("details.load-bar.over").first
    bar.locator(":scope > summary").click()
    expect(bar.locator(".bar-tasks li[data-task-id]").first).to_be_visible()


def add_a_check_in_tomorrow(page):
    page.get_by_label("Date:", exact=True).fill(
        (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    )
    page.get_by_role("button", name="Add check-in").click()
    expect(page.locator("#id_on_error")).to_be_visible()


def open_horizon_cell(page):
    page.locator(".horizon td a").first.click()
    expect(page.locator("#horizon-cell .cell-tasks")).to_be_visible()


def make_token(page):
    page.get_by_label("Name").fill("Axe")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_label("Your new token")).to_be_visible()


def make_webhook(page):
    page.get_by_label("URL").fill("https://8.8.8.8/axe")
    page.get_by_label("A task is declined").check()
    page.get_by_role("button", name="Add webhook").click()
    expect(page.get_by_label("Signing secret")).to_be_visible()


@dataclass(frozen=True)
class Case:
    name: str
    role: str  # a demo user, or "anonymous"
    # May name {task}, {goal}, {review}, {token}, {goal_token}, {year}, {email}, {person},
    # {intake}, {tracking}, {mine}, {following}, {webhook} and {import_…} (imports waiting
    # for their columns, ready, with problems).
    path: str
    opener: Callable | None = None

    def __str__(self):
        return f"{self.name}-{self.role}"


SIGNED_IN = [
    ("my-work", "/my/", None),
    ("board", "/board/", None),
    ("board-move-menu", "/board/", open_move_menu),
    ("board-goal-picker", "/board/", open_card_goal_picker),
    ("scatter", "/board/scatter/", None),
    ("quick-win", "/board/quick-win/", None),
    ("triage", "/triage/", None),
    ("triage-keys", "/triage/", open_key_help),
    ("triage-goal-picker", "/triage/", open_triage_goal_picker),
    ("task-new", "/tasks/new/", None),
    ("task", "/tasks/{task}/", None),
    ("task-people-search", "/tasks/{task}/", search_people),
    ("task-delete", "/tasks/{task}/delete/", None),
    ("raci", "/raci/", None),
    ("raci-cell-menu", "/raci/", open_cell_menu),
    ("share-links", "/raci/share-links/", None),
    ("people", "/people/", None),
    ("plan", "/plan/", None),
    ("plan-cell-open", "/plan/", open_horizon_cell),
    ("review", "/review/", None),
    ("review-bar-open", "/review/", open_load_bar),
    ("review-presenting", "/review/?present=1", None),
    ("review-recorded", "/review/{review}/", None),
    ("goals", "/goals/", None),
    ("goal", "/goals/{goal}/", None),
    ("goal-new", "/goals/new/", None),
    ("goal-check-in-refused", "/goals/{goal}/", add_a_check_in_tomorrow),
    ("goal-share-links", "/goals/share-links/", None),
    ("goal-tasks-link", "/goals/tasks/link/?status=backlog&link-goal={goal}", None),
    ("deferred", "/deferred/", None),
    ("year", "/year/{year}/", None),
    ("intake-links", "/intake-links/", None),
    ("request-form", "/request/", None),
    ("mail", "/mail/", None),
    ("email", "/mail/{email}/", None),
    ("api-tokens", "/account/api-tokens/", None),
    ("api-token-made", "/account/api-tokens/", make_token),
    ("api-reference", "/api/v1/", None),
    ("import-upload", "/tasks/import/", None),
    ("imports", "/tasks/imports/", None),
    ("import-columns", "/tasks/imports/{import_waiting}/columns/", None),
    ("import-checking", "/tasks/imports/{import_waiting}/", None),
    ("import-ready", "/tasks/imports/{import_ready}/", None),
    ("import-problems", "/tasks/imports/{import_problems}/", None),
    ("webhooks", "/webhooks/", None),
    ("webhook-made", "/webhooks/", make_webhook),
    ("webhook", "/webhooks/{webhook}/", None),
    ("webhook-delete", "/webhooks/{webhook}/delete/", None),
]
# A viewer has no move menu, no cell menu, no search for people, no check-in form, no
# goal picker nor linking, and no webhook form; the rest a viewer sees (or is refused) as well.
LEAD_ONLY = {
    "goal-check-in-refused",
    "goal-tasks-link",
    "board-move-menu",
    "board-goal-picker",
    "triage-goal-picker",
    "task-people-search",
    "raci-cell-menu",
    "webhook-made",
}
CASES = [
    Case(name, role, path, opener)
    for role in ("lead", "viewer")
    for name, path, opener in SIGNED_IN
    if role == "lead" or name not in LEAD_ONLY
] + [
    Case("login", "anonymous", "/accounts/login/"),
    Case("shared", "anonymous", "/raci/shared/{token}/"),
    Case("goals-shared", "anonymous", "/goals/shared/{goal_token}/"),
    Case("goals-shared-gone", "anonymous", "/goals/shared/not-a-link/"),
    Case("intake-form", "anonymous", "/request/{intake}/"),
    Case("intake-form-errors", "anonymous", "/request/{intake}/", send_empty_request),
    Case("intake-link-gone", "anonymous", "/request/not-a-link/"),
    Case("request-receipt", "anonymous", "/requests/{tracking}/received/"),
    Case("request-page", "anonymous", "/requests/{tracking}/"),
    Case("my-requests", "anonymous", "/requests/mine/{mine}/"),
    Case("request-following", "anonymous", "/requests/following/{following}/"),
    Case("password-reset", "anonymous", "/accounts/password_reset/"),
    Case("email-preferences", "anonymous", "/notifications/{person}/"),
    Case("unsubscribe", "anonymous", "/notifications/{person}/unsubscribe/"),
    Case("api-reference", "anonymous", "/api/v1/"),
]


def write_report(results):
    ARTIFACTS.mkdir(exist_ok=True)
    lines = [
        "| page | role | " + " | ".join(IMPACTS) + " | rules |",
        "|---|---|" + "---:|" * len(IMPACTS) + "---|",
    ]
    for case, violations in results.items():
        counts = [sum(v["impact"] == impact for v in violations) for impact in IMPACTS]
        rules = ", ".join(f"{v['id']} ({v['impact']})" for v in violations)
        lines.append(f"| {case.name} | {case.role} | {' | '.join(map(str, counts))} | {rules} |")
    (ARTIFACTS / "axe-report.md").write_text(
        "Violated axe-core rules per page (a rule counts once however many elements break it).\n\n"
        + "\n".join(lines)
        + "\n"
    )


def page_ids() -> dict:
    """The demo's objects each case's path names, after `seed_demo`."""
    # A scored request from intake, with Accountable and Responsible named.
    intake_request = (
        Task.objects.filter(impact__isnull=False, description__startswith="Details:")
        .order_by("pk")
        .first()
    )
    return {
        "task": Task.objects.filter(impact__isnull=False, assignments__isnull=False)
        .order_by("pk")
        .first()
        .pk,
        "review": Review.objects.first().pk,
        "goal": Goal.objects.get(short_name="Leads +40%").pk,
        "token": ShareLink.objects.first().token,
        "goal_token": GoalShareLink.objects.create(label="Marketing leadership").token,
        "year": timezone.localdate().year,
        "intake": IntakeLink.objects.first().token,
        "tracking": tracking_token(intake_request),
        "mine": requester_token(intake_request.requester),
        # A stakeholder's place on a task's RACI, opened from their email.
        "following": _following(),
        "email": Email.objects.first().pk,
        "person": person_token(Person.objects.exclude(email="").first()),
        **_imports(),
        "webhook": _webhook_with_a_log().pk,
    }


def _following() -> str:
    cell = Assignment.objects.filter(person__user__isnull=True).order_by("pk").first()
    return following_token(cell.task_id, cell.person_id)


def _imports() -> dict:
    """An import in each state a page shows differently: its columns to choose (with a
    column of dates that reads two ways, and its check under way, the progress bar), ready
    to write, with problems to fix."""
    asked = {"reading": "", "chosen": False, "examples": ["2/3/2027"]}
    made = {}
    for name, state, fields in [
        ("import_waiting", Import.State.CHECKING, {"rows_checked": 1, "readings": [None, asked]}),
        (
            "import_ready",
            Import.State.CHECKED,
            {
                "sample": [{"title": "Audit the programs"}],
                "readings": [None, {**asked, "reading": "month-first", "chosen": True}],
            },
        ),
        (
            "import_problems",
            Import.State.CHECKED,
            {
                "problem_count": 1,
                "readings": [None, {**asked, "reading": "day-first"}],
                "problems": [
                    {
                        "line": 2,
                        "column": "Due",
                        "value": "12/31/2026",
                        "column_index": 1,
                        "message": "The column reads day first; choose month first?",
                    }
                ],
            },
        ),
    ]:
        made[name] = Import.objects.create(
            filename="backlog.csv",
            content=b"Title,Due\nAudit the programs,2/3/2027\n",
            encoding="utf-8",
            headers=["Title", "Due"],
            mapping=["title", "due_date"],
            rows_total=2,
            state=state,
            **fields,
        ).pk
    return made


@pytest.fixture(scope="module")
def axe_audit(browser, live_server, django_db_setup, django_db_blocker):
    """Audit every case once, one browser context per role.

    Seeding the demo and logging in again for each of ~35 pages would take several
    times as long, so the pages are read here and each test judges its own page's result.
    """
    axe = Axe()
    results = {}
    with django_db_blocker.unblock():
        call_command("seed_demo", verbosity=0)
        try:
            ids = page_ids()
            for role, cases in groupby(CASES, key=lambda case: case.role):
                context = browser.new_context(
                    base_url=live_server.url, viewport={"width": 1400, "height": 1000}
                )
                page = context.new_page()
                page.set_default_timeout(10_000)
                if role != "anonymous":
                    log_in(page, username=role)
                for case in cases:
                    page.goto(case.path.format(**ids))
                    # Parts fetched once the page is in (the week's capacity, the RACI
                    # team hints) are audited too.
                    page.wait_for_function("() => !document.querySelector('.htmx-request')")
                    if case.opener:
                        case.opener(page)
                    results[case] = axe.run(page).response["violations"]
                context.close()
        finally:
            # Leave the database empty, as every live-server test does, even if a page broke.
            call_command("flush", interactive=False, verbosity=0)
    write_report(results)
    return results


def _webhook_with_a_log():
    endpoint = EndpointFactory(description="Team chat")
    DeliveryFactory(endpoint=endpoint, status="delivered", attempts=1, response_status=200)
    DeliveryFactory(endpoint=endpoint, failed=True, response_status=500, response_excerpt="Oops")
    DeliveryFactory(endpoint=endpoint)
    return endpoint


def describe(violations):
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']}; "
            f"{len(targets)} element(s): {', '.join(targets[:3])}"
        )
    return "\n".join(lines)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_page_has_no_serious_or_critical_violation(axe_audit, case):
    failing = [v for v in axe_audit[case] if v["impact"] in FAILING]
    assert not failing, f"{case.path} as {case.role}:\n{describe(failing)}"
