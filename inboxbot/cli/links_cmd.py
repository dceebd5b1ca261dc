"""``inboxbot unsubscribe-headers``: the RFC 8058 headers a mailing carries for one recipient, and the
link maker ``segments export --with-unsubscribe-url`` shares."""

from __future__ import annotations

from collections.abc import Callable

import click

from inboxbot.bootstrap import link_keys
from inboxbot.cli.context import EXIT_CONFIG, EXIT_USAGE, CliState, fail, failures_as_exit, pass_state
from inboxbot.config import Settings
from inboxbot.core.unsubscribe_links import header_lines, unsubscribe_url

LinkMaker = Callable[[str, str | None], str]
"""``make(address, segment)`` -> a token, or the URL of one."""


def token_maker(settings: Settings) -> LinkMaker:
    """Tokens of the current key; exit 2 with a one-line reason while links are not set up."""
    if not settings.links.base_url:
        fail(
            "links.base_url is not set: INBOXBOT_LINKS__BASE_URL, the public URL of 'inboxbot serve'",
            EXIT_CONFIG,
        )
    with failures_as_exit():
        keys = link_keys(settings)
    if keys is None:
        fail("links.key is not set: export INBOXBOT_LINKS__KEY (32+ characters)", EXIT_CONFIG)
    return keys.make


def url_maker(settings: Settings) -> LinkMaker:
    """``make(address, segment)`` -> the address's one-click unsubscribe URL."""
    make = token_maker(settings)
    base = settings.links.base_url
    return lambda address, segment: unsubscribe_url(base, make(address, segment))


@click.command("unsubscribe-headers")
@click.argument("email")
@click.option("--segment", default=None, help="The segment the mailing is for (carried in the token).")
@pass_state
def unsubscribe_headers_command(state: CliState, email: str, segment: str | None) -> None:
    """Print the List-Unsubscribe and List-Unsubscribe-Post headers (RFC 8058) for EMAIL."""
    settings = state.settings
    make = token_maker(settings)
    try:
        token = make(email, segment)
    except ValueError as exc:
        fail(str(exc), EXIT_USAGE)
    for line in header_lines(settings.links.base_url, settings.mailbox.address, token):
        click.echo(line)
