"""Retention on SQLite and PostgreSQL: ``raw_mail_days`` after a ticket is resolved its raw mail goes, both
ways; mail without a ticket goes once as old; open tickets and unsent mail keep theirs; two workers
sweeping at once purge every row once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from inboxbot.adapters.db.models import Message, MessageRaw, OutboxMail, Ticket
from inboxbot.bootstrap import App
from inboxbot.service.retention import RetentionReport, RetentionSweeper
from inboxbot.service.ticket_view import ticket_view
from tests.integration.conftest import AppFactory
from tests.support import QUESTION_EN, UNSUBSCRIBE_RU, Clock, bounce, make_mail

DAYS = 30


@pytest.fixture
def app(make_app: AppFactory, db_url: str, tmp_path: Path) -> App:
    return make_app(
        db_url=db_url, maildir=tmp_path / "mail", files=tmp_path / "outbox", retention={"raw_mail_days": DAYS}
    )


def deliver(tmp_path: Path, *mails: bytes) -> None:
    inbox = tmp_path / "mail" / "new"
    inbox.mkdir(parents=True, exist_ok=True)
    for mail in mails:
        (inbox / f"{len(list(inbox.iterdir()))}.eml").write_bytes(mail)


def kept(app: App) -> dict[str, set[str]]:
    """Whose mail still has its bytes: inbound by sender, outbound by recipient and kind."""
    with app.store.transaction() as tx:
        inbound = tx.session.execute(
            select(col(Message.sender)).join(MessageRaw, col(MessageRaw.message_id) == col(Message.id))
        )
        outbound = tx.session.execute(
            select(col(OutboxMail.recipient), col(OutboxMail.kind)).where(
                func.length(col(OutboxMail.raw)) > 0
            )
        )
        return {"in": {s for (s,) in inbound}, "out": {f"{r} {k}" for r, k in outbound}}


def sweep(app: App) -> RetentionReport:
    return RetentionSweeper(app.store, app.settings.retention, app.clock).run()


def test_raw_mail_goes_days_after_its_ticket_is_resolved_and_only_then(
    app: App, tmp_path: Path, clock: Clock
) -> None:
    deliver(
        tmp_path,
        make_mail(UNSUBSCRIBE_RU, sender="gone@example.kz", subject="Отписка"),  # resolves itself
        make_mail(QUESTION_EN, sender="open@example.com", subject="Discount"),  # stays open
        bounce("gone@example.kz"),  # automated: no ticket
    )
    app.worker.run_once()
    asked = app.desk.resolve(
        _number(app, "open@example.com"), note="answered", actor="staff:tom", notify_client=True
    )[0]
    app.desk.reopen(asked.number, actor="staff:tom")  # the closing notice waits, unsent, in the outbox
    before = kept(app)

    clock.advance(days=DAYS - 1)
    assert sweep(app) == RetentionReport(0, 0)
    clock.advance(days=2)
    report = sweep(app)

    after = kept(app)
    assert report == RetentionReport(raw_mails=2, outbox_mails=1)  # her mail, the bounce; the confirmation
    assert before["in"] - after["in"] == {"gone@example.kz", "mailer-daemon@mx.example.net"}
    assert after == {"in": {"open@example.com"}, "out": before["out"] - {"gone@example.kz unsubscribed"}}
    assert "open@example.com closing_notice" in after["out"]  # never sent: never purged
    view = ticket_view(app.store, _number(app, "gone@example.kz"), now=clock())
    assert view.inbound[0].shown.unreadable == "the mail's text is no longer kept"
    assert view.inbound[0].subject == "Отписка"  # the record of the mail stays
    assert sweep(app) == RetentionReport(0, 0)  # twice changes nothing


def test_the_worker_purges_after_the_sla_sweep_and_records_its_heartbeat(
    app: App, tmp_path: Path, clock: Clock
) -> None:
    deliver(tmp_path, bounce("old@example.kz"))
    app.worker.run_once()
    clock.advance(days=DAYS + 1)

    app.worker.run_once()

    assert kept(app)["in"] == set()
    with app.store.transaction() as tx:
        assert "retention" in tx.heartbeats()


def test_two_workers_sweeping_at_once_purge_every_mail_once(app: App, tmp_path: Path, clock: Clock) -> None:
    deliver(tmp_path, *(bounce(f"user{n}@example.kz") for n in range(120)))
    app.worker.run_once()
    clock.advance(days=DAYS + 1)
    reports: list[RetentionReport] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            reports.append(RetentionSweeper(app.store, app.settings.retention, app.clock, batch=10).run())
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(r.raw_mails for r in reports) == 120
    assert kept(app)["in"] == set()


def _number(app: App, sender: str) -> str:
    with app.store.transaction() as tx:
        return tx.session.scalars(select(Ticket.number).where(col(Ticket.sender) == sender)).one()
