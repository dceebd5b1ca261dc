"""What staff decided a mail asks for (triage in the console, ``tickets approve``, "not a request"),
as labelled mails for measuring the classifier on real mail: ``inboxbot classify eval --from-tickets``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import col

from inboxbot.adapters.db.models import LabelledExample, MessageRaw
from inboxbot.adapters.db.store import Store
from inboxbot.evaluate import Labelled


def labelled_by_staff(store: Store, since: datetime | None = None) -> list[Labelled]:
    """The latest decision per mail (a later correction replaces an earlier one), with the mail's bytes;
    mails whose raw bytes are no longer kept are left out."""
    with store.transaction() as tx:
        stmt = (
            select(LabelledExample, col(MessageRaw.raw))
            .join(MessageRaw, col(MessageRaw.message_id) == col(LabelledExample.message_id))
            .order_by(col(LabelledExample.at), col(LabelledExample.id))
        )
        if since is not None:
            stmt = stmt.where(col(LabelledExample.at) >= since)
        latest: dict[int, Labelled] = {}
        for example, raw in tx.session.execute(stmt):
            latest[example.message_id or 0] = Labelled(
                f"ticket-{example.ticket_id}/mail-{example.message_id}", raw, tuple(sorted(example.intents))
            )
        return list(latest.values())
