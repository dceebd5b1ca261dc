"""Who may read the mailbox: one process at a time, across cron runs and long-running workers.

PostgreSQL: a session advisory lock held on a connection of its own, in autocommit (never idle in a
transaction). The server releases it the moment that connection dies, so a crashed leader is replaced at
the next try; TCP keepalives on that session make the server notice within about half a minute that a
leader's machine vanished without closing it. SQLite: an OS file lock next to the database file
(released by the kernel when the process dies).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Protocol

import filelock
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

# A fixed 64-bit key in PostgreSQL's advisory lock space: "inboxbot mailbox".
MAILBOX_LOCK_KEY = 0x1B0C_5AB0_7001
# Idle seconds before the server probes a silent lock holder, seconds between probes, probes missed.
_KEEPALIVES = {"tcp_keepalives_idle": 10, "tcp_keepalives_interval": 5, "tcp_keepalives_count": 3}


class MailboxLock(Protocol):
    def acquire(self) -> bool:
        """Take the lock without waiting; False when another process holds it."""
        ...

    def held(self) -> bool:
        """Whether the lock is (still) ours."""
        ...

    def release(self) -> None: ...


class FileMailboxLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = filelock.FileLock(str(path))

    def acquire(self) -> bool:
        if self._lock.is_locked:
            return True  # ours already (filelock counts re-entries; we do not)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=0)
        except filelock.Timeout:
            return False
        return True

    def held(self) -> bool:
        return self._lock.is_locked

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)


class PostgresMailboxLock:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn: Connection | None = None

    def acquire(self) -> bool:
        if self._conn is not None:
            return True
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            got = bool(
                conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": MAILBOX_LOCK_KEY}).scalar()
            )
            if got:
                _keepalive(conn)
        except BaseException:
            _close(conn)
            raise
        if got:
            self._conn = conn
        else:
            conn.close()
        return got

    def held(self) -> bool:
        if self._conn is None:
            return False
        try:
            self._conn.execute(text("SELECT 1"))
        except DBAPIError:
            self._forget()
            return False
        return True

    def release(self) -> None:
        if self._conn is None:
            return
        with contextlib.suppress(DBAPIError):  # a dead connection has taken the lock with it
            self._conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MAILBOX_LOCK_KEY})
        self._forget()

    def _forget(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            _close(conn)


def _keepalive(conn: Connection) -> None:
    """Let the server find out soon that the lock holder's machine is gone (no-op over a Unix socket)."""
    for name, value in _KEEPALIVES.items():
        conn.execute(text("SELECT set_config(:name, :value, false)"), {"name": name, "value": str(value)})


def _close(conn: Connection) -> None:
    try:
        conn.close()
    except DBAPIError:
        conn.invalidate()


def mailbox_lock(engine: Engine) -> MailboxLock:
    url = engine.url
    if url.get_backend_name() == "postgresql":
        return PostgresMailboxLock(engine)
    database = make_url(str(url)).database or ""
    if database in {"", ":memory:"}:
        return FileMailboxLock(Path("var/inboxbot.lock"))
    path = Path(database)
    return FileMailboxLock(path.with_name(path.name + ".lock"))
