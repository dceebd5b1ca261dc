"""What is held about a client, for the client, on SQLite and PostgreSQL: every row about her address,
counted table by table, and nothing about anyone else; mailed as a summary in her language with the
JSON document attached."""

from __future__ import annotations

import email
import email.policy
import json
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from inboxbot.adapters.db.models import (
    AddressConfirmation,
    Contact,
    ContactEvent,
    Fulfilment,
    Membership,
    Message,
    OutboxMail,
    Suppression,
    Ticket,
    TicketEvent,
)
from inboxbot.bootstrap import App
from inboxbot.core.address_hash import address_hasher
from inboxbot.service.erasure import erase
from inboxbot.service.export import export_person, queue_export_mail
from tests.integration.conftest import AppFactory
from tests.integration.people import HER, KEY, PHONE, SETTINGS, SURNAME, deliver, populate, ticket_of
from tests.support import UNSUBSCRIBE_RU, Clock, make_mail


@pytest.fixture
def app(make_app: AppFactory, db_url: str, tmp_path: Path, clock: Clock) -> App:
    built = make_app(db_url=db_url, maildir=tmp_path / "mail", files=tmp_path / "outbox", **SETTINGS)
    populate(built, tmp_path, clock)
    # She asks to leave the offers again; taken in only (suppressed, her fulfilment still pending), so
    # that she is at once on the list, in a segment and owed a removal.
    deliver(tmp_path, make_mail(UNSUBSCRIBE_RU, sender=HER, subject="Снова рассылка"))
    built.worker.poll()
    return built


def count(app: App, model: Any, *conditions: Any) -> int:
    with app.store.transaction() as tx:
        return int(
            tx.session.execute(select(func.count()).select_from(model).where(*conditions)).scalar_one()
        )


def held_about_her(app: App) -> dict[str, int]:
    """Rows per table for her address, counted in the database itself."""
    forms = [HER, address_hasher(KEY)(HER)]
    with app.store.transaction() as tx:
        tickets = list(tx.session.scalars(select(Ticket.id).where(col(Ticket.sender) == HER)))
        contact = tx.session.scalars(select(Contact.id).where(col(Contact.email) == HER)).one()
    return {
        "contact": count(app, Contact, col(Contact.email) == HER),
        "membership": count(app, Membership, col(Membership.contact_id) == contact),
        "suppression": count(app, Suppression, col(Suppression.email).in_(forms)),
        "contact_event": count(app, ContactEvent, col(ContactEvent.email).in_(forms)),
        "ticket": len(tickets),
        "ticket_event": count(app, TicketEvent, col(TicketEvent.ticket_id).in_(tickets)),
        "message": count(app, Message, col(Message.sender) == HER),
        "outbox": count(app, OutboxMail, col(OutboxMail.recipient) == HER),
        "fulfilment": count(app, Fulfilment, col(Fulfilment.address).in_(forms)),
        "address_confirmation": count(app, AddressConfirmation, col(AddressConfirmation.address).in_(forms)),
    }


def exported(document: dict[str, Any]) -> dict[str, int]:
    return {
        "contact": 1 if document["contact"] else 0,
        "membership": len(document["segments"]),
        "suppression": len(document["suppression"]),
        "contact_event": len(document["history"]),
        "ticket": len(document["tickets"]),
        "ticket_event": sum(len(t["events"]) for t in document["tickets"]),
        "message": len([m for m in document["mails"] if m["direction"] == "in"]),
        "outbox": len([m for m in document["mails"] if m["direction"] == "out"]),
        "fulfilment": len(document["unsubscribe_requests"]),
        "address_confirmation": len(document["confirmations"]),
    }


