"""Django's PostgreSQL backend, reading timestamps with psycopg's compiled loader.

Django reads every timestamptz through a loader of its own, a subclass of psycopg's
pure-Python one, so that each value carries Django's time zone. With USE_TZ the
connection's own time zone is UTC (Django sets it), and psycopg's compiled loader already
gives `datetime.timezone.utc` for it: the same values, several times faster on pages that
list many tasks (bench/README.md). The compiled loader cannot be subclassed, so
`UtcTimestamptzLoader` stands in for it with the `timezone` Django compares before using
its own. Should the two time zones ever differ (USE_TZ off, or a database's TIME_ZONE),
Django puts its own loader back on every cursor, as before.
"""

import datetime

from django.db.backends.postgresql import base
from psycopg import adapters
from psycopg.pq import Format

COMPILED_LOADER = adapters.get_loader(base.TIMESTAMPTZ_OID, Format.TEXT)


class UtcTimestamptzLoader:
    """psycopg's compiled timestamptz loader, for a connection whose time zone is UTC."""

    format = Format.TEXT
    timezone = datetime.UTC

    def __new__(cls, oid, context=None):
        return COMPILED_LOADER(oid, context)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        connection.adapters.register_loader(base.TIMESTAMPTZ_OID, UtcTimestamptzLoader)
        return connection
