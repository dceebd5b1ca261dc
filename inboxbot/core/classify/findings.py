"""What a rule found in a sentence: a request, or a signal about one (keep me subscribed)."""

from __future__ import annotations

from dataclasses import dataclass

from inboxbot.core.intents import Intent

from .concepts import C, Concept
from .negation import Word
from .sentences import Sentence

STRONG = 0.95
MEDIUM = 0.85
WEAK = 0.6
KEEP = "keep"  # a signal, not an intent: "do not unsubscribe me", "subscribe me"


@dataclass(frozen=True, slots=True)
class Finding:
    intent: Intent | str  # an Intent, or KEEP
    rule: str
    where: str
    words: str
    strength: float
    directive: bool
    channel: str = "any"  # "sms", "email" or "any" (unsubscribe family only)
    typo: bool = False
    sentence: int = 0


def found(
    intent: Intent | str,
    rule: str,
    sentence: Sentence,
    words: list[Word],
    strength: float,
    *,
    channel: str = "any",
) -> Finding:
    ordered = sorted({w.index: w for w in words}.values(), key=lambda w: w.index)
    return Finding(
        intent=intent,
        rule=rule,
        where=sentence.where,
        words=" … ".join(w.text for w in ordered),
        strength=strength,
        directive=any(w.directive for w in ordered),
        channel=channel,
        typo=any(w.typo for w in ordered),
        sentence=sentence.position,
    )


def channel_of(concepts: set[Concept] | frozenset[Concept]) -> str:
    if C.SMS in concepts:
        return "sms"
    if concepts & {C.MAIL, C.LIST, C.SUBSCRIPTION, C.MARKETING, C.SPAM}:
        return "email"
    return "any"
