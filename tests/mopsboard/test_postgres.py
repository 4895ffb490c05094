"""mopsboard.postgres reads timestamps with psycopg's compiled loader: the same values
Django's own loader gives, without Django copying its loader onto every cursor. A kept
connection is checked by Django's own health check before a request reuses it."""

import contextlib
import datetime
import os
import resource
import socket
import threading

import pytest
from django.db import connection, connections

from backlog.models import Task
from mopsboard.postgres.base import UtcTimestamptzLoader, base
from tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


def test_a_timestamp_reads_back_as_written_in_utc():
    written = datetime.datetime(
        2026, 3, 29, 1, 30, 0, 123456, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    )
    task = TaskFactory()
    Task.objects.filter(pk=task.pk).update(created_at=written)

    read = Task.objects.values_list("created_at", flat=True).get(pk=task.pk)

    assert read == written
    assert read.tzinfo is datetime.UTC
    assert read.isoformat() == "2026-03-28T23:30:00.123456+00:00"


def test_every_cursor_keeps_the_connections_loader():
    with connection.cursor() as cursor:
        cursor.execute("SELECT timestamptz '2026-11-23 10:00:00+01'")
        (value,) = cursor.fetchone()
        loader = cursor.cursor.adapters.get_loader(base.TIMESTAMPTZ_OID, 0)

    assert loader is UtcTimestamptzLoader
    assert value == datetime.datetime(2026, 11, 23, 9, tzinfo=datetime.UTC)


def test_a_time_zone_other_than_utc_gets_djangos_own_loader_back(settings):
    settings.USE_TZ = False
    connection.__dict__.pop("timezone", None)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT timestamptz '2026-11-23 10:00:00+01'")
            (value,) = cursor.fetchone()
    finally:
        connection.__dict__.pop("timezone", None)

    assert value == datetime.datetime(2026, 11, 23, 9)


class _TcpProxy:
    """Forwards one port to the database, and can vanish: every socket it holds closed at
    once, as a pooler restart or a NAT dropping the connection would do."""

    def __init__(self, target: str | tuple[str, int]):
        self.family = socket.AF_UNIX if isinstance(target, str) else socket.AF_INET
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        with contextlib.suppress(OSError):
            while True:
                client, _ = self.listener.accept()
                server = socket.socket(self.family)
                server.connect(self.target)
                self.sockets += [client, server]
                for source, sink in ((client, server), (server, client)):
                    threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)

    def vanish(self):
        for each in self.sockets:
            with contextlib.suppress(OSError):
                each.shutdown(socket.SHUT_RDWR)
            each.close()
        self.sockets.clear()


def _database_address() -> str | tuple[str, int]:
    """The server's Unix socket (the embedded server's) or its TCP address."""
    host = connection.settings_dict["HOST"] or "/tmp"  # nosec B108 # libpq's own default
    port = int(connection.settings_dict["PORT"] or 5432)
    return f"{host}/.s.PGSQL.{port}" if host.startswith("/") else (host, port)


def test_a_kept_connection_whose_peer_vanished_is_replaced_before_the_next_request(db):
    """CONN_HEALTH_CHECKS: the next request's first query gets a fresh connection, not a 500."""
    proxy = _TcpProxy(_database_address())
    settings_dict = {**connection.settings_dict, "HOST": "127.0.0.1", "PORT": proxy.port}
    kept = type(connections["default"])(settings_dict, alias="through-proxy")
    try:
        kept.ensure_connection()
        kept.close_if_unusable_or_obsolete()  # the end of the request that made it
        proxy.vanish()

        kept.close_if_health_check_failed()  # the next request's first query
        with kept.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
    finally:
        kept.close()


def test_a_connection_on_a_high_file_descriptor_is_checked_too(db):
    """A threaded server with many open connections hands psycopg descriptors past 1024."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1100:
        pytest.skip("this machine allows fewer than 1,100 open files")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1100), hard))
    filler = [os.open(os.devnull, os.O_RDONLY) for _ in range(1030)]
    kept = type(connections["default"])(connection.settings_dict, alias="high-descriptor")
    try:
        kept.ensure_connection()
        assert kept.connection.fileno() >= 1024
        kept.close_if_unusable_or_obsolete()
        kept.close_if_health_check_failed()
        with kept.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
    finally:
        kept.close()
        for descriptor in filler:
            os.close(descriptor)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
