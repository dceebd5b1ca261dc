"""Feedback-loop complaint reports: whose complaint it is, so that the address can be suppressed.

A mailbox provider that runs a feedback loop (Yahoo CFL, Mail.ru FBL, Microsoft JMRP, AOL) tells the
sender each time a recipient marks its mail as spam, in the Abuse Reporting Format (ARF, RFC 5965): a
``multipart/report; report-type=feedback-report`` mail holding a human-readable part, a
``message/feedback-report`` part (``Feedback-Type``, ``User-Agent``, sometimes ``Original-Rcpt-To``)
and the original message (``message/rfc822``) or its header (``text/rfc822-headers``). Microsoft
names the recipient in ``X-HmXmrOriginalRecipient``, on the original or, in its older format that
forwards the original as it is, on the report itself. Providers often redact the recipient's ``To``;
the original's ``List-Unsubscribe`` then still identifies the recipient on our own mailings.

:func:`complaint_recipient` reads the raw bytes (the stored raw mail), so it also works on a report
whose body the intake could not read; a broken multipart is mended as :mod:`.mail` mends it.
:func:`sent_from` tells whether the original came from our own domains, and :func:`unsubscribe_tokens`
reads the tokens of our own unsubscribe links from its ``List-Unsubscribe``: a complaint counts only
about our own mail.
"""

from __future__ import annotations

import email
import email.parser
import re
import urllib.parse
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.message import Message
from email.utils import getaddresses

from inboxbot.core.addresses import normalize_address
from inboxbot.core.charsets import decode_header
from inboxbot.core.mail import POLICY, walk_parts

_REPORT_PART = "message/feedback-report"
_ORIGINAL_PARTS = ("message/rfc822", "text/rfc822-headers")
_MICROSOFT_RECIPIENT = "X-HmXmrOriginalRecipient"
_SENDER_HEADERS = ("From", "Sender", "Return-Path")
_LINK = re.compile(r"<([^<>]*)>")
_URL_TOKEN = re.compile(r"/u/([A-Za-z0-9_.~=-]+)/?$")
_MAILTO_TOKEN = re.compile(r"^unsubscribe[-+]([A-Za-z0-9_.~=-]+)$", re.IGNORECASE)


@dataclass(frozen=True)
class ComplaintRecipient:
    """Who complained, as far as the report says."""

    address: str  # normalised; "" when the provider redacted it
    list_unsubscribe: str  # the original's List-Unsubscribe, "" when absent
    feedback_type: str  # "abuse", "fraud", "virus", "not-spam", ... ("abuse" when unsaid)
    reporter: str  # the report's User-Agent, e.g. "Yahoo!-Mail-Feedback/2.0"; "" when unsaid
    senders: tuple[str, ...] = ()  # who sent the original: its From, Sender, Return-Path, Original-Mail-From


def complaint_recipient(raw: bytes) -> ComplaintRecipient | None:
    """The recipient a complaint report in ``raw`` is about; None when ``raw`` is no complaint report.

    The address comes from the report's ``Original-Rcpt-To``, else Microsoft's
    ``X-HmXmrOriginalRecipient``, else the original message's ``To``; a redacted one is left empty.
    Never raises on bad input.
    """
    try:
        message = email.message_from_bytes(raw, policy=POLICY)
        parts = list(walk_parts(message))
    except Exception:  # hostile input (UnreadableMail among others): no report can be read from it
        return None
    report = _report_fields(parts)
    original = _original_headers(parts)
    if report is None and not _is_complaint(message, original):
        return None
    fields = report or Message()
    # JMRP's older format forwards the original as it is: then the report is the original.
    sent = original if original is not None else (message if report is None else None)
    address = (
        _address(fields.get("Original-Rcpt-To"))
        or _address(message.get(_MICROSOFT_RECIPIENT))
        or _address(original.get(_MICROSOFT_RECIPIENT) if original else None)
        or _address(original.get("To") if original else None)
    )
    return ComplaintRecipient(
        address=address,
        list_unsubscribe=_text((original or message).get("List-Unsubscribe")),
        feedback_type=_text(fields.get("Feedback-Type")).lower() or "abuse",
        reporter=_text(fields.get("User-Agent")),
        senders=_senders([fields.get("Original-Mail-From"), *(sent.get(h) for h in _SENDER_HEADERS if sent)]),
    )


