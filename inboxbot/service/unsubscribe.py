"""Unsubscribe requests fulfilled on their own: suppressed at once, removed from every segment, confirmed.

At intake (same transaction as the ticket), :class:`UnsubscribeAutomation` puts the sender on the
suppression list and queues a :class:`Fulfilment`; another address named in the text only gets a
confirmation request, and is unsubscribed when its owner replies. :class:`Unsubscriber` then works the
queue: every segment backend removes the address (retried with backoff until it succeeds, never
reported to the client before), the client gets one confirmation in their language, and a ticket that
asked for nothing else is resolved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog

from inboxbot.adapters.db.models import AddressConfirmation, Fulfilment, Suppression, Ticket, TicketEvent
from inboxbot.adapters.db.store import Store, Tx
from inboxbot.config import UnsubscribeSettings
from inboxbot.core.addresses import mask_address
from inboxbot.core.intents import Classification, Intent
from inboxbot.core.mail import ParsedMail
from inboxbot.core.targets import unsubscribe_targets
from inboxbot.core.tickets import TicketStatus
from inboxbot.service.inbound import Clock
from inboxbot.service.lifecycle import Lifecycle
from inboxbot.service.mailer import Mailer
from inboxbot.service.notify import queue_notice
from inboxbot.service.platform_sync import queue_task, tasks_of
from inboxbot.service.ports import BackendError, SegmentBackend
from inboxbot.service.ticketing import ReplyGuard

log = structlog.get_logger("inboxbot.unsubscribe")

LEASE = timedelta(minutes=5)
ACTOR = "inboxbot"


@dataclass
class UnsubscribeAutomation:
    """The intake-time half: suppression, the fulfilment queue, confirmation requests."""

    mailer: Mailer
    reply_guard: ReplyGuard
    lifecycle: Lifecycle
    clock: Clock
    own_addresses: frozenset[str] = field(default_factory=frozenset)

    def replaces_acknowledgement(self, mail: ParsedMail, verdict: Classification) -> str | None:
        """An unsubscribe-only request of the sender's own address is answered by its confirmation."""
        if verdict.intents == (Intent.UNSUBSCRIBE,) and not verdict.needs_review:
            targets = unsubscribe_targets(
                mail, self.own_addresses, changes_data=Intent.DATA_CHANGE in verdict.intents
            )
            if targets.sender and not targets.others:
                return "the unsubscribe confirmation answers this request"
        return None

    def on_opened(self, tx: Tx, ticket: Ticket, mail: ParsedMail, verdict: Classification) -> None:
        if Intent.UNSUBSCRIBE not in verdict.intents or verdict.needs_review:
            return
        targets = unsubscribe_targets(
            mail, self.own_addresses, changes_data=Intent.DATA_CHANGE in verdict.intents
        )
        if targets.sender:
            self._start_for_sender(tx, ticket, mail, verdict)
        for address in targets.others:
            self._ask_owner(tx, ticket, address)
        if targets.others and not targets.sender:  # nothing to do until an owner answers
            self.lifecycle.transition(
                tx,
                ticket,
                TicketStatus.WAITING,
                now=self.clock(),
                actor=ACTOR,
                why="waiting for an address owner to confirm",
            )

    def on_reply(self, tx: Tx, ticket: Ticket, mail: ParsedMail, verdict: Classification) -> None:
        confirmation = tx.contacts.pending_confirmation(mail.thread_ids, mail.from_address)
        if confirmation is not None:
            self._confirmed(tx, ticket, confirmation, mail)
            return
        if (
            Intent.UNSUBSCRIBE in verdict.intents
            and not verdict.needs_review
            and mail.from_address == ticket.sender
        ):
            self._start_for_sender(tx, ticket, mail, verdict)

    def _start_for_sender(self, tx: Tx, ticket: Ticket, mail: ParsedMail, verdict: Classification) -> None:
        """The sender's own request: confirmed by mail unless the reply rules forbid writing to them."""
        may_notify = self.reply_guard.refusal(tx, mail, verdict, self.clock()) is None
        self.start(tx, ticket, ticket.sender, in_reply_to=mail.message_id, may_notify=may_notify)

    def start(
        self, tx: Tx, ticket: Ticket, address: str, *, in_reply_to: str | None, may_notify: bool = True
    ) -> None:
        """Suppress ``address`` now and queue its removal from every segment (idempotent per ticket)."""
        if not address or tx.contacts.fulfilment(ticket, address) is not None:
            return
        now = self.clock()
        newly = tx.contacts.suppress(
            Suppression(
                email=address,
                reason="unsubscribe request by e-mail",
                suppressed_at=now,
                actor=ACTOR,
                ticket=ticket,
                evidence=list(ticket.evidence),
            )
        )
        if newly:
            detail = {"ticket": ticket.number}
            tx.contacts.record(address, "suppressed", detail, at=now, actor=ACTOR, ticket=ticket)
        tx.session.add(
            Fulfilment(
                ticket=ticket,
                address=address,
                notify=newly and may_notify,
                in_reply_to=in_reply_to,
                next_attempt_at=now,
                results={},
                created_at=now,
            )
        )
        tx.add_event(
            ticket,
            now,
            ACTOR,
            "unsubscribe_started",
            {"address": address, "already_suppressed": not newly},
        )

    def _ask_owner(self, tx: Tx, ticket: Ticket, address: str) -> None:
        """Another address is not removed on the sender's word: its owner confirms by replying."""
        now = self.clock()
        outgoing = self.mailer.queue(
            tx, ticket, kind="confirm_unsubscribe", to_address=address, now=now, context={"address": address}
        )
        tx.session.add(
            AddressConfirmation(
                ticket=ticket, address=address, request_message_id=outgoing.message_id, created_at=now
            )
        )
        tx.add_event(
            ticket,
            now,
            ACTOR,
            "confirmation_requested",
            {"address": address, "message_id": outgoing.message_id},
        )

    def _confirmed(self, tx: Tx, ticket: Ticket, confirmation: AddressConfirmation, mail: ParsedMail) -> None:
        now = self.clock()
        confirmation.status, confirmation.settled_at = "confirmed", now
        tx.session.add(confirmation)
        tx.add_event(ticket, now, "client", "address_confirmed", {"address": confirmation.address})
        self.start(tx, ticket, confirmation.address, in_reply_to=mail.message_id)


