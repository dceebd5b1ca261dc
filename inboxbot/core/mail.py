"""Parse the raw bytes of an inbound mail into a :class:`ParsedMail`, or say why it cannot be read.

Uses the standard library's ``email`` package with the modern policy. Headers and bodies are decoded
by :mod:`inboxbot.core.charsets`, HTML by :mod:`inboxbot.core.htmltext`, and the body is split into
new text, signature and quote by :mod:`inboxbot.core.quotes`. A mail that cannot be trusted (over the
size limits, MIME structure lost, undecodable text) raises :class:`UnreadableMail` with a reason a
person can act on; nothing else escapes.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import functools
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage, Message

from inboxbot.core.addresses import normalize_address
from inboxbot.core.charsets import decode_bytes, decode_header, garbage_ratio
from inboxbot.core.htmltext import html_to_text
from inboxbot.core.quotes import ReplyParts, split_reply

_MSGID = re.compile(r"<[^<>\s]+>")
_FATAL_STRUCTURE_DEFECTS = frozenset({"StartBoundaryNotFoundDefect", "NoBoundaryInMultipartDefect"})
_BASE64_DEFECTS = frozenset(
    {"InvalidBase64CharactersDefect", "InvalidBase64PaddingDefect", "InvalidBase64LengthDefect"}
)
# Share of replacement characters above which decoded text is considered unreadable.
MAX_GARBAGE_RATIO = 0.2


class _CachingHeaderRegistry(HeaderRegistry):
    """The modern policy's header parsing, memoised: the same Content-Type values recur in every mail,
    and parsing them again on each access is most of the cost of reading a mail."""

    @functools.lru_cache(maxsize=8192)  # noqa: B019  (one registry lives for the whole process)
    def __call__(self, name: str, value: str) -> BaseHeader:
        return super().__call__(name, value)


POLICY = email.policy.default.clone(header_factory=_CachingHeaderRegistry())


class UnreadableMail(Exception):
    """The mail cannot be handled automatically; ``reason`` says why (for the log and quarantine)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ParseLimits:
    max_message_bytes: int = 25 * 1024 * 1024
    max_header_bytes: int = 256 * 1024
    max_parts: int = 500
    max_text_chars: int = 200_000


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True)
class ParsedMail:
    """What inboxbot needs to know about one inbound mail; no raw bytes, no MIME objects."""

    digest: str
    size: int
    message_id: str | None
    subject: str
    from_name: str
    from_address: str
    to: tuple[str, ...]
    date: datetime | None
    in_reply_to: str | None
    references: tuple[str, ...]
    headers: tuple[tuple[str, str], ...]
    text: str
    reply: ReplyParts
    content_types: tuple[str, ...]
    attachments: tuple[Attachment, ...] = ()
    defects: tuple[str, ...] = ()
    html_only: bool = False
    return_path: str | None = None
    _header_index: dict[str, list[str]] = field(default_factory=dict, compare=False, repr=False)

    def header(self, name: str) -> str | None:
        """First value of header ``name`` (case-insensitive), decoded; None when absent."""
        values = self._header_index.get(name.lower())
        return values[0] if values else None

    def header_all(self, name: str) -> list[str]:
        return list(self._header_index.get(name.lower(), []))

    @property
    def new_text(self) -> str:
        return self.reply.new

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """Message-IDs this mail answers: In-Reply-To first, then References newest first."""
        ids = [self.in_reply_to] if self.in_reply_to else []
        ids.extend(ref for ref in reversed(self.references) if ref not in ids)
        return tuple(ids)


def digest_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def parse_mail(raw: bytes, limits: ParseLimits | None = None) -> ParsedMail:
    """Parse ``raw`` (RFC 5322 bytes). Raises :class:`UnreadableMail`; never anything else."""
    limits = limits or ParseLimits()
    _check_sizes(raw, limits)
    try:
        message = email.message_from_bytes(raw, policy=POLICY)
        return _build(raw, message, limits)
    except UnreadableMail:
        raise
    except Exception as exc:  # the email package can raise almost anything on hostile input
        raise UnreadableMail(f"MIME structure could not be parsed ({type(exc).__name__})") from exc


def _check_sizes(raw: bytes, limits: ParseLimits) -> None:
    if len(raw) > limits.max_message_bytes:
        raise UnreadableMail(f"message of {len(raw)} bytes exceeds the {limits.max_message_bytes}-byte limit")
    end = _header_end(raw, limits.max_header_bytes + 4)
    if end < 0 or end > limits.max_header_bytes:
        size = "more than " + str(limits.max_header_bytes) if end < 0 else str(end)
        if end < 0 and len(raw) <= limits.max_header_bytes:
            return  # a mail that is all headers and no body is fine
        raise UnreadableMail(
            f"header section of {size} bytes exceeds the {limits.max_header_bytes}-byte limit"
        )


def _header_end(raw: bytes, window: int) -> int:
    head = raw[:window]
    positions = [p for p in (head.find(b"\r\n\r\n"), head.find(b"\n\n")) if p >= 0]
    return min(positions) if positions else -1


