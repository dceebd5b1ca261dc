"""What a mail source hands over (an :class:`Inbound` mail) and what becomes of it (a :class:`Result`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from inboxbot.adapters.db.models import Message, Ticket
from inboxbot.core.intents import Classification
from inboxbot.core.mail import ParsedMail

Clock = Callable[[], datetime]


class Outcome(StrEnum):
    TICKET_OPENED = "ticket_opened"
    REPLY_ADDED = "reply_added"
    AUTOMATED = "automated"
    SPAM = "spam"  # suspected spam or phishing: kept for staff to see, never answered or acted on
    QUARANTINED = "quarantined"
    DUPLICATE = "duplicate"
    RETRY = "retry"  # processing failed; the mail stays in the inbox and is tried again


class Destination(StrEnum):
    """Where the mail goes in the mailbox once its effects are committed."""

    PROCESSED = "processed"
    AUTOMATED = "automated"
    QUARANTINE = "quarantine"


DESTINATION = {
    Outcome.TICKET_OPENED: Destination.PROCESSED,
    Outcome.REPLY_ADDED: Destination.PROCESSED,
    Outcome.AUTOMATED: Destination.AUTOMATED,
    Outcome.SPAM: Destination.AUTOMATED,
    Outcome.QUARANTINED: Destination.QUARANTINE,
}


@dataclass(frozen=True)
class Cursor:
    """The IMAP position of a mail, committed with its effects."""

    folder: str
    uidvalidity: int
    uid: int


@dataclass(frozen=True)
class Inbound:
    raw: bytes
    received_at: datetime  # when the mailbox received it (IMAP INTERNALDATE, Maildir delivery time)
    source: str
    ref: str
    cursor: Cursor | None = None
    declared_size: int | None = None  # set when only the head of an oversized mail was read


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    destination: Destination | None  # None: leave the mail in the inbox
    ticket_number: str | None = None
    reason: str = ""
    intents: tuple[str, ...] = ()


def dedupe_key(mail: ParsedMail) -> str:
    """The same mail seen twice has the same key: its Message-ID, else a digest of its bytes."""
    return f"mid:{mail.message_id}" if mail.message_id else f"sha256:{mail.digest}"


def message_row(
    inbound: Inbound,
    mail: ParsedMail,
    verdict: Classification | None,
    outcome: Outcome,
    *,
    now: datetime,
    ticket: Ticket | None = None,
) -> Message:
    """The audit record of an inbound mail (its raw bytes are stored apart)."""
    return Message(
        dedupe_key=dedupe_key(mail),
        message_id=mail.message_id,
        digest=mail.digest,
        source=inbound.source,
        source_ref=inbound.ref,
        received_at=inbound.received_at,
        processed_at=now,
        sender=mail.from_address,
        subject=mail.subject,
        outcome=outcome.value,
        classification=verdict.to_dict() if verdict else None,
        attachments=[
            {"filename": a.filename, "content_type": a.content_type, "size": a.size} for a in mail.attachments
        ],
        size=mail.size,
        ticket=ticket,
    )
