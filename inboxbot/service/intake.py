"""Take inbound mail in: parse, classify, then open or extend tickets, all committed in one transaction.

:meth:`Intake.process_batch` is the function at the heart of every mail source: the IMAP poller, the
Maildir reader and the tests all call it (:meth:`Intake.process` for one mail). Parsing and
classification happen first, outside any transaction (:mod:`inboxbot.service.preparation`, in other
processes when :meth:`Intake.start` is given a pool); then every mail's effects (its message row, the
ticket, the events, the outbox rows, the mailbox cursor) are written in one transaction for the batch,
each mail in a savepoint of its own so that one mail's failure never takes another's work with it.
The caller moves mail out of the inbox only after this returns, i.e. after the commit.
"""

from __future__ import annotations

import email.parser
import email.policy
import email.utils
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import structlog
from sqlalchemy.exc import DBAPIError, IntegrityError

from inboxbot.adapters.db.models import Message
from inboxbot.adapters.db.store import DuplicateError, Store, Tx
from inboxbot.core.addresses import mask_address, normalize_address
from inboxbot.core.classify.spam import is_spam_evidence
from inboxbot.core.intents import Classification, Evidence, Intent
from inboxbot.core.mail import ParsedMail, ParseLimits, digest_of
from inboxbot.core.unsubscribe_links import LinkKeys, token_in_subject
from inboxbot.service.complaints import ComplaintPolicy, is_complaint_report, take_complaint
from inboxbot.service.inbound import (
    DESTINATION,
    Clock,
    Destination,
    Inbound,
    Outcome,
    Result,
    message_row,
)
from inboxbot.service.one_click import unsubscribe_in
from inboxbot.service.preparation import Classifier, InlinePreparer, Preparation, Preparer
from inboxbot.service.ticketing import REPLY_WINDOW, Ticketing

log = structlog.get_logger("inboxbot.intake")


@dataclass(frozen=True)
class IntakePolicy:
    limits: ParseLimits = field(default_factory=ParseLimits)
    max_failures: int = 3  # a mail whose processing fails this often is quarantined
    # The keys of one-click unsubscribe links (a mail "unsubscribe-TOKEN" is the link's mailto form;
    # None: links are off) and the mailing platforms a suppression is owed to.
    links: LinkKeys | None = None
    platforms: tuple[str, ...] = ()
    complaints: ComplaintPolicy = field(default_factory=ComplaintPolicy)  # feedback-loop reports


@dataclass
class _Prepared:
    """A mail after the CPU work: parsed and classified, or the reason it cannot be read."""

    inbound: Inbound
    started: float
    digest: str
    key: str
    mail: ParsedMail | None = None
    verdict: Classification | None = None
    unreadable: str = ""


@dataclass(frozen=True)
class PendingBatch:
    """A batch whose CPU work has begun (see :meth:`Intake.start`)."""

    batch: list[Inbound]
    started: float
    result: Callable[[], list[Preparation]]

    def prepared(self) -> list[_Prepared]:
        return [
            _prepared(inbound, self.started, preparation)
            for inbound, preparation in zip(self.batch, self.result(), strict=True)
        ]


