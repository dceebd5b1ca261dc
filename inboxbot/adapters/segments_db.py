"""The built-in segment backend: mailing lists kept in inboxbot's own database."""

from __future__ import annotations

from datetime import datetime

from inboxbot.adapters.db.store import Tx
from inboxbot.service.inbound import Clock


class DatabaseSegments:
    name = "database"

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def remove_everywhere(self, address: str, tx: Tx) -> list[str]:
        contact = tx.contacts.contact(address)
        if contact is None or contact.id is None:
            return []
        left = tx.contacts.remove_from_all_segments(contact.id)
        if left:
            now: datetime = self.clock()
            tx.contacts.record(address, "removed_from_segments", {"segments": left}, at=now, actor="inboxbot")
        return left
