"""Feedback-loop complaints about our own mail: the complaining recipient suppressed everywhere.

A mailbox provider's complaint report (ARF, or Microsoft JMRP's older format) is classified
``automated`` like any robot mail; :func:`take_complaint` then runs in the same intake transaction that
stores it. Only a complaint about our own mail counts: the original must say it came from one of our
own domains (the domains of ``[mailbox] address`` and ``aliases``, subdomains included) or carry one
of our own unsubscribe tokens. The address is the one the report names
(:func:`~inboxbot.core.complaints.complaint_recipient`); when the provider redacted it, the token of the
original's ``List-Unsubscribe`` names it, if the verifier accepts the token. The address is then
suppressed, taken out of every own segment and owed a suppression by every configured mailing platform
(:func:`~inboxbot.service.suppression.suppress_everywhere`), and the complaint is written to the
address's history (``contact_event``, action ``complaint``), from which ``inboxbot status`` and
``/metrics`` count complaints.

Anyone can send a mail that looks like a complaint report, and whether the report is genuine cannot be
told from the mail. A forged one can therefore at most suppress the one address it names, which only
stops our mail to that address (lifted with ``contacts resubscribe``); it never opens a ticket, sends a
mail or changes anything else. Our own addresses are never suppressed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import structlog
from sqlalchemy import func, select
from sqlmodel import col

from inboxbot.adapters.db.models import ContactEvent
from inboxbot.adapters.db.store import Tx
from inboxbot.core.addresses import mask_address
from inboxbot.core.complaints import ComplaintRecipient, complaint_recipient, sent_from, unsubscribe_tokens
from inboxbot.core.intents import Classification
from inboxbot.core.unsubscribe_links import LinkKeys
from inboxbot.service.suppression import suppress_everywhere

log = structlog.get_logger("inboxbot.complaints")

ACTOR = "complaint"
ACTION = "complaint"  # the contact_event action each complaint about our mail leaves
REASON = "complaint (feedback loop)"
RULE = "complaint_report"  # the classifier's evidence that a mail is a complaint report


@dataclass(frozen=True)
class ComplaintPolicy:
    own_addresses: frozenset[str] = frozenset()  # never suppressed; their domains are ours

    @property
    def own_domains(self) -> frozenset[str]:
        return frozenset(address.rsplit("@", 1)[1] for address in self.own_addresses if "@" in address)


class Verdict(StrEnum):
    SUPPRESSED = "suppressed"  # newly suppressed
    ALREADY = "already_suppressed"  # suppressed before: counted, nothing else changes
    NOT_OURS = "not_ours"  # a report about someone else's mail
    UNATTRIBUTED = "unattributed"  # about our mail, but the recipient is redacted and no token names it
    OWN_ADDRESS = "own_address"  # names one of our own addresses: never suppressed


@dataclass(frozen=True)
class ComplaintResult:
    verdict: Verdict
    address: str = ""
    feedback_type: str = ""
    reporter: str = ""


def is_complaint_report(verdict: Classification) -> bool:
    return any(evidence.rule == RULE for evidence in verdict.evidence)


def take_complaint(
    tx: Tx,
    raw: bytes,
    *,
    report_sender: str,
    policy: ComplaintPolicy,
    platforms: Sequence[str],
    links: LinkKeys | None,
    now: datetime,
    report_id: str = "",
) -> ComplaintResult | None:
    """Suppress everywhere the recipient whose complaint ``raw`` reports, when it is about our mail,
    and owe each of ``platforms`` a suppression; None when ``raw`` is no complaint report after all.
    ``links``: the keys of our unsubscribe links (None while they are off); ``report_sender``: the
    report's From, whose domain names the reporter when the report has no ``User-Agent``."""
    found = complaint_recipient(raw)
    if found is None:
        return None
    reporter = found.reporter or report_sender.rpartition("@")[2]
    token_address = _token_address(found, links, now)
    if not (token_address or sent_from(found, policy.own_domains)):
        return _logged(ComplaintResult(Verdict.NOT_OURS, "", found.feedback_type, reporter))
    address = found.address or token_address
    if not address:
        return _logged(ComplaintResult(Verdict.UNATTRIBUTED, "", found.feedback_type, reporter))
    if address in policy.own_addresses:
        return _logged(ComplaintResult(Verdict.OWN_ADDRESS, address, found.feedback_type, reporter))
    detail = {"feedback_type": found.feedback_type, "reporter": reporter}
    if report_id:
        detail["report"] = report_id
    erased = _erased_form(tx, address)
    if erased:  # erased: stays suppressed under its keyed hash, and is never written in clear again
        tx.contacts.record(erased, ACTION, detail, at=now, actor=ACTOR)
        return _logged(ComplaintResult(Verdict.ALREADY, address, found.feedback_type, reporter))
    done = suppress_everywhere(
        tx,
        address,
        reason=REASON,
        actor=ACTOR,
        origin=ACTOR,
        now=now,
        platforms=platforms,
        detail=detail,
    )
    tx.contacts.record(done.address, ACTION, detail, at=now, actor=ACTOR)
    verdict = Verdict.SUPPRESSED if done.newly else Verdict.ALREADY
    return _logged(
        ComplaintResult(verdict, done.address, found.feedback_type, reporter), segments=done.segments
    )


def _erased_form(tx: Tx, address: str) -> str:
    """The keyed hash an erased address is suppressed under; "" when it is not suppressed that way."""
    found = tx.contacts.suppression(address)
    return found.email if found is not None and found.email != address.strip().lower() else ""


def _token_address(found: ComplaintRecipient, links: LinkKeys | None, now: datetime) -> str:
    """The address the first of our own tokens in the original's List-Unsubscribe was made for."""
    if links is None:
        return ""
    for token in unsubscribe_tokens(found.list_unsubscribe):
        target = links.read(token, now.date())
        if target is not None:
            return target.address
    return ""


def _logged(result: ComplaintResult, segments: tuple[str, ...] = ()) -> ComplaintResult:
    fields = {
        "verdict": result.verdict.value,
        "address": mask_address(result.address),
        "feedback_type": result.feedback_type,
        "reporter": result.reporter,
    }
    log.info("complaint.received", segments=len(segments), **fields)
    if result.verdict is Verdict.UNATTRIBUTED:  # about our mail, yet nobody can be suppressed
        log.warning("complaint.unattributed", feedback_type=result.feedback_type, reporter=result.reporter)
    return result


def complaint_counts(tx: Tx, now: datetime) -> dict[str, int]:
    """Complaints about our mail in the last 24 hours, and in all (``inboxbot status``, ``/metrics``).
    Counted from the addresses' history in the database, so every worker and console agrees."""
    complaint = col(ContactEvent.action) == ACTION
    day = (
        select(func.count())
        .select_from(ContactEvent)
        .where(complaint, col(ContactEvent.at) >= now - timedelta(days=1))
    )
    total = select(func.count()).select_from(ContactEvent).where(complaint)
    return {
        "last_24h": int(tx.session.execute(day).scalar_one()),
        "total": int(tx.session.execute(total).scalar_one()),
    }
