"""Erasure, taken literally, on SQLite and PostgreSQL: mail goes in through the real pipeline, staff work
the tickets, and after the erasure a dump of the whole database names the person nowhere (not in clear,
not in raw mail however encoded, not in the outbox), the suppression still refuses the address, and
every row that was not about her is exactly as it was."""

from __future__ import annotations

import base64
import binascii
import email
import email.policy
import html
import json
import quopri
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from inboxbot.adapters.db.models import (
    Contact,
    ContactEvent,
    Message,
    MessageRaw,
    OutboxMail,
    StaffAccount,
    Suppression,
    Ticket,
)
from inboxbot.bootstrap import App
from inboxbot.core.address_hash import HashKeyError
from inboxbot.core.mail_display import display
from inboxbot.service.contacts import (
    ImportRefused,
    contact_card,
    import_contacts,
    segment_members,
)
from inboxbot.service.erasure import ErasureRefused, erase
from tests.integration.conftest import AppFactory
from tests.integration.people import HER, KEY, PHONE, SETTINGS, SURNAME, deliver, populate, ticket_of
from tests.support import UNSUBSCRIBE_RU, Clock, make_mail

# Everything that would give her away, as it may be written (the phone with and without spaces).
PERSONAL = [HER, HER.replace("@", "%40"), SURNAME, PHONE, "77010000001", "701 000 00 01"]


# -- what a dump is searched for -------------------------------------------------------------------


def _needles() -> list[str]:
    forms = {n.lower() for n in PERSONAL}
    return sorted(forms | {json.dumps(n)[1:-1] for n in forms})  # JSON columns escape non-ASCII


def found(text: str) -> list[str]:
    lowered = text.lower()
    return [n for n in _needles() if n in lowered]


def readings(data: bytes) -> Iterator[str]:
    """Every way a stored blob can be read: as it is, decoded as a mail part by part, and brute force
    (quoted-printable over the whole, base64 over every run that looks like it), HTML entities undone."""
    texts = [data.decode("utf-8", "replace"), quopri.decodestring(data).decode("utf-8", "replace")]
    for run in re.findall(rb"(?:[A-Za-z0-9+/=]{4,}\r?\n)+", data):
        try:
            texts.append(base64.b64decode(re.sub(rb"\s", b"", run)).decode("utf-8", "replace"))
        except (binascii.Error, ValueError):
            continue
    message = email.message_from_bytes(data, policy=email.policy.default)
    for part in message.walk():
        texts += [str(value) for value in part.values()]
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            texts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
    for text in texts:
        yield text
        yield html.unescape(text)


def snapshot(engine: Engine) -> dict[tuple[str, tuple[Any, ...]], dict[str, Any]]:
    """Every row of every table, by table and primary key (a SELECT of every column)."""
    rows: dict[tuple[str, tuple[Any, ...]], dict[str, Any]] = {}
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            for row in connection.execute(select(table)):
                values = dict(row._mapping)
                rows[(table.name, tuple(values[c.name] for c in table.primary_key.columns))] = values
    return rows


def row_mentions(values: dict[str, Any]) -> list[str]:
    hits: list[str] = []
    for value in values.values():
        if isinstance(value, bytes):
            hits += [hit for text in readings(value) for hit in found(text)]
        elif value is not None:
            hits += found(json.dumps(value, ensure_ascii=False, default=str))
    return hits


