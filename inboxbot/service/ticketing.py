"""Tickets from mail: open one, add a client's reply to one, acknowledge, and start automations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from inboxbot.adapters.db.models import Ticket
from inboxbot.adapters.db.store import Tx
from inboxbot.core.intents import AUTOMATION_THRESHOLD, Classification, Intent
from inboxbot.core.mail import ParsedMail
from inboxbot.core.replies import may_auto_reply
from inboxbot.core.tickets import TicketStatus, category_for, format_number, merge_intents, numbers_in
from inboxbot.service.inbound import Clock, Inbound, Outcome, message_row
from inboxbot.service.lifecycle import Lifecycle
from inboxbot.service.mailer import Mailer
from inboxbot.service.notify import queue_notice

EXCERPT_LINES, EXCERPT_CHARS = 6, 600
SEARCH_TEXT_CHARS = 20_000  # what the console's search reads of a ticket's mails (bounded per ticket)
REPLY_WINDOW = timedelta(days=1)  # the loop guard counts automatic replies per sender over this window


class TicketAutomation(Protocol):
    """Work that a ticket's requests start on their own (unsubscribe), in the intake's transaction."""

    def replaces_acknowledgement(self, mail: ParsedMail, verdict: Classification) -> str | None:
        """Why no acknowledgement is needed (another mail will answer), or None."""
        ...

    def on_opened(self, tx: Tx, ticket: Ticket, mail: ParsedMail, verdict: Classification) -> None: ...

    def on_reply(self, tx: Tx, ticket: Ticket, mail: ParsedMail, verdict: Classification) -> None: ...


@dataclass(frozen=True)
class ReplyGuard:
    """Whether an automatic mail may go to a mail's sender now (robots, ourselves, the loop guard)."""

    own_addresses: frozenset[str]
    daily_limit: int = 3

    def refusal(self, tx: Tx, mail: ParsedMail, verdict: Classification, now: datetime) -> str | None:
        sent_today = tx.replies_sent_since(mail.from_address, now - REPLY_WINDOW) if mail.from_address else 0
        decision = may_auto_reply(
            mail,
            verdict,
            own_addresses=self.own_addresses,
            sent_to_sender_today=sent_today,
            daily_limit=self.daily_limit,
        )
        return None if decision.send else decision.reason


@dataclass(frozen=True)
class TicketPolicy:
    reply_guard: ReplyGuard
    lifecycle: Lifecycle  # deadlines, the SLA clock and status changes
    ticket_prefix: str = "HB"
    timezone: str = "Asia/Almaty"
    acks_enabled: bool = True
    default_language: str = "ru"
    automation_threshold: float = AUTOMATION_THRESHOLD  # below it a request waits for a person's triage


class Ticketing:
    def __init__(
        self, mailer: Mailer, policy: TicketPolicy, clock: Clock, automations: tuple[TicketAutomation, ...]
    ):
        self.mailer = mailer
        self.policy = policy
        self.clock = clock
        self.automations = automations
        self.zone = ZoneInfo(policy.timezone)

    def thread_of(self, tx: Tx, mail: ParsedMail) -> Ticket | None:
        """The ticket a mail answers: by our Message-IDs it refers to, or by the number in its subject."""
        ticket = tx.ticket_for_thread(mail.thread_ids)
        if ticket is not None:
            return ticket
        for number in numbers_in(mail.subject, self.policy.ticket_prefix):
            candidate = tx.ticket_by_number(number)
            # A number in the subject is easy to type: only its own client may add to a ticket that way.
            if candidate is not None and candidate.sender == mail.from_address:
                return candidate
        return None

    def open(self, tx: Tx, inbound: Inbound, mail: ParsedMail, verdict: Classification) -> Ticket:
        verdict = verdict.gated(self.policy.automation_threshold)
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
                search_text=searchable(mail),
            )
        )
        self.policy.lifecycle.open(ticket)
        tx.add_message(
            message_row(inbound, mail, verdict, Outcome.TICKET_OPENED, now=now, ticket=ticket),
            inbound.raw,
        )
        tx.add_event(
            ticket,
            now,
            "inboxbot",
            "opened",
            {
                "message_id": mail.message_id,
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
        queue_notice(tx, ticket, now)
        return ticket

    def add_reply(
        self, tx: Tx, ticket: Ticket, inbound: Inbound, mail: ParsedMail, verdict: Classification
    ) -> None:
        verdict = verdict.gated(self.policy.automation_threshold)
        now = self.clock()
        assert ticket.id is not None
        tx.add_message(
            message_row(inbound, mail, verdict, Outcome.REPLY_ADDED, now=now, ticket=ticket),
            inbound.raw,
        )
        ticket.intents = merge_intents(ticket.intents, verdict.intents)
        ticket.search_text = f"{ticket.search_text}\n{searchable(mail)}"[:SEARCH_TEXT_CHARS]
        self._recategorise(tx, ticket, category_for([Intent(i) for i in ticket.intents]))
        detail: dict[str, Any] = {
            "message_id": mail.message_id,
            "intents": [i.value for i in verdict.intents],
            "from_client": mail.from_address == ticket.sender,
        }
        tx.add_event(ticket, now, "client", "client_replied", detail)
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
        now = self.clock()
        reason = self._no_ack_reason(tx, mail, verdict, now)
        if reason:
            tx.add_event(ticket, now, "inboxbot", "ack_skipped", {"reason": reason})
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
        detail = {"message_id": outgoing.message_id, "language": ticket.language}
        tx.add_event(ticket, now, "inboxbot", "ack_queued", detail)

    def _no_ack_reason(self, tx: Tx, mail: ParsedMail, verdict: Classification, now: datetime) -> str | None:
        if not self.policy.acks_enabled:
            return "acknowledgements disabled"
        for automation in self.automations:
            replaced = automation.replaces_acknowledgement(mail, verdict)
            if replaced:
                return replaced
        return self.policy.reply_guard.refusal(tx, mail, verdict, now)


def _excerpt(mail: ParsedMail) -> str:
    """The first lines of the sender's own text, for staff escalation mail (personal data: never logged)."""
    lines = [line for line in mail.new_text.splitlines() if line.strip()][:EXCERPT_LINES]
    return "\n".join(lines)[:EXCERPT_CHARS]


def searchable(mail: ParsedMail) -> str:
    """What staff can find a mail by: its sender, subject and new text, case-folded (so that a plain
    LIKE finds Cyrillic text on SQLite as well as on PostgreSQL)."""
    text = f"{mail.from_name} {mail.from_address} {mail.subject}\n{mail.new_text}"
    return text.casefold()[:SEARCH_TEXT_CHARS]