def _build(raw: bytes, message: EmailMessage, limits: ParseLimits) -> ParsedMail:
    parts = list(_walk(message, limits))
    defects = tuple(sorted({type(d).__name__ for part in parts for d in part.defects}))
    headers = _decoded_headers(message)
    index: dict[str, list[str]] = {}
    for name, value in headers:
        index.setdefault(name, []).append(value)
    from_name, from_address = _first_address(index.get("from", []))
    body_text, html_only = _body_text(message, parts, defects, limits)
    return ParsedMail(
        digest=digest_of(raw),
        size=len(raw),
        message_id=_first_msgid(index.get("message-id", [])),
        subject=(index.get("subject") or [""])[0],
        from_name=from_name,
        from_address=from_address,
        to=tuple(addr for _, addr in _addresses(index.get("to", []) + index.get("cc", [])) if addr),
        date=_parse_date((index.get("date") or [""])[0]),
        in_reply_to=_first_msgid(index.get("in-reply-to", [])),
        references=tuple(_MSGID.findall(" ".join(index.get("references", [])))),
        headers=tuple(headers),
        text=body_text,
        reply=split_reply(body_text),
        content_types=tuple(part.get_content_type() for part in parts),
        attachments=tuple(_attachments(parts)),
        defects=defects,
        html_only=html_only,
        return_path=_return_path(index.get("return-path", [])),
        _header_index=index,
    )


def _walk(message: Message, limits: ParseLimits) -> Iterator[Message]:
    for count, part in enumerate(message.walk(), start=1):
        if count > limits.max_parts:
            raise UnreadableMail(f"more than {limits.max_parts} MIME parts")
        yield part


def _decoded_headers(message: EmailMessage) -> list[tuple[str, str]]:
    return [(name.lower(), decode_header(str(value))) for name, value in message.raw_items()]


def _addresses(values: list[str]) -> list[tuple[str, str]]:
    pairs = email.utils.getaddresses(values)
    return [(name.strip(), normalize_address(addr)) for name, addr in pairs]


def _first_address(values: list[str]) -> tuple[str, str]:
    for name, address in _addresses(values[:1]):
        if address:
            return name, address
    return "", ""


def _first_msgid(values: list[str]) -> str | None:
    for value in values:
        found = _MSGID.search(value)
        if found:
            return found.group(0)
        cleaned = value.strip()
        if cleaned and " " not in cleaned:
            return f"<{cleaned.strip('<>')}>"
    return None


def _return_path(values: list[str]) -> str | None:
    if not values:
        return None
    value = values[-1].strip()
    if value in {"<>", ""}:
        return ""
    return normalize_address(value) or value


def _parse_date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _is_attachment(part: Message) -> bool:
    if part.is_multipart():
        return False
    disposition = (part.get_content_disposition() or "").lower()
    if disposition == "attachment":
        return True
    return bool(part.get_filename()) and part.get_content_maintype() != "text"


def _attachments(parts: list[Message]) -> Iterator[Attachment]:
    for part in parts:
        if not _is_attachment(part) and part.get_content_type() != "message/rfc822":
            continue
        payload = part.get_payload(decode=True)
        size = len(payload) if isinstance(payload, bytes) else len(str(part.get_payload()))
        filename = decode_header(part.get_filename() or "")
        yield Attachment(filename=filename, content_type=part.get_content_type(), size=size)


def _body_text(
    message: EmailMessage, parts: list[Message], defects: tuple[str, ...], limits: ParseLimits
) -> tuple[str, bool]:
    if _FATAL_STRUCTURE_DEFECTS & set(defects) and not any(
        p.get_content_maintype() == "text" for p in parts if p is not message
    ):
        raise UnreadableMail("broken MIME boundaries: the multipart body has no readable parts")
    plain, html = _pick_text_parts(message, parts)
    html_only = plain is None and html is not None
    if plain is not None:
        text = _decode_text_part(plain)
        if not text.strip() and html is not None:
            text = html_to_text(_decode_text_part(html))
    elif html is not None:
        text = html_to_text(_decode_text_part(html))
    else:
        text = ""
    return text[: limits.max_text_chars], html_only


def _pick_text_parts(message: EmailMessage, parts: list[Message]) -> tuple[Message | None, Message | None]:
    """The main plain-text and HTML bodies, ignoring attachments and forwarded messages."""
    plain: Message | None = None
    html: Message | None = None
    for part in _own_parts(message):
        if _is_attachment(part):
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and plain is None:
            plain = part
        elif kind == "text/html" and html is None:
            html = part
    return plain, html


def _own_parts(message: Message) -> Iterator[Message]:
    """Leaf parts of the mail itself, not descending into attached or forwarded messages."""
    stack = [message]
    while stack:
        part = stack.pop()
        if part.get_content_type() == "message/rfc822" or part.get_content_maintype() == "message":
            continue
        if part.is_multipart():
            payload = part.get_payload()
            if isinstance(payload, list):
                stack.extend(p for p in reversed(payload) if isinstance(p, Message))
            continue
        yield part


def _decode_text_part(part: Message) -> str:
    payload = part.get_payload(decode=True)  # records base64 defects on the part as it decodes
    data = payload if isinstance(payload, bytes) else b""
    if {type(d).__name__ for d in part.defects} & _BASE64_DEFECTS:
        raise UnreadableMail(f"undecodable base64 in the {part.get_content_type()} body")
    text = decode_bytes(data, part.get_content_charset())
    if garbage_ratio(text) > MAX_GARBAGE_RATIO:
        raise UnreadableMail(f"the {part.get_content_type()} body is not text in any known charset")
    return text.replace("\r\n", "\n").replace("\r", "\n")
