"""Staff hear of new work: real SMTP server, SQLite and PostgreSQL, a driven clock."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import col

from inboxbot.adapters.db.models import OutboxMail, StaffNotice, Ticket
from inboxbot.bootstrap import App
from inboxbot.core.tickets import TicketStatus
from inboxbot.service.ports import BackendError
from tests.harness.smtp import ReceivedMessage, SmtpServer
from tests.integration.conftest import AppFactory
from tests.integration.test_unsubscribe import FlakyService
from tests.support import ACCESS_RU, CHANGE_KK, QUESTION_EN, Clock, make_mail, settings_for

STAFF = ("duty@1texno.kz", "lead@1texno.kz")
LONG_REQUEST = "\n".join([QUESTION_EN, *(f"Line {n} of my story." for n in range(2, 8)), "SECRET tail"])


def notify_app(make_app: AppFactory, db_url: str, tmp_path: Path, smtp: SmtpServer, **notify: Any) -> App:
    (tmp_path / "mail" / "new").mkdir(parents=True, exist_ok=True)
    return make_app(
        settings_for(
            db_url=db_url,
            maildir=tmp_path / "mail",
            smtp_server=smtp,
            notify={"new_ticket": list(STAFF), **notify},
        )
    )


def deliver_mail(tmp_path: Path, name: str, raw: bytes) -> None:
    (tmp_path / "mail" / "new" / name).write_bytes(raw)


def staff_mail(smtp: SmtpServer) -> list[ReceivedMessage]:
    return [m for m in smtp.messages if m.rcpt_tos[0] in STAFF]


def text_of(mail: ReceivedMessage) -> str:
    return str(mail.message.get_body(("plain",)).get_content())  # type: ignore[union-attr]


def tickets(app: App) -> dict[str, Ticket]:
    """Tickets by sender."""
    with app.store.transaction() as tx:
        return {t.sender: t for t in tx.session.scalars(select(Ticket))}


def notices(app: App) -> dict[int, tuple[str, str]]:
    """Ticket id -> (status, mode) of its notice."""
    with app.store.transaction() as tx:
        return {n.ticket_id: (n.status, n.mode) for n in tx.session.scalars(select(StaffNotice))}


def staff_kinds(app: App) -> Counter[str]:
    with app.store.transaction() as tx:
        stmt = select(col(OutboxMail.kind)).where(col(OutboxMail.recipient).in_(STAFF))
        return Counter(tx.session.scalars(stmt))


def test_each_ticket_that_needs_a_person_is_one_mail_to_each_staff_member(
    smtp_server: SmtpServer, db_url: str, tmp_path: Path, make_app: AppFactory
) -> None:
    app = notify_app(make_app, db_url, tmp_path, smtp_server)
    deliver_mail(tmp_path, "1", make_mail(LONG_REQUEST, sender="Tom <tom@example.com>", subject="Discount?"))
    deliver_mail(tmp_path, "2", make_mail(CHANGE_KK, sender="aigerim@example.kz"))
    deliver_mail(tmp_path, "3", make_mail("remove me", sender="john@example.com"))  # flagged for review

    app.worker.run_once()

    by_sender = tickets(app)
    tom, flagged = by_sender["tom@example.com"], by_sender["john@example.com"]
    received = staff_mail(smtp_server)
    assert sorted((m.rcpt_tos[0], m.message["Subject"].split("]")[0][1:]) for m in received) == sorted(
        (to, t.number) for to in STAFF for t in by_sender.values()
    )
    to_tom = next(m for m in received if m.message["Subject"].startswith(f"[{tom.number}]"))
    assert to_tom.message["Subject"] == f"[{tom.number}] Новое обращение, осталось 24 ч 0 мин"
    assert to_tom.message["Auto-Submitted"] == "auto-generated"
    body = text_of(to_tom)
    assert "Новое обращение ждёт сотрудника." in body
    assert "Tom <tom@example.com>" in body and "Тема: Discount?" in body
    assert "> Hello, do you offer a discount" in body and "Line 6 of my story." in body
    assert "SECRET tail" not in body  # the first lines only, never the whole text
    to_flagged = next(m for m in received if m.message["Subject"].startswith(f"[{flagged.number}]"))
    assert "Обращение ждёт проверки" in to_flagged.message["Subject"]
    assert f"inboxbot tickets approve {flagged.number}" in text_of(to_flagged)
    assert set(notices(app).values()) == {("sent", "single")}
    with app.store.transaction() as tx:
        kinds = [e.kind for e in tx.events_of(tom.id or 0)]
    assert "staff_notified" in kinds and "staff_new_ticket_sent" in kinds

    app.worker.run_once()
    assert len(staff_mail(smtp_server)) == 6  # told once


def test_no_notice_for_an_unsubscribe_that_resolved_itself_nor_a_ticket_closed_before_the_sweep(
    smtp_server: SmtpServer, db_url: str, tmp_path: Path, make_app: AppFactory, clock: Clock
) -> None:
    app = notify_app(make_app, db_url, tmp_path, smtp_server)
    deliver_mail(tmp_path, "1", make_mail("Отпишите меня от рассылки.", sender="a@example.kz"))
    deliver_mail(tmp_path, "2", make_mail(QUESTION_EN, sender="tom@example.com"))
    app.worker.poll()
    with app.store.transaction() as tx:
        question = tx.ticket(tickets(app)["tom@example.com"].id or 0)
        assert question is not None
        app.lifecycle.transition(
            tx, question, TicketStatus.RESOLVED, now=clock(), actor="staff:test", why="answered by phone"
        )

    app.worker.run_once()

    by_sender = tickets(app)
    assert by_sender["a@example.kz"].status == "resolved"  # the unsubscribe was done by inboxbot
    assert staff_mail(smtp_server) == []
    assert notices(app) == {by_sender["tom@example.com"].id: ("skipped", "")}


def test_with_nobody_to_tell_notices_are_skipped_and_naming_someone_later_sends_no_backlog(
    smtp_server: SmtpServer, db_url: str, tmp_path: Path, make_app: AppFactory, clock: Clock
) -> None:
    app = notify_app(make_app, db_url, tmp_path, smtp_server, new_ticket=[])
    deliver_mail(tmp_path, "1", make_mail(ACCESS_RU, sender="pavel@example.ru"))
    app.worker.run_once()
    assert staff_mail(smtp_server) == []
    assert set(notices(app).values()) == {("skipped", "")}

    later = notify_app(make_app, db_url, tmp_path, smtp_server)
    later.worker.run_once()
    assert staff_mail(smtp_server) == []


def test_a_burst_becomes_one_digest_and_the_next_digest_waits_digest_minutes(
    smtp_server: SmtpServer, db_url: str, tmp_path: Path, make_app: AppFactory, clock: Clock
) -> None:
    app = notify_app(make_app, db_url, tmp_path, smtp_server, digest_after=3, digest_minutes=15)
    for n in range(5):
        deliver_mail(tmp_path, f"a{n}", make_mail(f"{QUESTION_EN} {n}", sender=f"a{n}@example.com"))

    app.worker.run_once()

    first = tickets(app)
    digests = staff_mail(smtp_server)
    assert sorted(m.rcpt_tos[0] for m in digests) == sorted(STAFF)
    assert digests[0].message["Subject"] == "Новые обращения ждут сотрудника: 5"
    assert digests[0].message["Auto-Submitted"] == "auto-generated"
    body = text_of(digests[0])
    assert all(t.number in body and t.sender in body for t in first.values())
    assert "Hello, do you offer" not in body  # a digest lists tickets, not their text
    assert set(notices(app).values()) == {("sent", "digest")}

    for n in range(4):
        deliver_mail(tmp_path, f"b{n}", make_mail(f"{QUESTION_EN} {n}", sender=f"b{n}@example.com"))
    clock.advance(minutes=5)
    app.worker.run_once()
    clock.advance(minutes=9, seconds=59)
    app.worker.run_once()
    assert len(staff_mail(smtp_server)) == 2  # the burst goes on: these wait for the next digest
    assert Counter(status for status, _ in notices(app).values()) == {"sent": 5, "pending": 4}

    clock.advance(seconds=1)
    app.worker.run_once()

    second = staff_mail(smtp_server)[2:]
    assert [m.message["Subject"] for m in second] == ["Новые обращения ждут сотрудника: 4"] * 2
    assert all(t.number in text_of(second[0]) for s, t in tickets(app).items() if s not in first)
    assert staff_kinds(app) == {"staff_digest": 4}


@pytest.mark.parametrize("digest_after", [100, 3], ids=["single", "digest"])
def test_two_workers_sweeping_at_once_tell_of_each_ticket_once(
    smtp_server: SmtpServer, db_url: str, tmp_path: Path, make_app: AppFactory, digest_after: int
) -> None:
    first = notify_app(make_app, db_url, tmp_path, smtp_server, digest_after=digest_after)
    second = notify_app(make_app, db_url, tmp_path, smtp_server, digest_after=digest_after)
    for n in range(30):
        deliver_mail(tmp_path, str(n), make_mail(f"{QUESTION_EN} {n}", sender=f"c{n}@example.com"))
    first.worker.poll()

    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def sweep(app: App) -> None:
        try:
            barrier.wait()
            app.notifier.run()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=sweep, args=(app,)) for app in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    expected = {"staff_new_ticket": 30 * len(STAFF)} if digest_after == 100 else {"staff_digest": len(STAFF)}
    assert staff_kinds(first) == expected
    with first.store.transaction() as tx:
        per_ticket = Counter(
            tx.session.scalars(
                select(col(OutboxMail.ticket_id)).where(col(OutboxMail.kind) == "staff_new_ticket")
            )
        )
    assert all(count == len(STAFF) for count in per_ticket.values())
    assert Counter(status for status, _ in notices(first).values()) == {"sent": 30}


def test_a_failed_unsubscribe_hands_the_ticket_to_staff(
    smtp_server: SmtpServer, db_url: str, tmp_path: Path, make_app: AppFactory
) -> None:
    settings = settings_for(
        db_url=db_url, maildir=tmp_path / "mail", smtp_server=smtp_server, notify={"new_ticket": [STAFF[0]]}
    )
    app = make_app(settings, backends=[FlakyService([BackendError("401 invalid API key", permanent=True)])])
    (tmp_path / "mail" / "new").mkdir(parents=True)
    deliver_mail(tmp_path, "1", make_mail("Please unsubscribe me.", sender="john@example.com"))

    app.worker.run_once()

    [ticket] = tickets(app).values()
    assert ticket.status == "open"
    [notice] = staff_mail(smtp_server)
    assert notice.message["Subject"].startswith(f"[{ticket.number}] Отписку не удалось завершить")
    assert "адрес уже в списке исключений" in text_of(notice)
    assert notices(app) == {ticket.id: ("sent", "single")}
