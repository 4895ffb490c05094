"""Queue an email, or queue a failed one again: the only ways mail leaves mopsboard
(delivery itself is the queue's job, in mail.tasks)."""

from django.db import transaction
from django.template.loader import render_to_string

from mail.models import Email, one_line
from mail.private import CONTEXTS
from mail.tasks import deliver, job_for_new_email
from mopsboard.backups import NOT_SENT_AFTER_RESTORE
from mopsboard.errors import Conflict


class NotFailed(Conflict):
    def __init__(self, email: Email):
        super().__init__(f"“{email.subject}” to {email.to} is {email.get_status_display()}.")


def email_queue(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict,
    event: str,
    task=None,
    headers=None,
    private: bool = False,
) -> Email:
    """Render `template`.txt and `template`.html, keep the email and queue its delivery.

    Queued in the caller's transaction: if the change that causes the email rolls back,
    nothing is sent; once it commits, the email is delivered even if this process dies.
    A `private` email carries a private link: `context` holds only the ids its registered
    template is written from as it is sent (mail.private), and its text is never kept.
    """
    if private and template not in CONTEXTS:
        raise ValueError(f"{template} is not a private template (mail.private).")
    # No savepoint of its own: inside the change's transaction, the email stands or falls
    # with the change; called alone, it is its own transaction.
    with transaction.atomic(savepoint=False):
        email = Email.objects.create(
            to=to,
            subject=one_line(subject)[:250],
            text="" if private else render_to_string(f"{template}.txt", context),
            html="" if private else render_to_string(f"{template}.html", context),
            event=event,
            task=task,
            headers=headers or {},
            private=private,
            template=template if private else "",
            context=context if private else {},
            job_id=job_for_new_email(),
        )
    return email


def email_resend(*, email: Email) -> Email:
    """A failed email, queued again by the lead: the queue's retries start over."""
    with transaction.atomic():
        if not Email.objects.filter(pk=email.pk, status=Email.Status.FAILED).update(
            status=Email.Status.QUEUED, last_error="", job_id=deliver.defer()
        ):
            raise NotFailed(email)
    email.refresh_from_db()
    return email


def emails_fail_dropped(*, job_ids: list[int]) -> int:
    """Emails still queued for delivery jobs a restore dropped: failed, saying why, so the
    lead sends again from the Mail page those that did not go out after the backup."""
    return Email.objects.filter(job_id__in=job_ids, status=Email.Status.QUEUED).update(
        status=Email.Status.FAILED, last_error=NOT_SENT_AFTER_RESTORE
    )
