"""The SLA sweep: fire every escalation level that has fallen due, exactly once, never skipping one.

Due work lives in the database: each open ticket carries ``next_escalation_at`` (indexed), so a sweep
touches only the tickets that are due, however many are open. A level is claimed by inserting its
(ticket, level) row under a unique constraint; on PostgreSQL the due tickets are also locked with
``SKIP LOCKED``, so concurrent workers share the sweep and each level fires once. A level that fell due
while no worker ran fires at the next sweep, late, and says by how much.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog

from inboxbot.adapters.db.models import Ticket
from inboxbot.adapters.db.store import Store, Tx
from inboxbot.config import SlaSettings
from inboxbot.core.sla import Level, SlaPolicy, describe_remaining
from inboxbot.service.inbound import Clock
from inboxbot.service.lifecycle import Lifecycle
from inboxbot.service.mailer import Mailer

log = structlog.get_logger("inboxbot.sla")

BATCH = 200
LATE_NOTICE = timedelta(minutes=5)  # later than this, the mail says the notice comes late


@dataclass
class SweepReport:
    tickets: int = 0
    fired: int = 0
    breached: int = 0


class SlaSweeper:
    def __init__(
        self, store: Store, lifecycle: Lifecycle, mailer: Mailer, settings: SlaSettings, clock: Clock
    ) -> None:
        self.store = store
        self.lifecycle = lifecycle
        self.mailer = mailer
        self.settings = settings
        self.clock = clock

    @property
    def policy(self) -> SlaPolicy:
        return self.lifecycle.policy

    def run(self) -> SweepReport:
        report = SweepReport()
        while True:
            now = self.clock()
            with self.store.transaction() as tx:
                due = tx.claim_due_escalations(now, BATCH)
                for ticket in due:
                    self._escalate(tx, ticket, now, report)
            report.tickets += len(due)
            if len(due) < BATCH:
                break
        if report.fired:
            log.info("sla.swept", tickets=report.tickets, fired=report.fired, breached=report.breached)
        return report

    def _escalate(self, tx: Tx, ticket: Ticket, now: datetime, report: SweepReport) -> None:
        assert ticket.id is not None
        fired = tx.fired_levels(ticket.id)
        for level, due_at in self.policy.due_levels(
            ticket.category, ticket.received_at, ticket.paused_seconds, fired, now
        ):
            fired.add(level.name)
            if not tx.record_escalation(ticket.id, level.name, due_at, now):
                continue  # fired by another worker
            self._fire(tx, ticket, level, due_at, now)
            report.fired += 1
            if level.breach and ticket.breached_at is None:
                ticket.breached_at = due_at
                report.breached += 1
                tx.add_event(
                    ticket.id, now, "inboxbot", "sla_breached", {"due_at": ticket.due_at.isoformat()}
                )
        ticket.next_escalation_at = self.policy.next_due(
            ticket.category, ticket.received_at, ticket.paused_seconds, fired
        )
        tx.session.add(ticket)

    def _fire(self, tx: Tx, ticket: Ticket, level: Level, due_at: datetime, now: datetime) -> None:
        late = now - due_at
        language = self.settings.language
        context = {
            **staff_ticket_context(ticket, now, language),
            "level": level.name,
            "overdue": now > ticket.due_at,
            "late": describe_remaining(now, due_at, language) if late > LATE_NOTICE else "",
        }
        queued = [
            self.mailer.queue(
                tx,
                ticket,
                kind=level.template,
                to_address=recipient,
                now=now,
                context=context,
                language=language,
                auto_submitted="auto-generated",
            ).message_id
            for recipient in level.recipients
        ]
        tx.add_event(
            ticket.id or 0,
            now,
            "inboxbot",
            f"sla_{level.name}",
            {
                "level": level.name,
                "due_at": due_at.isoformat(),
                "late_seconds": int(late.total_seconds()),
                "recipients": list(level.recipients),
                "message_ids": queued,
            },
        )


def staff_ticket_context(ticket: Ticket, now: datetime, language: str) -> dict[str, Any]:
    """What a mail to staff about one ticket shows (an escalation, a new-ticket notice): who wrote, about
    what, the first lines of the request, the time left and the commands that act on it."""
    return {
        "category": ticket.category,
        "intents": ", ".join(ticket.intents),
        "client_address": ticket.sender,
        "client_display": ticket.sender_name,
        "subject": ticket.subject,
        "excerpt": ticket.excerpt,
        "remaining": describe_remaining(ticket.due_at, now, language),
        "show_command": f"inboxbot tickets show {ticket.number}",
        "resolve_command": f'inboxbot tickets resolve {ticket.number} --note "..."',
    }
