"""``inboxbot tickets reply|note|assign|wait|reopen|resolve|approve|dismiss``: the console's actions,
for scripts. Each calls the same :class:`~inboxbot.service.desk.Desk` function as the console."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import click

from inboxbot.bootstrap import App
from inboxbot.cli.context import EXIT_USAGE, CliState, application, fail, pass_state
from inboxbot.core.intents import Classification, Intent
from inboxbot.service.staff import Refused, TicketNotFound

_T = TypeVar("_T")
BY = click.option("--by", "actor", default=None, metavar="WHO", help="Who acts (default: the current user).")


def register(group: click.Group) -> None:
    for command in (reply, note, assign, wait, reopen, resolve, approve, dismiss):
        group.add_command(command)


@contextmanager
def desk_action(state: CliState) -> Iterator[App]:
    """The app, with an unknown ticket (exit 1) and a refused action (exit 2) said in one line."""
    with application(state) as app:
        try:
            yield app
        except TicketNotFound as exc:
            fail(str(exc))
        except Refused as exc:
            fail(str(exc), EXIT_USAGE)


def actor_of(actor: str | None) -> str:
    return f"staff:{actor or getpass.getuser()}"


def _read_text(text: str | None, path: str | None) -> str:
    if (text is None) == (path is None):
        fail("give the text with --text or --file (- for standard input), not both", EXIT_USAGE)
    if path is not None:
        return sys.stdin.read() if path == "-" else click.open_file(path, encoding="utf-8").read()
    return text or ""


@click.command("reply")
@click.argument("ident", metavar="ID")
@click.option("--text", default=None, help="The reply's text.")
@click.option("--file", "path", default=None, metavar="FILE", help="Read the text from FILE (- for stdin).")
@click.option("--wait", "mode", flag_value="wait", help="Then wait on the client (the SLA clock stops).")
@click.option("--resolve", "mode", flag_value="resolve", help="Then resolve the ticket.")
@click.option("--name", "staff_name", default=None, help="The name signed under the reply (default: --by).")
@BY
@pass_state
def reply(
    state: CliState,
    ident: str,
    text: str | None,
    path: str | None,
    mode: str | None,
    staff_name: str | None,
    actor: str | None,
) -> None:
    """Answer the client by mail, threaded to their last mail, through the outbox."""
    body = _read_text(text, path)
    who = actor_of(actor)
    with desk_action(state) as app:
        receipt = app.desk.reply(
            ident, body, actor=who, staff_name=staff_name or who.removeprefix("staff:"), mode=mode or "reply"
        )
    click.echo(f"{receipt.ticket.number}: reply queued ({receipt.message_id}); ticket {receipt.status}")


@click.command("note")
@click.argument("ident", metavar="ID")
@click.option("--text", required=True, help="The note; never mailed to anyone.")
@BY
@pass_state
def note(state: CliState, ident: str, text: str, actor: str | None) -> None:
    """Add an internal note to the ticket's timeline."""
    with desk_action(state) as app:
        ticket = app.desk.note(ident, text, actor=actor_of(actor))
    click.echo(f"{ticket.number}: note added")


@click.command("assign")
@click.argument("ident", metavar="ID")
@click.option(
    "--to", "to", required=True, metavar="EMAIL", help="A staff member's e-mail; 'nobody' to unassign."
)
@BY
@pass_state
def assign(state: CliState, ident: str, to: str, actor: str | None) -> None:
    """Give the ticket to a staff member (or to nobody)."""
    target = None if to.strip().lower() in {"nobody", "-", ""} else to
    with desk_action(state) as app:
        ticket = app.desk.assign(ident, target, actor=actor_of(actor))
    click.echo(f"{ticket.number}: assigned to {target or 'nobody'}")


@click.command("wait")
@click.argument("ident", metavar="ID")
@BY
@pass_state
def wait(state: CliState, ident: str, actor: str | None) -> None:
    """Set the ticket waiting on the client: the SLA clock stops until they answer."""
    _simple(state, lambda app: app.desk.wait(ident, actor=actor_of(actor)), "waiting")


@click.command("reopen")
@click.argument("ident", metavar="ID")
@BY
@pass_state
def reopen(state: CliState, ident: str, actor: str | None) -> None:
    """Open a resolved or waiting ticket again (the SLA clock runs again)."""
    _simple(state, lambda app: app.desk.reopen(ident, actor=actor_of(actor)), "reopened")


@click.command("dismiss")
@click.argument("ident", metavar="ID")
@click.option("--reason", type=click.Choice(["spam", "robot", "not-a-request"]), default="not-a-request")
@BY
@pass_state
def dismiss(state: CliState, ident: str, reason: str, actor: str | None) -> None:
    """Not a request (spam, a robot): close the ticket without any mail."""
    _simple(state, lambda app: app.desk.dismiss(ident, reason=reason, actor=actor_of(actor)), "dismissed")


def _simple(state: CliState, action: Callable[[App], _T], done: str) -> None:
    with desk_action(state) as app:
        ticket = action(app)
    click.echo(f"{getattr(ticket, 'number', ticket)}: {done}")


@click.command("resolve")
@click.argument("ident", metavar="ID")
@click.option("--note", required=True, help="What was done; kept in the ticket's event log.")
@click.option("--notify", is_flag=True, help="Mail the client a closing notice in their language.")
@BY
@pass_state
def resolve(state: CliState, ident: str, note: str, notify: bool, actor: str | None) -> None:
    """Resolve a ticket with a note."""
    if not note.strip():
        fail("--note must say what was done")
    with desk_action(state) as app:
        ticket, changed = app.desk.resolve(
            ident, note=note.strip(), actor=actor_of(actor), notify_client=notify
        )
    click.echo(f"{ticket.number} resolved" if changed else f"{ticket.number} was already resolved")


@click.command("approve")
@click.argument("ident", metavar="ID")
@click.option(
    "--intents",
    default=None,
    metavar="LIST",
    help="Correct the intents first, e.g. 'unsubscribe' or 'data_change,unsubscribe'.",
)
@BY
@pass_state
def approve(state: CliState, ident: str, intents: str | None, actor: str | None) -> None:
    """Triage a ticket flagged for review: confirm (or correct) its intents and let inboxbot act on them."""
    chosen = _parse_intents(intents) if intents else None
    with desk_action(state) as app:
        ticket = app.desk.triage(ident, actor=actor_of(actor), intents=chosen)
        app.worker.sweep()
        app.worker.deliver()
    click.echo(f"{ticket.number} approved: {', '.join(ticket.intents)}")


def _parse_intents(text: str) -> list[Intent]:
    try:
        chosen = [Intent(part.strip()) for part in text.split(",") if part.strip()]
        Classification(tuple(chosen), "ru", 1.0, False)
    except ValueError as exc:
        fail(f"--intents: {exc}", EXIT_USAGE)
    return chosen
