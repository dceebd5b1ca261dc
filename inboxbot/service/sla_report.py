"""What an auditor asks: how many requests came in, how many were handled within the SLA, how many
breached it, what is open and at risk, and how long resolving took (median and 95th percentile)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from inboxbot.adapters.db.models import Ticket
from inboxbot.adapters.db.store import Store
from inboxbot.core.sla import SlaPolicy, describe, shortest, time_to_resolve
from inboxbot.core.tickets import TicketStatus

REPORT_VERSION = 1


@dataclass
class CategoryFigures:
    received: int = 0
    resolved: int = 0
    resolved_within_sla: int = 0
    breached: int = 0
    open: int = 0
    overdue: int = 0
    at_risk: int = 0
    hours_to_resolve: list[float] = field(default_factory=list)

    def add(self, ticket: Ticket, policy: SlaPolicy, now: datetime, at_risk: timedelta) -> None:
        self.received += 1
        if ticket.status == TicketStatus.RESOLVED.value and ticket.resolved_at is not None:
            spent = time_to_resolve(ticket.received_at, ticket.resolved_at, ticket.paused_seconds)
            self.resolved += 1
            self.hours_to_resolve.append(spent.total_seconds() / 3600)
            # due_at already moved by the time the ticket waited, and counts working days right
            late = ticket.breached_at is not None or ticket.resolved_at > ticket.due_at
            self.breached += late
            self.resolved_within_sla += not late
            return
        self.open += 1
        due = effective_due(ticket, now)
        if due < now or ticket.breached_at is not None:
            self.overdue += 1
            self.breached += 1
        elif due - now <= at_risk:
            self.at_risk += 1

    def as_dict(self) -> dict[str, Any]:
        hours = sorted(self.hours_to_resolve)
        return {
            "received": self.received,
            "resolved": self.resolved,
            "resolved_within_sla": self.resolved_within_sla,
            "breached": self.breached,
            "open": self.open,
            "overdue": self.overdue,
            "at_risk": self.at_risk,
            "within_sla_ratio": round(self.resolved_within_sla / self.resolved, 4) if self.resolved else None,
            "median_hours_to_resolve": round(statistics.median(hours), 2) if hours else None,
            "p95_hours_to_resolve": round(_nearest_rank(hours, 0.95), 2) if hours else None,
        }


def effective_due(ticket: Ticket, now: datetime) -> datetime:
    """The deadline as it stands now: a ticket that is waiting has its deadline moving with the clock."""
    if ticket.paused_at is not None and ticket.status != TicketStatus.RESOLVED.value:
        return ticket.due_at + (now - ticket.paused_at)
    return ticket.due_at


def _nearest_rank(ordered: Sequence[float], share: float) -> float:
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def sla_report(
    store: Store, policy: SlaPolicy, *, now: datetime, since: datetime, until: datetime, at_risk: timedelta
) -> dict[str, Any]:
    """Figures for tickets received in [since, until), per category and in total; stable JSON."""
    with store.transaction() as tx:
        stmt = select(Ticket).where(col(Ticket.received_at) >= since, col(Ticket.received_at) < until)
        tickets = list(tx.session.scalars(stmt))
    per_category: dict[str, CategoryFigures] = {}
    total = CategoryFigures()
    for ticket in tickets:
        per_category.setdefault(ticket.category, CategoryFigures()).add(ticket, policy, now, at_risk)
        total.add(ticket, policy, now, at_risk)
    return {
        "version": REPORT_VERSION,
        "generated_at": now.isoformat(),
        "since": since.isoformat(),
        "until": until.isoformat(),
        "deadline_hours": {
            c: shortest(policy.deadline(c)).total_seconds() / 3600 for c in sorted(per_category)
        },
        "deadlines": {c: describe(policy.deadline(c)) for c in sorted(per_category)},
        "categories": {c: figures.as_dict() for c, figures in sorted(per_category.items())},
        "total": total.as_dict(),
    }


def due_tickets(store: Store, *, now: datetime, within: timedelta | None) -> list[Ticket]:
    """Open tickets already overdue (``within`` None) or due within ``within`` from now, soonest first."""
    horizon = now if within is None else now + within
    with store.transaction() as tx:
        stmt = (
            select(Ticket)
            .where(col(Ticket.status) != TicketStatus.RESOLVED.value)
            .order_by(col(Ticket.due_at))
        )
        # A waiting ticket's deadline only moves later, so due_at <= horizon is a safe first cut.
        candidates = list(tx.session.scalars(stmt.where(col(Ticket.due_at) <= horizon)))
    chosen = [t for t in candidates if effective_due(t, now) <= horizon]

    return sorted(chosen, key=lambda t: effective_due(t, now))