def sent_from(complaint: ComplaintRecipient, domains: Iterable[str]) -> bool:
    """Whether the original says it came from one of ``domains`` (or a subdomain: news.1texno.kz is
    1texno.kz's). Only what the report says: a forged report can say anything."""
    own = {domain.strip().lower().lstrip("@") for domain in domains if domain.strip()}
    for sender in complaint.senders:
        domain = sender.rsplit("@", 1)[-1]
        if any(domain == d or domain.endswith(f".{d}") for d in own):
            return True
    return False


def unsubscribe_tokens(list_unsubscribe: str) -> tuple[str, ...]:
    """The tokens of the unsubscribe links in a ``List-Unsubscribe`` value, in order, each once:
    ``<https://host/u/TOKEN>``, ``<mailto:x@host?subject=unsubscribe-TOKEN>`` or
    ``<mailto:unsubscribe+TOKEN@host>``. Whether a token is ours is for its verifier to say."""
    found: list[str] = []
    for link in _LINK.findall(list_unsubscribe):
        token = _link_token(link.strip())
        if token and token not in found:
            found.append(token)
    return tuple(found)


def _link_token(link: str) -> str:
    parsed = urllib.parse.urlsplit(link)
    scheme = parsed.scheme.lower()
    if scheme in ("http", "https"):
        match = _URL_TOKEN.search(urllib.parse.unquote(parsed.path))
        return match.group(1) if match else ""
    if scheme != "mailto":
        return ""
    for subject in urllib.parse.parse_qs(parsed.query).get("subject", []):
        match = _MAILTO_TOKEN.match(subject.strip())
        if match:
            return match.group(1)
    match = _MAILTO_TOKEN.match(urllib.parse.unquote(parsed.path).split("@", 1)[0])
    return match.group(1) if match else ""


def _senders(values: Iterable[object]) -> tuple[str, ...]:
    found: list[str] = []
    for value in values:
        address = _address(value)
        if address and address not in found:
            found.append(address)
    return tuple(found)


def _is_complaint(message: Message, original: Message | None) -> bool:
    """No ``message/feedback-report`` part, but the report type or Microsoft's header says so."""
    if message.get_content_type() == "multipart/report":
        return str(message.get_param("report-type", "")).lower() == "feedback-report"
    return message.get(_MICROSOFT_RECIPIENT) is not None or (
        original is not None and original.get(_MICROSOFT_RECIPIENT) is not None
    )


def _report_fields(parts: list[Message]) -> Message | None:
    """The fields of the ``message/feedback-report`` part (the parser reads them as a header block)."""
    for part in parts:
        if part.get_content_type() != _REPORT_PART:
            continue
        payload = part.get_payload()
        if isinstance(payload, list) and payload and isinstance(payload[0], Message):
            return payload[0]
        if isinstance(payload, str):
            return _header_block(payload)
    return None


def _original_headers(parts: list[Message]) -> Message | None:
    """The header of the original message the report carries, when it carries one."""
    for part in _originals(parts):
        payload = part.get_payload()
        if isinstance(payload, list) and payload and isinstance(payload[0], Message):
            return payload[0]
        if isinstance(payload, str):
            return _header_block(payload)
    return None


def _originals(parts: list[Message]) -> Iterator[Message]:
    return (part for part in parts[1:] if part.get_content_type() in _ORIGINAL_PARTS)


def _header_block(text: str) -> Message:
    return email.parser.HeaderParser(policy=POLICY).parsestr(text.lstrip("\r\n"))


def _address(value: object) -> str:
    """The first address of a header value, normalised; "" when absent, invalid or redacted."""
    if value is None:
        return ""
    for _, address in getaddresses([_text(value)]):
        normalised = normalize_address(address)
        if normalised and "redacted" not in normalised.split("@", 1)[0]:
            return normalised
    return ""


def _text(value: object) -> str:
    return decode_header(str(value)).strip() if value is not None else ""
