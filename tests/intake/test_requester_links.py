"""A requester's link opens their request only while they are its requester: once the
team changes who a request is from, the old link (and its confirm and answer forms) says
it is no longer theirs, and the new requester's link works."""

import pytest
from django.core import signing
from django.urls import reverse

from backlog.services import task_edit
from conversation.models import Comment
from intake.tracking import TRACKING_SALT, confirm_token, tracking_token
from tests.factories import CommentFactory, PersonFactory, TaskFactory

pytestmark = pytest.mark.django_db

GONE = "This link is no longer yours"


@pytest.fixture
def task():
    rita = PersonFactory(name="Rita Requester", email="rita@example.com", kind="stakeholder")
    task = TaskFactory(title="Partner webinar page", requester=rita, requester_confirmed=True)
    CommentFactory(task=task, body="Which partners are invited?", shared=True)
    return task


def _reassign(task, lead):
    nina = PersonFactory(name="Nina New", email="nina@example.com", kind="stakeholder")
    return task_edit(task=task, version=task.version, by=lead, via="task", requester=nina)


def _page(client, token):
    return client.get(reverse("intake:request", args=[token]))


def _reply(client, token):
    return client.post(reverse("intake:reply", args=[token]), {"body": "Only ACME."})


def test_the_old_requesters_link_no_longer_opens_the_page_nor_answers(client, task, lead):
    old, old_confirm = tracking_token(task), confirm_token(task)
    _reassign(task, lead)
    page = _page(client, old)
    assert page.status_code == 404 and GONE in page.content.decode()
    assert "Which partners are invited?" not in page.content.decode()
    answer = _reply(client, old)
    assert answer.status_code == 404 and GONE in answer.content.decode()
    assert not Comment.objects.filter(requester__isnull=False).exists()
    confirm = client.get(reverse("intake:confirm", args=[old_confirm]))
    assert confirm.status_code == 404 and GONE in confirm.content.decode()


def test_the_new_requesters_link_works(client, task, lead):
    task = _reassign(task, lead)
    new = tracking_token(task)
    assert "Which partners are invited?" in _page(client, new).content.decode()
    assert _reply(client, new).status_code == 303
    assert Comment.objects.get(requester__isnull=False).requester == task.requester
    assert client.get(reverse("intake:confirm", args=[confirm_token(task)])).status_code == 200


def test_a_link_from_before_links_named_the_requester_works_while_they_are_unchanged(
    client, task, lead
):
    # Links already in mailboxes were signed with the task's id alone.
    before = signing.Signer(salt=TRACKING_SALT).sign(str(task.pk))
    assert _page(client, before).status_code == 200
    assert _reply(client, before).status_code == 303
    _reassign(task, lead)
    page = _page(client, before)
    assert page.status_code == 404 and GONE in page.content.decode()
    assert _reply(client, before).status_code == 404
