"""``inboxbot tickets``: list, show and resolve tickets."""

from __future__ import annotations

import json
import sys
from typing import Any
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.table import Table

from inboxbot.adapters.db.models import Ticket
from inboxbot.cli import data_cmd, ticket_actions_cmd
from inboxbot.cli.context import EXIT_USAGE, CliState, application, fail, pass_state
from inboxbot.cli.sla_cmd import parse_duration
from inboxbot.core.tickets import TicketStatus
from inboxbot.core.times import iso_utc, local_text
from inboxbot.service.staff import (
    Refused,
    TicketFile,
    TicketNotFound,
    list_tickets,
    ticket_file,
)
from inboxbot.service.ticket_view import TicketView, ticket_view

STATUS_CHOICES = [s.value for s in TicketStatus] + ["all"]


@click.group("tickets")
def tickets_group() -> None:
    """Review and act on tickets."""


ticket_actions_cmd.register(tickets_group)
data_cmd.register(tickets_group)


@tickets_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="A JSON array instead of a table.")
@click.option(
    "--status",
    type=click.Choice(STATUS_CHOICES),
    default=None,
    help="Only this status; 'all' for every ticket (default: every ticket not resolved).",
)
@click.option(
    "--overdue", is_flag=True, help="Only open tickets past their SLA deadline, most overdue first."
)
@click.option(
    "--due-within",
    "due_within",
    metavar="DURATION",
    default=None,
    help="Only open tickets due within DURATION (30m, 4h, 2d), overdue ones included.",
)
@pass_state
def list_command(
    state: CliState, as_json: bool, status: str | None, overdue: bool, due_within: str | None
) -> None:
    """List tickets, oldest first (soonest deadline first with --overdue or --due-within)."""
    window = parse_duration(due_within) if due_within else None
    with application(state) as app:
        try:
            tickets = list_tickets(app.store, status, now=app.clock(), overdue=overdue, within=window)
        except Refused as exc:
            fail(str(exc), EXIT_USAGE)
    if as_json:
        click.echo(json.dumps([ticket_dict(t) for t in tickets], ensure_ascii=False, indent=2))
        return
    zone = ZoneInfo(state.settings.tickets.timezone)
    console().print(tickets_table(tickets, zone))


