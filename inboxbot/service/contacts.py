"""Contacts and segments for staff: CSV import that never resurrects a suppressed address, export,
lookup, and the one audited way back in (resubscribe)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inboxbot.adapters.db.models import Contact, ContactEvent, Segment, Suppression
from inboxbot.adapters.db.store import Store
from inboxbot.core.addresses import normalize_address
from inboxbot.core.charsets import decode_bytes
from inboxbot.core.contacts import ContactRow, InvalidRow, contact_row
from inboxbot.service.inbound import Clock

CHUNK = 2000
_SAMPLE_BYTES = 64 * 1024
_HEADER_ALIASES = {"e-mail": "email", "mail": "email", "email address": "email"}


class ImportRefused(Exception):
    """The file as a whole cannot be imported (no e-mail column, unreadable); nothing was changed."""


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    new_members: int = 0
    suppressed: int = 0
    duplicates: int = 0
    bad: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ContactCard:
    email: str
    contact: Contact | None
    segments: list[str]
    suppression: Suppression | None
    history: list[ContactEvent]


def import_contacts(
    store: Store,
    path: Path,
    *,
    segment: str,
    channel: str,
    clock: Clock,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Add the rows of a CSV file to ``segment``; bad rows are reported by line and skipped."""
    report = ImportReport()
    with store.transaction() as tx:
        if tx.contacts.hasher is None and tx.contacts.hashed_suppressions():
            raise ImportRefused(
                "erased addresses are suppressed by their keyed hash, and INBOXBOT_IDENTITY__HASH_KEY "
                "is not set: without it they would be imported again"
            )
        segment_id = tx.contacts.ensure_segment(segment, channel, clock()).id
    assert segment_id is not None
    seen: set[str] = set()
    for chunk in _chunks(_rows(path, report, seen)):
        _import_chunk(store, chunk, segment_id, clock, report)
        if progress:
            progress(report.rows)
    return report


def _rows(path: Path, report: ImportReport, seen: set[str]) -> Iterator[ContactRow]:
    with _open_text(path) as handle:
        dialect = _sniff(handle.readline())
        handle.seek(0)
        reader = csv.DictReader(handle, dialect=dialect)
        header = [_HEADER_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in reader.fieldnames or []]
        if "email" not in header:
            raise ImportRefused(f"{path} has no 'email' column in its header row")
        reader.fieldnames = header
        yield from _valid_rows(reader, report, seen)


def _valid_rows(reader: csv.DictReader[str], report: ImportReport, seen: set[str]) -> Iterator[ContactRow]:
    for record in reader:
        report.rows += 1
        try:
            row = contact_row(*(str(record.get(key) or "") for key in ("email", "name", "phone", "language")))
        except InvalidRow as exc:
            report.bad.append((reader.line_num, str(exc)))
            continue
        if row.email in seen:
            report.duplicates += 1
            continue
        seen.add(row.email)
        yield row


def _import_chunk(
    store: Store, chunk: list[ContactRow], segment_id: int, clock: Clock, report: ImportReport
) -> None:
    now = clock()
    with store.transaction() as tx:
        suppressed = tx.contacts.suppressed_among(row.email for row in chunk)
        rows = [row.as_values() for row in chunk if row.email not in suppressed]
        ids = tx.contacts.upsert_contacts(rows, now)
        report.new_members += tx.contacts.add_memberships(ids.values(), segment_id, now)
    report.suppressed += len(suppressed)
    report.imported += len(rows)


def _chunks(rows: Iterator[ContactRow]) -> Iterator[list[ContactRow]]:
    chunk: list[ContactRow] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _open_text(path: Path) -> io.TextIOWrapper:
    """UTF-8 (with or without BOM); a file Excel saved in windows-1251 is read as such."""
    try:
        sample = path.read_bytes()[:_SAMPLE_BYTES]
    except OSError as exc:
        raise ImportRefused(f"cannot read {path}: {exc.strerror}") from exc
    encoding = "utf-8-sig"
    try:
        sample.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not just a character cut at the end of the sample
            encoding = _legacy_encoding(sample)
    return open(path, encoding=encoding, errors="replace", newline="")  # the caller closes it


def _legacy_encoding(sample: bytes) -> str:
    text = decode_bytes(sample)
    for candidate in ("cp1251", "koi8_r", "cp866", "kz1048"):
        try:
            if sample.decode(candidate) == text:
                return candidate
        except UnicodeDecodeError:
            continue
    return "cp1251"


def _sniff(header_line: str) -> type[csv.Dialect]:
    """Comma, semicolon (Excel in a Russian locale) or tab, told from the header row."""
    try:
        return csv.Sniffer().sniff(header_line, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def contact_card(store: Store, email: str) -> ContactCard:
    address = normalize_address(email) or email.strip().lower()
    with store.transaction() as tx:
        contact = tx.contacts.contact(address)
        segments = tx.contacts.segments_of(contact.id) if contact and contact.id else []
        return ContactCard(
            address, contact, segments, tx.contacts.suppression(address), list(tx.contacts.history(address))
        )


def resubscribe(store: Store, email: str, *, note: str, actor: str, clock: Clock) -> bool:
    """Lift a suppression (the only way back in); False when the address was not suppressed."""
    address = normalize_address(email) or email.strip().lower()
    with store.transaction() as tx:
        lifted = tx.contacts.lift_suppression(address)
        if lifted is None:
            return False
        detail: dict[str, Any] = {
            "note": note,
            "was_suppressed_at": lifted.suppressed_at.isoformat(),
            "reason": lifted.reason,
        }
        tx.contacts.record(address, "resubscribed", detail, at=clock(), actor=actor)
        return True


def segment_table(store: Store) -> list[tuple[Segment, int]]:
    with store.transaction() as tx:
        return tx.contacts.segment_counts()


def segment_members(store: Store, name: str) -> list[Contact] | None:
    with store.transaction() as tx:
        segment = tx.contacts.segment(name)
        if segment is None or segment.id is None:
            return None
        return list(tx.contacts.mailable_members(segment.id))
