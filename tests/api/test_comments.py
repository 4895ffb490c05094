"""A task's comments through the API: the team reads them all, each marked internal or
shared; the requester's view (`shared=true`) never holds an internal one."""

import pytest

from tests.factories import CommentFactory, PersonFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation():
    requester = PersonFactory(name="Rita Requester")
    task = TaskFactory(requester=requester)
    CommentFactory(task=task, body="Which partners?", shared=True)
    CommentFactory(task=task, body="Internal: the list is a mess.")
    CommentFactory(task=task, author=None, requester=requester, body="EMEA only.", shared=True)
    return task


def test_a_token_reads_every_comment_marked_internal_or_shared(api_as, conversation):
    response = api_as("viewer").get(f"/api/v1/tasks/{conversation.pk}/comments")
    assert response.status_code == 200
    assert [(c["body"], c["shared"], c["from_requester"]) for c in response.json()] == [
        ("Which partners?", True, False),
        ("Internal: the list is a mess.", False, False),
        ("EMEA only.", True, True),
    ]
    assert response.json()[2]["writer"] == "Rita Requester"


def test_the_requesters_view_never_holds_an_internal_comment(api_as, conversation):
    response = api_as("lead").get(f"/api/v1/tasks/{conversation.pk}/comments", {"shared": "true"})
    assert response.status_code == 200
    bodies = [comment["body"] for comment in response.json()]
    assert bodies == ["Which partners?", "EMEA only."]
    assert "Internal" not in response.content.decode()


def test_the_comments_of_a_task_gone_are_not_found(api_as):
    assert api_as("member").get("/api/v1/tasks/999999/comments").status_code == 404