@dataclass
class FulfilmentReport:
    done: int = 0
    retrying: int = 0
    failed: int = 0
    expired: int = 0


class Unsubscriber:
    """The queue-working half: backends, confirmation mail, ticket resolution."""

    def __init__(
        self,
        *,
        store: Store,
        backends: Sequence[SegmentBackend],
        mailer: Mailer,
        lifecycle: Lifecycle,
        settings: UnsubscribeSettings,
        clock: Clock,
        platforms: Sequence[str] = (),
    ) -> None:
        self.store = store
        self.backends = tuple(backends)
        self.platforms = tuple(platforms)  # mailing platforms owed a suppression (platform_sync.py)
        self.mailer = mailer
        self.lifecycle = lifecycle
        self.settings = settings
        self.clock = clock

    def run(self) -> FulfilmentReport:
        report = FulfilmentReport(expired=self._expire_confirmations())
        while batch := self._claim():
            # One commit for the whole batch; rows are written as each backend's savepoint ends and
            # at the commit, not before every lookup (each lookup sees the rows it needs already).
            with self.store.transaction() as tx, tx.session.no_autoflush:
                rows = tx.contacts.fulfilments_with_tickets(batch)
                facts = TicketFacts.load(tx, [row.ticket_id for row in rows.values() if row.ticket_id])
                live = [row for i in batch if (row := rows.get(i)) is not None and row.status == "pending"]
                for backend in self.backends:
                    live = self._ask(tx, backend, live, report)
                for row in live:
                    if self.platforms:
                        self._await_platforms(tx, row)
                    else:
                        self._finish(tx, row, facts, report)
        if report.done or report.retrying or report.failed or report.expired:
            log.info(
                "unsubscribe.done",
                done=report.done,
                retrying=report.retrying,
                failed=report.failed,
                expired=report.expired,
            )
        return report

    def _await_platforms(self, tx: Tx, row: Fulfilment) -> None:
        """inboxbot's own segments are done; the mailing platforms are called after the commit, outside
        it (:class:`~inboxbot.service.platform_sync.PlatformSync`); :meth:`settle` finishes the row."""
        now = self.clock()
        for name in self.platforms:
            queue_task(tx, name, "suppress", row.address, origin=_origin(row), now=now, ticket=row.ticket)
        row.status, row.locked_until = "syncing", None
        tx.session.add(row)

    def settle(self) -> FulfilmentReport:
        """Finish the rows whose platform calls are all done; hand to a person those a platform refused."""
        report = FulfilmentReport()
        now = self.clock()
        with self.store.transaction() as tx:
            rows = tx.contacts.syncing_fulfilments()
            facts = TicketFacts.load(tx, [row.ticket_id for row in rows if row.ticket_id])
            for row in rows:
                tasks = tasks_of(tx, _origin(row), row.address)
                if any(task.status == "pending" for task in tasks):
                    continue
                failed = [task for task in tasks if task.status == "failed"]
                if failed:
                    row.status, row.locked_until = "failed", None
                    row.last_error = "; ".join(task.last_error or task.platform for task in failed)
                    tx.session.add(row)
                    report.failed += 1
                    self._escalate(tx, row, now)
                    continue
                lists = {task.platform: [str(x) for x in task.result.get("lists", [])] for task in tasks}
                row.results = {**row.results, **lists}
                self._finish(tx, row, facts, report)
        return report

    def _claim(self) -> list[int]:
        now = self.clock()
        with self.store.transaction() as tx:
            rows = tx.contacts.claim_due_fulfilments(now, now + LEASE, self.settings.batch_size)
            return [row.id for row in rows if row.id is not None]

    def _ask(
        self, tx: Tx, backend: SegmentBackend, rows: list[Fulfilment], report: FulfilmentReport
    ) -> list[Fulfilment]:
        """Have ``backend`` remove every row's address; return the rows it did not fail on.

        The whole batch goes in one savepoint (one flush, not one per row). Should the backend fail on
        an address, what it did in the transaction is rolled back, that row's attempt is counted, and
        the other rows are asked again a row at a time (removal is idempotent), each in its own
        savepoint, so that only failing rows are held back."""
        todo = [row for row in rows if backend.name not in row.results]
        savepoint = tx.savepoint()
        for row in todo:
            try:
                left = backend.remove_everywhere(row.address, tx)
            except BackendError as exc:
                savepoint.rollback()
                self._failed_attempt(tx, row, backend.name, exc, report)
                failed = {id(row)} | {
                    id(r) for r in todo if r is not row and not self._ask_one(tx, backend, r, report)
                }
                return [r for r in rows if id(r) not in failed]
            self._record_answer(tx, row, backend.name, left)
        savepoint.commit()
        return rows

    def _ask_one(self, tx: Tx, backend: SegmentBackend, row: Fulfilment, report: FulfilmentReport) -> bool:
        savepoint = tx.savepoint()
        try:
            left = backend.remove_everywhere(row.address, tx)
        except BackendError as exc:
            savepoint.rollback()
            self._failed_attempt(tx, row, backend.name, exc, report)
            return False
        self._record_answer(tx, row, backend.name, left)
        savepoint.commit()
        return True

    @staticmethod
    def _record_answer(tx: Tx, row: Fulfilment, backend: str, left: list[str]) -> None:
        row.results = {**row.results, backend: left}  # recorded as each backend answers
        tx.session.add(row)

    def _failed_attempt(
        self, tx: Tx, row: Fulfilment, backend: str, error: BackendError, report: FulfilmentReport
    ) -> None:
        now = self.clock()
        row.attempts += 1
        row.locked_until = None
        row.last_error = f"{backend}: {error}"
        if error.permanent or row.attempts >= self.settings.max_attempts:
            row.status = "failed"
            report.failed += 1
            self._escalate(tx, row, now)
        else:
            delay = min(
                self.settings.backoff_seconds * 2 ** (row.attempts - 1), self.settings.max_backoff_seconds
            )
            row.next_attempt_at = now + timedelta(seconds=delay)
            report.retrying += 1
        tx.session.add(row)
        log.warning(
            "unsubscribe.backend_failed",
            backend=backend,
            ticket=row.ticket_id,
            attempts=row.attempts,
            reason=str(error),
            gave_up=row.status == "failed",
        )

    def _escalate(self, tx: Tx, row: Fulfilment, now: datetime) -> None:
        """Give the ticket to a person; the client has been told nothing yet, so nothing false."""
        ticket = row.ticket
        assert ticket is not None
        tx.add_event(
            ticket,
            now,
            ACTOR,
            "unsubscribe_failed",
            {"address": row.address, "attempts": row.attempts, "reason": row.last_error},
        )
        self.lifecycle.transition(
            tx, ticket, TicketStatus.OPEN, now=now, actor=ACTOR, why="unsubscribe could not be completed"
        )
        queue_notice(tx, ticket, now, handed_over=True)

    def _finish(self, tx: Tx, row: Fulfilment, facts: TicketFacts, report: FulfilmentReport) -> None:
        now = self.clock()
        ticket = row.ticket
        assert ticket is not None
        row.status, row.done_at, row.locked_until = "done", now, None
        row.attempts += 1
        tx.session.add(row)
        segments = sorted({name for names in row.results.values() for name in names})
        tx.add_event(
            ticket,
            now,
            ACTOR,
            "unsubscribed",
            {"address": row.address, "segments": segments, "by_backend": row.results},
        )
        if row.notify:
            self._confirm(tx, ticket, row, segments, now)
        settle_ticket(tx, ticket, now, self.lifecycle, facts)
        report.done += 1
        log.info(
            "unsubscribe.fulfilled",
            ticket=ticket.number,
            address=mask_address(row.address),
            segments=len(segments),
            confirmed=row.notify,
        )

    def _confirm(self, tx: Tx, ticket: Ticket, row: Fulfilment, segments: list[str], now: datetime) -> None:
        outgoing = self.mailer.queue(
            tx,
            ticket,
            kind="unsubscribed",
            to_address=row.address,
            now=now,
            to_name=ticket.sender_name if row.address == ticket.sender else "",
            in_reply_to=row.in_reply_to or ticket.message_id,
            context={"address": row.address, "segments": segments},
        )
        tx.add_event(
            ticket,
            now,
            ACTOR,
            "confirmation_queued",
            {"address": row.address, "message_id": outgoing.message_id},
        )

    def _expire_confirmations(self) -> int:
        now = self.clock()
        cutoff = now - timedelta(days=self.settings.confirmation_days)
        with self.store.transaction() as tx:
            stale = list(tx.contacts.stale_confirmations(cutoff))
            for confirmation in stale:
                confirmation.status, confirmation.settled_at = "expired", now
                tx.session.add(confirmation)
                ticket = confirmation.ticket
                assert ticket is not None
                tx.add_event(ticket, now, ACTOR, "confirmation_expired", {"address": confirmation.address})
                settle_ticket(tx, ticket, now, self.lifecycle)
        return len(stale)


