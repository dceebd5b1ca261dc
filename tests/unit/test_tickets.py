from __future__ import annotations

from datetime import UTC, datetime

import pytest

from inboxbot.core.intents import Intent
from inboxbot.core.tickets import category_for, due_at, format_number, merge_intents, numbers_in


def test_ticket_numbers_are_human_readable_and_found_in_subjects() -> None:
    number = format_number("HB", 2026, 123)
    assert number == "HB-2026-000123"
    assert numbers_in(f"Re: [{number}] Ваше обращение зарегистрировано", "HB") == [number]
    assert numbers_in("Re: HB-2026-12 and XHB-2026-000001", "HB") == []


def test_due_time_counts_from_mailbox_receipt() -> None:
    received = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)
    assert due_at(received, 24) == datetime(2026, 11, 25, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("intents", "category"),
    [
        ((Intent.UNSUBSCRIBE,), "unsubscribe"),
        ((Intent.DATA_CHANGE, Intent.UNSUBSCRIBE), "data_change"),
        ((Intent.DATA_ACCESS, Intent.DATA_DELETION), "data_deletion"),
        ((Intent.OTHER,), "other"),
    ],
)
def test_category_is_the_request_needing_most_care(intents: tuple[Intent, ...], category: str) -> None:
    assert category_for(intents) == category


def test_follow_up_requests_accumulate_and_replace_other() -> None:
    assert merge_intents(["other"], (Intent.UNSUBSCRIBE,)) == ["unsubscribe"]
    assert merge_intents(["data_change"], (Intent.OTHER,)) == ["data_change"]
    assert merge_intents(["data_change"], (Intent.UNSUBSCRIBE,)) == ["data_change", "unsubscribe"]
