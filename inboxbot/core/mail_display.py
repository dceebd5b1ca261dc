"""What a person is shown of a stored mail: its text split into new and quoted parts, its HTML made
harmless, and its attachments, which are only ever offered for download.

The HTML goes through nh3 (ammonia) with an allow-list: no script, no event handler, no ``style``
(so no CSS tricks), links only to http(s) and mailto, and every image dropped, remote or embedded, so
that opening a mail tells its sender nothing. The console's Content-Security-Policy is the second wall.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage, Message

import nh3

from inboxbot.core.charsets import decode_header
from inboxbot.core.mail import ParsedMail, UnreadableMail, parse_mail

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "div", "dl", "dt", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "q", "s", "small", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
_IMAGE = re.compile(r"<img\b", re.IGNORECASE)


@dataclass(frozen=True)
class AttachmentInfo:
    index: int  # its place among the mail's attachments, for the download link
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True)
class MailDisplay:
    new_text: str
    signature: str
    quoted_text: str
    html: str | None  # sanitised; None when the mail had no HTML part
    images_blocked: int
    attachments: tuple[AttachmentInfo, ...]
    unreadable: str | None = None  # why the text could not be shown


def display(raw: bytes) -> MailDisplay:
    """The parts of a mail a person reads; a broken mail gives its reason, never an exception."""
    try:
        parsed = parse_mail(raw)
    except UnreadableMail as exc:
        return MailDisplay("", "", "", None, 0, (), unreadable=str(exc))
    message = _message(raw)
    markup = _html_part(message)
    return MailDisplay(
        new_text=parsed.reply.new,
        signature=parsed.reply.signature,
        quoted_text=parsed.reply.quoted,
        html=sanitize(markup) if markup is not None else None,
        images_blocked=len(_IMAGE.findall(markup or "")),
        attachments=tuple(_attachment_infos(message, parsed)),
    )


def sanitize(markup: str) -> str:
    return nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def attachment(raw: bytes, index: int) -> tuple[str, bytes] | None:
    """The file name and bytes of attachment ``index`` (as listed by :func:`display`), or None."""
    parts = list(_attachment_parts(_message(raw)))
    if not 0 <= index < len(parts):
        return None
    part = parts[index]
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else str(part.get_payload()).encode()
    return _filename(part, index), data


def _message(raw: bytes) -> EmailMessage:
    message = message_from_bytes(raw, policy=policy.compat32)
    assert isinstance(message, Message)
    return message  # type: ignore[return-value]


def _html_part(message: Message) -> str | None:
    for part in message.walk():
        if part.get_content_type() == "text/html" and part.get_content_disposition() != "attachment":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                charset = part.get_content_charset() or "utf-8"
                try:
                    return payload.decode(charset, errors="replace")
                except LookupError:
                    return payload.decode("utf-8", errors="replace")
    return None


def _attachment_parts(message: Message) -> list[Message]:
    return [
        part
        for part in message.walk()
        if not part.is_multipart()
        and (
            part.get_content_disposition() == "attachment"
            or (part.get_filename() and part.get_content_maintype() != "text")
        )
    ]


def _attachment_infos(message: Message, parsed: ParsedMail) -> list[AttachmentInfo]:
    infos = []
    for index, part in enumerate(_attachment_parts(message)):
        payload = part.get_payload(decode=True)
        size = len(payload) if isinstance(payload, bytes) else 0
        infos.append(AttachmentInfo(index, _filename(part, index), part.get_content_type(), size))
    return infos


def _filename(part: Message, index: int) -> str:
    name = decode_header(part.get_filename() or "").strip()
    name = re.sub(r"[\x00-\x1f/\\]+", "_", name)  # no path, no control characters
    return name or f"attachment-{index + 1}"
