"""The 24-hour promise as a policy: deadlines per category, escalation levels, and the SLA clock.

A deadline is a number of hours ("24h") or of working days on Kazakhstan's calendar ("3wd",
:mod:`inboxbot.core.workdays`), per category. The clock starts when the mailbox received the mail and
runs while a ticket is ``new`` or ``open``; it
stops while the ticket waits on the client (``waiting``) or is ``resolved``, and the ticket keeps the
stopped time (``paused_seconds``) so the deadline and every level move by exactly that much. Nothing
here touches a database or a scheduler: the sweep asks the policy which levels are due and when the
next one falls due.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo

from inboxbot.core.tickets import TicketStatus
from inboxbot.core.workdays import add_working_days

CLOCK_STOPPED = frozenset({TicketStatus.WAITING.value, TicketStatus.RESOLVED.value})
_OFFSET = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(h|m|%)\s*$", re.IGNORECASE)


class PolicyError(ValueError):
    """An SLA policy that cannot be enforced; the message names what is wrong."""


@dataclass(frozen=True)
class Offset:
    """When a level falls due after the SLA start: a fixed time ("12h", "90m") or a share of the
    category's deadline ("50%"), so one list of levels serves categories with different deadlines."""

    text: str
    hours: float | None = None
    share: float | None = None

    @classmethod
    def parse(cls, text: str | float) -> Offset:
        if isinstance(text, int | float):
            return cls(f"{text}h", hours=float(text))
        match = _OFFSET.match(text)
        if not match:
            raise PolicyError(f"offset {text!r} is not like '12h', '90m' or '50%'")
        value, unit = float(match.group(1)), match.group(2).lower()
        if unit == "%":
            return cls(text, share=value / 100)
        return cls(text, hours=value if unit == "h" else value / 60)

    def after(self, deadline: timedelta) -> timedelta:
        if self.share is not None:
            return deadline * self.share
        return timedelta(hours=self.hours or 0)


@dataclass(frozen=True)
class WorkingDays:
    """A deadline of ``days`` working days, counted in ``zone`` on Kazakhstan's calendar."""

    days: int
    zone: tzinfo = UTC

    def span(self, start: datetime) -> timedelta:
        return add_working_days(start, self.days, self.zone) - start

    @property
    def shortest(self) -> timedelta:
        """The least it can be (no day off in between): levels must fit in it."""
        return timedelta(days=self.days)

    def __str__(self) -> str:
        return f"{self.days}wd"


Deadline = timedelta | WorkingDays


def span_of(deadline: Deadline, start: datetime) -> timedelta:
    return deadline.span(start) if isinstance(deadline, WorkingDays) else deadline


def shortest(deadline: Deadline) -> timedelta:
    return deadline.shortest if isinstance(deadline, WorkingDays) else deadline


def describe(deadline: Deadline) -> str:
    """ "24h", "1.5h", "3wd"."""
    if isinstance(deadline, WorkingDays):
        return str(deadline)
    return f"{deadline.total_seconds() / 3600:g}h"


@dataclass(frozen=True)
class Level:
    name: str
    offset: Offset
    recipients: tuple[str, ...]
    template: str
    breach: bool = False


@dataclass(frozen=True)
class SlaPolicy:
    default_deadline: Deadline
    levels: tuple[Level, ...]
    deadlines: Mapping[str, Deadline] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = [level.name for level in self.levels]
        if len(set(names)) != len(names):
            raise PolicyError(f"level names must be unique: {names}")
        for category, deadline in {"(default)": self.default_deadline, **self.deadlines}.items():
            self._check_levels(category, deadline)

    def _check_levels(self, category: str, rule: Deadline) -> None:
        deadline = shortest(rule)
        if deadline <= timedelta(0):
            raise PolicyError(f"the deadline of {category} must be positive")
        previous = timedelta(-1)
        for level in self.levels:
            at = level.offset.after(deadline)
            if at > deadline:
                raise PolicyError(
                    f"level {level.name!r} at {level.offset.text} falls after the {category} deadline "
                    f"of {_hours(deadline)} (give it as a share, e.g. '90%', or move it)"
                )
            if at < previous:
                raise PolicyError(
                    f"levels must be in order of their offsets ({level.name!r} comes too early)"
                )
            if not level.recipients:
                raise PolicyError(f"level {level.name!r} has no recipients")
            previous = at

    def deadline(self, category: str) -> Deadline:
        return self.deadlines.get(category, self.default_deadline)

    def due_at(self, category: str, received_at: datetime, paused_seconds: float = 0) -> datetime:
        start = received_at + timedelta(seconds=paused_seconds)
        return start + span_of(self.deadline(category), received_at)

    def schedule(
        self, category: str, received_at: datetime, paused_seconds: float = 0
    ) -> list[tuple[Level, datetime]]:
        """Every level with the moment it falls due, in order."""
        start = received_at + timedelta(seconds=paused_seconds)
        deadline = span_of(self.deadline(category), received_at)
        return [(level, start + level.offset.after(deadline)) for level in self.levels]

    def due_levels(
        self, category: str, received_at: datetime, paused_seconds: float, fired: Iterable[str], now: datetime
    ) -> list[tuple[Level, datetime]]:
        """Levels due by ``now`` that have not fired: all of them, in order, never one skipped."""
        done = set(fired)
        return [
            (lv, at)
            for lv, at in self.schedule(category, received_at, paused_seconds)
            if at <= now and lv.name not in done
        ]

    def next_due(
        self, category: str, received_at: datetime, paused_seconds: float, fired: Iterable[str]
    ) -> datetime | None:
        """When the next unfired level falls due (None when every level has fired)."""
        done = set(fired)
        pending = [
            at for lv, at in self.schedule(category, received_at, paused_seconds) if lv.name not in done
        ]
        return min(pending) if pending else None


def clock_runs(status: str) -> bool:
    return status not in CLOCK_STOPPED


def time_to_resolve(received_at: datetime, resolved_at: datetime, paused_seconds: float) -> timedelta:
    """Working time of a resolved ticket: from receipt to resolution, minus the time it waited."""
    return resolved_at - received_at - timedelta(seconds=paused_seconds)


def describe_remaining(due_at: datetime, now: datetime, language: str = "ru") -> str:
    """ "осталось 3 ч 20 мин" / "просрочено на 1 ч 5 мин" and their kk/en forms, for staff mail."""
    left = due_at - now
    words = _WORDS.get(language, _WORDS["ru"])
    amount = _duration(abs(left), words)
    return words["left"].format(amount) if left >= timedelta(0) else words["over"].format(amount)


_WORDS = {
    "ru": {"h": "ч", "m": "мин", "left": "осталось {}", "over": "просрочено на {}"},
    "kk": {"h": "сағ", "m": "мин", "left": "{} қалды", "over": "{} кешікті"},
    "en": {"h": "h", "m": "min", "left": "{} left", "over": "overdue by {}"},
}


def _duration(span: timedelta, words: Mapping[str, str]) -> str:
    minutes = int(span.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} {words['h']} {minutes} {words['m']}" if hours else f"{minutes} {words['m']}"


def _hours(span: timedelta) -> str:
    return f"{span.total_seconds() / 3600:g}h"
