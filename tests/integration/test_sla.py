"""The 24-hour promise enforced against a real Dovecot, SMTP server and database, with a driven clock."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from inboxbot.adapters.db.models import OutboxMail, SlaEscalation, Ticket
from inboxbot.bootstrap import App
from inboxbot.core.tickets import TicketStatus
from tests.harness.dovecot import ImapAccount, append
from tests.harness.postgres import PostgresServer
from tests.harness.smtp import SmtpServer
from tests.integration.conftest import AppFactory
from tests.support import QUESTION_EN, Clock, hours_ago, make_mail, settings_for

STAFF = {"support@1texno.kz": "reminder", "supervisor@1texno.kz": "escalation", "manager@1texno.kz": "breach"}


def escalations(smtp: SmtpServer) -> Counter[str]:
    return Counter(STAFF[m.rcpt_tos[0]] for m in smtp.messages if m.rcpt_tos[0] in STAFF)


def tickets(app: App) -> list[Ticket]:
    with app.store.transaction() as tx:
        return list(tx.session.scalars(select(Ticket).order_by(Ticket.received_at)))


def test_levels_fire_by_age_exactly_once(
    imap_account: ImapAccount, smtp_server: SmtpServer, db_url: str, make_app: AppFactory, clock: Clock
) -> None:
    for age in (11, 13, 21, 25):
        append(
            imap_account,
            make_mail(f"{QUESTION_EN} ({age})", sender=f"c{age}@example.com"),
            internaldate=hours_ago(age, clock.now),
        )
    app = make_app(db_url=db_url, imap_account=imap_account, smtp_server=smtp_server)

    app.worker.run_once()
    smtp_server.wait_for(4 + 6)
    first = escalations(smtp_server)
    app.worker.run_once()

    assert first == {"reminder": 3, "escalation": 2, "breach": 1}
    assert escalations(smtp_server) == first  # none on the second run
    by_age = {t.sender: t for t in tickets(app)}
    assert by_age["c25@example.com"].breached_at == hours_ago(1, clock.now)
    assert by_age["c21@example.com"].breached_at is None
    with app.store.transaction() as tx:
        events = {e.kind: e.detail for e in tx.events_of(by_age["c25@example.com"].id or 0)}
    assert events["sla_breach"]["late_seconds"] == 3600  # fired late, and says by how much
    assert events["sla_reminder"]["late_seconds"] == 13 * 3600
    breach = next(m for m in smtp_server.messages if m.rcpt_tos == ("manager@1texno.kz",)).message
    assert breach["Auto-Submitted"] == "auto-generated"
    body = breach.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "просрочено на 1 ч 0 мин" in body and "inboxbot tickets resolve" in body
    assert "c25@example.com" in body and "Hello, do you offer a discount" in body


def test_a_ticket_resolved_before_a_level_falls_due_never_fires_it(
    imap_account: ImapAccount, smtp_server: SmtpServer, db_url: str, make_app: AppFactory, clock: Clock
) -> None:
    append(imap_account, make_mail(QUESTION_EN), internaldate=hours_ago(11, clock.now))
    app = make_app(db_url=db_url, imap_account=imap_account, smtp_server=smtp_server)
    app.worker.run_once()
    [ticket] = tickets(app)
    app.desk.resolve(ticket.number, note="answered by phone", actor="staff:test")
    clock.advance(hours=30)

    app.worker.run_once()

    assert escalations(smtp_server) == {}
    [ticket] = tickets(app)
    assert (ticket.status, ticket.next_escalation_at, ticket.breached_at) == ("resolved", None, None)


def test_waiting_on_the_client_pauses_the_clock_and_moves_the_deadline(
    smtp_server: SmtpServer, db_url: str, tmp_path: Path, make_app: AppFactory, clock: Clock
) -> None:
    app = make_app(db_url=db_url, maildir=tmp_path / "mail", smtp_server=smtp_server)
    (tmp_path / "mail" / "new").mkdir(parents=True)
    (tmp_path / "mail" / "new" / "1").write_bytes(make_mail(QUESTION_EN))
    app.worker.run_once()
    [ticket] = tickets(app)
    received, due = ticket.received_at, ticket.due_at
    clock.advance(hours=10)
    with app.store.transaction() as tx:
        row = tx.ticket(ticket.id or 0)
        assert row is not None
        app.lifecycle.transition(
            tx, row, TicketStatus.WAITING, now=clock(), actor="staff:test", why="asked for IIN"
        )
    clock.advance(hours=5)
    app.worker.run_once()  # 15 h since receipt, but the clock stood still for 5 h: no reminder yet
    assert escalations(smtp_server) == {}
    with app.store.transaction() as tx:
        row = tx.ticket(ticket.id or 0)
        assert row is not None
        app.lifecycle.transition(
            tx, row, TicketStatus.OPEN, now=clock(), actor="client", why="client answered"
        )

    [ticket] = tickets(app)
    assert (ticket.paused_seconds, ticket.due_at) == (5 * 3600, due + timedelta(hours=5))
    assert ticket.next_escalation_at == received + timedelta(hours=17)
    clock.advance(hours=1, minutes=59)
    app.worker.run_once()
    assert escalations(smtp_server) == {}
    clock.advance(minutes=2)
    app.worker.run_once()
    assert escalations(smtp_server) == {"reminder": 1}


def test_unsubscribe_fulfilled_at_once_counts_as_met(
    smtp_server: SmtpServer, db_url: str, tmp_path: Path, make_app: AppFactory, clock: Clock
) -> None:
    from inboxbot.service.sla_report import sla_report

    app = make_app(db_url=db_url, maildir=tmp_path / "mail", smtp_server=smtp_server)
    (tmp_path / "mail" / "new").mkdir(parents=True)
    (tmp_path / "mail" / "new" / "1").write_bytes(
        make_mail("Отпишите меня от рассылки.", sender="a@example.kz")
    )
    app.worker.run_once()
    clock.advance(hours=30)
    app.worker.run_once()

    report = sla_report(
        app.store,
        app.lifecycle.policy,
        now=clock(),
        since=clock() - timedelta(days=2),
        until=clock(),
        at_risk=timedelta(hours=4),
    )
    assert escalations(smtp_server) == {}
    assert report["categories"]["unsubscribe"]["resolved_within_sla"] == 1
    assert report["categories"]["unsubscribe"]["breached"] == 0


def test_two_workers_sweeping_at_once_on_postgresql_send_each_escalation_once(
    pg_server: PostgresServer, smtp_server: SmtpServer, tmp_path: Path, make_app: AppFactory, clock: Clock
) -> None:
    with pg_server.fresh_database() as url:
        settings = settings_for(db_url=url, maildir=tmp_path / "mail", smtp_server=smtp_server)
        first, second = make_app(settings), make_app(settings)
        new = tmp_path / "mail" / "new"
        new.mkdir(parents=True)
        for i in range(60):
            (new / str(i)).write_bytes(make_mail(f"{QUESTION_EN} {i}", sender=f"c{i}@example.com"))
        first.worker.poll()
        clock.advance(hours=25)  # every level of every ticket is due now

        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def sweep(app: App) -> None:
            try:
                barrier.wait()
                app.sweeper.run()
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=sweep, args=(app,)) for app in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)

        assert errors == []
        with first.store.transaction() as tx:
            fired = Counter(tx.session.scalars(select(SlaEscalation.level)))
            staff_mail = Counter(
                tx.session.scalars(select(OutboxMail.kind).where(OutboxMail.kind.startswith("sla_")))
            )  # type: ignore[attr-defined]
        assert fired == {"reminder": 60, "escalation": 60, "breach": 60}
        assert staff_mail == {"sla_reminder": 60, "sla_escalation": 60, "sla_breach": 60}
        first.store.dispose()
        second.store.dispose()
