"""The pipeline end to end against a real Dovecot, a real SMTP server, SQLite and PostgreSQL."""

from __future__ import annotations

import email
import email.policy
import subprocess
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from structlog.testing import capture_logs

from inboxbot.adapters import mailbox_imap
from inboxbot.adapters.db.models import Message, OutboxMail, Ticket, TicketEvent
from inboxbot.adapters.db.store import Tx
from inboxbot.bootstrap import App
from inboxbot.service.inbound import Outcome
from inboxbot.service.mailer import Mailer
from inboxbot.service.ports import MailSourceError
from tests.harness.dovecot import (
    DovecotServer,
    ImapAccount,
    append,
    fetch_all,
    fetch_messages,
    imap_session,
    list_uids,
)
from tests.harness.smtp import SmtpServer
from tests.integration.conftest import AppFactory
from tests.support import (
    ACCESS_RU,
    QUESTION_EN,
    QUESTION_KK,
    QUESTION_RU,
    UNSUBSCRIBE_RU,
    Clock,
    bounce,
    hours_ago,
    make_mail,
)

DATA = Path(__file__).parent.parent / "data" / "mail"


def set_uidvalidity(server: DovecotServer, account: ImapAccount, value: int) -> None:
    """What a server restore or a recreated mailbox does: the folder's UIDs are no longer comparable."""
    subprocess.run(
        [
            "doveadm",
            "-c",
            str(server.config_path),
            "mailbox",
            "update",
            "-u",
            account.username,
            "--uid-validity",
            str(value),
            "INBOX",
        ],
        check=True,
        capture_output=True,
    )


def tickets(app: object) -> list[Ticket]:
    with app.store.transaction() as tx:  # type: ignore[attr-defined]
        return list(tx.session.scalars(select(Ticket).order_by(Ticket.id)))


def messages(app: object) -> list[Message]:
    with app.store.transaction() as tx:  # type: ignore[attr-defined]
        return list(tx.session.scalars(select(Message).order_by(Message.id)))


def test_inbox_becomes_tickets_and_acknowledgements(
    imap_account: ImapAccount, smtp_server: SmtpServer, db_url: str, make_app: AppFactory, clock: Clock
) -> None:
    received = hours_ago(3, clock.now)
    append(
        imap_account,
        make_mail(QUESTION_RU, sender="Асель <asel@example.kz>", message_id="<ru@x>"),
        internaldate=received,
    )
    append(
        imap_account,
        make_mail(QUESTION_KK, sender="Ерлан <erlan@example.kz>", message_id="<kk@x>"),
        internaldate=received + timedelta(minutes=5),
    )
    append(imap_account, bounce(), internaldate=received + timedelta(minutes=6))
    app = make_app(db_url=db_url, imap_account=imap_account, smtp_server=smtp_server)

    with capture_logs() as logs:
        report = app.worker.run_once()

    assert report.poll.outcomes == {Outcome.TICKET_OPENED: 2, Outcome.AUTOMATED: 1}
    assert not [e for e in logs if e["event"] == "batch.retried_mail_by_mail"]  # committed in one go
    opened = tickets(app)
    assert [(t.sender, t.intents, t.language) for t in opened] == [
        ("asel@example.kz", ["other"], "ru"),
        ("erlan@example.kz", ["other"], "kk"),
    ]
    assert opened[0].received_at == received  # the SLA clock starts at INTERNALDATE ...
    assert opened[0].due_at == received + timedelta(hours=24)  # ... not when inboxbot saw the mail
    assert fetch_all(imap_account, "INBOX") == []
    assert len(fetch_all(imap_account, "Processed")) == 2
    assert len(fetch_all(imap_account, "Automated")) == 1
    acks = smtp_server.wait_for(2)
    by_recipient = {m.rcpt_tos[0]: m.message for m in acks}
    assert set(by_recipient) == {"asel@example.kz", "erlan@example.kz"}
    ru = by_recipient["asel@example.kz"]
    assert ru["In-Reply-To"] == "<ru@x>" and ru["Auto-Submitted"] == "auto-replied"
    assert ru["Subject"] == f"[{opened[0].number}] Ваше обращение зарегистрировано"
    assert by_recipient["erlan@example.kz"]["Subject"] == f"[{opened[1].number}] Өтінішіңіз тіркелді"


