"""The staff's desk: every action a person takes on a ticket, for the console and the CLI alike.

Each action runs in one transaction, writes its event as ``staff:<email>`` (or whoever ``actor`` is),
and refuses what makes no sense with :class:`~inboxbot.service.staff.Refused` (one line, nothing
changed). Mail to the client goes through the outbox like every other mail.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from inboxbot.adapters.db.models import (
    LabelledExample,
    Message,
    OutboxMail,
    StaffAccount,
    Ticket,
    TicketEvent,
)
from inboxbot.adapters.db.store import Store, Tx
from inboxbot.core.addresses import normalize_address
from inboxbot.core.intents import Classification, Intent
from inboxbot.core.tickets import TicketStatus, category_for
from inboxbot.service.inbound import Clock
from inboxbot.service.lifecycle import Lifecycle
from inboxbot.service.mailer import Mailer
from inboxbot.service.staff import Refused, find_ticket, opening_mail
from inboxbot.service.ticketing import TicketAutomation

MAX_TEXT = 20_000
REPLY_MODES = ("reply", "wait", "resolve")
_SUBJECT_NOISE = re.compile(r"^\s*(?:(?:re|fwd?|aw|sv|ответ|отв)\s*(?:\[\d+\])?\s*:\s*|\[[^\]]*\]\s*)+", re.I)


class Conflict(Refused):
    """Someone else answered or noted the ticket after the page was loaded; nothing was sent."""


@dataclass(frozen=True)
class ReplyReceipt:
    ticket: Ticket
    message_id: str
    status: str


@dataclass
class Desk:
    store: Store
    lifecycle: Lifecycle
    mailer: Mailer
    automations: tuple[TicketAutomation, ...]
    clock: Clock

    # -- talking to the client ----------------------------------------------------------------------
    def reply(
        self,
        ident: str,
        text: str,
        *,
        actor: str,
        staff_name: str,
        mode: str = "reply",
        seen_event: int | None = None,
    ) -> ReplyReceipt:
        """Mail ``text`` to the client, threaded to their last mail; ``mode`` "wait" sets the ticket
        waiting on the client (the SLA clock stops), "resolve" resolves it. With ``seen_event`` (the
        last event the writer saw), a reply or note by someone else since then holds this one back."""
        body = _text(text)
        if mode not in REPLY_MODES:
            raise Refused(f"unknown reply mode {mode!r}; one of {', '.join(REPLY_MODES)}")
        with self.store.transaction() as tx:
            ticket = find_ticket(tx, ident)
            assert ticket.id is not None
            if seen_event is not None:
                _traffic_cop(tx, ticket.id, seen_event, actor)
            now = self.clock()
            context = _reply_context(ticket, body, staff_name)
            mail = self._mail_client(tx, ticket, "staff_reply", context, now, auto_submitted=None)
            tx.add_event(
                ticket, now, actor, "replied", {"text": body, "message_id": mail.message_id, "mode": mode}
            )
            self._after_reply(tx, ticket, mode, actor, now)
            return ReplyReceipt(ticket, mail.message_id, ticket.status)

    def _mail_client(
        self,
        tx: Tx,
        ticket: Ticket,
        kind: str,
        context: dict[str, Any],
        now: datetime,
        *,
        auto_submitted: str | None,
    ) -> OutboxMail:
        """Queue ``kind`` to the ticket's client, as an answer to their last mail in the thread."""
        assert ticket.id is not None
        last, references = _thread(tx, ticket.id)
        return self.mailer.queue(
            tx, ticket, kind=kind, to_address=ticket.sender, to_name=ticket.sender_name, now=now,
            in_reply_to=last, references=references, context=context, auto_submitted=auto_submitted,
        )  # fmt: skip

    def _after_reply(self, tx: Tx, ticket: Ticket, mode: str, actor: str, now: datetime) -> None:
        if mode == "wait":
            self._move(
                tx, ticket, TicketStatus.WAITING, actor=actor, why="waiting for the client's answer", now=now
            )
        elif mode == "resolve":
            self._move(tx, ticket, TicketStatus.RESOLVED, actor=actor, why="answered and resolved", now=now)
        elif ticket.status == TicketStatus.NEW.value:
            self._move(tx, ticket, TicketStatus.OPEN, actor=actor, why="answered by staff", now=now)
        ticket.updated_at = now
        tx.session.add(ticket)

    # -- the ticket's state ---------------------------------------------------------------------------
    def note(self, ident: str, text: str, *, actor: str) -> Ticket:
        """An internal note: on the ticket's timeline, never mailed to anyone."""
        body = _text(text)
        with self.store.transaction() as tx:
            ticket = find_ticket(tx, ident)
            tx.add_event(ticket, self.clock(), actor, "note", {"text": body})
            return ticket

    def assign(self, ident: str, to: str | None, *, actor: str) -> Ticket:
        """Give the ticket to a staff member (``to`` their e-mail), or to nobody (None)."""
        with self.store.transaction() as tx:
            ticket = find_ticket(tx, ident)
            account = _active_account(tx, to) if to else None
            new_id = account.id if account else None
            if new_id == ticket.assignee_id:
                return ticket
            previous = tx.session.get(StaffAccount, ticket.assignee_id) if ticket.assignee_id else None
            ticket.assignee_id, ticket.updated_at = new_id, self.clock()
            tx.session.add(ticket)
            detail = {"from": previous.email if previous else None, "to": account.email if account else None}
            tx.add_event(ticket, self.clock(), actor, "assigned", detail)
            return ticket

    def wait(self, ident: str, *, actor: str) -> Ticket:
        with self.store.transaction() as tx:
            ticket = find_ticket(tx, ident)
            if ticket.status == TicketStatus.RESOLVED.value:
                raise Refused(f"{ticket.number} is resolved: reopen it before setting it waiting")
            if ticket.status == TicketStatus.WAITING.value:
                raise Refused(f"{ticket.number} is already waiting on the client")
            self._move(
                tx, ticket, TicketStatus.WAITING, actor=actor, why="set waiting by staff", now=self.clock()
            )
            return ticket

    def reopen(self, ident: str, *, actor: str) -> Ticket:
        with self.store.transaction() as tx:
            ticket = find_ticket(tx, ident)
            if ticket.status in (TicketStatus.NEW.value, TicketStatus.OPEN.value):
                raise Refused(f"{ticket.number} is {ticket.status}: there is nothing to reopen")
            self._move(tx, ticket, TicketStatus.OPEN, actor=actor, why="reopened by staff", now=self.clock())
            return ticket

    def resolve(
        self, ident: str, *, note: str, actor: str, notify_client: bool = False
    ) -> tuple[Ticket, bool]:
        """Resolve with a note (the SLA clock stops); ``notify_client`` mails a closing notice in the
        client's language. Returns (ticket, changed): resolving twice changes nothing."""
        with self.store.transaction() as tx:
            ticket = find_ticket(tx, ident)
            now = self.clock()
            changed = self.lifecycle.transition(
                tx,
                ticket,
                TicketStatus.RESOLVED,
                now=now,
                actor=actor,
                why="resolved by staff",
                detail={"note": note},
            )
            if changed and notify_client:
                self._closing_notice(tx, ticket, note, now)
            return ticket, changed

    def dismiss(self, ident: str, *, reason: str, actor: str) -> Ticket:
        """Not a request (spam, a robot): closed without a reply, kept as a labelled example."""
        with self.store.transaction() as tx:
            ticket = find_ticket(tx, ident)
            if ticket.status == TicketStatus.RESOLVED.value:
                raise Refused(f"{ticket.number} is resolved already")
            now = self.clock()
            self._label(tx, ticket, [Intent.AUTOMATED.value], actor, now)
            tx.add_event(ticket, now, actor, "dismissed", {"reason": reason, "was": list(ticket.intents)})
            ticket.needs_review = False
            self.lifecycle.transition(
                tx, ticket, TicketStatus.RESOLVED, now=now, actor=actor, why=f"not a request: {reason}"
            )
            return ticket

    def triage(self, ident: str, *, actor: str, intents: Sequence[Intent] | None = None) -> Ticket:
        """A person has decided what a flagged ticket asks: its (corrected) intents stand, inboxbot acts
        on them (an unsubscribe is fulfilled as if it had been clear from the start), and the decision
        is kept as a labelled example for measuring the classifier."""
        with self.store.transaction() as tx:
            ticket = find_ticket(tx, ident)
            assert ticket.id is not None
            chosen = tuple(intents) if intents else tuple(Intent(i) for i in ticket.intents)
            _may_triage(ticket, chosen)
            now = self.clock()
            self._label(tx, ticket, [i.value for i in chosen], actor, now)
            verdict = Classification(chosen, ticket.language, 1.0, False, ())
            self._reclassify(tx, ticket, verdict, actor, now)
            tx.add_event(ticket, now, actor, "approved", {"was_flagged": ticket.needs_review})
            ticket.needs_review, ticket.updated_at = False, now
            tx.session.add(ticket)
            mail = opening_mail(tx, ticket.id)
            if mail is not None:
                for automation in self.automations:
                    automation.on_opened(tx, ticket, mail, verdict)
            return ticket

    # -- helpers ------------------------------------------------------------------------------------------
    def _move(self, tx: Tx, ticket: Ticket, to: TicketStatus, *, actor: str, why: str, now: datetime) -> None:
        self.lifecycle.transition(tx, ticket, to, now=now, actor=actor, why=why)

    def _reclassify(self, tx: Tx, ticket: Ticket, verdict: Classification, actor: str, now: datetime) -> None:
        chosen = [i.value for i in verdict.intents]
        if chosen == ticket.intents:
            return
        tx.add_event(ticket, now, actor, "reclassified", {"from": ticket.intents, "to": chosen})
        ticket.intents, ticket.category = chosen, category_for(verdict.intents)
        ticket.due_at = self.lifecycle.policy.due_at(
            ticket.category, ticket.received_at, ticket.paused_seconds
        )
        self.lifecycle.reschedule(tx, ticket)

    def _label(self, tx: Tx, ticket: Ticket, intents: list[str], actor: str, now: datetime) -> None:
        assert ticket.id is not None
        first = tx.session.scalars(
            select(Message).where(col(Message.ticket_id) == ticket.id).order_by(col(Message.id)).limit(1)
        ).first()
        tx.session.add(
            LabelledExample(
                message_id=first.id if first else None,
                ticket_id=ticket.id,
                predicted=list(ticket.intents),
                intents=sorted(intents),
                language=ticket.language,
                actor=actor,
                at=now,
            )
        )

    def _closing_notice(self, tx: Tx, ticket: Ticket, note: str, now: datetime) -> None:
        mail = self._mail_client(
            tx, ticket, "closing_notice", {"note": note}, now, auto_submitted="auto-generated"
        )
        tx.add_event(ticket, now, "inboxbot", "closing_notice_queued", {"message_id": mail.message_id})


