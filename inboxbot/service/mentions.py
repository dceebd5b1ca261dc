"""The last pass of an erasure: the address taken out of every column of every table where it is left.

The erasure first redacts, table by table, the rows that are the person's. What remains are mentions in
rows that are someone else's: another client's mail that names the address, a staff note, an error
text, a table added later. This pass reads the schema itself, so a new table is covered without being
listed: text and JSON columns are narrowed down in the database (a coarse ``LIKE``) and decided here
(whole addresses only), raw mail is read whole and rewritten (:func:`~inboxbot.core.redaction.scrub_mail`).

A value that *is* the address becomes its keyed hash (such columns are often unique); a value that
mentions it gets the marker in its place.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    LargeBinary,
    String,
    Table,
    Text,
    TypeDecorator,
    and_,
    cast,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import SQLModel

from inboxbot.adapters.db.store import Tx
from inboxbot.core.redaction import MARKER, Needles, mentions, scrub_mail, scrub_value

DROP_WHEN_UNREADABLE = frozenset({"message_raw"})  # tables whose row goes when its blob cannot be scrubbed
_CHUNK = 100


@dataclass(frozen=True)
class BlobHit:
    """A stored blob (a raw mail) that names the person: its table, its column, its row's key."""

    table: Table
    column: Column[Any]
    row: Any


def find_blobs(tx: Tx, needles: Needles) -> list[BlobHit]:
    """Every blob of every table that names the person. Only reads: an erasure calls it before it
    writes, so that reading the whole raw store does not hold the database's write lock (SQLite)."""
    return [
        BlobHit(table, column, row)
        for table in SQLModel.metadata.sorted_tables
        for column in table.columns
        if _kind(column) == "blob"
        for row in list(_mentioning(tx, table, column, needles))
    ]


def scrub_mentions(tx: Tx, needles: Needles, hashed: str, blobs: Sequence[BlobHit]) -> Counter[str]:
    """The person taken out of every text and JSON column, and out of ``blobs`` (see
    :func:`find_blobs`; a row gone meanwhile is skipped). Rows changed per table."""
    tx.session.flush()
    changed: Counter[str] = Counter()
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            kind = _kind(column)
            if kind == "text":
                changed[table.name] += _scrub_text(tx, table, column, needles, hashed)
            elif kind == "json":
                changed[table.name] += _scrub_json(tx, table, column, needles)
    for hit in blobs:
        changed[hit.table.name] += _scrub_blob(tx, hit, needles)
    tx.session.expire_all()  # the ORM's copies of rows changed underneath it are read again
    return +changed


def redact_ticket_rows(
    tx: Tx, ticket_ids: Sequence[int], redact: Callable[[Any], Any], done: frozenset[str]
) -> Counter[str]:
    """Rows of any table but ``done`` that belong to the tickets (a ``ticket_id`` column): their free
    text (``Text`` columns) becomes the marker, their JSON goes through ``redact``. Rows per table."""
    tx.session.flush()
    changed: Counter[str] = Counter()
    for table in SQLModel.metadata.sorted_tables:
        owner = table.columns.get("ticket_id")
        if owner is None or table.name in done or not ticket_ids:
            continue
        columns = [c for c in table.columns if isinstance(c.type, Text) or _kind(c) == "json"]
        if not columns:
            continue
        for row in tx.session.execute(
            select(*table.primary_key.columns, *columns).where(owner.in_(ticket_ids))
        ):
            values = {c.name: _redacted(c, getattr(row, c.name), redact) for c in columns}
            tx.session.execute(update(table).where(_key(table, row)).values(values))
            changed[table.name] += 1
    tx.session.expire_all()
    return changed


def _redacted(column: Column[Any], value: Any, redact: Callable[[Any], Any]) -> Any:
    if value is None or _kind(column) == "json":
        return redact(value)
    return MARKER


def _kind(column: Column[Any]) -> str:
    """What a column holds, as far as an address can hide in it: text, JSON, a blob, or nothing."""
    type_ = column.type
    if isinstance(type_, TypeDecorator):
        type_ = type_.impl_instance
    if isinstance(type_, JSON):
        return "json"
    if isinstance(type_, LargeBinary):
        return "blob"
    return "text" if isinstance(type_, String) else ""


def _key(table: Table, row: Any) -> ColumnElement[bool]:
    return and_(*(pk == getattr(row, pk.name) for pk in table.primary_key.columns))


def _candidates(tx: Tx, table: Table, column: Column[Any], text: ColumnElement[Any], needles: Needles) -> Any:
    coarse = or_(*(func.lower(text).contains(term, autoescape=True) for term in needles.sql_terms()))
    return tx.session.execute(select(*table.primary_key.columns, column).where(coarse)).all()


def _scrub_text(tx: Tx, table: Table, column: Column[Any], needles: Needles, hashed: str) -> int:
    count = 0
    for row in _candidates(tx, table, column, column, needles):
        value = getattr(row, column.name)
        new = hashed if needles.is_exactly(value) else needles.scrub(value)
        if new != value:
            tx.session.execute(update(table).where(_key(table, row)).values({column.name: new}))
            count += 1
    return count


def _scrub_json(tx: Tx, table: Table, column: Column[Any], needles: Needles) -> int:
    count = 0
    for row in _candidates(tx, table, column, cast(column, Text), needles):
        value = getattr(row, column.name)
        new = scrub_value(value, needles)
        if new != value:
            tx.session.execute(update(table).where(_key(table, row)).values({column.name: new}))
            count += 1
    return count


def _scrub_blob(tx: Tx, hit: BlobHit, needles: Needles) -> int:
    table, column, key = hit.table, hit.column, _key(hit.table, hit.row)
    raw = tx.session.execute(select(column).where(key)).scalar()
    if not raw:
        return 0  # redacted as the person's own meanwhile
    scrubbed = scrub_mail(raw, needles)
    if scrubbed is None and table.name in DROP_WHEN_UNREADABLE:
        tx.session.execute(delete(table).where(key))
    else:
        tx.session.execute(update(table).where(key).values({column.name: scrubbed or b""}))
    return 1


def _mentioning(tx: Tx, table: Table, column: Column[Any], needles: Needles) -> Iterator[Any]:
    """The keys of the rows whose blob names the person, read a chunk at a time."""
    stmt = select(*table.primary_key.columns, column).where(func.length(column) > 0)
    for row in tx.session.execute(stmt.execution_options(yield_per=_CHUNK)):
        if mentions(getattr(row, column.name), needles):
            yield row
