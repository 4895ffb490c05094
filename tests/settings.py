"""The test session's settings: mopsboard's, on the embedded PostgreSQL unless DATABASE_URL
names a server. The session starts the embedded server here, before the settings read
DATABASE_URL, as manage.py does; the processes the tests start inherit DATABASE_URL."""

from mopsboard.database import use_embedded_database

use_embedded_database()

from mopsboard.settings import *  # noqa: E402, F403

# The suite tells the news of a change at once (the tests run its job right after); the
# tests of undo give themselves the window (tests/raci/test_undo.py).
MOPSBOARD_UNDO_SECONDS = 0
