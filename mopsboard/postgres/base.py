"""Django's PostgreSQL backend, less a round trip to the database on every request.

With CONN_HEALTH_CHECKS, Django checks that a connection kept from an earlier request still
works before the request's first query, by running `SELECT 1`: a round trip on every
request, which cost 0.5 ms here whenever the app and the database sat on different CPUs
(bench/README.md). This backend looks at the connection's socket instead. A connection
that is idle between requests has nothing to read; one the server has ended (restarted,
shut down, or the backend terminated) has its goodbye or the end of the stream to read.
Either way, anything to read means the connection is replaced, as a failed SELECT 1 would.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        if self.connection is None or self.connection.closed or self.connection.broken:
            return False
        readable, _, _ = select.select([self.connection.fileno()], [], [], 0)
        return not readable
