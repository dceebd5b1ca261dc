"""The SLA policy with an injected clock: levels fall due on time, in order, never skipped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from inboxbot.config import ConfigError, load_settings
from inboxbot.core.sla import Level, Offset, PolicyError, SlaPolicy, describe_remaining

START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def level(name: str, at: str, breach: bool = False) -> Level:
    return Level(name, Offset.parse(at), (f"{name}@1texno.kz",), f"sla_{name}", breach)


POLICY = SlaPolicy(
    default_deadline=timedelta(hours=24),
    levels=(level("reminder", "12h"), level("escalation", "20h"), level("breach", "24h", breach=True)),
    deadlines={"unsubscribe": timedelta(hours=24)},
)


@pytest.mark.parametrize(
    ("age_hours", "due"),
    [
        (11, []),
        (13, ["reminder"]),
        (21, ["reminder", "escalation"]),
        (25, ["reminder", "escalation", "breach"]),
    ],
)
def test_every_level_due_by_now_fires_in_order(age_hours: float, due: list[str]) -> None:
    now = START + timedelta(hours=age_hours)
    assert [lv.name for lv, _ in POLICY.due_levels("other", START, 0, (), now)] == due


def test_a_fired_level_is_not_due_again_and_the_next_one_is_scheduled() -> None:
    now = START + timedelta(hours=13)
    assert POLICY.due_levels("other", START, 0, {"reminder"}, now) == []
    assert POLICY.next_due("other", START, 0, {"reminder"}) == START + timedelta(hours=20)
    assert POLICY.next_due("other", START, 0, {"reminder", "escalation", "breach"}) is None


def test_paused_time_moves_every_level_and_the_deadline() -> None:
    paused = 5 * 3600
    assert POLICY.due_at("other", START, paused) == START + timedelta(hours=29)
    assert POLICY.next_due("other", START, paused, ()) == START + timedelta(hours=17)


def test_absolute_offsets_that_fall_after_a_shorter_deadline_are_refused() -> None:
    with pytest.raises(PolicyError, match="falls after the unsubscribe deadline of 4h"):
        SlaPolicy(timedelta(hours=24), (level("reminder", "12h"),), {"unsubscribe": timedelta(hours=4)})


def test_share_offsets_scale_with_each_categorys_deadline() -> None:
    policy = SlaPolicy(
        timedelta(hours=24),
        (level("reminder", "50%"), level("breach", "100%", breach=True)),
        {"unsubscribe": timedelta(hours=4)},
    )
    assert [at - START for _, at in policy.schedule("unsubscribe", START)] == [
        timedelta(hours=2),
        timedelta(hours=4),
    ]
    assert [at - START for _, at in policy.schedule("other", START)] == [
        timedelta(hours=12),
        timedelta(hours=24),
    ]


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ((level("a", "20h"), level("b", "12h")), "in order"),
        ((level("a", "12h"), level("a", "20h")), "unique"),
        ((Level("a", Offset.parse("12h"), (), "sla_a"),), "no recipients"),
        ((level("a", "30h"),), "falls after"),
    ],
)
def test_unenforceable_policies_are_refused(levels: tuple[Level, ...], message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        SlaPolicy(timedelta(hours=24), levels)


@pytest.mark.parametrize("text", ["12", "h12", "12 hours", "-1h", ""])
def test_offsets_must_be_readable(text: str) -> None:
    with pytest.raises(PolicyError):
        Offset.parse(text)


def test_configuration_refuses_a_level_after_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "INBOXBOT_SLA__LEVELS",
        '[{"name": "late", "at": "30h", "recipients": ["boss@1texno.kz"], "template": "sla_breach"}]',
    )
    with pytest.raises(
        ConfigError, match=r"sla \(INBOXBOT_SLA\): Value error, level 'late' at 30h falls after"
    ):
        load_settings(None)


def test_configuration_refuses_an_empty_recipient_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "INBOXBOT_SLA__LEVELS", '[{"name": "r", "at": "12h", "recipients": [], "template": "sla_reminder"}]'
    )
    with pytest.raises(ConfigError, match=r"sla\.levels\.0\.recipients"):
        load_settings(None)


@pytest.mark.parametrize(
    ("language", "left", "over"),
    [
        ("ru", "осталось 3 ч 20 мин", "просрочено на 1 ч 5 мин"),
        ("kk", "3 сағ 20 мин қалды", "1 сағ 5 мин кешікті"),
        ("en", "3 h 20 min left", "overdue by 1 h 5 min"),
    ],
)
def test_time_left_is_told_in_the_staff_language(language: str, left: str, over: str) -> None:
    due = START + timedelta(hours=24)
    assert describe_remaining(due, due - timedelta(hours=3, minutes=20), language) == left
    assert describe_remaining(due, due + timedelta(hours=1, minutes=5), language) == over


def test_a_deadline_in_working_days_steps_over_weekends_and_kazakh_holidays() -> None:
    from zoneinfo import ZoneInfo

    from inboxbot.config import SlaSettings

    almaty = ZoneInfo("Asia/Almaty")
    policy = SlaSettings(deadlines={"data_access": "3wd", "data_change": "1wd"}).policy("Asia/Almaty")
    # Friday before Nauryz 2026: 21-23 March, and the weekend's two days moved to Tuesday 24 and Wednesday 25
    received = datetime(2026, 3, 20, 10, 0, tzinfo=almaty)

    access_due = policy.due_at("data_access", received).astimezone(almaty)
    change_due = policy.due_at("data_change", received).astimezone(almaty)
    unsubscribe_due = policy.due_at("unsubscribe", received).astimezone(almaty)

    assert access_due == datetime(2026, 3, 30, 10, 0, tzinfo=almaty)  # Thu 26, Fri 27, Mon 30
    assert change_due == datetime(2026, 3, 26, 10, 0, tzinfo=almaty)
    assert unsubscribe_due == datetime(2026, 3, 21, 10, 0, tzinfo=almaty)  # the 24-hour promise
    breach = {lv.name: at for lv, at in policy.schedule("data_access", received)}["breach"]
    assert breach.astimezone(almaty) == access_due  # the breach level sits on the deadline


def test_a_deadline_that_is_neither_hours_nor_working_days_is_refused() -> None:
    from inboxbot.config import SlaSettings

    with pytest.raises(ValueError, match="3 weeks"):
        SlaSettings(deadlines={"data_access": "3 weeks"})
