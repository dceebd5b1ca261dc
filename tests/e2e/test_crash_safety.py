"""Kill the worker in the middle of a batch, run it again: no mail lost, no ticket or reply twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from inboxbot.adapters.db.models import OutboxMail, Ticket
from inboxbot.adapters.db.store import normalize_url
from tests.harness.dovecot import ImapAccount, append, fetch_all, list_uids
from tests.support import ROOT, env_for, inboxbot, make_mail, settings_for

pytestmark = pytest.mark.e2e
MAILS = 120


def count(url: str, model: type) -> int:
    engine = create_engine(normalize_url(url))
    try:
        with engine.connect() as conn:
            if not engine.dialect.has_table(conn, model.__tablename__):  # type: ignore[attr-defined]
                return 0
            return int(conn.execute(select(func.count()).select_from(model)).scalar_one())
    finally:
        engine.dispose()


def start_run_once(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "inboxbot", "run-once"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill_after(
    process: subprocess.Popen[bytes], url: str, tickets_at_least: int, timeout: float = 60
) -> bool:
    """SIGKILL the worker once ``tickets_at_least`` tickets are committed; False if it finished first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if count(url, Ticket) >= tickets_at_least:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.02)
    process.kill()
    raise AssertionError("the worker made no progress")


def test_sigkill_mid_batch_then_rerun_loses_nothing_and_doubles_nothing(
    imap_account: ImapAccount, db_url: str, tmp_path: Path
) -> None:
    for i in range(MAILS):
        append(
            imap_account,
            make_mail(f"Здравствуйте! Вопрос номер {i} по счёту.", sender=f"client{i}@example.kz"),
        )
    settings = settings_for(
        db_url=db_url, imap_account=imap_account, files=tmp_path / "outbox", imap={"batch_size": 25}
    )
    env = env_for(settings)
    assert inboxbot("db", "upgrade", env=env).returncode == 0

    kills = 0
    for fraction in (0.15, 0.45, 0.75):
        if kill_after(start_run_once(env), db_url, int(MAILS * fraction)):
            kills += 1
    final = inboxbot("run-once", env=env)
    again = inboxbot("run-once", env=env)

    assert kills >= 2, "the worker finished before it could be killed: make the batch bigger"
    assert final.returncode == 0, final.stderr
    assert again.stdout.startswith("inboxbot: 0 mail(s)")
    assert count(db_url, Ticket) == MAILS
    assert count(db_url, OutboxMail) == MAILS  # one acknowledgement per ticket, never two
    engine = create_engine(normalize_url(db_url))
    with engine.connect() as conn:
        senders = conn.execute(text("select count(distinct sender) from ticket")).scalar_one()
        per_ticket = conn.execute(
            text("select max(n) from (select count(*) n from outbox group by ticket_id) x")
        )
        assert (senders, per_ticket.scalar_one()) == (MAILS, 1)
    engine.dispose()
    assert list_uids(imap_account, "INBOX") == []
    assert len(fetch_all(imap_account, "Processed")) == MAILS
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == MAILS


def _backlog(imap_account: ImapAccount, mails: int) -> None:
    for i in range(mails):
        append(imap_account, make_mail(f"Hello, question number {i}.", sender=f"c{i}@example.com"))


def _wait_for_tickets(process: subprocess.Popen[bytes], url: str, at_least: int) -> None:
    deadline = time.monotonic() + 60
    while count(url, Ticket) < at_least:
        assert process.poll() is None, "the worker finished before the test could interrupt it"
        assert time.monotonic() < deadline, "the worker made no progress"
        time.sleep(0.02)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as status:
            return not any(line.startswith("State:\tZ") for line in status)
    except FileNotFoundError:
        return False


def test_sigterm_to_run_once_ends_the_batch_in_hand_and_exits_0(
    imap_account: ImapAccount, db_url: str, tmp_path: Path
) -> None:
    """What a cron job's time limit does: the batch in hand is committed and moved, the rest waits."""
    mails = 300
    _backlog(imap_account, mails)
    settings = settings_for(
        db_url=db_url, imap_account=imap_account, files=tmp_path / "outbox", imap={"batch_size": 25}
    )
    env = env_for(settings)
    assert inboxbot("db", "upgrade", env=env).returncode == 0
    worker = subprocess.Popen(
        [sys.executable, "-m", "inboxbot", "run-once"], env=env, cwd=ROOT, stderr=subprocess.PIPE
    )
    _wait_for_tickets(worker, db_url, 25)
    worker.send_signal(signal.SIGTERM)
    started = time.monotonic()
    _, stderr = worker.communicate(timeout=30)

    assert worker.returncode == 0, stderr
    assert time.monotonic() - started < 10
    assert b'"worker.stopping"' in stderr
    done = count(db_url, Ticket)
    assert done < mails
    assert len(list_uids(imap_account, "Processed")) == done  # what was committed has left the inbox
    assert len(list_uids(imap_account, "INBOX")) == mails - done

    assert inboxbot("run-once", env=env).returncode == 0
    assert count(db_url, Ticket) == mails and count(db_url, OutboxMail) == mails


def test_parse_processes_do_not_outlive_a_killed_worker(
    imap_account: ImapAccount, db_url: str, tmp_path: Path
) -> None:
    _backlog(imap_account, MAILS)
    settings = settings_for(
        db_url=db_url, imap_account=imap_account, files=tmp_path / "outbox", imap={"batch_size": 25}
    )
    env = env_for(settings)
    assert inboxbot("db", "upgrade", env=env).returncode == 0
    worker = start_run_once(env)
    _wait_for_tickets(worker, db_url, 25)  # batches of 25 are parsed in the pool
    with open(f"/proc/{worker.pid}/task/{worker.pid}/children") as children:
        helpers = [int(pid) for pid in children.read().split()]
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()

    assert helpers, "no parse process was started"
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in helpers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in helpers if _alive(pid)]
