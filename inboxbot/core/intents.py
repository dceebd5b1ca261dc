"""What a mail asks for: the intents, the evidence behind them, and the classifier's verdict."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Intent(StrEnum):
    UNSUBSCRIBE = "unsubscribe"
    DATA_CHANGE = "data_change"
    DATA_DELETION = "data_deletion"
    DATA_ACCESS = "data_access"
    OTHER = "other"
    AUTOMATED = "automated"


REQUESTS = frozenset({Intent.UNSUBSCRIBE, Intent.DATA_CHANGE, Intent.DATA_DELETION, Intent.DATA_ACCESS})
"""The intents that are requests under the privacy policy; ``other`` and ``automated`` stand alone."""

AUTOMATION_THRESHOLD = 0.9
"""The default ``[classifier] automation_threshold``: the lowest confidence from which the classifier's
unsubscribe verdicts were right at least 99 times in 100 on held-out mail, as ``python -m
inboxbot.model_training`` measures it (a test keeps the two equal; docs/classifier.md)."""

LANGUAGES = ("ru", "kk", "en")
UNDETERMINED = "und"
"""The language of mail written in none of :data:`LANGUAGES` (ISO 639-2 "undetermined"): it is answered
in the default language and flagged for a person."""


@dataclass(frozen=True)
class Evidence:
    """Why an intent was found: the rule that fired, where, and the words it fired on."""

    intent: Intent
    rule: str
    where: str  # "subject", "body", "header", "structure", "sender"
    words: str

    def to_dict(self) -> dict[str, str]:
        return {"intent": self.intent.value, "rule": self.rule, "where": self.where, "words": self.words}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evidence:
        return cls(Intent(data["intent"]), str(data["rule"]), str(data["where"]), str(data["words"]))


@dataclass(frozen=True)
class Classification:
    intents: tuple[Intent, ...]  # sorted by value; "other" and "automated" always alone
    language: str  # "ru", "kk", "en", or "und" for any other language
    confidence: float  # 0..1
    needs_review: bool
    evidence: tuple[Evidence, ...] = ()

    def __post_init__(self) -> None:
        ordered = tuple(sorted(set(self.intents), key=lambda i: i.value))
        if not ordered:
            raise ValueError("a classification needs at least one intent")
        alone = {Intent.OTHER, Intent.AUTOMATED}
        if len(ordered) > 1 and alone & set(ordered):
            raise ValueError(f"{ordered} mixes a request with other/automated")
        object.__setattr__(self, "intents", ordered)

    @property
    def is_automated(self) -> bool:
        return self.intents == (Intent.AUTOMATED,)

    @property
    def requests(self) -> tuple[Intent, ...]:
        return tuple(i for i in self.intents if i in REQUESTS)

    def gated(self, threshold: float) -> Classification:
        """Requests the classifier is less sure of than ``threshold`` go to a person before anything
        irreversible or client-visible is done (the acknowledgement still goes out)."""
        if not self.requests or self.needs_review or self.confidence >= threshold:
            return self
        return Classification(self.intents, self.language, self.confidence, True, self.evidence)

    def to_dict(self) -> dict[str, Any]:
        return {
            "intents": [i.value for i in self.intents],
            "language": self.language,
            "confidence": round(self.confidence, 3),
            "needs_review": self.needs_review,
            "evidence": [e.to_dict() for e in self.evidence],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Classification:
        return cls(
            intents=tuple(Intent(i) for i in data["intents"]),
            language=str(data["language"]),
            confidence=float(data["confidence"]),
            needs_review=bool(data["needs_review"]),
            evidence=tuple(Evidence.from_dict(e) for e in data.get("evidence", [])),
        )
