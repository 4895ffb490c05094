"""Roles on the backlog beyond the URL walk (tests/test_permissions.py), and every htmx
POST needs its CSRF token."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


def test_member_edits_but_does_not_delete(member_client):
    task = TaskFactory(impact=5, effort=1)
    assert member_client.post(reverse("backlog:task-delete", args=[task.pk])).status_code == 403
    response = member_client.post(
        reverse("backlog:task-action", args=[task.pk, "status"]),
        {"status": "in_progress", "version": 1},
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
    url = reverse("backlog:triage-action", args=[task.pk, "score"])
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
        reverse("backlog:board-action"),
        {"task": task.pk, "action": "move", "quadrant": "money-pit", "version": 1},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/board/?q=crm"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=/board/%3Fq%3Dcrm"
