"""The outbox: queued with the change that causes it, delivered once, retried for a day,
failures visible to the lead with "send again"."""

import socket

import pytest
from django.core import mail as django_mail
from django.db import connection, transaction
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from mail.models import Email
from mail.services import NotFailed, email_queue, email_resend
from mail.tasks import BATCH, RETRY, DeliveryFailed, job_deliver
from mopsboard.backups import dump, restore
from mopsboard.retry import retry_wait
from tests.factories import EmailFactory, UserFactory

pytestmark = pytest.mark.django_db


def _queue(**overrides):
    fields = {
        "to": "sam@example.com",
        "subject": "Your request",
        "template": "mail/password_reset",
        "context": {"user": UserFactory.build(username="sam"), "uid": "MQ", "token": "t"},
        "event": "Test",
    }
    return email_queue(**{**fields, **overrides})


def test_an_email_and_its_delivery_job_are_written_together():
    email = _queue()
    job = ProcrastinateJob.objects.get()
    assert (job.task_name, job.queue_name, job.status) == ("mail.tasks.deliver", "mail", "todo")
    assert (email.job_id, email.status) == (job.pk, Email.Status.QUEUED)


def test_emails_queued_while_their_job_waits_share_it_up_to_a_batch():
    first = [_queue(to=f"p{n}@example.com") for n in range(BATCH)]
    later = _queue(to="late@example.com")
    assert {email.job_id for email in first} == {first[0].job_id}
    assert later.job_id != first[0].job_id
    assert ProcrastinateJob.objects.count() == 2


def test_a_job_a_worker_has_started_takes_no_more_emails():
    first = _queue()
    ProcrastinateJob.objects.filter(pk=first.job_id).update(status="doing")
    assert _queue().job_id != first.job_id


def test_a_job_rolled_back_with_its_change_is_not_reused():
    with pytest.raises(RuntimeError), transaction.atomic():
        _queue()
        raise RuntimeError("the change failed")
    email = _queue()
    assert ProcrastinateJob.objects.filter(pk=email.job_id).exists()


def test_a_change_that_rolls_back_queues_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        _queue()
        raise RuntimeError("the change failed")
    assert not Email.objects.exists()
    assert not ProcrastinateJob.objects.exists()


def test_a_queued_email_is_delivered_once():
    email = _queue()
    job_deliver(email.job_id, last_try=False)
    job_deliver(email.job_id, last_try=False)
    assert len(django_mail.outbox) == 1
    sent = django_mail.outbox[0]
    assert sent.to == ["sam@example.com"]
    assert sent.extra_headers["Message-ID"] == email.message_id
    email.refresh_from_db()
    assert (email.status, email.attempts, email.sent_at is not None) == ("sent", 1, True)


@pytest.mark.django_db(transaction=True)
def test_delivery_changes_database_settings_only_inside_its_own_transactions():
    """Through a pooler in transaction mode (DATABASE_POOLER) the server session is another
    process's once a transaction ends: a setting changed between transactions would stay on
    a stranger's session (every commit of theirs then unsafe) and miss the delivery's own."""
    email = _queue()
    changed = []

    def record(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("SET ", "RESET ")):
            changed.append((sql, connection.in_atomic_block))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        job_deliver(email.job_id, last_try=False)

    assert len(django_mail.outbox) == 1
    assert changed == [("SET LOCAL synchronous_commit TO off", True)]


def _message_ids() -> list[str]:
    return [message.extra_headers["Message-ID"] for message in django_mail.outbox]


@pytest.mark.django_db(transaction=True)
def test_mail_queued_after_restoring_an_older_backup_reuses_no_message_id_sent(tmp_path):
    _queue(to="before@example.com")
    backup = dump(
        connection.settings_dict, tmp_path / "older.dump", server_version=connection.pg_version
    )
    after_backup = _queue(to="after@example.com")
    job_deliver(after_backup.job_id, last_try=False)
    sent = _message_ids()
    assert after_backup.message_id in sent
    server_version = connection.pg_version
    connection.close()
    restore(connection.settings_dict, backup, server_version=server_version)
    after_restore = _queue(to="again@example.com")
    job_deliver(after_restore.job_id, last_try=False)
    assert after_restore.message_id in _message_ids()
    assert after_restore.message_id not in sent


def test_a_newline_in_a_subject_cannot_start_a_header():
    email = _queue(subject="Hello\r\nBcc: everyone@example.com")
    assert email.subject == "Hello Bcc: everyone@example.com"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()


