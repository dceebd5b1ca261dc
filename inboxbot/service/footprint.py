"""Everything inboxbot holds about one address, row by row: what an export shows and an erasure redacts.

Both read the same :class:`Footprint`, so that "the export contains every row" and "the erasure leaves
nothing" speak of the same rows:

- the contact and its memberships; the suppressions and the history, in clear or under the keyed hash;
- the tickets the address opened, with their events and triage decisions;
- the mails it sent (whatever became of them), and the mails sent to it;
- unsubscribe work and confirmations naming it on anyone's ticket.

Rows that are about its tickets but belong to someone else (a colleague's mail in its thread, staff
notices, digests listing its ticket) are gathered apart: an erasure takes them, an export never shows
them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlmodel import col

from inboxbot.adapters.db.models import (
    AddressConfirmation,
    Contact,
    ContactEvent,
    Fulfilment,
    LabelledExample,
    Membership,
    Message,
    OutboxMail,
    Segment,
    Suppression,
    Ticket,
    TicketEvent,
)
from inboxbot.adapters.db.store import Tx
from inboxbot.core.address_hash import AddressHasher

_MAIL_KEYS = ("message_id", "message_ids")  # event details that name mails sent for a ticket


@dataclass
class Footprint:
    address: str
    forms: list[str]  # the address, and its keyed hash when the key is known
    contact: Contact | None = None
    memberships: list[tuple[Membership, Segment]] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    history: list[ContactEvent] = field(default_factory=list)
    tickets: list[Ticket] = field(default_factory=list)  # opened by the address
    events: dict[int, list[TicketEvent]] = field(default_factory=dict)
    labelled: list[LabelledExample] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)  # sent by the address
    outbox: list[OutboxMail] = field(default_factory=list)  # sent to the address
    fulfilments: list[Fulfilment] = field(default_factory=list)
    confirmations: list[AddressConfirmation] = field(default_factory=list)
    # About its tickets, but someone else's: erased with it, never exported.
    thread_messages: list[Message] = field(default_factory=list)
    ticket_outbox: list[OutboxMail] = field(default_factory=list)  # staff notices, SLA mails
    digests: list[OutboxMail] = field(default_factory=list)  # mails that list its tickets among others

    @property
    def ticket_ids(self) -> list[int]:
        return [t.id for t in self.tickets if t.id is not None]

    def events_of(self, ticket: Ticket) -> list[TicketEvent]:
        return self.events.get(ticket.id or 0, [])


def footprint(tx: Tx, address: str, hasher: AddressHasher | None = None) -> Footprint:
    """The rows held about ``address`` (normalised); ``hasher`` (default: the store's) finds what
    was recorded under its keyed hash."""
    hasher = hasher or tx.contacts.hasher
    forms = [address, hasher(address)] if hasher is not None else [address]
    found = Footprint(address, forms)
    _contact(tx, found)
    _tickets(tx, found)
    _mails(tx, found)
    found.fulfilments = _all(tx, select(Fulfilment).where(col(Fulfilment.address).in_(forms)))
    found.confirmations = _all(
        tx, select(AddressConfirmation).where(col(AddressConfirmation.address).in_(forms))
    )
    return found


def _all(tx: Tx, stmt: Any) -> list[Any]:
    return list(tx.session.scalars(stmt))


def _contact(tx: Tx, found: Footprint) -> None:
    found.contact = tx.contacts.contact(found.address)
    if found.contact is not None:
        stmt = (
            select(Membership, Segment)
            .join(Segment, col(Segment.id) == col(Membership.segment_id))
            .where(col(Membership.contact_id) == found.contact.id)
            .order_by(col(Segment.name))
        )
        found.memberships = [(m, s) for m, s in tx.session.execute(stmt)]
    found.suppressions = _all(tx, select(Suppression).where(col(Suppression.email).in_(found.forms)))
    history = select(ContactEvent).where(col(ContactEvent.email).in_(found.forms))
    found.history = _all(tx, history.order_by(col(ContactEvent.at), col(ContactEvent.id)))


def _tickets(tx: Tx, found: Footprint) -> None:
    stmt = select(Ticket).where(col(Ticket.sender) == found.address).order_by(col(Ticket.received_at))
    found.tickets = _all(tx, stmt.order_by(col(Ticket.id)))
    ids = found.ticket_ids
    if not ids:
        return
    found.events = tx.events_of_many(ids)
    labelled = select(LabelledExample).where(col(LabelledExample.ticket_id).in_(ids))
    found.labelled = _all(tx, labelled.order_by(col(LabelledExample.id)))


def _mails(tx: Tx, found: Footprint) -> None:
    ids = found.ticket_ids
    mine = col(Message.sender) == found.address
    stmt = select(Message).where(or_(mine, col(Message.ticket_id).in_(ids)) if ids else mine)
    for message in tx.session.scalars(stmt.order_by(col(Message.received_at), col(Message.id))):
        (found.messages if message.sender == found.address else found.thread_messages).append(message)
    to_them = col(OutboxMail.recipient) == found.address
    sent = select(OutboxMail).where(or_(to_them, col(OutboxMail.ticket_id).in_(ids)) if ids else to_them)
    for mail in tx.session.scalars(sent.order_by(col(OutboxMail.id))):
        (found.outbox if mail.recipient == found.address else found.ticket_outbox).append(mail)
    named = _mails_named(event.detail for events in found.events.values() for event in events)
    known = {mail.message_id for mail in [*found.outbox, *found.ticket_outbox]}
    if named - known:
        listing = select(OutboxMail).where(col(OutboxMail.message_id).in_(sorted(named - known)))
        found.digests = _all(tx, listing.order_by(col(OutboxMail.id)))


def _mails_named(details: Iterable[dict[str, Any]]) -> set[str]:
    named: set[str] = set()
    for detail in details:
        for key in _MAIL_KEYS:
            value = detail.get(key)
            values: Sequence[Any] = value if isinstance(value, list) else [value]
            named.update(v for v in values if isinstance(v, str) and v)
    return named
