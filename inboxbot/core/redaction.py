"""Finding an address wherever it is written, and taking it out: in text, in JSON values, in raw mail.

An address hides in many spellings: in any case, with its domain in Unicode or in IDNA, with ``@``
escaped as ``%40`` in a link, JSON-escaped in a stored document, and in a raw mail inside base64,
quoted-printable or RFC 2047 encoded words. :class:`Needles` knows the spellings of one address and
matches them only as a whole address (``vasel@example.kz`` does not contain ``asel@example.kz``).

:func:`scrub_mail` rewrites a raw mail without the address (headers, text parts, attachments that
carry it), then checks its own work: it returns None when the address is still to be found, and the
caller must then drop the raw mail whole.
"""

from __future__ import annotations

import email
import html
import json
import re
from collections.abc import Iterator, Sequence
from email import encoders, policy
from email.header import Header
from email.message import Message
from typing import Any

from inboxbot.core.charsets import decode_bytes, decode_header

MARKER = "[erased]"
# An address starts where no local-part character precedes it and ends where its domain cannot go on.
_BEFORE = r"(?<![\w.+'%-])"
_AFTER = r"(?![\w-]|\.[\w])"


def spellings(address: str) -> list[str]:
    """The forms ``address`` (normalised) may be written in: as is, its domain in Unicode, ``%40``."""
    forms = [address]
    local, _, domain = address.rpartition("@")
    try:
        unicode_domain = domain.encode("ascii").decode("idna")
    except UnicodeError:
        unicode_domain = domain
    if unicode_domain != domain:
        forms.append(f"{local}@{unicode_domain}")
    forms += [form.replace("@", "%40") for form in forms]
    return forms


class Needles:
    """What to look for: the spellings of an address (matched as whole addresses) and, optionally,
    other words that belong to the person (a name, a subject), matched anywhere, case-insensitively."""

    def __init__(self, address: str, words: Sequence[str] = ()) -> None:
        self.address = address
        self.forms = spellings(address)
        patterns = [f"{_BEFORE}{re.escape(form)}{_AFTER}" for form in self.forms]
        patterns += [re.escape(word) for word in sorted(set(words), key=len, reverse=True) if word]
        self._pattern = re.compile("|".join(patterns), re.IGNORECASE)
        # A cheap first look: no match without one of these in the lower-cased text.
        self._keys = {address.rpartition("@")[0].lower()} | {word.lower() for word in words if word}

    def with_words(self, words: Sequence[str]) -> Needles:
        return Needles(self.address, words)

    def sql_terms(self) -> list[str]:
        """Lower-case substrings for a first, coarse ``LIKE`` in the database (JSON-escaped too)."""
        terms = {form.lower() for form in self.forms}
        terms |= {json.dumps(term)[1:-1] for term in terms}
        return sorted(terms)

    def found(self, text: str) -> bool:
        return self._may_be_in(text) and self._pattern.search(text) is not None

    def scrub(self, text: str) -> str:
        return self._pattern.sub(MARKER, text) if self._may_be_in(text) else text

    def _may_be_in(self, text: str) -> bool:
        lowered = text.lower()
        return any(key in lowered for key in self._keys)

    def is_exactly(self, text: str) -> bool:
        return text.strip().casefold() in {form.casefold() for form in self.forms}


def scrub_value(value: Any, needles: Needles) -> Any:
    """A JSON-like value with every mention replaced by the marker (keys included)."""
    if isinstance(value, str):
        return needles.scrub(value)
    if isinstance(value, list):
        return [scrub_value(item, needles) for item in value]
    if isinstance(value, dict):
        return {needles.scrub(str(k)): scrub_value(v, needles) for k, v in value.items()}
    return value


# -- raw mail -------------------------------------------------------------------------------------


def mentions(raw: bytes, needles: Needles) -> bool:
    """Whether the mail names the person anywhere: in clear, or once its encodings are undone."""
    if needles.found(raw.decode("utf-8", "replace")):
        return True
    return any(needles.found(text) for text in _decoded_texts(_parse(raw)))


def _parse(raw: bytes) -> Message:
    return email.message_from_bytes(raw, policy=policy.compat32)


def _decoded_texts(message: Message) -> Iterator[str]:
    for part in message.walk():
        for _name, value in part.items():
            yield decode_header(str(value))
        filename = part.get_filename()
        if filename:
            yield filename
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            text = decode_bytes(payload, part.get_content_charset())
            yield html.unescape(text) if part.get_content_subtype() == "html" else text


def scrub_mail(raw: bytes, needles: Needles) -> bytes | None:
    """The mail rewritten without the person; None when that cannot be done with certainty."""
    try:
        message = _parse(raw)
        for part in message.walk():
            _scrub_headers(part, needles)
            if part.is_multipart():
                part.preamble = needles.scrub(part.preamble) if part.preamble else part.preamble
                part.epilogue = needles.scrub(part.epilogue) if part.epilogue else part.epilogue
            else:
                _scrub_payload(part, needles)
        linesep = "\r\n" if b"\r\n" in raw[:4096] else "\n"
        out = message.as_bytes(policy=policy.compat32.clone(linesep=linesep))
    except (ValueError, LookupError, TypeError, UnicodeError):
        return None
    return None if mentions(out, needles) else out


def _scrub_headers(part: Message, needles: Needles) -> None:
    items = part.items()
    if not any(needles.found(decode_header(str(value))) for _name, value in items):
        return
    for name in dict.fromkeys(name.lower() for name, _value in items):
        del part[name]
    for name, value in items:
        text = decode_header(str(value))
        if not needles.found(text):
            part[name] = value
            continue
        scrubbed = needles.scrub(text)
        part[name] = scrubbed if scrubbed.isascii() else Header(scrubbed, "utf-8")  # type: ignore[assignment]


def _scrub_payload(part: Message, needles: Needles) -> None:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return
    charset = part.get_content_charset() or "utf-8"
    text = decode_bytes(payload, charset)
    if not needles.found(html.unescape(text) if part.get_content_subtype() == "html" else text):
        return
    if part.get_content_maintype() == "text":
        data = needles.scrub(text).encode("utf-8")
        part.set_param("charset", "utf-8")
    else:  # an attachment that names the person goes as a whole
        data = MARKER.encode("ascii")
    del part["Content-Transfer-Encoding"]
    part.set_payload(data)
    encoders.encode_base64(part)
