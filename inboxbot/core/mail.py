"""Parse the raw bytes of an inbound mail into a :class:`ParsedMail`, or say why it cannot be read.

Uses the standard library's ``email`` package with the modern policy. Headers and bodies are decoded
by :mod:`inboxbot.core.charsets`, HTML by :mod:`inboxbot.core.htmltext`, and the body is split into
new text, signature and quote by :mod:`inboxbot.core.quotes`.

What a mail client can read is read: a multipart whose boundary is missing, does not match the body,
or was cut at an unquoted ``=`` (Outlook Express writes ``boundary=----=_NextPart_...``, which the
modern policy truncates) is split again on the boundary it declares, read leniently, or on the
``--delimiter`` lines that open parts with their own headers; failing that, its body is read as text,
as Thunderbird and Outlook show it. A mail with nothing readable (over the size limits, only encoded
data, undecodable text) raises :class:`UnreadableMail` with a reason a person can act on; nothing
else escapes. :func:`parse_headers` still reads the header block of such a mail, so that robots are
recognised by their headers whatever their body holds.
"""

from __future__ import annotations

import email
import email.parser
import email.policy
import email.utils
import functools
import hashlib
import re
from collections.abc import Iterator, KeysView
from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage, Message

from inboxbot.core.addresses import normalize_address
from inboxbot.core.charsets import decode_bytes, decode_header, garbage_ratio
from inboxbot.core.htmltext import html_to_text
from inboxbot.core.multipart import is_unsplit, mend, text_problem, unsplit_reason
from inboxbot.core.quotes import ReplyParts, split_reply

_MSGID = re.compile(r"<[^<>\s]+>")
_BASE64_DEFECTS = frozenset(
    {"InvalidBase64CharactersDefect", "InvalidBase64PaddingDefect", "InvalidBase64LengthDefect"}
)
# Share of replacement characters above which decoded text is considered unreadable.
MAX_GARBAGE_RATIO = 0.2
# Broken multiparts split again per mail: each split parses its body once more, so a mail nesting
# hundreds of them must not cost hundreds of parses (the rest are read as text).
MAX_MENDED_PARTS = 8


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
    body_unreadable: str = ""  # why the body could not be read, when only the headers were (parse_headers)
    # (visible text, target) of the HTML body's links whose text itself reads as an address: what a
    # phishing mail disguises ("https://bank.kz" leading elsewhere)
    links: tuple[tuple[str, str], ...] = ()
    _header_index: dict[str, list[str]] = field(default_factory=dict, compare=False, repr=False)

    def header(self, name: str) -> str | None:
        """First value of header ``name`` (case-insensitive), decoded; None when absent."""
        values = self._header_index.get(name.lower())
        return values[0] if values else None

    def header_all(self, name: str) -> list[str]:
        return list(self._header_index.get(name.lower(), []))

    def header_names(self) -> KeysView[str]:
        """The names of the headers present, lower-cased."""
        return self._header_index.keys()

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


def parse_headers(raw: bytes, reason: str, limits: ParseLimits | None = None) -> ParsedMail:
    """Only the header block of ``raw``, for a mail whose body cannot be read (``reason``, kept as
    :attr:`ParsedMail.body_unreadable`): no text, and the top-level content type as its only part.

    Raises :class:`UnreadableMail` with ``reason`` when even the header block cannot be read.
    """
    limits = limits or ParseLimits()
    end = _header_end(raw, limits.max_header_bytes + 4)
    if (end < 0 and len(raw) > limits.max_header_bytes) or end > limits.max_header_bytes:
        raise UnreadableMail(reason)
    try:
        parser = email.parser.BytesParser(policy=POLICY)
        message = parser.parsebytes(raw if end < 0 else raw[:end], headersonly=True)
        kind = message.get_content_type()
        return _parsed(raw, message, "", (kind,), defects=_defects([message]), body_unreadable=reason)
    except Exception as exc:  # as in parse_mail: a header block can be hostile too
        raise UnreadableMail(reason) from exc


def walk_parts(message: Message, limits: ParseLimits | None = None) -> Iterator[Message]:
    """Every part of ``message``, depth first, as :meth:`Message.walk` gives them, but with each
    multipart whose boundary failed split again as a mail client would (:mod:`.multipart`)."""
    max_parts = (limits or ParseLimits()).max_parts
    stack = [message]
    count = mended = 0
    while stack:
        part = stack.pop()
        count += 1
        if count > max_parts:
            raise UnreadableMail(f"more than {max_parts} MIME parts")
        if part.defects and mended < MAX_MENDED_PARTS and is_unsplit(part):
            mended += mend(part, POLICY)
        yield part
        payload = part.get_payload() if part.is_multipart() else None
        if isinstance(payload, list):
            stack.extend(p for p in reversed(payload) if isinstance(p, Message))


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
    parts = list(walk_parts(message, limits))
    body_text, html_only = _body_text(message, limits)
    return _parsed(
        raw,
        message,
        body_text,
        tuple(part.get_content_type() for part in parts),
        attachments=tuple(_attachments(parts)),
        defects=_defects(parts),
        html_only=html_only,
        links=_address_links(message),
    )