def text_dump(db_url: str, engine: Engine) -> str:
    """The database as its own tools dump it: sqlite3's iterdump, pg_dump when it is installed (else
    the text of every row)."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(str(url.database)) as connection:
            return "\n".join(connection.iterdump())
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        return json.dumps(list(snapshot(engine).values()), ensure_ascii=False, default=str)
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return subprocess.run([pg_dump, "--data-only", libpq], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def app(make_app: AppFactory, db_url: str, tmp_path: Path, clock: Clock) -> App:
    built = make_app(db_url=db_url, maildir=tmp_path / "mail", files=tmp_path / "outbox", **SETTINGS)
    populate(built, tmp_path, clock)
    return built


def related_rows(
    app: App, before: dict[tuple[str, tuple[Any, ...]], dict[str, Any]]
) -> set[tuple[str, tuple[Any, ...]]]:
    """The rows the erasure may touch: hers, her tickets', and those that name her."""
    with app.store.transaction() as tx:
        tickets = set(tx.session.scalars(select(Ticket.id).where(Ticket.sender == HER)))  # type: ignore[arg-type]
        messages = set(tx.session.scalars(select(Message.id).where(Message.sender == HER)))  # type: ignore[arg-type]
        messages |= set(tx.session.scalars(select(Message.id).where(Message.ticket_id.in_(tickets))))  # type: ignore[union-attr]
        contact = tx.session.scalars(select(Contact.id).where(Contact.email == HER)).one()  # type: ignore[arg-type]
    related = set()
    for (table, key), values in before.items():
        if (
            (table == "ticket" and values["id"] in tickets)
            or values.get("ticket_id") in tickets
            or (table in {"message", "message_raw"} and key[0] in messages)
            or (table == "membership" and values["contact_id"] == contact)
            or row_mentions(values)
        ):
            related.add((table, key))
    return related


# -- the promise -----------------------------------------------------------------------------------


def test_after_erasure_a_dump_of_the_whole_database_names_her_nowhere(app: App, db_url: str) -> None:
    engine = app.store.engine
    before = snapshot(engine)
    assert found(text_dump(db_url, engine))  # she is there to begin with, in clear too
    assert any(row_mentions(v) for (t, _k), v in before.items() if t == "message_raw")
    related = related_rows(app, before)

    report = erase(
        app.store,
        "Asel@Example.KZ",
        reason=f"request from {HER}",
        actor="staff:tom",
        clock=app.clock,
        hash_key=KEY,
    )

    after = snapshot(engine)
    assert found(text_dump(db_url, engine)) == []
    leaks = {key: row_mentions(values) for key, values in after.items() if row_mentions(values)}
    assert leaks == {}
    untouched = {key: values for key, values in before.items() if key not in related}
    assert {key: after.get(key) for key in untouched} == untouched
    added = {table for table, _key in set(after) - set(before)}
    assert added == {"suppression", "contact_event", "ticket_event"}  # the hash, the audit, "erased"
    assert report.tickets == (ticket_of_number(after, "Вопрос о тарифе"), ticket_of_number(after, "Рассылка"))
    assert report.segments == ("Акции",) and report.platform_work == (HER,)


def ticket_of_number(rows: dict[tuple[str, tuple[Any, ...]], dict[str, Any]], subject: str) -> str:
    """Her tickets are redacted, so they are told apart by their order."""
    hers = sorted(
        (v["id"], v["number"]) for (t, _k), v in rows.items() if t == "ticket" and v["sender"] == "[erased]"
    )
    return hers[0 if subject == "Вопрос о тарифе" else 1][1]


def test_her_tickets_stay_as_an_audit_trail_and_the_others_keep_their_mail(app: App) -> None:
    question = ticket_of(app, HER, "Вопрос о тарифе")
    with app.store.transaction() as tx:
        kinds_before = [e.kind for e in tx.events_of(question.id or 0)]
    dana = ticket_of(app, "dana@example.kz", "Скидка для коллеги")

    erase(app.store, HER, reason="deletion request", actor="staff:tom", clock=app.clock, hash_key=KEY)

    with app.store.transaction() as tx:
        kept = tx.ticket(question.id or 0)
        assert kept is not None
        assert (kept.number, kept.status, kept.received_at, kept.sender, kept.subject) == (
            question.number, question.status, question.received_at, "[erased]", "[erased]",
        )  # fmt: skip
        events = tx.events_of(question.id or 0)
        assert [e.kind for e in events] == [*kinds_before, "personal_data_erased"]
        assert {e.detail.get("text") for e in events if e.kind in {"replied", "note"}} == {"[erased]"}
        assert tx.messages_of(question.id or 0) and all(
            tx.raw_message(m.id or 0) is None for m in tx.messages_of(question.id or 0)
        )
        danas = tx.messages_of(dana.id or 0)[0]
        raw = tx.raw_message(danas.id or 0)
        assert raw is not None
        shown = display(raw)
        assert shown.new_text.startswith(
            "Добрый день! Моя коллега Асель ([erased]) тоже спрашивает про скидку."
        )
        assert [a.filename for a in shown.attachments] == ["c.csv"]
        assert (danas.sender, danas.subject) == ("dana@example.kz", "Скидка для коллеги")
        assert "[erased]" in (tx.ticket(dana.id or 0) or dana).search_text


