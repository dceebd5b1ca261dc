"""Fresh PostgreSQL databases on the local server, for the integration tests.

The server is ``postgresql://postgres@127.0.0.1:5432`` (trust auth), or the server URL in the
environment variable ``INBOXBOT_TEST_PG_URL`` (e.g. ``postgresql://user:secret@db:5432``; a database
name in it is used only as the maintenance database to connect to, default ``postgres``).

:func:`fresh_database` creates a database with a unique name (``inboxbot_test_<pid>_<hex>``, from
``template0``, UTF-8), yields its SQLAlchemy URL (``postgresql+psycopg://.../<name>``) and drops it
afterwards with ``DROP DATABASE ... WITH (FORCE)`` (connections left open by the code under test are
terminated first). Creating one takes about 50 ms on PostgreSQL 15.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.rows import TupleRow
from sqlalchemy.engine import URL, make_url

ENV_VAR = "INBOXBOT_TEST_PG_URL"
DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432"
DB_PREFIX = "inboxbot_test"
_OWN_DB = re.compile(rf"^{DB_PREFIX}_(\d+)_[0-9a-f]+$")
_LOCAL_HOSTS = {None, "", "127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class PostgresServer:
    """A PostgreSQL server the tests may create and drop databases on."""

    url: URL  # server URL; its database (if any) is the maintenance database

    @classmethod
    def from_env(cls) -> PostgresServer:
        return cls(make_url(os.environ.get(ENV_VAR) or DEFAULT_SERVER_URL))

    def admin_conninfo(self) -> str:
        url = self.url.set(drivername="postgresql", database=self.url.database or "postgres")
        return url.render_as_string(hide_password=False)

    def database_url(self, name: str) -> str:
        """The SQLAlchemy URL (psycopg 3 driver) of database ``name`` on this server."""
        url = self.url.set(drivername="postgresql+psycopg", database=name)
        return url.render_as_string(hide_password=False)

    def describe(self) -> str:
        return self.url.set(drivername="postgresql").render_as_string(hide_password=True)

    def unavailable_reason(self, timeout: int = 3) -> str | None:
        """None if a database can be created on the server, else why not."""
        try:
            with self._admin(timeout) as conn, conn.cursor() as cur:
                cur.execute("SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user")
                row = cur.fetchone()
        except psycopg.Error as exc:
            detail = " ".join(str(exc).split())
            return f"PostgreSQL at {self.describe()} is not reachable: {detail}"
        if row is None or not row[0]:
            return f"the role used for {self.describe()} may not create databases"
        return None

    def create_database(self) -> str:
        """Create an empty database with a unique name; return the name."""
        name = f"{DB_PREFIX}_{os.getpid()}_{secrets.token_hex(4)}"
        with self._admin() as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(sql.Identifier(name))
            )
        return name

    def drop_database(self, name: str) -> None:
        """Drop ``name``, terminating any connection still open to it."""
        with self._admin() as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            force = sql.SQL(" WITH (FORCE)") if conn.info.server_version >= 130000 else sql.SQL("")
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}{}").format(sql.Identifier(name), force))

    @contextlib.contextmanager
    def fresh_database(self) -> Iterator[str]:
        """Create a database, yield its SQLAlchemy URL, drop it."""
        name = self.create_database()
        try:
            yield self.database_url(name)
        finally:
            self.drop_database(name)

    def drop_stale_databases(self) -> list[str]:
        """Drop test databases left by runs on this machine whose process is gone."""
        if self.url.host not in _LOCAL_HOSTS:
            return []
        with self._admin() as conn:
            names = [row[0] for row in conn.execute("SELECT datname FROM pg_database")]
        dropped = []
        for name in names:
            match = _OWN_DB.fullmatch(name)
            if match and not Path(f"/proc/{match.group(1)}").exists():
                with contextlib.suppress(psycopg.Error):
                    self.drop_database(name)
                    dropped.append(name)
        return dropped

    def _admin(self, timeout: int = 5) -> psycopg.Connection[TupleRow]:
        return psycopg.connect(self.admin_conninfo(), autocommit=True, connect_timeout=timeout)


@contextlib.contextmanager
def fresh_database(server: PostgresServer | None = None) -> Iterator[str]:
    """A new empty database on ``server`` (default: from the environment); yields its SQLAlchemy URL."""
    with (server or PostgresServer.from_env()).fresh_database() as url:
        yield url
