"""The test harness itself: real Dovecot, aiosmtpd and PostgreSQL servers on loopback."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import ssl
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import aiosmtplib
import psycopg
import pytest
from imapclient.exceptions import LoginError
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tests.harness import fixtures
from tests.harness.dovecot import (
    DovecotServer,
    ImapAccount,
    append,
    create_folder,
    fetch_all,
    fetch_messages,
    folder_exists,
    imap_session,
    list_folders,
    list_uids,
)
from tests.harness.postgres import ENV_VAR, PostgresServer
from tests.harness.smtp import SmtpServer

pytestmark = pytest.mark.integration

RAW = (
    b"From: Alice <alice@example.com>\r\nTo: support@example.com\r\nSubject: Help\r\n\r\nPrinter broken.\r\n"
)


# -- Dovecot -----------------------------------------------------------------------------------


def test_plaintext_login_fresh_account_has_empty_inbox(imap_account: ImapAccount) -> None:
    assert imap_account.host == "127.0.0.1"
    with imap_session(imap_account) as client:
        caps = client.capabilities()
        assert b"IDLE" in caps
        assert b"UIDPLUS" in caps
        assert client.namespace().personal == (("", "/"),)
        assert client.select_folder("INBOX")[b"EXISTS"] == 0
    assert list_uids(imap_account) == []


def test_starttls_on_plain_port_verifies_with_the_ca(imap_account: ImapAccount) -> None:
    with imap_session(imap_account, login=False) as client:
        assert b"STARTTLS" in client.capabilities()
    with imap_session(imap_account, security="starttls") as client:
        assert client.socket().version() in {"TLSv1.2", "TLSv1.3"}
        assert client.select_folder("INBOX")[b"EXISTS"] == 0
    with (
        pytest.raises(ssl.SSLCertVerificationError),
        imap_session(imap_account, security="starttls", ssl_context=ssl.create_default_context()),
    ):
        pass


def test_imaps_verifies_with_the_ca_and_fails_without(imap_account: ImapAccount) -> None:
    with imap_session(imap_account, security="ssl") as client:
        assert client.socket().version() in {"TLSv1.2", "TLSv1.3"}
    with (
        pytest.raises(ssl.SSLCertVerificationError),
        imap_session(imap_account, security="ssl", ssl_context=ssl.create_default_context()),
    ):
        pass


def test_wrong_password_is_refused(imap_account: ImapAccount, dovecot: DovecotServer) -> None:
    wrong = dataclasses.replace(imap_account, password="not-the-password")
    with pytest.raises(LoginError), imap_session(wrong):
        pass
    # Harness users may have any password; a later login is not slowed down by the failure.
    odd = dovecot.add_user(f"odd-{time.monotonic_ns()}", 'p:ss w0rd%{}\\""')
    started = time.monotonic()
    with imap_session(odd) as client:
        assert client.select_folder("INBOX")[b"EXISTS"] == 0
    assert time.monotonic() - started < 1.0


def test_append_keeps_internaldate_and_flags(imap_account: ImapAccount) -> None:
    when = (datetime.now(UTC) - timedelta(hours=25)).replace(microsecond=0)
    uid = append(imap_account, RAW, internaldate=when, flags=[r"\Seen"])
    second = append(imap_account, RAW.replace(b"Help", b"Again"))
    assert second > uid
    messages = fetch_messages(imap_account)
    assert [m.uid for m in messages] == [uid, second]
    assert messages[0].raw == RAW
    assert messages[0].internaldate == when
    assert rb"\Seen" in messages[0].flags
    assert rb"\Seen" not in messages[1].flags
    assert abs(messages[1].internaldate - datetime.now(UTC)) < timedelta(minutes=1)
    assert fetch_all(imap_account) == [RAW, RAW.replace(b"Help", b"Again")]
    with pytest.raises(ValueError, match="timezone-aware"):
        append(imap_account, RAW, internaldate=datetime(2024, 1, 1))


def test_folders_are_created_with_slash_separator(imap_account: ImapAccount) -> None:
    for name in ("Processed", "Automated", "Quarantine"):
        assert not folder_exists(imap_account, name)
        create_folder(imap_account, name)
        assert folder_exists(imap_account, name)
    append(imap_account, RAW, folder="Support/Done")  # the helper creates missing folders
    assert list_folders(imap_account) == [
        "Automated",
        "INBOX",
        "Processed",
        "Quarantine",
        "Support",
        "Support/Done",
    ]
    assert fetch_all(imap_account, "Support/Done") == [RAW]
    assert (imap_account.maildir_path / "Processed" / "cur").is_dir()
    assert (imap_account.maildir_path / "Support" / "Done" / "cur").is_dir()


def test_maildirplusplus_layout_uses_dot_separator(make_dovecot: Callable[..., DovecotServer]) -> None:
    server = make_dovecot(layout="maildir++")
    account = server.new_account()
    assert account.separator == "."
    append(account, RAW, folder="Support.Done")
    assert list_folders(account) == ["INBOX", "Support", "Support.Done"]
    assert (account.maildir_path / ".Support.Done" / "cur").is_dir()


def test_move_is_advertised(imap_account: ImapAccount) -> None:
    with imap_session(imap_account) as client:
        assert b"MOVE" in client.capabilities()


def test_nomove_variant_hides_move_and_copy_fallback_works(dovecot_nomove: DovecotServer) -> None:
    account = dovecot_nomove.new_account()
    uid = append(account, RAW)
    create_folder(account, "Processed")
    with imap_session(account, login=False) as client:
        assert b"MOVE" not in client.capabilities()
    with imap_session(account) as client:
        caps = client.capabilities()
        assert b"MOVE" not in caps
        assert b"IDLE" in caps
        assert b"UIDPLUS" in caps
        client.select_folder("INBOX")
        client.copy([uid], "Processed")
        client.add_flags([uid], [rb"\Deleted"])
        client.uid_expunge([uid])
    assert list_uids(account) == []
    assert fetch_all(account, "Processed") == [RAW]
    # Dovecot would still run a MOVE it does not advertise: the command log shows none was sent.
    commands = dovecot_nomove.imap_commands(account.username, wait_for=f"UID EXPUNGE {uid}")
    assert f'UID COPY {uid} "Processed"' in commands
    assert f"UID EXPUNGE {uid}" in commands
    assert not [c for c in commands if "MOVE" in c.upper().split(" ", 2)[:2]]


def test_imap_commands_are_logged_per_user(imap_account: ImapAccount, dovecot: DovecotServer) -> None:
    uid = append(imap_account, RAW)
    with imap_session(imap_account) as client:
        client.select_folder("INBOX")
        client.create_folder("Archive")
        client.move([uid], "Archive")
    commands = dovecot.imap_commands(imap_account.username, wait_for=f"UID MOVE {uid}")
    assert commands[0].startswith("LIST") or commands[0].startswith("APPEND")
    assert f'UID MOVE {uid} "Archive"' in commands
    assert all(imap_account.password not in c for c in commands)


def test_idle_reports_a_new_message_within_two_seconds(imap_account: ImapAccount) -> None:
    with imap_session(imap_account) as client:
        client.select_folder("INBOX")
        client.idle()
        try:
            started = time.monotonic()
            append(imap_account, RAW)
            responses: list[tuple[object, ...]] = []
            while time.monotonic() - started < 2.0 and not any(r[1:2] == (b"EXISTS",) for r in responses):
                responses += client.idle_check(timeout=0.2)
            elapsed = time.monotonic() - started
        finally:
            client.idle_done()
    assert (1, b"EXISTS") in responses
    assert elapsed < 2.0


def test_restart_keeps_ports_and_mail(make_dovecot: Callable[..., DovecotServer]) -> None:
    server = make_dovecot()
    account = server.new_account()
    append(account, RAW)
    ports = (server.port, server.ssl_port)
    with imap_session(account) as connected:
        connected.select_folder("INBOX")
        server.stop()
        assert not server.running
        with pytest.raises((OSError, connected.Error, connected.AbortError)):
            connected.noop()
    with pytest.raises(ConnectionRefusedError), imap_session(account, timeout=2):
        pass
    server.start()
    assert (server.port, server.ssl_port) == ports
    assert fetch_all(account) == [RAW]
    server.restart()
    assert fetch_all(account) == [RAW]
    assert "starting up" in server.log_text()


# -- SMTP --------------------------------------------------------------------------------------


def _mail(subject: str = "Ticket #1 received") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "support@example.com"
    message["To"] = "alice@example.com"
    message["Subject"] = subject
    message.set_content("We got your mail.\n.a line starting with a dot\n")
    return message


def _send(
    server: SmtpServer,
    message: EmailMessage | None = None,
    *,
    recipients: list[str] | None = None,
    start_tls: bool = False,
    tls_context: ssl.SSLContext | None = None,
    username: str | None = None,
    password: str = "",
) -> None:
    """Send one message with aiosmtplib, step by step.

    Every transport the client had is aborted at the end. A transport that is only closed (as
    aiosmtplib does on its error paths: a failed STARTTLS or login inside connect(), a dropped
    connection) may need more loop iterations than asyncio.run() gives it, and is then reported
    as an unclosed socket (ResourceWarning, an error under -W error) in whatever test runs next,
    or at the end of the session.
    """

    async def run() -> None:
        client = aiosmtplib.SMTP(hostname=server.host, port=server.port, timeout=5, start_tls=False)
        transports: list[asyncio.BaseTransport] = []
        try:
            await client.connect()
            transports.append(_raw_transport(client))
            if start_tls:
                await client.starttls(tls_context=tls_context)
                transports.append(_raw_transport(client))
            if username is not None:
                await client.login(username, password)
            await client.send_message(message or _mail(), recipients=recipients)
            await client.quit()
        finally:
            _abort(client, transports)

    asyncio.run(run())


def _raw_transport(client: aiosmtplib.SMTP) -> asyncio.BaseTransport:
    transport = client.transport
    assert transport is not None
    return transport


def _abort(client: aiosmtplib.SMTP, transports: list[asyncio.BaseTransport]) -> None:
    if client.transport is not None:
        transports.append(client.transport)
    for transport in transports:
        if isinstance(transport, asyncio.WriteTransport):
            transport.abort()
    client.close()


def test_smtp_records_plain_messages(smtp_server: SmtpServer) -> None:
    _send(smtp_server)
    _send(smtp_server, _mail("second"), recipients=["a@example.com", "b@example.com"])
    first, second = smtp_server.wait_for(2, timeout=5)
    assert first.mail_from == "support@example.com"
    assert first.rcpt_tos == ("alice@example.com",)
    assert first.message["Subject"] == "Ticket #1 received"
    assert ".a line starting with a dot" in first.message.get_content()
    assert first.content.startswith(b"From: support@example.com\r\n")
    assert (first.tls, first.auth_login) == (False, None)
    assert second.rcpt_tos == ("a@example.com", "b@example.com")
    with pytest.raises(TimeoutError, match="expected 3"):
        smtp_server.wait_for(3, timeout=0.2)
    smtp_server.reset()
    assert smtp_server.messages == []


def test_smtp_starttls_verifies_with_the_ca(make_smtp_server: Callable[..., SmtpServer]) -> None:
    server = make_smtp_server(starttls=True, require_starttls=True)
    _send(server, start_tls=True, tls_context=server.client_tls_context())
    assert server.wait_for(1)[0].tls
    with pytest.raises(ssl.SSLCertVerificationError):
        _send(server, start_tls=True, tls_context=ssl.create_default_context())
    with pytest.raises(aiosmtplib.SMTPSenderRefused) as refused:
        _send(server, start_tls=False)
    assert refused.value.code == 530
    assert len(server.messages) == 1


def test_smtp_auth_over_starttls(make_smtp_server: Callable[..., SmtpServer]) -> None:
    server = make_smtp_server(starttls=True, auth=("bot", "s3cret"), auth_required=True)
    context = server.client_tls_context()
    _send(server, start_tls=True, tls_context=context, username="bot", password="s3cret")
    assert server.wait_for(1)[0].auth_login == "bot"
    with pytest.raises(aiosmtplib.SMTPAuthenticationError):
        _send(server, start_tls=True, tls_context=context, username="bot", password="wrong")
    with pytest.raises(aiosmtplib.SMTPSenderRefused) as refused:
        _send(server, start_tls=True, tls_context=context)
    assert refused.value.code == 530
    with pytest.raises(aiosmtplib.SMTPException, match="AUTH"):  # not offered before STARTTLS
        _send(server, start_tls=False, username="bot", password="s3cret")


def test_smtp_auth_without_tls_when_allowed(make_smtp_server: Callable[..., SmtpServer]) -> None:
    server = make_smtp_server(auth=("bot", "s3cret"), auth_required=True, auth_require_tls=False)
    _send(server, username="bot", password="s3cret")
    received = server.wait_for(1)[0]
    assert (received.auth_login, received.tls) == ("bot", False)


def test_smtp_refuses_then_accepts(smtp_server: SmtpServer) -> None:
    smtp_server.fail_next(2, stage="rcpt", code=451)
    smtp_server.fail_next(1, stage="data", code=550, message="5.7.1 Go away")
    for _ in range(2):
        with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as refused:
            _send(smtp_server, recipients=["a@example.com", "b@example.com"])
        assert {r.code for r in refused.value.recipients} == {451}
    with pytest.raises(aiosmtplib.SMTPDataError) as data_error:
        _send(smtp_server)
    assert (data_error.value.code, data_error.value.message) == (550, "5.7.1 Go away")
    assert smtp_server.messages == []
    _send(smtp_server)
    assert len(smtp_server.wait_for(1)) == 1
    assert [(r.stage, r.reply[:3], r.rcpt) for r in smtp_server.rejections] == [
        ("rcpt", "451", "a@example.com"),
        ("rcpt", "451", "b@example.com"),
        ("rcpt", "451", "a@example.com"),
        ("rcpt", "451", "b@example.com"),
        ("data", "550", None),
    ]


def test_smtp_stop_and_start_on_the_same_port(smtp_server: SmtpServer) -> None:
    port = smtp_server.port

    async def connected_then_dropped() -> None:
        client = aiosmtplib.SMTP(hostname=smtp_server.host, port=port, timeout=5)
        await client.connect()
        transports = [_raw_transport(client)]
        try:
            smtp_server.stop()
            with pytest.raises(aiosmtplib.SMTPServerDisconnected):
                await client.noop()
        finally:
            _abort(client, transports)

    asyncio.run(connected_then_dropped())
    assert not smtp_server.running
    with pytest.raises(aiosmtplib.SMTPConnectError):
        _send(smtp_server)
    smtp_server.start()
    assert smtp_server.port == port
    _send(smtp_server)
    assert len(smtp_server.wait_for(1)) == 1


# -- databases ---------------------------------------------------------------------------------


# A private MetaData: nothing is added to SQLModel.metadata, which the application's models use.
_NOTES = Table(
    "harness_note",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("body", String(100), nullable=False),
)


def test_db_url_is_an_empty_working_database(db_url: str, request: pytest.FixtureRequest) -> None:
    backend = request.node.callspec.params["db_url"]
    assert make_url(db_url).get_backend_name() == backend
    engine = create_engine(db_url)
    try:
        assert inspect(engine).get_table_names() == []
        _NOTES.create(engine)
        with engine.begin() as conn:
            conn.execute(_NOTES.insert().values(body="привет"))
        with engine.connect() as conn:
            assert conn.execute(select(_NOTES.c.body)).scalars().all() == ["привет"]
    finally:
        engine.dispose()


def test_fresh_database_is_dropped_even_with_open_connections(pg_server: PostgresServer) -> None:
    with pg_server.fresh_database() as url:
        name = make_url(url).database
        assert name is not None
        assert re.fullmatch(r"inboxbot_test_\d+_[0-9a-f]{8}", name)
        if not os.environ.get(ENV_VAR):
            assert url == f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
        engine = create_engine(url)
        leftover = engine.connect()  # the code under test forgot to close this one
        leftover.execute(text("SELECT 1"))
    with psycopg.connect(pg_server.admin_conninfo()) as admin:
        assert admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None
    with pytest.raises(OperationalError):
        leftover.execute(text("SELECT 1"))
    leftover.invalidate()
    leftover.close()
    engine.dispose()


def test_pg_url_is_a_session_database(pg_url: str, pg_server: PostgresServer) -> None:
    assert make_url(pg_url).database != "postgres"
    engine = create_engine(pg_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT current_database()")).scalar() == make_url(pg_url).database
    finally:
        engine.dispose()


def test_pg_server_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "postgresql://tester:s%40cret@db.internal:6543")
    server = PostgresServer.from_env()
    assert server.database_url("x") == "postgresql+psycopg://tester:s%40cret@db.internal:6543/x"
    assert server.admin_conninfo() == "postgresql://tester:s%40cret@db.internal:6543/postgres"
    assert "s%40cret" not in server.describe()
    monkeypatch.delenv(ENV_VAR)
    assert PostgresServer.from_env().database_url("y") == "postgresql+psycopg://postgres@127.0.0.1:5432/y"


def test_unreachable_server_skips_locally_and_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    reason = PostgresServer(make_url("postgresql://postgres@127.0.0.1:1")).unavailable_reason(timeout=2)
    assert reason is not None
    assert "not reachable" in reason
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not reachable"):
        fixtures.unavailable(reason)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required in CI"):
        fixtures.unavailable(reason)
