"""The bench database: a throwaway database on the app's own PostgreSQL server.

It lives beside the app's database (DATABASE_URL's server, or the embedded one in
`.pgdata/`) and is dropped and created again for every backlog size.
"""

from pathlib import Path

import psycopg
from psycopg import conninfo, sql

from mopsboard.database import database_config, use_embedded_database

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "mopsboard_bench"


class Server:
    """Where the app's PostgreSQL listens, and how to reach any database on it."""

    def __init__(self) -> None:
        # Starts the embedded server when DATABASE_URL is unset; pgserver keeps it running
        # until this process exits, so the gunicorn started later finds it up.
        use_embedded_database()
        config = database_config()
        self.app_database: str = config["NAME"]
        params = {
            "host": config["HOST"],
            "port": config["PORT"],
            "user": config["USER"],
            "password": config["PASSWORD"],
            **config["OPTIONS"],
        }
        self.params = {key: str(value) for key, value in params.items() if value not in ("", None)}

    def url(self, database: str) -> str:
        """A libpq connection string; mopsboard.database reads it as DATABASE_URL."""
        return conninfo.make_conninfo(**self.params, dbname=database)

    def recreate(self, database: str) -> None:
        self.drop(database)
        self._admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))

    def drop(self, database: str) -> None:
        # FORCE ends sessions a crashed earlier run may have left behind.
        self._admin(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
        )

    def _admin(self, statement: sql.Composed) -> None:
        # The app's own database is the one we know we may connect to.
        with psycopg.connect(self.url(self.app_database), autocommit=True) as connection:
            connection.execute(statement)
