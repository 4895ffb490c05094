"""Mail delivery: queued emails sent by real queue workers to a local SMTP server.

The emails are queued the app's way (mail.services.email_queue: the template pair
rendered, an Email row, a `mail.tasks.deliver` job), then `manage.py procrastinate
worker` processes deliver them to an aiosmtpd server in this process, which counts
every message and its Message-ID. Imported only once Django is set up against the bench
database (see bench.__main__).
"""

import copy
import email.parser
import logging
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter
from pathlib import Path

from aiosmtpd.controller import Controller
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connections, transaction
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from backlog.models import Status, Task
from backlog.signals import Change
from bench.database import BASE_DIR, BENCH_DATABASE, Server
from bench.generate import generate
from bench.report import MailDelivery
from bench.run import progress
from bench.server import PRODUCTION_ENV
from mail.models import Email
from mail.services import email_queue
from mail.tasks import deliver
from notifications.models import Notification
from notifications.news import news_of
from notifications.services import person_token

HOST = "127.0.0.1"
# email_queue calls per transaction while queueing: one commit per batch, as a run of
# changes would make, without holding one transaction open over all of them.
QUEUE_BATCH = 500
POLL_SECONDS = 0.1
# Give up waiting this long after the workers start (the target is 60 s for 10,000).
DELIVERY_TIMEOUT = 600.0
STOP_TIMEOUT = 15.0
# The backlog the emails are about: its requests in triage and their requesters.
MAIL_BACKLOG = 1_000


class Inbox:
    """An aiosmtpd handler that counts every message it accepts and its Message-ID."""

    def __init__(self) -> None:
        self.message_ids: list[str] = []
        self.first_at: float | None = None
        self._parser = email.parser.BytesHeaderParser()
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message_id = self._parser.parsebytes(envelope.content).get("Message-ID", "")
        with self._lock:
            if self.first_at is None:
                self.first_at = time.perf_counter()
            self.message_ids.append(message_id.strip())
        return "250 Message accepted"

    def count(self) -> int:
        with self._lock:
            return len(self.message_ids)

    def received(self) -> list[str]:
        with self._lock:
            return list(self.message_ids)


class SmtpServer:
    """aiosmtpd on a free loopback port, in a thread of this process."""

    def __init__(self, inbox: Inbox) -> None:
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(inbox, hostname=HOST, port=self.port)

    def __enter__(self) -> "SmtpServer":
        # aiosmtpd logs every SMTP command at INFO; at thousands a second that costs the
        # server (and this machine's CPUs) more than receiving the mail.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


def queue_emails(count: int) -> float:
    """Queue `count` "triaged" notification emails with email_queue; the seconds it took.

    Each is what notifications writes when a request in triage is scored: the news
    template pair for the task's requester, the one-click unsubscribe headers, the task.
    The requests in triage and their requesters are taken in turn from the generated
    backlog (the stakeholders, who all have an address).
    """
    started = time.perf_counter()
    requests = list(
        Task.objects.in_triage()
        .filter(requester__isnull=False)
        .exclude(requester__email="")
        .select_related("requester")
        .order_by("pk")
    )
    if not requests:
        raise RuntimeError("The generated backlog has no requests in triage with a requester.")
    site = settings.MOPSBOARD_SITE_URL
    for start in range(0, count, QUEUE_BATCH):
        with transaction.atomic():
            for n in range(start, min(start + QUEUE_BATCH, count)):
                task = requests[n % len(requests)]
                _queue_triaged(task, site=site)
    return time.perf_counter() - started