@dataclass(frozen=True)
class TicketFacts:
    """What settling tickets needs to know of them, read for a whole batch of tickets at once.

    The fulfilments and confirmations are the session's own objects, so what the batch changes in
    them is seen; ``asked`` is what the clients asked for, which fulfilling never changes."""

    fulfilments: Mapping[int, Sequence[Fulfilment]]
    confirmations: Mapping[int, Sequence[AddressConfirmation]]
    asked: Mapping[int, frozenset[str]]

    @classmethod
    def load(cls, tx: Tx, ticket_ids: Sequence[int]) -> TicketFacts:
        events = tx.events_of_many(ticket_ids)
        return cls(
            fulfilments=tx.contacts.fulfilments_of_many(ticket_ids),
            confirmations=tx.contacts.confirmations_of_many(ticket_ids),
            asked={ticket_id: _asked(events[ticket_id]) for ticket_id in events},
        )


def settle_ticket(
    tx: Tx, ticket: Ticket, now: datetime, lifecycle: Lifecycle, facts: TicketFacts | None = None
) -> None:
    """Resolve an unsubscribe-only ticket once nothing is pending; wait while owners must confirm."""
    assert ticket.id is not None
    facts = facts if facts is not None and ticket.id in facts.asked else TicketFacts.load(tx, [ticket.id])
    fulfilments = facts.fulfilments[ticket.id]
    if any(f.status == "pending" for f in fulfilments):
        return
    if any(c.status == "pending" for c in facts.confirmations[ticket.id]):
        lifecycle.transition(
            tx,
            ticket,
            TicketStatus.WAITING,
            now=now,
            actor=ACTOR,
            why="waiting for an address owner to confirm",
        )
        return
    failed = any(f.status == "failed" for f in fulfilments)
    if facts.asked[ticket.id] == {Intent.UNSUBSCRIBE.value} and not failed:
        lifecycle.transition(
            tx,
            ticket,
            TicketStatus.RESOLVED,
            now=now,
            actor=ACTOR,
            why="request fulfilled",
            detail={"note": "unsubscribed from every mailing automatically"},
        )
    elif ticket.status == TicketStatus.WAITING.value:
        lifecycle.transition(
            tx, ticket, TicketStatus.OPEN, now=now, actor=ACTOR, why="address confirmations settled"
        )


def _origin(row: Fulfilment) -> str:
    return f"fulfilment:{row.id}"


def _asked(events: Sequence[TicketEvent]) -> frozenset[str]:
    """What the client asked for over the ticket's life: unsubscribing alone lets it resolve itself (a
    question asked along the way, or another request, leaves it to a person)."""
    asked: set[str] = set()
    for event in events:
        if event.kind == "opened" or (event.kind == "client_replied" and event.detail.get("from_client")):
            asked.update(event.detail.get("intents", []))
        elif event.kind == "reclassified":
            asked = set(event.detail.get("to", []))
    return frozenset(asked)
