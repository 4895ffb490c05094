"""mopsboard.postgres reads timestamps with psycopg's compiled loader: the same values
Django's own loader gives, without Django copying its loader onto every cursor."""

import datetime

import pytest
from django.db import connection

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
