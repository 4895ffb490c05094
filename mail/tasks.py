"""Delivery, run by the task queue's workers (procrastinate): each queued email is sent
once, and a failed send is tried again with a growing wait for a day."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.retry import BaseRetryStrategy, RetryDecision

from mail.models import Email, one_line


class DeliveryFailed(Exception):
    """The mail server refused or could not be reached; the queue tries again later."""


def retry_wait(attempts: int, *, setting: str = "MOPSBOARD_MAIL_RETRY") -> int | None:
    """Seconds to wait after a failed try (`attempts` tries before it), or None to give up.

    Doubling from the setting's "first", never longer than its "longest", until its "for"
    seconds of waiting have gone by: a minute, two, four … an hour, for a day. Email uses
    MOPSBOARD_MAIL_RETRY; webhooks their own, MOPSBOARD_WEBHOOKS_RETRY.
    """
    retry = getattr(settings, setting)
    waits = [min(retry["first"] * 2**n, retry["longest"]) for n in range(attempts + 1)]
    return waits[-1] if sum(waits) <= retry["for"] else None


class ForADay(BaseRetryStrategy):
    """Try a job again after retry_wait's waits when it raised `failure`; any other error
    is a bug, not a server that is away, and is not retried."""

    def __init__(self, *, failure: type[Exception] | None = None, setting="MOPSBOARD_MAIL_RETRY"):
        self.failure, self.setting = failure or DeliveryFailed, setting

    def get_retry_decision(self, *, exception, job):
        if not isinstance(exception, self.failure):
            return None
        wait = retry_wait(job.attempts, setting=self.setting)
        return None if wait is None else RetryDecision(retry_in={"seconds": wait})


@app.task(queue="mail", retry=ForADay(), pass_context=True)
def deliver(context, email_id: int):
    email_deliver(email_id, last_try=retry_wait(context.job.attempts) is None)


def email_deliver(email_id: int, *, last_try: bool) -> None:
    """Send one queued email, once: a row lock keeps two workers from both sending it,
    and one already delivered is not sent again."""
    with transaction.atomic():
        email = Email.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status == Email.Status.SENT:
            return
        email.attempts += 1
        try:
            _message(email).send()
        except (smtplib.SMTPException, OSError) as error:
            email.status = Email.Status.FAILED if last_try else Email.Status.QUEUED
            email.last_error = one_line(f"{type(error).__name__}: {error}")[:500]
            failure = error
        else:
            email.status, email.sent_at, email.last_error = Email.Status.SENT, timezone.now(), ""
            if email.private:
                email.text, email.html = "(Removed once delivered: it held a secret link.)", ""
            failure = None
        email.save(update_fields=["status", "attempts", "last_error", "sent_at", "text", "html"])
    if failure is not None:
        raise DeliveryFailed(email.last_error) from failure


def _message(email: Email) -> EmailMultiAlternatives:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "mopsboard"
    message = EmailMultiAlternatives(
        email.subject,
        email.text,
        to=[email.to],
        # The same Message-ID on every try lets a mail server drop a repeat.
        headers={**email.headers, "Message-ID": f"<mopsboard-email-{email.pk}@{domain}>"},
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    return message
