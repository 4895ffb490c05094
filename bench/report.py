"""The bench's results: the table of each endpoint's medians, its ratios to the two
yardsticks measured in the same run (the admin changelist and the floor) and to the weekly
review, its flatness and query counts; the targets with PASS/FAIL and the goals; and the
JSON file.
"""

import json
from dataclasses import asdict, dataclass, field

BOARD, TRIAGE, SCATTER, SCORING, FLOOR, ADMIN = (
    "board",
    "triage inbox",
    "scatter",
    "scoring POST + notification",
    "floor (login page)",
    "admin changelist",
)
RACI_50, RACI_200, CELL_UPDATE, STAKEHOLDER = (
    "RACI matrix 50x40",
    "RACI matrix 200x40",
    "RACI cell update",
    "stakeholder page",
)
REVIEW, PEOPLE = "weekly review 50x500", "people 50x500"
# The review as a page with next week's spare hours in place (the live page loads them
# after it is drawn): the fill-ins are chosen from all the open ones.
REVIEW_SPARE = "review + spare hours 50x500"
HORIZON = "horizon 50x12"
MY_WORK = "My work 200"
GOAL_LIST, GOAL_PAGE = "goals 50x100", "goal page 100x24"
API_LIST, API_PATCH = "API task list", "API task PATCH"
INTAKE_POST, REQUESTER_PAGE = "intake POST", "requester page"
# The mail delivery's target: this many emails by this many workers within this long.
MAIL_EMAILS, MAIL_WORKERS, MAIL_SECONDS = 10_000, 2, 60
# A 100,000-row spreadsheet: checked for the preview, then written, all or nothing.
IMPORT_ROWS, IMPORT_CHECK_SECONDS, IMPORT_WRITE_SECONDS = 100_000, 20, 90
# The floor first, then the admin changelist: every row's ratios are to these two.
ENDPOINTS = [
    FLOOR,
    ADMIN,
    BOARD,
    TRIAGE,
    SCATTER,
    SCORING,
    RACI_50,
    RACI_200,
    CELL_UPDATE,
    STAKEHOLDER,
    INTAKE_POST,
    REQUESTER_PAGE,
    REVIEW,
    REVIEW_SPARE,
    PEOPLE,
    HORIZON,
    MY_WORK,
    GOAL_LIST,
    GOAL_PAGE,
    API_LIST,
    API_PATCH,
]


@dataclass
class Result:
    endpoint: str
    size: int
    median_ms: float | None = None
    p95_ms: float | None = None
    samples: int = 0
    queries: int | None = None
    error: str | None = None
    # What else the bench checked about the endpoint's requests (the scoring POST's
    # queued tell jobs and their emails), printed under its row.
    note: str | None = None
    # This endpoint's time over the floor's, and its median over the admin changelist's
    # and over the weekly review's, at the same size.
    median_x_floor: float | None = None
    p95_x_floor: float | None = None
    median_x_admin: float | None = None
    median_x_review: float | None = None
    # The backlog was too small for the endpoint's scenario (the horizon's planned tasks,
    # the goals' linked ones; its note says what it had): measured all the same, but its
    # targets are not judged at this size, and its flatness is taken from a larger one.
    short: bool = False


@dataclass
class MailDelivery:
    emails: int
    workers: int
    # Jobs each worker runs at once (`procrastinate worker --concurrency`).
    concurrency: int
    # Queueing them all with email_queue, before any worker runs.
    queue_seconds: float | None = None
    # The deliver jobs they were queued in (one takes up to mail.tasks.BATCH).
    jobs: int | None = None
    # From starting the workers until every email is sent and received: the figure.
    seconds: float | None = None
    emails_per_second: float | None = None
    # From starting the workers until the SMTP server had the first message.
    first_seconds: float | None = None
    sent: int = 0
    received: int = 0
    distinct_message_ids: int = 0
    duplicates: int = 0
    # Queued emails whose Message-ID never reached the server, and ones it got that were
    # not queued.
    missing: int = 0
    unexpected: int = 0
    # Emails that needed more than one try (the server refused or was unreachable once).
    retried: int = 0
    # Each worker's exit status after SIGTERM: 0 when it stopped cleanly.
    exit_codes: list[int | None] | None = None
    # What it cost the machine, whose CPUs the workers, PostgreSQL and the SMTP server
    # share: the workers' CPU time (both, start-up included) and this process's (the
    # SMTP server, and the polling) from the workers' start until they stopped; the
    # machine's CPUs, and its 1-minute load average when the workers started and when
    # they stopped (other work running shows here).
    worker_cpu_seconds: float | None = None
    smtp_cpu_seconds: float | None = None
    cpus: int | None = None
    load_average: list[float] | None = None
    error: str | None = None