class Intake:
    def __init__(
        self,
        *,
        store: Store,
        classify: Classifier,
        ticketing: Ticketing,
        policy: IntakePolicy,
        clock: Clock,
        preparer: Preparer | None = None,
    ) -> None:
        self.store = store
        self.ticketing = ticketing
        self.policy = policy
        self.clock = clock
        self.preparer = preparer or InlinePreparer(policy.limits, classify)

    def process(self, inbound: Inbound) -> Result:
        """Commit everything one mail causes; return where the mail should go now."""
        return self.process_batch([inbound])[0]

    def process_batch(self, batch: Sequence[Inbound]) -> list[Result]:
        """Commit everything a batch of mails causes, in one transaction; one result per mail."""
        return self.commit(self.start(batch))

    def start(self, batch: Sequence[Inbound]) -> PendingBatch:
        """Begin the CPU work on a batch (parsing, classifying), in other processes when the preparer
        has a pool, so that the caller can commit the previous batch meanwhile."""
        batch = list(batch)
        result = self.preparer.start([(inbound.raw, inbound.declared_size) for inbound in batch])
        return PendingBatch(batch, time.perf_counter(), result)

    def commit(self, pending: PendingBatch) -> list[Result]:
        """Commit everything a started batch causes, in one transaction; one result per mail.

        First optimistically, the whole batch at once; should any mail fail (a bug it triggers, or a
        race with another worker), the batch is rolled back and done again mail by mail, each in a
        savepoint, so that the failing mail is isolated and the others still go through.
        """
        batch = pending.batch
        prepared = pending.prepared()
        try:
            results = self._commit_batch(prepared, batch)
        except (DuplicateError, IntegrityError):
            results = self._commit_each(prepared, batch)
        except DBAPIError:
            raise  # the database itself is in trouble: the whole batch is retried later
        except Exception as exc:  # one mail's bug: find it, mail by mail
            log.info("batch.retried_mail_by_mail", mails=len(batch), error=type(exc).__name__)
            results = self._commit_each(prepared, batch)
        for item, result in zip(prepared, results, strict=True):
            _log_result(item, result)
        return results

    def _commit_batch(self, prepared: list[_Prepared], batch: Sequence[Inbound]) -> list[Result]:
        now = self.clock()
        with self.store.transaction() as tx:
            known = tx.known_keys([item.key for item in prepared])
            senders = sorted(
                {item.mail.from_address for item in prepared if item.mail and item.mail.from_address}
            )
            tx.preload_reply_counts(senders, now - REPLY_WINDOW)
            tx.contacts.preload_suppressions(senders)
            results = []
            # Rows pile up and are written in one flush at the commit, not mail by mail; lookups made
            # meanwhile (threads, suppressions) see the database as it was, which is why a batch that
            # trips over its own unwritten rows is done again mail by mail.
            with tx.session.no_autoflush:
                for item in prepared:
                    if item.key in known:
                        results.append(_duplicate(known[item.key]))
                        continue
                    result = self._apply(tx, item)
                    known[item.key] = result.outcome.value  # the same mail twice in one batch
                    results.append(result)
            self._advance(tx, batch)
        return results

    def _commit_each(self, prepared: list[_Prepared], batch: Sequence[Inbound]) -> list[Result]:
        with self.store.transaction() as tx:
            results = [self._commit_one(tx, item) for item in prepared]
            self._advance(tx, batch)
        return results

    # -- in the transaction ---------------------------------------------------------------------
    def _commit_one(self, tx: Tx, item: _Prepared) -> Result:
        savepoint = tx.savepoint()
        try:
            existing = tx.message_by_dedupe_key(item.key)
            result = _duplicate(existing.outcome) if existing is not None else self._apply(tx, item)
            savepoint.commit()
            return result
        except IntegrityError:
            # Committed meanwhile by another worker, or earlier in this very batch.
            savepoint.rollback()
            existing = tx.message_by_dedupe_key(item.key)
            if existing is None:
                raise
            return _duplicate(existing.outcome)
        except DBAPIError:
            raise  # the database itself is in trouble: the whole batch is retried later
        except Exception as exc:  # a bug this mail triggers: retried, then quarantined
            savepoint.rollback()
            return self._failed(tx, item, exc)

    def _apply(self, tx: Tx, item: _Prepared) -> Result:
        if item.unreadable or item.mail is None or item.verdict is None:
            return self._quarantine(tx, item.inbound, item.unreadable)
        mail, verdict, inbound = item.mail, item.verdict, item.inbound
        one_click = self._one_click_mailto(tx, inbound, mail, verdict)
        if one_click is not None:
            return one_click
        intents = tuple(i.value for i in verdict.intents)
        if verdict.is_automated:
            outcome = Outcome.SPAM if is_spam_evidence(verdict.evidence) else Outcome.AUTOMATED
            tx.add_message(message_row(inbound, mail, verdict, outcome, now=self.clock()), inbound.raw)
            if outcome is Outcome.AUTOMATED and is_complaint_report(verdict):
                take_complaint(
                    tx,
                    inbound.raw,
                    report_sender=mail.from_address,
                    policy=self.policy.complaints,
                    platforms=self.policy.platforms,
                    links=self.policy.links,
                    now=self.clock(),
                    report_id=mail.message_id or "",
                )
            return Result(outcome, Destination.AUTOMATED, intents=intents)
        ticket = self.ticketing.thread_of(tx, mail)
        if ticket is not None:
            self.ticketing.add_reply(tx, ticket, inbound, mail, verdict)
            return Result(Outcome.REPLY_ADDED, Destination.PROCESSED, ticket.number, intents=intents)
        ticket = self.ticketing.open(tx, inbound, mail, verdict)
        return Result(Outcome.TICKET_OPENED, Destination.PROCESSED, ticket.number, intents=intents)

    def _one_click_mailto(
        self, tx: Tx, inbound: Inbound, mail: ParsedMail, verdict: Classification
    ) -> Result | None:
        """A mail whose subject is ``unsubscribe-TOKEN`` with a valid token: the token's address (which
        may not be the sender's: the mail may have been forwarded) is suppressed everywhere, no ticket
        and no answer. Any other mail, an invalid token included, is left to the classifier's verdict."""
        token = token_in_subject(mail.subject) if self.policy.links else None
        now = self.clock()
        target = self.policy.links.read(token, now.date()) if self.policy.links and token else None
        if target is None:
            return None
        proof = Evidence(Intent.AUTOMATED, "one_click_mailto", "subject", target.address)
        automated = Classification((Intent.AUTOMATED,), verdict.language, 1.0, False, (proof,))
        tx.add_message(message_row(inbound, mail, automated, Outcome.AUTOMATED, now=now), inbound.raw)
        unsubscribe_in(tx, target, origin="mailto", now=now, platforms=self.policy.platforms)
        return Result(Outcome.AUTOMATED, Destination.AUTOMATED, intents=(Intent.AUTOMATED.value,))

    def _quarantine(self, tx: Tx, inbound: Inbound, reason: str) -> Result:
        sender, subject = _headers_for_staff(inbound.raw)
        digest = digest_of(inbound.raw)
        tx.add_message(
            Message(
                dedupe_key=f"sha256:{digest}",
                digest=digest,
                source=inbound.source,
                source_ref=inbound.ref,
                received_at=inbound.received_at,
                processed_at=self.clock(),
                sender=sender,
                subject=subject,
                outcome=Outcome.QUARANTINED.value,
                quarantine_reason=reason,
                attachments=[],
                size=inbound.declared_size or len(inbound.raw),
            ),
            inbound.raw,
        )
        return Result(Outcome.QUARANTINED, Destination.QUARANTINE, reason=reason)

    def _failed(self, tx: Tx, item: _Prepared, exc: Exception) -> Result:
        error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}".rstrip(": ")
        attempts = tx.record_failure(item.digest, error, self.clock())
        log.error(
            "mail.failed",
            ref=item.inbound.ref,
            mail=item.digest[:12],
            attempts=attempts,
            error=error,
            exc_info=exc,
        )
        if attempts < self.policy.max_failures:
            return Result(Outcome.RETRY, None, reason=error)
        savepoint = tx.savepoint()
        result = self._quarantine(tx, item.inbound, f"processing failed {attempts} times: {error}")
        savepoint.commit()
        return result

    def _advance(self, tx: Tx, batch: Sequence[Inbound]) -> None:
        last: dict[tuple[str, int], int] = {}
        for inbound in batch:
            if inbound.cursor:
                key = (inbound.cursor.folder, inbound.cursor.uidvalidity)
                last[key] = max(last.get(key, 0), inbound.cursor.uid)
        for (folder, uidvalidity), uid in last.items():
            tx.advance_cursor(folder, uidvalidity, uid, self.clock())


