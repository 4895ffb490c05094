"""Nobody changes what their role doesn't allow, and every htmx POST needs its CSRF token."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from backlog.models import Task, new_year_after
from tests.factories import TaskFactory

pytestmark = pytest.mark.django_db

NEW_YEAR = new_year_after(datetime.date.today()).isoformat()


def mutating_requests(task):
    """Every URL that changes data, with a POST body that would succeed for the lead."""
    return [
        (reverse("backlog:task-new"), {"title": "Sneaky request"}),
        (task.get_absolute_url(), {"title": "Renamed", "impact": 1, "effort": 1, "version": 1}),
        (reverse("backlog:card-move"), {"task": task.pk, "quadrant": "money-pit", "version": 1}),
        (reverse("backlog:task-status", args=[task.pk]), {"status": "done", "version": 1}),
        (reverse("backlog:task-defer", args=[task.pk]), {"until": NEW_YEAR, "version": 1}),
        (reverse("backlog:task-decline", args=[task.pk]), {"reason": "No", "version": 1}),
        (reverse("backlog:task-delete", args=[task.pk]), {}),
        (reverse("backlog:triage-score", args=[task.pk]), {"impact": 1, "effort": 5, "version": 1}),
        (reverse("backlog:triage-defer", args=[task.pk]), {"until": NEW_YEAR, "version": 1}),
        (reverse("backlog:triage-decline", args=[task.pk]), {"reason": "No", "version": 1}),
    ]


def assert_unchanged(task):
    stored = Task.objects.filter(pk=task.pk).values(
        "title", "impact", "effort", "status", "version"
    )
    assert list(stored) == [
        {"title": task.title, "impact": 5, "effort": 1, "status": "backlog", "version": 1}
    ]
    assert Task.objects.count() == 1


@pytest.mark.parametrize("index", range(10))
def test_anonymous_is_sent_to_log_in_and_nothing_changes(client, index):
    task = TaskFactory(impact=5, effort=1)
    url, data = mutating_requests(task)[index]
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert_unchanged(task)


@pytest.mark.parametrize("index", range(10))
def test_viewer_is_refused_and_nothing_changes(viewer_client, index):
    task = TaskFactory(impact=5, effort=1)
    url, data = mutating_requests(task)[index]
    response = viewer_client.post(url, data)
    assert response.status_code == 403
    assert_unchanged(task)


def test_member_edits_but_does_not_delete(member_client):
    task = TaskFactory(impact=5, effort=1)
    assert member_client.post(reverse("backlog:task-delete", args=[task.pk])).status_code == 403
    response = member_client.post(
        reverse("backlog:task-status", args=[task.pk]), {"status": "in_progress", "version": 1}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "in_progress"


def test_viewer_reads_every_page(viewer_client):
    task = TaskFactory()
    for url in (
        reverse("backlog:board"),
        reverse("backlog:scatter"),
        reverse("backlog:triage"),
        reverse("backlog:quadrant", args=["quick-win"]),
        task.get_absolute_url(),
        reverse("backlog:task-export"),
    ):
        assert viewer_client.get(url).status_code == 200, url
    assert "Move…" not in viewer_client.get(reverse("backlog:board")).content.decode()


def test_pages_need_a_login(client):
    response = client.get(reverse("backlog:board"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_htmx_post_without_csrf_token_is_refused(lead):
    task = TaskFactory(unscored=True)
    client = Client(enforce_csrf_checks=True, headers={"HX-Request": "true"})
    client.force_login(lead)
    url = reverse("backlog:triage-score", args=[task.pk])
    data = {"impact": 4, "effort": 2, "version": 1}
    assert client.post(url, data).status_code == 403
    task.refresh_from_db()
    assert task.impact is None

    client.get(reverse("backlog:triage"))  # sets the CSRF cookie, as the page does
    token = client.cookies["csrftoken"].value
    assert client.post(url, data, headers={"X-CSRFToken": token}).status_code == 200


def test_the_page_puts_the_csrf_token_on_every_htmx_request(lead_client):
    body = lead_client.get(reverse("backlog:board")).content.decode()
    assert '<body hx-headers=\'{"X-CSRFToken": "' in body


def test_htmx_request_after_the_session_ends_logs_in_back_to_the_page(client):
    task = TaskFactory()
    response = client.post(
        reverse("backlog:card-move"),
        {"task": task.pk, "quadrant": "money-pit", "version": 1},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/board/?q=crm"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=/board/%3Fq%3Dcrm"


def test_a_user_without_a_role_reads_nothing(db):
    from tests.conftest import _logged_in
    from tests.factories import UserFactory

    client = _logged_in(UserFactory(username="new-hire"))
    task = TaskFactory()
    for url in (
        reverse("backlog:board"),
        reverse("backlog:triage"),
        reverse("backlog:scatter"),
        task.get_absolute_url(),
        reverse("backlog:task-export"),
    ):
        assert client.get(url).status_code == 403, url
