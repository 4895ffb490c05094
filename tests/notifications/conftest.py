"""The notifications tests' inbox: the news waiting told and its mail delivered to a real
SMTP server (aiosmtpd), as the queue's workers would."""

import pytest

from mail.models import Email
from mail.tasks import job_deliver
from mopsboard.jobs import jobs_run
from notifications.tasks import QUEUE as NOTIFICATIONS


@pytest.fixture
def inbox(smtp, settings):
    """Tell the news waiting and deliver the mail it queued to a real SMTP server, as the
    workers would; the server's inbox."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port

    def deliver():
        jobs_run(queue=NOTIFICATIONS)
        queued = Email.objects.filter(status=Email.Status.QUEUED)
        for job_id in set(queued.values_list("job_id", flat=True)):
            job_deliver(job_id, last_try=False)
        return smtp.inbox

    return deliver
