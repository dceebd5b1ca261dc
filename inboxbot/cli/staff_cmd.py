"""``inboxbot staff add|list|disable``: the console's accounts (admins can also manage them there)."""

from __future__ import annotations

import sys

import click

from inboxbot.cli.context import EXIT_USAGE, CliState, application, fail, pass_state
from inboxbot.service.accounts import AccountError, Role
from inboxbot.web.i18n import LANGUAGES


@click.group("staff")
def staff_group() -> None:
    """Staff accounts for the web console."""


@staff_group.command("add")
@click.argument("email")
@click.option("--name", required=True, help="The name shown to colleagues and signed under replies.")
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), default=Role.AGENT.value, show_default=True
)
@click.option("--language", type=click.Choice(sorted(LANGUAGES)), default="ru", show_default=True)
@click.option("--password-stdin", "from_stdin", is_flag=True, help="Read the password from standard input.")
@pass_state
def add_command(state: CliState, email: str, name: str, role: str, language: str, from_stdin: bool) -> None:
    """Create an account; the password (12 characters at least) comes from standard input."""
    if not from_stdin:
        fail(
            "give the password on standard input with --password-stdin (never on the command line)",
            EXIT_USAGE,
        )
    password = sys.stdin.readline().rstrip("\r\n")
    with application(state) as app:
        try:
            member = app.accounts.add(email, name, password, role=Role(role), language=language)
        except AccountError as exc:
            fail(str(exc), EXIT_USAGE)
    click.echo(f"{member.email}: {member.role.value} account created")


@staff_group.command("list")
@pass_state
def list_command(state: CliState) -> None:
    """Every account with its role, language and whether it is disabled."""
    with application(state) as app:
        members = app.accounts.list()
    for m in members:
        click.echo(
            f"{m.email:<40} {m.role.value:<6} {m.language:<3} {m.name}{'  (disabled)' if m.disabled else ''}"
        )


@staff_group.command("disable")
@click.argument("email")
@pass_state
def disable_command(state: CliState, email: str) -> None:
    """No more sign-ins; the account's open sessions end at once."""
    with application(state) as app:
        try:
            member = app.accounts.disable(email)
        except AccountError as exc:
            fail(str(exc), EXIT_USAGE)
    click.echo(f"{member.email}: disabled")


@staff_group.command("password")
@click.argument("email")
@click.option(
    "--password-stdin", "from_stdin", is_flag=True, help="Read the new password from standard input."
)
@pass_state
def password_command(state: CliState, email: str, from_stdin: bool) -> None:
    """Set a new password (and lift a lock after wrong passwords)."""
    if not from_stdin:
        fail(
            "give the password on standard input with --password-stdin (never on the command line)",
            EXIT_USAGE,
        )
    password = sys.stdin.readline().rstrip("\r\n")
    with application(state) as app:
        try:
            app.accounts.set_password(email, password)
        except AccountError as exc:
            fail(str(exc), EXIT_USAGE)
    click.echo(f"{email}: password set")
