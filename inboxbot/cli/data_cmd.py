"""``inboxbot tickets changes|verify|resend-code|apply|refuse``: a ticket's data requests, for staff who
work from a terminal; the console's Data request panel calls the same functions."""

from __future__ import annotations

import json

import click

from inboxbot.cli.context import EXIT_USAGE, CliState, fail, pass_state
from inboxbot.cli.ticket_actions_cmd import BY, actor_of, desk_action


def register(group: click.Group) -> None:
    for command in (changes, verify, resend_code, apply, refuse):
        group.add_command(command)


@click.command("changes")
@click.argument("ident", metavar="ID")
@click.option("--set", "settings", multiple=True, metavar="FIELD=VALUE", help="Correct the proposal first.")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a table.")
@BY
@pass_state
def changes(state: CliState, ident: str, settings: tuple[str, ...], as_json: bool, actor: str | None) -> None:
    """What a data change proposes, against what the contact record holds; --set edits the proposal."""
    values = dict(_pair(item) for item in settings)
    with desk_action(state) as app:
        view = (
            app.data.edit_proposal(ident, values, actor=actor_of(actor))
            if values
            else app.data.proposal(ident)
        )
    if as_json:
        rows = [{"field": f, "current": old, "proposed": new} for f, old, new in view.diff]
        click.echo(
            json.dumps({"ticket": view.ticket, "status": view.status, "changes": rows}, ensure_ascii=False)
        )
        return
    click.echo(f"{view.ticket}: data change, {view.status}")
    for field, old, new in view.diff:
        click.echo(f"  {field:<11} {old or '-'}  ->  {new}")
    if not view.diff:
        click.echo("  (nothing differs from the record)")


def _pair(item: str) -> tuple[str, str]:
    field, sep, value = item.partition("=")
    if not sep:
        fail(f"--set {item!r}: write FIELD=VALUE (an empty VALUE drops the field)", EXIT_USAGE)
    return field.strip(), value.strip()


@click.command("verify")
@click.argument("ident", metavar="ID")
@click.option("--reason", required=True, help="How you know the sender is the owner (audited).")
@BY
@pass_state
def verify(state: CliState, ident: str, reason: str, actor: str | None) -> None:
    """Vouch for the sender of a data request yourself (a call back, an ID seen), with the reason."""
    with desk_action(state) as app:
        ticket = app.data.verify(ident, reason=reason, actor=actor_of(actor))
    click.echo(f"{ticket.number}: sender verified by hand")


@click.command("resend-code")
@click.argument("ident", metavar="ID")
@BY
@pass_state
def resend_code(state: CliState, ident: str, actor: str | None) -> None:
    """Mail the sender a new one-time code (the old one is void)."""
    with desk_action(state) as app:
        ticket = app.data.resend_code(ident, actor=actor_of(actor))
        app.worker.deliver()
    click.echo(f"{ticket.number}: a new code is on its way to {ticket.sender}")


@click.command("apply")
@click.argument("ident", metavar="ID")
@BY
@pass_state
def apply(state: CliState, ident: str, actor: str | None) -> None:
    """Apply the ticket's verified data requests (change, export, erasure); refused when unverified."""
    with desk_action(state) as app:
        ticket = app.data.apply(ident, actor=actor_of(actor))
        app.worker.deliver()
    click.echo(f"{ticket.number}: applied; the client is told")


@click.command("refuse")
@click.argument("ident", metavar="ID")
@click.option("--reason", required=True, help="Why (a legal duty to keep the data, say); the client is told.")
@BY
@pass_state
def refuse(state: CliState, ident: str, reason: str, actor: str | None) -> None:
    """Refuse the ticket's data requests with a reason the client reads."""
    with desk_action(state) as app:
        ticket = app.data.refuse(ident, reason=reason, actor=actor_of(actor))
        app.worker.deliver()
    click.echo(f"{ticket.number}: refused; the client is told why")
