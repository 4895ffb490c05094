"""Django's PostgreSQL backend, less two costs paid on every request.

With CONN_HEALTH_CHECKS, Django checks that a connection kept from an earlier request still
works before the request's first query, by running `SELECT 1`: a round trip on every
request, which cost 0.5 ms here whenever the app and the database sat on different CPUs
(bench/README.md). This backend looks at the connection's socket instead. A connection
that is idle between requests has nothing to read; one the server has ended (restarted,
shut down, or the backend terminated) has its goodbye or the end of the stream to read.
Either way, anything to read means the connection is replaced, as a failed SELECT 1 would.

Django reads every timestamptz through a loader of its own, a subclass of psycopg's
pure-Python one, so that each value carries Django's time zone: 8 µs a value here, 0.85 ms
for the two timestamps of a page of 50 tasks. With USE_TZ the connection's own time zone
is UTC (Django sets it), and psycopg's compiled loader already gives `datetime.timezone.utc`
for it: the same values, a tenth of the time. The compiled loader cannot be subclassed, so
`UtcTimestamptzLoader` stands in for it with the `timezone` Django compares before using
its own. Should the two time zones ever differ (USE_TZ off, or a database's TIME_ZONE),
Django puts its own loader back on every cursor, as before.
"""

import datetime
import select

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

    def is_usable(self):
        if self.connection is None or self.connection.closed or self.connection.broken:
            return False
        readable, _, _ = select.select([self.connection.fileno()], [], [], 0)
        return not readable
