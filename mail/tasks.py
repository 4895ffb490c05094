"""Delivery, run by the task queue's workers (procrastinate): each queued email is sent
once, and a failed send is tried again with a growing wait for a day.

One `deliver` job delivers a batch of emails over one SMTP connection: the emails queued
on one database connection while the job waits, up to BATCH. A job per email cost more
than the sending itself (a job fetched and finished, a connection opened and closed), and
10,000 queued emails took two workers over two minutes.
"""

import contextlib
import smtplib
import threading

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, models, transaction
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from mail.models import Email, one_line
from mail.private import Unwritable, private_text
from mopsboard.retry import ForADay, retry_wait

RETRY = "MOPSBOARD_MAIL_RETRY"

# Emails one job delivers at most: enough to spread the job's cost thin, few enough that
# a flood is shared between several workers.
BATCH = 100
# The server refused this message or its address, or its private link has no one left to
# open (its account is gone); the batch's other emails still go.
MESSAGE_REFUSED = (
    Unwritable,
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
)


class DeliveryFailed(Exception):
    """The mail server refused or could not be reached; the queue tries again later."""


@app.task(queue="mail", retry=ForADay(failure=DeliveryFailed, setting=RETRY), pass_context=True)
def deliver(context):
    job_deliver(context.job.id, last_try=retry_wait(context.job.attempts, setting=RETRY) is None)


_waiting = threading.local()


def job_for_new_email() -> int:
    """The id of the `deliver` job for an email being queued, in the caller's transaction.

    The last job deferred on this thread's connection takes it if no worker has started
    it yet (its row is locked until the caller commits, so no worker starts it before the
    email is there) and it holds fewer than BATCH; otherwise a new job is deferred. A job
    deferred in a rolled-back transaction is gone, so it is never reused.
    """
    job_id, count = getattr(_waiting, "job", (None, 0))
    waiting = (
        job_id is not None
        and count < BATCH
        and ProcrastinateJob.objects.select_for_update(skip_locked=True)
        .filter(pk=job_id, status="todo", attempts=0, scheduled_at__isnull=True)
        .exists()
    )
    if not waiting:
        job_id, count = deliver.defer(), 0
    _waiting.job = (job_id, count + 1)
    return job_id


def job_deliver(job_id: int, *, last_try: bool) -> None:
    """Send the emails still queued for job `job_id`, over one connection.

    A refused message is recorded and the batch goes on; a server that cannot be reached
    is recorded on every email left. DeliveryFailed if any is left for the next try.
    """
    queued = list(
        Email.objects.filter(job_id=job_id, status=Email.Status.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    backend, refused = get_connection(), None
    try:
        for done, email_id in enumerate(queued):
            try:
                email_deliver(email_id, backend=backend, last_try=last_try)
            except DeliveryFailed as failure:
                if not isinstance(failure.__cause__, MESSAGE_REFUSED):
                    _fail(queued[done + 1 :], str(failure), last_try=last_try)
                    raise
                refused = failure
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            backend.close()
    if refused is not None:
        raise refused


def email_deliver(email_id: int, *, backend, last_try: bool) -> None:
    """Send one queued email, once: a row lock keeps two workers from both sending it,
    and one already delivered is not sent again."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            # A "delivered" mark lost if the database crashes means one repeat with the
            # same Message-ID, which receiving servers drop; not waiting for the disk on
            # every mark makes a batch much faster. LOCAL: for this transaction only, as a
            # pooler in transaction mode lends the session to others once it ends.
            cursor.execute("SET LOCAL synchronous_commit TO off")
        email = Email.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status == Email.Status.SENT:
            return
        email.attempts += 1
        try:
            backend.open()
            _message(email, backend).send()
        except (smtplib.SMTPException, OSError, Unwritable) as error:
            email.status = Email.Status.FAILED if last_try else Email.Status.QUEUED
            email.last_error = one_line(f"{type(error).__name__}: {error}")[:500]
            failure = error
        else:
            email.status, email.sent_at, email.last_error = Email.Status.SENT, timezone.now(), ""
            failure = None
        email.save(update_fields=["status", "attempts", "last_error", "sent_at"])
    if failure is not None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            backend.close()
        raise DeliveryFailed(email.last_error) from failure


def _fail(email_ids: list[int], error: str, *, last_try: bool) -> None:
    """Record a failed try on emails not tried: the server was not there for them either."""
    Email.objects.filter(pk__in=email_ids, status=Email.Status.QUEUED).update(
        status=Email.Status.FAILED if last_try else Email.Status.QUEUED,
        attempts=models.F("attempts") + 1,
        last_error=error[:500],
    )


def _message(email: Email, backend) -> EmailMultiAlternatives:
    text, html = (
        private_text(email.template, email.context) if email.private else (email.text, email.html)
    )
    message = EmailMultiAlternatives(
        email.subject,
        text,
        to=[email.to],
        connection=backend,
        # The same Message-ID on every try lets a mail server drop a repeat.
        headers={**email.headers, "Message-ID": email.message_id},
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message
