"""The tables. The schema itself is owned by the Alembic migrations next to this module.

The ``ticket`` and ``message`` relationships let a whole batch of new rows be written in one flush,
their foreign keys filled in by the ORM. (SQLModel resolves a relationship under postponed annotations
only when it is spelled ``Optional["X"]`` with an explicit ``sa_relationship``.)"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, Column, Index, LargeBinary, Text, UniqueConstraint, text
from sqlalchemy.orm import relationship
from sqlmodel import Field, Relationship, SQLModel

from inboxbot.adapters.db.types import UTCDateTime


def _when(*, index: bool = False, nullable: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, index=index, nullable=nullable)


class MailboxState(SQLModel, table=True):
    """Where reading stopped in one IMAP folder: its UIDVALIDITY and the last UID committed."""

    __tablename__ = "mailbox_state"

    folder: str = Field(primary_key=True, max_length=255)
    uidvalidity: int
    last_uid: int = 0
    updated_at: datetime = _when()


class TicketCounter(SQLModel, table=True):
    """The last ticket sequence number handed out per year (HB-2026-000123)."""

    __tablename__ = "ticket_counter"

    year: int = Field(primary_key=True)
    last: int = 0


# The queue reads open tickets only: partial indexes on them keep its page and its counts as cheap with
# 100,000 tickets as with 1,000 (the statuses must match ACTIVE in service/queue.py).
_OPEN = text("status IN ('new', 'open', 'waiting')")
_RESOLVED = text("status = 'resolved'")


def _open_index(name: str, *columns: str) -> Index:
    return Index(name, *columns, postgresql_where=_OPEN, sqlite_where=_OPEN)


class Ticket(SQLModel, table=True):
    __tablename__ = "ticket"
    __table_args__ = (
        Index("ix_ticket_status_due", "status", "due_at"),
        _open_index("ix_ticket_active_due", "due_at", "id"),
        _open_index("ix_ticket_active_assignee", "assignee_id", "due_at"),
        _open_index("ix_ticket_active_review", "needs_review", "due_at"),
        Index("ix_ticket_resolved", "resolved_at", "id", postgresql_where=_RESOLVED, sqlite_where=_RESOLVED),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=32, unique=True)
    status: str = Field(max_length=16, index=True)
    category: str = Field(max_length=32)
    intents: list[str] = Field(sa_column=Column(JSON, nullable=False))
    language: str = Field(max_length=8)
    needs_review: bool = False
    confidence: float = 1.0
    evidence: list[dict[str, str]] = Field(sa_column=Column(JSON, nullable=False))
    sender: str = Field(max_length=320, index=True)
    sender_name: str = Field(default="", max_length=255)
    subject: str = Field(default="", sa_type=Text)
    message_id: str | None = Field(default=None, max_length=998)
    received_at: datetime = _when()
    due_at: datetime = _when(index=True)
    created_at: datetime = _when()
    updated_at: datetime = _when()
    resolved_at: datetime | None = _when(nullable=True)
    excerpt: str = Field(default="", sa_type=Text)  # the first lines of the request, for staff mail
    # The SLA clock: stopped since paused_at (waiting or resolved); paused_seconds already stopped.
    paused_at: datetime | None = _when(nullable=True)
    paused_seconds: int = 0
    next_escalation_at: datetime | None = _when(index=True, nullable=True)
    breached_at: datetime | None = _when(nullable=True)
    assignee_id: int | None = Field(default=None, foreign_key="staff_account.id", index=True)
    # What staff search: the client's new text of every mail of the ticket, case-folded, bounded.
    search_text: str = Field(default="", sa_type=Text)


class SlaEscalation(SQLModel, table=True):
    """One escalation level fired for one ticket: the unique pair makes it fire at most once."""

    __tablename__ = "sla_escalation"
    __table_args__ = (UniqueConstraint("ticket_id", "level", name="uq_sla_escalation_ticket_level"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    level: str = Field(max_length=32)
    due_at: datetime = _when()
    fired_at: datetime = _when()


class ProcessingFailure(SQLModel, table=True):
    """A mail whose processing raised: counted, so that it is retried a few times, then quarantined."""

    __tablename__ = "processing_failure"

    digest: str = Field(primary_key=True, max_length=64)
    attempts: int = 0
    last_error: str = Field(default="", sa_type=Text)
    first_at: datetime = _when()
    last_at: datetime = _when()


class Heartbeat(SQLModel, table=True):
    """When a worker last completed a piece of work (for ``inboxbot status`` and monitoring)."""

    __tablename__ = "heartbeat"

    name: str = Field(primary_key=True, max_length=64)  # "poll", "deliver", "sla", "fulfil"
    at: datetime = _when()
    detail: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class TicketEvent(SQLModel, table=True):
    """The ticket's audit trail: who did what, when."""

    __tablename__ = "ticket_event"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True, nullable=False)
    ticket: Optional["Ticket"] = Relationship(sa_relationship=relationship("Ticket"))  # noqa: UP037, UP045
    at: datetime = _when()
    actor: str = Field(max_length=64)
    kind: str = Field(max_length=64)
    detail: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class Message(SQLModel, table=True):
    """Every inbound mail inboxbot has taken in, whatever became of it."""

    __tablename__ = "message"

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=1100, unique=True)
    message_id: str | None = Field(default=None, max_length=998, index=True)
    digest: str = Field(max_length=64, index=True)
    source: str = Field(max_length=255)
    source_ref: str = Field(default="", max_length=255)
    received_at: datetime = _when()
    processed_at: datetime = _when()
    sender: str = Field(default="", max_length=320)
    subject: str = Field(default="", sa_type=Text)
    outcome: str = Field(max_length=32, index=True)
    classification: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    quarantine_reason: str | None = Field(default=None, sa_type=Text)
    attachments: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    size: int = 0
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    ticket: Optional["Ticket"] = Relationship(sa_relationship=relationship("Ticket"))  # noqa: UP037, UP045


