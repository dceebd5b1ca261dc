"""What support staff do to tickets: look them up, resolve them. Every change is an audited event."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from inboxbot.adapters.db.models import Message, OutboxMail, Ticket, TicketEvent
from inboxbot.adapters.db.store import Store, Tx
from inboxbot.core.intents import Classification, Intent
from inboxbot.core.mail import ParsedMail, UnreadableMail, parse_mail
from inboxbot.core.tickets import TicketStatus, category_for
from inboxbot.service.inbound import Clock
from inboxbot.service.lifecycle import Lifecycle
from inboxbot.service.sla_report import due_tickets
from inboxbot.service.ticketing import TicketAutomation

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


def resolve_ticket(
    store: Store, ident: str, *, note: str, actor: str, clock: Clock, lifecycle: Lifecycle
) -> tuple[Ticket, bool]:
    """Resolve a ticket with a note (its SLA clock stops); returns (ticket, changed): twice is a no-op."""
    with store.transaction() as tx:
        ticket = find_ticket(tx, ident)
        changed = lifecycle.transition(
            tx,
            ticket,
            TicketStatus.RESOLVED,
            now=clock(),
            actor=actor,
            why="resolved by staff",
            detail={"note": note},
        )
        return ticket, changed


def approve_ticket(
    store: Store,
    ident: str,
    *,
    automation: TicketAutomation,
    lifecycle: Lifecycle,
    actor: str,
    clock: Clock,
    intents: Sequence[Intent] | None = None,
) -> Ticket:
    """A person has triaged the ticket: its (corrected) intents stand, and inboxbot may act on them
    (an unsubscribe is fulfilled as if it had been clear from the start)."""
    with store.transaction() as tx:
        ticket = find_ticket(tx, ident)
        assert ticket.id is not None
        chosen = tuple(intents) if intents else tuple(Intent(i) for i in ticket.intents)
        _may_approve(ticket, chosen)
        now = clock()
        verdict = Classification(chosen, ticket.language, 1.0, False, ())
        if [i.value for i in verdict.intents] != ticket.intents:
            tx.add_event(
                ticket.id,
                now,
                actor,
                "reclassified",
                {"from": ticket.intents, "to": [i.value for i in verdict.intents]},
            )
            ticket.intents = [i.value for i in verdict.intents]
            ticket.category = category_for(verdict.intents)
            ticket.due_at = lifecycle.policy.due_at(
                ticket.category, ticket.received_at, ticket.paused_seconds
            )
            lifecycle.reschedule(tx, ticket)
        tx.add_event(ticket.id, now, actor, "approved", {"was_flagged": ticket.needs_review})
        ticket.needs_review, ticket.updated_at = False, now
        tx.session.add(ticket)
        mail = _opening_mail(tx, ticket.id)
        if mail is not None:
            automation.on_opened(tx, ticket, mail, verdict)
        return ticket


def _may_approve(ticket: Ticket, intents: Sequence[Intent]) -> None:
    if ticket.status == TicketStatus.RESOLVED.value:
        raise Refused(f"{ticket.number} is resolved: there is nothing left to approve")
    if not ticket.needs_review:
        raise Refused(f"{ticket.number} is not flagged for review: there is nothing to approve")
    if Intent.AUTOMATED in intents:
        raise Refused(
            f"{ticket.number}: 'automated' is not a request to act on; resolve the ticket as not a request"
        )


def _opening_mail(tx: Tx, ticket_id: int) -> ParsedMail | None:
    messages = tx.messages_of(ticket_id)
    raw = tx.raw_message(messages[0].id or 0) if messages else None
    if raw is None:
        return None
    try:
        return parse_mail(raw)
    except UnreadableMail:
        return None
