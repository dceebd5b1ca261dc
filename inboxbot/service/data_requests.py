"""Requests about personal data (a change, an export, an erasure): who asked, and proof that they are
who the From header says, before anything is changed, revealed or erased.

At intake (same transaction as the ticket) each such request becomes a :class:`DataRequest`. The
sender is verified at once when our own MX vouches for the From domain (a trusted
``Authentication-Results`` with ``dmarc=pass`` or an aligned ``dkim=pass``,
:mod:`inboxbot.core.authresults`); otherwise a one-time code is mailed to that address, in place of the
acknowledgement, and the ticket waits for the answer. The answer verifies only when it comes from the
same address, in the thread of that very mail, with the right code, before the code expires and within a
few attempts. A staff member may also verify by hand, with a reason (:mod:`inboxbot.service.desk`).
A forged From never sees the code, so a forged mail never gets further than a ticket.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import select
from sqlmodel import col

from inboxbot.adapters.db.models import DataRequest, Ticket, VerificationCode
from inboxbot.adapters.db.store import Tx
from inboxbot.core.authresults import verify_sender
from inboxbot.core.changes import proposed_changes
from inboxbot.core.intents import Classification, Intent
from inboxbot.core.mail import ParsedMail
from inboxbot.core.tickets import TicketStatus
from inboxbot.service.inbound import Clock
from inboxbot.service.lifecycle import Lifecycle
from inboxbot.service.mailer import Mailer

log = structlog.get_logger("inboxbot.data_requests")

DATA_INTENTS = (Intent.DATA_CHANGE, Intent.DATA_ACCESS, Intent.DATA_DELETION)
ACTOR = "inboxbot"
_CODE = re.compile(r"(?<!\d)(\d{3})[ -]?(\d{3})(?!\d)")


@dataclass(frozen=True)
class IdentityPolicy:
    trusted_authserv_ids: frozenset[str] = frozenset()
    code_valid: timedelta = timedelta(hours=48)
    code_attempts: int = 5
    pause_sla: bool = True
    own_addresses: frozenset[str] = frozenset()


def wanted(verdict: Classification) -> tuple[Intent, ...]:
    """The data requests of a verdict inboxbot may start on its own (not a flagged one)."""
    if verdict.needs_review:
        return ()
    return tuple(i for i in verdict.intents if i in DATA_INTENTS)


@dataclass
class DataRequests:
    """The intake-time half, as a ticket automation: requests recorded, the sender verified or asked."""

    mailer: Mailer
    lifecycle: Lifecycle
    policy: IdentityPolicy
    clock: Clock

    def replaces_acknowledgement(self, mail: ParsedMail, verdict: Classification) -> str | None:
        if wanted(verdict) and not self._vouched(mail).verified:
            return "the verification mail answers this request"
        return None

    def on_opened(self, tx: Tx, ticket: Ticket, mail: ParsedMail, verdict: Classification) -> None:
        kinds = wanted(verdict)
        if not kinds:
            return
        self._verify_or_ask(tx, ticket, mail, self._record(tx, ticket, mail, kinds))

    def on_reply(self, tx: Tx, ticket: Ticket, mail: ParsedMail, verdict: Classification) -> None:
        kinds = [k for k in wanted(verdict) if k.value not in {r.kind for r in requests_of(tx, ticket)}]
        if kinds and mail.from_address == ticket.sender:  # the client adds a request in the thread
            self._record(tx, ticket, mail, tuple(kinds))
        pending = [r for r in requests_of(tx, ticket) if r.status in ("unverified", "verifying")]
        if not pending:
            return
        vouched = self._vouched(mail)
        if vouched.verified and mail.from_address == ticket.sender:
            self._verified(tx, ticket, pending, "auth_results", vouched.reason)
            return
        self._check_code(tx, ticket, mail, pending)

    # -- recording and verifying -----------------------------------------------------------------------
    def _record(self, tx: Tx, ticket: Ticket, mail: ParsedMail, kinds: Sequence[Intent]) -> list[DataRequest]:
        """New rows, written with the ticket at the batch's flush (it may have no id yet)."""
        now = self.clock()
        rows = []
        for kind in kinds:
            proposal = _proposal(mail, self.policy.own_addresses) if kind is Intent.DATA_CHANGE else {}
            row = DataRequest(
                ticket=ticket, kind=kind.value, address=ticket.sender, proposal=proposal, created_at=now
            )
            tx.session.add(row)
            rows.append(row)
            tx.add_event(ticket, now, ACTOR, "data_request", {"kind": kind.value, "proposal": proposal})
        return rows

    def _verify_or_ask(self, tx: Tx, ticket: Ticket, mail: ParsedMail, pending: list[DataRequest]) -> None:
        vouched = self._vouched(mail)
        if vouched.verified:
            self._verified(tx, ticket, pending, "auth_results", vouched.reason)
        else:
            thread = (mail.message_id, mail.references)
            self.send_code(tx, ticket, pending, thread=thread, why=vouched.reason)

    def send_code(
        self,
        tx: Tx,
        ticket: Ticket,
        pending: Sequence[DataRequest],
        *,
        thread: tuple[str | None, tuple[str, ...]],
        why: str,
    ) -> None:
        """Mail a new one-time code to the ticket's sender (any earlier code is void), threaded as a
        reply to ``thread``: the mail's Message-ID and its References."""
        now = self.clock()
        for old in codes_of(tx, ticket, status="pending"):
            old.status = "void"
            tx.session.add(old)
        code, salt = f"{secrets.randbelow(10**6):06d}", secrets.token_hex(8)
        expires = now + self.policy.code_valid
        context = {
            "code": f"{code[:3]} {code[3:]}",
            "expires_local": self.mailer.local(expires),
            "requests": [r.kind for r in pending],
        }
        mail = self.mailer.queue(
            tx, ticket, kind="verify_code", to_address=ticket.sender, to_name=ticket.sender_name,
            now=now, in_reply_to=thread[0], references=thread[1], context=context,
        )  # fmt: skip
        tx.session.add(
            VerificationCode(
                ticket=ticket, address=ticket.sender, code_hash=_digest(salt, code), salt=salt,
                mail_message_id=mail.message_id, created_at=now, expires_at=expires,
            )
        )  # fmt: skip
        for request in pending:
            request.status = "verifying"
            tx.session.add(request)
        tx.add_event(ticket, now, ACTOR, "verification_sent", {"message_id": mail.message_id, "why": why})
        if self.policy.pause_sla and ticket.status != TicketStatus.WAITING.value:
            self.lifecycle.transition(
                tx, ticket, TicketStatus.WAITING, now=now, actor=ACTOR, why="waiting for the sender to verify"
            )

    def _check_code(self, tx: Tx, ticket: Ticket, mail: ParsedMail, pending: Sequence[DataRequest]) -> None:
        code = next(iter(codes_of(tx, ticket, status="pending")), None)
        if code is None:
            return
        problem = _code_problem(code, mail, self.clock(), self.policy.code_attempts)
        if problem is None:
            code.status, code.used_at = "used", self.clock()
            tx.session.add(code)
            self._verified(tx, ticket, pending, "code", "the sender answered with the code mailed to them")
            return
        if problem == "wrong code":
            code.attempts += 1
            if code.attempts >= self.policy.code_attempts:
                code.status = "void"
        tx.session.add(code)
        tx.add_event(ticket, self.clock(), ACTOR, "verification_failed", {"why": problem})

    def _verified(
        self, tx: Tx, ticket: Ticket, pending: Sequence[DataRequest], via: str, detail: str
    ) -> None:
        mark_verified(tx, pending, via=via, detail=detail, now=self.clock())
        tx.add_event(ticket, self.clock(), ACTOR, "sender_verified", {"via": via, "detail": detail})
        if ticket.status == TicketStatus.WAITING.value:
            self.lifecycle.transition(
                tx, ticket, TicketStatus.OPEN, now=self.clock(), actor=ACTOR, why="the sender is verified"
            )

    def _vouched(self, mail: ParsedMail) -> _Vouched:
        domain = mail.from_address.rsplit("@", 1)[-1] if "@" in mail.from_address else ""
        if not domain or not self.policy.trusted_authserv_ids:
            return _Vouched(False, "no trusted Authentication-Results configured")
        verdict = verify_sender(mail.headers, domain, self.policy.trusted_authserv_ids)
        return _Vouched(verdict.verified, verdict.reason)


