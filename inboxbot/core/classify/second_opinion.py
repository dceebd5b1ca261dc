"""A second opinion on the rules, and the confidence it makes possible.

The rules say *what* a mail asks for and *why* (evidence a person can read), but their confidence is a
handful of levels: every explicit request scores 0.95, right or wrong. A second, independent reader
grades them: a linear model per request intent over what the sentences mean — the concepts their words
carry (one for "отпишите", "otpishite", "unsubscribe" and "шығарыңыз" alike), negated, asked for,
questioned or in the subject, and which predicate each object is bound to. It never sees the rules'
verdict, so where the two disagree the rules are often wrong.

The confidence of a verdict is then a probability, *calibrated* on genuine mistakes: the rules' first
runs on every set that was held out when they met it (``tests/data/first-runs/``), with the model's
opinion of each mail taken from a model that had not seen that mail's set. ``P(right) =
sigmoid(a + b * logit(p) + c * rule_level)``, one curve for the request intents the rules found and one
for a verdict of ``other`` (there ``p`` is the model's strongest request). Weights and curves are data
(``second_opinion.json``), trained by ``python -m inboxbot.model_training`` (see docs/classifier.md);
this module only reads them: no I/O per mail, no library, a sum over ~30 features.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources

from inboxbot.core.intents import Intent

from .negation import COMPLAINT, Word
from .sentences import Sentence

FEATURES_VERSION = 2
MODEL_INTENTS = (Intent.UNSUBSCRIBE, Intent.DATA_CHANGE, Intent.DATA_DELETION, Intent.DATA_ACCESS)
_CLIP = 1e-4


def features(sentences: Iterable[Sentence]) -> frozenset[str]:
    """What the model reads of a mail: binary features of meaning, independent of any rule's verdict.
    No word forms: with ~1,700 labelled mails, stems learnt noise ("я" against unsubscribing) and
    calibrated worse on held-out first runs (docs/classifier.md, "Round 6")."""
    found: set[str] = set()
    for sentence in sentences:
        found.update("v:" + value for value in sentence.values)
        if sentence.question:
            found.add("?")
        for word in sentence.words:
            if word is not None:
                _word_features(sentence, word, found)
    return frozenset(found)


_SUBJECT, _QUESTION, _NEGATED, _ASKED = 1, 2, 3, 4


def _marked(concept: str) -> tuple[str, str, str, str, str]:
    """A concept's feature names: plain, in the subject, in a question, negated, asked for."""
    return concept, "s:" + concept, concept + "~q", concept + "~neg", concept + "~ask"


def _word_features(sentence: Sentence, word: Word, found: set[str]) -> None:
    """A word's concepts; as said in the subject, in a question, negated, asked for; bound to a verb."""
    add = found.add
    marks = []
    if sentence.where == "subject":
        marks.append(_SUBJECT)
    if sentence.question:
        marks.append(_QUESTION)
    if word.negated and word.neg_kind != COMPLAINT:
        marks.append(_NEGATED)
    if word.directive:
        marks.append(_ASKED)
    if word.reported:
        add("~reported")
    for concept in word.concepts:
        names = _MARKED.get(concept) or _MARKED.setdefault(concept, _marked(concept))
        add(names[0])
        for mark in marks:
            add(names[mark])
    words = sentence.words
    head = words[word.head] if 0 <= word.head < len(words) else None
    if head is not None:
        for verb in head.concepts:
            for concept in word.concepts:
                key = (verb, concept)
                add(_BOUND.get(key) or _BOUND.setdefault(key, verb + ">" + concept))


_MARKED: dict[str, tuple[str, str, str, str, str]] = {}
_BOUND: dict[tuple[str, str], str] = {}  # concepts are a closed set: these stay small


@dataclass(frozen=True)
class LinearModel:
    """One logistic regression per request intent over binary features, kept as one table
    (feature -> its weight for each of :data:`MODEL_INTENTS`) so a mail costs one lookup a feature."""

    bias: tuple[float, ...]
    table: Mapping[str, tuple[float, ...]]

    @classmethod
    def from_weights(
        cls, bias: Mapping[str, float], weights: Mapping[str, Mapping[str, float]]
    ) -> LinearModel:
        names = {f for intent in MODEL_INTENTS for f in weights.get(intent.value, {})}
        table = {f: tuple(weights.get(i.value, {}).get(f, 0.0) for i in MODEL_INTENTS) for f in names}
        return cls(tuple(bias.get(i.value, 0.0) for i in MODEL_INTENTS), table)

    def probabilities(self, feats: frozenset[str]) -> dict[Intent, float]:
        rows = [w for w in map(self.table.get, feats) if w is not None]
        sums = map(sum, zip(self.bias, *rows, strict=True))
        return dict(zip(MODEL_INTENTS, map(_sigmoid, sums), strict=True))


@dataclass(frozen=True)
class Curve:
    """``P(right) = sigmoid(a + b * logit(p) + c * rule_level)``."""

    a: float
    b: float
    c: float

    def __call__(self, p: float, rule_level: float) -> float:
        return _sigmoid(self.a + self.b * logit(p) + self.c * rule_level)


@dataclass(frozen=True)
class SecondOpinion:
    model: LinearModel
    request: Curve  # P(the intent is asked for | the rules found it)
    other: Curve  # P(nothing is asked for | the rules found nothing), p = the model's strongest request

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> SecondOpinion:
        if data.get("features_version") != FEATURES_VERSION:
            raise ValueError("second_opinion.json was trained on other features: retrain it")
        model = data["model"]
        curves = data["calibration"]
        assert isinstance(model, dict)
        assert isinstance(curves, dict)
        return cls(
            LinearModel.from_weights(model["bias"], model["weights"]),
            Curve(*curves["request"]),
            Curve(*curves["other"]),
        )


def load() -> SecondOpinion:
    """The trained weights shipped with the package."""
    text = resources.files(__package__).joinpath("second_opinion.json").read_text(encoding="utf-8")
    return SecondOpinion.from_dict(json.loads(text))


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def logit(p: float) -> float:
    """log(p / (1 - p)), with p kept off 0 and 1."""
    p = min(max(p, _CLIP), 1.0 - _CLIP)
    return math.log(p / (1.0 - p))
