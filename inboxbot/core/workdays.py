"""Deadlines in working days on Kazakhstan's calendar, or in plain hours.

A working day is Monday to Friday, less the public holidays (with the day off moved to the next working
day when a holiday falls on a weekend: Nauryz on Saturday 21 March 2026 gives Tuesday 24 March off),
less the days off moved by government decree (Friday 3 January 2025), plus the weekend days those decrees
make working (Sunday 5 January 2025, Saturday 4 May 2024). All of it comes from the ``holidays`` package
(country "KZ", its ``weekend_workdays`` for the working weekend days); an Islamic holiday of a year whose
date is not yet published (Kurban ait) is the package's estimate. Nothing is downloaded.

The working-day clock runs only on working days, 24 hours each. N working days after a moment on a
working day is the same time of day on the N-th working day after it (Friday 10:00 + 1 = Monday 10:00).
A request that arrives on a day off starts the clock at 00:00 of the next working day, so its deadline is
the end of the N-th working day counting that one (Saturday + 1 = Monday 24:00, i.e. Tuesday 00:00).
Days are counted in the zone given (the office's, e.g. ``ZoneInfo("Asia/Almaty")``): a mail received at
20:00 UTC on 15 December is received on Independence Day in Almaty.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from types import MappingProxyType
from typing import Literal

import holidays

WEEKEND = frozenset({5, 6})  # Saturday, Sunday
_DEADLINE = re.compile(r"^\s*(\d+)\s*(h|hours?|wd|working[ _-]?days?)\s*$", re.IGNORECASE)


class DeadlineError(ValueError):
    """A deadline that cannot be computed or parsed; the message says why."""


@dataclass(frozen=True)
class YearCalendar:
    """One year of a country's calendar: its days off with their names, and its working weekend days."""

    year: int
    days_off: Mapping[date, str]
    working_weekend_days: frozenset[date]


Calendar = Callable[[int], YearCalendar]
"""A year -> :class:`YearCalendar` function; :func:`kazakhstan` by default, a fake in tests."""


@functools.lru_cache(maxsize=32)
def kazakhstan(year: int) -> YearCalendar:
    """Kazakhstan's calendar for ``year``, from the ``holidays`` package (names in English).

    The neighbouring years are loaded too: a decree can move a working day across New Year.
    """
    source = holidays.country_holidays("KZ", years=(year - 1, year, year + 1), language="en_US")
    days_off = {day: str(name) for day, name in source.items() if day.year == year}
    working = frozenset(day for day in source.weekend_workdays if day.year == year)
    return YearCalendar(year, MappingProxyType(days_off), working)


def day_off_reason(day: date, calendar: Calendar = kazakhstan) -> str | None:
    """Why ``day`` is not a working day (a holiday's name, or "weekend"); None for a working day."""
    year = calendar(day.year)
    if day in year.working_weekend_days:
        return None
    if day in year.days_off:
        return year.days_off[day]
    return "weekend" if day.weekday() in WEEKEND else None


def is_working_day(day: date, calendar: Calendar = kazakhstan) -> bool:
    return day_off_reason(day, calendar) is None


def add_working_days(start: datetime, days: int, zone: tzinfo, calendar: Calendar = kazakhstan) -> datetime:
    """The moment ``days`` working days after ``start`` (timezone-aware), in ``zone``.

    ``days=0`` is ``start`` itself on a working day, else 00:00 of the next working day.
    """
    if start.tzinfo is None:
        raise DeadlineError("the start of a deadline must be timezone-aware")
    if days < 0:
        raise DeadlineError(f"working days must not be negative, got {days}")
    moment = start.astimezone(zone).replace(tzinfo=None)  # wall-clock time in the zone
    left = timedelta(days=days)
    while True:
        midnight = datetime.combine(moment.date() + timedelta(days=1), time())
        if is_working_day(moment.date(), calendar):
            if left <= midnight - moment:
                return (moment + left).replace(tzinfo=zone)
            left -= midnight - moment
        moment = midnight


@dataclass(frozen=True)
class Deadline:
    """A promise to answer within ``amount`` calendar hours ("24h") or working days ("3wd")."""

    amount: int
    unit: Literal["hours", "working_days"]

    def __post_init__(self) -> None:
        if self.unit not in {"hours", "working_days"}:
            raise DeadlineError(f"unit {self.unit!r} is neither 'hours' nor 'working_days'")
        if self.amount <= 0:
            raise DeadlineError(f"a deadline must be positive, got {self.amount}")

    @classmethod
    def parse(cls, text: str) -> Deadline:
        """ "24h", "48 hours", "3wd", "5 working days"."""
        match = _DEADLINE.match(text)
        if not match:
            raise DeadlineError(f"deadline {text!r} is not like '24h' or '3wd'")
        unit: Literal["hours", "working_days"] = (
            "hours" if match[2].lower().startswith("h") else "working_days"
        )
        return cls(int(match.group(1)), unit)

    def __str__(self) -> str:
        return f"{self.amount}{'h' if self.unit == 'hours' else 'wd'}"

    def due(self, start: datetime, zone: tzinfo, calendar: Calendar = kazakhstan) -> datetime:
        """When the deadline falls, in ``zone``; hours run on the calendar, working days on ``calendar``."""
        if self.unit == "working_days":
            return add_working_days(start, self.amount, zone, calendar)
        if start.tzinfo is None:
            raise DeadlineError("the start of a deadline must be timezone-aware")
        return (start.astimezone(UTC) + timedelta(hours=self.amount)).astimezone(zone)