@dataclass
class ImportRun:
    """A spreadsheet of `rows` tasks imported into an empty database (bench.imports)."""

    rows: int
    megabytes: float | None = None
    # The check (what the preview waits for) and the write (check again, then write).
    check_seconds: float | None = None
    write_seconds: float | None = None
    # The export's import undone from its page (imports.services.import_undo).
    undo_seconds: float | None = None
    # The export's Assignee column: the new people its check asked about, the people the
    # import added (those and the new requesters), the Responsible roles it wrote.
    people_asked: int | None = None
    people_added: int | None = None
    roles_written: int | None = None
    # The same tasks as a team's own sheet (bench.imports.team_sheet): dates day first,
    # hours with a decimal comma, no one assigned; checked and written into the board the
    # undo emptied.
    sheet_megabytes: float | None = None
    sheet_check_seconds: float | None = None
    sheet_write_seconds: float | None = None
    error: str | None = None


# The yardsticks every endpoint is compared to, measured in the same run: the machine's
# runs differ by up to 2 x, so only ratios within one run are compared (bench/README.md).
YARDSTICKS = (FLOOR, ADMIN)
# Each endpoint's targets at the largest size run: the most its median may be, in
# multiples of the admin changelist's median and of the floor's (None: no such target).
# A page that lists tasks costs no more than Django's admin listing them; the floor's
# multiples were set again in December 2026 from a quiet before-and-after run, as the
# floor had fallen to a third of what the first multiples were set against. Why each:
# bench/README.md, "Targets".
BUDGETS: dict[str, tuple[float | None, float | None]] = {
    BOARD: (1, 8),
    TRIAGE: (1, 8),
    SCATTER: (1, 8),
    SCORING: (None, 2),
    RACI_50: (1, 10),
    CELL_UPDATE: (None, 2),
    INTAKE_POST: (None, 4),
    REQUESTER_PAGE: (None, 2),
    REVIEW: (2, 20),
    PEOPLE: (1, 12),
    MY_WORK: (2, 20),
    API_LIST: (1, 2),
    API_PATCH: (None, 2),
}
# Endpoints held to the weekly review's median instead, the page they are compared with:
# the horizon draws the review's people over six times its weeks.
REVIEW_BUDGETS: dict[str, float] = {HORIZON: 2}
# Every endpoint but the yardsticks: its median at the largest size run at most this many
# times its median at the smallest, and its query count the same at every size.
FLAT = 1.3


@dataclass
class Target:
    name: str
    # None when the sizes it needs were not run, or an endpoint failed.
    passed: bool | None
    detail: str
    # A goal is reported, never judged: its `passed` stays None.
    goal: bool = False
    # The endpoint a page target is about, and which of its columns in the table:
    # "x admin", "x floor", "x review", "flat" or "queries".
    endpoint: str | None = None
    kind: str | None = None


@dataclass
class Summary:
    """One endpoint across the run's sizes: its row in the table, `summary` in the JSON."""

    endpoint: str
    # The size its ratios are taken at, and the two its flatness compares: the smallest
    # is the smallest size whose backlog held its whole scenario.
    largest: int
    smallest: int
    median_x_admin: float | None = None
    median_x_floor: float | None = None
    median_x_review: float | None = None
    # Its median at the largest size over its median at the smallest.
    flatness: float | None = None
    # Its query count at each size.
    queries: dict[int, int | None] | None = None
    # The sizes whose backlog was too small for its scenario (Result.short).
    short_at: list[int] = field(default_factory=list)


