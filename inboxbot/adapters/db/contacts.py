"""Queries and writes for contacts, segments, the suppression list and unsubscribe fulfilment."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload
from sqlmodel import Session, SQLModel, col

from inboxbot.adapters.db.models import (
    AddressConfirmation,
    Contact,
    ContactEvent,
    Fulfilment,
    Membership,
    Segment,
    Suppression,
    Ticket,
)
from inboxbot.core.address_hash import PREFIX, AddressHasher

_Row = TypeVar("_Row")
_CONTACT_TABLE = SQLModel.metadata.tables["contact"]
_MEMBERSHIP_TABLE = SQLModel.metadata.tables["membership"]


# On PostgreSQL a chunk of rows travels as a few arrays in one statement (unnest), which is several
# times faster than any form of executemany through the driver.
_PG_UPSERT_CONTACTS = text(
    """
    INSERT INTO contact (email, name, phone, language, created_at, updated_at)
    SELECT e, n, p, l, :now, :now
    FROM unnest(CAST(:emails AS text[]), CAST(:names AS text[]), CAST(:phones AS text[]),
                CAST(:languages AS text[])) AS t(e, n, p, l)
    ON CONFLICT (email) DO UPDATE SET
        name = COALESCE(NULLIF(EXCLUDED.name, ''), contact.name),
        phone = COALESCE(NULLIF(EXCLUDED.phone, ''), contact.phone),
        language = COALESCE(NULLIF(EXCLUDED.language, ''), contact.language)
    RETURNING email, id
    """
)
_PG_ADD_MEMBERS = text(
    """
    INSERT INTO membership (contact_id, segment_id, added_at)
    SELECT id, :segment, :now FROM unnest(CAST(:ids AS integer[])) AS t(id)
    ON CONFLICT DO NOTHING
    RETURNING contact_id
    """
)


class ContactQueries:
    """``hasher``: the keyed hash of erased addresses. Every question "is this address suppressed?"
    then asks for the address and for its hash in one query, so an erased person stays suppressed."""

    def __init__(self, session: Session, hasher: AddressHasher | None = None) -> None:
        self.session = session
        self.hasher = hasher
        self._unsuppressed: set[str] = set()  # known not on the list (see preload_suppressions)

    def forms(self, emails: Iterable[str]) -> dict[str, str]:
        """What the suppression list may hold for each address (itself, its keyed hash) -> the address."""
        found: dict[str, str] = {}
        for email in emails:
            found[email] = email
            if self.hasher is not None:
                found[self.hasher(email)] = email
        return found

    @property
    def _postgresql(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    @property
    def _insert(self) -> Any:
        return postgresql.insert if self.session.get_bind().dialect.name == "postgresql" else sqlite.insert

    # -- contacts and segments ------------------------------------------------------------------
    def contact(self, email: str) -> Contact | None:
        return self.session.scalars(select(Contact).where(col(Contact.email) == email)).first()

    def segment(self, name: str) -> Segment | None:
        return self.session.scalars(select(Segment).where(col(Segment.name) == name)).first()

    def ensure_segment(self, name: str, channel: str, now: datetime) -> Segment:
        segment = self.segment(name)
        if segment is None:
            segment = Segment(name=name, channel=channel, created_at=now)
            self.session.add(segment)
            self.session.flush()
        return segment

    def segments_of(self, contact_id: int) -> list[str]:
        stmt = (
            select(col(Segment.name))
            .join(Membership, col(Membership.segment_id) == col(Segment.id))
            .where(col(Membership.contact_id) == contact_id)
            .order_by(col(Segment.name))
        )
        return list(self.session.scalars(stmt))

    def segment_counts(self) -> list[tuple[Segment, int]]:
        """Every segment with its number of members who may be mailed (suppressed ones excluded)."""
        members = (
            select(col(Membership.segment_id), func.count().label("n"))
            .join(Contact, col(Contact.id) == col(Membership.contact_id))
            .where(
                ~select(col(Suppression.email)).where(col(Suppression.email) == col(Contact.email)).exists()
            )
            .group_by(col(Membership.segment_id))
            .subquery()
        )
        stmt = (
            select(Segment, func.coalesce(members.c.n, 0))
            .outerjoin(members, members.c.segment_id == col(Segment.id))
            .order_by(col(Segment.name))
        )
        return [(segment, int(count)) for segment, count in self.session.execute(stmt)]

    def mailable_members(self, segment_id: int) -> Sequence[Contact]:
        """Members of a segment, never a suppressed address."""
        stmt = (
            select(Contact)
            .join(Membership, col(Membership.contact_id) == col(Contact.id))
            .where(col(Membership.segment_id) == segment_id)
            .where(
                ~select(col(Suppression.email)).where(col(Suppression.email) == col(Contact.email)).exists()
            )
            .order_by(col(Contact.email))
        )
        return self._not_erased(self.session.scalars(stmt).all())

    def _not_erased(self, contacts: Sequence[Contact]) -> Sequence[Contact]:
        """Contacts whose keyed hash is not suppressed. Erasure deletes the contact and an import never
        brings it back, so this finds none; it is the last wall before a mailing, not the first."""
        if self.hasher is None or not contacts:
            return contacts
        hashed = set(self.session.scalars(select(col(Suppression.email)).where(_is_hash())))
        hasher = self.hasher
        return [c for c in contacts if hasher(c.email) not in hashed] if hashed else contacts

    def hashed_suppressions(self) -> bool:
        """Whether the list holds keyed hashes (the import refuses to run without the key then)."""
        stmt = select(col(Suppression.email)).where(_is_hash()).limit(1)
        return self.session.execute(stmt).first() is not None

    def remove_from_all_segments(self, contact_id: int) -> list[str]:
        names = self.segments_of(contact_id)
        self.session.execute(delete(Membership).where(col(Membership.contact_id) == contact_id))
        return names

    # -- bulk import ----------------------------------------------------------------------------
    def suppressed_among(self, emails: Iterable[str]) -> set[str]:
        """The addresses of ``emails`` on the suppression list, in clear or as their keyed hash."""
        forms = self.forms(emails)
        if not forms:
            return set()
        stmt = select(col(Suppression.email)).where(col(Suppression.email).in_(list(forms)))
        return {forms[stored] for stored in self.session.scalars(stmt)}

    def upsert_contacts(self, rows: list[dict[str, Any]], now: datetime) -> dict[str, int]:
        """Insert new contacts, fill in missing name/phone/language of known ones; email -> id."""
        if not rows:
            return {}
        if self._postgresql:
            columns = {f"{key}s": [r[key] for r in rows] for key in ("email", "name", "phone", "language")}
            found = self.session.execute(_PG_UPSERT_CONTACTS, {**columns, "now": now})
            return {email: int(cid) for email, cid in found}
        stmt = self._insert(_CONTACT_TABLE)
        excluded = stmt.excluded
        stmt = stmt.on_conflict_do_update(
            index_elements=["email"],
            set_={
                field: func.coalesce(func.nullif(excluded[field], ""), getattr(Contact, field))
                for field in ("name", "phone", "language")
            },
        ).returning(_CONTACT_TABLE.c.email, _CONTACT_TABLE.c.id)
        # One compiled statement for many rows; with RETURNING, SQLAlchemy sends them as pages of
        # multi-row VALUES ("insertmanyvalues") instead of one statement per row.
        params = [{**r, "created_at": now, "updated_at": now} for r in rows]
        return {email: int(cid) for email, cid in self.session.connection().execute(stmt, params)}

    def add_memberships(self, contact_ids: Iterable[int], segment_id: int, now: datetime) -> int:
        """Add contacts to a segment; returns how many were not members yet."""
        ids = list(contact_ids)
        if not ids:
            return 0
        if self._postgresql:
            inserted = self.session.execute(_PG_ADD_MEMBERS, {"ids": ids, "segment": segment_id, "now": now})
            return len(inserted.all())
        # RETURNING gives the rows actually inserted (a conflict returns nothing) and batches them.
        stmt = (
            self._insert(_MEMBERSHIP_TABLE).on_conflict_do_nothing().returning(_MEMBERSHIP_TABLE.c.contact_id)
        )
        values = [{"contact_id": cid, "segment_id": segment_id, "added_at": now} for cid in ids]
        return len(self.session.connection().execute(stmt, values).all())

    # -- suppression and history ----------------------------------------------------------------
    def suppression(self, email: str) -> Suppression | None:
        """The address's suppression, in clear or as its keyed hash (the clear one first)."""
        forms = list(self.forms([email]))
        stmt = select(Suppression).where(col(Suppression.email).in_(forms))
        with self.session.no_autoflush:  # a lookup, as a get by key was: pending rows wait for the batch
            rows = sorted(self.session.scalars(stmt), key=lambda row: forms.index(row.email))
        return rows[0] if rows else None

    def preload_suppressions(self, emails: Iterable[str]) -> None:
        """Learn for a whole batch which addresses are not suppressed, so that :meth:`suppress` need not
        ask the database address by address. What this transaction suppresses is forgotten there."""
        batch = set(emails)
        self._unsuppressed = batch - self.suppressed_among(batch)

    def suppress(self, suppression: Suppression) -> bool:
        """Add to the suppression list; False when the address was suppressed already (or is being
        suppressed in this very transaction)."""
        if self._pending(Suppression, lambda s: s.email == suppression.email):
            return False
        if suppression.email not in self._unsuppressed and self.suppression(suppression.email) is not None:
            return False
        self._unsuppressed.discard(suppression.email)
        self.session.add(suppression)
        return True

    def _pending(self, model: type[_Row], match: Callable[[_Row], bool]) -> bool:
        """Whether a row added in this transaction but not yet written matches (batches flush late)."""
        return any(isinstance(obj, model) and match(obj) for obj in self.session.new)

    def lift_suppression(self, email: str) -> Suppression | None:
        """Take the address off the list, in clear and as its keyed hash; the first found, or None."""
        found = self.suppression(email)
        for stored in self.forms([email]):
            row = self.session.get(Suppression, stored)
            if row is not None:
                self.session.delete(row)
        return found

    def record(
        self,
        email: str,
        action: str,
        detail: dict[str, Any],
        *,
        at: datetime,
        actor: str,
        ticket: Ticket | None = None,
    ) -> None:
        """Add to the address's history (who did what to it, when, because of which ticket)."""
        self.session.add(
            ContactEvent(email=email, at=at, actor=actor, action=action, detail=detail, ticket=ticket)
        )

    def history(self, email: str) -> Sequence[ContactEvent]:
        """The address's history, with what was recorded under its keyed hash (its erasure)."""
        stmt = (
            select(ContactEvent)
            .where(col(ContactEvent.email).in_(list(self.forms([email]))))
            .order_by(col(ContactEvent.at), col(ContactEvent.id))
        )
        return self.session.scalars(stmt).all()

    # -- fulfilment -----------------------------------------------------------------------------
    def fulfilment(self, ticket: Ticket, address: str) -> Fulfilment | None:
        """The ticket's fulfilment for ``address``, written or still pending in this transaction."""
        for obj in self.session.new:
            if isinstance(obj, Fulfilment) and obj.ticket is ticket and obj.address == address:
                return obj
        if ticket.id is None:
            return None
        stmt = select(Fulfilment).where(
            col(Fulfilment.ticket_id) == ticket.id, col(Fulfilment.address) == address
        )
        return self.session.scalars(stmt).first()

    def fulfilments_of(self, ticket_id: int) -> Sequence[Fulfilment]:
        return self.fulfilments_of_many([ticket_id])[ticket_id]

    def fulfilments_of_many(self, ticket_ids: Sequence[int]) -> dict[int, list[Fulfilment]]:
        """Ticket id -> its fulfilments, for several tickets in one query."""
        stmt = select(Fulfilment).where(col(Fulfilment.ticket_id).in_(list(ticket_ids)))
        return _by_ticket(ticket_ids, self.session.scalars(stmt.order_by(col(Fulfilment.id))))

    def fulfilments_with_tickets(self, ids: Sequence[int]) -> dict[int, Fulfilment]:
        """The fulfilments of ``ids`` with their tickets, in one query."""
        with_ticket = joinedload(Fulfilment.ticket)  # type: ignore[arg-type]  # a relationship, not a column
        stmt = select(Fulfilment).where(col(Fulfilment.id).in_(list(ids))).options(with_ticket)
        return {row.id: row for row in self.session.scalars(stmt).unique() if row.id is not None}

    def syncing_fulfilments(self) -> list[Fulfilment]:
        """Rows whose own segments are done and whose mailing-platform calls are owed or under way."""
        stmt = select(Fulfilment).where(col(Fulfilment.status) == "syncing").order_by(col(Fulfilment.id))
        return list(self.session.scalars(stmt))

    def claim_due_fulfilments(self, now: datetime, lease_until: datetime, limit: int) -> list[Fulfilment]:
        due = (
            select(col(Fulfilment.id))
            .where(
                col(Fulfilment.status) == "pending",
                col(Fulfilment.next_attempt_at) <= now,
                or_(col(Fulfilment.locked_until).is_(None), col(Fulfilment.locked_until) < now),
            )
            .order_by(col(Fulfilment.next_attempt_at), col(Fulfilment.id))
            .limit(limit)
        )
        if self.session.get_bind().dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        ids = list(self.session.scalars(due))
        if not ids:
            return []
        self.session.execute(
            update(Fulfilment).where(col(Fulfilment.id).in_(ids)).values(locked_until=lease_until)
        )
        return list(self.session.scalars(select(Fulfilment).where(col(Fulfilment.id).in_(ids))))

    # -- confirmations of other addresses -------------------------------------------------------
    def confirmations_of(self, ticket_id: int) -> Sequence[AddressConfirmation]:
        return self.confirmations_of_many([ticket_id])[ticket_id]

    def confirmations_of_many(self, ticket_ids: Sequence[int]) -> dict[int, list[AddressConfirmation]]:
        """Ticket id -> the confirmations asked for it, for several tickets in one query."""
        stmt = select(AddressConfirmation).where(col(AddressConfirmation.ticket_id).in_(list(ticket_ids)))
        return _by_ticket(ticket_ids, self.session.scalars(stmt.order_by(col(AddressConfirmation.id))))

    def pending_confirmation(self, request_ids: Sequence[str], address: str) -> AddressConfirmation | None:
        if not request_ids:
            return None
        stmt = select(AddressConfirmation).where(
            col(AddressConfirmation.request_message_id).in_(list(request_ids)),
            col(AddressConfirmation.address) == address,
            col(AddressConfirmation.status) == "pending",
        )
        return self.session.scalars(stmt).first()

    def stale_confirmations(self, before: datetime) -> Sequence[AddressConfirmation]:
        stmt = select(AddressConfirmation).where(
            col(AddressConfirmation.status) == "pending", col(AddressConfirmation.created_at) < before
        )
        return self.session.scalars(stmt).all()


def _is_hash() -> Any:
    return col(Suppression.email).startswith(PREFIX, autoescape=True)


_HasTicket = TypeVar("_HasTicket", Fulfilment, AddressConfirmation)


def _by_ticket(ticket_ids: Sequence[int], rows: Iterable[_HasTicket]) -> dict[int, list[_HasTicket]]:
    grouped: dict[int, list[_HasTicket]] = {ticket_id: [] for ticket_id in ticket_ids}
    for row in rows:
        if row.ticket_id is not None:
            grouped.setdefault(row.ticket_id, []).append(row)
    return grouped
