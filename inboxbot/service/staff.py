"""What support staff do to tickets: look them up, resolve them. Every change is an audited event."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from inboxbot.adapters.db.models import Message, OutboxMail, Ticket, TicketEvent
from inboxbot.adapters.db.store import Store, Tx
from inboxbot.core.tickets import TicketStatus
from inboxbot.service.intake import Clock

ACTIVE_STATUSES = (TicketStatus.NEW.value, TicketStatus.OPEN.value, TicketStatus.WAITING.value)


class TicketNotFound(Exception):
    pass


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


def list_tickets(store: Store, status: str | None) -> Sequence[Ticket]:
    """``status`` None: every ticket still active; "all": every ticket; else that status only."""
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


def resolve_ticket(store: Store, ident: str, *, note: str, actor: str, clock: Clock) -> tuple[Ticket, bool]:
    """Resolve a ticket with a note; returns (ticket, changed). Resolving twice changes nothing."""
    with store.transaction() as tx:
        ticket = find_ticket(tx, ident)
        assert ticket.id is not None
        if ticket.status == TicketStatus.RESOLVED.value:
            return ticket, False
        now = clock()
        detail: dict[str, Any] = {"from": ticket.status, "to": TicketStatus.RESOLVED.value, "note": note}
        tx.add_event(ticket.id, now, actor, "resolved", detail)
        ticket.status, ticket.resolved_at, ticket.updated_at = TicketStatus.RESOLVED.value, now, now
        tx.session.add(ticket)
        return ticket, True