@dataclass(frozen=True)
class _Vouched:
    verified: bool
    reason: str


def mark_verified(tx: Tx, requests: Sequence[DataRequest], *, via: str, detail: str, now: datetime) -> None:
    for request in requests:
        request.status, request.verified_via = "verified", via
        request.verification, request.verified_at = detail, now
        tx.session.add(request)


def requests_of(tx: Tx, ticket: Ticket) -> list[DataRequest]:
    if ticket.id is None:
        return []  # opened in this very batch: its requests were just written (see _record)
    stmt = select(DataRequest).where(col(DataRequest.ticket_id) == ticket.id).order_by(col(DataRequest.id))
    return list(tx.session.scalars(stmt))


def codes_of(tx: Tx, ticket: Ticket, *, status: str) -> list[VerificationCode]:
    if ticket.id is None:
        return []
    stmt = (
        select(VerificationCode)
        .where(col(VerificationCode.ticket_id) == ticket.id, col(VerificationCode.status) == status)
        .order_by(col(VerificationCode.id).desc())
    )
    return list(tx.session.scalars(stmt))


def _code_problem(code: VerificationCode, mail: ParsedMail, now: datetime, attempts: int) -> str | None:
    """Why this answer does not verify; None when it does."""
    if mail.from_address != code.address:
        return "the answer came from another address"
    if code.mail_message_id not in mail.thread_ids:
        return "the answer is not a reply to the verification mail"
    if now >= code.expires_at:
        return "the code has expired"
    if code.attempts >= attempts:
        return "too many wrong codes"
    candidates = ["".join(m.groups()) for m in _CODE.finditer(f"{mail.subject}\n{mail.new_text}")]
    if any(hmac.compare_digest(_digest(code.salt, c), code.code_hash) for c in candidates[:5]):
        return None
    return "wrong code"


def _digest(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


def _proposal(mail: ParsedMail, own: frozenset[str]) -> dict[str, str]:
    """The changes the client's own new text proposes (phone in E.164, BIN/IIN checked ...)."""
    return {name: change.new for name, change in proposed_changes(mail, own).items() if change.new}
