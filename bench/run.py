"""One backlog size: build its database, start gunicorn on it, measure every endpoint.

Imported only once Django is set up against the bench database (see bench.__main__).
"""

import itertools
import secrets
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connections
from django.test import Client
from procrastinate.contrib.django.models import ProcrastinateJob

from api.models import Scope
from api.services import token_create
from backlog.models import Task
from bench.database import BENCH_DATABASE, Server
from bench.generate import (
    GOAL_TASKS,
    GOALS,
    HORIZON_PLANNED,
    MY_WORK_TASKS,
    TEAM,
    Generated,
    create_lead,
    empty_cells,
    generate,
    prepare_goals,
    prepare_horizon,
    prepare_my_work,
    prepare_review,
)
from bench.measure import (
    CountedCalls,
    Timing,
    api_patch_next,
    check_matrix_shape,
    count_queries,
    http_call,
    intake_request,
    score_next,
    send_intake_next,
    set_cell_next,
    time_calls,
)
from bench.report import (
    ADMIN,
    API_LIST,
    API_PATCH,
    BOARD,
    CELL_UPDATE,
    FLOOR,
    GOAL_LIST,
    GOAL_PAGE,
    HORIZON,
    INTAKE_POST,
    MY_WORK,
    PEOPLE,
    RACI_50,
    RACI_200,
    REQUESTER_PAGE,
    REVIEW,
    REVIEW_SPARE,
    SCATTER,
    SCORING,
    STAKEHOLDER,
    TRIAGE,
    Result,
)
from bench.server import Browser, Gunicorn
from intake.models import IntakeLink
from intake.tracking import request_path
from mail.models import Email
from mopsboard.jobs import jobs_run
from notifications.tasks import QUEUE as NOTIFICATIONS
from notifications.tasks import tell
from raci.models import ShareLink

LEAD_USERNAME, SUPERUSER_USERNAME, MEMBER_USERNAME = "lead", "admin", "member"
# Pages the lead GETs, logged in. The floor first: the login page is the cheapest page
# through the same gunicorn, middleware and session, so it is what every page is compared to.
PAGES = {
    FLOOR: "/accounts/login/",
    BOARD: "/board/",
    TRIAGE: "/triage/",
    SCATTER: "/board/scatter/",
    RACI_50: "/raci/?per_page=50",
    RACI_200: "/raci/?per_page=200",
}
# The other yardstick: Django's admin listing the tasks, as a superuser sees it (no
# permission of the app's own to read), so it is Django's own cost of a list page.
ADMIN_PAGES = {ADMIN: "/admin/backlog/task/"}
# Measured once the team has 50 people and 500 tasks planned this week and next.
REVIEW_PAGES = {REVIEW: "/review/", REVIEW_SPARE: "/review/spare-hours/", PEOPLE: "/people/"}
# Measured once HORIZON_PLANNED tasks are planned into its weeks.
HORIZON_PAGES = {HORIZON: "/plan/"}
# Measured as the team member Responsible or Accountable for MY_WORK_TASKS open tasks.
MY_WORK_PAGES = {MY_WORK: "/my/"}
# Measured last, once there are GOALS goals; the goal page's address is the first goal's.
GOALS_PAGES = {GOAL_LIST: "/goals/"}
# The matrix pages must show this many task rows by every team member's column.
MATRIX_SHAPES = {RACI_50: (50, len(TEAM)), RACI_200: (200, len(TEAM))}


@dataclass
class Options:
    requests: int
    warmup: int
    budget_seconds: float
    seed: int


@dataclass
class SizeRun:
    size: int
    generation: Generated
    results: list[Result]