def _parsed(
    raw: bytes,
    message: EmailMessage,
    text: str,
    content_types: tuple[str, ...],
    *,
    attachments: tuple[Attachment, ...] = (),
    defects: tuple[str, ...] = (),
    html_only: bool = False,
    body_unreadable: str = "",
    links: tuple[tuple[str, str], ...] = (),
) -> ParsedMail:
    headers = _decoded_headers(message)
    index: dict[str, list[str]] = {}
    for name, value in headers:
        index.setdefault(name, []).append(value)
    from_name, from_address = _first_address(index.get("from", []))
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
        text=text,
        reply=split_reply(text),
        content_types=content_types,
        attachments=attachments,
        defects=defects,
        html_only=html_only,
        return_path=_return_path(index.get("return-path", [])),
        body_unreadable=body_unreadable,
        links=links,
        _header_index=index,
    )


def _defects(parts: list[Message]) -> tuple[str, ...]:
    return tuple(sorted({type(d).__name__ for part in parts for d in part.defects}))


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


def _body_text(message: EmailMessage, limits: ParseLimits) -> tuple[str, bool]:
    """The text a person reads: the plain body, else the HTML one, else a multipart body that could
    not be split, shown as text. A body that cannot be decoded gives way to the next; when none can,
    :class:`UnreadableMail` says what was wrong with each."""
    plain, html, unsplit = _pick_text_parts(message)
    html_only = plain is None and html is not None
    problems: list[str] = []
    text: str | None = None
    for part in (plain, html) if plain is not None or html is not None else (unsplit,):
        if part is None:
            continue
        try:
            text = _read_body(part)
        except UnreadableMail as exc:
            problems.append(exc.reason)
            continue
        if text.strip():
            break
    if text is None and problems:
        raise UnreadableMail("; ".join(problems))
    return (text or "")[: limits.max_text_chars], html_only


_ANCHOR = re.compile(r"<a\s[^>]*?href\s*=\s*[\"']?([^\"'\s>]+)[^>]*>(.*?)</a\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_LOOKS_LIKE_ADDRESS = re.compile(r"^\s*(?:https?://)?(?:[\w-]+\.)+[a-z]{2,}\b", re.IGNORECASE)
_MAX_LINKS = 200


def _address_links(message: EmailMessage) -> tuple[tuple[str, str], ...]:
    """The HTML body's links whose visible text is itself an address or a URL (a cheap scan: anchors
    only, no second HTML parse)."""
    _, html, _ = _pick_text_parts(message)
    if html is None:
        return ()
    try:
        markup = _decode_text_part(html)
    except UnreadableMail:
        return ()
    found = []
    for match in _ANCHOR.finditer(markup):
        text = " ".join(_TAG.sub("", match.group(2)).split())
        if _LOOKS_LIKE_ADDRESS.match(text):
            found.append((text, match.group(1)))
        if len(found) >= _MAX_LINKS:
            break
    return tuple(found)


def _read_body(part: Message) -> str:
    kind = part.get_content_type()
    if kind == "text/html":
        return html_to_text(_decode_text_part(part))
    if kind == "text/plain":
        return _decode_text_part(part)
    return _read_unsplit(part)


def _read_unsplit(part: Message) -> str:
    """A multipart whose body could not be split into parts, shown as text, as a mail client shows it;
    refused, with what was wrong, when that text gives a person nothing to read."""
    try:
        text = _decode_text_part(part)
        problem = text_problem(text)
    except UnreadableMail:
        text, problem = "", "its body is not text in any known charset"
    if problem:
        raise UnreadableMail(f"{unsplit_reason(part)}, and {problem}")
    return text


def _pick_text_parts(message: EmailMessage) -> tuple[Message | None, Message | None, Message | None]:
    """The main plain-text and HTML bodies, ignoring attachments and forwarded messages, and the first
    multipart whose body could not be split into parts."""
    plain: Message | None = None
    html: Message | None = None
    unsplit: Message | None = None
    for part in _own_parts(message):
        if _is_attachment(part):
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and plain is None:
            plain = part
        elif kind == "text/html" and html is None:
            html = part
        elif unsplit is None and kind.startswith("multipart/"):
            unsplit = part
    return plain, html, unsplit


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