def test_second_run_opens_nothing_and_sends_nothing(
    imap_account: ImapAccount, smtp_server: SmtpServer, db_url: str, make_app: AppFactory
) -> None:
    append(imap_account, make_mail(UNSUBSCRIBE_RU))
    app = make_app(db_url=db_url, imap_account=imap_account, smtp_server=smtp_server)
    app.worker.run_once()
    second = app.worker.run_once()
    assert second.poll.total == 0 and second.delivery.sent == 0
    assert len(tickets(app)) == 1 and len(smtp_server.messages) == 1


def test_the_same_mail_delivered_twice_opens_one_ticket(
    imap_account: ImapAccount, smtp_server: SmtpServer, db_url: str, make_app: AppFactory
) -> None:
    raw = make_mail(QUESTION_EN, message_id="<twice@example.com>")
    append(imap_account, raw)
    append(imap_account, raw)
    app = make_app(db_url=db_url, imap_account=imap_account, smtp_server=smtp_server)
    report = app.worker.run_once()
    assert report.poll.outcomes == {Outcome.TICKET_OPENED: 1, Outcome.DUPLICATE: 1}
    assert len(tickets(app)) == 1 and len(smtp_server.messages) == 1
    assert fetch_all(imap_account, "INBOX") == [] and len(fetch_all(imap_account, "Processed")) == 2


def test_mail_left_in_the_inbox_after_its_commit_is_only_moved(
    imap_account: ImapAccount, smtp_server: SmtpServer, db_url: str, make_app: AppFactory
) -> None:
    """A crash between the commit and the move leaves the mail in the inbox: the rerun recognises it."""
    raw = make_mail(UNSUBSCRIBE_RU, message_id="<committed@example.kz>")
    append(imap_account, raw)
    app = make_app(db_url=db_url, imap_account=imap_account, smtp_server=smtp_server)
    app.worker.run_once()
    append(imap_account, fetch_all(imap_account, "Processed")[0])  # as if the MOVE never happened

    rerun = app.worker.run_once()

    assert rerun.poll.outcomes == {Outcome.DUPLICATE: 1}
    assert len(tickets(app)) == 1 and len(smtp_server.messages) == 1
    assert fetch_all(imap_account, "INBOX") == []


class _Crash(Exception):
    pass


def _twelve_mails_in_batches_of_three(
    imap_account: ImapAccount, smtp_server: SmtpServer, db_url: str, make_app: AppFactory
) -> App:
    for i in range(12):
        append(imap_account, make_mail(f"{QUESTION_EN} #{i}", sender=f"c{i}@example.com"))
    return make_app(db_url=db_url, imap_account=imap_account, smtp_server=smtp_server, imap={"batch_size": 3})


def _each_processed_once(app: App, imap_account: ImapAccount, smtp_server: SmtpServer, count: int) -> None:
    assert len(tickets(app)) == count and len(smtp_server.wait_for(count)) == count
    assert list_uids(imap_account, "INBOX") == [] and len(list_uids(imap_account, "Processed")) == count