def test_the_export_holds_every_row_about_her_and_nothing_about_anyone_else(app: App) -> None:
    export = export_person(app.store, "ASEL@example.kz", now=app.clock())
    document = json.loads(export.to_json())

    held = held_about_her(app)
    assert exported(document) == held
    assert all(held.values())  # every kind of row is there to be counted
    assert (document["format"], document["version"], document["address"]) == (
        "inboxbot-personal-data",
        1,
        HER,
    )
    assert list(document) == [
        "format", "version", "address", "generated_at", "contact", "segments", "suppression", "history",
        "tickets", "mails", "unsubscribe_requests", "confirmations",
    ]  # fmt: skip
    assert document["contact"]["phone"] == PHONE and SURNAME in document["contact"]["name"]
    assert document["generated_at"].endswith("+00:00")
    mails = {m["subject"]: m for m in document["mails"]}
    assert "Сколько стоит тариф" in mails["Вопрос о тарифе"]["text"]
    assert any("тариф стоит 5000" in (m["text"] or "") for m in document["mails"] if m["direction"] == "out")
    notes = [e for t in document["tickets"] for e in t["events"] if e["kind"] == "note"]
    assert notes == [{"at": notes[0]["at"], "kind": "note", "by": "staff", "detail": {}}]

    text = export.to_json()
    for someone_else in ("john@example.com", "dana@example.kz", "tom@1texno.kz", "support@1texno.kz"):
        assert someone_else not in text
    for their_words in ("Dana", "John", "discount for schools", "Скидка для коллеги", "Звонила"):
        assert their_words not in text  # other people's mail, and the staff's internal note


def test_the_export_mail_is_her_summary_in_russian_with_the_whole_document_attached(app: App) -> None:
    question = ticket_of(app, HER, "Вопрос о тарифе")
    with app.store.transaction() as tx:
        export = export_person(tx, HER, now=app.clock())
        ticket = tx.ticket(question.id or 0)
        assert ticket is not None
        queued = queue_export_mail(tx, app.desk.mailer, ticket, export, app.clock())
    app.worker.deliver()

    with app.store.transaction() as tx:
        mail = tx.outbox_mail(queued.id or 0)
        events = [e.kind for e in tx.events_of(question.id or 0)]
    assert mail is not None and (mail.status, mail.recipient, mail.kind) == ("sent", HER, "data_export")
    assert events[-2:] == ["data_export_queued", "data_export_sent"]
    message = email.message_from_bytes(mail.raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage) and message.get_content_type() == "multipart/mixed"
    assert message["Subject"] == f"[{question.number}] Ваши персональные данные в ONETEXNO"
    assert message["In-Reply-To"] == question.message_id
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "Асель" in text and HER in text and "Акции" in text and "Вопрос о тарифе" in text
    assert PHONE in text
    (attached,) = message.iter_attachments()
    assert (attached.get_filename(), attached.get_content_type()) == (export.filename, "application/json")
    assert json.loads(attached.get_content()) == export.document


def test_an_english_client_reads_the_summary_in_english(app: App) -> None:
    question = ticket_of(app, "john@example.com", "Discount for schools")
    with app.store.transaction() as tx:
        export = export_person(tx, "john@example.com", now=app.clock())
        ticket = tx.ticket(question.id or 0)
        assert ticket is not None and export.language == "en"
        mail = queue_export_mail(tx, app.desk.mailer, ticket, export, app.clock())
    message = email.message_from_bytes(mail.raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(("plain",))
    assert body is not None and "Below is everything we hold about john@example.com" in body.get_content()
    assert HER not in mail.raw.decode("ascii", "replace")  # his export says nothing of her


def test_an_address_never_seen_exports_empty_and_an_erased_one_only_its_erasure(app: App) -> None:
    nobody = export_person(app.store, "nobody@example.kz", now=app.clock()).document
    assert (nobody["contact"], nobody["tickets"], nobody["mails"], nobody["history"]) == (None, [], [], [])

    erase(app.store, HER, reason="deletion request", actor="staff:tom", clock=app.clock, hash_key=KEY)
    after = export_person(app.store, HER, now=app.clock()).to_json()
    document = json.loads(after)
    assert (document["contact"], document["tickets"], document["mails"], document["segments"]) == (
        None,
        [],
        [],
        [],
    )
    assert document["history"][-1]["action"] == "erased" and document["suppression"]
    assert SURNAME not in after and PHONE not in after and "тариф" not in after
