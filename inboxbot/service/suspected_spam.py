"""Suspected spam and phishing, kept aside for staff to look at (nothing was answered or done)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import col

from inboxbot.adapters.db.models import Message
from inboxbot.adapters.db.store import Store
from inboxbot.service.inbound import Outcome

PAGE = 50


@dataclass(frozen=True)
class SpamRow:
    id: int
    received_at: datetime
    sender: str
    subject: str
    why: Sequence[str]  # the spam and phishing evidence, "rule: words"


def suspected_spam(store: Store, page: int = 1) -> list[SpamRow]:
    """Newest first, a page at a time."""
    with store.transaction() as tx:
        stmt = (
            select(Message)
            .where(col(Message.outcome) == Outcome.SPAM.value)
            .order_by(col(Message.received_at).desc(), col(Message.id).desc())
            .limit(PAGE)
            .offset((max(page, 1) - 1) * PAGE)
        )
        return [_row(m) for m in tx.session.scalars(stmt)]


def _row(message: Message) -> SpamRow:
    evidence = (message.classification or {}).get("evidence", [])
    why = [
        f"{e['rule']}: {e['words']}"
        for e in evidence
        if str(e.get("rule", "")).startswith(("spam_", "phishing_"))
    ]
    return SpamRow(message.id or 0, message.received_at, message.sender, message.subject, why)
