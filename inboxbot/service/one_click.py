"""One-click unsubscribe links (RFC 8058) used: the address suppressed and removed everywhere, at once.

The link (``POST /u/TOKEN``, see :mod:`inboxbot.web.views_unsubscribe`) and its mailto form (a mail
whose subject is ``unsubscribe-TOKEN``, recognised by :class:`~inboxbot.service.intake.Intake`) both
end in :func:`unsubscribe_in`: one call of
:func:`~inboxbot.service.suppression.suppress_everywhere` in the caller's transaction. The token is the
proof (:mod:`inboxbot.core.unsubscribe_links`); nothing is asked of the classifier. The platform calls
it owes are made after the commit (:class:`~inboxbot.service.platform_sync.PlatformSync`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import structlog

from inboxbot.adapters.db.store import Store, Tx
from inboxbot.core.addresses import mask_address
from inboxbot.core.intents import LANGUAGES
from inboxbot.core.unsubscribe_links import LinkKeys, LinkTarget
from inboxbot.service.inbound import Clock
from inboxbot.service.suppression import Suppressed, suppress_everywhere

log = structlog.get_logger("inboxbot.unsubscribe")

REASON = "one-click unsubscribe"
ACTOR = "one-click"


def unsubscribe_in(
    tx: Tx, target: LinkTarget, *, origin: str, now: datetime, platforms: Sequence[str]
) -> Suppressed:
    """Suppress the token's address everywhere in ``tx`` (``origin``: "one-click" for the link,
    "mailto" for the mail); harmless when repeated."""
    done = suppress_everywhere(
        tx,
        target.address,
        reason=REASON,
        actor=ACTOR,
        origin=origin,
        now=now,
        platforms=platforms,
        detail={"segment": target.segment} if target.segment else None,
    )
    log.info(
        "unsubscribe.one_click", address=mask_address(done.address), origin=origin, newly=done.newly,
        segment=target.segment, segments_left=len(done.segments), platforms=done.platforms,
    )  # fmt: skip
    return done


class OneClick:
    """What the link's page needs: who a token names, in which language to speak, and the unsubscribe."""

    def __init__(
        self,
        store: Store,
        keys: LinkKeys | None,
        clock: Clock,
        platforms: Sequence[str],
        default_language: str,
    ) -> None:
        self.store = store
        self.keys = keys
        self.clock = clock
        self.platforms = tuple(platforms)
        self.default_language = default_language

    def target(self, token: str) -> LinkTarget | None:
        """Who ``token`` unsubscribes; None for a token that is not ours (or while links are off)."""
        return self.keys.read(token, self.clock().date()) if self.keys else None

    def language(self, target: LinkTarget | None, accept_language: str) -> str:
        """The contact's own language when we hold one, else the browser's, else the default."""
        if target is not None:
            with self.store.transaction() as tx:
                contact = tx.contacts.contact(target.address)
                if contact is not None and contact.language in LANGUAGES:
                    return contact.language
        return preferred_language(accept_language) or self.default_language

    def unsubscribe(self, target: LinkTarget) -> Suppressed:
        """One transaction: suppressed, out of every own segment, a suppression owed by every platform."""
        with self.store.transaction() as tx:
            return unsubscribe_in(tx, target, origin="one-click", now=self.clock(), platforms=self.platforms)


def preferred_language(accept_language: str) -> str | None:
    """The first of ru, kk, en an ``Accept-Language`` header prefers (by its q-values), or None."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        code = tag.strip().lower().split("-")[0]
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if code in LANGUAGES and quality > 0:
            ranked.append((-quality, index, code))
    return min(ranked)[2] if ranked else None