def add_ratios(results: list[Result]) -> None:
    """Give each result its ratios to the floor, the admin changelist and the weekly
    review, same size."""
    timed = _timed(results)
    for r in results:
        if r.p95_ms is None:
            continue
        floor, admin = timed.get((FLOOR, r.size)), timed.get((ADMIN, r.size))
        review = timed.get((REVIEW, r.size))
        if floor is not None:
            r.median_x_floor = round(r.median_ms / floor.median_ms, 2)
            r.p95_x_floor = round(r.p95_ms / floor.p95_ms, 2)
        if admin is not None:
            r.median_x_admin = round(r.median_ms / admin.median_ms, 2)
        if review is not None:
            r.median_x_review = round(r.median_ms / review.median_ms, 2)


def summarize(results: list[Result]) -> list[Summary]:
    """Each endpoint's ratios at the largest size, flatness and query counts."""
    sizes = sorted({r.size for r in results})
    timed = _timed(results)
    summaries = []
    for endpoint in ENDPOINTS:
        rows = {r.size: r for r in results if r.endpoint == endpoint}
        if not rows:
            continue
        queries = {size: rows[size].queries if size in rows else None for size in sizes}
        short_at = [size for size in sizes if size in rows and rows[size].short]
        # Flatness compares like with like: a backlog too small for the scenario is not.
        whole = [size for size in sizes if size not in short_at] or sizes[-1:]
        summary = Summary(endpoint, sizes[-1], whole[0], queries=queries, short_at=short_at)
        largest, smallest = timed.get((endpoint, sizes[-1])), timed.get((endpoint, whole[0]))
        if largest is not None:
            summary.median_x_admin = largest.median_x_admin
            summary.median_x_floor = largest.median_x_floor
            summary.median_x_review = largest.median_x_review
        if largest is not None and smallest is not None and not largest.short and len(whole) > 1:
            summary.flatness = round(largest.median_ms / smallest.median_ms, 2)
        summaries.append(summary)
    return summaries


def check_targets(
    results: list[Result],
    delivery: MailDelivery | None = None,
    imported: ImportRun | None = None,
) -> list[Target]:
    # A row with an error is not judged, even when it was timed: the scoring POST's row
    # has one when its requests did not queue a tell job each, or the jobs an email each.
    targets = []
    for summary in summarize(results):
        targets.extend(_page_targets(summary))
    if delivery is not None:
        targets.append(_delivery_target(delivery))
    if imported is not None:
        targets.extend(_import_targets(imported))
    for size in sorted({r.size for r in results}):
        targets.append(_floor_goal(results, size))
    return targets


def _page_targets(summary: Summary) -> list[Target]:
    endpoint, size = summary.endpoint, summary.largest
    if endpoint in YARDSTICKS:
        return []
    targets = []
    for kind, yardstick, ratio, limit in zip(
        ("x admin", "x floor", "x review"),
        ("admin changelist", "floor", "weekly review"),
        (summary.median_x_admin, summary.median_x_floor, summary.median_x_review),
        (*BUDGETS.get(endpoint, (None, None)), REVIEW_BUDGETS.get(endpoint)),
        strict=True,
    ):
        if limit is None:
            continue
        name = f"{endpoint} median ≤ {limit:g} x {yardstick} median at {size:,}"
        if size in summary.short_at:
            targets.append(Target(name, None, _short([size]), endpoint=endpoint, kind=kind))
        else:
            targets.append(_at_most(name, ratio, limit, endpoint=endpoint, kind=kind))
    if len(summary.queries) > 1:
        if summary.smallest == size or size in summary.short_at:
            name = f"{endpoint} median at {size:,} ≤ {FLAT:g} x median at a smaller size"
            detail = _short(summary.short_at)
            targets.append(Target(name, None, detail, endpoint=endpoint, kind="flat"))
        else:
            name = f"{endpoint} median at {size:,} ≤ {FLAT:g} x median at {summary.smallest:,}"
            targets.append(_at_most(name, summary.flatness, FLAT, endpoint=endpoint, kind="flat"))
        counts = list(summary.queries.values())
        same = None if None in counts else len(set(counts)) == 1
        name = f"{endpoint} queries the same at every size"
        detail = ", ".join(
            f"{'-' if n is None else n} at {size:,}" for size, n in summary.queries.items()
        )
        targets.append(Target(name, same, detail, endpoint=endpoint, kind="queries"))
    return targets


def _short(sizes: list[int]) -> str:
    at = " and ".join(f"{size:,}" for size in sizes)
    return f"not judged: the backlog at {at} tasks was too small for its scenario"


def _timed(results: list[Result]) -> dict[tuple[str, int], Result]:
    return {(r.endpoint, r.size): r for r in results if r.median_ms is not None and not r.error}


