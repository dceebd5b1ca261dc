"""Unsubscribe fulfilled end to end: real Dovecot, a real SMTP server, SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from inboxbot.adapters.db.models import Ticket
from inboxbot.adapters.db.store import Tx
from inboxbot.adapters.segments_db import DatabaseSegments
from inboxbot.bootstrap import App
from inboxbot.service.contacts import import_contacts, segment_members
from inboxbot.service.ports import BackendError
from tests.harness.dovecot import ImapAccount, append
from tests.harness.smtp import SmtpServer
from tests.integration.conftest import AppFactory
from tests.support import QUESTION_EN, Clock, make_mail, settings_for

CSV = (
    "email,name,phone,language\n"
    "aigerim@example.kz,Айгерім,+7 701 000 00 01,kk\n"
    "pavel@example.ru,Павел,+7 701 000 00 02,ru\n"
    "john@example.com,John,,en\n"
    "stays@example.kz,Stays,,ru\n"
)
UNSUBSCRIBE = {
    "aigerim@example.kz": (
        "Жазылымнан шығару",
        "Сәлеметсіз бе! Мені таратылымнан шығарыңызшы, хаттар керек емес.",
    ),
    "pavel@example.ru": ("Отписка", "Отпишите меня от всех ваших рассылок и смс, пожалуйста."),
    "john@example.com": ("Unsubscribe", "Please remove me from your mailing list."),
    "nobody@example.com": ("stop", "Please stop sending me your newsletter."),
}


def write_csv(tmp_path: Path) -> Path:
    path = tmp_path / "clients.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def load_segments(app: App, tmp_path: Path) -> None:
    path = write_csv(tmp_path)
    import_contacts(app.store, path, segment="Новости", channel="email", clock=app.clock)
    import_contacts(app.store, path, segment="SMS-акции", channel="sms", clock=app.clock)


def members(app: App, segment: str) -> list[str]:
    return [c.email for c in segment_members(app.store, segment) or []]


def all_tickets(app: App) -> list[Ticket]:
    with app.store.transaction() as tx:
        return list(tx.session.scalars(select(Ticket).order_by(Ticket.id)))


def events(app: App, ticket: Ticket) -> list[str]:
    with app.store.transaction() as tx:
        return [e.kind for e in tx.events_of(ticket.id or 0)]


def test_unsubscribe_mails_in_three_languages_leave_every_segment_and_stay_out(
    imap_account: ImapAccount, smtp_server: SmtpServer, db_url: str, tmp_path: Path, make_app: AppFactory
) -> None:
    app = make_app(db_url=db_url, imap_account=imap_account, smtp_server=smtp_server)
    load_segments(app, tmp_path)
    for address, (subject, body) in UNSUBSCRIBE.items():
        append(imap_account, make_mail(body, sender=address, subject=subject, message_id=f"<u.{address}>"))

    app.worker.run_once()

    assert members(app, "Новости") == members(app, "SMS-акции") == ["stays@example.kz"]
    tickets = all_tickets(app)
    assert [(t.sender, t.status) for t in tickets] == [(a, "resolved") for a in UNSUBSCRIBE]
    for ticket in tickets:
        assert events(app, ticket) == [
            "opened",
            "ack_skipped",
            "unsubscribe_started",
            "unsubscribed",
            "confirmation_queued",
            "resolved",
            "unsubscribed_sent",
        ]
    sent = {m.rcpt_tos[0]: m for m in smtp_server.wait_for(4)}
    assert set(sent) == set(UNSUBSCRIBE)  # one confirmation each, no acknowledgement besides
    for address, received in sent.items():
        msg = received.message
        assert msg["In-Reply-To"] == f"<u.{address}>" and msg["Auto-Submitted"] == "auto-replied"
    body = {a: m.message.get_body(("plain",)).get_content() for a, m in sent.items()}  # type: ignore[union-attr]
    assert "SMS-акции, Новости" in body["pavel@example.ru"]
    assert "таратылымдарынан шығардық" in body["aigerim@example.kz"]
    assert "was not on any of our mailing lists" in body["nobody@example.com"]
    with app.store.transaction() as tx:
        history = [e.action for e in tx.contacts.history("pavel@example.ru")]
        assert history == ["suppressed", "removed_from_segments"]
        assert tx.contacts.suppression("nobody@example.com") is not None

    again = import_contacts(
        app.store, write_csv(tmp_path), segment="Новости", channel="email", clock=app.clock
    )

    assert (again.suppressed, again.imported) == (3, 1)
    assert members(app, "Новости") == ["stays@example.kz"]


def test_another_address_is_removed_only_when_its_owner_replies(
    imap_account: ImapAccount, smtp_server: SmtpServer, db_url: str, tmp_path: Path, make_app: AppFactory
) -> None:
    app = make_app(db_url=db_url, imap_account=imap_account, smtp_server=smtp_server)
    load_segments(app, tmp_path)
    text = "Добрый день! Павел у нас больше не работает, исключите адрес pavel@example.ru из рассылки."
    append(imap_account, make_mail(text, sender="hr@example.ru", subject="Рассылка"))
    app.worker.run_once()

    [ticket] = all_tickets(app)
    assert ticket.status == "waiting"
    assert "pavel@example.ru" in members(app, "Новости")  # not on the sender's word alone
    by_recipient = {m.rcpt_tos[0]: m.message for m in smtp_server.wait_for(2)}
    assert set(by_recipient) == {"hr@example.ru", "pavel@example.ru"}  # an ack, and the question to the owner
    request = by_recipient["pavel@example.ru"]
    assert request["Subject"] == f"[{ticket.number}] Подтвердите отписку адреса pavel@example.ru"
    with app.store.transaction() as tx:
        assert tx.contacts.suppression("hr@example.ru") is None  # the sender asked nothing for themselves

    reply = make_mail(
        "Да, подтверждаю.",
        sender="pavel@example.ru",
        subject=f"Re: {request['Subject']}",
        headers={"In-Reply-To": request["Message-ID"], "References": request["Message-ID"]},
    )
    append(imap_account, reply)
    app.worker.run_once()

    [ticket] = all_tickets(app)
    assert "pavel@example.ru" not in members(app, "Новости") + members(app, "SMS-акции")
    assert ticket.status == "resolved"
    confirmation = smtp_server.wait_for(3)[-1]
    assert confirmation.rcpt_tos == ("pavel@example.ru",)
    assert "Вы отписаны" in confirmation.message["Subject"]
    assert events(app, ticket).count("address_confirmed") == 1


def test_a_second_request_changes_nothing_and_sends_no_second_confirmation(
    imap_account: ImapAccount, smtp_server: SmtpServer, db_url: str, tmp_path: Path, make_app: AppFactory
) -> None:
    app = make_app(db_url=db_url, imap_account=imap_account, smtp_server=smtp_server)
    load_segments(app, tmp_path)
    first = make_mail("Отпишите меня.", sender="pavel@example.ru", message_id="<p1@x>")
    append(imap_account, first)
    append(imap_account, first)  # the same mail delivered twice
    append(
        imap_account, make_mail("Я же просил отписать меня!", sender="pavel@example.ru", message_id="<p2@x>")
    )

    app.worker.run_once()
    app.worker.run_once()

    tickets = all_tickets(app)
    assert [t.status for t in tickets] == ["resolved", "resolved"]
    assert [m.rcpt_tos for m in smtp_server.messages] == [("pavel@example.ru",)]
    with app.store.transaction() as tx:
        assert [e.action for e in tx.contacts.history("pavel@example.ru")] == [
            "suppressed",
            "removed_from_segments",
        ]
        assert tx.events_of(tickets[1].id or 0)[2].detail == {
            "address": "pavel@example.ru",
            "already_suppressed": True,
        }


def test_reply_unsubscribe_to_an_acknowledgement_is_fulfilled(
    imap_account: ImapAccount, smtp_server: SmtpServer, db_url: str, tmp_path: Path, make_app: AppFactory
) -> None:
    app = make_app(db_url=db_url, imap_account=imap_account, smtp_server=smtp_server)
    load_segments(app, tmp_path)
    append(imap_account, make_mail(QUESTION_EN, sender="john@example.com"))
    app.worker.run_once()
    ack = smtp_server.wait_for(1)[0].message
    append(
        imap_account,
        make_mail(
            "Отписаться",
            sender="john@example.com",
            subject=f"Re: {ack['Subject']}",
            headers={"In-Reply-To": ack["Message-ID"]},
        ),
    )
    app.worker.run_once()
    assert "john@example.com" not in members(app, "Новости")
    confirmation = smtp_server.wait_for(2)[1].message
    assert confirmation["In-Reply-To"] != ack["Message-ID"] and "unsubscribed" in confirmation["Subject"]
    [ticket] = all_tickets(app)
    assert ticket.status == "new"  # the question is still open for a person


@dataclass
class FlakyService:
    """A stand-in for an external mailing service (Mailchimp & co. cannot run here) that fails first."""

    failures: list[BackendError]
    removed: list[str] = field(default_factory=list)
    name: str = "flaky-service"

    def remove_everywhere(self, address: str, tx: Tx) -> list[str]:
        if self.failures:
            raise self.failures.pop(0)
        self.removed.append(address)
        return ["Service list"]


def test_a_failing_backend_is_retried_and_nothing_is_confirmed_before_it_succeeds(
    smtp_server: SmtpServer, db_url: str, tmp_path: Path, make_app: AppFactory, clock: Clock
) -> None:
    service = FlakyService([BackendError("503 from the API"), BackendError("timeout")])
    settings = settings_for(
        db_url=db_url, maildir=tmp_path / "mail", smtp_server=smtp_server, unsubscribe={"backoff_seconds": 60}
    )
    app = make_app(settings, backends=[DatabaseSegments(clock), service])
    (tmp_path / "mail" / "new").mkdir(parents=True)
    (tmp_path / "mail" / "new" / "1").write_bytes(
        make_mail("Please unsubscribe me.", sender="john@example.com")
    )

    app.worker.run_once()
    assert smtp_server.messages == [] and service.removed == []
    clock.advance(seconds=61)
    app.worker.run_once()
    assert smtp_server.messages == []
    clock.advance(seconds=121)
    app.worker.run_once()

    assert service.removed == ["john@example.com"]
    [confirmation] = smtp_server.wait_for(1)
    assert "Service list" in confirmation.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert all_tickets(app)[0].status == "resolved"


@dataclass
class RefusesOne:
    """An external mailing service that is down for one address only, for its first ``outage`` asks."""

    refused: str
    outage: int
    asked: list[str] = field(default_factory=list)
    name: str = "picky-service"

    def remove_everywhere(self, address: str, tx: Tx) -> list[str]:
        self.asked.append(address)
        if address == self.refused and self.asked.count(address) <= self.outage:
            raise BackendError("502 from the API")
        return ["Service list"]


def test_a_backend_failing_on_one_address_holds_back_only_that_one(
    smtp_server: SmtpServer, db_url: str, tmp_path: Path, make_app: AppFactory, clock: Clock
) -> None:
    service = RefusesOne(refused="pavel@example.ru", outage=1)
    settings = settings_for(
        db_url=db_url, maildir=tmp_path / "mail", smtp_server=smtp_server, unsubscribe={"backoff_seconds": 60}
    )
    app = make_app(settings, backends=[DatabaseSegments(clock), service])
    load_segments(app, tmp_path)
    (tmp_path / "mail" / "new").mkdir(parents=True)
    for i, (address, (subject, body)) in enumerate(UNSUBSCRIBE.items()):
        mail = make_mail(body, sender=address, subject=subject, message_id=f"<u.{address}>")
        (tmp_path / "mail" / "new" / str(i)).write_bytes(mail)

    app.worker.run_once()

    confirmed = sorted(m.rcpt_tos[0] for m in smtp_server.wait_for(3))
    assert confirmed == sorted(a for a in UNSUBSCRIBE if a != "pavel@example.ru")
    assert service.asked.count("pavel@example.ru") == 1  # its attempt is counted once per cycle
    assert members(app, "Новости") == ["stays@example.kz"]  # the database backend removed all four
    statuses = {t.sender: t.status for t in all_tickets(app)}
    assert statuses.pop("pavel@example.ru") == "new" and set(statuses.values()) == {"resolved"}

    clock.advance(seconds=61)
    app.worker.run_once()

    assert sorted(m.rcpt_tos[0] for m in smtp_server.wait_for(4)) == sorted(UNSUBSCRIBE)
    assert {t.status for t in all_tickets(app)} == {"resolved"}


def test_a_backend_that_refuses_for_good_hands_the_ticket_to_a_person(
    smtp_server: SmtpServer, db_url: str, tmp_path: Path, make_app: AppFactory
) -> None:
    service = FlakyService([BackendError("401 invalid API key", permanent=True)])
    settings = settings_for(db_url=db_url, maildir=tmp_path / "mail", smtp_server=smtp_server)
    app = make_app(settings, backends=[service])
    (tmp_path / "mail" / "new").mkdir(parents=True)
    (tmp_path / "mail" / "new" / "1").write_bytes(
        make_mail("Please unsubscribe me.", sender="john@example.com")
    )

    app.worker.run_once()

    [ticket] = all_tickets(app)
    assert ticket.status == "open"
    assert "unsubscribe_failed" in events(app, ticket)
    assert smtp_server.messages == []  # never told "done" when it is not
    with app.store.transaction() as tx:
        assert tx.contacts.suppression("john@example.com") is not None  # still never mailed again


def test_flagged_request_waits_for_a_person_then_is_fulfilled(
    smtp_server: SmtpServer, db_url: str, tmp_path: Path, make_app: AppFactory
) -> None:
    from inboxbot.core.intents import Intent

    settings = settings_for(db_url=db_url, maildir=tmp_path / "mail", smtp_server=smtp_server)
    app = make_app(settings)
    load_segments(app, tmp_path)
    (tmp_path / "mail" / "new").mkdir(parents=True)
    (tmp_path / "mail" / "new" / "1").write_bytes(make_mail("remove me", sender="john@example.com"))
    app.worker.run_once()
    [ticket] = all_tickets(app)
    assert ticket.needs_review and "john@example.com" in members(app, "Новости")

    app.desk.triage(ticket.number, actor="staff:test", intents=[Intent.UNSUBSCRIBE])
    app.worker.run_once()

    assert "john@example.com" not in members(app, "Новости")
    assert "approved" in events(app, ticket) and all_tickets(app)[0].status == "resolved"
    subjects = [m.message["Subject"].split("] ", 1)[1] for m in smtp_server.wait_for(2)]
    assert subjects == ["We have received your request", "You are unsubscribed from ONETEXNO mailings"]