def test_moves_are_grouped_and_a_crash_before_a_group_moves_loses_nothing_and_doubles_nothing(
    imap_account: ImapAccount,
    smtp_server: SmtpServer,
    db_url: str,
    make_app: AppFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every MOVE costs the server a rewrite of the inbox index, so a backlog's moves are grouped (and a
    full group moves while the next batch commits): mails committed since the last group stay in the
    inbox meanwhile, and a crash then is one more rerun."""
    monkeypatch.setattr(mailbox_imap, "MOVE_GROUP", 5)
    app = _twelve_mails_in_batches_of_three(imap_account, smtp_server, db_url, make_app)
    left_in_inbox: list[int] = []

    def crash_after_three_batches() -> bool:
        left_in_inbox.append(len(list_uids(imap_account, "INBOX")))
        if len(left_in_inbox) == 3:
            raise _Crash
        return False

    with pytest.raises(_Crash):
        app.worker.poll(should_stop=crash_after_three_batches)
    # after 3 and 6 committed none had moved: the first group (6 mails, a batch fills it past 5) moves
    # while the third batch commits; the crash leaves the third batch's mails in the inbox
    assert left_in_inbox[:2] == [12, 12]
    assert len(tickets(app)) == 9 and len(list_uids(imap_account, "INBOX")) == 6

    rerun = app.worker.run_once()

    assert rerun.poll.outcomes == {Outcome.DUPLICATE: 3, Outcome.TICKET_OPENED: 3}
    _each_processed_once(app, imap_account, smtp_server, 12)


def test_a_group_failing_to_move_in_the_background_stops_the_poll_and_the_rerun_moves_it(
    imap_account: ImapAccount,
    smtp_server: SmtpServer,
    db_url: str,
    make_app: AppFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(mailbox_imap, "MOVE_GROUP", 5)
    app = _twelve_mails_in_batches_of_three(imap_account, smtp_server, db_url, make_app)

    def processed_folder_vanishes() -> bool:
        with imap_session(imap_account) as client:
            if client.folder_exists("Processed"):
                client.delete_folder("Processed")  # the group's MOVE now fails on the server
        return False

    with pytest.raises(MailSourceError, match="move of 6 mail"):
        app.worker.poll(should_stop=processed_folder_vanishes)
    # it surfaced at the next use of the connection (the last flush), every batch committed by then
    assert len(tickets(app)) == 12 and len(list_uids(imap_account, "INBOX")) == 12

    rerun = app.worker.run_once()  # connects again, so creates the folder again

    assert rerun.poll.outcomes == {Outcome.DUPLICATE: 12}
    _each_processed_once(app, imap_account, smtp_server, 12)


def test_uidvalidity_change_reads_the_folder_again_without_duplicates(
    dovecot: DovecotServer,
    imap_account: ImapAccount,
    smtp_server: SmtpServer,
    db_url: str,
    make_app: AppFactory,
) -> None:
    app = make_app(db_url=db_url, imap_account=imap_account, smtp_server=smtp_server)
    append(imap_account, make_mail(QUESTION_EN, message_id="<before@example.com>"))
    app.worker.run_once()
    with app.store.transaction() as tx:
        before = tx.cursor("INBOX")
        assert before is not None
        old_validity = before.uidvalidity
    append(imap_account, fetch_all(imap_account, "Processed")[0])
    append(imap_account, make_mail(UNSUBSCRIBE_RU, message_id="<after@example.kz>"))
    set_uidvalidity(dovecot, imap_account, old_validity + 1000)

    rerun = app.worker.run_once()

    assert rerun.poll.outcomes == {Outcome.DUPLICATE: 1, Outcome.TICKET_OPENED: 1}
    with app.store.transaction() as tx:
        after = tx.cursor("INBOX")
        assert after is not None and after.uidvalidity != old_validity
    assert len(tickets(app)) == 2 and len(smtp_server.messages) == 2


def test_reply_to_the_acknowledgement_joins_the_ticket(
    imap_account: ImapAccount, smtp_server: SmtpServer, db_url: str, make_app: AppFactory
) -> None:
    append(imap_account, make_mail(QUESTION_EN, sender="tom@example.com", message_id="<q1@example.com>"))
    app = make_app(db_url=db_url, imap_account=imap_account, smtp_server=smtp_server)
    app.worker.run_once()
    ack = smtp_server.wait_for(1)[0].message
    reply = make_mail(
        "Also, please unsubscribe me from the newsletter.",
        sender="tom@example.com",
        subject=f"Re: {ack['Subject']}",
        headers={"In-Reply-To": ack["Message-ID"], "References": f"<q1@example.com> {ack['Message-ID']}"},
    )
    append(imap_account, reply)

    rerun = app.worker.run_once()

    assert rerun.poll.outcomes == {Outcome.REPLY_ADDED: 1}
    [ticket] = tickets(app)
    assert ticket.intents == ["unsubscribe"]
    assert ticket.status == "new"  # the first question still waits for a person
    sent = smtp_server.wait_for(2)
    assert [m.message["Subject"].split("] ")[1] for m in sent] == [
        "We have received your request",
        "You are unsubscribed from ONETEXNO mailings",  # no second ack
    ]
    with app.store.transaction() as tx:
        assert "client_replied" in [e.kind for e in tx.events_of(ticket.id or 0)]


def test_ticket_number_in_the_subject_joins_only_for_the_same_client(
    imap_account: ImapAccount, smtp_server: SmtpServer, db_url: str, make_app: AppFactory
) -> None:
    append(imap_account, make_mail(QUESTION_EN, sender="tom@example.com"))
    app = make_app(db_url=db_url, imap_account=imap_account, smtp_server=smtp_server)
    app.worker.run_once()
    number = tickets(app)[0].number
    append(imap_account, make_mail("One more detail.", sender="tom@example.com", subject=f"About {number}"))
    append(imap_account, make_mail("Hijack attempt.", sender="eve@example.com", subject=f"About {number}"))

    rerun = app.worker.run_once()

    assert rerun.poll.outcomes == {Outcome.REPLY_ADDED: 1, Outcome.TICKET_OPENED: 1}
    assert [t.sender for t in tickets(app)] == ["tom@example.com", "eve@example.com"]


def test_broken_mail_is_quarantined_with_a_reason_and_the_run_goes_on(
    imap_account: ImapAccount, smtp_server: SmtpServer, db_url: str, make_app: AppFactory
) -> None:
    for name in ("no-boundary-base64-only.eml", "bad-base64.eml", "enormous-header.eml"):
        append(imap_account, (DATA / name).read_bytes())
    append(imap_account, (DATA / "undeclared-8bit.eml").read_bytes())
    append(imap_account, make_mail(QUESTION_EN))
    app = make_app(db_url=db_url, imap_account=imap_account, smtp_server=smtp_server)

    report = app.worker.run_once()

    assert report.poll.outcomes == {Outcome.QUARANTINED: 3, Outcome.TICKET_OPENED: 2}
    assert len(fetch_all(imap_account, "Quarantine")) == 3
    reasons = sorted(m.quarantine_reason or "" for m in messages(app) if m.outcome == "quarantined")
    assert [r.split(":")[0].split(" of ")[0].split(",")[0] for r in reasons] == [
        "header section",
        "multipart/mixed declares no boundary",
        "undecodable base64 in the text/plain body",
    ]
    assert fetch_all(imap_account, "INBOX") == []


def test_mail_a_client_can_read_is_read_and_a_broken_bounce_is_known_by_its_headers(
    imap_account: ImapAccount, smtp_server: SmtpServer, db_url: str, make_app: AppFactory
) -> None:
    append(imap_account, (DATA / "outlook-express-boundary.eml").read_bytes())
    append(imap_account, (DATA / "broken-boundary.eml").read_bytes())
    append(imap_account, (DATA.parent / "classify" / "automated" / "exim-bounce-garbled.eml").read_bytes())
    app = make_app(db_url=db_url, imap_account=imap_account, smtp_server=smtp_server)

    report = app.worker.run_once()

    assert report.poll.outcomes == {Outcome.TICKET_OPENED: 2, Outcome.AUTOMATED: 1}
    assert [t.sender for t in tickets(app)] == ["s.kim@kazpost-service.kz", "client@example.kz"]
    assert sorted(r for m in smtp_server.messages for r in m.rcpt_tos) == [
        "client@example.kz",
        "s.kim@kazpost-service.kz",
    ]  # the bounce got no acknowledgement
    [bounce_row] = [m for m in messages(app) if m.outcome == "automated"]
    evidence = {e["rule"]: e["words"] for e in (bounce_row.classification or {})["evidence"]}
    assert (
        evidence["auto_header"] == "x-failed-recipients"
        and "no line of its body uses" in evidence["unreadable_body"]
    )
    assert len(fetch_all(imap_account, "Automated")) == 1 and fetch_all(imap_account, "Quarantine") == []


class MailerWithABug(Mailer):
    """The real mailer, but one client's acknowledgement trips over a bug: half way through a mail,
    after its ticket and the ticket's first events were added."""

    def queue(self, tx: Tx, ticket: Ticket, *, to_address: str, **kwargs: Any) -> OutboxMail:
        if to_address == "unlucky@example.kz":
            raise RuntimeError("a bug in the acknowledgement")
        return super().queue(tx, ticket, to_address=to_address, **kwargs)


