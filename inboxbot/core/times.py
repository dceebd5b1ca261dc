"""How times are shown: ISO 8601 UTC for machines, the configured zone for people.

The database may hand back naive datetimes (SQLite keeps UTC without an offset); both helpers read
those as UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso_utc(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC, for JSON; None stays None."""
    return as_utc(moment).isoformat() if moment is not None else None


def local_text(moment: datetime | str | None, zone: ZoneInfo, *, seconds: bool = False) -> str:
    """``2026-11-24 14:00`` in ``zone`` (with seconds and the zone's abbreviation when asked); '' for None.

    Accepts an ISO 8601 string as JSON reports carry it."""
    if moment is None:
        return ""
    when = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    shown = as_utc(when).astimezone(zone)
    return shown.strftime("%Y-%m-%d %H:%M:%S %Z") if seconds else shown.strftime("%Y-%m-%d %H:%M")
