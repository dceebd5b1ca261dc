"""Owed calls to the mailing platforms, made outside every database transaction.

Whatever must reach a platform (an unsubscriber suppressed, a verified change, an erasure) is queued as
:class:`~inboxbot.adapters.db.models.PlatformTask` rows in the transaction that decided it
(:func:`queue_task`). :class:`PlatformSync` then works the queue in three steps per batch: lease the due
rows (a short transaction), call the platforms with no transaction open (suppressions batched up to the
platform's ``max_batch``), record the outcomes (another short transaction). A lease outlives any call,
so two workers never call for the same row, and every call is idempotent, so a crash between the call
and the record only repeats a harmless call.

Failures, per platform and cycle (the circuit breaker): a platform that cannot be reached (timeout,
refused connection, 5xx) is called once; its other rows wait for the next attempt without a call. A
``429``/``503`` with ``Retry-After`` holds the platform's rows until then. ``401``/``403`` (or a request
the platform refuses) fails the rows for good and hands their ticket to a person. An address the
platform does not know is success: there was nothing to remove.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import func, or_, select, update
from sqlmodel import col

from inboxbot.adapters.db.models import PlatformTask, Ticket
from inboxbot.adapters.db.store import Store, Tx
from inboxbot.core.addresses import mask_address
from inboxbot.service.inbound import Clock
from inboxbot.service.platforms import AddressOutcome, ContactChange, MailingPlatform, PlatformError

log = structlog.get_logger()

LEASE = timedelta(minutes=10)  # far longer than a batch of calls with their timeouts
ACTIONS = ("suppress", "update", "erase")


@dataclass(frozen=True)
class SyncPolicy:
    max_attempts: int = 10
    backoff_seconds: float = 60.0
    max_backoff_seconds: float = 3600.0
    batch_size: int = 200


@dataclass
class SyncReport:
    done: int = 0
    retrying: int = 0
    failed: int = 0
    held: int = 0  # not called: the platform's breaker was open
    calls: int = 0


@dataclass(frozen=True)
class _Owed:
    """A leased row, as the calls need it (no ORM object crosses the transaction's end)."""

    id: int
    platform: str
    action: str
    address: str
    payload: dict[str, Any]
    attempts: int


@dataclass
class _Outcomes:
    done: dict[int, dict[str, Any]] = field(default_factory=dict)
    retry: dict[int, tuple[str, float | None]] = field(default_factory=dict)  # id -> error, wait
    failed: dict[int, str] = field(default_factory=dict)
    held: dict[int, datetime] = field(default_factory=dict)


def queue_task(
    tx: Tx,
    platform: str,
    action: str,
    address: str,
    *,
    origin: str,
    now: datetime,
    ticket: Ticket | None = None,
    payload: dict[str, Any] | None = None,
) -> PlatformTask:
    """Owe ``platform`` one ``action`` about ``address``; the same origin asking again queues nothing
    new (a finished task asked again is made due again: the platform may have changed since)."""
    assert action in ACTIONS, action
    key = (platform, action, address, origin)
    for added in tx.session.new:  # queued earlier in this batch, not flushed yet (no-autoflush batches)
        if isinstance(added, PlatformTask) and _key(added) == key:
            return added
    existing = tx.session.scalars(
        select(PlatformTask).where(
            col(PlatformTask.platform) == platform,
            col(PlatformTask.action) == action,
            col(PlatformTask.address) == address,
            col(PlatformTask.origin) == origin,
        )
    ).first()
    if existing is not None:
        if existing.status != "pending":
            existing.status, existing.attempts, existing.next_attempt_at = "pending", 0, now
            existing.payload = payload or {}
            tx.session.add(existing)
        return existing
    task = PlatformTask(
        platform=platform, action=action, address=address, origin=origin, ticket=ticket,
        payload=payload or {}, next_attempt_at=now, result={}, created_at=now,
    )  # fmt: skip
    tx.session.add(task)
    return task


def _key(task: PlatformTask) -> tuple[str, str, str, str]:
    return task.platform, task.action, task.address, task.origin


def tasks_of(tx: Tx, origin: str, address: str | None = None) -> list[PlatformTask]:
    query = select(PlatformTask).where(col(PlatformTask.origin) == origin)
    if address is not None:
        query = query.where(col(PlatformTask.address) == address)
    return list(tx.session.scalars(query.order_by(col(PlatformTask.id))))


def platform_counts(tx: Tx) -> dict[str, dict[str, int]]:
    """Per configured-or-remembered platform: calls still owed (``pending``) and given up (``failed``)."""
    query = (
        select(col(PlatformTask.platform), col(PlatformTask.status), func.count())
        .where(col(PlatformTask.status).in_(["pending", "failed"]))
        .group_by(col(PlatformTask.platform), col(PlatformTask.status))
    )
    counts: dict[str, dict[str, int]] = {}
    for platform, status, count in tx.session.execute(query):
        counts.setdefault(platform, {"pending": 0, "failed": 0})[status] = int(count)
    return counts


class PlatformSync:
    """Works the platform queue; ``names`` are the configured platforms that work is queued for."""

    def __init__(
        self, store: Store, platforms: Sequence[MailingPlatform], policy: SyncPolicy, clock: Clock
    ) -> None:
        self.store = store
        self.platforms = {p.name: p for p in platforms}
        self.policy = policy
        self.clock = clock
        self._open_until: dict[str, datetime] = {}  # the breaker: no call to a platform before then

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.platforms)

    def run(self) -> SyncReport:
        report = SyncReport()
        if not self.platforms:
            return report
        tripped: set[str] = set()  # platforms that failed in this cycle: not called again in it
        while batch := self._lease():
            outcomes = _Outcomes()
            by_platform: dict[str, list[_Owed]] = defaultdict(list)
            for owed in batch:
                by_platform[owed.platform].append(owed)
            for name, owed_rows in by_platform.items():
                self._call(name, owed_rows, outcomes, tripped, report)
            self._record(outcomes, report)
        if report.calls or report.failed or report.held:
            log.info(
                "platforms.synced", done=report.done, retrying=report.retrying, failed=report.failed,
                held=report.held, calls=report.calls,
            )  # fmt: skip
        return report

    # -- the three steps ------------------------------------------------------------------------------
    def _lease(self) -> list[_Owed]:
        """Lease up to a batch of due rows. The update re-checks that each row is still free and says
        which it took (RETURNING), so two workers never hold one row, even on SQLite, whose driver
        reads before it opens the write transaction."""
        now = self.clock()
        free = (
            col(PlatformTask.status) == "pending",
            col(PlatformTask.next_attempt_at) <= now,
            or_(col(PlatformTask.locked_until).is_(None), col(PlatformTask.locked_until) < now),
        )
        with self.store.transaction() as tx:
            due = (
                select(col(PlatformTask.id))
                .where(*free)
                .order_by(col(PlatformTask.next_attempt_at), col(PlatformTask.id))
                .limit(self.policy.batch_size)
            )
            if tx.session.get_bind().dialect.name == "postgresql":
                due = due.with_for_update(skip_locked=True)
            ids = list(tx.session.scalars(due))
            if not ids:
                return []
            taken = update(PlatformTask).where(col(PlatformTask.id).in_(ids), *free)
            ids = list(
                tx.session.scalars(
                    taken.values(locked_until=now + LEASE).returning(col(PlatformTask.id)),
                    execution_options={"synchronize_session": False},
                )
            )
            if not ids:
                return []
            rows = tx.session.scalars(select(PlatformTask).where(col(PlatformTask.id).in_(ids)))
            return [
                _Owed(r.id or 0, r.platform, r.action, r.address, dict(r.payload), r.attempts) for r in rows
            ]

    def _call(
        self, name: str, rows: list[_Owed], out: _Outcomes, tripped: set[str], report: SyncReport
    ) -> None:
        platform = self.platforms.get(name)
        if platform is None:  # a platform taken out of the configuration: its work cannot be done
            for row in rows:
                out.failed[row.id] = f"{name}: no such platform is configured any more"
            return
        now = self.clock()
        for index, chunk in enumerate(_chunks(platform, rows)):
            held_until = self._open_until.get(name)
            if name in tripped or (held_until is not None and held_until > now):
                for row in [r for c in _chunks(platform, rows)[index:] for r in c]:
                    wait = timedelta(seconds=self._backoff(row.attempts + 1))
                    out.held[row.id] = held_until if held_until and held_until > now else now + wait
                return
            try:
                report.calls += 1
                answers = _ask(platform, chunk)
            except PlatformError as err:
                self._failed_call(name, chunk, err, out, tripped)
                continue
            for row, answer in zip(chunk, answers, strict=True):
                if answer.ok:
                    out.done[row.id] = {"known": answer.known, "lists": list(answer.lists)}
                else:
                    assert answer.error is not None
                    self._failed_row(row, answer.error, out)

    def _failed_call(
        self, name: str, rows: Sequence[_Owed], err: PlatformError, out: _Outcomes, tripped: set[str]
    ) -> None:
        for row in rows:
            self._failed_row(row, err, out)
        if err.retry_after is not None:
            self._open_until[name] = self.clock() + timedelta(seconds=err.retry_after)
        if err.unreachable or err.retry_after is not None:
            tripped.add(name)
        log.warning(
            "platforms.call_failed", platform=name, rows=len(rows), reason=str(err),
            permanent=err.permanent, retry_after=err.retry_after,
        )  # fmt: skip

    def _failed_row(self, row: _Owed, err: PlatformError, out: _Outcomes) -> None:
        if err.permanent or row.attempts + 1 >= self.policy.max_attempts:
            out.failed[row.id] = f"{row.platform}: {err}"
        else:
            out.retry[row.id] = (f"{row.platform}: {err}", err.retry_after)

    def _record(self, out: _Outcomes, report: SyncReport) -> None:
        now = self.clock()
        with self.store.transaction() as tx:
            ids = [*out.done, *out.retry, *out.failed, *out.held]
            rows = {
                r.id: r for r in tx.session.scalars(select(PlatformTask).where(col(PlatformTask.id).in_(ids)))
            }
            for task_id, result in out.done.items():
                row = rows[task_id]
                row.status, row.result, row.done_at, row.locked_until = "done", result, now, None
                row.attempts += 1
                report.done += 1
            for task_id, (error, wait) in out.retry.items():
                row = rows[task_id]
                row.attempts += 1
                row.last_error, row.locked_until = error, None
                row.next_attempt_at = now + timedelta(seconds=wait or self._backoff(row.attempts))
                report.retrying += 1
            for task_id, until in out.held.items():
                row = rows[task_id]
                row.locked_until, row.next_attempt_at = None, until
                report.held += 1
            for task_id, error in out.failed.items():
                row = rows[task_id]
                row.attempts += 1
                row.status, row.last_error, row.locked_until, row.done_at = "failed", error, None, now
                self._hand_over(tx, row, now)
                report.failed += 1
            for row in rows.values():
                tx.session.add(row)

    def _hand_over(self, tx: Tx, row: PlatformTask, now: datetime) -> None:
        """A platform refused for good: the ticket (if any) shows it and goes to a person."""
        log.warning(
            "platforms.gave_up", platform=row.platform, action=row.action,
            address=mask_address(row.address), reason=row.last_error,
        )  # fmt: skip
        if row.ticket_id is None:
            return
        ticket = tx.ticket(row.ticket_id)
        if ticket is None:
            return
        detail = {"platform": row.platform, "action": row.action, "reason": row.last_error}
        tx.add_event(ticket, now, "inboxbot", "platform_failed", detail)
        ticket.needs_review = True
        tx.session.add(ticket)

    def _backoff(self, attempts: int) -> float:
        delay = float(self.policy.backoff_seconds * 2 ** max(attempts - 1, 0))
        return min(delay, self.policy.max_backoff_seconds)

    def close(self) -> None:
        for platform in self.platforms.values():
            closer = getattr(platform, "close", None)
            if callable(closer):
                closer()