def test_mail_that_fails_half_way_is_retried_then_quarantined_and_leaves_no_trace_meanwhile(
    imap_account: ImapAccount, smtp_server: SmtpServer, db_url: str, make_app: AppFactory, clock: Clock
) -> None:
    append(imap_account, make_mail(QUESTION_EN, sender="tom@example.com"))
    append(imap_account, make_mail(QUESTION_KK, sender="unlucky@example.kz", subject="Баға"))
    append(imap_account, make_mail(ACCESS_RU, sender="asel@example.kz"))
    app = make_app(db_url=db_url, imap_account=imap_account, smtp_server=smtp_server)
    app.intake.ticketing.mailer = MailerWithABug(**asdict(app.intake.ticketing.mailer))

    with capture_logs() as logs:
        first = app.worker.run_once()

    assert first.poll.outcomes == {Outcome.TICKET_OPENED: 2, Outcome.RETRY: 1}
    retried = [e for e in logs if e["event"] == "batch.retried_mail_by_mail"]
    assert [(e["mails"], e["error"]) for e in retried] == [(3, "RuntimeError")]
    assert [t.sender for t in tickets(app)] == ["tom@example.com", "asel@example.kz"]
    with app.store.transaction() as tx:  # the failed mail's ticket, events and rows were all rolled back
        events = list(tx.session.scalars(select(TicketEvent)))
    assert {e.ticket_id for e in events} == {t.id for t in tickets(app)}
    assert [m.sender for m in messages(app)] == ["tom@example.com", "asel@example.kz"]
    assert len(fetch_all(imap_account, "INBOX")) == 1  # still waiting for the next run

    clock.advance(minutes=5)
    second = app.worker.run_once()
    assert second.poll.outcomes == {Outcome.RETRY: 1}
    clock.advance(minutes=5)
    third = app.worker.run_once()  # the third failure (limits.max_failures) gives it up

    assert third.poll.outcomes == {Outcome.QUARANTINED: 1}
    assert fetch_all(imap_account, "INBOX") == [] and len(fetch_all(imap_account, "Quarantine")) == 1
    [quarantined] = [m for m in messages(app) if m.outcome == "quarantined"]
    assert quarantined.sender == "unlucky@example.kz"
    assert (
        quarantined.quarantine_reason
        == "processing failed 3 times: RuntimeError: a bug in the acknowledgement"
    )
    assert len(tickets(app)) == 2 and sorted(r for m in smtp_server.messages for r in m.rcpt_tos) == [
        "asel@example.kz",
        "tom@example.com",
    ]


