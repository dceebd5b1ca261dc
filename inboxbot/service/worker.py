"""One cycle of work: read the inbox, deliver the outbox, run due scheduled work."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import structlog

from inboxbot.adapters.db.store import Store
from inboxbot.service.delivery import Delivery, DeliveryReport
from inboxbot.service.intake import Intake, Outcome
from inboxbot.service.ports import MailSource

log = structlog.get_logger("inboxbot.worker")

SweepJob = Callable[[], object]


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
    ) -> None:
        self.store = store
        self.intake = intake
        self.open_source = open_source
        self.delivery = delivery
        self._fulfil = fulfil
        self._sla = sla

    def run_once(self) -> CycleReport:
        """Poll, fulfil unsubscribes, sweep the SLA, then deliver: mail the cycle causes leaves in it."""
        poll = self.poll()
        self.sweep()
        delivery = self.deliver()
        return CycleReport(poll=poll, delivery=delivery)

    def poll_and_fulfil(self) -> None:
        """The scheduler's poll job: new mail in, and unsubscribes fulfilled at once."""
        self.poll()
        self.fulfil()

    def sweep(self) -> None:
        self.fulfil()
        self.sweep_sla()

    def fulfil(self) -> None:
        """Work the unsubscribe queue (right after a poll, so a request is fulfilled within the cycle)."""
        if self._fulfil is not None:
            self._fulfil()

    def sweep_sla(self) -> None:
        if self._sla is not None:
            self._sla()

    def poll(self) -> PollReport:
        """Take in every waiting mail; each is moved out of the inbox only after its commit."""
        report = PollReport()
        source = self.open_source()
        try:
            for inbound in source.fetch(self._cursor):
                result = self.intake.process(inbound)
                source.settle(inbound, result.destination)
                report.outcomes[result.outcome] += 1
                if result.outcome is Outcome.TICKET_OPENED and result.ticket_number:
                    report.tickets.append(result.ticket_number)
            source.flush()
        finally:
            source.close()
        log.info(
            "poll.done",
            source=source.name,
            mails=report.total,
            **{outcome.value: count for outcome, count in report.outcomes.items()},
        )
        return report

    def deliver(self) -> DeliveryReport:
        report = self.delivery.run()
        if report.sent or report.retrying or report.failed:
            log.info("outbox.done", sent=report.sent, retrying=report.retrying, failed=report.failed)
        return report

    def _cursor(self, folder: str) -> tuple[int, int] | None:
        with self.store.transaction() as tx:
            state = tx.cursor(folder)
            return (state.uidvalidity, state.last_uid) if state else None
