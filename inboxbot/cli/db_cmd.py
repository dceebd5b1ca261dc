"""``inboxbot db``: schema migrations."""

from __future__ import annotations

import click

from inboxbot.adapters.db import schema
from inboxbot.adapters.db.store import make_engine
from inboxbot.cli.context import CliState, failures_as_exit, pass_state


@click.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@pass_state
def upgrade(state: CliState) -> None:
    """Bring the database schema up to date (SQLite and PostgreSQL)."""
    engine = make_engine(state.settings.database.url)
    try:
        with failures_as_exit():
            before = schema.current_revision(engine)
            schema.upgrade(engine)
            after = schema.current_revision(engine)
    finally:
        engine.dispose()
    if before == after:
        click.echo(f"database schema already at {after}")
    else:
        click.echo(f"database schema upgraded from {before or 'empty'} to {after}")
