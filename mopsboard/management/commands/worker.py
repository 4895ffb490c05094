"""`manage.py worker` (`make worker`): a task-queue worker that waits out a database restart.

procrastinate's `manage.py procrastinate worker` stops, with status 0, as soon as one of the
worker's side tasks loses the database: the LISTEN connection reconnects once, while the
server is still down, and fails; or a heartbeat finds no connection. Email, notifications,
webhooks, imports and the scheduled jobs would then stop without a word. This command runs
the same worker (`App.run_worker_async`, with PROCRASTINATE_WORKER_DEFAULTS) under a small
supervising loop rather than changing the worker: when it stops without being asked to, the
loop waits for the database with pauses growing from 1 s to 30 s and starts a new one.
Nothing queued is lost: jobs live in the database, and those the old worker held are queued
again by `mopsboard.tasks.retry_stalled_jobs` once its heartbeat is stale. After
MOPSBOARD_QUEUE["outage_limit"] seconds without a worker that keeps running, the command
exits with status 1, for a process manager to see and restart.
"""

import asyncio
import contextlib
import logging
import signal
import time

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from procrastinate import exceptions
from procrastinate.contrib.django import app
from procrastinate.contrib.django.utils import connector_params

logger = logging.getLogger(__name__)

# What a worker meets when the database goes away: procrastinate wraps psycopg's errors in
# ConnectorException; the pool's PoolTimeout, while opening, is psycopg's OperationalError.
DATABASE_ERRORS = (exceptions.ConnectorException, psycopg.OperationalError)
FIRST_PAUSE = 1.0
LONGEST_PAUSE = 30.0
# A worker that ran this long was fine: a stop after it starts a new outage, pauses from 1 s.
HEALTHY_RUN = 60.0


class Command(BaseCommand):
    help = (
        "Run a task-queue worker (every queue unless --queues) that waits out a database "
        "restart; it exits 1 when the database stays away for MOPSBOARD_QUEUE_OUTAGE_LIMIT."
    )

    def add_arguments(self, parser):
        parser.add_argument("--queues", default="", help="Comma-separated queues to work on.")
        parser.add_argument("--concurrency", type=int, default=1, help="Jobs run at once.")

    def handle(self, *args, queues, concurrency, **options):
        worker_options = {"concurrency": concurrency, "install_signal_handlers": False}
        if queues:
            worker_options["queues"] = queues.split(",")
        # The worker needs a connector of its own (psycopg's pool, LISTEN): Django's cannot.
        with app.replace_connector(app.connector.get_worker_connector()) as worker_app:
            asyncio.run(
                supervise(
                    worker_app,
                    worker_options,
                    # A probe of a database that is away should not hang for long.
                    database={"connect_timeout": 5, **connector_params()},
                    outage_limit=settings.MOPSBOARD_QUEUE["outage_limit"],
                )
            )


async def supervise(worker_app, worker_options, *, database: dict, outage_limit: float) -> None:
    """Run workers one after another until SIGINT or SIGTERM; raise CommandError once no
    worker has kept running for `outage_limit` seconds."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    pause = FIRST_PAUSE
    trouble_since = None
    while True:
        if trouble_since is not None and time.monotonic() - trouble_since > outage_limit:
            raise CommandError(
                f"No queue worker has kept running for {outage_limit:.0f} s: is the database up?"
            )
        # A worker started on a database that is away would wait its pool's 30 s to fail.
        if trouble_since is None or await _database_answers(database):
            started = time.monotonic()
            error = await _run_worker(worker_app, worker_options, stop)
            if stop.is_set():
                return
            # procrastinate's ConnectorException says only "Database error": psycopg's says why.
            reason = (error.__cause__ or error) if error else None
            logger.warning(
                "The queue worker stopped (%s); starting another once the database answers.",
                str(reason).strip() if reason else "its listener or heartbeat lost the database",
            )
            if time.monotonic() - started > HEALTHY_RUN:
                trouble_since, pause = None, FIRST_PAUSE
            trouble_since = trouble_since or time.monotonic()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), pause)
            return
        pause = min(pause * 2, LONGEST_PAUSE)


async def _run_worker(worker_app, worker_options, stop: asyncio.Event) -> Exception | None:
    """One worker, until it stops by itself (with the database error that stopped it, if
    any) or `stop` is set: then it is cancelled, which procrastinate documents as the way
    to stop it, and it finishes the jobs it is running first."""

    async def work():
        async with worker_app.open_async():
            await worker_app.run_worker_async(**worker_options)

    worker = asyncio.create_task(work())
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({worker, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not worker.done():
        worker.cancel()
        with contextlib.suppress(asyncio.CancelledError, *DATABASE_ERRORS):
            await worker
        return None
    error = worker.exception()
    if error is not None and not isinstance(error, DATABASE_ERRORS):
        raise error
    return error


async def _database_answers(database: dict) -> bool:
    try:
        connection = await psycopg.AsyncConnection.connect(**database)
    except psycopg.OperationalError:
        return False
    await connection.close()
    return True
