"""Rules for contact data coming from a CSV file: what a valid row is, and how it is normalised."""

from __future__ import annotations

import re
from dataclasses import dataclass

from inboxbot.core.addresses import normalize_address

LANGUAGE_ALIASES = {
    "ru": "ru",
    "rus": "ru",
    "kk": "kk",
    "kz": "kk",
    "kaz": "kk",
    "en": "en",
    "eng": "en",
    "": "",
}
_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
_PHONE_CHARS = re.compile(r"^\+?[\d ()\-.]+$")
MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 7, 15


class InvalidRow(ValueError):
    """A row that cannot be imported; the message says why, for the report."""


@dataclass(frozen=True)
class ContactRow:
    email: str
    name: str = ""
    phone: str = ""
    language: str = ""

    def as_values(self) -> dict[str, str]:
        return {"email": self.email, "name": self.name, "phone": self.phone, "language": self.language}


def contact_row(email: str, name: str = "", phone: str = "", language: str = "") -> ContactRow:
    """Validate and normalise one row; raises :class:`InvalidRow`."""
    raw_email = email.strip()
    if not raw_email:
        raise InvalidRow("e-mail is empty")
    address = normalize_address(raw_email)
    if not address or not _EMAIL_SHAPE.match(address):
        raise InvalidRow(f"invalid e-mail {raw_email[:80]!r}")
    return ContactRow(address, " ".join(name.split())[:255], _phone(phone), _language(language))


def _phone(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    digits = sum(ch.isdigit() for ch in value)
    if not _PHONE_CHARS.match(value) or not MIN_PHONE_DIGITS <= digits <= MAX_PHONE_DIGITS:
        raise InvalidRow(f"invalid phone {value[:40]!r}")
    return value


def _language(value: str) -> str:
    key = value.strip().lower()
    if key not in LANGUAGE_ALIASES:
        raise InvalidRow(f"unknown language {value[:20]!r} (use ru, kk or en)")
    return LANGUAGE_ALIASES[key]
