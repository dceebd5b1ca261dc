"""Queue a templated mail about a ticket: rendered, composed, and written to the outbox in the caller's
transaction, so it is sent if and only if the change that caused it commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from inboxbot.adapters.db.models import OutboxMail, Ticket
from inboxbot.adapters.db.store import Tx
from inboxbot.service.composer import Envelope, MailAttachment, compose, new_message_id
from inboxbot.templating import Templates

MAX_DISPLAY_NAME = 64


@dataclass(frozen=True)
class Mailer:
    templates: Templates
    sender_address: str
    sender_name: str
    zone: ZoneInfo

    def queue(
        self,
        tx: Tx,
        ticket: Ticket | None,
        *,
        kind: str,
        to_address: str,
        now: datetime,
        to_name: str = "",
        in_reply_to: str | None = None,
        references: tuple[str, ...] = (),
        context: dict[str, Any] | None = None,
        language: str | None = None,
        auto_submitted: str | None = "auto-replied",
        attachments: Sequence[MailAttachment] = (),
    ) -> OutboxMail:
        """Render ``templates/<kind>/`` (in the ticket's language unless told) and put it in the outbox.

        ``auto_submitted`` is "auto-replied" for answers to a client, "auto-generated" for notices,
        None for a mail a person wrote. ``ticket`` is None for a mail about no one ticket (the staff
        digest): the template then sees ``client_name``, ``company`` and ``context``. ``attachments``:
        files sent with the mail (name, content type, bytes).
        """
        name = greeting_name(to_name)
        base = {"client_name": name, "company": self.sender_name}
        values = {**(self.ticket_context(ticket, name) if ticket is not None else base), **(context or {})}
        language = language or (ticket.language if ticket is not None else self.templates.fallback_language)
        rendered = self.templates.render(kind, language, values)
        message_id = new_message_id(self.sender_address, kind.replace("_", "-"))
        envelope = Envelope(self.sender_address, self.sender_name, to_address, name, in_reply_to, references)
        raw = compose(
            rendered,
            envelope,
            message_id=message_id,
            now=now,
            auto_submitted=auto_submitted,
            attachments=attachments,
        )
        mail = OutboxMail(
            ticket=ticket,
            kind=kind,
            message_id=message_id,
            mail_from=self.sender_address,
            recipient=to_address,
            raw=raw,
            status="pending",
            next_attempt_at=now,
            created_at=now,
        )
        return tx.enqueue(mail)

    def ticket_context(self, ticket: Ticket, client_name: str) -> dict[str, Any]:
        return {
            "ticket_number": ticket.number,
            "client_name": client_name,
            "company": self.sender_name,
            "deadline_hours": _hours(deadline_hours(ticket)),
            "received_local": self.local(ticket.received_at),
            "due_local": self.local(ticket.due_at),
        }

    def local(self, moment: datetime) -> str:
        return moment.astimezone(self.zone).strftime("%d.%m.%Y %H:%M")


def deadline_hours(ticket: Ticket) -> float:
    """The ticket's SLA deadline in hours (its category's), whatever time it has spent waiting."""
    span = ticket.due_at - ticket.received_at - timedelta(seconds=ticket.paused_seconds)
    return span.total_seconds() / 3600


def greeting_name(name: str) -> str:
    """A display name fit to echo back: short, and not a vehicle for links (backscatter spam)."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_DISPLAY_NAME or any(s in name.lower() for s in ("://", "www.", "@")):
        return ""
    return name


def _hours(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
