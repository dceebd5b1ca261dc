"""What ``/metrics`` serves (Prometheus text format): figures read from the database on every scrape.

Nothing is counted in process memory: several console instances share one database, and each of them
answers a scrape with the same figures. :func:`read_figures` reads them in a handful of queries (the
overdue and at-risk tickets through :func:`~inboxbot.service.sla_report.due_tickets`, the same rule
``inboxbot status`` and ``tickets list --overdue`` apply); :class:`FiguresCollector` turns them into
metric families, and :func:`render_metrics` renders them on a private registry, so nothing of the
process (Python's own collectors, another instance's state) leaks into the answer.

Known label values (every outcome a mail can have, every category) are always present, zero when
nothing counts, so a series never vanishes from a dashboard; a time never known is 0.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlmodel import col

from inboxbot.adapters.db.models import Fulfilment, Heartbeat, Message, OutboxMail, StaffNotice, Ticket
from inboxbot.adapters.db.store import Store, Tx
from inboxbot.config import SlaSettings
from inboxbot.core.tickets import CATEGORY_PRECEDENCE, TicketStatus
from inboxbot.service.complaints import complaint_counts
from inboxbot.service.inbound import Outcome
from inboxbot.service.sla_report import due_tickets, effective_due

CONTENT_TYPE = CONTENT_TYPE_LATEST
"""The Content-Type of :func:`render_metrics`' answer."""
DEFAULT_AT_RISK = timedelta(hours=SlaSettings.model_fields["at_risk_hours"].default)
STORED_OUTCOMES = (
    Outcome.TICKET_OPENED,
    Outcome.REPLY_ADDED,
    Outcome.AUTOMATED,
    Outcome.SPAM,
    Outcome.QUARANTINED,
)
CATEGORIES = tuple(intent.value for intent in CATEGORY_PRECEDENCE)


@dataclass
class TicketLoad:
    """Open tickets of one category, and how many of them are at risk or overdue."""

    open: int = 0
    at_risk: int = 0
    overdue: int = 0


@dataclass(frozen=True)
class Figures:
    mails: Mapping[str, int]  # outcome -> mails taken in
    tickets: Mapping[str, TicketLoad]  # category -> its open tickets
    outbox_pending: int = 0
    outbox_failed: int = 0
    oldest_unsent_age: float = 0.0  # seconds the oldest mail waiting to be sent has waited; 0: none
    fulfilments_pending: int = 0  # unsubscribes not yet carried out in every segment backend
    notices_pending: int = 0  # tickets staff have not been told of yet
    last_poll: float = 0.0  # unix time of the last successful poll of the mailbox; 0: never
    complaints: int = 0  # feedback-loop complaints about our mail, ever
    at_risk_hours: float = field(default=DEFAULT_AT_RISK.total_seconds() / 3600)


def read_figures(store: Store, now: datetime, *, at_risk: timedelta = DEFAULT_AT_RISK) -> Figures:
    """Everything ``/metrics`` shows, as of ``now``."""
    with store.transaction() as tx:
        mails = _mails(tx)
        tickets = _open_tickets(tx)
        pending, failed, oldest = _outbox(tx)
        fulfilments, notices, polled = _backlogs(tx)
        complaints = complaint_counts(tx, now)["total"]
    for ticket in due_tickets(store, now=now, within=at_risk):
        load = tickets.setdefault(ticket.category, TicketLoad())
        if effective_due(ticket, now) <= now:
            load.overdue += 1
        else:
            load.at_risk += 1
    return Figures(
        mails=mails,
        tickets=tickets,
        outbox_pending=pending,
        outbox_failed=failed,
        oldest_unsent_age=max((now - oldest).total_seconds(), 0.0) if oldest else 0.0,
        fulfilments_pending=fulfilments,
        notices_pending=notices,
        last_poll=polled.timestamp() if polled else 0.0,
        at_risk_hours=at_risk.total_seconds() / 3600,
        complaints=complaints,
    )


def _mails(tx: Tx) -> dict[str, int]:
    stmt = select(col(Message.outcome), func.count()).group_by(col(Message.outcome))
    counts = {outcome.value: 0 for outcome in STORED_OUTCOMES}
    counts.update({outcome: int(count) for outcome, count in tx.session.execute(stmt)})
    return counts


def _open_tickets(tx: Tx) -> dict[str, TicketLoad]:
    stmt = (
        select(col(Ticket.category), func.count())
        .where(col(Ticket.status) != TicketStatus.RESOLVED.value)
        .group_by(col(Ticket.category))
    )
    loads = {category: TicketLoad() for category in CATEGORIES}
    for category, count in tx.session.execute(stmt):
        loads.setdefault(category, TicketLoad()).open = int(count)
    return loads