def _may_triage(ticket: Ticket, intents: Sequence[Intent]) -> None:
    if ticket.status == TicketStatus.RESOLVED.value:
        raise Refused(f"{ticket.number} is resolved: there is nothing left to approve")
    if not ticket.needs_review:
        raise Refused(f"{ticket.number} is not flagged for review: there is nothing to approve")
    if Intent.AUTOMATED in intents:
        raise Refused(f"{ticket.number}: 'automated' is not a request to act on; dismiss it as not a request")


def _text(text: str) -> str:
    body = text.replace("\r\n", "\n").strip()
    if not body:
        raise Refused("the text is empty")
    if len(body) > MAX_TEXT:
        raise Refused(f"the text is longer than {MAX_TEXT} characters")
    return body


def _active_account(tx: Tx, email: str) -> StaffAccount:
    address = normalize_address(email)
    account = tx.session.scalars(select(StaffAccount).where(col(StaffAccount.email) == address)).first()
    if account is None or account.disabled_at is not None:
        raise Refused(f"no active staff account {email!r}")
    return account


def _traffic_cop(tx: Tx, ticket_id: int, seen_event: int, actor: str) -> None:
    stmt = (
        select(TicketEvent)
        .where(
            col(TicketEvent.ticket_id) == ticket_id,
            col(TicketEvent.id) > seen_event,
            col(TicketEvent.kind).in_(("replied", "note")),
            col(TicketEvent.actor) != actor,
        )
        .order_by(col(TicketEvent.id))
    )
    newer = tx.session.scalars(stmt).first()
    if newer is not None:
        what = "replied" if newer.kind == "replied" else "added a note"
        raise Conflict(
            f"{newer.actor.removeprefix('staff:')} {what} after you opened this ticket: read it first"
        )


def _thread(tx: Tx, ticket_id: int) -> tuple[str | None, tuple[str, ...]]:
    """The client's last Message-ID (to answer) and the thread's Message-IDs, oldest first."""
    inbound = [(m.received_at, m.message_id) for m in tx.messages_of(ticket_id) if m.message_id]
    outbound = [(m.created_at, m.message_id) for m in tx.outbox_of(ticket_id)]
    ordered = [mid for _, mid in sorted(inbound + outbound, key=lambda pair: pair[0])]
    last = inbound[-1][1] if inbound else None
    return last, tuple(ordered)


def _reply_context(ticket: Ticket, body: str, staff_name: str) -> dict[str, Any]:
    paragraphs = [p.split("\n") for p in re.split(r"\n\s*\n", body)]
    return {
        "text": body,
        "paragraphs": paragraphs,
        "staff_name": staff_name,
        "subject": _SUBJECT_NOISE.sub("", ticket.subject).strip() or ticket.number,
        "language": ticket.language,
    }
