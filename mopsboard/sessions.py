"""Django's database sessions, read with a query written out.

Every request of a signed-in person reads its session first; the ORM took longer to
build that query than PostgreSQL took to answer it.
"""

from django.contrib.sessions.backends import db
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        """The live session of this key, or None (and the key forgotten), as Django's."""
        found = self.model.objects.raw(
            "SELECT session_key, session_data, expire_date FROM django_session "
            "WHERE session_key = %s AND expire_date > %s",
            [self.session_key, timezone.now()],
        )
        session = next(iter(found), None)
        if session is None:
            self._session_key = None
        return session
