"""Build the MIME bytes of an outgoing mail: headers for threading and RFC 3834, text and HTML parts."""

from __future__ import annotations

import email.policy
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from inboxbot.templating import RenderedMail

# References kept in a reply: enough for every client to thread, bounded against hostile chains.
MAX_REFERENCES = 20


@dataclass(frozen=True)
class Envelope:
    sender_address: str
    sender_name: str
    to_address: str
    to_name: str = ""
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()


def new_message_id(sender_address: str, tag: str = "") -> str:
    domain = sender_address.rsplit("@", 1)[-1]
    prefix = f"{tag.lower()}." if tag else ""
    return f"<{prefix}{uuid.uuid4().hex}@{domain}>"


def compose(
    rendered: RenderedMail,
    envelope: Envelope,
    *,
    message_id: str,
    now: datetime,
    auto_submitted: str = "auto-replied",
) -> bytes:
    """The RFC 5322 bytes (CRLF line ends) of an automatic reply."""
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = _address(envelope.sender_name, envelope.sender_address)
    msg["To"] = _address(envelope.to_name, envelope.to_address)
    msg["Subject"] = rendered.subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id
    if envelope.in_reply_to:
        msg["In-Reply-To"] = envelope.in_reply_to
        refs = [r for r in envelope.references if r != envelope.in_reply_to][-(MAX_REFERENCES - 1) :]
        msg["References"] = " ".join([*refs, envelope.in_reply_to])
    msg["Auto-Submitted"] = auto_submitted
    msg["X-Auto-Response-Suppress"] = "All"  # asks Exchange not to answer with out-of-office mail
    msg["Content-Language"] = rendered.language
    msg.set_content(rendered.text)
    msg.add_alternative(rendered.html, subtype="html")
    return msg.as_bytes()


def _address(name: str, address: str) -> Address:
    local, _, domain = address.partition("@")
    return Address(display_name=name, username=local, domain=domain)
