"""``inboxbot sla report``: the figures that prove the 24-hour promise (or show where it broke)."""

from __future__ import annotations

import json
import re
import sys
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.table import Table

from inboxbot.cli.context import CliState, application, fail, pass_state
from inboxbot.core.times import local_text
from inboxbot.service.sla_report import sla_report

DEFAULT_PERIOD = timedelta(days=30)
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhd])\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_duration(text: str) -> timedelta:
    """``30m``, ``4h``, ``2d``."""
    match = _DURATION.match(text)
    if not match:
        raise click.BadParameter(f"{text!r} is not a duration like 30m, 4h or 2d")
    return timedelta(**{_UNITS[match.group(2).lower()]: float(match.group(1))})


def parse_day(text: str | None, zone: ZoneInfo) -> datetime | None:
    """A YYYY-MM-DD date, taken as midnight in the configured time zone."""
    if text is None:
        return None
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        fail(f"{text!r} is not a date (YYYY-MM-DD)", 2)
    return datetime.combine(day, time(0), tzinfo=zone)


@click.group("sla")
def sla_group() -> None:
    """The 24-hour SLA."""


@sla_group.command("report")
@click.option("--json", "as_json", is_flag=True, help="Stable JSON for monitoring instead of a table.")
@click.option("--since", metavar="DATE", default=None, help="First day, YYYY-MM-DD (default: 30 days ago).")
@click.option("--until", metavar="DATE", default=None, help="Day after the last, YYYY-MM-DD (default: now).")
@pass_state
def report_command(state: CliState, as_json: bool, since: str | None, until: str | None) -> None:
    """Tickets received, resolved within the SLA, breached, open and at risk; time to resolve."""
    settings = state.settings
    zone = ZoneInfo(settings.tickets.timezone)
    with application(state) as app:
        now = app.clock()
        end = parse_day(until, zone) or now
        start = parse_day(since, zone) or end - DEFAULT_PERIOD
        report = sla_report(
            app.store,
            app.lifecycle.policy,
            now=now,
            since=start,
            until=end,
            at_risk=timedelta(hours=settings.sla.at_risk_hours),
        )
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    Console(width=None if sys.stdout.isatty() else 200).print(_table(report, zone))


def _table(report: dict[str, Any], zone: ZoneInfo) -> Table:
    since = local_text(report["since"], zone)
    until = local_text(report["until"], zone)
    table = Table(title=f"SLA, tickets received {since} – {until} ({zone.key})")
    columns = (
        "Category",
        "Deadline",
        "Received",
        "Resolved",
        "Within SLA",
        "Breached",
        "Open",
        "Overdue",
        "At risk",
        "Median h",
        "p95 h",
    )
    for name in columns:
        table.add_column(name, justify="left" if name == "Category" else "right")
    rows = [*report["categories"].items(), ("total", report["total"])]
    deadlines = report.get("deadlines", {})
    for category, f in rows:
        table.add_row(
            category,
            deadlines.get(category, ""),
            *(
                str(f[k])
                for k in (
                    "received",
                    "resolved",
                    "resolved_within_sla",
                    "breached",
                    "open",
                    "overdue",
                    "at_risk",
                )
            ),
            _hours(f["median_hours_to_resolve"]),
            _hours(f["p95_hours_to_resolve"]),
        )
    return table


def _hours(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"
