"""The bench's results: the table with each endpoint's ratio to the floor, the targets
with PASS/FAIL and the goals, and the JSON file.
"""

import json
from dataclasses import asdict, dataclass

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
API_LIST, API_PATCH = "API task list", "API task PATCH"
INTAKE_POST, REQUESTER_PAGE = "intake POST", "requester page"
# The mail delivery's target: this many emails by this many workers within this long.
MAIL_EMAILS, MAIL_WORKERS, MAIL_SECONDS = 10_000, 2, 60
# A 100,000-row spreadsheet: checked for the preview, then written, all or nothing.
IMPORT_ROWS, IMPORT_CHECK_SECONDS, IMPORT_WRITE_SECONDS = 100_000, 20, 90
# The floor first: every other row's ratio is to it.
ENDPOINTS = [
    FLOOR,
    BOARD,
    TRIAGE,
    SCATTER,
    SCORING,
    ADMIN,
    RACI_50,
    RACI_200,
    CELL_UPDATE,
    STAKEHOLDER,
    INTAKE_POST,
    REQUESTER_PAGE,
    REVIEW,
    PEOPLE,
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
    # This endpoint's time over the floor's, at the same size.
    median_x_floor: float | None = None
    p95_x_floor: float | None = None


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
    error: str | None = None


@dataclass
class Target:
    name: str
    # None when the sizes it needs were not run, or an endpoint failed.
    passed: bool | None
    detail: str
    # A goal is reported, never judged: its `passed` stays None.
    goal: bool = False


def add_floor_ratios(results: list[Result]) -> None:
    floors = {r.size: r for r in results if r.endpoint == FLOOR and r.p95_ms is not None}
    for r in results:
        floor = floors.get(r.size)
        if floor is not None and r.p95_ms is not None:
            r.median_x_floor = round(r.median_ms / floor.median_ms, 2)
            r.p95_x_floor = round(r.p95_ms / floor.p95_ms, 2)


def check_targets(
    results: list[Result],
    delivery: MailDelivery | None = None,
    imported: ImportRun | None = None,
) -> list[Target]:
    # A row with an error is not judged, even when it was timed: the scoring POST's row
    # has one when its requests did not queue a tell job each, or the jobs an email each.
    p95 = {(r.endpoint, r.size): r.p95_ms for r in results if r.p95_ms is not None and not r.error}
    sizes = sorted({r.size for r in results})
    targets = []
    for size in sizes:
        scoring = p95.get((SCORING, size))
        targets.append(
            _at_most(f"scoring POST (+ notification queued) p95 ≤ 25 ms at {size:,}", scoring, 25)
        )
    targets.append(_at_most("board p95 ≤ 50 ms at 10,000", p95.get((BOARD, 10_000)), 50))
    small, large = p95.get((BOARD, 1_000)), p95.get((BOARD, 100_000))
    targets.append(
        _at_most(
            "board p95 at 100,000 ≤ 1.3 x board p95 at 1,000",
            large,
            1.3 * small if small is not None else None,
        )
    )
    for size in sizes:
        cell = p95.get((CELL_UPDATE, size))
        targets.append(_at_most(f"RACI cell update p95 ≤ 25 ms at {size:,}", cell, 25))
    for size in sizes:
        matrix = p95.get((RACI_50, size))
        targets.append(_at_most(f"RACI matrix 50x40 p95 ≤ 100 ms at {size:,}", matrix, 100))
    for size in sizes:
        intake = p95.get((INTAKE_POST, size))
        targets.append(_at_most(f"intake POST p95 ≤ 50 ms at {size:,}", intake, 50))
        page = p95.get((REQUESTER_PAGE, size))
        targets.append(_at_most(f"requester page p95 ≤ 25 ms at {size:,}", page, 25))
    for endpoint in (REVIEW, PEOPLE):
        for size in sizes:
            page = p95.get((endpoint, size))
            targets.append(_at_most(f"{endpoint} p95 ≤ 100 ms at {size:,}", page, 100))
    for endpoint in (API_LIST, API_PATCH):
        for size in sizes:
            call = p95.get((endpoint, size))
            targets.append(_at_most(f"{endpoint} p95 ≤ 25 ms at {size:,}", call, 25))
    if delivery is not None:
        targets.append(_delivery_target(delivery))
    if imported is not None:
        targets.extend(_import_targets(imported))
    for size in sizes:
        targets.append(_floor_goal(results, size))
    return targets


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
    lines = [f"{run.rows:,} rows ({run.megabytes} MB) into an empty database"]
    for step, seconds in (("check", run.check_seconds), ("write", run.write_seconds)):
        if seconds:
            lines.append(f"  {step}: {seconds} s, {run.rows / seconds:,.0f} rows/s")
    if run.error:
        lines.append(f"error: {run.error}")
    return "\n".join(lines)


def _floor_goal(results: list[Result], size: int) -> Target:
    name = f"pages p95 ≤ 2 x floor p95 at {size:,}"
    measured = {r.endpoint: r.p95_x_floor for r in results if r.size == size}
    ratios = {e: measured[e] for e in ENDPOINTS if e != FLOOR and measured.get(e) is not None}
    if not ratios:
        return Target(name, None, "not measured", goal=True)
    over = ", ".join(f"{e} {x:.2f}x" for e, x in ratios.items() if x > 2)
    within = sum(x <= 2 for x in ratios.values())
    detail = f"{within} of {len(ratios)} within; over: {over or 'none'}"
    return Target(name, None, detail, goal=True)


def _at_most(name: str, value: float | None, limit: float | None) -> Target:
    if value is None or limit is None:
        return Target(name, None, "not measured")
    return Target(name, value <= limit, f"{value:.1f} ms vs limit {limit:.1f} ms")


def table(results: list[Result]) -> str:
    width = max(len(endpoint) for endpoint in ENDPOINTS) + 2
    lines = [
        f"{'endpoint':<{width}}{'tasks':>9}{'median ms':>11}{'p95 ms':>9}{'queries':>9}{'n':>6}"
        f"{'x floor median':>16}{'x floor p95':>13}",
        "-" * (width + 73),
    ]
    for endpoint in ENDPOINTS:
        for r in sorted((r for r in results if r.endpoint == endpoint), key=lambda r: r.size):
            if r.error:
                lines.append(f"{endpoint:<{width}}{r.size:>9,}  error: {r.error}")
                if r.note:
                    lines.append(f"{'':<{width + 9}}  {r.note}")
                continue
            queries = "-" if r.queries is None else str(r.queries)
            ratios = (
                f"{r.median_x_floor:>16.2f}{r.p95_x_floor:>13.2f}"
                if r.p95_x_floor is not None
                else f"{'-':>16}{'-':>13}"
            )
            lines.append(
                f"{endpoint:<{width}}{r.size:>9,}{r.median_ms:>11.1f}{r.p95_ms:>9.1f}"
                f"{queries:>9}{r.samples:>6}{ratios}"
            )
            if r.note:
                lines.append(f"{'':<{width + 9}}  {r.note}")
    return "\n".join(lines)


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
        "targets": [asdict(t) for t in targets],
    }
    path.write_text(json.dumps(document, indent=2, default=str) + "\n")
