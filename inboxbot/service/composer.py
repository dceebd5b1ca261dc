"""Build the MIME bytes of an outgoing mail: headers for threading and RFC 3834, text and HTML parts."""

from __future__ import annotations

import base64
import email.policy
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import format_datetime, formataddr

from inboxbot.templating import RenderedMail

# References kept in a reply: enough for every client to thread, bounded against hostile chains.
MAX_REFERENCES = 20

MailAttachment = tuple[str, str, bytes]
"""A file sent with a mail: its name, its content type (``application/json``) and its bytes."""


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
    auto_submitted: str | None = "auto-replied",
    attachments: Sequence[MailAttachment] = (),
) -> bytes:
    """The RFC 5322 bytes (CRLF line ends) of a mail: multipart/alternative, UTF-8, base64; with
    ``attachments``, multipart/mixed around the alternative part and the files.

    ``auto_submitted`` None marks a mail a person wrote (a staff reply): no Auto-Submitted header,
    so the client's own auto-responder may answer it as it would answer any person.

    Built with the standard library's ``email.mime`` classes and the compat32 generator, which is
    about five times faster than the modern policy's header machinery for the same output.
    """
    # "=_" never occurs in base64, so the boundary cannot collide with a part; choosing it here also
    # spares the generator a regular expression compiled per mail to check the parts for it.
    alternative = MIMEMultipart("alternative", boundary=f"=_{uuid.uuid4().hex}")
    msg = MIMEMultipart("mixed", boundary=f"=_{uuid.uuid4().hex}") if attachments else alternative
    msg["From"] = formataddr((envelope.sender_name, envelope.sender_address), charset="utf-8")
    msg["To"] = formataddr((envelope.to_name, envelope.to_address), charset="utf-8")
    msg["Subject"] = _subject(rendered.subject)  # type: ignore[assignment]  # compat32 takes a Header
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id
    if envelope.in_reply_to:
        msg["In-Reply-To"] = envelope.in_reply_to
        refs = [r for r in envelope.references if r != envelope.in_reply_to][-(MAX_REFERENCES - 1) :]
        msg["References"] = " ".join([*refs, envelope.in_reply_to])
    if auto_submitted is not None:
        msg["Auto-Submitted"] = auto_submitted
        msg["X-Auto-Response-Suppress"] = "All"  # asks Exchange not to answer with out-of-office mail
    msg["Content-Language"] = rendered.language
    alternative.attach(_text_part(rendered.text, "plain"))
    alternative.attach(_text_part(rendered.html, "html"))
    if attachments:
        msg.attach(alternative)
        for attachment in attachments:
            msg.attach(_file_part(*attachment))
    return msg.as_bytes(policy=_WIRE)


def _text_part(text: str, subtype: str) -> MIMENonMultipart:
    """What ``MIMEText(text, subtype, "utf-8")`` makes, byte for byte, in a quarter of the time: the
    body is base64-encoded in one call instead of line by line through ``email.charset``."""
    part = MIMENonMultipart("text", subtype, charset="utf-8")
    part["Content-Transfer-Encoding"] = "base64"
    part.set_payload(base64.encodebytes(text.encode("utf-8")).decode("ascii"))
    return part


def _file_part(filename: str, content_type: str, data: bytes) -> MIMENonMultipart:
    maintype, _, subtype = content_type.partition("/")
    part = MIMENonMultipart(maintype, subtype or "octet-stream")
    part["Content-Transfer-Encoding"] = "base64"
    name: str | tuple[str, str, str] = filename if filename.isascii() else ("utf-8", "", filename)
    part.add_header("Content-Disposition", "attachment", filename=name)
    part.set_payload(base64.encodebytes(data).decode("ascii"))
    return part


class _WirePolicy(email.policy.Compat32):
    """compat32 with a shortcut for the common header: short, plain ASCII, nothing to fold or encode,
    which the stock policy still runs through the whole ``Header`` machinery (byte-identical output)."""

    def _fold(self, name: str, value: object, sanitize: bool) -> str:
        limit = self.max_line_length or 0
        if (
            isinstance(value, str)
            and value.isascii()
            and len(name) + len(value) + 2 <= limit
            and "\n" not in value
            and "\r" not in value
        ):
            return f"{name}: {value}{self.linesep}"
        folded: str = super()._fold(name, value, sanitize)  # type: ignore[misc]
        return folded


_WIRE = _WirePolicy(linesep="\r\n")
_ASCII_PREFIX = re.compile(r"^(\[[\x20-\x7e]*\]\s)")


def _subject(text: str) -> str | Header:
    """Encoded for the wire, but with a leading "[HB-2026-000123] " left readable as plain ASCII."""
    if text.isascii():
        return text
    header = Header()
    prefix = _ASCII_PREFIX.match(text)
    if prefix:
        header.append(prefix.group(1), "us-ascii")
        text = text[prefix.end() :]
    header.append(text, "utf-8")
    return header
