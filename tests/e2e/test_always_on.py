"""Always on: ``inboxbot run`` and ``run-once`` as operators run them, against real servers.

IMAP IDLE pushes new mail to a ticket and an acknowledgement within seconds; the worker survives the IMAP
server dropping the connection or restarting and the SMTP server being down; SIGTERM in the middle of a
backlog finishes the batch in hand and exits 0; overlapping cron runs never both read the mailbox; of two
workers on PostgreSQL one leads, and the other takes over when the leader is killed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import create_engine, text

from inboxbot.adapters.db.store import normalize_url
from tests.harness.dovecot import (
    DovecotServer,
    ImapAccount,
    _instance_processes,
    _instance_tag,
    append,
    imap_session,
    list_uids,
)
from tests.harness.postgres import PostgresServer
from tests.harness.smtp import SmtpServer
from tests.support import QUESTION_EN, ROOT, env_for, inboxbot, make_mail, settings_for

pytestmark = pytest.mark.e2e

FAST = {
    "poll_interval_seconds": 1,
    "outbox_interval_seconds": 1,
    "sla_interval_seconds": 5,
    "max_backoff_seconds": 2,
}
LOCK_HELD = "another run is reading the mailbox"


class RunningWorker:
    """``inboxbot run`` in a child process; its JSON log lines (stderr is not a terminal) go to a file."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        self._log = log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "inboxbot", "run"],
            env=env,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def events(self, name: str | None = None) -> list[dict[str, Any]]:
        found = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if isinstance(event, dict) and (name is None or event.get("event") == name):
                found.append(event)
        return found

    def wait_for(self, name: str, timeout: float = 20, count: int = 1) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            events = self.events(name)
            if len(events) >= count:
                return events[count - 1]
            if self.process.poll() is not None:
                raise AssertionError(f"the worker exited ({self.process.returncode}):\n{self.log()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {name!r} (x{count}) within {timeout} s:\n{self.log()}")
            time.sleep(0.05)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]

    def terminate(self, timeout: float = 20, sig: signal.Signals = signal.SIGTERM) -> float:
        """SIGTERM (or ``sig``); the seconds until the process exited."""
        started = time.monotonic()
        self.process.send_signal(sig)
        self.process.wait(timeout)
        return time.monotonic() - started

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self._log.close()


@contextmanager
def running(env: dict[str, str], log_path: Path) -> Iterator[RunningWorker]:
    worker = RunningWorker(env, log_path)
    try:
        yield worker
    finally:
        worker.close()


