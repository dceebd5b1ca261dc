"""Erasing a person: what inboxbot holds about an address, destroyed or redacted, in one transaction.

- The contact leaves every segment of inboxbot's own lists and is deleted. The mailing platforms are
  not called here (no network in a transaction): :attr:`ErasureReport.platform_work` says what the
  caller must have each :class:`~inboxbot.service.platforms.MailingPlatform` erase, after the commit.
- The suppression list keeps only the keyed hash of the address (HMAC-SHA256, see
  :mod:`inboxbot.core.address_hash`), so the address is never mailed or imported again.
- Its tickets stay as an audit trail without personal data: numbers, dates, statuses, categories and
  the kinds of their events are kept; texts, subjects, names and addresses become the marker. Its raw
  mails are deleted, the mails sent to it and about its tickets lose their bytes (a pending one is
  cancelled), and its history is kept under the keyed hash.
- A last pass (:mod:`inboxbot.service.mentions`) takes the address out of every other row that names it.
- The erasure itself is recorded under the keyed hash: who, when, why.

Events and mails the caller gathers in the same transaction after the erasure are the caller's to keep
clean; those gathered before are written first and redacted with the rest.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlmodel import col

from inboxbot.adapters.db.models import (
    ContactEvent,
    Membership,
    MessageRaw,
    StaffAccount,
    Suppression,
    Ticket,
)
from inboxbot.adapters.db.store import Store, Tx
from inboxbot.core.address_hash import address_hasher
from inboxbot.core.addresses import normalize_address
from inboxbot.core.intents import Intent
from inboxbot.core.redaction import MARKER, Needles, scrub_mail
from inboxbot.core.tickets import TicketStatus
from inboxbot.service.footprint import Footprint, footprint
from inboxbot.service.inbound import Clock
from inboxbot.service.mentions import find_blobs, redact_ticket_rows, scrub_mentions
from inboxbot.service.platform_sync import PlatformSync, queue_task, tasks_of
from inboxbot.service.suppression import suppress_everywhere

ERASED_ACTION = "erased"
# Event detail keys whose values say what happened, not who or what was written: kept (unless they
# name the person). Every other string in a redacted detail becomes the marker.
STRUCTURAL_KEYS = frozenset(
    {
        "already_suppressed", "attempts", "confidence", "content_type", "due_at", "fired_at",
        "from_client", "intent", "language", "late_seconds", "level", "message_id", "message_ids", "mode",
        "needs_review", "outbox", "received_at", "recipients", "rule", "segments", "size", "ticket", "via",
        "was_flagged", "was_suppressed_at", "where",
    }
)  # fmt: skip
# Words that are never personal wherever they stand (statuses, intents: "from", "to", "was", "intents").
VOCABULARY = frozenset(s.value for s in TicketStatus) | frozenset(i.value for i in Intent)


_DONE = frozenset({"ticket", "ticket_event", "message", "outbox"})  # redacted above, row by row


class ErasureRefused(Exception):
    """The address cannot be erased (not an address, a staff member's); nothing was changed."""


@dataclass(frozen=True)
class ErasureReport:
    address: str  # in memory only, for the platforms' erasure: never stored, never logged
    hashed: str
    segments: tuple[str, ...]  # the segments of inboxbot's own lists the contact left
    tickets: tuple[str, ...]  # the numbers of the tickets redacted
    counts: dict[str, int]  # rows changed per table

    @property
    def platform_work(self) -> tuple[str, ...]:
        """The addresses each mailing platform must erase (``MailingPlatform.erase``), after the commit."""
        return (self.address,)


def erase(
    store: Store, address: str, *, reason: str, actor: str, clock: Clock, hash_key: str
) -> ErasureReport:
    """:func:`erase_person` in a transaction of its own."""
    with store.transaction() as tx:
        return erase_person(tx, address, reason=reason, actor=actor, now=clock(), hash_key=hash_key)


def erase_everywhere(
    store: Store, sync: PlatformSync, address: str, *, reason: str, actor: str, clock: Clock, hash_key: str
) -> ErasureReport:
    """:func:`erase` once every mailing platform has erased the address too: it is suppressed and out
    of every own segment at once, each platform is asked (now, outside any transaction), and only when
    all have answered is it forgotten here. :class:`ErasureRefused` names the platforms that have not:
    the address stays suppressed, and running this again asks them again."""
    normalised = normalize_address(address)
    address_hasher(hash_key)  # an unusable key is refused before anything is done
    if sync.names:
        origin = f"erasure:{address_hasher(hash_key)(normalised)[:16]}"
        with store.transaction() as tx:
            suppress_everywhere(
                tx, normalised, reason=reason, actor=actor, origin=origin, now=clock(), platforms=sync.names
            )
            for name in sync.names:
                queue_task(tx, name, "erase", normalised, origin=origin, now=clock())
        sync.run()
        with store.transaction() as tx:
            owed = sorted({t.platform for t in tasks_of(tx, origin, normalised) if t.status != "done"})
        if owed:
            raise ErasureRefused(
                f"not erased yet: {', '.join(owed)} did not confirm (see `inboxbot status`); the address is "
                "suppressed and out of every segment; run this again"
            )
    return erase(store, normalised, reason=reason, actor=actor, clock=clock, hash_key=hash_key)


def erase_person(
    tx: Tx,
    address: str,
    *,
    reason: str,
    actor: str,
    now: datetime,
    hash_key: str,
    ticket: Ticket | None = None,
) -> ErasureReport:
    """Erase ``address`` in the caller's transaction. ``hash_key``: ``Settings.identity.hash_key``
    (:class:`~inboxbot.core.address_hash.HashKeyError` when unusable). ``ticket``: the request being
    fulfilled, for the audit record. A notice telling the person of the erasure is best sent first: it
    is erased with the rest once it has left (mail to the person keeps no bytes and no address)."""
    normalised = normalize_address(address)
    if not normalised:
        raise ErasureRefused(f"not an e-mail address: {address!r}")
    hasher = address_hasher(hash_key)
    if tx.session.scalars(select(StaffAccount).where(col(StaffAccount.email) == normalised)).first():
        raise ErasureRefused("the address is a staff account's: disable the account instead")
    tx.write_events()  # what the caller gathered is redacted with the rest
    tx.session.flush()
    found, needles, hashed = footprint(tx, normalised, hasher), Needles(normalised), hasher(normalised)
    blobs = find_blobs(tx, needles)  # the long read, before the first write
    reason = needles.scrub(reason)
    counts = _redact(tx, found, needles, hashed, reason=reason, actor=actor, now=now)
    counts.update({f"mentions:{k}": v for k, v in scrub_mentions(tx, needles, hashed, blobs).items()})
    numbers = tuple(t.number for t in found.tickets)
    for done in found.tickets:
        tx.add_event(done, now, actor, "personal_data_erased", {"reason": reason})
    detail = {"reason": reason, "tickets": list(numbers), "request": _number(ticket)}
    tx.session.add(ContactEvent(email=hashed, at=now, actor=actor, action=ERASED_ACTION, detail=detail))
    segments = tuple(segment.name for _membership, segment in found.memberships)
    return ErasureReport(normalised, hashed, segments, numbers, dict(counts))


def _redact(
    tx: Tx, found: Footprint, needles: Needles, hashed: str, *, reason: str, actor: str, now: datetime
) -> Counter[str]:
    """The person's own rows, table by table; rows changed per table."""
    counts: Counter[str] = Counter()
    _drop_contact(tx, found, counts)
    _scrub_digests(found, needles.with_words(_personal_words(found)), counts)
    _suppress_hash(tx, found, hashed, reason=reason, actor=actor, now=now)
    _redact_history(found, hashed, needles, counts)
    _redact_tickets(tx, found, needles, now, counts)
    _redact_mails(tx, found, needles, counts)
    _redact_work(found, hashed, counts)
    rows = redact_ticket_rows(tx, found.ticket_ids, lambda value: redacted(value, needles), _DONE)
    counts.update({f"rows:{k}": v for k, v in rows.items()})
    return counts


def _number(ticket: Ticket | None) -> str | None:
    return ticket.number if ticket is not None else None


def _personal_words(found: Footprint) -> list[str]:
    """Names and subjects of the person, to take out of mails that list them among others."""
    words = [found.contact.name] if found.contact is not None else []
    words += [t.sender_name for t in found.tickets] + [t.subject for t in found.tickets]
    return [w.strip() for w in words if len(w.strip()) >= 3]


def _drop_contact(tx: Tx, found: Footprint, counts: Counter[str]) -> None:
    contact = found.contact
    if contact is None or contact.id is None:
        return
    tx.session.execute(delete(Membership).where(col(Membership.contact_id) == contact.id))
    tx.session.delete(contact)
    counts["membership"] += len(found.memberships)
    counts["contact"] += 1


def _suppress_hash(tx: Tx, found: Footprint, hashed: str, *, reason: str, actor: str, now: datetime) -> None:
    """Only the keyed hash stays on the list, since the first time the address was suppressed."""
    since = min((row.suppressed_at for row in found.suppressions), default=now)
    for row in found.suppressions:
        tx.session.delete(row)
    tx.session.flush()
    reason = f"erased: {reason}"[:255]
    tx.session.add(
        Suppression(
            email=hashed, reason=reason, suppressed_at=since, actor=actor, ticket_id=None, evidence=[]
        )
    )


def _redact_history(found: Footprint, hashed: str, needles: Needles, counts: Counter[str]) -> None:
    """The history moves under the keyed hash, without its details (what is there already stays)."""
    for event in found.history:
        if event.email != hashed:
            event.email, event.detail = hashed, redacted(event.detail, needles)
            counts["contact_event"] += 1


def _redact_tickets(tx: Tx, found: Footprint, needles: Needles, now: datetime, counts: Counter[str]) -> None:
    for ticket in found.tickets:
        ticket.sender, ticket.sender_name, ticket.subject = MARKER, "", MARKER
        ticket.excerpt, ticket.search_text, ticket.updated_at = MARKER, "", now
        ticket.evidence = redacted(ticket.evidence, needles)
        if ticket.message_id and needles.found(ticket.message_id):
            ticket.message_id = None
        for event in found.events_of(ticket):
            event.detail = redacted(event.detail, needles)
            counts["ticket_event"] += 1
        counts["ticket"] += 1


def _redact_mails(tx: Tx, found: Footprint, needles: Needles, counts: Counter[str]) -> None:
    messages = [*found.messages, *found.thread_messages]
    for message in messages:
        message.sender = MARKER if needles.is_exactly(message.sender) else message.sender
        message.subject, message.attachments = MARKER, redacted(message.attachments, needles)
        message.classification = redacted(message.classification, needles)
        message.quarantine_reason = MARKER if message.quarantine_reason else message.quarantine_reason
    ids = [m.id for m in messages if m.id is not None]
    if ids:
        stmt = (
            delete(MessageRaw)
            .where(col(MessageRaw.message_id).in_(ids))
            .returning(col(MessageRaw.message_id))
        )
        counts["message_raw"] += len(tx.session.execute(stmt).all())
    counts["message"] += len(messages)
    for mail in [*found.outbox, *found.ticket_outbox]:
        mail.raw, mail.last_error = b"", MARKER if mail.last_error else None
        mail.recipient = MARKER if needles.is_exactly(mail.recipient) else mail.recipient
        mail.status = "cancelled" if mail.status == "pending" else mail.status
        counts["outbox"] += 1


def _scrub_digests(found: Footprint, needles: Needles, counts: Counter[str]) -> None:
    """Mails about several tickets (staff digests) lose the person's lines, not the others'."""
    for mail in found.digests:
        scrubbed = scrub_mail(mail.raw, needles)
        mail.raw = scrubbed or b""
        if scrubbed is None and mail.status == "pending":
            mail.status = "cancelled"
        counts["outbox"] += 1


def _redact_work(found: Footprint, hashed: str, counts: Counter[str]) -> None:
    """Unsubscribe work and confirmations keep their ticket and dates; the address becomes the hash."""
    for fulfilment in found.fulfilments:
        fulfilment.address = hashed
        if fulfilment.status == "pending":  # the erasure has taken the contact out of every list
            fulfilment.status, fulfilment.locked_until = "cancelled", None
        fulfilment.last_error = MARKER if fulfilment.last_error else None
        counts["fulfilment"] += 1
    for confirmation in found.confirmations:
        confirmation.address = hashed
        if confirmation.status == "pending":
            confirmation.status = "cancelled"
        counts["address_confirmation"] += 1


def redacted(value: Any, needles: Needles, keep: bool = False) -> Any:
    """A stored detail without personal data: strings under :data:`STRUCTURAL_KEYS` (the person's
    address taken out) and words of :data:`VOCABULARY` are kept, every other string becomes the marker;
    numbers and flags stay."""
    if isinstance(value, str):
        return needles.scrub(value) if keep or value in VOCABULARY else MARKER
    if isinstance(value, list):
        return [redacted(item, needles, keep) for item in value]
    if isinstance(value, dict):
        return {key: redacted(item, needles, key in STRUCTURAL_KEYS) for key, item in value.items()}
    return value
