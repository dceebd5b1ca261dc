"""The staff queue: tickets filtered, searched and paged, soonest deadline first, with the counts per
filter. One page costs the same few indexed queries whether 1,000 or 100,000 tickets are open: counts
stop at :data:`COUNT_CAP` and the page is read with LIMIT/OFFSET on ``(status, due_at)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, and_, bindparam, cast, func, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from inboxbot.adapters.db.models import SlaEscalation, StaffAccount, Ticket
from inboxbot.adapters.db.store import Store, Tx
from inboxbot.core.intents import Intent
from inboxbot.core.tickets import TicketStatus
from inboxbot.service.sla_report import effective_due

COUNT_CAP = 1000  # "999+" beyond: a count must not cost more with a bigger backlog
ACTIVE = (TicketStatus.NEW.value, TicketStatus.OPEN.value, TicketStatus.WAITING.value)
RUNNING = (TicketStatus.NEW.value, TicketStatus.OPEN.value)
STATUSES = (*ACTIVE, TicketStatus.RESOLVED.value, "all")
SHORTCUTS = ("active", "mine", "unassigned", "overdue", "review")


class BadFilter(ValueError):
    """A filter that makes no sense; the message says which and why."""


@dataclass(frozen=True)
class QueueFilter:
    status: str | None = None  # None: active (new, open, waiting); "all"; or one status
    intent: str | None = None
    mine: bool = False
    unassigned: bool = False
    overdue: bool = False
    due_within: timedelta | None = None
    review: bool = False  # only tickets flagged for review
    search: str = ""
    page: int = 1

    def check(self) -> None:
        if self.status is not None and self.status not in STATUSES:
            raise BadFilter(f"unknown status {self.status!r}")
        if self.intent is not None and self.intent not in {i.value for i in Intent}:
            raise BadFilter(f"unknown intent {self.intent!r}")
        if (self.overdue or self.due_within is not None) and self.status in (TicketStatus.RESOLVED, "all"):
            raise BadFilter("resolved tickets have no deadline: they cannot be overdue or due")
        if self.mine and self.unassigned:
            raise BadFilter("a ticket cannot be both mine and unassigned")
        if self.page < 1:
            raise BadFilter("pages start at 1")


@dataclass(frozen=True)
class QueueRow:
    ticket: Ticket
    due: datetime  # the deadline as it stands now (a waiting ticket's moves with the clock)
    left: timedelta  # negative when overdue
    level: str | None  # the last escalation level fired
    assignee: str | None  # the assignee's name

    @property
    def overdue(self) -> bool:
        return self.left < timedelta(0) and self.ticket.status != TicketStatus.RESOLVED.value


@dataclass(frozen=True)
class Count:
    value: int

    def __str__(self) -> str:
        return f"{COUNT_CAP - 1}+" if self.value >= COUNT_CAP else str(self.value)


@dataclass(frozen=True)
class QueuePage:
    rows: Sequence[QueueRow]
    total: Count
    counts: dict[str, Count]  # per shortcut filter (SHORTCUTS)
    page: int
    page_size: int

    @property
    def has_next(self) -> bool:
        return self.total.value > self.page * self.page_size

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def queue_page(
    store: Store, wanted: QueueFilter, *, me: int | None, now: datetime, page_size: int = 50
) -> QueuePage:
    """One page of the queue for the staff member ``me`` (their id, for "mine")."""
    wanted.check()
    with store.transaction() as tx:
        where = conditions(wanted, me=me, now=now)
        tickets = _page(tx, where, wanted, page_size)
        rows = _rows(tx, tickets, now)
        total = _count(tx, where)
        counts = {name: _count(tx, conditions(shortcut(name), me=me, now=now)) for name in SHORTCUTS}
    return QueuePage(rows, total, counts, wanted.page, page_size)


def shortcut(name: str) -> QueueFilter:
    """The filter behind one of the queue's shortcuts."""
    return {
        "active": QueueFilter(),
        "mine": QueueFilter(mine=True),
        "unassigned": QueueFilter(unassigned=True),
        "overdue": QueueFilter(overdue=True),
        "review": QueueFilter(review=True),
    }[name]