class MessageRaw(SQLModel, table=True):
    """The raw bytes of an inbound mail, kept for audit, apart so listings never load them."""

    __tablename__ = "message_raw"

    message_id: int | None = Field(default=None, foreign_key="message.id", primary_key=True)
    raw: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    # Set instead of message_id so that the pair is written in one flush, ids filled in by the ORM.
    message: Optional["Message"] = Relationship(sa_relationship=relationship("Message"))  # noqa: UP037, UP045


class OutboxMail(SQLModel, table=True):
    """A mail to send, written in the same transaction as the change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_recipient_created", "recipient", "created_at"),
        UniqueConstraint("message_id", name="uq_outbox_message_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    ticket: Optional["Ticket"] = Relationship(sa_relationship=relationship("Ticket"))  # noqa: UP037, UP045
    kind: str = Field(max_length=32)
    message_id: str = Field(max_length=998)
    mail_from: str = Field(max_length=320)
    recipient: str = Field(max_length=320)
    raw: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    status: str = Field(max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = _when()
    locked_until: datetime | None = _when(nullable=True)
    last_error: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = _when()
    sent_at: datetime | None = _when(nullable=True)


class Contact(SQLModel, table=True):
    """A person the company mails; the address is normalised (case-folded, IDNA domain)."""

    __tablename__ = "contact"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True)
    name: str = Field(default="", max_length=255)
    phone: str = Field(default="", max_length=32)
    language: str = Field(default="", max_length=8)
    # What a data change may add beyond the columns: first_name, surname, address, bin_iin.
    details: dict[str, str] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default=text("'{}'"))
    )
    created_at: datetime = _when()
    updated_at: datetime = _when()


class Segment(SQLModel, table=True):
    """A named mailing list: e-mail newsletters or SMS mailings."""

    __tablename__ = "segment"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    channel: str = Field(default="email", max_length=8)
    created_at: datetime = _when()


class Membership(SQLModel, table=True):
    __tablename__ = "membership"

    contact_id: int = Field(foreign_key="contact.id", primary_key=True)
    segment_id: int = Field(foreign_key="segment.id", primary_key=True, index=True)
    added_at: datetime = _when()


class Suppression(SQLModel, table=True):
    """An address that must never be mailed again, until a staff member lifts it (audited)."""

    __tablename__ = "suppression"

    email: str = Field(max_length=320, primary_key=True)
    reason: str = Field(max_length=255)
    suppressed_at: datetime = _when()
    actor: str = Field(max_length=64)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    ticket: Optional["Ticket"] = Relationship(sa_relationship=relationship("Ticket"))  # noqa: UP037, UP045
    evidence: list[dict[str, str]] = Field(sa_column=Column(JSON, nullable=False))


class ContactEvent(SQLModel, table=True):
    """The history of an address: suppressed, removed from segments, imported, resubscribed."""

    __tablename__ = "contact_event"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, index=True)
    at: datetime = _when()
    actor: str = Field(max_length=64)
    action: str = Field(max_length=64)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    ticket: Optional["Ticket"] = Relationship(sa_relationship=relationship("Ticket"))  # noqa: UP037, UP045
    detail: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class Fulfilment(SQLModel, table=True):
    """Taking one address out of every mailing, backend by backend, retried until done."""

    __tablename__ = "fulfilment"
    __table_args__ = (
        UniqueConstraint("ticket_id", "address", name="uq_fulfilment_ticket_address"),
        Index("ix_fulfilment_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True, nullable=False)
    ticket: Optional["Ticket"] = Relationship(sa_relationship=relationship("Ticket"))  # noqa: UP037, UP045
    address: str = Field(max_length=320)
    notify: bool = True  # send the confirmation when done (not for an address already unsubscribed)
    in_reply_to: str | None = Field(default=None, max_length=998)  # the mail the confirmation answers
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = _when()
    locked_until: datetime | None = _when(nullable=True)
    last_error: str | None = Field(default=None, sa_type=Text)
    results: dict[str, list[str]] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = _when()
    done_at: datetime | None = _when(nullable=True)


class AddressConfirmation(SQLModel, table=True):
    """A request to the owner of another address named in an unsubscribe mail: reply to confirm."""

    __tablename__ = "address_confirmation"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True, nullable=False)
    ticket: Optional["Ticket"] = Relationship(sa_relationship=relationship("Ticket"))  # noqa: UP037, UP045
    address: str = Field(max_length=320)
    request_message_id: str = Field(max_length=998, unique=True)
    status: str = Field(default="pending", max_length=16)
    created_at: datetime = _when()
    settled_at: datetime | None = _when(nullable=True)


class StaffAccount(SQLModel, table=True):
    """A support staff member who signs in to the console: an agent works tickets, an admin also
    manages staff. The password is an argon2id hash; failed sign-ins lock the account for a while."""

    __tablename__ = "staff_account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True)
    name: str = Field(max_length=255)
    role: str = Field(default="agent", max_length=16)
    password_hash: str = Field(sa_type=Text)
    language: str = Field(default="ru", max_length=8)  # of the console's interface
    failed_logins: int = 0
    locked_until: datetime | None = _when(nullable=True)
    created_at: datetime = _when()
    last_login_at: datetime | None = _when(nullable=True)
    disabled_at: datetime | None = _when(nullable=True)


class StaffSession(SQLModel, table=True):
    """A signed-in console session. Only the SHA-256 of the cookie's token is stored, so a copy of the
    database opens no session; every instance of the console shares them."""

    __tablename__ = "staff_session"

    token_hash: str = Field(primary_key=True, max_length=64)
    account_id: int = Field(foreign_key="staff_account.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = _when()
    last_seen_at: datetime = _when()
    expires_at: datetime = _when(index=True)


class LabelledExample(SQLModel, table=True):
    """A mail whose intents a person decided (triage in the console or with ``tickets approve``): what
    the classifier said and what is right, for measuring the classifier on real mail."""

    __tablename__ = "labelled_example"

    id: int | None = Field(default=None, primary_key=True)
    message_id: int | None = Field(default=None, foreign_key="message.id", index=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    predicted: list[str] = Field(sa_column=Column(JSON, nullable=False))
    intents: list[str] = Field(sa_column=Column(JSON, nullable=False))
    language: str = Field(max_length=8)
    actor: str = Field(max_length=64)
    at: datetime = _when(index=True)


class StaffNotice(SQLModel, table=True):
    """Staff told of a ticket that needs a person: one row per ticket, sent alone or in a digest."""

    __tablename__ = "staff_notice"

    ticket_id: int = Field(foreign_key="ticket.id", primary_key=True)
    status: str = Field(default="pending", max_length=16, index=True)  # pending, sent, skipped
    mode: str = Field(default="", max_length=16)  # single, digest
    created_at: datetime = _when()
    sent_at: datetime | None = _when(nullable=True)


class DataRequest(SQLModel, table=True):
    """One request about personal data in a ticket (a change, an export, an erasure): whether its
    sender is verified, what it proposes, and what staff decided. Nothing is applied unverified."""

    __tablename__ = "data_request"
    __table_args__ = (UniqueConstraint("ticket_id", "kind", name="uq_data_request_ticket_kind"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True, nullable=False)
    ticket: Optional["Ticket"] = Relationship(sa_relationship=relationship("Ticket"))  # noqa: UP037, UP045
    kind: str = Field(max_length=32)  # data_change, data_access, data_deletion
    address: str = Field(max_length=320)  # who asked (the From of the opening mail)
    status: str = Field(default="unverified", max_length=16, index=True)
    # unverified -> verifying (a code was mailed) -> verified -> applied | refused; "erasing" while a
    # deletion's notice is on its way and the erasure waits for it
    verified_via: str | None = Field(default=None, max_length=16)  # auth_results, code, staff
    verification: str = Field(default="", sa_type=Text)  # the verdict or the staff member's reason
    proposal: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))  # field -> new value
    created_at: datetime = _when()
    verified_at: datetime | None = _when(nullable=True)
    decided_at: datetime | None = _when(nullable=True)
    decided_by: str | None = Field(default=None, max_length=64)
    refusal: str | None = Field(default=None, sa_type=Text)


class VerificationCode(SQLModel, table=True):
    """A one-time code mailed to a data request's sender: verified by a reply from that address, in
    that thread, with the code, before it expires and within a few attempts."""

    __tablename__ = "verification_code"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True, nullable=False)
    ticket: Optional["Ticket"] = Relationship(sa_relationship=relationship("Ticket"))  # noqa: UP037, UP045
    address: str = Field(max_length=320)
    code_hash: str = Field(max_length=64)  # SHA-256 of the salt and the code
    salt: str = Field(max_length=32)
    mail_message_id: str = Field(max_length=998, unique=True)  # the mail that carried it
    status: str = Field(default="pending", max_length=16)  # pending, used, void
    attempts: int = 0
    created_at: datetime = _when()
    expires_at: datetime = _when()
    used_at: datetime | None = _when(nullable=True)


class PlatformTask(SQLModel, table=True):
    """One call owed to one mailing platform about one address (suppress, update, erase): leased,
    retried with backoff, its outcome recorded. ``origin`` names what owes it ("fulfilment:12",
    "one-click", "change:7", "erasure:7", "complaint"), so asking twice queues it once."""

    __tablename__ = "platform_task"
    __table_args__ = (
        UniqueConstraint("platform", "action", "address", "origin", name="uq_platform_task"),
        Index("ix_platform_task_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=64)  # the configured name, [backends.NAME]
    action: str = Field(max_length=16)  # suppress, update, erase
    address: str = Field(max_length=320)
    origin: str = Field(max_length=64)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    ticket: Optional["Ticket"] = Relationship(sa_relationship=relationship("Ticket"))  # noqa: UP037, UP045
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))  # an update's fields
    status: str = Field(default="pending", max_length=16)  # pending, done, failed
    attempts: int = 0
    next_attempt_at: datetime = _when()
    locked_until: datetime | None = _when(nullable=True)
    last_error: str | None = Field(default=None, sa_type=Text)
    result: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))  # known, lists
    created_at: datetime = _when()
    done_at: datetime | None = _when(nullable=True)
