"""Raw mail is not kept forever: ``[retention] raw_mail_days`` after a ticket is resolved, the raw bytes
of its mails go, both ways; so do those of mails that never had a ticket (automated, quarantined).

What stays is the record of each mail (sender, subject, dates, outcome) and the ticket's timeline; the
console says of a purged mail that its text is no longer kept. A ticket reopened before its time is up
is not resolved any more, and keeps its mail.

The sweep runs in batches, each its own transaction, and is safe with several workers: on PostgreSQL a
batch locks its rows and skips those another worker holds; on SQLite the single writer takes turns.
Deleting a raw mail or emptying an outbox row twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import and_, delete, func, or_, select, update
from sqlmodel import col

from inboxbot.adapters.db.models import Message, MessageRaw, OutboxMail, Ticket
from inboxbot.adapters.db.store import Store, Tx
from inboxbot.config import RetentionSettings
from inboxbot.service.inbound import Clock

log = structlog.get_logger("inboxbot.retention")

BATCH = 500
RESOLVED = "resolved"  # a literal, so that the partial index on resolved tickets serves the query


Purge = Callable[[Tx, datetime, int], tuple[int, int]]
"""One batch: (rows selected, rows purged)."""


@dataclass
class RetentionReport:
    raw_mails: int = 0  # inbound mails whose raw bytes were deleted
    outbox_mails: int = 0  # outgoing mails whose bytes were emptied


class RetentionSweeper:
    def __init__(self, store: Store, settings: RetentionSettings, clock: Clock, batch: int = BATCH) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock
        self.batch = batch

    def run(self) -> RetentionReport:
        cutoff = self.clock() - timedelta(days=self.settings.raw_mail_days)
        report = RetentionReport(
            raw_mails=self._repeat(_purge_inbound, cutoff), outbox_mails=self._repeat(_purge_outbound, cutoff)
        )
        if report.raw_mails or report.outbox_mails:
            log.info("retention.purged", raw_mails=report.raw_mails, outbox_mails=report.outbox_mails)
        return report

    def _repeat(self, purge: Purge, cutoff: datetime) -> int:
        """Batch after batch until one comes back short (nothing left, or the rest held by others)."""
        total = 0
        while True:
            with self.store.transaction() as tx:
                seen, purged = purge(tx, cutoff, self.batch)
            total += purged
            if seen < self.batch:
                return total


def _expired(ticket_id: Any, own_time: Any, cutoff: datetime) -> Any:
    """A mail of a ticket resolved before ``cutoff``, or of no ticket and older than ``cutoff``."""
    return or_(
        and_(ticket_id.is_(None), own_time < cutoff),
        and_(col(Ticket.status) == RESOLVED, col(Ticket.resolved_at) < cutoff),
    )


def _purge_inbound(tx: Tx, cutoff: datetime, limit: int) -> tuple[int, int]:
    stmt = (
        select(col(MessageRaw.message_id))
        .join(Message, col(Message.id) == col(MessageRaw.message_id))
        .outerjoin(Ticket, col(Ticket.id) == col(Message.ticket_id))
        .where(_expired(col(Message.ticket_id), col(Message.received_at), cutoff))
        .limit(limit)
    )
    if tx.dialect == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True, of=MessageRaw)
    ids = list(tx.session.scalars(stmt))
    if not ids:
        return 0, 0
    gone = delete(MessageRaw).where(col(MessageRaw.message_id).in_(ids)).returning(col(MessageRaw.message_id))
    return len(ids), len(tx.session.execute(gone).all())


def _purge_outbound(tx: Tx, cutoff: datetime, limit: int) -> tuple[int, int]:
    stmt = (
        select(col(OutboxMail.id))
        .outerjoin(Ticket, col(Ticket.id) == col(OutboxMail.ticket_id))
        .where(col(OutboxMail.status) != "pending", func.length(col(OutboxMail.raw)) > 0)
        .where(_expired(col(OutboxMail.ticket_id), col(OutboxMail.created_at), cutoff))
        .limit(limit)
    )
    if tx.dialect == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True, of=OutboxMail)
    ids = list(tx.session.scalars(stmt))
    if not ids:
        return 0, 0
    emptied = (
        update(OutboxMail)
        .where(col(OutboxMail.id).in_(ids), col(OutboxMail.status) != "pending")
        .values(raw=b"")
        .returning(col(OutboxMail.id))
    )
    return len(ids), len(tx.session.execute(emptied).all())