def test_the_suppression_outlives_the_address_import_and_intake_alike(app: App, tmp_path: Path) -> None:
    erase(app.store, HER, reason="deletion request", actor="staff:tom", clock=app.clock, hash_key=KEY)

    again = import_contacts(
        app.store, tmp_path / "clients.csv", segment="Новости", channel="email", clock=app.clock
    )
    card = contact_card(app.store, HER)
    assert again.suppressed == 1 and again.imported == 2
    assert HER not in [c.email for c in segment_members(app.store, "Новости") or []]
    assert card.suppression is not None and card.suppression.email.startswith("hmac-sha256:")
    assert card.contact is None and card.history[-1].action == "erased"
    assert card.history[-1].detail["reason"] == "deletion request"
    erase(app.store, HER, reason="asked again", actor="staff:tom", clock=app.clock, hash_key=KEY)
    erased = [e.detail for e in contact_card(app.store, HER).history if e.action == "erased"]
    assert [d["reason"] for d in erased] == ["deletion request", "asked again"]  # the audit outlives a rerun

    deliver(tmp_path, make_mail(UNSUBSCRIBE_RU, sender=HER, subject="Опять рассылка"))
    app.worker.run_once()
    with app.store.transaction() as tx:
        listed = list(tx.session.scalars(select(Suppression.email)))
        confirmations = [
            m
            for m in tx.session.scalars(select(OutboxMail))
            if m.recipient == HER and m.kind == "unsubscribed"
        ]
    assert HER not in listed and confirmations == []  # suppressed already: nothing new in clear


def test_erasure_refuses_without_a_key_or_for_a_staff_member_and_changes_nothing(app: App) -> None:
    before = snapshot(app.store.engine)
    with pytest.raises(HashKeyError, match="INBOXBOT_IDENTITY__HASH_KEY"):
        erase(app.store, HER, reason="x", actor="staff:tom", clock=app.clock, hash_key="")
    with pytest.raises(HashKeyError, match="32"):
        erase(app.store, HER, reason="x", actor="staff:tom", clock=app.clock, hash_key="short")
    with pytest.raises(ErasureRefused, match="not an e-mail address"):
        erase(app.store, "nobody", reason="x", actor="staff:tom", clock=app.clock, hash_key=KEY)
    assert snapshot(app.store.engine) == before
    app.accounts.add("tom@1texno.kz", "Tom", "correct horse battery")
    with pytest.raises(ErasureRefused, match="staff account"):
        erase(app.store, "Tom@1texno.kz", reason="x", actor="staff:tom", clock=app.clock, hash_key=KEY)


def test_without_the_key_an_import_is_refused_once_a_hash_is_on_the_list(
    app: App, make_app: AppFactory, db_url: str, tmp_path: Path
) -> None:
    erase(app.store, HER, reason="deletion request", actor="staff:tom", clock=app.clock, hash_key=KEY)
    keyless = make_app(db_url=db_url, maildir=tmp_path / "mail", files=tmp_path / "outbox")
    with pytest.raises(ImportRefused, match="INBOXBOT_IDENTITY__HASH_KEY"):
        import_contacts(
            keyless.store, tmp_path / "clients.csv", segment="Новости", channel="email", clock=app.clock
        )
    with keyless.store.transaction() as tx:
        assert tx.session.scalars(select(StaffAccount)).all() == []
        assert [e.action for e in tx.session.scalars(select(ContactEvent))][-1] == "erased"
        assert tx.session.scalars(select(MessageRaw)).all()  # the others' mail is still there
