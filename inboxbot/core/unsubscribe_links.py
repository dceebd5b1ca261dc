"""One-click unsubscribe links (RFC 8058): a token that names an address and proves we made it.

There is no table of tokens: the token carries the address (and optionally the segment it was mailed
for) in readable form, followed by a truncated HMAC-SHA256 of it under a key only the environment holds
(``INBOXBOT_LINKS__KEY``)::

    base64url("asel@example.kz|Новости") + "." + base64url(HMAC-SHA256(key, label + payload)[:16])

Anyone can read the address out of a token (it is the recipient's own address, in a mail sent to it);
nobody without the key can make one for another address, or change a token's address or segment. The
MAC is 128 bits (``MAC_BYTES``), checked with :func:`hmac.compare_digest`. Key rotation: tokens made
with one of ``previous`` keys keep working until the end of ``previous_valid_until`` (a UTC date), then
stop. Pure: no I/O; the date to check rotation against is a parameter.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import date

from inboxbot.core.addresses import normalize_address

MIN_KEY_CHARS = 32
MAC_BYTES = 16  # 128 bits: forging one is out of reach, and the token stays short enough for a subject
LABEL = b"inboxbot one-click unsubscribe v1\x00"  # this key's MACs mean nothing anywhere else
SEPARATOR = "|"  # between the address and the segment; a domain never holds one
POST_BODY = "List-Unsubscribe=One-Click"  # RFC 8058 section 3.1: the one body a one-click POST carries
SUBJECT_PREFIX = "unsubscribe-"
_TOKEN = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}")
_SUBJECT = re.compile(
    r"^\s*(?:(?:re|fw|fwd|aw|wg|sv|ha|на|ответ)\s*(?:\[\d+\])?\s*:\s*)*"
    + re.escape(SUBJECT_PREFIX)
    + r"(?P<token>[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22})\s*$",
    re.IGNORECASE,
)


class LinkKeyError(ValueError):
    """No usable key: links cannot be made (or checked) without one."""


@dataclass(frozen=True)
class LinkTarget:
    """Who a valid token unsubscribes: the normalised address, and the segment it was made for."""

    address: str
    segment: str | None = None


@dataclass(frozen=True)
class LinkKeys:
    """The current key (makes and checks tokens) and the previous ones (check only, for a while)."""

    key: str = field(repr=False)
    previous: tuple[str, ...] = field(default=(), repr=False)
    previous_valid_until: date | None = None

    def __post_init__(self) -> None:
        if not self.key:
            raise LinkKeyError(
                f"links.key is not set: export INBOXBOT_LINKS__KEY ({MIN_KEY_CHARS}+ characters)"
            )
        for name, value in (("links.key", self.key), *(("links.previous_keys", k) for k in self.previous)):
            if len(value) < MIN_KEY_CHARS:
                raise LinkKeyError(f"{name}: a key of {MIN_KEY_CHARS} characters at least is needed")

    def make(self, address: str, segment: str | None = None) -> str:
        """The token for ``address`` (and ``segment``); ValueError when it is not one address."""
        normal = normalize_address(address)
        if not normal:
            raise ValueError(f"not an e-mail address: {address!r}")
        if segment is not None and (not segment or "\n" in segment or "\r" in segment):
            raise ValueError("a segment name must be one non-empty line")
        payload = normal + (SEPARATOR + segment if segment else "")
        data = payload.encode("utf-8")
        return f"{_b64(data)}.{_b64(_mac(self.key, data))}"

    def read(self, token: str, today: date) -> LinkTarget | None:
        """Who ``token`` unsubscribes, or None when it is not one of ours (forged, altered, made with
        a key retired before ``today``, or not a token at all)."""
        if not _TOKEN.fullmatch(token or ""):
            return None
        payload_part, mac_part = token.split(".")
        data, mac = _unb64(payload_part), _unb64(mac_part)
        if data is None or mac is None or len(mac) != MAC_BYTES:
            return None
        if not any(hmac.compare_digest(mac, _mac(key, data)) for key in self._checking(today)):
            return None
        return _target(data)

    def _checking(self, today: date) -> tuple[str, ...]:
        still = self.previous_valid_until is not None and today <= self.previous_valid_until
        return (self.key, *self.previous) if still else (self.key,)


def link_keys(key: str, previous: str = "", previous_valid_until: date | None = None) -> LinkKeys:
    """The keys from the settings' strings (``previous``: comma-separated); :class:`LinkKeyError`
    without a current key or with a key too short."""
    old = tuple(k.strip() for k in previous.split(",") if k.strip())
    return LinkKeys(key, old, previous_valid_until)


def unsubscribe_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/u/{token}"


def mailto_subject(token: str) -> str:
    return f"{SUBJECT_PREFIX}{token}"


def header_lines(base_url: str, mailbox: str, token: str) -> tuple[str, str]:
    """``List-Unsubscribe`` (the HTTPS link first, then the mailto form) and ``List-Unsubscribe-Post``."""
    https = unsubscribe_url(base_url, token)
    mailto = f"mailto:{mailbox}?subject={mailto_subject(token)}"
    return f"List-Unsubscribe: <{https}>, <{mailto}>", f"List-Unsubscribe-Post: {POST_BODY}"


def token_in_subject(subject: str) -> str | None:
    """The token of a mailto unsubscribe (``unsubscribe-TOKEN``, perhaps after "Re:"), or None."""
    found = _SUBJECT.match(subject or "")
    return found.group("token") if found else None


def _mac(key: str, data: bytes) -> bytes:
    return hmac.new(key.encode("utf-8"), LABEL + data, hashlib.sha256).digest()[:MAC_BYTES]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes | None:
    """The bytes of canonical unpadded base64url only: another spelling of the same bytes is refused."""
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
    return data if _b64(data) == text else None


def _target(data: bytes) -> LinkTarget | None:
    try:
        payload = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    local, at, rest = payload.partition("@")
    domain, _, segment = rest.partition(SEPARATOR)
    address = normalize_address(f"{local}{at}{domain}")
    if not address:
        return None
    return LinkTarget(address, segment or None)
