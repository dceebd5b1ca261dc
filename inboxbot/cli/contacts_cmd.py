"""``inboxbot contacts`` and ``inboxbot segments``: mailing lists and the suppression list."""

from __future__ import annotations

import csv
import getpass
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from inboxbot.cli.context import EXIT_USAGE, CliState, application, fail, pass_state
from inboxbot.cli.links_cmd import url_maker
from inboxbot.config import Settings
from inboxbot.core.address_hash import HashKeyError
from inboxbot.core.times import iso_utc, local_text
from inboxbot.service.contacts import (
    ContactCard,
    ImportRefused,
    ImportReport,
    contact_card,
    import_contacts,
    resubscribe,
    segment_members,
    segment_table,
)
from inboxbot.service.erasure import ErasureRefused, ErasureReport, erase_everywhere
from inboxbot.service.export import KIND, NotAnAddress, PersonExport, export_person, summary
from inboxbot.templating import Templates

MAX_BAD_ROWS_SHOWN = 20
PROGRESS_FROM_ROWS = 5000


@click.group("contacts")
def contacts_group() -> None:
    """Contacts, their segments and the suppression list."""


@contacts_group.command("import")
@click.argument("path", metavar="FILE.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--segment", required=True, help="The segment to add the contacts to (created if new).")
@click.option(
    "--channel",
    type=click.Choice(["email", "sms"]),
    default="email",
    show_default=True,
    help="What the segment is mailed by, when it is created.",
)
@pass_state
def import_command(state: CliState, path: Path, segment: str, channel: str) -> None:
    """Import contacts from a CSV file with a header row (email; optional name, phone, language).

    Suppressed addresses are skipped and counted; bad rows are reported by line and skipped.
    """
    with application(state) as app:
        total = _count_rows(path)
        try:
            with _progress(total) as advance:
                report = import_contacts(
                    app.store, path, segment=segment, channel=channel, clock=app.clock, progress=advance
                )
        except ImportRefused as exc:
            fail(str(exc), 2)
    _print_report(report, segment)


@contacts_group.command("show")
@click.argument("email")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of text.")
@pass_state
def show_command(state: CliState, email: str, as_json: bool) -> None:
    """An address: its segments, whether it is suppressed, and its history."""
    with application(state) as app:
        card = contact_card(app.store, email)
    record = card_dict(card)
    if as_json:
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
        return
    zone = ZoneInfo(app.settings.tickets.timezone)
    since = local_text(card.suppression.suppressed_at, zone) if card.suppression else ""
    click.echo(f"{card.email}: {'SUPPRESSED since ' + since if card.suppression else 'mailable'}")
    click.echo(f"segments: {', '.join(card.segments) or '-'}")
    click.echo(f"history (times in {zone.key}):" if card.history else "history: -")
    for event in card.history:
        detail = json.dumps(event.detail, ensure_ascii=False)
        click.echo(f"  {local_text(event.at, zone)}  {event.actor:<16} {event.action:<22} {detail}")


@contacts_group.command("resubscribe")
@click.argument("email")
@click.option("--note", required=True, help="Why; kept in the address's history.")
@click.option("--by", "actor", default=None, help="Who lifts the suppression (default: the current user).")
@pass_state
def resubscribe_command(state: CliState, email: str, note: str, actor: str | None) -> None:
    """Lift an address's suppression (audited). It rejoins no segment by itself: import it again."""
    if not note.strip():
        fail("--note must say why")
    with application(state) as app:
        lifted = resubscribe(
            app.store, email, note=note.strip(), actor=f"staff:{actor or getpass.getuser()}", clock=app.clock
        )
    if not lifted:
        fail(f"{email} is not on the suppression list")
    click.echo(f"{email}: suppression lifted")


@contacts_group.command("erase")
@click.argument("email")
@click.option("--reason", required=True, help="Why (the request, its ticket); kept in the audit record.")
@click.option("--by", "actor", default=None, help="Who erases (default: the current user).")
@pass_state
def erase_command(state: CliState, email: str, reason: str, actor: str | None) -> None:
    """Erase everything held about an address, at once and for good (nothing is asked).

    The contact leaves every segment and is deleted, mails both ways lose their text and address,
    tickets stay as a record without personal data, and only a keyed hash of the address stays on the
    suppression list, so that it is never mailed or imported again. Every configured mailing platform
    is asked to erase it first; one that does not confirm leaves the address suppressed, not yet
    erased (exit 2, run again).
    """
    if not reason.strip():
        fail("--reason must say why", EXIT_USAGE)
    with application(state) as app:
        try:
            report = erase_everywhere(
                app.store,
                app.platforms,
                email,
                reason=reason.strip(),
                actor=f"staff:{actor or getpass.getuser()}",
                clock=app.clock,
                hash_key=app.settings.identity.hash_key.get_secret_value(),
            )
        except (HashKeyError, ErasureRefused) as exc:
            fail(str(exc), EXIT_USAGE)
    _print_erasure(report)


