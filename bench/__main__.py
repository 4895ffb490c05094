"""`python -m bench`: time mopsboard's pages at 1,000 / 10,000 / 100,000 tasks, a
100,000-row CSV import, and 10,000 queued emails delivered by two queue workers to a
local SMTP server.

Prints a table of median and p95 times, query counts, each endpoint's ratios to the
admin changelist and the framework floor (the login page) measured in the same run and
its flatness across sizes, the mail delivery's figures, checks the targets, and writes
the same to bench/results/bench-<UTC timestamp>.json. See bench/README.md.
"""

import argparse
import dataclasses
import datetime
import os
import subprocess
import sys
import time

import django

from bench.database import BASE_DIR, BENCH_DATABASE, Server
from bench.server import PRODUCTION_ENV, collect_static

DEFAULT_SIZES = [1_000, 10_000, 100_000]
# `manage.py worker --concurrency` for the mail delivery (see bench/README.md).
DEFAULT_CONCURRENCY = 1
RESULTS_DIR = BASE_DIR / "bench" / "results"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="*",
        default=DEFAULT_SIZES,
        metavar="TASKS",
        help="backlog sizes to run (default: 1000 10000 100000); none: only the mail delivery",
    )
    parser.add_argument(
        "--requests", type=int, default=200, help="timed requests per endpoint (default: 200)"
    )
    parser.add_argument(
        "--warmup", type=int, default=20, help="untimed requests per endpoint first (default: 20)"
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="stop timing an endpoint after this long, once it has 30 samples (default: 30)",
    )
    parser.add_argument(
        "--emails",
        type=int,
        default=10_000,
        help="emails queued for the mail delivery (default: 10000; 0 skips it)",
    )
    parser.add_argument(
        "--mail-workers",
        type=int,
        default=2,
        metavar="N",
        help="queue workers delivering them (default: 2)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=DEFAULT_CONCURRENCY,
        help=f"jobs each worker runs at once (default: {DEFAULT_CONCURRENCY})",
    )
    parser.add_argument(
        "--imports",
        type=int,
        default=100_000,
        metavar="ROWS",
        help="rows of the CSV import checked and written (default: 100000; 0 skips it)",
    )
    parser.add_argument("--seed", type=int, default=42, help="data generator seed (default: 42)")
    parser.add_argument(
        "--keep",
        action="store_true",
        help=f"keep the {BENCH_DATABASE} database (holding the last size) instead of dropping it",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    started_at = datetime.datetime.now(datetime.UTC)
    stamp = started_at.strftime("%Y%m%dT%H%M%SZ")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    server = Server()
    # The bench process runs the app's code (migrations, the generator, the in-process
    # query counts) with the same production settings as gunicorn, on the bench database.
    os.environ.update(PRODUCTION_ENV)
    os.environ["DATABASE_URL"] = server.url(BENCH_DATABASE)
    os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,testserver"
    django.setup()
    collect_static()

    # Imported here: these modules use the ORM, which needs Django set up first.
    from bench import report
    from bench.delivery import run_delivery
    from bench.imports import run_import
    from bench.run import Options, progress, run_size

    options = Options(
        requests=args.requests, warmup=args.warmup, budget_seconds=args.budget, seed=args.seed
    )
    runs = []
    delivery = imported = None
    gunicorn_log = RESULTS_DIR / f"bench-{stamp}-gunicorn.log"
    workers_log = RESULTS_DIR / f"bench-{stamp}-workers.log"
    try:
        for size in args.sizes:
            runs.append(run_size(size, server=server, options=options, log=gunicorn_log))
        if args.imports:
            imported = run_import(server=server, rows=args.imports, seed=args.seed)
        if args.emails:
            delivery = run_delivery(
                server=server,
                emails=args.emails,
                workers=args.mail_workers,
                concurrency=args.concurrency,
                seed=args.seed,
                log=workers_log,
            )
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            server.drop(BENCH_DATABASE)
        for log in (gunicorn_log, workers_log):
            if log.exists() and not log.stat().st_size:
                log.unlink()

    results = [result for run in runs for result in run.results]
    report.add_ratios(results)
    targets = report.check_targets(results, delivery, imported)
    duration = time.monotonic() - started
    print()
    if results:
        print(report.table(results, targets))
        print()
    if delivery is not None:
        print("Mail delivery")
        print(report.delivery_table(delivery))
        print()
    if imported is not None:
        print("CSV import")
        print(report.import_table(imported))
        print()
    print("Targets")
    print(report.targets_table(targets))
    print()
    for run in runs:
        generation = run.generation
        print(
            f"Generated {run.size:,} tasks ({generation.unscored:,} unscored) and "
            f"{generation.assignments:,} RACI assignments in {generation.seconds:.1f} s "
            f"(the RACI part: {generation.raci_seconds:.1f} s)"
        )
    print(f"Whole run: {duration:.0f} s")
    path = RESULTS_DIR / f"bench-{stamp}.json"
    report.write_json(
        path,
        started_at=started_at.isoformat(),
        duration_seconds=round(duration, 1),
        git_commit=_git("rev-parse", "HEAD"),
        # Others edit the app while benches run: say whether the tree matched the commit.
        git_dirty=bool(_git("status", "--porcelain", "--untracked-files=no")),
        options=vars(args),
        generation=[dataclasses.asdict(run.generation) for run in runs],
        results=results,
        mail_delivery=dataclasses.asdict(delivery) if delivery is not None else None,
        csv_import=dataclasses.asdict(imported) if imported is not None else None,
        targets=targets,
    )
    progress(f"Results written to {path.relative_to(BASE_DIR)}")
    # A missed target is a finding, not a failure; only an endpoint or a delivery that
    # broke is.
    broken = (
        any(result.error for result in results)
        or (delivery and delivery.error)
        or (imported and imported.error)
    )
    return 1 if broken else 0


def _git(*command: str) -> str | None:
    done = subprocess.run(
        ["git", *command], cwd=BASE_DIR, capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or None


if __name__ == "__main__":
    sys.exit(main())