def run_size(size: int, *, server: Server, options: Options, log: Path) -> SizeRun:
    progress(f"[{size:,}] building the database")
    connections.close_all()
    server.recreate(BENCH_DATABASE)
    call_command("migrate", interactive=False, verbosity=0)
    # Content types were cached from the previous size's database.
    ContentType.objects.clear_cache()
    # Every scoring POST (warm-up, timed, and the one counted in-process) needs its own task.
    generation = generate(
        tasks=size, min_unscored=options.warmup + options.requests + 1, seed=options.seed
    )
    progress(
        f"[{size:,}] generated {size:,} tasks and {generation.assignments:,} assignments "
        f"in {generation.seconds:.1f} s (RACI {generation.raci_seconds:.1f} s)"
    )
    password = secrets.token_urlsafe(16)
    create_lead(username=LEAD_USERNAME, password=password)
    get_user_model().objects.create_superuser(username=SUPERUSER_USERNAME, password=password)
    with psycopg.connect(server.url(BENCH_DATABASE), autocommit=True) as admin:
        admin.execute("VACUUM ANALYZE")
        # The bulk load's pages written out now, so the timings are not the checkpoint's
        # background writes (a role without pg_checkpoint leaves them to the server).
        try:
            admin.execute("CHECKPOINT")
        except psycopg.errors.InsufficientPrivilege:
            progress(f"[{size:,}] no CHECKPOINT (this role may not): timed as PostgreSQL writes")
    unscored = iter(list(Task.objects.in_triage().order_by("id").values_list("id", flat=True)))
    # Every cell update (warm-up, timed, and the one counted in-process) needs its own cell.
    cells = iter(empty_cells(options.warmup + options.requests + 1, seed=options.seed))
    shared_path = ShareLink.objects.get().get_absolute_url()
    # Every API PATCH (warm-up, timed, and the one counted in-process) re-scores its own
    # scored task, at the version it was generated with.
    scored = iter(
        Task.objects.filter(impact__isnull=False)
        .order_by("id")
        .values_list("id", "version")[: options.warmup + options.requests + 1]
    )
    _, key = token_create(
        user=get_user_model().objects.get(username=LEAD_USERNAME),
        name="bench",
        scope=Scope.READ_WRITE,
    )
    intake_path = IntakeLink.objects.create(label="Bench requests").get_absolute_url()
    # The requester's page of a request that has been triaged and has its RACI.
    tracked = Task.objects.filter(requester__isnull=False, assignments__isnull=False).first()
    requester_path = request_path(tracked)
    numbers = itertools.count()

    queries = _query_counts(next(unscored), next(cells), shared_path, next(scored), key)
    queries[REQUESTER_PAGE] = _count_each(
        {REQUESTER_PAGE: lambda: count_queries(Client(), "get", requester_path)}
    )[REQUESTER_PAGE]
    queries[INTAKE_POST] = _count_each(
        {
            INTAKE_POST: lambda: count_queries(
                Client(), "post", intake_path, data=intake_request(numbers), expected=303
            )
        }
    )[INTAKE_POST]
    results = []
    gunicorn = Gunicorn(database_url=server.url(BENCH_DATABASE), log=log)
    try:
        browser = Browser(gunicorn.port)
        browser.log_in(LEAD_USERNAME, password)
        results += _measure_pages(PAGES, browser, size, queries, options)
        superuser = Browser(gunicorn.port)
        superuser.log_in(SUPERUSER_USERNAME, password)
        results += _measure_pages(ADMIN_PAGES, superuser, size, queries, options)
        superuser.close()
        # The stakeholder holds only the link: no session, no cookies.
        stakeholder = Browser(gunicorn.port)
        results.append(
            _measure(
                STAKEHOLDER,
                size,
                queries,
                lambda: time_calls(
                    http_call(stakeholder, lambda b: _without_cookies(b).get(shared_path), 200),
                    **_loop(options),
                ),
            )
        )
        stakeholder.close()
        # A requester holds the link to their request's page: no session either.
        requester = Browser(gunicorn.port)
        results.append(
            _measure(
                REQUESTER_PAGE,
                size,
                queries,
                lambda: time_calls(
                    http_call(requester, lambda b: _without_cookies(b).get(requester_path), 200),
                    **_loop(options),
                ),
            )
        )
        requester.close()
        # Each intake POST writes a request into triage and queues its acknowledgement.
        anonymous = Browser(gunicorn.port)
        results.append(
            _measure(
                INTAKE_POST,
                size,
                queries,
                lambda: time_calls(
                    http_call(anonymous, send_intake_next(intake_path, numbers), 303),
                    **_loop(options),
                ),
            )
        )
        anonymous.close()
        # The writes last, as they change the data: each cell update gives someone a role.
        results.append(
            _measure(
                CELL_UPDATE,
                size,
                queries,
                lambda: time_calls(http_call(browser, set_cell_next(cells), 200), **_loop(options)),
            )
        )
        # Each scoring POST moves a task out of triage and queues the job that tells its
        # requester.
        results.append(_measure_scoring(browser, unscored, size, queries, options))
        # A script with a read-write token: the first page of the task list, and PATCHes.
        api = Browser(gunicorn.port)
        bearer = {"Authorization": f"Bearer {key}"}
        results.append(
            _measure(
                API_LIST,
                size,
                queries,
                lambda: time_calls(
                    http_call(api, lambda b: b.get("/api/v1/tasks", headers=bearer), 200),
                    **_loop(options),
                ),
            )
        )
        results.append(
            _measure(
                API_PATCH,
                size,
                queries,
                lambda: time_calls(
                    http_call(api, api_patch_next(scored, key), 200), **_loop(options)
                ),
            )
        )
        api.close()
        progress(f"[{size:,}] planning 500 tasks for a team of 50, for the weekly review")
        prepare_review(seed=options.seed)
        review_queries = _page_query_counts(REVIEW_PAGES, LEAD_USERNAME)
        results += _measure_pages(REVIEW_PAGES, browser, size, review_queries, options)
        progress(f"[{size:,}] planning {HORIZON_PLANNED:,} tasks into the horizon's weeks")
        planned = prepare_horizon(seed=options.seed)
        plan_short = (
            f"{planned:,} tasks planned, not {HORIZON_PLANNED:,}: the backlog has too few open "
            "scored tasks"
            if planned < HORIZON_PLANNED
            else None
        )
        horizon_queries = _page_query_counts(HORIZON_PAGES, LEAD_USERNAME)
        results += _short_of(
            _measure_pages(HORIZON_PAGES, browser, size, horizon_queries, options), [plan_short]
        )
        progress(f"[{size:,}] a team member with {MY_WORK_TASKS} open tasks, for My work")
        prepare_my_work(username=MEMBER_USERNAME, password=password, seed=options.seed)
        member = Browser(gunicorn.port)
        member.log_in(MEMBER_USERNAME, password)
        my_work_queries = _page_query_counts(MY_WORK_PAGES, MEMBER_USERNAME)
        results += _measure_pages(MY_WORK_PAGES, member, size, my_work_queries, options)
        member.close()
        progress(f"[{size:,}] {GOALS} goals, each with {GOAL_TASKS} tasks and check-ins")
        goal_id, linked = prepare_goals(seed=options.seed)
        goals_pages = GOALS_PAGES | {GOAL_PAGE: f"/goals/{goal_id}/"}
        links_short = (
            f"{linked:,} distinct tasks linked, not {GOALS * GOAL_TASKS:,}: the backlog has too "
            "few tasks past triage"
            if linked < GOALS * GOAL_TASKS
            else None
        )
        # Their free hours are the team's until their deadlines: the horizon's plan.
        free_hours_short = plan_short and (
            f"their free hours read the horizon's {planned:,} planned tasks, not "
            f"{HORIZON_PLANNED:,}"
        )
        goals_queries = _page_query_counts(goals_pages, LEAD_USERNAME)
        results += _short_of(
            _measure_pages(goals_pages, browser, size, goals_queries, options),
            [links_short, free_hours_short],
        )
        browser.close()
    finally:
        gunicorn.stop()
    return SizeRun(size=size, generation=generation, results=results)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _loop(options: Options) -> dict:
    return {
        "warmup": options.warmup,
        "requests": options.requests,
        "budget_seconds": options.budget_seconds,
    }


