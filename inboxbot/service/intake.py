"""Take one inbound mail in: parse, classify, open or extend a ticket, queue the acknowledgement.

:meth:`Intake.process` is the plain function at the heart of every mail source: the IMAP poller, the
Maildir reader and the tests all call it. Everything a mail causes (its message row, the ticket, the
events, the outbox rows, the mailbox cursor) is committed in one transaction; the caller moves the
mail out of the inbox only after :meth:`process` returns.
"""

from __future__ import annotations

import email.parser
import email.policy
import email.utils
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import structlog

from inboxbot.adapters.db.models import Message, Ticket
from inboxbot.adapters.db.store import DuplicateError, Store, Tx
from inboxbot.core.addresses import mask_address, normalize_address
from inboxbot.core.intents import Classification, Intent
from inboxbot.core.mail import ParsedMail, ParseLimits, UnreadableMail, digest_of, parse_mail
from inboxbot.core.replies import may_auto_reply
from inboxbot.core.tickets import TicketStatus, category_for, format_number, merge_intents, numbers_in
from inboxbot.service.lifecycle import Lifecycle
from inboxbot.service.mailer import Mailer

log = structlog.get_logger("inboxbot.intake")

Clock = Callable[[], datetime]
Classifier = Callable[[ParsedMail], Classification]


class TicketAutomation(Protocol):
    """Work that a ticket's requests start on their own (unsubscribe), in the intake's transaction."""

    def replaces_acknowledgement(self, mail: ParsedMail, verdict: Classification) -> str | None:
        """Why no acknowledgement is needed (another mail will answer), or None."""
        ...

    def on_opened(self, tx: Tx, ticket: Ticket, mail: ParsedMail, verdict: Classification) -> None: ...

    def on_reply(self, tx: Tx, ticket: Ticket, mail: ParsedMail, verdict: Classification) -> None: ...


class Outcome(StrEnum):
    TICKET_OPENED = "ticket_opened"
    REPLY_ADDED = "reply_added"
    AUTOMATED = "automated"
    QUARANTINED = "quarantined"
    DUPLICATE = "duplicate"


class Destination(StrEnum):
    """Where the mail goes in the mailbox once its effects are committed."""

    PROCESSED = "processed"
    AUTOMATED = "automated"
    QUARANTINE = "quarantine"


