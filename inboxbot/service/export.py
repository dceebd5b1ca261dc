"""What inboxbot holds about an address, for the person it belongs to: a JSON document and a summary.

The document covers every row of the :class:`~inboxbot.service.footprint.Footprint`: the contact and
its segments, the suppression and consent history, the tickets the address opened with their events,
and the mails both ways with their dates (the text of a mail as a person reads it, never raw bytes).
Nothing about anyone else: staff are named by their role only, other addresses in event details are
withheld, staff's internal notes are listed without their text, and mails of other people in the
person's threads are left out. Keys are stable; times are ISO 8601 in UTC.

:func:`queue_export_mail` sends it to the person: the summary in their language (templates
``data_export/<lang>.*``) with the JSON document attached.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from inboxbot.adapters.db.models import (
    AddressConfirmation,
    ContactEvent,
    Fulfilment,
    Message,
    OutboxMail,
    Suppression,
    Ticket,
    TicketEvent,
)
from inboxbot.adapters.db.store import Store, Tx
from inboxbot.core.addresses import normalize_address
from inboxbot.core.intents import LANGUAGES
from inboxbot.core.mail import UnreadableMail, parse_mail
from inboxbot.core.mail_display import display
from inboxbot.core.times import iso_utc
from inboxbot.service.footprint import Footprint, footprint
from inboxbot.service.mailer import Mailer

FORMAT, VERSION = "inboxbot-personal-data", 1
KIND = "data_export"
WITHHELD = "[withheld]"
INTERNAL_KINDS = frozenset({"note"})  # staff's notes to each other: listed, their text withheld
_PLUMBING = frozenset({"message_id", "message_ids", "recipients", "outbox", "via"})  # event keys left out
_ADDRESS = re.compile(r"[\w.+'%-]+@[\w-]+(?:\.[\w-]+)+")


class NotAnAddress(ValueError):
    pass


@dataclass(frozen=True)
class PersonExport:
    address: str
    generated_at: datetime
    language: str  # of the summary: the contact's, else their latest ticket's
    document: dict[str, Any]

    def to_json(self) -> str:
        return json.dumps(self.document, ensure_ascii=False, indent=2)

    @property
    def filename(self) -> str:
        return f"personal-data-{self.generated_at:%Y-%m-%d}.json"


def export_person(
    source: Tx | Store, address: str, *, now: datetime, default_language: str = "ru"
) -> PersonExport:
    """Everything held about ``address``, read in ``source``'s transaction (or in one of its own)."""
    if isinstance(source, Store):
        with source.transaction() as tx:
            return export_person(tx, address, now=now, default_language=default_language)
    normalised = normalize_address(address)
    if not normalised:
        raise NotAnAddress(f"not an e-mail address: {address!r}")
    found = footprint(source, normalised)
    numbers = _numbers(source, found)
    document = {
        "format": FORMAT,
        "version": VERSION,
        "address": normalised,
        "generated_at": iso_utc(now),
        "contact": _contact(found),
        "segments": [
            {"name": s.name, "channel": s.channel, "added_at": iso_utc(m.added_at)}
            for m, s in found.memberships
        ],
        "suppression": [_suppression(row, numbers) for row in found.suppressions],
        "history": [_history(row, numbers, normalised) for row in found.history],
        "tickets": [_ticket(t, found, normalised) for t in found.tickets],
        "mails": _mails(source, found, numbers),
        "unsubscribe_requests": [_fulfilment(row, numbers) for row in found.fulfilments],
        "confirmations": [_confirmation(row, numbers) for row in found.confirmations],
    }
    return PersonExport(normalised, now, _language(found, default_language), document)


