"""Marking a task done with a closing note tells the requester once: the news that it is
done, with the note, in one email. Counted at a real SMTP server (aiosmtpd)."""

import pytest
from django.urls import reverse

from backlog.models import Status
from tests.factories import PersonFactory, TaskFactory

pytestmark = pytest.mark.django_db


def _body(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_done_with_a_closing_note_is_one_email_to_the_requester(lead_client, inbox, settings):
    settings.MOPSBOARD_UNDO_SECONDS = 0
    rita = PersonFactory(name="Rita Requester", email="rita@example.com", kind="stakeholder")
    task = TaskFactory(title="Partner webinar page", status=Status.IN_PROGRESS, requester=rita)
    new = reverse("conversation:comment-new", args=[task.pk])
    lead_client.post(new, {"body": "Live at https://example.com/webinar", "close": "on"})
    (email,) = inbox().to("rita@example.com")
    assert "“Partner webinar page” is done." in _body(email)
    assert "wrote: Live at https://example.com/webinar" in _body(email)


def test_a_shared_comment_alone_is_still_told_at_once(lead_client, inbox, settings):
    settings.MOPSBOARD_UNDO_SECONDS = 0
    rita = PersonFactory(name="Rita Requester", email="rita@example.com", kind="stakeholder")
    task = TaskFactory(title="Partner webinar page", status=Status.IN_PROGRESS, requester=rita)
    new = reverse("conversation:comment-new", args=[task.pk])
    lead_client.post(new, {"body": "Which partners are invited?", "shared": "on"})
    (email,) = inbox().to("rita@example.com")
    assert "Which partners are invited?" in _body(email)