@contacts_group.command("export")
@click.argument("email")
@click.option("--json", "as_json", is_flag=True, help="The whole JSON document instead of the summary.")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write to FILE, not stdout."
)
@pass_state
def export_person_command(state: CliState, email: str, as_json: bool, out: Path | None) -> None:
    """Everything held about an address: a summary in the client's language, or the JSON document."""
    with application(state) as app:
        try:
            export = export_person(
                app.store, email, now=app.clock(), default_language=app.settings.acks.default_language
            )
        except NotAnAddress as exc:
            fail(str(exc), EXIT_USAGE)
        zone = ZoneInfo(app.settings.tickets.timezone)
        text = export.to_json() + "\n" if as_json else _summary(app.templates, export, zone, app.settings)
    if out is None:
        click.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    click.echo(f"{export.address}: written to {out}")


@click.group("segments")
def segments_group() -> None:
    """Mailing segments."""


@segments_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a table.")
@pass_state
def list_command(state: CliState, as_json: bool) -> None:
    """Segments with the number of members who may be mailed."""
    with application(state) as app:
        rows = segment_table(app.store)
    if as_json:
        data = [{"name": s.name, "channel": s.channel, "members": n} for s, n in rows]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(rows)} segment(s)")
    for column in ("Segment", "Channel", "Members"):
        table.add_column(column, justify="right" if column == "Members" else "left")
    for segment, count in rows:
        table.add_row(segment.name, segment.channel, str(count))
    Console(width=None if sys.stdout.isatty() else 200).print(table)


@segments_group.command("export")
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option(
    "--with-unsubscribe-url",
    "with_url",
    is_flag=True,
    help="Add each member's one-click unsubscribe URL (column unsubscribe_url; needs [links]).",
)
@pass_state
def export_command(state: CliState, name: str, fmt: str, with_url: bool) -> None:
    """Write a segment's members to standard output; a suppressed address is never listed."""
    link = url_maker(state.settings) if with_url else None
    with application(state) as app:
        members = segment_members(app.store, name)
    if members is None:
        fail(f"no segment {name!r}")
    rows: list[dict[str, str]] = [
        {"email": c.email, "name": c.name, "phone": c.phone, "language": c.language} for c in members
    ]
    if link is not None:
        for row in rows:
            row["unsubscribe_url"] = link(row["email"], name)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    fields = ["email", "name", "phone", "language"] + (["unsubscribe_url"] if link else [])
    writer = csv.DictWriter(sys.stdout, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def card_dict(card: ContactCard) -> dict[str, Any]:
    suppression = card.suppression
    return {
        "email": card.email,
        "name": card.contact.name if card.contact else "",
        "phone": card.contact.phone if card.contact else "",
        "language": card.contact.language if card.contact else "",
        "segments": card.segments,
        "suppressed": suppression is not None,
        "suppressed_at": iso_utc(suppression.suppressed_at) if suppression else None,
        "suppression_reason": suppression.reason if suppression else None,
        "history": [
            {
                "at": iso_utc(e.at),
                "actor": e.actor,
                "action": e.action,
                "detail": e.detail,
                "ticket_id": e.ticket_id,
            }
            for e in card.history
        ],
    }


def _print_erasure(report: ErasureReport) -> None:
    counts = report.counts
    click.echo(f"{report.address}: erased")
    left = f" (left segments: {', '.join(report.segments)})" if report.segments else ""
    click.echo(f"  contact: {'deleted' + left if counts.get('contact') else 'none held'}")
    click.echo(f"  tickets redacted: {', '.join(report.tickets) or 'none'}")
    click.echo(f"  mails: {counts.get('message', 0)} received, {counts.get('outbox', 0)} sent or queued")
    others = sum(v for k, v in counts.items() if k.startswith("mentions:"))
    click.echo(f"  other records that named the address: {others}")
    click.echo(f"  suppressed as {report.hashed[:24]}… (only this keyed hash is kept)")


def _summary(templates: Templates, export: PersonExport, zone: ZoneInfo, settings: Settings) -> str:
    context = {
        "client_name": "",
        "company": settings.mailbox.display_name,
        "ticket_number": "",
        "export": summary(export, lambda moment: local_text(moment, zone)),
    }
    return templates.render(KIND, export.language, context).text


def _count_rows(path: Path) -> int:
    with path.open("rb") as handle:
        return max(0, sum(1 for _ in handle) - 1)


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on a terminal for large files; silent otherwise (cron, pipes)."""
    if total < PROGRESS_FROM_ROWS or not sys.stderr.isatty():
        yield None
        return
    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("rows", total=total)
        yield lambda done: bar.update(task, completed=done)


def _print_report(report: ImportReport, segment: str) -> None:
    click.echo(
        f"{report.rows} row(s) read: {report.imported} contact(s) in segment {segment!r} "
        f"({report.new_members} new member(s)); {report.suppressed} suppressed address(es) skipped; "
        f"{report.duplicates} duplicate(s); {len(report.bad)} bad row(s)"
    )
    for line, why in report.bad[:MAX_BAD_ROWS_SHOWN]:
        click.echo(f"  line {line}: {why}")
    if len(report.bad) > MAX_BAD_ROWS_SHOWN:
        click.echo(f"  ... and {len(report.bad) - MAX_BAD_ROWS_SHOWN} more")
