"""Deadlines in working days on Kazakhstan's calendar: weekends, public holidays, days off moved by decree."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from inboxbot.core.workdays import (
    Deadline,
    DeadlineError,
    YearCalendar,
    add_working_days,
    day_off_reason,
    is_working_day,
)

ALMATY = ZoneInfo("Asia/Almaty")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ALMATY)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # plain weeks
        (at(2026, 11, 24, 10), 1, at(2026, 11, 25, 10)),
        (at(2026, 11, 27, 10), 1, at(2026, 11, 30, 10)),
        (at(2026, 11, 27, 10), 5, at(2026, 12, 4, 10)),
        (at(2026, 11, 24, 10), 0, at(2026, 11, 24, 10)),
        # a request on a day off starts the clock at 00:00 of the next working day
        (at(2026, 11, 28, 14), 1, at(2026, 12, 1)),
        (at(2026, 11, 29, 23, 59), 0, at(2026, 11, 30)),
        (at(2026, 5, 1, 11), 1, at(2026, 5, 5)),  # Unity Day (Friday), then the weekend
        # Independence Day, 16 December (17 December is a working day again since 2022)
        (at(2025, 12, 15, 10), 1, at(2025, 12, 17, 10)),
        (at(2026, 12, 15, 9, 30), 2, at(2026, 12, 18, 9, 30)),
        # Nauryz 21-23 March, with the days off moved from the weekend
        (at(2026, 3, 20, 10), 1, at(2026, 3, 26, 10)),
        (at(2025, 3, 20, 16), 1, at(2025, 3, 26, 16)),
        # New Year 1-2 January, then Orthodox Christmas on 7 January
        (at(2025, 12, 31, 15), 1, at(2026, 1, 5, 15)),
        (at(2025, 12, 31, 15), 3, at(2026, 1, 8, 15)),
        # decrees: Friday 3 January 2025 off, Sunday 5 January worked instead
        (at(2024, 12, 31, 10), 1, at(2025, 1, 5, 10)),
        (at(2025, 1, 4, 12), 1, at(2025, 1, 6)),
        # decrees: Saturday 4 May 2024 worked, Wednesday 8 May off between 7 and 9 May
        (at(2024, 5, 3, 10), 1, at(2024, 5, 4, 10)),
        (at(2024, 5, 3, 10), 3, at(2024, 5, 10, 10)),
    ],
)
def test_working_days_skip_weekends_holidays_and_decreed_days_off(
    start: datetime, days: int, expected: datetime
) -> None:
    assert expected == add_working_days(start, days, ALMATY)


def test_days_are_counted_in_the_given_zone_not_in_utc() -> None:
    received = datetime(2025, 12, 15, 20, 0, tzinfo=UTC)  # 01:00 on Independence Day in Almaty
    due = add_working_days(received, 1, ALMATY)
    assert at(2025, 12, 18) == due
    assert datetime(2025, 12, 17, 19, 0, tzinfo=UTC) == due.astimezone(UTC)
    assert due.tzinfo is ALMATY


def test_a_working_day_deadline_always_falls_on_a_working_day_or_at_the_end_of_one() -> None:
    for offset in range(366):
        start = at(2025, 1, 1, 10) + timedelta(days=offset)
        for days in (1, 2, 5):
            due = add_working_days(start, days, ALMATY)
            on_working_day = due.time().hour == 10 and is_working_day(due.date())
            at_end_of_one = due.time().hour == 0 and is_working_day(due.date() - timedelta(days=1))
            assert on_working_day or at_end_of_one, (start, days, due)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 12, 16), "Independence Day"),
        (date(2025, 12, 17), None),
        (date(2026, 3, 24), "Nowruz Holiday (observed)"),
        (date(2026, 1, 1), "New Year's Day"),
        (date(2026, 11, 28), "weekend"),
        (date(2024, 5, 4), None),
        (date(2025, 1, 5), None),
        (date(2025, 1, 3), "Day off (substituted from 01/05/2025)"),
        (date(2026, 11, 24), None),
    ],
)
def test_day_off_reason_names_the_holiday_or_the_weekend(day: date, expected: str | None) -> None:
    assert expected == day_off_reason(day)


def no_holidays(year: int) -> YearCalendar:
    return YearCalendar(year, {}, frozenset())


def test_the_calendar_is_a_parameter() -> None:
    assert at(2025, 12, 16, 10) == add_working_days(at(2025, 12, 15, 10), 1, ALMATY, no_holidays)


@pytest.mark.parametrize(
    ("start", "days", "message"),
    [
        (datetime(2026, 11, 24, 10), 1, "timezone-aware"),
        (at(2026, 11, 24, 10), -1, "must not be negative"),
    ],
)
def test_a_naive_start_or_negative_days_is_refused(start: datetime, days: int, message: str) -> None:
    with pytest.raises(DeadlineError, match=message):
        add_working_days(start, days, ALMATY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24h", Deadline(24, "hours")),
        ("48 hours", Deadline(48, "hours")),
        ("1 hour", Deadline(1, "hours")),
        ("3wd", Deadline(3, "working_days")),
        ("5 working days", Deadline(5, "working_days")),
        (" 1 Working_Day ", Deadline(1, "working_days")),
    ],
)
def test_a_deadline_is_given_in_hours_or_working_days(text: str, expected: Deadline) -> None:
    assert expected == Deadline.parse(text)


@pytest.mark.parametrize("text", ["3 days", "24", "h", "-1wd", "1.5h", ""])
def test_a_deadline_in_other_units_is_refused(text: str) -> None:
    with pytest.raises(DeadlineError, match="is not like"):
        Deadline.parse(text)


def test_a_deadline_must_be_positive() -> None:
    with pytest.raises(DeadlineError, match="must be positive"):
        Deadline.parse("0wd")


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        (Deadline(24, "hours"), at(2025, 12, 16, 10)),  # hours run through the holiday
        (Deadline(1, "working_days"), at(2025, 12, 17, 10)),  # working days do not
        (Deadline(2, "working_days"), at(2025, 12, 18, 10)),
    ],
)
def test_a_deadline_falls_in_hours_on_the_calendar_or_in_working_days(
    deadline: Deadline, expected: datetime
) -> None:
    assert expected == deadline.due(at(2025, 12, 15, 10), ALMATY)


def test_a_deadline_reads_back_as_written() -> None:
    expected = ["24h", "3wd"]
    assert expected == [str(Deadline.parse("24 hours")), str(Deadline.parse("3 working days"))]
