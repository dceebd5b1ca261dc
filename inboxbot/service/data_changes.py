"""A verified change of personal data, applied to the contact record, with old -> new audited.

The proposal is what :mod:`inboxbot.core.changes` read from the client's text, as staff may have edited
it: ``first_name``, ``surname``, ``email``, ``phone`` (E.164), ``address``, ``language``, ``bin_iin``.
The name columns and the details are kept apart (``contact.name`` is the whole name as lists show it).
A new e-mail address moves the contact, and a suppressed address stays suppressed at its new one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from inboxbot.adapters.db.models import Contact, Suppression, Ticket
from inboxbot.adapters.db.store import Tx
from inboxbot.core.addresses import normalize_address
from inboxbot.core.changes import FIELDS, bin_iin_valid
from inboxbot.service.staff import Refused

DETAILS = ("first_name", "surname", "address", "bin_iin")
LANGUAGES = ("ru", "kk", "en")


@dataclass(frozen=True)
class AppliedChange:
    field: str
    old: str | None
    new: str


def current_fields(contact: Contact | None) -> dict[str, str | None]:
    """The contact record as the proposal's fields (None where nothing is held)."""
    if contact is None:
        return dict.fromkeys(FIELDS)
    first, _, rest = contact.name.partition(" ")
    return {
        "first_name": contact.details.get("first_name") or first or None,
        "surname": contact.details.get("surname") or rest or None,
        "email": contact.email,
        "phone": contact.phone or None,
        "address": contact.details.get("address"),
        "language": contact.language or None,
        "bin_iin": contact.details.get("bin_iin"),
    }


def check_proposal(proposal: Mapping[str, str]) -> dict[str, str]:
    """A proposal fit to apply: known fields, normalised values; Refused with the field named otherwise."""
    clean: dict[str, str] = {}
    for field, value in proposal.items():
        if field not in FIELDS:
            raise Refused(f"unknown field {field!r}; one of {', '.join(FIELDS)}")
        text = " ".join(str(value).split())
        if not text:
            continue
        clean[field] = _checked(field, text)
    return clean


def _checked(field: str, value: str) -> str:
    if field == "email":
        address = normalize_address(value)
        if address.count("@") != 1:
            raise Refused(f"email: {value!r} is not an e-mail address")
        return address
    if field == "language" and value not in LANGUAGES:
        raise Refused(f"language: one of {', '.join(LANGUAGES)}")
    if field == "bin_iin" and not bin_iin_valid(value):
        raise Refused(f"bin_iin: {value!r} fails the BIN/IIN checksum")
    if field == "phone" and not value.startswith("+"):
        raise Refused("phone: give it in E.164 form, e.g. +77011234567")
    return value


def apply_change(
    tx: Tx, ticket: Ticket, address: str, proposal: Mapping[str, str], *, actor: str, now: datetime
) -> list[AppliedChange]:
    """Write the proposal into the contact of ``address`` (created when none is held); returns what
    changed. Each change is a ``contact_event`` with old and new."""
    wanted = check_proposal(proposal)
    contact = tx.contacts.contact(address)
    before = current_fields(contact)
    changes = [AppliedChange(f, before.get(f), v) for f, v in wanted.items() if before.get(f) != v]
    if not changes:
        return []
    if contact is None:
        contact = Contact(email=address, created_at=now, updated_at=now)
    _move_address(tx, contact, wanted.get("email"), actor=actor, now=now, ticket=ticket)
    _write(contact, wanted, before)
    contact.updated_at = now
    tx.session.add(contact)
    detail = {"ticket": ticket.number, "changes": {c.field: [c.old, c.new] for c in changes}}
    tx.contacts.record(contact.email, "data_changed", detail, at=now, actor=actor, ticket=ticket)
    return changes


def _write(contact: Contact, wanted: Mapping[str, str], before: Mapping[str, str | None]) -> None:
    details = dict(contact.details)
    for field in DETAILS:
        if field in wanted:
            details[field] = wanted[field]
    contact.details = details
    if "first_name" in wanted or "surname" in wanted:
        first = wanted.get("first_name") or before.get("first_name") or ""
        surname = wanted.get("surname") or before.get("surname") or ""
        contact.name = " ".join(part for part in (first, surname) if part)[:255]
    if "phone" in wanted:
        contact.phone = wanted["phone"]
    if "language" in wanted:
        contact.language = wanted["language"]


def _move_address(
    tx: Tx, contact: Contact, new: str | None, *, actor: str, now: datetime, ticket: Ticket
) -> None:
    if not new or new == contact.email:
        return
    if tx.contacts.contact(new) is not None:
        raise Refused(f"{new} already belongs to another contact: merge them by hand")
    suppressed = tx.contacts.suppression(contact.email) if contact.id is not None else None
    if suppressed is not None:  # mailings to this person stay stopped at the new address too
        tx.contacts.suppress(
            Suppression(
                email=new,
                reason=f"{suppressed.reason} (address changed)",
                suppressed_at=now,
                actor=actor,
                ticket=ticket,
                evidence=list(suppressed.evidence),
            )
        )
    contact.email = new