def _numbers(tx: Tx, found: Footprint) -> dict[int, str]:
    """Ticket id -> number, for every ticket a row of the footprint refers to."""
    ids = {t.id for t in found.tickets} | {r.ticket_id for r in found.suppressions}
    ids |= {r.ticket_id for r in found.history} | {r.ticket_id for r in found.outbox}
    ids |= {r.ticket_id for r in found.fulfilments} | {r.ticket_id for r in found.confirmations}
    ids |= {r.ticket_id for r in found.messages}
    numbers: dict[int, str] = {}
    for ticket_id in sorted(i for i in ids if i):
        ticket = tx.ticket(ticket_id)
        if ticket is not None:
            numbers[ticket_id] = ticket.number
    return numbers


def _contact(found: Footprint) -> dict[str, Any] | None:
    c = found.contact
    if c is None:
        return None
    return {
        "email": c.email,
        "name": c.name,
        "phone": c.phone,
        "language": c.language,
        "created_at": iso_utc(c.created_at),
        "updated_at": iso_utc(c.updated_at),
    }


def _suppression(row: Suppression, numbers: dict[int, str]) -> dict[str, Any]:
    return {
        "suppressed_at": iso_utc(row.suppressed_at),
        "reason": row.reason,
        "by": _role(row.actor),
        "ticket": numbers.get(row.ticket_id or 0),
    }


def _history(row: ContactEvent, numbers: dict[int, str], address: str) -> dict[str, Any]:
    return {
        "at": iso_utc(row.at),
        "action": row.action,
        "by": _role(row.actor),
        "ticket": numbers.get(row.ticket_id or 0),
        "detail": _withheld(row.detail, address),
    }


def _fulfilment(row: Fulfilment, numbers: dict[int, str]) -> dict[str, Any]:
    return {
        "ticket": numbers.get(row.ticket_id or 0),
        "status": row.status,
        "created_at": iso_utc(row.created_at),
        "done_at": iso_utc(row.done_at),
        "segments": sorted({name for names in row.results.values() for name in names}),
    }


def _confirmation(row: AddressConfirmation, numbers: dict[int, str]) -> dict[str, Any]:
    return {
        "ticket": numbers.get(row.ticket_id or 0),
        "status": row.status,
        "created_at": iso_utc(row.created_at),
        "settled_at": iso_utc(row.settled_at),
    }


def _ticket(ticket: Ticket, found: Footprint, address: str) -> dict[str, Any]:
    reviews = [r for r in found.labelled if r.ticket_id == ticket.id]
    return {
        "number": ticket.number,
        "status": ticket.status,
        "category": ticket.category,
        "intents": list(ticket.intents),
        "language": ticket.language,
        "subject": ticket.subject,
        "received_at": iso_utc(ticket.received_at),
        "due_at": iso_utc(ticket.due_at),
        "resolved_at": iso_utc(ticket.resolved_at),
        "events": [_event(e, address) for e in found.events_of(ticket)],
        "reviews": [
            {"at": iso_utc(r.at), "predicted": list(r.predicted), "intents": list(r.intents)} for r in reviews
        ],
    }


def _event(event: TicketEvent, address: str) -> dict[str, Any]:
    detail = {} if event.kind in INTERNAL_KINDS else _withheld(event.detail, address)
    return {"at": iso_utc(event.at), "kind": event.kind, "by": _role(event.actor), "detail": detail}


def _mails(tx: Tx, found: Footprint, numbers: dict[int, str]) -> list[dict[str, Any]]:
    mails = [_inbound(tx, m, numbers) for m in found.messages]
    mails += [_outbound(m, numbers) for m in found.outbox]
    return sorted(mails, key=lambda mail: (mail["at"], mail["direction"]))


def _inbound(tx: Tx, message: Message, numbers: dict[int, str]) -> dict[str, Any]:
    raw = tx.raw_message(message.id) if message.id is not None else None
    entry = _entry("in", message.received_at, numbers.get(message.ticket_id or 0), message.subject)
    entry.update(kind=message.outcome, status="received", attachments=list(message.attachments))
    return {**entry, **_text(raw)}


