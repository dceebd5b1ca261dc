"""``inboxbot status``: is the worker alive and keeping up? One read of the database and the mailbox.

The answer is a plain dictionary with stable keys (see :data:`STATUS_VERSION` and the README): every
key is always present, a value that cannot be known is ``null``. The mailbox may be unreachable; that
is reported (``waiting: null`` and the reason), never raised.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import func, select
from sqlmodel import col

from inboxbot.adapters.db.models import Message, OutboxMail, Ticket
from inboxbot.adapters.db.store import Store, Tx
from inboxbot.core.tickets import TicketStatus
from inboxbot.core.times import as_utc, iso_utc
from inboxbot.service.complaints import complaint_counts
from inboxbot.service.inbound import Outcome
from inboxbot.service.platform_sync import platform_counts
from inboxbot.service.ports import MailSource, MailSourceError
from inboxbot.service.sla_report import due_tickets

STATUS_VERSION = 1
HEARTBEATS = ("poll", "deliver", "fulfil", "sla", "notify", "retention")
_WAITING = re.compile(r"(\d+) mail\(s\) waiting")


@runtime_checkable
class CountsWaiting(Protocol):
    def count_waiting(self) -> int: ...


def collect_status(store: Store, open_source: Callable[[], MailSource], *, now: datetime) -> dict[str, Any]:
    """Heartbeats, the mailbox backlog, the outbox queue and the open and overdue tickets, as of ``now``."""
    with store.transaction() as tx:
        heartbeats = _heartbeats(tx, now)
        outbox = _outbox(tx, now)
        open_tickets = _open_tickets(tx)
        spam = _spam(tx, now)
        complaints = complaint_counts(tx, now)
        platforms = platform_counts(tx)
    overdue = len(due_tickets(store, now=now, within=None))
    return {
        "version": STATUS_VERSION,
        "generated_at": iso_utc(now),
        "last_poll_at": heartbeats["poll"]["at"] if heartbeats["poll"] else None,
        "heartbeats": heartbeats,
        "mailbox": mailbox_backlog(open_source),
        "outbox": outbox,
        "tickets": {"open": open_tickets, "overdue": overdue},
        "spam": spam,
        "complaints": complaints,
        "platforms": platforms,
    }


def mailbox_backlog(open_source: Callable[[], MailSource]) -> dict[str, Any]:
    """How many mails wait in the inbox; ``waiting`` None and ``error`` the reason when unreachable."""
    source: MailSource | None = None
    try:
        source = open_source()
        return {"source": source.name, "waiting": _count(source), "error": None}
    except (MailSourceError, OSError) as exc:
        name = source.name if source is not None else None
        return {"source": name, "waiting": None, "error": str(exc) or type(exc).__name__}
    finally:
        if source is not None:
            source.close()


def _count(source: MailSource) -> int:
    if isinstance(source, CountsWaiting):
        return source.count_waiting()
    match = _WAITING.search(source.probe())
    if match is None:
        raise MailSourceError(f"{source.name} did not say how many mails wait")
    return int(match.group(1))


def _heartbeats(tx: Tx, now: datetime) -> dict[str, dict[str, Any] | None]:
    rows = tx.heartbeats()
    beats: dict[str, dict[str, Any] | None] = {}
    for name in HEARTBEATS:
        row = rows.get(name)
        beats[name] = None if row is None else {"at": iso_utc(row.at), "age_seconds": _age(row.at, now)}
    return beats


def _outbox(tx: Tx, now: datetime) -> dict[str, Any]:
    counts = dict(
        tx.session.execute(
            select(col(OutboxMail.status), func.count())
            .where(col(OutboxMail.status).in_(["pending", "failed"]))
            .group_by(col(OutboxMail.status))
        ).all()
    )
    oldest = tx.session.execute(
        select(func.min(col(OutboxMail.created_at))).where(col(OutboxMail.status) == "pending")
    ).scalar_one()
    return {
        "pending": int(counts.get("pending", 0)),
        "failed": int(counts.get("failed", 0)),
        "oldest_pending_at": iso_utc(oldest) if oldest else None,
        "oldest_pending_age_seconds": _age(oldest, now) if oldest else None,
    }


def _spam(tx: Tx, now: datetime) -> dict[str, int]:
    """Suspected spam and phishing kept aside: in the last 24 hours, and in all."""
    spam = col(Message.outcome) == Outcome.SPAM.value
    day = (
        select(func.count())
        .select_from(Message)
        .where(spam, col(Message.received_at) >= now - timedelta(days=1))
    )
    total = select(func.count()).select_from(Message).where(spam)
    return {
        "last_24h": int(tx.session.execute(day).scalar_one()),
        "total": int(tx.session.execute(total).scalar_one()),
    }


def _open_tickets(tx: Tx) -> int:
    stmt = select(func.count()).select_from(Ticket).where(col(Ticket.status) != TicketStatus.RESOLVED.value)
    return int(tx.session.execute(stmt).scalar_one())


def _age(moment: datetime, now: datetime) -> float:
    return round(max((as_utc(now) - as_utc(moment)).total_seconds(), 0.0), 1)