def test_oversized_mail_is_quarantined_without_being_downloaded(
    imap_account: ImapAccount, smtp_server: SmtpServer, db_url: str, make_app: AppFactory
) -> None:
    huge = make_mail("Прошу удалить мои данные. " + "x" * 200_000)
    append(imap_account, huge)
    app = make_app(
        db_url=db_url,
        imap_account=imap_account,
        smtp_server=smtp_server,
        limits={"max_message_bytes": 100_000},
    )

    report = app.worker.run_once()

    assert report.poll.outcomes == {Outcome.QUARANTINED: 1}
    [message] = messages(app)
    assert message.size == len(huge) and "exceeds the 100000-byte limit" in (message.quarantine_reason or "")
    with app.store.transaction() as tx:
        stored = tx.raw_message(message.id or 0) or b""
    assert len(stored) < 10_000  # only the header was fetched and kept


def test_server_without_move_gets_copy_delete_expunge(
    dovecot_nomove: DovecotServer, smtp_server: SmtpServer, db_url: str, make_app: AppFactory
) -> None:
    account = dovecot_nomove.new_account()
    append(account, make_mail(QUESTION_EN))
    append(account, bounce())
    app = make_app(db_url=db_url, imap_account=account, smtp_server=smtp_server)
    app.worker.run_once()
    assert fetch_all(account, "INBOX") == []
    assert len(fetch_all(account, "Processed")) == 1 and len(fetch_all(account, "Automated")) == 1


def test_loop_guard_caps_acknowledgements_per_sender(
    imap_account: ImapAccount, smtp_server: SmtpServer, db_url: str, make_app: AppFactory
) -> None:
    for i in range(5):
        append(imap_account, make_mail(f"{QUESTION_EN} ({i})", sender="chatty@example.com"))
    app = make_app(
        db_url=db_url, imap_account=imap_account, smtp_server=smtp_server, acks={"max_per_sender_per_day": 3}
    )
    app.worker.run_once()
    assert len(tickets(app)) == 5
    assert len(smtp_server.messages) == 3