_DESTINATION = {
    Outcome.TICKET_OPENED: Destination.PROCESSED,
    Outcome.REPLY_ADDED: Destination.PROCESSED,
    Outcome.AUTOMATED: Destination.AUTOMATED,
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
    destination: Destination
    ticket_number: str | None = None
    reason: str = ""
    intents: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReplyGuard:
    """Whether an automatic mail may go to a mail's sender now (robots, ourselves, the loop guard)."""

    own_addresses: frozenset[str]
    daily_limit: int = 3

    def refusal(self, tx: Tx, mail: ParsedMail, verdict: Classification, now: datetime) -> str | None:
        sent_today = (
            tx.replies_sent_since(mail.from_address, now - timedelta(days=1)) if mail.from_address else 0
        )
        decision = may_auto_reply(
            mail,
            verdict,
            own_addresses=self.own_addresses,
            sent_to_sender_today=sent_today,
            daily_limit=self.daily_limit,
        )
        return None if decision.send else decision.reason


@dataclass(frozen=True)
class IntakePolicy:
    reply_guard: ReplyGuard
    lifecycle: Lifecycle  # deadlines, the SLA clock and status changes
    ticket_prefix: str = "HB"
    timezone: str = "Asia/Almaty"
    acks_enabled: bool = True
    default_language: str = "ru"
    limits: ParseLimits = field(default_factory=ParseLimits)


class Intake:
    def __init__(
        self,
        *,
        store: Store,
        classify: Classifier,
        mailer: Mailer,
        policy: IntakePolicy,
        clock: Clock,
        automations: Sequence[TicketAutomation] = (),
    ) -> None:
        self.store = store
        self.classify = classify
        self.mailer = mailer
        self.policy = policy
        self.clock = clock
        self.automations = tuple(automations)
        self.zone = ZoneInfo(policy.timezone)

    def process(self, inbound: Inbound) -> Result:
        """Commit everything ``inbound`` causes; return where the mail should go now."""
        started = time.perf_counter()
        try:
            mail = self._parse(inbound)
            classification = self._classify(mail)
        except UnreadableMail as exc:
            reason = exc.reason
            result = self._commit_or_duplicate(
                inbound, f"sha256:{digest_of(inbound.raw)}", lambda tx: self._quarantine(tx, inbound, reason)
            )
            _log_result(inbound, result, started, sender="")
            return result
        result = self._commit_or_duplicate(
            inbound, dedupe_key(mail), lambda tx: self._accept(tx, inbound, mail, classification)
        )
        _log_result(inbound, result, started, sender=mail.from_address, classification=classification)
        return result

    def _parse(self, inbound: Inbound) -> ParsedMail:
        limit = self.policy.limits.max_message_bytes
        if inbound.declared_size is not None and inbound.declared_size > limit:
            raise UnreadableMail(f"message of {inbound.declared_size} bytes exceeds the {limit}-byte limit")
        return parse_mail(inbound.raw, self.policy.limits)

    def _classify(self, mail: ParsedMail) -> Classification:
        try:
            return self.classify(mail)
        except Exception as exc:  # a classifier bug on hostile input must not stop the inbox
            log.exception("classifier.failed", mail=mail.digest[:12])
            raise UnreadableMail(f"the classifier failed on this mail ({type(exc).__name__})") from exc

    def _commit_or_duplicate(self, inbound: Inbound, key: str, work: Callable[[Tx], Result]) -> Result:
        try:
            with self.store.transaction() as tx:
                self._advance(tx, inbound)
                existing = tx.message_by_dedupe_key(key)
                if existing is not None:
                    return _duplicate(existing)
                return work(tx)
        except DuplicateError:
            # Another worker committed the same mail between our check and our insert.
            with self.store.transaction() as tx:
                existing = tx.message_by_dedupe_key(key)
                if existing is None:
                    raise
                self._advance(tx, inbound)
                return _duplicate(existing)

    def _advance(self, tx: Tx, inbound: Inbound) -> None:
        if inbound.cursor:
            c = inbound.cursor
            tx.advance_cursor(c.folder, c.uidvalidity, c.uid, self.clock())

    # -- outcomes -------------------------------------------------------------------------------
    def _quarantine(self, tx: Tx, inbound: Inbound, reason: str) -> Result:
        sender, subject = _headers_for_staff(inbound.raw)
        digest = digest_of(inbound.raw)
        message = Message(
            dedupe_key=f"sha256:{digest}",
            digest=digest,
            source=inbound.source,
            source_ref=inbound.ref,
            received_at=inbound.received_at,
            processed_at=self.clock(),
            sender=sender,
            subject=subject,
            outcome=Outcome.QUARANTINED.value,
            quarantine_reason=reason,
            attachments=[],
            size=inbound.declared_size or len(inbound.raw),
        )
        tx.add_message(message, inbound.raw)
        return Result(Outcome.QUARANTINED, Destination.QUARANTINE, reason=reason)

    def _accept(self, tx: Tx, inbound: Inbound, mail: ParsedMail, verdict: Classification) -> Result:
        intents = tuple(i.value for i in verdict.intents)
        if verdict.is_automated:
            tx.add_message(self._message_row(inbound, mail, verdict, Outcome.AUTOMATED), inbound.raw)
            return Result(Outcome.AUTOMATED, Destination.AUTOMATED, intents=intents)
        ticket = self._thread_of(tx, mail)
        if ticket is not None:
            self._add_reply(tx, ticket, inbound, mail, verdict)
            return Result(Outcome.REPLY_ADDED, Destination.PROCESSED, ticket.number, intents=intents)
        ticket = self._open_ticket(tx, inbound, mail, verdict)
        return Result(Outcome.TICKET_OPENED, Destination.PROCESSED, ticket.number, intents=intents)

    def _thread_of(self, tx: Tx, mail: ParsedMail) -> Ticket | None:
        ticket = tx.ticket_for_thread(mail.thread_ids)
        if ticket is not None:
            return ticket
        for number in numbers_in(mail.subject, self.policy.ticket_prefix):
            candidate = tx.ticket_by_number(number)
            # A number in the subject is easy to type: only its own client may add to a ticket that way.
            if candidate is not None and candidate.sender == mail.from_address:
                return candidate
        return None

    def _message_row(
        self,
        inbound: Inbound,
        mail: ParsedMail,
        verdict: Classification | None,
        outcome: Outcome,
        ticket_id: int | None = None,
    ) -> Message:
        return Message(
            dedupe_key=dedupe_key(mail),
            message_id=mail.message_id,
            digest=mail.digest,
            source=inbound.source,
            source_ref=inbound.ref,
            received_at=inbound.received_at,
            processed_at=self.clock(),
            sender=mail.from_address,
            subject=mail.subject,
            outcome=outcome.value,
            classification=verdict.to_dict() if verdict else None,
            attachments=[
                {"filename": a.filename, "content_type": a.content_type, "size": a.size}
                for a in mail.attachments
            ],
            size=mail.size,
            ticket_id=ticket_id,
        )

    def _open_ticket(self, tx: Tx, inbound: Inbound, mail: ParsedMail, verdict: Classification) -> Ticket:
        now = self.clock()
        year = now.astimezone(self.zone).year
        ticket = tx.add_ticket(
            Ticket(
                number=format_number(self.policy.ticket_prefix, year, tx.next_ticket_sequence(year)),
                status=TicketStatus.NEW.value,
                category=category_for(verdict.intents),
                intents=[i.value for i in verdict.intents],
                language=verdict.language or self.policy.default_language,
                needs_review=verdict.needs_review,
                confidence=verdict.confidence,
                evidence=[e.to_dict() for e in verdict.evidence],
                sender=mail.from_address,
                sender_name=mail.from_name[:255],
                subject=mail.subject,
                message_id=mail.message_id,
                received_at=inbound.received_at,
                due_at=inbound.received_at,
                created_at=now,
                updated_at=now,
                excerpt=_excerpt(mail),
            )
        )
        self.policy.lifecycle.open(ticket)
        assert ticket.id is not None
        message = tx.add_message(
            self._message_row(inbound, mail, verdict, Outcome.TICKET_OPENED, ticket.id), inbound.raw
        )
        tx.add_event(
            ticket.id,
            now,
            "inboxbot",
            "opened",
            {
                "message": message.id,
                "intents": ticket.intents,
                "language": ticket.language,
                "needs_review": ticket.needs_review,
                "confidence": round(ticket.confidence, 3),
                "evidence": ticket.evidence,
                "received_at": inbound.received_at.isoformat(),
            },
        )
        self._acknowledge(tx, ticket, mail, verdict)
        for automation in self.automations:
            automation.on_opened(tx, ticket, mail, verdict)
        return ticket

    def _add_reply(
        self, tx: Tx, ticket: Ticket, inbound: Inbound, mail: ParsedMail, verdict: Classification
    ) -> None:
        now = self.clock()
        assert ticket.id is not None
        message = tx.add_message(
            self._message_row(inbound, mail, verdict, Outcome.REPLY_ADDED, ticket.id), inbound.raw
        )
        ticket.intents = merge_intents(ticket.intents, verdict.intents)
        self._recategorise(tx, ticket, category_for([Intent(i) for i in ticket.intents]))
        detail: dict[str, Any] = {
            "message": message.id,
            "intents": [i.value for i in verdict.intents],
            "from_client": mail.from_address == ticket.sender,
        }
        tx.add_event(ticket.id, now, "client", "client_replied", detail)
        if ticket.status in {TicketStatus.RESOLVED.value, TicketStatus.WAITING.value}:
            self.policy.lifecycle.transition(
                tx, ticket, TicketStatus.OPEN, now=now, actor="inboxbot", why="client replied"
            )
        ticket.updated_at = now
        tx.session.add(ticket)
        for automation in self.automations:
            automation.on_reply(tx, ticket, mail, verdict)

    def _recategorise(self, tx: Tx, ticket: Ticket, category: str) -> None:
        """A follow-up can change what the ticket is about, and so its deadline."""
        if category == ticket.category:
            return
        ticket.category = category
        lifecycle = self.policy.lifecycle
        ticket.due_at = lifecycle.policy.due_at(category, ticket.received_at, ticket.paused_seconds)
        lifecycle.reschedule(tx, ticket)

    def _acknowledge(self, tx: Tx, ticket: Ticket, mail: ParsedMail, verdict: Classification) -> None:
        assert ticket.id is not None
        now = self.clock()
        reason = self._no_ack_reason(tx, mail, verdict, now)
        if reason:
            tx.add_event(ticket.id, now, "inboxbot", "ack_skipped", {"reason": reason})
            return
        outgoing = self.mailer.queue(
            tx,
            ticket,
            kind="ack",
            to_address=mail.from_address,
            to_name=mail.from_name,
            now=now,
            in_reply_to=mail.message_id,
            references=mail.references,
        )
        detail = {"outbox": outgoing.id, "message_id": outgoing.message_id, "language": ticket.language}
        tx.add_event(ticket.id, now, "inboxbot", "ack_queued", detail)

    def _no_ack_reason(self, tx: Tx, mail: ParsedMail, verdict: Classification, now: datetime) -> str | None:
        if not self.policy.acks_enabled:
            return "acknowledgements disabled"
        for automation in self.automations:
            replaced = automation.replaces_acknowledgement(mail, verdict)
            if replaced:
                return replaced
        return self.policy.reply_guard.refusal(tx, mail, verdict, now)


EXCERPT_LINES, EXCERPT_CHARS = 6, 600


def _excerpt(mail: ParsedMail) -> str:
    """The first lines of the sender's own text, for staff escalation mail (personal data: never logged)."""
    lines = [line for line in mail.new_text.splitlines() if line.strip()][:EXCERPT_LINES]
    return "\n".join(lines)[:EXCERPT_CHARS]


def dedupe_key(mail: ParsedMail) -> str:
    """The same mail seen twice has the same key: its Message-ID, else a digest of its bytes."""
    return f"mid:{mail.message_id}" if mail.message_id else f"sha256:{mail.digest}"


def _duplicate(existing: Message) -> Result:
    outcome = Outcome(existing.outcome)
    return Result(
        Outcome.DUPLICATE, _DESTINATION.get(outcome, Destination.PROCESSED), reason=f"already {outcome.value}"
    )


def _headers_for_staff(raw: bytes) -> tuple[str, str]:
    """Best-effort sender and subject of a mail that could not be parsed, for the staff listing."""
    try:
        headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw[:65536])
        sender = normalize_address(email.utils.parseaddr(str(headers.get("From", "")))[1])
        return sender, str(headers.get("Subject", ""))[:500]
    except Exception:  # the mail is already known to be broken; any detail is a bonus
        return "", ""


def _log_result(
    inbound: Inbound,
    result: Result,
    started: float,
    *,
    sender: str,
    classification: Classification | None = None,
) -> None:
    fields: dict[str, Any] = {
        "outcome": result.outcome.value,
        "destination": result.destination.value,
        "ref": inbound.ref,
        "mail": digest_of(inbound.raw)[:12],
        "sender": mask_address(sender),
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
    }
    if result.ticket_number:
        fields["ticket"] = result.ticket_number
    if classification is not None:
        fields.update(
            intents=list(result.intents),
            language=classification.language,
            needs_review=classification.needs_review,
        )
    if result.outcome is Outcome.QUARANTINED:
        log.warning("mail.processed", reason=result.reason, **fields)
    else:
        log.info("mail.processed", **fields)
