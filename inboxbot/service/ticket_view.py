"""Everything a staff member reads about one ticket: the mails both ways (text, sanitised HTML,
attachments), one timeline of what happened, the contact card, and what the clock says.

The console's ticket page and ``inboxbot tickets show`` both read it from here; a ticket's page costs
a fixed number of queries, however many tickets the database holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from inboxbot.adapters.db.models import (
    Message,
    MessageRaw,
    StaffAccount,
    Ticket,
    TicketEvent,
)
from inboxbot.adapters.db.store import Store, Tx
from inboxbot.core.mail_display import MailDisplay, attachment, display
from inboxbot.service.data_changes import current_fields
from inboxbot.service.data_requests import requests_of
from inboxbot.service.sla_report import effective_due
from inboxbot.service.staff import TicketNotFound, find_ticket

EARLIER_TICKETS = 10


@dataclass(frozen=True)
class MailEntry:
    direction: str  # "in" from the client (or a robot), "out" from us
    at: datetime
    sender: str
    recipient: str
    subject: str
    kind: str  # inbound: its outcome; outbound: ack, staff_reply, unsubscribed ...
    status: str  # outbound: pending, sent, failed; inbound: ""
    message_id: str | None
    record_id: int  # message.id or outbox.id
    shown: MailDisplay


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    actor: str
    kind: str
    detail: dict[str, Any]
    mail: MailEntry | None = None  # set for mails both ways


@dataclass(frozen=True)
class EarlierTicket:
    number: str
    subject: str
    status: str
    received_at: datetime


@dataclass(frozen=True)
class ContactCardView:
    email: str
    name: str
    segments: Sequence[str]
    suppressed_at: datetime | None
    suppression_reason: str | None
    earlier: Sequence[EarlierTicket]


@dataclass(frozen=True)
class DataRequestView:
    kind: str
    status: str
    verified_via: str | None
    verification: str
    refusal: str | None


@dataclass(frozen=True)
class DataPanel:
    """The ticket's data requests: their state, and a change's proposal against the record."""

    requests: Sequence[DataRequestView]
    current: dict[str, str | None]
    proposal: dict[str, str]

    @property
    def verified(self) -> bool:
        return all(r.status == "verified" for r in self.requests)

    @property
    def open(self) -> bool:
        return any(r.status in ("unverified", "verifying", "verified") for r in self.requests)


@dataclass(frozen=True)
class TicketView:
    ticket: Ticket
    due: datetime
    left: timedelta
    level: str | None
    assignee: str | None
    assignee_email: str | None
    inbound: Sequence[MailEntry]  # the client's mails, oldest first
    timeline: Sequence[TimelineEntry]  # everything, oldest first
    contact: ContactCardView
    last_event_id: int  # for the "someone else acted meanwhile" check on a reply
    data: DataPanel | None = None

    @property
    def overdue(self) -> bool:
        return self.left < timedelta(0) and self.ticket.status != "resolved"


def ticket_view(store: Store, ident: str, *, now: datetime) -> TicketView:
    with store.transaction() as tx:
        ticket = find_ticket(tx, ident)
        assert ticket.id is not None
        inbound = _inbound(tx, ticket.id)
        outbound = _outbound(tx, ticket.id)
        events = list(tx.events_of(ticket.id))
        levels = [e.detail["level"] for e in events if e.kind.startswith("sla_") and "level" in e.detail]
        account = tx.session.get(StaffAccount, ticket.assignee_id) if ticket.assignee_id else None
        due = effective_due(ticket, now)
        return TicketView(
            ticket=ticket,
            due=due,
            left=due - now,
            level=str(levels[-1]) if levels else None,
            assignee=account.name if account else None,
            assignee_email=account.email if account else None,
            inbound=inbound,
            timeline=_timeline(events, inbound, outbound),
            contact=_contact(tx, ticket),
            last_event_id=max((e.id or 0 for e in events), default=0),
            data=_data_panel(tx, ticket),
        )


def attachment_of(store: Store, ident: str, message_id: int, index: int) -> tuple[str, bytes]:
    """An attachment of one of the ticket's inbound mails (never another ticket's)."""
    with store.transaction() as tx:
        ticket = find_ticket(tx, ident)
        message = tx.session.get(Message, message_id)
        raw = tx.raw_message(message_id) if message is not None and message.ticket_id == ticket.id else None
    found = attachment(raw, index) if raw is not None else None
    if found is None:
        raise TicketNotFound(f"no attachment {index} of mail {message_id} in ticket {ident}")
    return found


def _inbound(tx: Tx, ticket_id: int) -> list[MailEntry]:
    stmt = (
        select(Message, col(MessageRaw.raw))
        .join(MessageRaw, col(MessageRaw.message_id) == col(Message.id), isouter=True)
        .where(col(Message.ticket_id) == ticket_id)
        .order_by(col(Message.received_at), col(Message.id))
    )
    return [
        MailEntry(
            direction="in",
            at=message.received_at,
            sender=message.sender,
            recipient="",
            subject=message.subject,
            kind=message.outcome,
            status="",
            message_id=message.message_id,
            record_id=message.id or 0,
            shown=display(raw) if raw is not None else _gone(),
        )
        for message, raw in tx.session.execute(stmt)
    ]


def _outbound(tx: Tx, ticket_id: int) -> list[MailEntry]:
    return [
        MailEntry(
            direction="out",
            at=mail.created_at,
            sender=mail.mail_from,
            recipient=mail.recipient,
            subject="",
            kind=mail.kind,
            status=mail.status,
            message_id=mail.message_id,
            record_id=mail.id or 0,
            shown=display(mail.raw),
        )
        for mail in tx.outbox_of(ticket_id)
    ]


def _gone() -> MailDisplay:
    return MailDisplay("", "", "", None, 0, (), unreadable="the mail's text is no longer kept")


def _timeline(
    events: Sequence[TicketEvent], inbound: Sequence[MailEntry], outbound: Sequence[MailEntry]
) -> list[TimelineEntry]:
    entries = [TimelineEntry(e.at, e.actor, e.kind, dict(e.detail)) for e in events]
    entries += [TimelineEntry(m.at, "client", "mail_in", {}, m) for m in inbound]
    entries += [TimelineEntry(m.at, "inboxbot", "mail_out", {"kind": m.kind}, m) for m in outbound]
    order = {"mail_in": 0, "mail_out": 2}  # at the same instant: the mail, its events, our answer
    return sorted(entries, key=lambda e: (e.at, order.get(e.kind, 1)))


def _contact(tx: Tx, ticket: Ticket) -> ContactCardView:
    contact = tx.contacts.contact(ticket.sender)
    suppression = tx.contacts.suppression(ticket.sender)
    earlier = tx.session.scalars(
        select(Ticket)
        .where(col(Ticket.sender) == ticket.sender, col(Ticket.id) != ticket.id)
        .order_by(col(Ticket.received_at).desc())
        .limit(EARLIER_TICKETS)
    )
    return ContactCardView(
        email=ticket.sender,
        name=contact.name if contact else ticket.sender_name,
        segments=tx.contacts.segments_of(contact.id) if contact and contact.id else [],
        suppressed_at=suppression.suppressed_at if suppression else None,
        suppression_reason=suppression.reason if suppression else None,
        earlier=[EarlierTicket(t.number, t.subject, t.status, t.received_at) for t in earlier],
    )


def _data_panel(tx: Tx, ticket: Ticket) -> DataPanel | None:
    requests = requests_of(tx, ticket)
    if not requests:
        return None
    change = next((r for r in requests if r.kind == "data_change"), None)
    views = [DataRequestView(r.kind, r.status, r.verified_via, r.verification, r.refusal) for r in requests]
    current = current_fields(tx.contacts.contact(ticket.sender))
    return DataPanel(views, current, dict(change.proposal) if change else {})


def staff_choices(store: Store) -> list[tuple[str, str]]:
    """(email, name) of every active staff member, for the assign list."""
    with store.transaction() as tx:
        stmt = (
            select(col(StaffAccount.email), col(StaffAccount.name))
            .where(col(StaffAccount.disabled_at).is_(None))
            .order_by(func.lower(StaffAccount.name))
        )
        return [(email, name) for email, name in tx.session.execute(stmt)]
