"""``inboxbot check``: the configuration, the mailbox, the transport and the database, each with a verdict."""

from __future__ import annotations

from collections.abc import Callable

import click
from sqlalchemy import make_url
from sqlalchemy.exc import SQLAlchemyError

from inboxbot.adapters.db import schema
from inboxbot.adapters.db.store import make_engine, sqlite_file
from inboxbot.adapters.network import one_line
from inboxbot.bootstrap import mailing_platforms, make_transport, source_factory
from inboxbot.cli.context import EXIT_UNAVAILABLE, CliState, pass_state
from inboxbot.config import Settings
from inboxbot.service.platforms import MailingPlatform, PlatformError
from inboxbot.service.ports import MailSourceError, TransportUnavailable


@click.command("check")
@pass_state
def check_command(state: CliState) -> None:
    """Validate the configuration; try the mailbox, the outgoing transport and the database."""
    settings = state.settings
    click.echo("configuration: ok")
    for line in in_effect(settings):
        click.echo(f"  {line}")
    verdicts = [
        _verdict("mailbox", lambda: _probe_source(settings)),
        _verdict("transport", lambda: make_transport(settings).probe()),
        _verdict("database", lambda: _probe_database(settings)),
        *(_verdict(f"backend {p.name}", _probe_platform(p)) for p in mailing_platforms(settings)),
    ]
    if not all(verdicts):
        raise SystemExit(EXIT_UNAVAILABLE)


def in_effect(settings: Settings) -> list[str]:
    """What this configuration will really use, and a warning while it is still the demo's."""
    lines = [
        f"source:    {settings.source}",
        f"transport: {settings.transport}",
        f"database:  {masked_url(settings.database.url)}",
        *(f"backend:   {name} ({section['kind']})" for name, section in sorted(settings.backends.items())),
    ]
    demo = settings.demo_defaults
    if demo:
        lines.append(
            f"note: {' and '.join(demo)} {'is' if len(demo) == 1 else 'are'} the embedded demo default; "
            "for production set imap.host / smtp.host (or INBOXBOT_SOURCE=imap, INBOXBOT_TRANSPORT=smtp)"
        )
    return lines


def masked_url(url: str) -> str:
    """A database URL without its password."""
    return make_url(url).render_as_string(hide_password=True)


def _verdict(name: str, probe: Callable[[], str]) -> bool:
    try:
        detail = probe()
    except (MailSourceError, TransportUnavailable, schema.SchemaOutdated) as exc:
        click.echo(f"{name}: FAILED: {exc}")
        return False
    except PlatformError as exc:
        click.echo(f"{name}: FAILED: {one_line(exc)}")
        return False
    except SQLAlchemyError as exc:
        click.echo(f"{name}: FAILED: {one_line(getattr(exc, 'orig', None) or exc)}")
        return False
    click.echo(f"{name}: ok ({detail})")
    return True


def _probe_platform(platform: MailingPlatform) -> Callable[[], str]:
    """A harmless read with the platform's credentials (the adapter's own client closed after it)."""

    def probe() -> str:
        try:
            return f"{platform.kind}: {platform.probe()}"
        finally:
            closer = getattr(platform, "close", None)
            if callable(closer):
                closer()

    return probe


def _probe_source(settings: Settings) -> str:
    source = source_factory(settings)()
    try:
        return source.probe()
    finally:
        source.close()


def _probe_database(settings: Settings) -> str:
    missing = sqlite_file(settings.database.url)
    if missing is not None and not missing.exists():  # read-only: check creates nothing
        raise schema.SchemaOutdated(f"SQLite database {missing} does not exist: run 'inboxbot db upgrade'")
    engine = make_engine(settings.database.url)
    try:
        schema.require_current(engine)
        return f"{engine.dialect.name}, schema at {schema.current_revision(engine)}"
    finally:
        engine.dispose()
