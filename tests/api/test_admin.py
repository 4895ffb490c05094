"""API tokens in Django's admin: renamed or revoked there, never revived, widened or shown."""

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken, Scope
from tests.api.conftest import ApiClient
from tests.factories import ApiTokenFactory, TaskFactory

pytestmark = pytest.mark.django_db


def _change(lead_admin_client, token, **fields):
    form = {"name": token.name, "scope": token.scope, "revoked_at_0": "", "revoked_at_1": ""}
    return lead_admin_client.post(
        reverse("admin:api_apitoken_change", args=[token.pk]), {**form, **fields}
    )


def test_a_revoked_token_is_not_revived(lead_admin_client, lead):
    token = ApiTokenFactory(user=lead, revoked_at=timezone.now())
    response = _change(lead_admin_client, token, name="Revived", scope=Scope.READ_WRITE)
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.name == "Revived"
    assert token.revoked_at is not None
    assert ApiClient(token).get("/api/v1/tasks").status_code == 401


def test_a_read_only_token_is_not_widened(lead_admin_client, lead):
    token = ApiTokenFactory(user=lead, scope=Scope.READ)
    response = _change(lead_admin_client, token, scope=Scope.READ_WRITE)
    assert response.status_code == 302
    assert ApiToken.objects.get().scope == Scope.READ
    task = TaskFactory()
    response = ApiClient(token).send("patch", f"/api/v1/tasks/{task.pk}", {"impact": 5})
    assert response.status_code == 403


def test_the_admin_revokes_a_token(lead_admin_client, lead):
    token = ApiTokenFactory(user=lead)
    response = lead_admin_client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    assert ApiClient(token).get("/api/v1/tasks").status_code == 401


def test_neither_the_key_nor_its_hash_is_shown(lead_admin_client, lead):
    token = ApiTokenFactory(user=lead)
    for url in (
        reverse("admin:api_apitoken_changelist"),
        reverse("admin:api_apitoken_change", args=[token.pk]),
    ):
        page = lead_admin_client.get(url).content.decode()
        assert token.prefix in page
        assert token.key not in page and token.digest not in page, url