def _outbound(mail: OutboxMail, numbers: dict[int, str]) -> dict[str, Any]:
    subject = ""
    if mail.raw:
        try:
            subject = parse_mail(mail.raw).subject
        except UnreadableMail:
            subject = ""
    entry = _entry("out", mail.sent_at or mail.created_at, numbers.get(mail.ticket_id or 0), subject)
    entry.update(kind=mail.kind, status=mail.status, attachments=[])
    return {**entry, **_text(mail.raw or None)}


def _entry(direction: str, at: datetime, ticket: str | None, subject: str) -> dict[str, Any]:
    return {"direction": direction, "at": iso_utc(at), "ticket": ticket, "subject": subject}


def _text(raw: bytes | None) -> dict[str, Any]:
    if raw is None:
        return {"text": None, "quoted_text": None, "kept": False}
    shown = display(raw)
    text = "\n\n".join(part for part in (shown.new_text, shown.signature) if part)
    return {"text": text, "quoted_text": shown.quoted_text, "kept": shown.unreadable is None}


def _role(actor: str) -> str:
    return actor if actor in {"client", "inboxbot"} else "staff"


def _withheld(value: Any, address: str) -> Any:
    """An event's detail without plumbing, and with every address but the person's own withheld."""
    if isinstance(value, str):
        return _ADDRESS.sub(lambda m: _own_or_withheld(m.group(0), address), value)
    if isinstance(value, list):
        return [_withheld(item, address) for item in value]
    if isinstance(value, dict):
        return {k: _withheld(v, address) for k, v in value.items() if k not in _PLUMBING}
    return value


def _own_or_withheld(found: str, address: str) -> str:
    return found if normalize_address(found) == address else WITHHELD


def _language(found: Footprint, default: str) -> str:
    candidates = [found.contact.language if found.contact else ""]
    candidates += [t.language for t in reversed(found.tickets)]
    return next((lang for lang in candidates if lang in LANGUAGES), default)


# -- the mail -------------------------------------------------------------------------------------


def summary(export: PersonExport, local: Callable[[datetime], str]) -> dict[str, Any]:
    """What the readable summary (``data_export`` templates) shows; ``local`` formats a time for people."""
    doc = export.document

    def when(value: str | None) -> str:
        return local(datetime.fromisoformat(value)) if value else ""

    contact = doc["contact"] or {}
    return {
        "address": export.address,
        "generated": local(export.generated_at),
        "has_contact": bool(doc["contact"]),
        "name": contact.get("name", ""),
        "phone": contact.get("phone", ""),
        "language": contact.get("language", ""),
        "segments": [s["name"] for s in doc["segments"]],
        "suppressed": bool(doc["suppression"]),
        "suppressed_since": when(doc["suppression"][0]["suppressed_at"]) if doc["suppression"] else "",
        "history": len(doc["history"]),
        "tickets": [
            {
                "number": t["number"],
                "received": when(t["received_at"]),
                "status": t["status"],
                "subject": t["subject"],
            }
            for t in doc["tickets"]
        ],
        "mails": [
            {"at": when(m["at"]), "direction": m["direction"], "subject": m["subject"]} for m in doc["mails"]
        ],
        "filename": export.filename,
    }


def queue_export_mail(
    tx: Tx, mailer: Mailer, ticket: Ticket, export: PersonExport, now: datetime
) -> OutboxMail:
    """Mail ``export`` to the person (the verified address of ``ticket``): the summary in their language,
    the JSON document attached; threaded to the ticket's first mail. Logged on the ticket."""
    mail = mailer.queue(
        tx,
        ticket,
        kind=KIND,
        to_address=export.address,
        to_name=ticket.sender_name,
        now=now,
        in_reply_to=ticket.message_id,
        context={"export": summary(export, mailer.local)},
        language=export.language,
        attachments=[(export.filename, "application/json", export.to_json().encode("utf-8"))],
    )
    detail = {"message_id": mail.message_id, "tickets": len(export.document["tickets"]),
              "mails": len(export.document["mails"])}  # fmt: skip
    tx.add_event(ticket, now, "inboxbot", "data_export_queued", detail)
    return mail