def _queue_triaged(task: Task, *, site: str) -> Email:
    scored = copy.copy(task)
    scored.impact, scored.effort, scored.status = 4, 2, Status.BACKLOG
    told = news_of(scored, task, [Change.SCORED, Change.STATUS_CHANGED], via="triage")
    news = [
        Notification(person=task.requester, task=scored, news=kind, text=text)
        for kind, text in told
    ]
    person = task.requester
    token = person_token(person)
    unsubscribe = site + reverse("notifications:unsubscribe", args=[token])
    return email_queue(
        to=person.email,
        subject=f"{task.title}: {', '.join(n.get_news_display().lower() for n in news)}",
        template="notifications/email/news",
        context={
            "person": person,
            "updates": [(scored, site + task.get_absolute_url(), news)],
            "preferences_url": site + reverse("notifications:preferences", args=[token]),
            "unsubscribe_url": unsubscribe,
            "digest": False,
        },
        event=news[0].get_news_display(),
        task=task,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def measure_delivery(
    *, emails: int, workers: int, concurrency: int, database_url: str, log: Path
) -> MailDelivery:
    """Queue `emails` emails, then time `workers` queue workers delivering all of them."""
    result = MailDelivery(emails=emails, workers=workers, concurrency=concurrency)
    result.queue_seconds = round(queue_emails(emails), 1)
    queued = list(Email.objects.all())
    jobs = ProcrastinateJob.objects.filter(task_name=deliver.name, status="todo")
    with_job = Email.objects.filter(job_id__in=jobs.values("pk")).count()
    result.jobs = jobs.count()
    if len(queued) != emails or with_job != emails:
        result.error = f"queued {len(queued)} emails, {with_job} in a waiting job, not {emails}"
        return result
    expected = {email.message_id for email in queued}
    inbox = Inbox()
    with SmtpServer(inbox) as smtp, log.open("ab") as output:
        env = {
            **os.environ,
            **PRODUCTION_ENV,
            "DATABASE_URL": database_url,
            "DJANGO_EMAIL_HOST": HOST,
            "DJANGO_EMAIL_PORT": str(smtp.port),
        }
        result.cpus, loads = os.cpu_count(), [os.getloadavg()[0]]
        children, own = _children_cpu(), time.process_time()
        started = time.perf_counter()
        processes = [_start_worker(env, concurrency, output) for _ in range(workers)]
        try:
            finished = _wait_until_delivered(result, inbox, expected, processes, started)
        finally:
            loads.append(os.getloadavg()[0])
            result.exit_codes = _stop(processes)
        result.worker_cpu_seconds = round(_children_cpu() - children, 1)
        result.smtp_cpu_seconds = round(time.process_time() - own, 1)
        result.load_average = [round(load, 2) for load in loads]
    result.sent = Email.objects.filter(status=Email.Status.SENT).count()
    result.retried = Email.objects.filter(attempts__gt=1).count()
    received = Counter(inbox.received())
    result.received = sum(received.values())
    result.distinct_message_ids = len(received)
    result.duplicates = result.received - result.distinct_message_ids
    result.missing = len(expected - received.keys())
    result.unexpected = len(received.keys() - expected)
    if inbox.first_at is not None:
        result.first_seconds = round(inbox.first_at - started, 2)
    if finished is not None:
        result.seconds = round(finished - started, 2)
        result.emails_per_second = round(emails / (finished - started), 1)
    if result.error is None and (result.duplicates or result.missing or result.unexpected):
        result.error = (
            f"{result.duplicates} duplicates, {result.missing} missing, "
            f"{result.unexpected} unexpected at the SMTP server"
        )
    return result


def _children_cpu() -> float:
    """CPU seconds of this process's children that have exited and been waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _start_worker(env: dict, concurrency: int, output) -> subprocess.Popen:
    return subprocess.Popen(  # nosec B603 # our own manage.py with fixed arguments, no shell
        [
            sys.executable,
            "manage.py",
            "worker",
            f"--concurrency={concurrency}",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=output,
        stderr=output,
    )


def _wait_until_delivered(
    result: MailDelivery,
    inbox: Inbox,
    expected: set[str],
    processes: list[subprocess.Popen],
    started: float,
) -> float | None:
    """Wait until every queued email is sent and its Message-ID received; when that was.

    None (with the reason in `result.error`) if a worker died or it took too long.
    """
    total = len(expected)
    deadline = started + DELIVERY_TIMEOUT
    while True:
        # The SMTP server's count first: it is cheap, and the database is asked only
        # once every message has arrived.
        if inbox.count() >= total:
            sent = Email.objects.filter(status=Email.Status.SENT).count()
            if sent == total and expected <= set(inbox.received()):
                return time.perf_counter()
        dead = [p.returncode for p in processes if p.poll() is not None]
        if dead:
            result.error = f"a worker exited with {dead[0]} before the mail was delivered"
            return None
        if time.perf_counter() > deadline:
            result.error = f"not delivered within {DELIVERY_TIMEOUT:.0f} s"
            return None
        time.sleep(POLL_SECONDS)


def _stop(processes: list[subprocess.Popen]) -> list[int]:
    """SIGTERM: procrastinate finishes the jobs in hand and exits; each one's status
    (negative: killed after STOP_TIMEOUT seconds)."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return [process.returncode for process in processes]


def run_delivery(
    *, server: Server, emails: int, workers: int, concurrency: int, seed: int, log: Path
) -> MailDelivery:
    """The mail step, in a fresh bench database: a 1,000-task backlog for the requests
    and requesters the emails are about, then `measure_delivery`. A failure is reported
    in the result (its `error`), not raised, so the pages' results are still written."""
    progress(f"[mail] building the database and queueing {emails:,} emails")
    try:
        connections.close_all()
        server.recreate(BENCH_DATABASE)
        call_command("migrate", interactive=False, verbosity=0)
        ContentType.objects.clear_cache()
        generate(tasks=MAIL_BACKLOG, min_unscored=0, seed=seed)
        result = measure_delivery(
            emails=emails,
            workers=workers,
            concurrency=concurrency,
            database_url=server.url(BENCH_DATABASE),
            log=log,
        )
    except Exception as error:
        traceback.print_exc()
        result = MailDelivery(emails=emails, workers=workers, concurrency=concurrency)
        result.error = f"{type(error).__name__}: {error}"[:200]
    if result.seconds is not None:
        progress(
            f"[mail] {emails:,} emails delivered by {workers} workers in {result.seconds:.1f} s "
            f"({result.emails_per_second:,.0f}/s)"
        )
    if result.error:
        progress(f"[mail] error: {result.error}")
    return result