def _chunks(platform: MailingPlatform, rows: Sequence[_Owed]) -> list[list[_Owed]]:
    """Suppressions batched up to the platform's ``max_batch``; every other action one call a row."""
    suppress = [r for r in rows if r.action == "suppress"]
    size = max(int(getattr(platform, "max_batch", 1) or 1), 1)
    chunks = [suppress[i : i + size] for i in range(0, len(suppress), size)]
    return chunks + [[r] for r in rows if r.action != "suppress"]


def _ask(platform: MailingPlatform, chunk: list[_Owed]) -> list[AddressOutcome]:
    first = chunk[0]
    if first.action == "suppress":
        return platform.suppress([row.address for row in chunk])
    if first.action == "update":
        return [platform.update(first.address, change_from(first.payload))]
    return [platform.erase(first.address)]


def change_from(payload: dict[str, Any]) -> ContactChange:
    """A queued update's payload (the contact fields a change set) as the port's :class:`ContactChange`."""
    known = {"email", "first_name", "last_name", "phone", "language"}
    extra = {k: str(v) for k, v in payload.items() if k not in known and v}
    return ContactChange(
        email=payload.get("email") or None,
        first_name=payload.get("first_name") or None,
        last_name=payload.get("last_name") or None,
        phone=payload.get("phone") or None,
        language=payload.get("language") or None,
        extra=extra,
    )