def test_a_failed_send_stays_queued_for_the_next_try_then_shows_as_failed(mail_server_down):
    email, second = _queue(), _queue(to="kim@example.com")
    with pytest.raises(DeliveryFailed):
        job_deliver(email.job_id, last_try=False)
    for each in (email, second):
        each.refresh_from_db()
        assert (each.status, each.attempts) == ("queued", 1)
        assert "ConnectionRefusedError" in each.last_error
    with pytest.raises(DeliveryFailed):
        job_deliver(email.job_id, last_try=True)
    for each in (email, second):
        each.refresh_from_db()
        assert (each.status, each.attempts) == ("failed", 2)


def test_each_email_has_its_own_message_id_the_same_on_every_try(mail_server_down, settings):
    email, other = _queue(), _queue(to="kim@example.com")
    assert email.message_id != other.message_id
    with pytest.raises(DeliveryFailed):
        job_deliver(email.job_id, last_try=False)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    job_deliver(email.job_id, last_try=False)
    assert sorted(_message_ids()) == sorted([email.message_id, other.message_id])


def test_an_address_the_server_refuses_fails_alone_and_the_batch_goes_on(smtp, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    smtp.inbox.refuse("nobody@example.com")
    refused, delivered = _queue(to="nobody@example.com"), _queue(to="kim@example.com")
    with pytest.raises(DeliveryFailed):
        job_deliver(refused.job_id, last_try=False)
    refused.refresh_from_db()
    delivered.refresh_from_db()
    assert (refused.status, delivered.status) == ("queued", "sent")
    assert "SMTPRecipientsRefused" in refused.last_error
    assert smtp.inbox.wait_for("kim@example.com", 1)


def test_retries_double_from_a_minute_to_an_hour_apart_for_a_day():
    waits = []
    while (wait := retry_wait(len(waits), setting=RETRY)) is not None:
        waits.append(wait)
    assert waits[:7] == [60, 120, 240, 480, 960, 1920, 3600]
    assert set(waits[7:]) == {3600}
    assert 86400 - 3600 < sum(waits) <= 86400


def test_send_again_queues_a_failed_email_and_refuses_any_other():
    failed = EmailFactory(failed=True)
    email_resend(email=failed)
    failed.refresh_from_db()
    assert (failed.status, failed.last_error) == ("queued", "")
    assert ProcrastinateJob.objects.filter(pk=failed.job_id, status="todo").exists()
    with pytest.raises(NotFailed):
        email_resend(email=EmailFactory(status=Email.Status.SENT))


def test_the_lead_reads_the_mail_page_and_sends_a_failed_email_again(lead_client):
    failed = EmailFactory(failed=True, subject="<b>Planned</b>")
    EmailFactory(status=Email.Status.SENT, subject="Delivered one")
    page = lead_client.get(reverse("mail:mail")).content.decode()
    assert "&lt;b&gt;Planned&lt;/b&gt;" in page and "Delivered one" in page
    assert "1 failed" in page
    only_failed = lead_client.get(reverse("mail:mail"), {"status": "failed"}).content.decode()
    assert "Delivered one" not in only_failed
    assert lead_client.get(reverse("mail:mail"), {"status": "lost"}).status_code == 422
    response = lead_client.post(reverse("mail:email-resend", args=[failed.pk]), follow=True)
    assert "is queued again" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == "queued"


def test_sending_again_what_was_delivered_says_so_and_changes_nothing(lead_client):
    sent = EmailFactory(status=Email.Status.SENT)
    response = lead_client.post(reverse("mail:email-resend", args=[sent.pk]), follow=True)
    assert "is Delivered" in response.content.decode()
    assert not ProcrastinateJob.objects.exists()


def test_an_empty_mail_page_says_so(lead_client):
    assert "No email has been sent yet." in lead_client.get(reverse("mail:mail")).content.decode()


def test_the_mail_page_needs_a_constant_number_of_queries(
    lead_client, django_assert_max_num_queries
):
    EmailFactory.create_batch(60)
    with django_assert_max_num_queries(8):
        lead_client.get(reverse("mail:mail"))


def test_password_reset_goes_through_the_queue_and_its_link_is_never_shown(client, lead_client):
    user = UserFactory(username="sam", email="sam@example.com")
    response = client.post(reverse("password_reset"), {"email": "SAM@example.com"})
    assert response.status_code == 302
    email = Email.objects.get()
    assert email.private and email.event == "Password reset"
    shown = lead_client.get(email.get_absolute_url()).content.decode()
    assert "/accounts/reset/" not in shown and "private link (password reset)" in shown
    job_deliver(email.job_id, last_try=False)
    link = next(
        line for line in django_mail.outbox[0].body.splitlines() if "/accounts/reset/" in line
    )
    email.refresh_from_db()
    assert "/accounts/reset/" not in email.text + email.html
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-long-new-pass-42", "new_password2": "a-long-new-pass-42"},
        follow=True,
    )
    assert "Password set" in done.content.decode()
    user.refresh_from_db()
    assert user.check_password("a-long-new-pass-42")