def _outbox(tx: Tx) -> tuple[int, int, datetime | None]:
    """Mails waiting to be sent, mails given up, and when the oldest waiting one was queued."""
    stmt = (
        select(col(OutboxMail.status), func.count(), func.min(col(OutboxMail.created_at)))
        .where(col(OutboxMail.status).in_(["pending", "failed"]))
        .group_by(col(OutboxMail.status))
    )
    rows = {status: (int(count), oldest) for status, count, oldest in tx.session.execute(stmt)}
    pending, oldest = rows.get("pending", (0, None))
    return pending, rows.get("failed", (0, None))[0], oldest


def _backlogs(tx: Tx) -> tuple[int, int, datetime | None]:
    """Pending fulfilments, pending staff notices and the last poll, in one statement."""
    fulfilments = (
        select(func.count()).select_from(Fulfilment).where(col(Fulfilment.status).in_(["pending", "syncing"]))
    )
    notices = select(func.count()).select_from(StaffNotice).where(col(StaffNotice.status) == "pending")
    polled = select(col(Heartbeat.at)).where(col(Heartbeat.name) == "poll")
    row = tx.session.execute(
        select(fulfilments.scalar_subquery(), notices.scalar_subquery(), polled.scalar_subquery())
    ).one()
    return int(row[0]), int(row[1]), row[2]


class FiguresCollector(Collector):
    """The metric families of one reading of the figures."""

    def __init__(self, figures: Figures) -> None:
        self.figures = figures

    def collect(self) -> Iterator[Metric]:
        figures = self.figures
        mails = CounterMetricFamily(
            "inboxbot_mails", "Mails taken in from the mailbox, by what became of them.", labels=["outcome"]
        )
        for outcome, count in sorted(figures.mails.items()):
            mails.add_metric([outcome], count)
        yield mails
        yield CounterMetricFamily(
            "inboxbot_complaints",
            "Feedback-loop complaints about our own mail (the recipient is suppressed everywhere).",
            value=figures.complaints,
        )
        yield from self._tickets()
        outbox = GaugeMetricFamily(
            "inboxbot_outbox_mails",
            "Outgoing mails waiting to be sent (pending) or given up (failed).",
            labels=["status"],
        )
        outbox.add_metric(["pending"], figures.outbox_pending)
        outbox.add_metric(["failed"], figures.outbox_failed)
        yield outbox
        yield _gauge(
            "inboxbot_outbox_oldest_unsent_age_seconds",
            "How long the oldest mail waiting to be sent has waited (0 when none waits).",
            figures.oldest_unsent_age,
        )
        yield _gauge(
            "inboxbot_unsubscribe_fulfilments_pending",
            "Unsubscribe requests not yet carried out in every segment backend.",
            figures.fulfilments_pending,
        )
        yield _gauge(
            "inboxbot_staff_notices_pending",
            "Tickets that need a person whom staff have not been told of yet.",
            figures.notices_pending,
        )
        yield _gauge(
            "inboxbot_last_poll_timestamp_seconds",
            "Unix time of the last successful poll of the mailbox (0: never).",
            figures.last_poll,
        )

    def _tickets(self) -> Iterator[Metric]:
        hours = f"{self.figures.at_risk_hours:g}"
        families = {
            "open": GaugeMetricFamily(
                "inboxbot_tickets_open", "Tickets not resolved yet, by category.", labels=["category"]
            ),
            "at_risk": GaugeMetricFamily(
                "inboxbot_tickets_at_risk",
                f"Open tickets due within {hours} h and not overdue yet, by category.",
                labels=["category"],
            ),
            "overdue": GaugeMetricFamily(
                "inboxbot_tickets_overdue",
                "Open tickets past their SLA deadline, by category.",
                labels=["category"],
            ),
        }
        for category, load in sorted(self.figures.tickets.items()):
            families["open"].add_metric([category], load.open)
            families["at_risk"].add_metric([category], load.at_risk)
            families["overdue"].add_metric([category], load.overdue)
        yield from families.values()


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def render_metrics(store: Store, now: datetime, *, at_risk: timedelta = DEFAULT_AT_RISK) -> bytes:
    """The answer to a scrape, in the Prometheus text format (:data:`CONTENT_TYPE`). The console passes
    ``at_risk=timedelta(hours=settings.sla.at_risk_hours)``."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(FiguresCollector(read_figures(store, now, at_risk=at_risk)))
    return generate_latest(registry)
