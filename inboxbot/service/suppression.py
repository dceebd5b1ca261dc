"""Stop every mailing to an address, in one transaction: suppressed, out of inboxbot's own segments, and
owed a suppression by every mailing platform (:mod:`inboxbot.service.platform_sync` makes those calls
after the commit). For the ways an address is unsubscribed without a ticket of its own: a one-click
link, a complaint report, a bounce of our own newsletter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from inboxbot.adapters.db.models import Suppression, Ticket
from inboxbot.adapters.db.store import Tx
from inboxbot.service.platform_sync import queue_task


@dataclass(frozen=True)
class Suppressed:
    address: str
    newly: bool  # False: it was suppressed already (a repeated click changes nothing)
    segments: tuple[str, ...]  # inboxbot's own segments it left
    platforms: int  # platform calls owed


def suppress_everywhere(
    tx: Tx,
    address: str,
    *,
    reason: str,
    actor: str,
    origin: str,
    now: datetime,
    platforms: Sequence[str],
    ticket: Ticket | None = None,
    detail: dict[str, str] | None = None,
) -> Suppressed:
    """Suppress ``address`` (lower-cased), take it out of every own segment and owe each platform in
    ``platforms`` a suppression (``origin`` names the cause, e.g. "one-click", "complaint"). Harmless
    when repeated: an address suppressed already stays so, and its platform rows are queued once."""
    address = address.strip().lower()
    newly = tx.contacts.suppress(
        Suppression(email=address, reason=reason, suppressed_at=now, actor=actor, ticket=ticket, evidence=[])
    )
    contact = tx.contacts.contact(address)
    left = tuple(tx.contacts.remove_from_all_segments(contact.id)) if contact and contact.id else ()
    if newly or left:
        history = {"reason": reason, **(detail or {})}
        if left:
            history["segments"] = ", ".join(left)
        tx.contacts.record(address, "suppressed", history, at=now, actor=actor, ticket=ticket)
    for name in platforms:
        queue_task(tx, name, "suppress", address, origin=origin, now=now, ticket=ticket)
    return Suppressed(address, newly, left, len(platforms))
