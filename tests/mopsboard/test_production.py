"""What an IT review checks: throttled logins, logged errors with a request id, security
headers, a 503 while the database is away, health checks, no password reset without
mail, idle sessions, backups that restore."""

import datetime
import gc
import subprocess
import sys
import time

import psycopg
import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path, reverse
from django.utils import timezone

from mopsboard.backups import dump, restore
from people.models import Person
from tests.factories import (
    AssignmentFactory,
    PersonFactory,
    ShareLinkFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def boom(request):
    raise ValueError("a fault in a view")


def database_gone(request):
    raise OperationalError("server closed the connection unexpectedly")


def fine(request):
    return HttpResponse("fine")


urlpatterns = [
    path("boom/", boom),
    path("database-gone/", database_gone),
    path("fine/", fine),
    path("", include("mopsboard.urls")),
]
handler500 = "mopsboard.views.server_error"


def log_in(client, username, password, url="/accounts/login/"):
    return client.post(url, {"username": username, "password": password})


def test_the_sixth_wrong_password_locks_even_the_right_one_out_until_the_window_ends(lead):
    client = Client()
    for _ in range(4):
        assert log_in(client, "lead", "wrong").status_code == 200
    assert log_in(client, "lead", "wrong").status_code == 429  # the fifth locks
    response = log_in(client, "lead", PASSWORD)
    assert response.status_code == 429
    assert "Too many wrong passwords" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another username from the same address is not locked.
    UserFactory(username="member", role="member")
    assert log_in(Client(), "member", PASSWORD).status_code == 302

    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert log_in(client, "lead", PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_too(lead):
    client = Client()
    for _ in range(5):
        log_in(client, "lead", "wrong", url="/admin/login/")
    assert log_in(client, "lead", PASSWORD, url="/admin/login/").status_code == 429


def test_the_lead_unlocks_from_the_admin(lead):
    for _ in range(5):
        log_in(Client(), "lead", "wrong")
    assert AccessAttempt.objects.filter(username="lead").exists()
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    assert client.get("/admin/axes/accessattempt/").status_code == 200


@pytest.mark.urls(__name__)
def test_a_500_logs_one_traceback_with_its_request_id(capfd):
    client = Client(raise_request_exception=False)
    response = client.get("/boom/", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 500
    assert response["X-Request-ID"] == "req-42"
    assert "req-42" in response.content.decode()  # the reference the person can quote
    err = capfd.readouterr().err
    assert err.count("Traceback (most recent call last)") == 1
    assert "[req-42 user=-]" in err
    assert "ValueError: a fault in a view" in err


@pytest.mark.urls(__name__)
def test_an_unreadable_request_id_is_replaced():
    response = Client().get("/fine/", headers={"X-Request-ID": "two words\r\nInjected: 1"})
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.urls(__name__)
def test_a_database_outage_is_a_503_to_try_again(capfd):
    client = Client(raise_request_exception=False)
    for _ in range(3):
        response = client.get("/database-gone/")
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert "briefly unavailable" in response.content.decode()
    # Logged once for the outage, not once a request.
    assert capfd.readouterr().err.count("Traceback (most recent call last)") == 1


def test_readyz_says_the_database_is_away_and_logs_it_once_for_the_outage(
    client, monkeypatch, new_outage, capfd
):
    def database_gone(connection):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("mopsboard.views.MigrationExecutor", database_gone)
    for _ in range(3):
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.content == b"database unreachable"
    assert capfd.readouterr().err.count("ERROR") == 1


def test_the_worker_check_says_when_no_queue_worker_has_reported_in(client):
    assert client.get("/healthz/worker").status_code == 503
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM procrastinate_register_worker_v1()")
        worker_id = cursor.fetchone()[0]
    response = client.get("/healthz/worker")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '31 s' "
            "WHERE id = %s",
            [worker_id],
        )
    response = client.get("/healthz/worker")
    assert response.status_code == 503
    assert response.content == b"no queue worker has reported in for 30 s"


def test_a_connection_the_server_ended_is_replaced_before_a_request_uses_it(db):
    """What CONN_HEALTH_CHECKS does between requests: Django's own check replaces it."""
    kept = connections.create_connection(DEFAULT_DB_ALIAS)
    kept.ensure_connection()
    try:
        assert kept.is_usable()
        kept.close_if_unusable_or_obsolete()  # the end of the request that made it
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [kept.connection.info.backend_pid])
        deadline = time.monotonic() + 10
        while kept.is_usable() and time.monotonic() < deadline:
            time.sleep(0.01)
        # The next request's first query: the dead connection is closed, a new one made.
        kept.close_if_health_check_failed()
        assert kept.connection is None
        with kept.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
    finally:
        kept.close()


def test_health_checks_need_no_login_and_no_session(client):
    for url in ("/healthz", "/readyz"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "sessionid" not in response.cookies


def test_every_page_has_a_content_security_policy_without_inline_code(lead_client):
    for url in ("/board/", "/accounts/login/", "/raci/"):
        response = lead_client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, url
        assert "unsafe" not in policy
        assert response["Permissions-Policy"].startswith("camera=()")
    body = lead_client.get("/board/").content.decode()
    assert 'style="' not in body and "<script>" not in body
    assert '"allowEval": false' in body


def test_signed_in_pages_and_fragments_are_not_kept_by_shared_caches(lead_client):
    for headers in ({}, {"HX-Request": "true"}):
        response = lead_client.get("/board/", headers=headers)
        assert "private" in response["Cache-Control"]
        assert "no-cache" in response["Cache-Control"]


def test_the_csrf_cookie_is_not_readable_by_scripts(client):
    response = client.get("/accounts/login/")
    assert response.cookies["csrftoken"]["httponly"]


def test_a_session_lasts_its_idle_limit_from_the_last_request(lead_client, settings):
    lead_client.get("/board/")
    session = lead_client.session
    assert session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 12 * 3600


def test_a_session_past_its_expiry_signs_nobody_in(lead_client):
    assert lead_client.get("/board/").status_code == 200
    Session.objects.filter(pk=lead_client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = lead_client.get("/board/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unknown_session_key_is_forgotten_not_kept(client):
    client.cookies["sessionid"] = "forged-or-long-gone"
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert not Session.objects.filter(pk="forged-or-long-gone").exists()


def test_password_reset_is_off_without_mail_and_the_login_page_says_whom_to_ask(client, settings):
    settings.MOPSBOARD_EMAIL_ENABLED = False
    assert client.get("/accounts/password_reset/").status_code == 404
    assert "Ask your team lead to set a new one." in client.get(reverse("login")).content.decode()


def test_a_share_link_names_only_people_on_its_tasks(client):
    on_task = AssignmentFactory(person=PersonFactory(name="Sam On-Task")).person
    outsider = PersonFactory(name="Olive Outsider", kind=Person.Kind.STAKEHOLDER)
    link = ShareLinkFactory()
    shown = client.get(link.get_absolute_url(), {"person": outsider.pk}).content.decode()
    assert "Olive Outsider" not in shown
    shown = client.get(link.get_absolute_url(), {"person": on_task.pk}).content.decode()
    assert "Sam On-Task" in shown


CHECKSUMS = """
    SELECT (SELECT count(*) FROM backlog_task),
           (SELECT md5(string_agg(t::text, '|' ORDER BY t.id)) FROM backlog_task t),
           (SELECT count(*) FROM raci_assignment),
           (SELECT md5(string_agg(a::text, '|' ORDER BY a.id)) FROM raci_assignment a),
           (SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'pgtrigger_%%')
"""


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_fresh_database_with_its_history_triggers(tmp_path):
    for n in range(5):
        AssignmentFactory(task=TaskFactory(title=f"Backed up {n}"))
    with connection.cursor() as cursor:
        cursor.execute(CHECKSUMS)
        before = cursor.fetchone()
    backup = dump(
        connection.settings_dict, tmp_path / "drill.dump", server_version=connection.pg_version
    )
    fresh = f"{connection.settings_dict['NAME']}_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        cursor.execute(f'CREATE DATABASE "{fresh}"')
    try:
        restore(
            {**connection.settings_dict, "NAME": fresh},
            backup,
            server_version=connection.pg_version,
        )
        params = connection.get_connection_params()
        params["dbname"] = fresh
        with psycopg.connect(**params) as restored:
            after = restored.execute(CHECKSUMS.replace("%%", "%")).fetchone()
        assert after == before
        assert before[0] == before[2] == 5 and before[4] > 0
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}"')


def _loaded(code: str) -> list[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    ).stdout.split()


def test_an_app_server_keeps_what_it_loads_at_start_out_of_the_garbage_collector():
    """gunicorn.conf.py: once a worker has loaded the app, every view, then the collector tuned."""
    loaded = _loaded(
        "import gc, runpy, sys, mopsboard.wsgi; "
        "runpy.run_path('gunicorn.conf.py')['post_worker_init'](None); "
        "print(gc.get_freeze_count(), gc.get_threshold()[0], 'api.task_routes' in sys.modules)"
    )
    assert int(loaded[0]) > 50_000
    assert loaded[1:] == ["20000", "True"]


def test_the_wsgi_module_alone_leaves_python_as_it_is():
    """runserver, the tests and any other WSGI server run plain Python."""
    loaded = _loaded(
        "import gc, mopsboard.wsgi; print(gc.get_freeze_count(), gc.get_threshold()[0])"
    )
    assert loaded == ["0", str(gc.get_threshold()[0])]