def conditions(wanted: QueueFilter, *, me: int | None, now: datetime) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if wanted.status is None:
        where.append(_active())
    elif wanted.status != "all":
        where.append(col(Ticket.status) == wanted.status)
    if wanted.intent:
        where.append(cast(Ticket.intents, String).like(f'%"{wanted.intent}"%'))
    if wanted.mine:
        where.append(col(Ticket.assignee_id) == (me if me is not None else -1))
    if wanted.unassigned:
        where.append(col(Ticket.assignee_id).is_(None))
    if wanted.review:
        where.append(col(Ticket.needs_review).is_(True))
    if wanted.overdue or wanted.due_within is not None:
        where.append(_due_by(now + (wanted.due_within or timedelta(0))))
    where.extend(_search(wanted.search))
    return where


def _active() -> ColumnElement[bool]:
    """The open statuses written into the SQL as literals, so that every plan (PostgreSQL's generic
    plans of prepared statements too) can use the partial indexes on open tickets."""
    return col(Ticket.status).in_(bindparam("active", list(ACTIVE), expanding=True, literal_execute=True))


def _due_by(horizon: datetime) -> ColumnElement[bool]:
    """Tickets whose clock runs and ends by ``horizon``, or that were already late when they started
    waiting (a waiting ticket's clock is stopped: it is not due while the client has the word)."""
    running = and_(col(Ticket.status).in_(RUNNING), col(Ticket.due_at) <= horizon)
    waiting = col(Ticket.status) == TicketStatus.WAITING.value
    late_waiting = and_(waiting, col(Ticket.due_at) <= col(Ticket.paused_at))
    return or_(running, late_waiting)


def _search(text: str) -> list[ColumnElement[bool]]:
    """Every word must be found in the ticket's sender, subject or mail text (case-folded)."""
    terms = [t for t in text.casefold().split() if t][:8]
    return [col(Ticket.search_text).like(f"%{_escape(t)}%", escape="\\") for t in terms]


def _escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _page(tx: Tx, where: list[ColumnElement[bool]], wanted: QueueFilter, size: int) -> list[Ticket]:
    order: list[Any] = (
        [col(Ticket.resolved_at).desc(), col(Ticket.id).desc()]
        if wanted.status == TicketStatus.RESOLVED.value
        else [col(Ticket.due_at), col(Ticket.id)]
    )
    stmt = select(Ticket).where(*where).order_by(*order).limit(size).offset((wanted.page - 1) * size)
    return list(tx.session.scalars(stmt))


def _count(tx: Tx, where: list[ColumnElement[bool]]) -> Count:
    capped = select(col(Ticket.id)).where(*where).limit(COUNT_CAP).subquery()
    return Count(int(tx.session.execute(select(func.count()).select_from(capped)).scalar_one()))


def _rows(tx: Tx, tickets: list[Ticket], now: datetime) -> list[QueueRow]:
    ids = [t.id for t in tickets if t.id is not None]
    levels = _levels(tx, ids)
    names = _assignees(tx, {t.assignee_id for t in tickets if t.assignee_id is not None})
    rows = []
    for ticket in tickets:
        due = effective_due(ticket, now)
        rows.append(
            QueueRow(
                ticket=ticket,
                due=due,
                left=due - now,
                level=levels.get(ticket.id or 0),
                assignee=names.get(ticket.assignee_id) if ticket.assignee_id else None,
            )
        )
    return rows


def _levels(tx: Tx, ticket_ids: list[int]) -> dict[int, str]:
    """The last escalation level fired per ticket, for a page of tickets, in one query."""
    if not ticket_ids:
        return {}
    stmt = (
        select(col(SlaEscalation.ticket_id), col(SlaEscalation.level))
        .where(col(SlaEscalation.ticket_id).in_(ticket_ids))
        .order_by(col(SlaEscalation.fired_at), col(SlaEscalation.id))
    )
    return dict(tx.session.execute(stmt).all())


def _assignees(tx: Tx, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    stmt = select(col(StaffAccount.id), col(StaffAccount.name)).where(col(StaffAccount.id).in_(ids))
    return dict(tx.session.execute(stmt).all())