@tickets_group.command("show")
@click.argument("ident", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of text.")
@pass_state
def show_command(state: CliState, ident: str, as_json: bool) -> None:
    """Show a ticket (by number or id) with its evidence, messages, mails and event log."""
    with application(state) as app:
        try:
            record = ticket_file(app.store, ident)
            view = ticket_view(app.store, ident, now=app.clock())
        except TicketNotFound as exc:
            fail(str(exc))
    if as_json:
        click.echo(json.dumps({**file_dict(record), "mails": mails_list(view)}, ensure_ascii=False, indent=2))
        return
    zone = ZoneInfo(state.settings.tickets.timezone)
    out = console()
    print_file(out, record, zone)
    print_mails(out, view, zone)


def mails_list(view: TicketView) -> list[dict[str, Any]]:
    """The client's mails, oldest first: what they wrote now, what they quoted, what was attached."""
    return [
        {
            "at": iso_utc(mail.at),
            "sender": mail.sender,
            "subject": mail.subject,
            "new_text": mail.shown.new_text,
            "quoted_text": mail.shown.quoted_text,
            "attachments": [a.filename for a in mail.shown.attachments],
            "unreadable": mail.shown.unreadable,
        }
        for mail in view.inbound
    ]


def print_mails(out: Console, view: TicketView, zone: ZoneInfo) -> None:
    """The client's mails, newest first, each with its new text; quoted text folded to a line."""
    out.print("Client's mails (newest first):")
    for mail in reversed(view.inbound):
        out.print(f"--- {local_text(mail.at, zone)} from {mail.sender}: {mail.subject}", markup=False)
        if mail.shown.unreadable:
            out.print(f"    ({mail.shown.unreadable})", markup=False)
        for line in (mail.shown.new_text or "(no text of its own)").splitlines():
            out.print(f"    {line}", markup=False)
        quoted = mail.shown.quoted_text.count("\n") + 1 if mail.shown.quoted_text.strip() else 0
        if quoted:
            out.print(f"    [{quoted} quoted line(s) folded; --json shows them]", markup=False)
        for item in mail.shown.attachments:
            out.print(
                f"    attachment: {item.filename} ({item.content_type}, {item.size} bytes)", markup=False
            )


def console() -> Console:
    """The terminal's width on a terminal; wide enough for whole lines when piped to a file or a pager."""
    return Console() if sys.stdout.isatty() else Console(width=200)


def ticket_dict(ticket: Ticket) -> dict[str, Any]:
    return {
        "number": ticket.number,
        "status": ticket.status,
        "category": ticket.category,
        "intents": list(ticket.intents),
        "language": ticket.language,
        "needs_review": ticket.needs_review,
        "confidence": ticket.confidence,
        "sender": ticket.sender,
        "sender_name": ticket.sender_name,
        "subject": ticket.subject,
        "message_id": ticket.message_id,
        "received_at": iso_utc(ticket.received_at),
        "due_at": iso_utc(ticket.due_at),
        "created_at": iso_utc(ticket.created_at),
        "updated_at": iso_utc(ticket.updated_at),
        "resolved_at": iso_utc(ticket.resolved_at),
    }


def file_dict(record: TicketFile) -> dict[str, Any]:
    return {
        **ticket_dict(record.ticket),
        "evidence": list(record.ticket.evidence),
        "events": [
            {"at": iso_utc(e.at), "actor": e.actor, "kind": e.kind, "detail": e.detail} for e in record.events
        ],
        "messages": [
            {
                "id": m.id,
                "outcome": m.outcome,
                "message_id": m.message_id,
                "sender": m.sender,
                "subject": m.subject,
                "received_at": iso_utc(m.received_at),
                "size": m.size,
                "attachments": m.attachments,
            }
            for m in record.messages
        ],
        "outbox": [
            {
                "id": o.id,
                "kind": o.kind,
                "status": o.status,
                "recipient": o.recipient,
                "message_id": o.message_id,
                "attempts": o.attempts,
                "sent_at": iso_utc(o.sent_at),
                "last_error": o.last_error,
            }
            for o in record.outbox
        ],
    }


def tickets_table(tickets: Any, zone: ZoneInfo) -> Table:
    table = Table(title=f"{len(tickets)} ticket(s), times in {zone.key}")
    for column in ("Number", "Status", "Intents", "Lang", "Sender", "Subject", "Received", "Due"):
        wraps = column in {"Subject", "Intents", "Sender"}
        table.add_column(column, overflow="fold" if wraps else "ellipsis", no_wrap=not wraps)
    for t in tickets:
        status = t.status + (" (review)" if t.needs_review else "")
        table.add_row(
            t.number,
            status,
            ", ".join(t.intents),
            t.language,
            t.sender,
            t.subject[:60],
            local_text(t.received_at, zone),
            local_text(t.due_at, zone),
        )
    return table


def print_file(console: Console, record: TicketFile, zone: ZoneInfo) -> None:
    t = record.ticket
    console.print(f"[bold]{t.number}[/bold]  {t.status}{'  NEEDS REVIEW' if t.needs_review else ''}")
    console.print(f"From:      {t.sender_name} <{t.sender}>", markup=False)
    console.print(f"Subject:   {t.subject}", markup=False)
    console.print(
        f"Intents:   {', '.join(t.intents)}  (category {t.category}, language {t.language}, "
        f"confidence {t.confidence:.2f})",
        markup=False,
    )
    console.print(
        f"Received:  {local_text(t.received_at, zone)}   Due: {local_text(t.due_at, zone)}   "
        f"Resolved: {local_text(t.resolved_at, zone) or '-'}"
    )
    console.print("Evidence:")
    for e in t.evidence:
        console.print(f'  - {e["intent"]}: rule {e["rule"]} in {e["where"]}: "{e["words"]}"', markup=False)
    console.print("Events:")
    for event in record.events:
        detail = {k: v for k, v in event.detail.items() if k != "evidence"}
        console.print(
            f"  {local_text(event.at, zone)}  {event.actor:<16} {event.kind:<16} "
            f"{json.dumps(detail, ensure_ascii=False)}",
            markup=False,
        )
    console.print("Mails sent:")
    for mail in record.outbox:
        console.print(
            f"  {mail.kind:<8} to {mail.recipient}: {mail.status} after {mail.attempts} attempt(s)"
            + (f" ({mail.last_error})" if mail.last_error else ""),
            markup=False,
        )
