"""Deliver the outbox: lease due mails, hand them to the transport, record what became of each.

Mails are leased with a short conditional update (and ``SKIP LOCKED`` on PostgreSQL), so several
workers share the queue without sending a mail twice. A transient failure is retried with exponential
backoff; a permanent one, or too many attempts, marks the mail failed and says so on its ticket.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog

from inboxbot.adapters.db.models import OutboxMail
from inboxbot.adapters.db.store import Store, Tx
from inboxbot.config import OutboxSettings
from inboxbot.core.backoff import Backoff
from inboxbot.service.inbound import Clock
from inboxbot.service.ports import (
    DeliveryResult,
    DeliveryStatus,
    OutgoingMail,
    Transport,
    TransportUnavailable,
)

log = structlog.get_logger("inboxbot.outbox")

LEASE = timedelta(minutes=5)


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    unavailable: str = ""  # why the transport could not be reached, when it could not


class Delivery:
    def __init__(self, store: Store, transport: Transport, settings: OutboxSettings, clock: Clock) -> None:
        self.store = store
        self.transport = transport
        self.settings = settings
        self.clock = clock
        self._outage = Backoff(
            base=max(settings.backoff_seconds, 1.0), cap=max(settings.max_backoff_seconds, 1.0)
        )

    def run(self, should_stop: Callable[[], bool] | None = None) -> DeliveryReport:
        """Deliver every mail that is due now, a batch at a time; stop early when the transport is
        unreachable, or between batches when ``should_stop`` says so (a shutdown)."""
        report = DeliveryReport()
        while not (should_stop and should_stop()):
            batch = self._claim()
            if not batch:
                return report
            try:
                results = self.transport.deliver([_outgoing(m) for m in batch])
            except TransportUnavailable as exc:
                delay = self._outage.next_delay()
                self._release(batch, str(exc), delay)
                report.unavailable = str(exc)
                log.error(
                    "outbox.transport_unavailable",
                    transport=self.transport.name,
                    reason=str(exc),
                    retry_in=round(delay, 1),
                )
                return report
            self._outage.reset()
            self._record(batch, results, report)
        return report

    def _claim(self) -> list[OutboxMail]:
        now = self.clock()
        with self.store.transaction() as tx:
            return tx.claim_due_mail(now, now + LEASE, self.settings.batch_size)

    def _release(self, batch: list[OutboxMail], reason: str, delay: float) -> None:
        """The transport was unreachable: nothing was tried, so no attempt is counted against the mails
        (an outage of any length gives none of them up); they wait out the outage's backoff instead."""
        resume = self.clock() + timedelta(seconds=delay)
        with self.store.transaction() as tx:
            for mail in tx.outbox_mails([m.id for m in batch if m.id is not None]):
                mail.locked_until, mail.next_attempt_at, mail.last_error = None, resume, reason
                tx.session.add(mail)

    def _record(self, batch: list[OutboxMail], results: list[DeliveryResult], report: DeliveryReport) -> None:
        """Record every result in one transaction: the sent mails (nearly all of them) in one update,
        the others a row at a time."""
        by_id = {r.mail_id: r for r in results}
        sent = [m for m in batch if m.id in by_id and by_id[m.id].status is DeliveryStatus.SENT]
        others = [m.id for m in batch if m.id in by_id and by_id[m.id].status is not DeliveryStatus.SENT]
        now = self.clock()
        with self.store.transaction() as tx:
            tx.mark_sent([m.id for m in sent if m.id is not None], now)
            for mail in sent:
                report.sent += 1
                self._event(
                    tx, mail, now, f"{mail.kind}_sent", {"outbox": mail.id, "via": self.transport.name}
                )
            for mail in tx.outbox_mails([i for i in others if i is not None]) if others else ():
                self._apply(tx, mail, by_id[mail.id or 0], now, report)

    def _apply(
        self, tx: Tx, mail: OutboxMail, result: DeliveryResult, now: datetime, report: DeliveryReport
    ) -> None:
        mail.attempts += 1
        mail.locked_until = None
        if result.status is DeliveryStatus.PERMANENT or mail.attempts >= self.settings.max_attempts:
            mail.status, mail.last_error = "failed", result.detail
            report.failed += 1
            log.error(
                "outbox.failed", outbox=mail.id, kind=mail.kind, attempts=mail.attempts, reason=result.detail
            )
            self._event(
                tx,
                mail,
                now,
                f"{mail.kind}_failed",
                {"outbox": mail.id, "attempts": mail.attempts, "reason": result.detail},
            )
        else:
            mail.last_error = result.detail
            mail.next_attempt_at = now + self._backoff(mail.attempts)
            report.retrying += 1
            log.warning(
                "outbox.retry",
                outbox=mail.id,
                kind=mail.kind,
                attempts=mail.attempts,
                next_attempt_at=mail.next_attempt_at.isoformat(),
                reason=result.detail,
            )
        tx.session.add(mail)

    def _backoff(self, attempts: int) -> timedelta:
        seconds = min(self.settings.backoff_seconds * 2 ** (attempts - 1), self.settings.max_backoff_seconds)
        return timedelta(seconds=seconds)

    @staticmethod
    def _event(tx: Tx, mail: OutboxMail, now: datetime, kind: str, detail: dict[str, object]) -> None:
        if mail.ticket_id is not None:
            tx.add_event(mail.ticket_id, now, "inboxbot", kind, dict(detail))


def _outgoing(mail: OutboxMail) -> OutgoingMail:
    assert mail.id is not None
    return OutgoingMail(id=mail.id, mail_from=mail.mail_from, recipient=mail.recipient, raw=mail.raw)