def _prepared(inbound: Inbound, started: float, preparation: Preparation) -> _Prepared:
    if preparation.failure:
        log.error("classifier.failed", mail=preparation.digest[:12], traceback=preparation.failure)
    return _Prepared(
        inbound,
        started,
        preparation.digest,
        preparation.key,
        preparation.mail,
        preparation.verdict,
        preparation.unreadable,
    )


def _duplicate(stored_outcome: str) -> Result:
    outcome = Outcome(stored_outcome)
    return Result(
        Outcome.DUPLICATE, DESTINATION.get(outcome, Destination.PROCESSED), reason=f"already {outcome.value}"
    )


def _headers_for_staff(raw: bytes) -> tuple[str, str]:
    """Best-effort sender and subject of a mail that could not be parsed, for the staff listing."""
    try:
        headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw[:65536])
        sender = normalize_address(email.utils.parseaddr(str(headers.get("From", "")))[1])
        return sender, str(headers.get("Subject", ""))[:500]
    except Exception:  # the mail is already known to be broken; any detail is a bonus
        return "", ""


def _log_result(item: _Prepared, result: Result) -> None:
    fields: dict[str, Any] = {
        "outcome": result.outcome.value,
        "destination": result.destination.value if result.destination else "inbox",
        "ref": item.inbound.ref,
        "mail": item.digest[:12],
        "sender": mask_address(item.mail.from_address if item.mail else ""),
        "duration_ms": round((time.perf_counter() - item.started) * 1000, 1),
    }
    if result.ticket_number:
        fields["ticket"] = result.ticket_number
    if item.mail is not None and item.mail.body_unreadable:  # a robot known by its headers alone
        fields["body_unreadable"] = item.mail.body_unreadable
    if item.verdict is not None:
        fields.update(
            intents=list(result.intents),
            language=item.verdict.language,
            needs_review=item.verdict.needs_review,
        )
    if result.outcome in {Outcome.QUARANTINED, Outcome.RETRY}:
        log.warning("mail.processed", reason=result.reason, **fields)
    else:
        log.info("mail.processed", **fields)
