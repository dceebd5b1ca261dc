"""The CPU work on an inbound mail, before any transaction: parse it and classify it.

It needs nothing but the raw bytes, the limits and the classifier, and its result pickles, so it may
run in another process (:mod:`inboxbot.adapters.process_pool`) while this one commits the previous
batch. :class:`InlinePreparer` does it here, when the result is asked for.

Robots first, then the body: a mail whose body cannot be read (or trips the classifier) is still
read by its header block, which is always readable; when the headers say robot (a null sender,
MAILER-DAEMON, ``Auto-Submitted``, a report type, list-manager headers, ...) it is classified
``automated`` on that evidence, with the body's problem as one more piece of evidence. Only a mail
with neither readable text nor robot headers is left unreadable, to be quarantined.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from inboxbot.core.classify.automated import robot_headers
from inboxbot.core.intents import Classification, Evidence, Intent
from inboxbot.core.mail import ParsedMail, ParseLimits, UnreadableMail, digest_of, parse_headers, parse_mail
from inboxbot.service.inbound import dedupe_key

Classifier = Callable[[ParsedMail], Classification]

RawMail = tuple[bytes, "int | None"]
"""A mail's bytes and the size the mailbox declared for it (None when it declares none)."""


@dataclass(frozen=True)
class Preparation:
    """A mail parsed and classified, or the reason it cannot be read."""

    digest: str
    key: str  # what duplicates are recognised by
    mail: ParsedMail | None = None
    verdict: Classification | None = None
    unreadable: str = ""
    failure: str = ""  # the traceback when the classifier itself failed on the mail


def prepare(raw: bytes, declared_size: int | None, limits: ParseLimits, classify: Classifier) -> Preparation:
    """Parse and classify one mail; never raises for anything the mail contains."""
    try:
        if declared_size is not None and declared_size > limits.max_message_bytes:
            raise UnreadableMail(
                f"message of {declared_size} bytes exceeds the {limits.max_message_bytes}-byte limit"
            )
        mail = parse_mail(raw, limits)
    except UnreadableMail as exc:
        return _robot_by_headers(raw, limits, classify, exc.reason) or _unreadable(raw, exc.reason)
    try:
        verdict = classify(mail)
    except Exception as exc:  # a classifier bug on hostile input must not stop the inbox
        reason = f"the classifier failed on this mail ({type(exc).__name__})"
        failure = traceback.format_exc()
        robot = _robot_by_headers(raw, limits, classify, reason)
        return replace(robot, failure=failure) if robot else _unreadable(raw, reason, failure=failure)
    return Preparation(mail.digest, dedupe_key(mail), mail, verdict)


def _robot_by_headers(
    raw: bytes, limits: ParseLimits, classify: Classifier, reason: str
) -> Preparation | None:
    """A mail whose body cannot be read, classified by its header block when that says robot."""
    try:
        mail = parse_headers(raw, reason, limits)
    except UnreadableMail:
        return None
    if not robot_headers(mail):
        return None
    try:
        verdict = classify(mail)
    except Exception:  # the classifier failed on the headers alone: nothing left to read
        return None
    if not verdict.is_automated:
        return None
    unreadable = Evidence(Intent.AUTOMATED, "unreadable_body", "structure", reason)
    verdict = replace(verdict, evidence=(*verdict.evidence, unreadable))
    return Preparation(mail.digest, dedupe_key(mail), mail, verdict)


def _unreadable(raw: bytes, reason: str, failure: str = "") -> Preparation:
    digest = digest_of(raw)
    return Preparation(digest, f"sha256:{digest}", unreadable=reason, failure=failure)


Prepared = Callable[[], list[Preparation]]
"""The result of a batch whose preparation has started: call it to have it (waits when need be)."""


class Preparer(Protocol):
    def start(self, raws: Sequence[RawMail]) -> Prepared:
        """Begin preparing a batch; one :class:`Preparation` per mail, in order, once called."""
        ...

    def close(self) -> None: ...


class InlinePreparer:
    """Prepares in this process, when the result is asked for."""

    def __init__(self, limits: ParseLimits, classify: Classifier) -> None:
        self.limits = limits
        self.classify = classify

    def start(self, raws: Sequence[RawMail]) -> Prepared:
        batch = list(raws)
        return lambda: self.prepare_all(batch)

    def prepare_all(self, raws: Sequence[RawMail]) -> list[Preparation]:
        return [prepare(raw, size, self.limits, self.classify) for raw, size in raws]

    def close(self) -> None:
        return None
