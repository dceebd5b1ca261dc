"""pytest fixtures that give tests real servers on loopback (registered by tests/conftest.py).

==================  ========  ==================================================================
fixture             scope     yields
==================  ========  ==================================================================
harness_ca          session   :class:`~tests.harness.tls.LocalCA` that signs every server cert
dovecot             session   started :class:`~tests.harness.dovecot.DovecotServer` (MOVE on)
dovecot_nomove      session   started DovecotServer without the MOVE capability (lazy)
imap_account        function  :class:`~tests.harness.dovecot.ImapAccount`: a new user, empty INBOX
make_dovecot        function  ``make_dovecot(**kwargs) -> DovecotServer``: a private, started server
                              (to stop or restart under a running worker); closed after the test
smtp_server         function  started :class:`~tests.harness.smtp.SmtpServer` (plain, no AUTH)
make_smtp_server    function  ``make_smtp_server(**kwargs) -> SmtpServer`` (STARTTLS, AUTH, ...)
pg_server           session   :class:`~tests.harness.postgres.PostgresServer`, known reachable
pg_url              session   SQLAlchemy URL of a database created for the whole run
db_url              function  parametrised ``sqlite`` / ``postgresql``: SQLAlchemy URL of an
                              empty database of its own (SQLite file in tmp_path; a new
                              PostgreSQL database per test, dropped afterwards)
==================  ========  ==================================================================

A server that cannot be had here (Dovecot not installed, PostgreSQL not reachable) skips the tests
that need it, with the reason; with ``CI=true`` in the environment it fails them instead, because CI
must run everything. Tests that use any of these fixtures get the ``integration`` marker
automatically.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from tests.harness.dovecot import DovecotServer, ImapAccount, dovecot_available
from tests.harness.postgres import PostgresServer
from tests.harness.smtp import SmtpServer
from tests.harness.tls import LocalCA

HARNESS_FIXTURES = frozenset(
    {
        "dovecot",
        "dovecot_nomove",
        "imap_account",
        "make_dovecot",
        "smtp_server",
        "make_smtp_server",
        "pg_server",
        "pg_url",
        "db_url",
    }
)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def unavailable(reason: str) -> NoReturn:
    """Skip (developer machine) or fail (CI=true) a test whose server cannot be had."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: this server is required in CI)", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        names = getattr(item, "fixturenames", ())
        if HARNESS_FIXTURES.intersection(names) and item.get_closest_marker("integration") is None:
            item.add_marker(pytest.mark.integration)


# -- TLS ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def harness_ca() -> LocalCA:
    return LocalCA()


# -- IMAP (Dovecot) ----------------------------------------------------------------------------


def _dovecot(ca: LocalCA, **kwargs: Any) -> DovecotServer:
    reason = dovecot_available()
    if reason is not None:
        unavailable(reason)
    server = DovecotServer(ca=ca, **kwargs)
    try:
        server.start()
    except BaseException:
        server.close()
        raise
    return server


@pytest.fixture(scope="session")
def dovecot(harness_ca: LocalCA) -> Iterator[DovecotServer]:
    server = _dovecot(harness_ca)
    yield server
    server.close()


@pytest.fixture(scope="session")
def dovecot_nomove(harness_ca: LocalCA) -> Iterator[DovecotServer]:
    server = _dovecot(harness_ca, move=False)
    yield server
    server.close()


@pytest.fixture
def imap_account(dovecot: DovecotServer) -> ImapAccount:
    if not dovecot.running:  # a test stopped the shared server: bring it back for the next ones
        dovecot.start()
    return dovecot.new_account()


@pytest.fixture
def make_dovecot(harness_ca: LocalCA) -> Iterator[Callable[..., DovecotServer]]:
    servers: list[DovecotServer] = []

    def make(**kwargs: Any) -> DovecotServer:
        server = _dovecot(harness_ca, **kwargs)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()


# -- SMTP (aiosmtpd) ---------------------------------------------------------------------------


@pytest.fixture
def make_smtp_server(harness_ca: LocalCA) -> Iterator[Callable[..., SmtpServer]]:
    servers: list[SmtpServer] = []

    def make(**kwargs: Any) -> SmtpServer:
        server = SmtpServer(ca=harness_ca, **kwargs)
        servers.append(server)
        server.start()
        return server

    yield make
    for server in servers:
        server.close()


@pytest.fixture
def smtp_server(make_smtp_server: Callable[..., SmtpServer]) -> SmtpServer:
    return make_smtp_server()


# -- databases ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_server() -> PostgresServer:
    server = PostgresServer.from_env()
    reason = server.unavailable_reason()
    if reason is not None:
        unavailable(reason)
    server.drop_stale_databases()
    return server


@pytest.fixture(scope="session")
def pg_url(pg_server: PostgresServer) -> Iterator[str]:
    with pg_server.fresh_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/inboxbot.db"
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    with server.fresh_database() as url:
        yield url