def _delivery_target(delivery: MailDelivery) -> Target:
    name = f"{MAIL_EMAILS:,} emails delivered by {MAIL_WORKERS} workers ≤ {MAIL_SECONDS} s"
    if delivery.error or delivery.seconds is None:
        return Target(name, None, f"not measured: {delivery.error}")
    measured = (
        f"{delivery.emails:,} by {delivery.workers} (concurrency {delivery.concurrency}) "
        f"in {delivery.seconds:.1f} s, {delivery.emails_per_second:,.0f}/s"
    )
    if (delivery.emails, delivery.workers) != (MAIL_EMAILS, MAIL_WORKERS):
        return Target(name, None, f"not judged: {measured}")
    return Target(name, delivery.seconds <= MAIL_SECONDS, f"{measured} vs limit {MAIL_SECONDS} s")


def _import_targets(run: ImportRun) -> list[Target]:
    targets = []
    for step, seconds, limit in (
        ("checked (the preview)", run.check_seconds, IMPORT_CHECK_SECONDS),
        ("written", run.write_seconds, IMPORT_WRITE_SECONDS),
    ):
        name = f"{IMPORT_ROWS:,}-row CSV {step} ≤ {limit} s"
        if run.error or seconds is None:
            targets.append(Target(name, None, f"not measured: {run.error}"))
        elif run.rows != IMPORT_ROWS:
            targets.append(Target(name, None, f"not judged: {run.rows:,} rows in {seconds} s"))
        else:
            targets.append(Target(name, seconds <= limit, f"{seconds} s vs limit {limit} s"))
    return targets


def import_table(run: ImportRun) -> str:
    lines = [
        f"{run.rows:,} rows into a board with no task: the export ({run.megabytes} MB; with "
        f"an Assignee column) and a team's sheet ({run.sheet_megabytes} MB; d/m/y dates, "
        "decimal commas, no one assigned)"
    ]
    for step, export, sheet in (
        ("check", run.check_seconds, run.sheet_check_seconds),
        ("write", run.write_seconds, run.sheet_write_seconds),
        ("undo", run.undo_seconds, None),
    ):
        measured = [
            f"{name} {seconds} s, {run.rows / seconds:,.0f} rows/s"
            for name, seconds in (("export", export), ("sheet", sheet))
            if seconds
        ]
        if measured:
            lines.append(f"  {step}: {'; '.join(measured)}")
    if run.roles_written is not None:
        lines.append(
            f"  the export's Assignee column: {run.roles_written:,} Responsible roles; "
            f"{run.people_asked} new people asked about and added (with the new requesters, "
            f"{run.people_added} people added)"
        )
    if run.error:
        lines.append(f"error: {run.error}")
    return "\n".join(lines)


def _floor_goal(results: list[Result], size: int) -> Target:
    name = f"pages p95 ≤ 2 x floor p95 at {size:,}"
    measured = {r.endpoint: r.p95_x_floor for r in results if r.size == size}
    ratios = {
        e: measured[e] for e in ENDPOINTS if e not in YARDSTICKS and measured.get(e) is not None
    }
    if not ratios:
        return Target(name, None, "not measured", goal=True)
    over = ", ".join(f"{e} {x:.2f}x" for e, x in ratios.items() if x > 2)
    within = sum(x <= 2 for x in ratios.values())
    detail = f"{within} of {len(ratios)} within; over: {over or 'none'}"
    return Target(name, None, detail, goal=True)


def _at_most(name: str, ratio: float | None, limit: float, *, endpoint: str, kind: str) -> Target:
    if ratio is None:
        return Target(name, None, "not measured", endpoint=endpoint, kind=kind)
    detail = f"{ratio:.2f} x vs limit {limit:g} x"
    return Target(name, ratio <= limit, detail, endpoint=endpoint, kind=kind)


MARKS = {True: " ✓", False: " ✗", None: "  "}


