"""The transactional store: one :class:`Tx` per unit of work, committed whole or not at all."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import SessionTransaction, defer
from sqlmodel import Session, col

from inboxbot.adapters.db.contacts import ContactQueries
from inboxbot.adapters.db.models import (
    Heartbeat,
    MailboxState,
    Message,
    MessageRaw,
    OutboxMail,
    ProcessingFailure,
    SlaEscalation,
    StaffNotice,
    Ticket,
    TicketCounter,
    TicketEvent,
)
from inboxbot.core.address_hash import AddressHasher

__all__ = ["DuplicateError", "Savepoint", "Store", "Tx", "make_engine", "normalize_url"]


class DuplicateError(Exception):
    """Another worker (or an earlier run) already committed the same mail."""


def normalize_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the operator chose."""
    parsed = make_url(url)
    if parsed.drivername in {"postgres", "postgresql"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and for an in-memory one)."""
    parsed = make_url(normalize_url(url))
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def make_engine(url: str) -> Engine:
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")  # a commit must survive power loss: the mail leaves the inbox
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class Store:
    def __init__(self, engine: Engine, hasher: AddressHasher | None = None) -> None:
        """``hasher``: the keyed hash of erased addresses, so that they stay suppressed (see contacts)."""
        self.engine = engine
        self.hasher = hasher

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                tx = Tx(session, self.hasher)
                yield tx
                tx.before_commit()
                session.commit()
            except IntegrityError as exc:
                session.rollback()
                raise DuplicateError(str(exc.orig)) from exc
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()


class Tx:
    """Queries and writes inside one transaction."""

    def __init__(self, session: Session, hasher: AddressHasher | None = None) -> None:
        self.session = session
        self.contacts = ContactQueries(session, hasher)
        self._reply_counts: dict[str, int] | None = None
        self._sequences: dict[int, int] = {}
        self._reply_counts_since = datetime.min
        self._events: list[tuple[Ticket | int, dict[str, Any]]] = []
        # Message-IDs this transaction stored or queued, with their tickets: a batch's rows are written
        # at its end, and a follow-up in the same batch as its original must still find the ticket.
        self._threads: list[tuple[str, Ticket]] = []
        self._notices: list[tuple[Ticket | int, datetime]] = []  # staff to be told of these tickets

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    # -- inbound mail -------------------------------------------------------------------------
    def message_by_dedupe_key(self, key: str) -> Message | None:
        return self.session.scalars(select(Message).where(col(Message.dedupe_key) == key)).first()

    def known_keys(self, keys: Sequence[str]) -> dict[str, str]:
        """Dedupe key -> outcome for the keys already stored: a whole batch checked in one query."""
        if not keys:
            return {}
        stmt = select(col(Message.dedupe_key), col(Message.outcome)).where(
            col(Message.dedupe_key).in_(list(keys))
        )
        return dict(self.session.execute(stmt).all())

    def add_message(self, message: Message, raw: bytes | None) -> Message:
        """Store an inbound mail and its raw bytes; both are written at the next flush."""
        self.session.add(message)
        if message.message_id and message.ticket is not None:
            self._threads.append((message.message_id, message.ticket))
        if raw is not None:
            self.session.add(MessageRaw(message=message, raw=raw))
        return message

    def record_failure(self, digest: str, error: str, now: datetime) -> int:
        """Count one more failed attempt at a mail; returns the attempts so far."""
        failure = self.session.get(ProcessingFailure, digest)
        if failure is None:
            failure = ProcessingFailure(digest=digest, attempts=0, first_at=now, last_at=now)
        failure.attempts += 1
        failure.last_error, failure.last_at = error, now
        self.session.add(failure)
        self.session.flush()
        return failure.attempts

    def raw_message(self, message_id: int) -> bytes | None:
        row = self.session.get(MessageRaw, message_id)
        return row.raw if row else None

    def messages_of(self, ticket_id: int) -> Sequence[Message]:
        stmt = select(Message).where(col(Message.ticket_id) == ticket_id).order_by(col(Message.received_at))
        return self.session.scalars(stmt).all()

    # -- tickets --------------------------------------------------------------------------------
    def next_ticket_sequence(self, year: int) -> int:
        """The next ticket number of ``year``. The first call in a transaction takes the counter's row
        (an upsert that also locks it on PostgreSQL until the commit); later calls count on in memory,
        and the counter is written back once, before the commit."""
        if year in self._sequences:
            self._sequences[year] += 1
            return self._sequences[year]
        insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        stmt = (
            insert(TicketCounter)
            .values(year=year, last=1)
            .on_conflict_do_update(index_elements=["year"], set_={"last": col(TicketCounter.last) + 1})
            .returning(col(TicketCounter.last))
        )
        with self.session.no_autoflush:  # a number is handed out alone, pending rows wait for the batch
            self._sequences[year] = int(self.session.execute(stmt).scalar_one())
        return self._sequences[year]

    def savepoint(self) -> Savepoint:
        """A nested transaction; what is added after it starts goes if it is rolled back."""
        mark = (len(self._events), len(self._threads), len(self._notices))
        return Savepoint(self, mark, self.session.begin_nested())

    def before_commit(self) -> None:
        """Write back what was counted or gathered in memory during the transaction."""
        self.write_events()
        self.write_notices()
        for year, last in self._sequences.items():
            self.session.execute(
                update(TicketCounter)
                .where(col(TicketCounter.year) == year, col(TicketCounter.last) < last)
                .values(last=last)
            )

    def add_ticket(self, ticket: Ticket) -> Ticket:
        """Add a ticket; it (and what refers to it) is written at the next flush."""
        self.session.add(ticket)
        return ticket

    def ticket(self, ticket_id: int) -> Ticket | None:
        return self.session.get(Ticket, ticket_id)

    def ticket_by_number(self, number: str) -> Ticket | None:
        return self.session.scalars(select(Ticket).where(col(Ticket.number) == number)).first()

    def ticket_for_thread(self, message_ids: Sequence[str]) -> Ticket | None:
        """The ticket one of ``message_ids`` belongs to: a mail we sent for it, or one it received."""
        if not message_ids:
            return None
        ids = list(message_ids)
        sent = select(col(OutboxMail.ticket_id)).where(
            col(OutboxMail.message_id).in_(ids), col(OutboxMail.ticket_id).is_not(None)
        )
        got = select(col(Message.ticket_id)).where(
            col(Message.message_id).in_(ids), col(Message.ticket_id).is_not(None)
        )
        ticket_id = (
            self.session.execute(sent.limit(1)).scalar() or self.session.execute(got.limit(1)).scalar()
        )
        if ticket_id:
            return self.session.get(Ticket, ticket_id)
        return next((ticket for message_id, ticket in self._threads if message_id in ids), None)

    def tickets(self, statuses: Sequence[str] | None = None, limit: int | None = None) -> Sequence[Ticket]:
        stmt = select(Ticket).order_by(col(Ticket.received_at), col(Ticket.id))
        if statuses:
            stmt = stmt.where(col(Ticket.status).in_(list(statuses)))
        if limit:
            stmt = stmt.limit(limit)
        return self.session.scalars(stmt).all()

    def add_event(
        self, ticket: Ticket | int, at: datetime, actor: str, kind: str, detail: dict[str, Any]
    ) -> None:
        """Log an event; ``ticket`` may be a ticket not yet written.

        Events are the most numerous rows (several per mail) and nothing reads them back in the
        transaction that writes them but :meth:`events_of`, so they are gathered as plain rows and
        inserted together, skipping the ORM's per-object bookkeeping."""
        self._events.append((ticket, {"at": at, "actor": actor, "kind": kind, "detail": detail}))

    def write_events(self) -> None:
        """Insert the gathered events now (the tickets they belong to are flushed first for their ids)."""
        if not self._events:
            return
        self.session.flush()
        rows = [
            {**row, "ticket_id": ticket.id if isinstance(ticket, Ticket) else ticket}
            for ticket, row in self._events
        ]
        self._events.clear()
        self.session.execute(insert(TicketEvent.__table__), rows)  # type: ignore[attr-defined]

    def events_of(self, ticket_id: int) -> Sequence[TicketEvent]:
        """The ticket's events, those gathered in this transaction last (not written yet, no id)."""
        return self.events_of_many([ticket_id]).get(ticket_id, [])

    def events_of_many(self, ticket_ids: Sequence[int]) -> dict[int, list[TicketEvent]]:
        """:meth:`events_of` for several tickets in one query: ticket id -> its events."""
        wanted = set(ticket_ids)
        stmt = (
            select(TicketEvent)
            .where(col(TicketEvent.ticket_id).in_(wanted))
            .order_by(col(TicketEvent.at), col(TicketEvent.id))
        )
        events: dict[int, list[TicketEvent]] = {ticket_id: [] for ticket_id in wanted}
        with self.session.no_autoflush:  # events never wait in the session, only in the gathered list
            for event in self.session.scalars(stmt):
                assert event.ticket_id is not None  # selected by it
                events[event.ticket_id].append(event)
        for ticket, row in self._events:
            ticket_id = ticket.id if isinstance(ticket, Ticket) else ticket
            if ticket_id in wanted and ticket_id is not None:
                events[ticket_id].append(TicketEvent(ticket_id=ticket_id, **row))
        return events

    # -- outbox ---------------------------------------------------------------------------------
    def enqueue(self, mail: OutboxMail) -> OutboxMail:
        """Queue a mail; it is written at the next flush (its Message-ID identifies it meanwhile)."""
        self.session.add(mail)
        if mail.ticket is not None:
            self._threads.append((mail.message_id, mail.ticket))
        if self._reply_counts is not None:
            self._reply_counts[mail.recipient] = self._reply_counts.get(mail.recipient, 0) + 1
        return mail

    def preload_reply_counts(self, recipients: Sequence[str], since: datetime) -> None:
        """Count, for a whole batch at once, the mails each recipient got since ``since``; the counts
        then follow what this transaction queues (see :meth:`replies_sent_since`)."""
        stmt = (
            select(col(OutboxMail.recipient), func.count())
            .where(col(OutboxMail.recipient).in_(list(recipients)), col(OutboxMail.created_at) >= since)
            .group_by(col(OutboxMail.recipient))
        )
        self._reply_counts = {recipient: int(count) for recipient, count in self.session.execute(stmt)}
        self._reply_counts_since = since
        for recipient in recipients:
            self._reply_counts.setdefault(recipient, 0)

    def replies_sent_since(self, recipient: str, since: datetime) -> int:
        counts = self._reply_counts
        # The preloaded window starts no later than this one: its count can only err on the safe side.
        if counts is not None and recipient in counts and since >= self._reply_counts_since:
            return counts[recipient]
        stmt = (
            select(func.count())
            .select_from(OutboxMail)
            .where(col(OutboxMail.recipient) == recipient, col(OutboxMail.created_at) >= since)
        )
        return int(self.session.execute(stmt).scalar_one())

    def claim_due_mail(self, now: datetime, lease_until: datetime, limit: int) -> list[OutboxMail]:
        """Lease up to ``limit`` due mails to this worker; another worker skips them until the lease ends."""
        due = (
            select(col(OutboxMail.id))
            .where(
                col(OutboxMail.status) == "pending",
                col(OutboxMail.next_attempt_at) <= now,
                or_(col(OutboxMail.locked_until).is_(None), col(OutboxMail.locked_until) < now),
            )
            .order_by(col(OutboxMail.next_attempt_at), col(OutboxMail.id))
            .limit(limit)
        )
        if self.dialect == "postgresql":
            due = due.with_for_update(skip_locked=True)
        ids = list(self.session.execute(due).scalars())
        if not ids:
            return []
        self.session.execute(
            update(OutboxMail).where(col(OutboxMail.id).in_(ids)).values(locked_until=lease_until)
        )
        stmt = select(OutboxMail).where(col(OutboxMail.id).in_(ids)).order_by(col(OutboxMail.id))
        return list(self.session.scalars(stmt))

    def mark_sent(self, ids: Sequence[int], now: datetime) -> None:
        """Record that these outbox mails went out (one attempt more each, lease released)."""
        if not ids:
            return
        self.session.execute(
            update(OutboxMail)
            .where(col(OutboxMail.id).in_(list(ids)))
            .values(
                status="sent",
                sent_at=now,
                last_error=None,
                locked_until=None,
                attempts=col(OutboxMail.attempts) + 1,
            )
        )

    def outbox_mail(self, mail_id: int) -> OutboxMail | None:
        return self.session.get(OutboxMail, mail_id)

    def outbox_mails(self, ids: Sequence[int]) -> Sequence[OutboxMail]:
        """Several outbox rows in one query (their raw bytes are not needed to record a result)."""
        stmt = select(OutboxMail).where(col(OutboxMail.id).in_(list(ids))).options(defer(OutboxMail.raw))  # type: ignore[arg-type]  # SQLModel types the column as bytes
        return self.session.scalars(stmt.order_by(col(OutboxMail.id))).all()

    def outbox_of(self, ticket_id: int) -> Sequence[OutboxMail]:
        stmt = select(OutboxMail).where(col(OutboxMail.ticket_id) == ticket_id).order_by(col(OutboxMail.id))
        return self.session.scalars(stmt).all()

    # -- SLA --------------------------------------------------------------------------------------
    def claim_due_escalations(self, now: datetime, limit: int) -> list[Ticket]:
        """Tickets whose next escalation is due, through the index on next_escalation_at; on
        PostgreSQL rows another worker is sweeping are skipped, not waited for."""
        stmt = (
            select(Ticket)
            .where(col(Ticket.next_escalation_at) <= now, col(Ticket.status) != "resolved")
            .order_by(col(Ticket.next_escalation_at))
            .limit(limit)
        )
        if self.dialect == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        return list(self.session.scalars(stmt))

    def fired_levels(self, ticket_id: int) -> set[str]:
        stmt = select(col(SlaEscalation.level)).where(col(SlaEscalation.ticket_id) == ticket_id)
        return set(self.session.scalars(stmt))

    def record_escalation(self, ticket_id: int, level: str, due_at: datetime, now: datetime) -> bool:
        """Claim the firing of ``level`` for a ticket; False when it has fired already (anywhere)."""
        insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        stmt = (
            insert(SlaEscalation)
            .values(ticket_id=ticket_id, level=level, due_at=due_at, fired_at=now)
            .on_conflict_do_nothing()
            .returning(col(SlaEscalation.id))
        )
        return self.session.execute(stmt).first() is not None

    def escalations_of(self, ticket_id: int) -> Sequence[SlaEscalation]:
        stmt = (
            select(SlaEscalation)
            .where(col(SlaEscalation.ticket_id) == ticket_id)
            .order_by(col(SlaEscalation.id))
        )
        return self.session.scalars(stmt).all()

    # -- staff notices ----------------------------------------------------------------------------
    def add_notice(self, ticket: Ticket | int, at: datetime) -> None:
        """Have staff told of a ticket (a ``staff_notice`` row); gathered like events, so intake pays
        no query per mail, and written at the commit once per ticket, however often it is asked."""
        self._notices.append((ticket, at))

    def write_notices(self) -> None:
        if not self._notices:
            return
        self.session.flush()
        rows: dict[int | None, dict[str, Any]] = {}
        for ticket, at in self._notices:
            ticket_id = ticket.id if isinstance(ticket, Ticket) else ticket
            rows.setdefault(
                ticket_id, {"ticket_id": ticket_id, "status": "pending", "mode": "", "created_at": at}
            )
        self._notices.clear()
        insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        self.session.execute(insert(StaffNotice).on_conflict_do_nothing(), list(rows.values()))

    # -- heartbeats -------------------------------------------------------------------------------
    def beat(self, name: str, at: datetime, detail: dict[str, Any]) -> None:
        row = self.session.get(Heartbeat, name)
        if row is None:
            self.session.add(Heartbeat(name=name, at=at, detail=detail))
            return
        row.at, row.detail = at, detail
        self.session.add(row)

    def heartbeats(self) -> dict[str, Heartbeat]:
        return {row.name: row for row in self.session.scalars(select(Heartbeat))}

    # -- mailbox cursor -------------------------------------------------------------------------
    def cursor(self, folder: str) -> MailboxState | None:
        return self.session.get(MailboxState, folder)

    def advance_cursor(self, folder: str, uidvalidity: int, uid: int, now: datetime) -> None:
        state = self.session.get(MailboxState, folder)
        if state is None:
            self.session.add(
                MailboxState(folder=folder, uidvalidity=uidvalidity, last_uid=uid, updated_at=now)
            )
            return
        if state.uidvalidity != uidvalidity:
            state.uidvalidity, state.last_uid = uidvalidity, uid
        else:
            state.last_uid = max(state.last_uid, uid)
        state.updated_at = now


class Savepoint:
    """A nested transaction of a :class:`Tx` that also forgets what it gathered since it began (events,
    thread Message-IDs, staff notices)."""

    def __init__(self, tx: Tx, mark: tuple[int, int, int], nested: SessionTransaction) -> None:
        self._tx, self._mark, self._nested = tx, mark, nested

    def commit(self) -> None:
        self._nested.commit()

    def rollback(self) -> None:
        events, threads, notices = self._mark
        del self._tx._events[events:]
        del self._tx._threads[threads:]
        del self._tx._notices[notices:]
        self._nested.rollback()
