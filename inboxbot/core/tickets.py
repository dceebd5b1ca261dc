"""Ticket rules: numbers, statuses, categories and the SLA due time. No storage here."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from enum import StrEnum

from inboxbot.core.intents import Intent


class TicketStatus(StrEnum):
    NEW = "new"  # opened, nobody has acted on it yet (needs_review tickets wait here for triage)
    OPEN = "open"  # being worked on
    WAITING = "waiting"  # waiting on the client; the SLA clock pauses
    RESOLVED = "resolved"


# The category is the request that needs the most care; it names the ticket in lists and SLA reports.
CATEGORY_PRECEDENCE = (
    Intent.DATA_DELETION,
    Intent.DATA_ACCESS,
    Intent.DATA_CHANGE,
    Intent.UNSUBSCRIBE,
    Intent.OTHER,
)


def category_for(intents: tuple[Intent, ...] | list[Intent]) -> str:
    for intent in CATEGORY_PRECEDENCE:
        if intent in intents:
            return intent.value
    return Intent.OTHER.value


def merge_intents(current: list[str], added: tuple[Intent, ...]) -> list[str]:
    """Intents of a ticket after a client's follow-up: requests accumulate, "other" yields to them."""
    merged = {Intent(i) for i in current} | {i for i in added if i is not Intent.AUTOMATED}
    if len(merged) > 1:
        merged.discard(Intent.OTHER)
    return sorted(i.value for i in merged)


def format_number(prefix: str, year: int, sequence: int) -> str:
    return f"{prefix}-{year}-{sequence:06d}"


def number_pattern(prefix: str) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(prefix)}-(\d{{4}})-(\d{{6,}})\b")


def numbers_in(text: str, prefix: str) -> list[str]:
    """Ticket numbers mentioned in ``text`` (a reply's subject), in order of appearance."""
    return [m.group(0) for m in number_pattern(prefix).finditer(text)]


def due_at(received_at: datetime, deadline_hours: float) -> datetime:
    """The SLA deadline: counted from when the mailbox received the mail, not when we saw it."""
    return received_at + timedelta(hours=deadline_hours)
