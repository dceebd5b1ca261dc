"""Looking tickets up for staff: by number or id, lists with the CLI's filters, a ticket's whole file.

What staff *do* to tickets is in :mod:`inboxbot.service.desk`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from inboxbot.adapters.db.models import Message, OutboxMail, Ticket, TicketEvent
from inboxbot.adapters.db.store import Store, Tx
from inboxbot.core.mail import ParsedMail, UnreadableMail, parse_mail
from inboxbot.core.tickets import TicketStatus
from inboxbot.service.sla_report import due_tickets

ACTIVE_STATUSES = (TicketStatus.NEW.value, TicketStatus.OPEN.value, TicketStatus.WAITING.value)


class TicketNotFound(Exception):
    pass


class Refused(Exception):
    """A staff action that makes no sense for this ticket as it stands; the message says why in one line."""


@dataclass(frozen=True)
class TicketFile:
    """A ticket with everything that happened to it."""

    ticket: Ticket
    events: Sequence[TicketEvent]
    messages: Sequence[Message]
    outbox: Sequence[OutboxMail]


def find_ticket(tx: Tx, ident: str) -> Ticket:
    """By number (``HB-2026-000123``, case-insensitive) or by database id."""
    ticket = tx.ticket_by_number(ident.strip().upper())
    if ticket is None and ident.strip().isdigit():
        ticket = tx.ticket(int(ident))
    if ticket is None:
        raise TicketNotFound(f"no ticket {ident!r}")
    return ticket


def list_tickets(
    store: Store,
    status: str | None,
    *,
    now: datetime | None = None,
    overdue: bool = False,
    within: timedelta | None = None,
) -> Sequence[Ticket]:
    """``status`` None: every ticket still active; "all": every ticket; else that status only.

    ``overdue`` or ``within``: only active tickets past (or due within ``within`` of) their deadline,
    soonest first; a resolved ticket has no deadline left, so asking for those is refused."""
    if overdue or within is not None:
        if status in (TicketStatus.RESOLVED.value, "all"):
            raise Refused(f"resolved tickets have no deadline: --status {status} cannot be overdue or due")
        due = due_tickets(store, now=now or datetime.now(UTC), within=within)
        return [t for t in due if status is None or t.status == status]
    statuses: Sequence[str] | None = (
        ACTIVE_STATUSES if status is None else None if status == "all" else (status,)
    )
    with store.transaction() as tx:
        return tx.tickets(statuses)


def ticket_file(store: Store, ident: str) -> TicketFile:
    with store.transaction() as tx:
        ticket = find_ticket(tx, ident)
        assert ticket.id is not None
        return TicketFile(ticket, tx.events_of(ticket.id), tx.messages_of(ticket.id), tx.outbox_of(ticket.id))


def opening_mail(tx: Tx, ticket_id: int) -> ParsedMail | None:
    messages = tx.messages_of(ticket_id)
    raw = tx.raw_message(messages[0].id or 0) if messages else None
    if raw is None:
        return None
    try:
        return parse_mail(raw)
    except UnreadableMail:
        return None