def query(url: str, sql: str) -> Any:
    engine = create_engine(normalize_url(url))
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar_one()
    finally:
        engine.dispose()


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> float:
    """Poll ``condition``; the seconds it took to hold."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.05)
    return time.monotonic() - started


def append_many(account: ImapAccount, mails: list[bytes]) -> None:
    with imap_session(account, timeout=60) as client:
        for raw in mails:
            client.append("INBOX", raw)


def backlog(count: int, prefix: str = "client") -> list[bytes]:
    return [
        make_mail(f"Здравствуйте! Вопрос номер {n} по счёту.", sender=f"{prefix}{n}@example.kz")
        for n in range(count)
    ]


def upgraded(settings: Any) -> dict[str, str]:
    env = env_for(settings)
    result = inboxbot("db", "upgrade", env=env)
    assert result.returncode == 0, result.stderr
    return env


def assert_stops_cleanly(
    worker: RunningWorker, within: float = 10, sig: signal.Signals = signal.SIGTERM
) -> None:
    took = worker.terminate(sig=sig)
    assert worker.process.returncode == 0, worker.log()
    assert took < within, f"{sig.name} to exit took {took:.1f} s"
    assert worker.events("worker.stopping")[0]["signal"] == sig.name
    assert worker.events("worker.stopped")


def recipients(smtp: SmtpServer) -> list[str]:
    return sorted(r for message in smtp.messages for r in message.rcpt_tos)


# -- push ----------------------------------------------------------------------------------------


def test_mail_appended_while_idling_is_acknowledged_within_seconds(
    imap_account: ImapAccount, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    """The poll interval is a minute: only IMAP IDLE can make this fast."""
    settings = settings_for(
        db_url=f"sqlite:///{tmp_path}/db.sqlite",
        imap_account=imap_account,
        smtp_server=smtp_server,
        worker={**FAST, "poll_interval_seconds": 60},
    )
    env = upgraded(settings)
    with running(env, tmp_path / "worker.log") as worker:
        worker.wait_for("imap.folder_first_read")
        time.sleep(1)  # the worker is in IDLE now
        appended = time.monotonic()
        append(imap_account, make_mail(QUESTION_EN, sender="tom@example.com"))
        [ack] = smtp_server.wait_for(1, timeout=15)
        latency = time.monotonic() - appended
        print(f"\nIDLE: APPEND to acknowledgement received over SMTP in {latency:.2f} s")
        assert latency < 15
        assert ack.rcpt_tos == ("tom@example.com",)
        assert_stops_cleanly(worker)
    assert list_uids(imap_account, "INBOX") == []
    assert len(worker.events("mail.processed")) == 1


# -- faults --------------------------------------------------------------------------------------


def test_worker_survives_the_imap_server_dropping_the_connection_and_restarting(
    make_dovecot: Callable[..., DovecotServer], smtp_server: SmtpServer, tmp_path: Path
) -> None:
    server = make_dovecot()
    account = server.new_account()
    settings = settings_for(
        db_url=f"sqlite:///{tmp_path}/db.sqlite",
        imap_account=account,
        smtp_server=smtp_server,
        worker=FAST,
    )
    env = upgraded(settings)
    with running(env, tmp_path / "worker.log") as worker:
        worker.wait_for("imap.folder_first_read")
        time.sleep(0.5)

        # 1. The server's imap process dies under the worker's IDLE (no BYE, just a closed socket).
        for pid, name in _instance_processes(_instance_tag(server.root)).items():
            if name == "imap":
                os.kill(pid, signal.SIGKILL)
        worker.wait_for("mailbox.unavailable", timeout=10)
        append(account, make_mail(QUESTION_EN, sender="first@example.com"))
        smtp_server.wait_for(1, timeout=15)

        # 2. The server stops for a few seconds, then comes back (same port, same mail).
        server.stop()
        failures_before = len(worker.events("mailbox.unavailable"))
        worker.wait_for("mailbox.unavailable", count=failures_before + 1, timeout=10)
        time.sleep(2)
        server.start()
        append(account, make_mail(QUESTION_EN, sender="second@example.com"))
        smtp_server.wait_for(2, timeout=15)
        assert_stops_cleanly(worker)

    failures = worker.events("mailbox.unavailable")
    assert all(f["level"] == "error" and f["reason"] and f["retry_in"] <= 2 for f in failures)
    assert len(failures) <= 12, "backoff, not a storm of retries"
    assert len(worker.events("mailbox.recovered")) >= 2
    assert recipients(smtp_server) == ["first@example.com", "second@example.com"]
    assert query(settings.database.url, "select count(*) from ticket") == 2
    assert list_uids(account, "INBOX") == []


def test_smtp_server_down_for_a_while_then_the_acknowledgement_goes_out_once(
    imap_account: ImapAccount, make_smtp_server: Callable[..., SmtpServer], tmp_path: Path
) -> None:
    smtp = make_smtp_server()
    smtp.stop()
    settings = settings_for(
        db_url=f"sqlite:///{tmp_path}/db.sqlite",
        imap_account=imap_account,
        smtp_server=smtp,
        worker=FAST,
        outbox={"backoff_seconds": 1},
    )
    url = settings.database.url
    env = upgraded(settings)
    with running(env, tmp_path / "worker.log") as worker:
        append(imap_account, make_mail(QUESTION_EN, sender="tom@example.com"))
        wait_until(
            lambda: len(worker.events("outbox.transport_unavailable")) >= 2,
            timeout=20,
            what="two failed delivery attempts",
        )
        # An unreachable server is no attempt at the mail: however long the outage, it is not given up.
        assert query(url, "select status || ':' || attempts from outbox") == "pending:0"
        smtp.start()
        [ack] = smtp.wait_for(1, timeout=20)
        wait_until(lambda: query(url, "select status from outbox") == "sent", timeout=10, what="sent")
        time.sleep(1.5)  # the next deliveries do not send it again
        assert len(smtp.messages) == 1
        assert_stops_cleanly(worker, sig=signal.SIGINT)  # Ctrl-C on a terminal
    assert ack.rcpt_tos == ("tom@example.com",)
    assert query(url, "select count(*) from ticket") == 1


# -- graceful shutdown ---------------------------------------------------------------------------


def test_sigterm_in_the_middle_of_a_backlog_finishes_the_batch_and_loses_nothing(
    imap_account: ImapAccount, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    mails, batch = 300, 20
    append_many(imap_account, backlog(mails))
    settings = settings_for(
        db_url=f"sqlite:///{tmp_path}/db.sqlite",
        imap_account=imap_account,
        smtp_server=smtp_server,
        worker=FAST,
        imap={"batch_size": batch},
    )
    url = settings.database.url
    env = upgraded(settings)
    with running(env, tmp_path / "worker.log") as worker:
        wait_until(lambda: query(url, "select count(*) from ticket") >= 2 * batch, 60, "two batches")
        took = worker.terminate()
        assert worker.process.returncode == 0, worker.log()
    assert took < 10, f"SIGTERM to exit took {took:.1f} s"
    done = query(url, "select count(*) from ticket")
    left = len(list_uids(imap_account, "INBOX"))
    print(f"\nSIGTERM after {done} of {mails} mails; exit in {took:.2f} s")
    assert done < mails, "the backlog was done before SIGTERM: make it bigger"
    assert done % batch == 0 and done + left == mails  # the batch in hand committed and moved, no more

    final = inboxbot("run-once", env=env)
    assert final.returncode == 0, final.stderr
    assert final.stdout.startswith(f"inboxbot: {left} mail(s)")
    assert query(url, "select count(*) from ticket") == mails
    assert query(url, "select count(distinct sender) from ticket") == mails
    assert query(url, "select count(*) from outbox where status = 'sent'") == mails
    assert query(url, "select max(n) from (select count(*) n from outbox group by ticket_id) x") == 1
    assert list_uids(imap_account, "INBOX") == []
    assert recipients(smtp_server) == sorted(f"client{n}@example.kz" for n in range(mails))


# -- cron ----------------------------------------------------------------------------------------


def test_two_run_once_started_together_never_read_the_mailbox_both(
    imap_account: ImapAccount, db_url: str, tmp_path: Path
) -> None:
    mails = 150
    append_many(imap_account, backlog(mails))
    settings = settings_for(db_url=db_url, imap_account=imap_account, files=tmp_path / "outbox")
    env = upgraded(settings)
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "inboxbot", "run-once"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        outputs = [run.communicate(timeout=120) for run in runs]
    finally:
        for run in runs:
            if run.poll() is None:
                run.kill()
                run.wait()
    assert [run.returncode for run in runs] == [0, 0], outputs
    stdouts = sorted(out.strip() for out, _err in outputs)
    held = [out for out in stdouts if LOCK_HELD in out]
    worked = [out for out in stdouts if out.startswith(f"inboxbot: {mails} mail(s)")]
    assert len(held) == 1 and len(worked) == 1, stdouts
    assert held[0].count("\n") == 0  # one line
    assert query(db_url, "select count(*) from ticket") == mails
    assert query(db_url, "select count(*) from outbox") == mails
    assert list_uids(imap_account, "INBOX") == []


# -- several workers on PostgreSQL ---------------------------------------------------------------


def test_two_workers_one_reads_the_mailbox_and_the_other_takes_over_when_it_dies(
    pg_server: PostgresServer, imap_account: ImapAccount, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    with pg_server.fresh_database() as url:
        settings = settings_for(db_url=url, imap_account=imap_account, smtp_server=smtp_server, worker=FAST)
        env = upgraded(settings)
        with (
            running(env, tmp_path / "a.log") as first,
            running(env, tmp_path / "b.log") as second,
        ):
            wait_until(
                lambda: bool(first.events("mailbox.leading") or second.events("mailbox.leading")),
                timeout=20,
                what="a leader",
            )
            leader, follower = (first, second) if first.events("mailbox.leading") else (second, first)
            follower.wait_for("mailbox.standby")
            append(imap_account, make_mail(QUESTION_EN, sender="before@example.com"))
            smtp_server.wait_for(1, timeout=15)
            # Killed between the server's 250 and the commit, a mail would be sent again after its lease
            # (SMTP is at-least-once, see the README): kill the leader once the "sent" is committed.
            sent = "select count(*) from outbox where status = 'sent'"
            wait_until(lambda: query(url, sent) == 1, timeout=10, what="the first ack recorded")

            leader.process.kill()
            leader.process.wait()
            killed = time.monotonic()
            append(imap_account, make_mail(QUESTION_EN, sender="after@example.com"))
            smtp_server.wait_for(2, timeout=60)
            failover = time.monotonic() - killed
            print(f"\nleader killed; the survivor acknowledged the next mail {failover:.1f} s later")
            assert follower.events("mailbox.leading")
            time.sleep(2)  # nothing else arrives
            assert_stops_cleanly(follower)
        assert not leader.events("worker.stopped")  # it was killed, not stopped
        assert recipients(smtp_server) == ["after@example.com", "before@example.com"]
        assert query(url, "select count(*) from ticket") == 2
        assert query(url, "select count(*) from message") == 2
        assert list_uids(imap_account, "INBOX") == []


def test_the_database_dropping_every_connection_is_survived(
    pg_server: PostgresServer, imap_account: ImapAccount, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    """What a PostgreSQL restart does to a worker: every session (the lock's too) is cut."""
    with pg_server.fresh_database() as url:
        settings = settings_for(db_url=url, imap_account=imap_account, smtp_server=smtp_server, worker=FAST)
        env = upgraded(settings)
        database = url.rsplit("/", 1)[1]
        with running(env, tmp_path / "worker.log") as worker:
            worker.wait_for("imap.folder_first_read")
            with psycopg.connect(pg_server.admin_conninfo(), autocommit=True) as admin:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                    (database,),
                )
            worker.wait_for("mailbox.lock_lost", timeout=15)
            worker.wait_for("mailbox.leading", count=2, timeout=15)  # took the lock again
            append(imap_account, make_mail(QUESTION_EN, sender="tom@example.com"))
            smtp_server.wait_for(1, timeout=15)
            assert_stops_cleanly(worker)
        assert query(url, "select count(*) from ticket") == 1
        assert list_uids(imap_account, "INBOX") == []
