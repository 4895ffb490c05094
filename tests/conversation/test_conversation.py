"""The conversation on a task, as the team and the requester meet it: comments internal
or shared, the requester's answers from their page, who is emailed, corrections within a
few minutes, and what is refused."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from backlog.models import Status
from conversation.models import Comment
from intake.tracking import tracking_token
from mail.models import Email
from mopsboard.roles import MEMBER
from notifications.models import News, Notification
from people.models import Person
from raci.models import Role
from tests.factories import (
    AssignmentFactory,
    CommentFactory,
    PersonFactory,
    TaskFactory,
    UserFactory,
)
from tests.mopsboard.test_htmx_targets import assert_targets_exist

pytestmark = pytest.mark.django_db


@pytest.fixture
def requester():
    return PersonFactory(name="Rita Requester", email="rita@example.com", kind="stakeholder")


@pytest.fixture
def task(requester):
    return TaskFactory(impact=5, effort=1, title="Partner webinar page", requester=requester)


def _new(task):
    return reverse("conversation:comment-new", args=[task.pk])


def _request_page(client, task):
    return client.get(reverse("intake:request", args=[tracking_token(task)]))


def _reply_url(task):
    return reverse("intake:reply", args=[tracking_token(task)])


def test_a_shared_comment_reaches_the_requester_page_and_the_task_page(lead_client, client, task):
    question = "Which partners are invited? See https://example.com/list"
    response = lead_client.post(_new(task), {"body": question, "shared": "on"})
    assert response.status_code == 302
    assert response.url.endswith(f"{task.get_absolute_url()}#task-comments")
    comment = Comment.objects.get()
    assert (comment.task, comment.shared, comment.author.username) == (task, True, "lead")
    page = lead_client.get(task.get_absolute_url()).content.decode()
    assert "Which partners are invited?" in page and "Shared with the requester" in page
    theirs = _request_page(client, task).content.decode()
    assert "Which partners are invited?" in theirs
    link = "https://example.com/list"
    assert f'<a href="{link}" rel="nofollow">{link}</a>' in theirs


def test_an_internal_comment_never_reaches_the_requester_page(lead_client, client, task):
    lead_client.post(_new(task), {"body": "Rita always asks late; push back."})
    assert Comment.objects.get().shared is False
    assert "Rita always asks late" in lead_client.get(task.get_absolute_url()).content.decode()
    assert "Rita always asks late" not in _request_page(client, task).content.decode()


def test_a_comment_is_plain_text_with_its_links_made_clickable(lead_client, task):
    lead_client.post(_new(task), {"body": "<script>alert(1)</script> www.example.com/brief"})
    page = lead_client.get(task.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<a href="http://www.example.com/brief" rel="nofollow">' in page


def test_over_htmx_the_section_answers_with_the_comment_and_the_history(htmx_client, task):
    page = htmx_client.get(task.get_absolute_url()).content.decode()
    response = htmx_client.post(_new(task), {"body": "Draft is in the shared drive."})
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    html = response.content.decode()
    assert 'id="task-comments"' in html and "Draft is in the shared drive." in html
    # The history, swapped out of band, has the comment in it.
    assert 'id="task-history"' in html and "Internal comment" in html
    assert "<html" not in html
    assert_targets_exist(page, html)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("   ", "Write something first"),
        ("x" * 4001, "at most 4000 characters"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_an_empty_or_too_long_comment_is_refused_beside_its_field(
    lead_client, task, body, message, htmx
):
    headers = {"HX-Request": "true"} if htmx else {}
    response = lead_client.post(_new(task), {"body": body, "shared": "on"}, headers=headers)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    # Beside the field: in the same wrapper as the text area, which says it is invalid.
    field = html[html.index(message) - 600 : html.index(message) + 600]
    assert 'name="body"' in field and 'aria-invalid="true"' in field
    assert not Comment.objects.exists()


def test_a_viewer_reads_the_conversation_but_cannot_take_part(viewer_client, task):
    CommentFactory(task=task, body="Internal note for the team")
    page = viewer_client.get(task.get_absolute_url()).content.decode()
    assert "Internal note for the team" in page
    assert reverse("conversation:comment-new", args=[task.pk]) not in page
    assert viewer_client.post(_new(task), {"body": "Me too"}).status_code == 403
    assert Comment.objects.count() == 1


def test_its_author_corrects_a_comment_within_the_minutes_allowed(member_client, member, task):
    comment = CommentFactory(task=task, author=member, body="Due Fridya")
    url = reverse("conversation:comment-edit", args=[task.pk, comment.pk])
    page = member_client.get(task.get_absolute_url()).content.decode()
    assert url in page
    form = member_client.get(url, headers={"HX-Request": "true"})
    assert form.status_code == 200 and "Save the correction" in form.content.decode()
    assert member_client.post(url, {"body": "Due Friday"}).status_code == 302
    comment.refresh_from_db()
    assert (comment.body, comment.edited_at is not None) == ("Due Friday", True)
    history = member_client.get(task.get_absolute_url()).content.decode()
    assert "Internal comment edited" in history and "<del>Due Fridya</del>" in history


@pytest.mark.parametrize("htmx", [False, True])
def test_a_comment_is_kept_as_written_once_its_minutes_have_passed(
    member_client, member, task, settings, htmx
):
    late = timezone.now() - datetime.timedelta(minutes=settings.MOPSBOARD_COMMENT_EDIT_MINUTES + 1)
    comment = CommentFactory(task=task, author=member, body="Due Fridya", created_at=late)
    url = reverse("conversation:comment-edit", args=[task.pk, comment.pk])
    assert url not in member_client.get(task.get_absolute_url()).content.decode()
    headers = {"HX-Request": "true"} if htmx else {}
    response = member_client.post(url, {"body": "Due Friday"}, headers=headers)
    assert response.status_code == 409
    assert "can no longer be changed" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Due Fridya"


def test_nobody_corrects_another_persons_comment(lead_client, member, task):
    comment = CommentFactory(task=task, author=member, body="Mine")
    url = reverse("conversation:comment-edit", args=[task.pk, comment.pk])
    assert lead_client.post(url, {"body": "Yours now"}).status_code == 409
    comment.refresh_from_db()
    assert comment.body == "Mine"


def test_the_requester_answers_from_their_page_and_the_owners_hear_it(
    client, lead_client, task, run_tell_jobs
):
    # Ann has no account: she is outside the team, and a requester's words reach her only
    # once the team shares them.
    accountable = PersonFactory(name="Ann Accountable", email="ann@example.com")
    responsible = PersonFactory(
        name="Rob Responsible", email="rob@example.com", user=UserFactory(role=MEMBER)
    )
    informed = PersonFactory(name="Ivy Informed", email="ivy@example.com")
    AssignmentFactory(task=task, person=accountable, role=Role.ACCOUNTABLE)
    AssignmentFactory(task=task, person=responsible, role=Role.RESPONSIBLE)
    AssignmentFactory(task=task, person=informed, role=Role.INFORMED)
    page = _request_page(client, task)
    assert page["Referrer-Policy"] == "same-origin"
    assert _reply_url(task) in page.content.decode()
    response = client.post(_reply_url(task), {"body": "All partners of the EMEA program."})
    assert response.status_code == 303
    assert response.url == reverse("intake:request", args=[tracking_token(task)])
    reply = Comment.objects.get()
    assert (reply.requester, reply.author, reply.shared) == (task.requester, None, True)
    assert "All partners of the EMEA program." in _request_page(client, task).content.decode()
    on_task = lead_client.get(task.get_absolute_url()).content.decode()
    assert "All partners of the EMEA program." in on_task
    assert "Reply from the requester by <strong>Rita Requester</strong>" in on_task
    run_tell_jobs()
    told = {email.to: email for email in Email.objects.all()}
    assert set(told) == {"rob@example.com"}
    assert "All partners of the EMEA program." in told["rob@example.com"].text
    # The team answers on the task's page.
    assert task.get_absolute_url() in told["rob@example.com"].text


def test_a_shared_comment_is_emailed_as_each_chose_and_an_internal_one_never(
    lead_client, lead, task, requester, run_tell_jobs
):
    informed = PersonFactory(name="Ivy Informed", email="ivy@example.com")
    digest = PersonFactory(name="Dan Digest", email="dan@example.com", notify=Person.Notify.DAILY)
    quiet = PersonFactory(name="Nina Never", email="nina@example.com", notify=Person.Notify.NEVER)
    for person in (informed, digest, quiet):
        AssignmentFactory(task=task, person=person, role=Role.INFORMED)
    lead_client.post(_new(task), {"body": "Internal: the budget is tight."})
    lead_client.post(_new(task), {"body": "Could you send the partner list?", "shared": "on"})
    run_tell_jobs()
    emails = {email.to: email.text for email in Email.objects.all()}
    assert set(emails) == {"rita@example.com", "ivy@example.com"}
    assert all("Could you send the partner list?" in text for text in emails.values())
    assert not any("budget" in text for text in emails.values())
    waiting = Notification.objects.for_digest().get()
    assert (waiting.person, waiting.news) == (digest, News.COMMENT)
    assert "budget" not in " ".join(Notification.objects.values_list("text", flat=True))


def test_the_requester_answer_is_refused_past_its_rate_limit(client, task, settings):
    settings.MOPSBOARD_REPLIES_PER_REQUEST_HOUR = 2
    url = _reply_url(task)
    statuses = [client.post(url, {"body": f"Answer {n}"}).status_code for n in range(3)]
    assert statuses == [303, 303, 429]
    assert Comment.objects.count() == 2


def test_the_requester_answers_from_one_network_are_limited_too(client, settings):
    settings.MOPSBOARD_INTAKE_PER_IP_HOUR = 1
    first, second = TaskFactory(), TaskFactory()
    assert client.post(_reply_url(first), {"body": "Yes"}).status_code == 303
    refused = client.post(_reply_url(second), {"body": "Yes"})
    assert refused.status_code == 429 and "Retry-After" in refused
    assert Comment.objects.count() == 1


def test_an_answer_through_a_forged_link_is_refused(client, task):
    forged = tracking_token(task)[:-2] + "xx"
    response = client.post(reverse("intake:reply", args=[forged]), {"body": "Hello"})
    assert response.status_code == 404
    assert "does not work" in response.content.decode()
    other = reverse("intake:reply", args=[tracking_token(TaskFactory())[:-1]])
    assert client.post(other, {"body": "Hello"}).status_code == 404
    assert not Comment.objects.exists()


def test_an_answer_to_a_request_gone_is_refused(client, task):
    url = _reply_url(task)
    task.delete()
    response = client.post(url, {"body": "Hello"})
    assert response.status_code == 404
    assert "removed this request" in response.content.decode()
    assert not Comment.objects.exists()


def test_an_unconfirmed_request_cannot_be_answered_until_confirmed(client, requester):
    task = TaskFactory(unscored=True, requester=requester, requester_confirmed=False)
    page = _request_page(client, task).content.decode()
    assert _reply_url(task) not in page and "first confirm the request" in page
    assert client.post(_reply_url(task), {"body": "It's me"}).status_code == 404
    assert not Comment.objects.exists()


def test_an_empty_answer_is_refused_beside_its_field(client, task):
    response = client.post(_reply_url(task), {"body": ""})
    assert response.status_code == 422
    assert "Write something first" in response.content.decode()
    assert not Comment.objects.exists()


def test_done_with_a_closing_note_the_requester_reads(lead_client, client, task, run_tell_jobs):
    task.status = Status.IN_PROGRESS
    task.save()
    lead_client.post(_new(task), {"body": "Live at https://example.com/webinar", "close": "on"})
    task.refresh_from_db()
    assert task.status == Status.DONE
    assert Comment.objects.get().shared
    page = _request_page(client, task).content.decode()
    assert "The team has finished it." in page and "Live at" in page
    run_tell_jobs()
    rita = " ".join(Email.objects.filter(to="rita@example.com").values_list("text", flat=True))
    assert "is done" in rita and "Live at https://example.com/webinar" in rita


def test_the_task_page_reads_its_comments_in_a_constant_number_of_queries(
    lead_client, task, django_assert_max_num_queries
):
    authors = [UserFactory(role=MEMBER) for _ in range(3)]
    for user in authors:
        PersonFactory(user=user)

    def page_queries(count):
        for n in range(count):
            CommentFactory(task=task, author=authors[n % 3], shared=n % 2 == 0)
        with django_assert_max_num_queries(40) as captured:
            assert lead_client.get(task.get_absolute_url()).status_code == 200
        return len(captured)

    one = page_queries(1)
    assert page_queries(49) == one
    assert Comment.objects.count() == 50
