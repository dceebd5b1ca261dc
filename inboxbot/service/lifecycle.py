"""Every change of a ticket's status goes through here: the event log and the SLA clock stay right.

The clock runs while a ticket is ``new`` or ``open`` and stops while it is ``waiting`` or ``resolved``.
Stopping records when; restarting adds the stopped time to the ticket (``paused_seconds``), moves its
deadline by as much, and reschedules its next escalation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from inboxbot.adapters.db.models import Ticket
from inboxbot.adapters.db.store import Tx
from inboxbot.core.sla import SlaPolicy, clock_runs
from inboxbot.core.tickets import TicketStatus


@dataclass(frozen=True)
class Lifecycle:
    policy: SlaPolicy

    def open(self, ticket: Ticket) -> None:
        """Deadline and first escalation of a ticket that is being opened."""
        ticket.due_at = self.policy.due_at(ticket.category, ticket.received_at)
        ticket.next_escalation_at = self.policy.next_due(ticket.category, ticket.received_at, 0, ())

    def transition(
        self,
        tx: Tx,
        ticket: Ticket,
        to: TicketStatus,
        *,
        now: datetime,
        actor: str,
        why: str,
        detail: dict[str, Any] | None = None,
    ) -> bool:
        """Move ``ticket`` to ``to`` (no-op when already there); returns whether it changed."""
        if ticket.status == to.value:
            return False
        event: dict[str, Any] = {"from": ticket.status, "to": to.value, "why": why, **(detail or {})}
        self._clock(tx, ticket, to, now)
        ticket.status, ticket.updated_at = to.value, now
        ticket.resolved_at = now if to is TicketStatus.RESOLVED else None
        tx.add_event(
            ticket, now, actor, "resolved" if to is TicketStatus.RESOLVED else "status_changed", event
        )
        tx.session.add(ticket)
        return True

    def reschedule(self, tx: Tx, ticket: Ticket) -> None:
        """Recompute the next escalation (after a category change, or when the clock restarts)."""
        if not clock_runs(ticket.status):
            ticket.next_escalation_at = None
            return
        fired = tx.fired_levels(ticket.id or 0)
        ticket.next_escalation_at = self.policy.next_due(
            ticket.category, ticket.received_at, ticket.paused_seconds, fired
        )

    def _clock(self, tx: Tx, ticket: Ticket, to: TicketStatus, now: datetime) -> None:
        was_running, runs = clock_runs(ticket.status), clock_runs(to.value)
        if was_running and not runs:
            ticket.paused_at, ticket.next_escalation_at = now, None
        elif runs and not was_running:
            if ticket.paused_at is not None:
                stopped = max(0, int((now - ticket.paused_at).total_seconds()))
                ticket.paused_seconds += stopped
                ticket.due_at += timedelta(seconds=stopped)
                ticket.paused_at = None
            ticket.status = to.value
            self.reschedule(tx, ticket)
