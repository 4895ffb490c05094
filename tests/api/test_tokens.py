"""Personal API tokens: made on a person's own page and shown once, stored hashed, named,
read or read-write, "last used" kept; revoked, a token opens nothing. Also the
`api_token` command, the rate limit per token, and the answers without a good token."""

import datetime
import io

import ninja.main
import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken, Scope, token_digest
from api.v1 import api
from tests.api.conftest import ApiClient
from tests.factories import ApiTokenFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKENS = reverse("api:tokens")


@pytest.mark.parametrize("role", ["viewer", "member", "lead"])
def test_every_role_makes_its_own_token_shown_once_and_stored_hashed(client, role):
    user = UserFactory(username=role, role=role)
    client.force_login(user)
    response = client.post(TOKENS, {"name": " CRM sync ", "scope": "read"})
    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    key = response.context["made"]["key"]
    assert key.startswith("mops_") and key in response.content.decode()
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.scope) == (user, "CRM sync", Scope.READ)
    assert token.digest == token_digest(key) and key not in str(token.__dict__.values())
    # The page again: the token is listed by its first characters, never whole.
    page = client.get(TOKENS).content.decode()
    assert token.prefix in page and key not in page


def test_a_token_without_a_name_is_not_made(lead_client):
    response = lead_client.post(TOKENS, {"name": "", "scope": "read"})
    assert response.status_code == 422
    assert not ApiToken.objects.exists()


def test_a_revoked_token_is_refused(lead_client, lead):
    token = ApiTokenFactory(user=lead)
    api = ApiClient(token)
    assert api.get("/api/v1/tasks").status_code == 200
    response = lead_client.post(reverse("api:token-revoke", args=[token.pk]))
    assert response.status_code == 302
    response = api.get("/api/v1/tasks")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_nobody_revokes_someone_elses_token(member_client):
    token = ApiTokenFactory()
    response = member_client.post(reverse("api:token-revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_last_used_is_kept_without_a_write_on_every_request(lead):
    token = ApiTokenFactory(user=lead)
    api = ApiClient(token)
    api.get("/api/v1/people")
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    api.get("/api/v1/people")
    assert ApiToken.objects.get().last_used_at == first
    ApiToken.objects.update(last_used_at=timezone.now() - datetime.timedelta(minutes=2))
    api.get("/api/v1/people")
    assert ApiToken.objects.get().last_used_at > first


def test_no_token_a_wrong_one_or_a_session_gets_401(lead_client, lead):
    for client in (Client(), lead_client, Client(headers={"Authorization": "Bearer mops_guess"})):
        response = client.get("/api/v1/tasks")
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert response.json()["status"] == 401


def test_a_deactivated_users_token_opens_nothing(lead):
    token = ApiTokenFactory(user=lead)
    lead.is_active = False
    lead.save()
    assert ApiClient(token).get("/api/v1/tasks").status_code == 401


def test_past_the_rate_limit_a_token_waits(lead, settings):
    settings.MOPSBOARD_API_RATE_LIMIT = 3
    api = ApiClient(ApiTokenFactory(user=lead))
    assert [api.get("/api/v1/people").status_code for _ in range(3)] == [200] * 3
    response = api.get("/api/v1/people")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert 1 <= int(response["Retry-After"]) <= 60
    # Another token of the same person counts on its own.
    assert ApiClient(ApiTokenFactory(user=lead)).get("/api/v1/people").status_code == 200


def test_while_the_database_is_away_the_api_answers_a_problem_to_try_again(
    lead, monkeypatch, new_outage, capfd
):
    def database_gone(key):
        raise OperationalError("server closed the connection unexpectedly")

    api = ApiClient(ApiTokenFactory(user=lead))
    monkeypatch.setattr(ApiToken.objects, "holding", database_gone)
    for _ in range(3):
        response = api.get("/api/v1/tasks")
        assert response.status_code == 503
        assert response["Content-Type"] == "application/problem+json"
        assert response["Retry-After"] == "30"
        assert response.json()["status"] == 503
    # Logged once for the outage, with its traceback, not once a request.
    err = capfd.readouterr().err
    assert err.count(" ERROR ") == 1
    assert err.count("Traceback (most recent call last)") == 1


def test_the_api_token_command_prints_a_working_token(lead):
    out = io.StringIO()
    call_command("api_token", "lead", "--name", "Form tool", stdout=out)
    key = out.getvalue().strip()
    token = ApiToken.objects.get(digest=token_digest(key))
    assert (token.name, token.scope) == ("Form tool", Scope.READ_WRITE)
    call_command("api_token", "lead", "--name", "Reports", "--read-only", stdout=io.StringIO())
    assert ApiToken.objects.get(name="Reports").scope == Scope.READ
    task = TaskFactory()
    response = Client(headers={"Authorization": f"Bearer {key}"}).get(f"/api/v1/tasks/{task.pk}")
    assert response.status_code == 200
    with pytest.raises(CommandError, match="No active user"):
        call_command("api_token", "nobody", "--name", "x")
    with pytest.raises(CommandError, match="at most 120 characters"):
        call_command("api_token", "lead", "--name", "x" * 200)


def test_changes_made_with_a_token_are_its_persons_in_the_history(lead):
    task = TaskFactory()
    ApiClient(ApiTokenFactory(user=lead)).send(
        "post", f"/api/v1/tasks/{task.pk}/status", {"status": "done"}, **{"If-Match": '"1"'}
    )
    context = task.events.last().pgh_context.metadata
    assert (context["user"], context["via"]) == (lead.pk, "api")


def test_the_schema_and_the_reference_page_are_open_to_read(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/tasks/{task_id}/raci/{person_id}" in schema["paths"]
    page = client.get("/api/v1/").content.decode()
    assert "PATCH /api/v1/tasks/{task_id}" in page
    assert "If-Match" in page


def test_the_schema_is_built_once_a_process_and_each_reader_gets_its_own_copy(client, monkeypatch):
    built = []
    build = ninja.main.get_schema
    monkeypatch.setattr(ninja.main, "get_schema", lambda **kw: built.append(1) or build(**kw))
    monkeypatch.setattr(api, "_schemas", {})
    for _ in range(3):
        assert client.get("/api/v1/openapi.json").status_code == 200
        assert client.get("/api/v1/").status_code == 200
    assert len(built) == 1
    mine = api.get_openapi_schema()
    mine["paths"].clear()
    assert api.get_openapi_schema()["paths"]


def test_the_reference_page_shows_code_in_descriptions_as_code_not_backticks(client):
    page = client.get("/api/v1/").content.decode()
    assert "follow <code>next</code> until it is null" in page
    assert "`" not in page
