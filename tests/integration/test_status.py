"""``collect_status``: heartbeats, mailbox backlog, outbox queue, open and overdue tickets, stable keys."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import update
from sqlmodel import col

from inboxbot.adapters.db.models import OutboxMail, Ticket
from inboxbot.service.ports import MailSource, MailSourceError
from inboxbot.service.status import collect_status
from tests.harness.dovecot import ImapAccount, append
from tests.integration.conftest import AppFactory
from tests.support import QUESTION_EN, Clock, make_mail

KEYS = {
    "version",
    "generated_at",
    "last_poll_at",
    "heartbeats",
    "mailbox",
    "outbox",
    "tickets",
    "spam",
    "complaints",
    "platforms",
}


def unreachable() -> MailSource:
    raise MailSourceError("IMAP server imap.example.kz:993 unreachable: [Errno 111] Connection refused")


def test_a_fresh_installation_reports_nothing_done_yet(
    make_app: AppFactory, db_url: str, tmp_path: Path, clock: Clock
) -> None:
    app = make_app(db_url=db_url, maildir=tmp_path / "maildir", files=tmp_path / "outbox")
    status = collect_status(app.store, unreachable, now=clock())
    assert set(status) == KEYS
    assert status["version"] == 1
    assert status["last_poll_at"] is None
    assert status["heartbeats"] == {
        "poll": None,
        "deliver": None,
        "fulfil": None,
        "sla": None,
        "notify": None,
        "retention": None,
    }
    assert status["mailbox"] == {
        "source": None,
        "waiting": None,
        "error": "IMAP server imap.example.kz:993 unreachable: [Errno 111] Connection refused",
    }
    assert status["outbox"] == {
        "pending": 0,
        "failed": 0,
        "oldest_pending_at": None,
        "oldest_pending_age_seconds": None,
    }
    assert status["tickets"] == {"open": 0, "overdue": 0}
    assert status["spam"] == {"last_24h": 0, "total": 0}
    assert status["complaints"] == {"last_24h": 0, "total": 0}
    json.dumps(status)  # JSON as it is


def test_status_after_work_counts_backlog_queue_open_and_overdue(
    make_app: AppFactory, db_url: str, imap_account: ImapAccount, tmp_path: Path, clock: Clock
) -> None:
    app = make_app(db_url=db_url, imap_account=imap_account, files=tmp_path / "outbox")
    for n in range(4):
        append(imap_account, make_mail(QUESTION_EN, sender=f"client{n}@example.kz"))
    polled_at = clock()
    app.worker.poll()
    app.worker.beat("poll")
    for n in range(2):
        append(imap_account, make_mail(QUESTION_EN, sender=f"late{n}@example.kz"))
    with app.store.transaction() as tx:
        ids = [t.id for t in tx.tickets()]
        session = tx.session
        session.execute(update(Ticket).where(col(Ticket.id) == ids[0]).values(status="resolved"))
        session.execute(
            update(Ticket).where(col(Ticket.id) == ids[1]).values(due_at=polled_at - timedelta(hours=1))
        )
        session.execute(update(OutboxMail).where(col(OutboxMail.ticket_id) == ids[2]).values(status="failed"))
    clock.advance(minutes=10)

    status = collect_status(app.store, app.worker.open_source, now=clock())

    assert status["last_poll_at"] == status["heartbeats"]["poll"]["at"]
    assert status["heartbeats"]["poll"]["age_seconds"] >= 0
    assert status["heartbeats"]["deliver"] is None
    assert status["mailbox"] == {"source": "imap:INBOX", "waiting": 2, "error": None}
    outbox = status["outbox"]
    assert (outbox["pending"], outbox["failed"]) == (3, 1)
    assert outbox["oldest_pending_age_seconds"] >= 600
    assert outbox["oldest_pending_at"].endswith("+00:00")
    assert status["tickets"] == {"open": 3, "overdue": 1}
    clock.advance(hours=25)
    assert collect_status(app.store, unreachable, now=clock())["tickets"] == {"open": 3, "overdue": 3}