def _measure(
    endpoint: str, size: int, queries: dict[str, int | str], timed: Callable[[], Timing]
) -> Result:
    """Time one endpoint; a failure is reported in its row and the run goes on."""
    if isinstance(queries.get(endpoint), str):
        return Result(endpoint, size, error=queries[endpoint])
    try:
        timing = timed()
    except Exception as error:
        traceback.print_exc()
        return Result(endpoint, size, error=f"{type(error).__name__}: {error}"[:200])
    progress(f"[{size:,}] {endpoint}: p95 {timing.p95:.1f} ms")
    return Result(
        endpoint,
        size,
        median_ms=round(timing.median, 2),
        p95_ms=round(timing.p95, 2),
        samples=len(timing.samples_ms),
        queries=queries.get(endpoint),
    )


def _measure_pages(
    pages: dict[str, str],
    browser: Browser,
    size: int,
    queries: dict[str, int | str],
    options: Options,
) -> list[Result]:
    """Time GETs of each page as the logged-in lead."""
    return [
        _measure(
            endpoint,
            size,
            queries,
            lambda path=path: time_calls(
                http_call(browser, lambda b: b.get(path), 200), **_loop(options)
            ),
        )
        for endpoint, path in pages.items()
    ]


def _measure_scoring(
    browser: Browser,
    unscored: Iterator[int],
    size: int,
    queries: dict[str, int | str],
    options: Options,
) -> Result:
    """Time the scoring POSTs, and check each queued one `tell` job that, run afterwards
    as a worker runs it, queued one email to the task's requester.

    The jobs queued before (the intake POSTs' acknowledgements, the cell updates' RACI
    news) are run first, untimed, so that only the POSTs' own are counted. The row's note
    gives the counts; if the waiting tell jobs or, once they have run, the Email rows did
    not grow by one per POST, the row has an error and its target is not judged.
    """
    jobs_run(queue=NOTIFICATIONS)
    posts = CountedCalls(score_next(unscored))
    emails_before = Email.objects.count()
    result = _measure(
        SCORING,
        size,
        queries,
        lambda: time_calls(http_call(browser, posts, 200), **_loop(options)),
    )
    waiting = ProcrastinateJob.objects.filter(task_name=tell.name, status="todo").count()
    ran = jobs_run(queue=NOTIFICATIONS)
    emails = Email.objects.count() - emails_before
    result.note = (
        f"{posts.calls} POSTs (warm-up and timed) queued {waiting} tell jobs; "
        f"run afterwards, {ran} of them queued {emails} emails"
    )
    if (waiting, ran, emails) != (posts.calls,) * 3 and not result.error:
        result.error = "not one tell job and one email per POST"
    return result