def test_no_acknowledgement_to_robots_or_ourselves(
    imap_account: ImapAccount, smtp_server: SmtpServer, db_url: str, make_app: AppFactory
) -> None:
    append(imap_account, make_mail(QUESTION_EN, sender="ONETEXNO <hello@1texno.kz>"))
    append(imap_account, make_mail(QUESTION_EN, sender="no-reply@shop.example.kz"))
    append(imap_account, make_mail(QUESTION_EN, headers={"Return-Path": "<>"}))
    app = make_app(db_url=db_url, imap_account=imap_account, smtp_server=smtp_server)
    app.worker.run_once()
    assert smtp_server.messages == []
    with app.store.transaction() as tx:
        outbox = list(tx.session.scalars(select(OutboxMail)))
    assert outbox == []


def test_internaldate_in_the_past_is_kept_to_the_second(
    imap_account: ImapAccount, smtp_server: SmtpServer, db_url: str, make_app: AppFactory, clock: Clock
) -> None:
    received = hours_ago(25, clock.now)
    append(imap_account, make_mail(UNSUBSCRIBE_RU), internaldate=received)
    app = make_app(db_url=db_url, imap_account=imap_account, smtp_server=smtp_server)
    app.worker.run_once()
    [ticket] = tickets(app)
    assert (ticket.received_at, ticket.due_at) == (received, received + timedelta(hours=24))
    stored = fetch_messages(imap_account, "Processed")[0]
    assert stored.internaldate == received  # the move keeps the mailbox's own receive time


def test_acknowledgement_is_a_well_formed_reply(
    imap_account: ImapAccount, smtp_server: SmtpServer, db_url: str, make_app: AppFactory
) -> None:
    append(
        imap_account,
        make_mail(
            ACCESS_RU, sender="Асель <asel@example.kz>", message_id="<m1@x>", headers={"References": "<m0@x>"}
        ),
    )
    app = make_app(db_url=db_url, imap_account=imap_account, smtp_server=smtp_server)
    app.worker.run_once()
    received = smtp_server.wait_for(1)[0]
    msg = email.message_from_bytes(received.content, policy=email.policy.default)
    assert received.mail_from == "hello@1texno.kz" and received.rcpt_tos == ("asel@example.kz",)
    assert msg["References"] == "<m0@x> <m1@x>"
    assert msg["X-Auto-Response-Suppress"] == "All"
    assert {p.get_content_type() for p in msg.iter_parts()} == {"text/plain", "text/html"}


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_tls_to_imap_is_verified(
    imap_account: ImapAccount, tmp_path: Path, make_app: AppFactory, security: str
) -> None:
    from inboxbot.service.ports import MailSourceError
    from tests.support import settings_for

    port = imap_account.ssl_port if security == "ssl" else imap_account.port
    base = settings_for(
        db_url=f"sqlite:///{tmp_path}/db.sqlite", imap_account=imap_account, files=tmp_path / "out"
    )
    trusted = base.model_copy(
        update={
            "imap": base.imap.model_copy(
                update={
                    "host": "localhost",
                    "port": port,
                    "security": security,
                    "ca_file": imap_account.ca_file,
                }
            )
        }
    )
    untrusted = trusted.model_copy(update={"imap": trusted.imap.model_copy(update={"ca_file": None})})
    append(imap_account, make_mail(QUESTION_EN))
    assert make_app(trusted).worker.run_once().poll.total == 1
    with pytest.raises(MailSourceError, match="failed TLS verification"):
        make_app(untrusted).worker.run_once()


def test_a_follow_up_in_the_same_batch_as_its_original_joins_its_ticket(
    imap_account: ImapAccount, smtp_server: SmtpServer, db_url: str, make_app: AppFactory
) -> None:
    append(imap_account, make_mail(QUESTION_EN, sender="tom@example.com", message_id="<q1@example.com>"))
    append(
        imap_account,
        make_mail(
            "Forgot to say: the plan is for 30 pupils.",
            sender="tom@example.com",
            subject="Re: Request",
            headers={"In-Reply-To": "<q1@example.com>", "References": "<q1@example.com>"},
        ),
    )
    app = make_app(db_url=db_url, imap_account=imap_account, smtp_server=smtp_server)

    report = app.worker.run_once()

    assert report.poll.outcomes == {Outcome.TICKET_OPENED: 1, Outcome.REPLY_ADDED: 1}
    assert len(tickets(app)) == 1
    assert len(smtp_server.wait_for(1)) == 1  # one acknowledgement, not two
