"""Staff hear of new work: a notice per ticket that needs a person, mailed alone or in a digest.

At intake, and when an automation gives a ticket up, :func:`queue_notice` gathers one ``staff_notice``
row per ticket in the caller's transaction: no query, and one insert for a whole batch at its commit.
:class:`StaffNotifier` then sweeps the pending rows, on any worker:

- a ticket resolved meanwhile (an automation finished, staff closed it) is skipped, and so is every
  notice while ``[notify] new_ticket`` names nobody (so naming someone later sends no backlog);
- up to ``digest_after`` pending: one mail per ticket; more: one digest listing them all;
- after a digest, pending notices wait until ``digest_minutes`` have passed, then go out the same way.

One sweep at a time: a marker row (the heartbeat ``notify.digest``, which also holds when the last
digest went) is taken first, ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so a worker that finds it taken
moves on; on SQLite the marker's write takes the single writer's lock for the sweep. Rows are claimed
with a conditional update as well, so a notice is mailed once however many workers sweep.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col

from inboxbot.adapters.db.models import Heartbeat, StaffNotice, Ticket
from inboxbot.adapters.db.store import Store, Tx
from inboxbot.config import NotifySettings
from inboxbot.core.intents import Intent
from inboxbot.core.sla import describe_remaining
from inboxbot.core.tickets import TicketStatus
from inboxbot.service.inbound import Clock
from inboxbot.service.mailer import Mailer
from inboxbot.service.sla import staff_ticket_context

log = structlog.get_logger("inboxbot.notify")

SINGLE_KIND, DIGEST_KIND = "staff_new_ticket", "staff_digest"
MARKER = "notify.digest"  # heartbeat row: the sweep's lock, and when the last digest went
NEVER = datetime(1970, 1, 1, tzinfo=UTC)
DIGEST_LINES = 50  # tickets a digest lists one by one (soonest due first); the rest are counted
CHUNK = 500  # ticket ids per statement
ACTOR = "inboxbot"


def needs_person(ticket: Ticket) -> bool:
    """Every ticket but an unsubscribe-only request inboxbot was sure of: it fulfils those itself."""
    return ticket.needs_review or ticket.intents != [Intent.UNSUBSCRIBE.value]


def queue_notice(tx: Tx, ticket: Ticket, now: datetime, *, handed_over: bool = False) -> None:
    """Tell staff of ``ticket`` at the next sweep when it needs a person (``handed_over``: an automation
    gave it up, so it does). Idempotent per ticket; no query now, one insert at the commit."""
    if handed_over or needs_person(ticket):
        tx.add_notice(ticket, now)


@dataclass
class NotifyReport:
    single: int = 0  # tickets told of in a mail of their own
    digested: int = 0  # tickets listed in a digest
    skipped: int = 0  # resolved before the sweep, or nobody to tell
    waiting: int = 0  # held back for the next digest
    busy: bool = False  # another worker was sweeping


@dataclass(frozen=True)
class _Pending:
    ticket_id: int
    resolved: bool
    due_at: datetime


class StaffNotifier:
    """The sweep: pending notices become mails to ``[notify] new_ticket`` in the outbox."""

    def __init__(self, store: Store, mailer: Mailer, settings: NotifySettings, clock: Clock) -> None:
        self.store = store
        self.mailer = mailer
        self.settings = settings
        self.clock = clock

    def run(self) -> NotifyReport:
        now = self.clock()
        report = NotifyReport()
        with self.store.transaction() as tx:
            if not _any_pending(tx):  # the usual case: one indexed read, no lock, no write
                return report
            marker = _take_marker(tx)
            if marker is None:
                report.busy = True
                return report
            self._sweep(tx, marker, now, report)
        if report.single or report.digested or report.skipped:
            log.info("notify.swept", single=report.single, digested=report.digested, skipped=report.skipped)
        return report

    def _sweep(self, tx: Tx, marker: Heartbeat, now: datetime, report: NotifyReport) -> None:
        pending = _pending(tx)
        nobody = not self.settings.new_ticket
        skip = {p.ticket_id for p in pending if p.resolved or nobody}
        report.skipped = len(_claim(tx, sorted(skip), "skipped", now))
        live = [p for p in pending if p.ticket_id not in skip]
        if not live:
            return
        if now < marker.at + timedelta(minutes=self.settings.digest_minutes):
            report.waiting = len(live)  # a digest went out lately: these go in the next one
        elif len(live) <= self.settings.digest_after:
            report.single = self._singles(tx, live, now)
        else:
            report.digested = self._digest(tx, live, marker, now)

    def _singles(self, tx: Tx, live: Sequence[_Pending], now: datetime) -> int:
        claimed = _claim(tx, [p.ticket_id for p in live], "sent", now, mode="single")
        for ticket in _tickets(tx, claimed):
            context = self._ticket_context(ticket, now)
            queued = self._mail_staff(tx, ticket, SINGLE_KIND, context, now)
            self._record(tx, ticket.id or 0, "single", queued, now)
        return len(claimed)

    def _digest(self, tx: Tx, live: Sequence[_Pending], marker: Heartbeat, now: datetime) -> int:
        soonest = sorted(live, key=lambda p: (p.due_at, p.ticket_id))
        claimed = set(_claim(tx, [p.ticket_id for p in soonest], "sent", now, mode="digest"))
        if not claimed:
            return 0
        shown = _tickets(tx, [p.ticket_id for p in soonest if p.ticket_id in claimed][:DIGEST_LINES])
        context = {
            "count": len(claimed),
            "tickets": [self._line(ticket, now) for ticket in shown],
            "more": len(claimed) - len(shown),
            "list_command": "inboxbot tickets list",
        }
        queued = self._mail_staff(tx, None, DIGEST_KIND, context, now)
        for ticket_id in sorted(claimed):
            self._record(tx, ticket_id, "digest", queued, now)
        marker.at = now
        marker.detail = {"digests": int(marker.detail.get("digests", 0)) + 1, "tickets": len(claimed)}
        tx.session.add(marker)
        return len(claimed)

    @property
    def recipients(self) -> tuple[str, ...]:
        return self.settings.new_ticket

    def _mail_staff(
        self, tx: Tx, ticket: Ticket | None, kind: str, context: dict[str, Any], now: datetime
    ) -> list[str]:
        """One mail to each recipient, through the outbox; their Message-IDs."""
        return [
            self.mailer.queue(
                tx,
                ticket,
                kind=kind,
                to_address=to,
                now=now,
                context=context,
                language=self.settings.language,
                auto_submitted="auto-generated",
            ).message_id
            for to in self.recipients
        ]

    def _record(self, tx: Tx, ticket_id: int, mode: str, queued: list[str], now: datetime) -> None:
        detail = {"mode": mode, "recipients": list(self.recipients), "message_ids": queued}
        tx.add_event(ticket_id, now, ACTOR, "staff_notified", detail)

    def _ticket_context(self, ticket: Ticket, now: datetime) -> dict[str, Any]:
        """What a notice of one ticket shows: as the SLA mails, the request's first lines at most."""
        return {
            **staff_ticket_context(ticket, now, self.settings.language),
            "reason": _reason(ticket),
            "late": "",
            "approve_command": f"inboxbot tickets approve {ticket.number}",
        }

    def _line(self, ticket: Ticket, now: datetime) -> dict[str, Any]:
        """One ticket in a digest: no text of the request, only what tells it apart."""
        return {
            "number": ticket.number,
            "category": ticket.category,
            "needs_review": ticket.needs_review,
            "client_address": ticket.sender,
            "client_display": ticket.sender_name,
            "subject": ticket.subject,
            "due_local": self.mailer.local(ticket.due_at),
            "remaining": describe_remaining(ticket.due_at, now, self.settings.language),
        }


