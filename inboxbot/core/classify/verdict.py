"""From findings to a :class:`Classification`: conflicts, confidence, review, evidence.

- A "keep me subscribed" / "subscribe me" signal cancels unsubscribe findings on the same channel
  unless they are requests in their own right (so "Случайно нажал «Отписаться». Подпишите обратно"
  is other, while "keep the e-mails, stop the SMS" stays unsubscribe).
- Weak findings (still receiving, never subscribed, a bare "remove") count only when nothing stronger
  says the same; "never subscribed" only when the mail asks for nothing else; a bare "remove"/"Удаление"
  not when the mail asks for a deletion (that is what it removes); mail refused at an old address not
  when the mail changes the address ("поменяйте почту на новую ..., на старую больше ничего не шлите").
- Confidence is the weakest intent's best finding; a request seen only through a typo, only through a
  weak rule, or alongside a conflicting signal, lowers it below the review threshold.
- ``other`` is not a flat certainty: a mail that uses the words of a request (unsubscribe, remove,
  erase, change, close, withdraw...) although no rule completes a request from them goes to a person
  (``request_words``, below the review threshold), so a miss fails toward a person, not toward silence.
"""

from __future__ import annotations

from dataclasses import dataclass

from inboxbot.core.intents import Classification, Evidence, Intent

from .findings import KEEP, MEDIUM, Finding

REVIEW_BELOW = 0.7
_TYPO_PENALTY = 0.3
_ALONE_ONLY = frozenset({"never_subscribed"})
_EXPLAINED_BY = {"bare_remove": Intent.DATA_DELETION, "old_address_mail": Intent.DATA_CHANGE}
OTHER_CONFIDENCE = 0.9
OTHER_UNSURE = 0.65


@dataclass(frozen=True)
class Verdict:
    intents: tuple[Intent, ...]
    confidence: float
    evidence: tuple[Evidence, ...]
    conflict: bool


def decide(findings: list[Finding]) -> Verdict:
    keeps = [f for f in findings if f.intent == KEEP]
    requests = [f for f in findings if f.intent != KEEP]
    if keeps:  # an explained finding is no conflict with "keep me subscribed"
        requests = _drop_explained(requests)
    requests, conflict = _resolve_keep(requests, keeps)
    requests = _drop_weak(requests)
    if not requests:
        confidence = OTHER_UNSURE if conflict else OTHER_CONFIDENCE
        evidence = tuple(_evidence(f, Intent.OTHER) for f in keeps)
        return Verdict((Intent.OTHER,), confidence, evidence, conflict)
    by_intent: dict[Intent, list[Finding]] = {}
    for finding in requests:
        by_intent.setdefault(Intent(finding.intent), []).append(finding)
    confidence = min(_intent_confidence(group) for group in by_intent.values())
    if conflict:
        confidence = min(confidence, REVIEW_BELOW - 0.05)
    evidence = tuple(_evidence(f, Intent(f.intent)) for group in by_intent.values() for f in group)
    return Verdict(tuple(sorted(by_intent, key=lambda i: i.value)), confidence, evidence, conflict)


def _resolve_keep(requests: list[Finding], keeps: list[Finding]) -> tuple[list[Finding], bool]:
    if not keeps:
        return requests, False
    kept: list[Finding] = []
    conflict = False
    for finding in requests:
        clashing = [k for k in keeps if _channel(k.channel) == _channel(finding.channel)]
        if finding.intent != Intent.UNSUBSCRIBE or not clashing:
            kept.append(finding)
        elif finding.directive and all(k.sentence != finding.sentence for k in clashing):
            kept.append(finding)  # "unsubscribe me" and "don't unsubscribe me" both asked: a person decides
            conflict = True
    return kept, conflict


def _channel(channel: str) -> str:
    """Unsubscribing with no channel named means the newsletter, i.e. e-mail."""
    return "email" if channel == "any" else channel


def _drop_explained(requests: list[Finding]) -> list[Finding]:
    """A bare "remove" in a mail that asks for a deletion is that deletion; mail refused at an old
    address in a mail that changes the address is that change."""
    if not any(f.rule in _EXPLAINED_BY for f in requests):
        return requests
    strong_intents = {f.intent for f in requests if f.strength >= MEDIUM}
    return [f for f in requests if _EXPLAINED_BY.get(f.rule) not in strong_intents]


def _drop_weak(requests: list[Finding]) -> list[Finding]:
    strong_intents = {f.intent for f in requests if f.strength >= MEDIUM}
    out = []
    for finding in requests:
        if _EXPLAINED_BY.get(finding.rule) in strong_intents:
            continue
        if finding.strength >= MEDIUM:
            out.append(finding)
        elif finding.rule in _ALONE_ONLY:
            if not strong_intents and all(f.rule in _ALONE_ONLY or f.strength < MEDIUM for f in requests):
                out.append(finding)
        elif finding.intent not in strong_intents:
            out.append(finding)
    return out


def _intent_confidence(group: list[Finding]) -> float:
    best = 0.0
    for finding in group:
        score = finding.strength - (_TYPO_PENALTY if finding.typo else 0.0)
        best = max(best, score)
    return best


def _evidence(finding: Finding, intent: Intent) -> Evidence:
    rule = finding.rule if finding.intent != KEEP else f"{finding.rule} (cancels unsubscribe)"
    return Evidence(intent, rule, finding.where, finding.words)


def classification(
    verdict: Verdict, language: str, language_known: bool, unresolved: tuple[Evidence, ...] = ()
) -> Classification:
    """``unresolved``: words of a request that no rule completed; they make an ``other`` unsure."""
    confidence = verdict.confidence if language_known else min(verdict.confidence, REVIEW_BELOW - 0.05)
    evidence = verdict.evidence
    if verdict.intents == (Intent.OTHER,) and unresolved:
        confidence, evidence = min(confidence, OTHER_UNSURE), evidence + unresolved[:3]
    return Classification(
        intents=verdict.intents,
        language=language,
        confidence=round(confidence, 3),
        needs_review=confidence < REVIEW_BELOW,
        evidence=evidence,
    )
