"""One cycle of work: read the inbox, fulfil unsubscribes, sweep the SLA, deliver the outbox."""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

import structlog

from inboxbot.adapters.db.store import DuplicateError, Store
from inboxbot.service.delivery import Delivery, DeliveryReport
from inboxbot.service.inbound import Inbound, Outcome
from inboxbot.service.intake import Intake, PendingBatch
from inboxbot.service.ports import MailSource

log = structlog.get_logger("inboxbot.worker")

SweepJob = Callable[[], object]
StopCheck = Callable[[], bool]


class Progress(Protocol):
    """How a long poll (a backlog) reports itself: a bar on a terminal, log lines otherwise."""

    def advance(self, done: int, waiting: int) -> None: ...

    def finish(self, done: int) -> None: ...


class LogProgress:
    """A log line every ``interval`` seconds while a poll takes longer than that."""

    def __init__(self, interval: float = 10.0) -> None:
        self.interval = interval
        self.started = time.monotonic()
        self.last = self.started

    def advance(self, done: int, waiting: int) -> None:
        now = time.monotonic()
        if now - self.last >= self.interval:
            self.last = now
            rate = done / max(now - self.started, 1e-9)
            log.info("poll.progress", done=done, waiting=waiting, mails_per_second=round(rate, 1))

    def finish(self, done: int) -> None:
        return None


@dataclass
class PollReport:
    outcomes: Counter[Outcome] = field(default_factory=Counter)
    tickets: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.outcomes.values())


@dataclass
class CycleReport:
    poll: PollReport
    delivery: DeliveryReport


class Worker:
    def __init__(
        self,
        store: Store,
        intake: Intake,
        open_source: Callable[[], MailSource],
        delivery: Delivery,
        *,
        fulfil: SweepJob | None = None,
        sla: SweepJob | None = None,
        notify: SweepJob | None = None,
        retention: SweepJob | None = None,
        after_delivery: SweepJob | None = None,
    ) -> None:
        self.store = store
        self.intake = intake
        self.open_source = open_source
        self.delivery = delivery
        self._fulfil = fulfil
        self._sla = sla
        self._notify = notify
        self._retention = retention
        self._after_delivery = after_delivery  # work that waits for mail to leave (an erasure's notice)
        self.progress: Callable[[], Progress] = LogProgress
        self.stopping = threading.Event()  # set on SIGTERM/SIGINT: finish what is in hand, start nothing

    def run_once(self) -> CycleReport:
        """Poll, fulfil unsubscribes, sweep the SLA, then deliver: mail the cycle causes leaves in it.

        Once :attr:`stopping` is set the cycle finishes the batch in hand and skips the sweeps (the
        next cycle does them); delivery stops between its batches."""
        poll = self.poll(should_stop=self.stopping.is_set)
        if not self.stopping.is_set():
            self.sweep()
        delivery = self.deliver()
        return CycleReport(poll=poll, delivery=delivery)

    def sweep(self) -> None:
        self.fulfil()
        self.sweep_sla()
        self.notify()
        self.sweep_retention()

    def fulfil(self) -> None:
        """Work the unsubscribe queue (right after a poll, so a request is fulfilled within the cycle)."""
        if self._fulfil is not None:
            self._fulfil()
            self.beat("fulfil")

    def sweep_sla(self) -> None:
        if self._sla is not None:
            self._sla()
            self.beat("sla")

    def notify(self) -> None:
        """Tell staff of tickets that need a person (after the SLA sweep: its mail goes first)."""
        if self._notify is not None:
            self._notify()
            self.beat("notify")

    def sweep_retention(self) -> None:
        """Purge the raw mail of tickets closed longer ago than ``[retention] raw_mail_days``."""
        if self._retention is not None:
            self._retention()
            self.beat("retention")

    def poll(self, source: MailSource | None = None, should_stop: StopCheck | None = None) -> PollReport:
        """Take in every waiting mail, a batch at a time; a batch leaves the inbox only after its commit.

        With ``source`` the caller's open connection is used (and left open); ``should_stop`` is asked
        between batches, so a shutdown finishes the batch in hand and no more.
        """
        own = source is None
        mailbox = source or self.open_source()
        report = PollReport()
        progress = self.progress()
        try:
            batches = mailbox.batches(self._cursor)
            ahead = self._start(next(batches, None))
            while ahead is not None:
                # The next batch is read, and its parsing begun, before this one is committed: with a
                # process pool the two overlap. Nothing of it is settled until its own commit.
                pending, ahead = ahead, self._start(next(batches, None))
                self._take(mailbox, pending, report)
                progress.advance(report.total, mailbox.waiting)
                if should_stop is not None and should_stop():
                    break
            mailbox.flush()  # the moves the source still holds back (it groups them)
            self.beat("poll", mails=report.total)
        finally:
            progress.finish(report.total)
            if own:
                mailbox.close()
        if report.total or own:
            log.info(
                "poll.done",
                source=mailbox.name,
                mails=report.total,
                **{outcome.value: count for outcome, count in report.outcomes.items()},
            )
        return report

    def _start(self, batch: list[Inbound] | None) -> PendingBatch | None:
        return None if batch is None else self.intake.start(batch)

    def _take(self, mailbox: MailSource, pending: PendingBatch, report: PollReport) -> None:
        results = self.intake.commit(pending)
        for inbound, result in zip(pending.batch, results, strict=True):
            if result.destination is not None:
                mailbox.settle(inbound, result.destination)
            report.outcomes[result.outcome] += 1
            if result.outcome is Outcome.TICKET_OPENED and result.ticket_number:
                report.tickets.append(result.ticket_number)

    def beat(self, name: str, **detail: object) -> None:
        """Record that ``name`` (poll, deliver, fulfil, sla, ...) just completed, for ``inboxbot status``.

        Every job beats itself, whichever command ran it (``run-once`` or ``run``); two workers racing
        to write the first beat of a kind is no failure."""
        with contextlib.suppress(DuplicateError), self.store.transaction() as tx:
            tx.beat(name, datetime.now(UTC), dict(detail))

    def deliver(self) -> DeliveryReport:
        report = self.delivery.run(should_stop=self.stopping.is_set)
        if report.sent or report.retrying or report.failed:
            log.info("outbox.done", sent=report.sent, retrying=report.retrying, failed=report.failed)
        if not report.unavailable:
            self.beat("deliver", sent=report.sent)
        if self._after_delivery is not None:  # every time: what it waits for may be settled elsewhere
            self._after_delivery()
        return report

    def _cursor(self, folder: str) -> tuple[int, int] | None:
        with self.store.transaction() as tx:
            state = tx.cursor(folder)
            return (state.uidvalidity, state.last_uid) if state else None
