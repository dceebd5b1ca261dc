"""The mailbox lock: a PostgreSQL advisory lock on an autocommit connection, or a file lock on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine

from inboxbot.adapters.db.store import make_engine
from inboxbot.adapters.locks import FileMailboxLock, PostgresMailboxLock, mailbox_lock
from tests.harness.postgres import PostgresServer


@pytest.fixture
def pg_engines(pg_server: PostgresServer) -> Iterator[tuple[Engine, Engine, str]]:
    """Two engines on one fresh database (two workers), and the database's name."""
    with pg_server.fresh_database() as url:
        first, second = make_engine(url), make_engine(url)
        try:
            yield first, second, url.rsplit("/", 1)[1]
        finally:
            first.dispose()
            second.dispose()


def lock_sessions(server: PostgresServer, database: str) -> list[tuple[int, str]]:
    """(pid, state) of the sessions of ``database`` holding an advisory lock."""
    with psycopg.connect(server.admin_conninfo(), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT a.pid, a.state FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND a.datname = %s",
            (database,),
        ).fetchall()
    return [(int(pid), str(state)) for pid, state in rows]


def test_one_holder_at_a_time_on_postgresql(
    pg_server: PostgresServer, pg_engines: tuple[Engine, Engine, str]
) -> None:
    first_engine, second_engine, database = pg_engines
    first, second = mailbox_lock(first_engine), mailbox_lock(second_engine)
    assert isinstance(first, PostgresMailboxLock)
    try:
        assert first.acquire()
        assert first.acquire()  # asking again is harmless
        assert not second.acquire()
        assert first.held() and not second.held()
        [(_pid, state)] = lock_sessions(pg_server, database)
        assert state == "idle"  # autocommit: never "idle in transaction" while the lock is held
        first.release()
        assert not first.held()
        assert second.acquire()
        assert lock_sessions(pg_server, database)[0][1] == "idle"
    finally:
        first.release()
        second.release()
    assert lock_sessions(pg_server, database) == []


def test_a_lock_whose_connection_dies_is_lost_and_taken_over(
    pg_server: PostgresServer, pg_engines: tuple[Engine, Engine, str]
) -> None:
    """The database restarting (or an admin killing the session) takes the lock away; the holder notices."""
    first_engine, second_engine, database = pg_engines
    first, second = mailbox_lock(first_engine), mailbox_lock(second_engine)
    try:
        assert first.acquire()
        [(pid, _state)] = lock_sessions(pg_server, database)
        with psycopg.connect(pg_server.admin_conninfo(), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        assert not first.held()
        assert second.acquire()
        assert not first.acquire()
        first.release()  # releasing a lock we lost is harmless
        assert second.held()
    finally:
        first.release()
        second.release()


def test_file_lock_next_to_the_sqlite_database(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/db/inboxbot.db")
    try:
        first, second = mailbox_lock(engine), mailbox_lock(engine)
    finally:
        engine.dispose()
    assert isinstance(first, FileMailboxLock)
    assert first.path == tmp_path / "db" / "inboxbot.db.lock"
    assert first.acquire() and first.acquire()
    assert not second.acquire()
    first.release()  # once is enough, however often it was acquired
    assert not first.held()
    assert second.acquire()
    second.release()
