"""``inboxbot status [--json]``: last poll, mailbox backlog, outbox queue, open and overdue tickets."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

import click

from inboxbot.cli.context import CliState, application, pass_state
from inboxbot.core.times import local_text
from inboxbot.service.status import HEARTBEATS, collect_status


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Stable JSON for monitoring instead of text.")
@pass_state
def status_command(state: CliState, as_json: bool) -> None:
    """Is the worker keeping up? Last poll, mail waiting, outbox queue, open and overdue tickets."""
    with application(state) as app:
        status = collect_status(app.store, app.worker.open_source, now=app.clock())
    if as_json:
        click.echo(json.dumps(status, ensure_ascii=False, indent=2))
        return
    click.echo("\n".join(render(status, ZoneInfo(app.settings.tickets.timezone))))


def render(status: dict[str, Any], zone: ZoneInfo) -> list[str]:
    mailbox, outbox, tickets, spam = status["mailbox"], status["outbox"], status["tickets"], status["spam"]
    fbl = status["complaints"]  # recipients who marked our mail as spam, reported by their provider
    if mailbox["waiting"] is None:
        waiting = f"UNREACHABLE: {mailbox['error']}"
    else:
        waiting = f"{mailbox['waiting']} mail(s) waiting in {mailbox['source']}"
    queue = f"{outbox['pending']} pending, {outbox['failed']} failed"
    if outbox["oldest_pending_at"] is not None:
        queue += f" (oldest pending since {local_text(outbox['oldest_pending_at'], zone, seconds=True)}"
        queue += f", {_ago(outbox['oldest_pending_age_seconds'])})"
    beats = ", ".join(f"{name} {_beat(status['heartbeats'][name], zone)}" for name in HEARTBEATS[1:])
    return [
        f"last poll: {_beat(status['heartbeats']['poll'], zone)}",
        f"mailbox:   {waiting}",
        f"outbox:    {queue}",
        f"tickets:   {tickets['open']} open, {tickets['overdue']} overdue",
        f"spam:      {spam['last_24h']} suspected in the last 24 h ({spam['total']} kept in all)",
        f"complaint: {fbl['last_24h']} in the last 24 h ({fbl['total']} in all), by feedback loops",
        *(
            f"platform:  {name}: {counts['pending']} call(s) owed, {counts['failed']} given up"
            for name, counts in sorted(status.get("platforms", {}).items())
        ),
        f"sweeps:    {beats}",
    ]


def _beat(beat: dict[str, Any] | None, zone: ZoneInfo) -> str:
    if beat is None:
        return "never"
    return f"{local_text(beat['at'], zone, seconds=True)} ({_ago(beat['age_seconds'])})"


def _ago(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s ago"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min ago"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h ago"
    return f"{seconds / 86400:.1f} days ago"