def _reason(ticket: Ticket) -> str:
    """Why the ticket needs a person: the notice's first line says it."""
    if ticket.needs_review:
        return "review"
    if ticket.intents == [Intent.UNSUBSCRIBE.value]:
        return "unsubscribe_failed"  # only a failed unsubscribe is handed over (see needs_person)
    return "new"


def _any_pending(tx: Tx) -> bool:
    stmt = select(func.count()).select_from(StaffNotice).where(col(StaffNotice.status) == "pending")
    return bool(tx.session.execute(stmt).scalar_one())


def _take_marker(tx: Tx) -> Heartbeat | None:
    """The sweep's lock (created on first use); None when another worker holds it (PostgreSQL)."""
    insert = postgresql.insert if tx.dialect == "postgresql" else sqlite.insert
    tx.session.execute(
        insert(Heartbeat).values(name=MARKER, at=NEVER, detail={"digests": 0}).on_conflict_do_nothing()
    )
    stmt = select(Heartbeat).where(col(Heartbeat.name) == MARKER).execution_options(populate_existing=True)
    if tx.dialect == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return tx.session.scalars(stmt).first()


def _pending(tx: Tx) -> list[_Pending]:
    stmt = (
        select(col(StaffNotice.ticket_id), col(Ticket.status), col(Ticket.due_at))
        .join(Ticket, col(Ticket.id) == col(StaffNotice.ticket_id))
        .where(col(StaffNotice.status) == "pending")
        .order_by(col(StaffNotice.created_at), col(StaffNotice.ticket_id))
    )
    return [
        _Pending(ticket_id, status == TicketStatus.RESOLVED.value, due_at)
        for ticket_id, status, due_at in tx.session.execute(stmt)
    ]


def _claim(tx: Tx, ids: Sequence[int], status: str, now: datetime, mode: str = "") -> list[int]:
    """Settle the notices of ``ids`` that are still pending; returns the ones this call settled."""
    claimed: list[int] = []
    for start in range(0, len(ids), CHUNK):
        stmt = (
            update(StaffNotice)
            .where(col(StaffNotice.ticket_id).in_(ids[start : start + CHUNK]))
            .where(col(StaffNotice.status) == "pending")
            .values(status=status, mode=mode, sent_at=now if status == "sent" else None)
            .returning(col(StaffNotice.ticket_id))
            .execution_options(synchronize_session=False)
        )
        claimed.extend(tx.session.scalars(stmt))
    return claimed


def _tickets(tx: Tx, ids: Sequence[int]) -> list[Ticket]:
    """The tickets of ``ids``, soonest due first."""
    if not ids:
        return []
    stmt = select(Ticket).where(col(Ticket.id).in_(list(ids))).order_by(col(Ticket.due_at), col(Ticket.id))
    return list(tx.session.scalars(stmt))