def _short_of(results: list[Result], shortfalls: list[str | None]) -> list[Result]:
    """Mark rows whose scenario the backlog was too small for, saying what it had: they are
    reported, not judged (bench.report)."""
    said = "; ".join(shortfall for shortfall in shortfalls if shortfall)
    for result in results:
        if said:
            result.note, result.short = said, True
    return results


def _without_cookies(browser: Browser) -> Browser:
    browser.cookies.clear()
    return browser


def _query_counts(
    task_to_score: int,
    cell_to_set: tuple[int, int],
    shared_path: str,
    task_to_patch: tuple[int, int],
    key: str,
) -> dict[str, int | str]:
    """Each endpoint's query count from one in-process request, or the error it raised.

    The matrix pages are also checked for their shape (rows x people); a page of another
    shape is reported as that endpoint's error rather than timed.
    """
    client = Client()
    client.force_login(get_user_model().objects.get(username=LEAD_USERNAME))
    requests = {endpoint: _count_page(client, endpoint, path) for endpoint, path in PAGES.items()}
    superuser = Client()
    superuser.force_login(get_user_model().objects.get(username=SUPERUSER_USERNAME))
    requests |= {
        endpoint: _count_page(superuser, endpoint, path) for endpoint, path in ADMIN_PAGES.items()
    }
    task_id, person_id = cell_to_set
    requests[CELL_UPDATE] = lambda: count_queries(
        client,
        "post",
        "/raci/cell/",
        data={"task": str(task_id), "person": str(person_id), "role": "C", "expected": ""},
        headers={"HX-Request": "true"},
    )
    requests[STAKEHOLDER] = lambda: count_queries(Client(), "get", shared_path)
    requests[SCORING] = lambda: count_queries(
        client,
        "post",
        f"/triage/{task_to_score}/score/",
        data={"impact": "4", "effort": "2", "version": "1"},
        headers={"HX-Request": "true"},
    )
    bearer = {"Authorization": f"Bearer {key}"}
    requests[API_LIST] = lambda: count_queries(Client(), "get", "/api/v1/tasks", headers=bearer)
    task_id, version = task_to_patch
    requests[API_PATCH] = lambda: count_queries(
        Client(),
        "patch",
        f"/api/v1/tasks/{task_id}",
        data={"impact": 4, "effort": 2},
        content_type="application/json",
        headers={**bearer, "If-Match": f'"{version}"'},
    )
    return _count_each(requests)


def _count_each(requests: dict[str, Callable[[], int]]) -> dict[str, int | str]:
    counts: dict[str, int | str] = {}
    for endpoint, request in requests.items():
        try:
            counts[endpoint] = request()
        except Exception as error:
            traceback.print_exc()
            counts[endpoint] = f"{type(error).__name__}: {error}"[:200]
    return counts


def _page_query_counts(pages: dict[str, str], username: str) -> dict[str, int | str]:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return _count_each(
        {endpoint: _count_page(client, endpoint, path) for endpoint, path in pages.items()}
    )


def _count_page(client: Client, endpoint: str, path: str) -> Callable[[], int]:
    shape = MATRIX_SHAPES.get(endpoint)
    check = check_matrix_shape(*shape) if shape else None
    return lambda: count_queries(client, "get", path, check=check)
