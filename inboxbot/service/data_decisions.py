"""What staff decide on a ticket's data requests: verify the sender by hand, edit a proposed change,
apply the requests, or refuse them with a reason. The console and ``inboxbot tickets verify|changes|
apply|refuse`` call these; each ends with a notice to the client in their language.

Nothing is applied for an unverified sender (:class:`~inboxbot.service.staff.Refused`, exit 2). An
erasure is applied in two steps: at once the address leaves every list and is suppressed, and the
client's notice is queued; once that notice has left, :meth:`DataDecisions.finish_erasures` erases
what is left (the notice included), so the client hears of it and nothing of theirs stays behind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlmodel import col

from inboxbot.adapters.db.models import DataRequest, OutboxMail, Suppression, Ticket
from inboxbot.adapters.db.store import Store, Tx
from inboxbot.core.tickets import TicketStatus
from inboxbot.service.data_changes import AppliedChange, apply_change, check_proposal, current_fields
from inboxbot.service.data_requests import DataRequests, mark_verified, requests_of
from inboxbot.service.inbound import Clock
from inboxbot.service.lifecycle import Lifecycle
from inboxbot.service.mailer import Mailer
from inboxbot.service.platform_sync import queue_task, tasks_of
from inboxbot.service.staff import Refused, find_ticket


class Exporter(Protocol):
    def __call__(self, tx: Tx, ticket: Ticket, address: str, now: datetime) -> str:
        """Queue the export mail to ``address``; return its Message-ID."""
        ...


class Eraser(Protocol):
    def __call__(
        self, tx: Tx, address: str, *, reason: str, actor: str, now: datetime, ticket: Ticket | None = None
    ) -> None:
        """Erase everything held about ``address`` (a keyed hash stays on the suppression list)."""
        ...


@dataclass(frozen=True)
class ProposalView:
    """A data change as staff see it: what the record holds, and what the client asked for."""

    ticket: str
    status: str
    current: Mapping[str, str | None]
    proposal: Mapping[str, str]

    @property
    def diff(self) -> list[tuple[str, str | None, str]]:
        return [(f, self.current.get(f), v) for f, v in self.proposal.items() if self.current.get(f) != v]


@dataclass
class DataDecisions:
    store: Store
    lifecycle: Lifecycle
    mailer: Mailer
    verification: DataRequests
    clock: Clock
    export: Exporter | None = None
    erase: Eraser | None = None
    platforms: tuple[str, ...] = ()  # mailing platforms a change or an erasure must reach too

    # -- verification ----------------------------------------------------------------------------------
    def verify(self, ident: str, *, reason: str, actor: str) -> Ticket:
        """A staff member vouches for the sender (a phone call, an ID seen): audited with the reason."""
        if not reason.strip():
            raise Refused("say how the sender was verified (--reason)")
        with self.store.transaction() as tx:
            ticket, pending = self._open_requests(tx, ident, ("unverified", "verifying"))
            mark_verified(tx, pending, via="staff", detail=reason.strip(), now=self.clock())
            tx.add_event(ticket, self.clock(), actor, "sender_verified", {"via": "staff", "detail": reason})
            if ticket.status == TicketStatus.WAITING.value:
                self._move(tx, ticket, TicketStatus.OPEN, actor, "the sender is verified")
            return ticket

    def resend_code(self, ident: str, *, actor: str) -> Ticket:
        with self.store.transaction() as tx:
            ticket, pending = self._open_requests(tx, ident, ("unverified", "verifying"))
            self.verification.send_code(
                tx, ticket, pending, thread=(ticket.message_id, ()), why=f"asked by {actor}"
            )
            return ticket

    # -- a change's proposal ------------------------------------------------------------------------------
    def proposal(self, ident: str) -> ProposalView:
        with self.store.transaction() as tx:
            ticket, request = self._change_request(tx, ident)
            contact = tx.contacts.contact(request.address)
            return ProposalView(
                ticket.number, request.status, current_fields(contact), dict(request.proposal)
            )

    def edit_proposal(self, ident: str, values: Mapping[str, str], *, actor: str) -> ProposalView:
        """Staff correct what the classifier read (an empty value drops a field)."""
        with self.store.transaction() as tx:
            ticket, request = self._change_request(tx, ident)
            if request.status in ("applied", "refused"):
                raise Refused(f"{ticket.number}: the change was {request.status} already")
            merged = {**request.proposal, **values}
            request.proposal = check_proposal({k: v for k, v in merged.items() if str(v).strip()})
            tx.session.add(request)
            tx.add_event(ticket, self.clock(), actor, "proposal_edited", {"proposal": request.proposal})
        return self.proposal(ident)

    # -- deciding ---------------------------------------------------------------------------------------
    def apply(self, ident: str, *, actor: str) -> Ticket:
        """Apply every verified request of the ticket; refused for an unverified sender."""
        with self.store.transaction() as tx:
            ticket, requests = self._open_requests(tx, ident, ("unverified", "verifying", "verified"))
            unverified = [r.kind for r in requests if r.status != "verified"]
            if unverified:
                raise Refused(f"{ticket.number}: the sender is not verified; nothing is applied")
            now = self.clock()
            done = [self._apply_one(tx, ticket, r, actor=actor, now=now) for r in requests]
            self._notice(tx, ticket, "data_request_done", {"done": done, "reason": ""}, now)
            if not any(r.status == "erasing" for r in requests):
                self._move(tx, ticket, TicketStatus.RESOLVED, actor, "data requests applied")
            return ticket

    def refuse(self, ident: str, *, reason: str, actor: str) -> Ticket:
        """Refuse the open requests (a legal duty to keep the data, say); the client is told why."""
        if not reason.strip():
            raise Refused("say why the request is refused (--reason); the client is told")
        with self.store.transaction() as tx:
            ticket, requests = self._open_requests(tx, ident, ("unverified", "verifying", "verified"))
            now = self.clock()
            for request in requests:
                request.status, request.refusal = "refused", reason.strip()
                request.decided_at, request.decided_by = now, actor
                tx.session.add(request)
            tx.add_event(ticket, now, actor, "data_request_refused", {"reason": reason.strip()})
            kinds = [r.kind for r in requests]
            self._notice(
                tx, ticket, "data_request_refused", {"refused": kinds, "reason": reason.strip()}, now
            )
            self._move(tx, ticket, TicketStatus.RESOLVED, actor, "data requests refused")
            return ticket

    def finish_erasures(self) -> int:
        """Erase the persons whose deletion notice has left (or failed for good); returns how many."""
        finished = 0
        with self.store.transaction() as tx:
            for request in _erasing(tx):
                if not _notice_settled(tx, request) or _platforms_busy(tx, request):
                    continue
                self._finish_erasure(tx, request)
                finished += 1
        return finished

    # -- helpers ----------------------------------------------------------------------------------------
    def _apply_one(self, tx: Tx, ticket: Ticket, request: DataRequest, *, actor: str, now: datetime) -> str:
        request.decided_at, request.decided_by = now, actor
        if request.kind == "data_change":
            changes = apply_change(tx, ticket, request.address, request.proposal, actor=actor, now=now)
            request.status = "applied"
            outcome = _changes_text(changes)
            self._owe_platforms(tx, ticket, request, "update", payload=platform_change(changes), now=now)
        elif request.kind == "data_access":
            if self.export is None:
                raise Refused("exports are not available")
            message_id = self.export(tx, ticket, request.address, now)
            request.status, outcome = "applied", f"export sent ({message_id})"
        else:
            self._start_erasure(tx, ticket, request, actor=actor, now=now)
            outcome = "erasure"
        tx.session.add(request)
        tx.add_event(ticket, now, actor, "data_request_applied", {"kind": request.kind, "outcome": outcome})
        return request.kind

    def _start_erasure(
        self, tx: Tx, ticket: Ticket, request: DataRequest, *, actor: str, now: datetime
    ) -> None:
        if self.erase is None:
            raise Refused("erasure is not available: set INBOXBOT_IDENTITY__HASH_KEY")
        contact = tx.contacts.contact(request.address)
        if contact is not None and contact.id is not None:
            tx.contacts.remove_from_all_segments(contact.id)
        tx.contacts.suppress(
            Suppression(
                email=request.address, reason="erasure requested", suppressed_at=now, actor=actor,
                ticket=ticket, evidence=[],
            )
        )  # fmt: skip
        self._owe_platforms(tx, ticket, request, "suppress", payload=None, now=now)
        self._owe_platforms(tx, ticket, request, "erase", payload=None, now=now)
        request.status = "erasing"

    def _owe_platforms(
        self, tx: Tx, ticket: Ticket, request: DataRequest, action: str, *,
        payload: dict[str, str] | None, now: datetime,
    ) -> None:  # fmt: skip
        """Queue the call each mailing platform owes (made after the commit by PlatformSync)."""
        if action == "update" and not payload:
            return
        for name in self.platforms:
            queue_task(
                tx, name, action, request.address, origin=_origin(request), now=now, ticket=ticket,
                payload=payload,
            )  # fmt: skip

    def _finish_erasure(self, tx: Tx, request: DataRequest) -> None:
        assert self.erase is not None
        now = self.clock()
        ticket = request.ticket
        self.erase(
            tx, request.address, reason="data deletion request", actor=request.decided_by or "", now=now,
            ticket=ticket,
        )  # fmt: skip
        request.status = "applied"
        tx.session.add(request)
        if ticket is not None:
            self._move(tx, ticket, TicketStatus.RESOLVED, "inboxbot", "erasure finished")

    def _notice(self, tx: Tx, ticket: Ticket, kind: str, context: dict[str, Any], now: datetime) -> None:
        mail = self.mailer.queue(
            tx, ticket, kind=kind, to_address=ticket.sender, to_name=ticket.sender_name, now=now,
            in_reply_to=ticket.message_id, context=context, auto_submitted="auto-generated",
        )  # fmt: skip
        tx.add_event(ticket, now, "inboxbot", f"{kind}_queued", {"message_id": mail.message_id})

    def _open_requests(self, tx: Tx, ident: str, statuses: Sequence[str]) -> tuple[Ticket, list[DataRequest]]:
        ticket = find_ticket(tx, ident)
        requests = [r for r in requests_of(tx, ticket) if r.status in statuses]
        if not requests:
            raise Refused(f"{ticket.number} has no data request waiting for this")
        return ticket, requests

    def _change_request(self, tx: Tx, ident: str) -> tuple[Ticket, DataRequest]:
        ticket = find_ticket(tx, ident)
        change = next((r for r in requests_of(tx, ticket) if r.kind == "data_change"), None)
        if change is None:
            raise Refused(f"{ticket.number} asks for no change of data")
        return ticket, change

    def _move(self, tx: Tx, ticket: Ticket, to: TicketStatus, actor: str, why: str) -> None:
        self.lifecycle.transition(tx, ticket, to, now=self.clock(), actor=actor, why=why)


def _changes_text(changes: Sequence[AppliedChange]) -> str:
    return ", ".join(c.field for c in changes) or "nothing to change"


def _erasing(tx: Tx) -> list[DataRequest]:
    return list(tx.session.scalars(select(DataRequest).where(col(DataRequest.status) == "erasing")))


def _origin(request: DataRequest) -> str:
    return f"{request.kind}:{request.id}"


def _platforms_busy(tx: Tx, request: DataRequest) -> bool:
    """Whether a platform still owes a call for this request (the address must stay until it is made;
    one refused for good is on the ticket's timeline for a person, and no longer holds the erasure)."""
    return any(task.status == "pending" for task in tasks_of(tx, _origin(request), request.address))


def platform_change(changes: Sequence[AppliedChange]) -> dict[str, str]:
    """The applied changes a mailing platform holds (name, e-mail, phone, language), as its fields."""
    names = {"first_name": "first_name", "surname": "last_name", "email": "email", "phone": "phone"}
    names["language"] = "language"
    return {names[c.field]: c.new for c in changes if c.field in names}


def _notice_settled(tx: Tx, request: DataRequest) -> bool:
    """Whether the ticket's deletion notice has been sent or given up on."""
    stmt = select(col(OutboxMail.status)).where(
        col(OutboxMail.ticket_id) == request.ticket_id, col(OutboxMail.kind) == "data_request_done"
    )
    statuses = list(tx.session.scalars(stmt))
    return bool(statuses) and all(s in ("sent", "failed") for s in statuses)