def table(results: list[Result], targets: list[Target]) -> str:
    """A row an endpoint: its median (p95) at each size; at the largest size its median
    over the admin changelist's, the floor's and the weekly review's; its flatness
    (largest size's median over the smallest's) and query counts. A ratio is marked ✓
    when its target passes, ✗ when it fails, not at all when it has none (or was not
    judged)."""
    sizes = sorted({r.size for r in results})
    by_size = {(r.endpoint, r.size): r for r in results}
    verdicts = {(t.endpoint, t.kind): t.passed for t in targets if t.endpoint}
    width = max(len(endpoint) for endpoint in ENDPOINTS) + 2
    header = (
        f"{'endpoint':<{width}}{''.join(f'{size:>17,}' for size in sizes)}"
        f"{'x admin':>10}{'x floor':>10}{'x review':>10}{'flat':>9}  queries"
    )
    lines = [
        f"{'':<{width}}{'median ms (p95) at each size':>{17 * len(sizes)}}"
        f"{f'at {sizes[-1]:,}':>30}",
        header,
        "-" * len(header),
    ]
    for summary in summarize(results):
        endpoint = summary.endpoint
        rows = [by_size.get((endpoint, size)) for size in sizes]
        cells = "".join(f"{_cell(r):>17}" for r in rows)
        queries = "/".join("-" if n is None else str(n) for n in summary.queries.values())
        lines.append(
            f"{endpoint:<{width}}{cells}"
            f"{_marked(summary.median_x_admin, verdicts.get((endpoint, 'x admin'))):>10}"
            f"{_marked(summary.median_x_floor, verdicts.get((endpoint, 'x floor'))):>10}"
            f"{_marked(summary.median_x_review, verdicts.get((endpoint, 'x review'))):>10}"
            f"{_marked(summary.flatness, verdicts.get((endpoint, 'flat'))):>9}"
            f"  {queries}{MARKS[verdicts.get((endpoint, 'queries'))]}".rstrip()
        )
        for size, r in zip(sizes, rows, strict=True):
            if r is not None and r.error:
                lines.append(f"{'':<{width}}  at {size:,}: error: {r.error}")
            if r is not None and r.note:
                lines.append(f"{'':<{width}}  at {size:,}: {r.note}")
    return "\n".join(lines)


def _cell(r: Result | None) -> str:
    if r is None:
        return "-"
    if r.median_ms is None:
        return "error"
    return f"{r.median_ms:.1f} ({r.p95_ms:.1f})"


def _marked(ratio: float | None, passed: bool | None) -> str:
    return f"{'-' if ratio is None else f'{ratio:.2f}'}{MARKS[passed]}"


def delivery_table(d: MailDelivery) -> str:
    lines = [
        f"emails {d.emails:,}, workers {d.workers}, concurrency {d.concurrency} each; "
        f"queued with email_queue in {d.queue_seconds} s"
    ]
    if d.seconds is not None:
        lines.append(
            f"delivered in {d.seconds:.1f} s from the workers' start "
            f"({d.emails_per_second:,.0f} emails/s; the first after {d.first_seconds} s)"
        )
    lines.append(
        f"sent {d.sent:,}, received {d.received:,}, distinct Message-IDs "
        f"{d.distinct_message_ids:,}, duplicates {d.duplicates}, missing {d.missing}, "
        f"unexpected {d.unexpected}, retried {d.retried}"
    )
    if d.exit_codes is not None:
        lines.append(f"workers stopped with {d.exit_codes} (0: cleanly, on SIGTERM)")
    if d.worker_cpu_seconds is not None:
        lines.append(
            f"CPU: workers {d.worker_cpu_seconds:.1f} s "
            f"({d.worker_cpu_seconds / d.emails * 1000:.1f} ms an email), SMTP server and "
            f"polling {d.smtp_cpu_seconds:.1f} s; {d.cpus} CPUs, load average "
            f"{' then '.join(f'{load:.1f}' for load in d.load_average or [])}"
        )
    if d.error:
        lines.append(f"error: {d.error}")
    return "\n".join(lines)


def targets_table(targets: list[Target]) -> str:
    verdicts = {True: "PASS", False: "FAIL", None: "n/a "}
    return "\n".join(
        f"{'GOAL' if t.goal else verdicts[t.passed]}  {t.name}: {t.detail}" for t in targets
    )


def write_json(path, *, results: list[Result], targets: list[Target], **run) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        **run,
        "results": [asdict(r) for r in results],
        "summary": [asdict(s) for s in summarize(results)],
        "targets": [asdict(t) for t in targets],
    }
    path.write_text(json.dumps(document, indent=2, default=str) + "\n")
