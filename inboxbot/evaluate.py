"""Measure the classifier on a labelled folder of mails.

``python -m inboxbot.evaluate DIR [--check] [--threshold T]`` reads ``DIR/labels.json`` (``{id:
{"intents": [...], "lang": ...}}``, one ``DIR/<id>.eml`` per id) and prints per-intent
precision/recall/F1, exact-set accuracy, language accuracy, a confusion table of gold vs predicted label
sets, the figures at the automation threshold (what inboxbot would act on without a person), a
reliability table of the confidence, and every misclassified mail with its evidence. With ``--check``
it exits 1 when a quality bar fails. :func:`score` does the same for any labelled mails (``inboxbot
classify eval --from-tickets`` scores what staff corrected).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from inboxbot.core.classify import classify
from inboxbot.core.intents import AUTOMATION_THRESHOLD, Classification, Intent
from inboxbot.core.mail import ParseLimits
from inboxbot.service.preparation import prepare

# Quality bars (see docs/classifier.md).
MIN_EXACT_ACCURACY = 0.97
MIN_UNSUBSCRIBE_RECALL = 0.99
MIN_UNSUBSCRIBE_PRECISION = 0.98
MAX_AUTOMATED_AS_REQUEST = 0
MAX_REQUEST_AS_AUTOMATED = 0

_REQUESTS = (Intent.UNSUBSCRIBE, Intent.DATA_CHANGE, Intent.DATA_DELETION, Intent.DATA_ACCESS)
DEFAULT_THRESHOLD = AUTOMATION_THRESHOLD  # ClassifierSettings.automation_threshold
_BINS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.97, 0.99, 1.0001)


@dataclass(frozen=True)
class Labelled:
    """One mail with what a person says it asks for (``lang`` empty when nobody said)."""

    mail_id: str
    raw: bytes
    intents: tuple[str, ...]
    lang: str = ""


@dataclass(frozen=True)
class Judged:
    gold: tuple[str, ...]
    predicted: tuple[str, ...]
    confidence: float
    needs_review: bool

    @property
    def right(self) -> bool:
        return self.gold == self.predicted


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Miss:
    mail_id: str
    gold: tuple[str, ...]
    predicted: tuple[str, ...]
    gold_lang: str
    predicted_lang: str
    evidence: tuple[str, ...]


@dataclass
class Report:
    total: int = 0
    exact: int = 0
    language_right: int = 0
    needs_review: int = 0
    automated_as_request: int = 0
    request_as_automated: int = 0
    per_intent: dict[str, Scores] = field(default_factory=dict)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    misses: list[Miss] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    judged: list[Judged] = field(default_factory=list)
    robots_taken_for_people: int = 0  # gold automated, predicted a person's mail (would be answered)

    @property
    def exact_accuracy(self) -> float:
        return self.exact / self.total if self.total else 0.0

    @property
    def language_accuracy(self) -> float:
        return self.language_right / self.total if self.total else 0.0

    def failures(self) -> list[str]:
        """The quality bars this report does not meet, as sentences."""
        failed = []
        unsub = self.per_intent.get(Intent.UNSUBSCRIBE.value, Scores(1.0, 1.0, 1.0, 0))
        if self.exact_accuracy < MIN_EXACT_ACCURACY:
            failed.append(f"exact-set accuracy {self.exact_accuracy:.3f} < {MIN_EXACT_ACCURACY}")
        if unsub.support and unsub.recall < MIN_UNSUBSCRIBE_RECALL:
            failed.append(f"unsubscribe recall {unsub.recall:.3f} < {MIN_UNSUBSCRIBE_RECALL}")
        if unsub.support and unsub.precision < MIN_UNSUBSCRIBE_PRECISION:
            failed.append(f"unsubscribe precision {unsub.precision:.3f} < {MIN_UNSUBSCRIBE_PRECISION}")
        if self.automated_as_request > MAX_AUTOMATED_AS_REQUEST:
            failed.append(f"{self.automated_as_request} automated mail(s) classified as a request")
        if self.request_as_automated > MAX_REQUEST_AS_AUTOMATED:
            failed.append(f"{self.request_as_automated} request(s) classified as automated")
        if self.unreadable:
            failed.append(f"{len(self.unreadable)} mail(s) could not be parsed")
        return failed


def evaluate(directory: Path | str) -> Report:
    """Classify every labelled mail in ``directory`` and score the result."""
    directory = Path(directory)
    labels: dict[str, dict[str, object]] = json.loads((directory / "labels.json").read_text("utf-8"))
    return score(
        Labelled(
            mail_id,
            (directory / f"{mail_id}.eml").read_bytes(),
            tuple(sorted(str(i) for i in labels[mail_id]["intents"])),  # type: ignore[attr-defined]
            str(labels[mail_id].get("lang", "")),
        )
        for mail_id in sorted(labels)
    )


def score(mails: Iterable[Labelled]) -> Report:
    """Classify each mail as the intake does (a mail whose body cannot be read is still judged by its
    headers) and score the result against its labels."""
    report = Report()
    pairs: list[tuple[set[str], set[str]]] = []
    for mail in mails:
        result = prepare(mail.raw, None, ParseLimits(), classify).verdict
        if result is None:
            report.unreadable.append(mail.mail_id)
            continue
        lang = mail.lang or result.language  # staff labels carry no language
        _score_one(report, mail.mail_id, mail.intents, lang, result)
        pairs.append((set(mail.intents), {i.value for i in result.intents}))
    report.per_intent = _per_intent(pairs)
    return report


def _score_one(
    report: Report, mail_id: str, gold: tuple[str, ...], lang: str, result: Classification
) -> None:
    predicted = tuple(i.value for i in result.intents)
    report.total += 1
    report.exact += predicted == gold
    report.language_right += result.language == lang
    report.needs_review += result.needs_review
    report.confusion[("+".join(gold), "+".join(predicted))] += 1
    requests = {i.value for i in _REQUESTS}
    if gold == (Intent.AUTOMATED.value,) and requests & set(predicted):
        report.automated_as_request += 1
    if requests & set(gold) and predicted == (Intent.AUTOMATED.value,):
        report.request_as_automated += 1
    if gold == (Intent.AUTOMATED.value,) and predicted != gold:
        report.robots_taken_for_people += 1
    report.judged.append(Judged(gold, predicted, result.confidence, result.needs_review))
    if predicted != gold or result.language != lang:
        evidence = tuple(f"{e.intent.value}: {e.rule} [{e.where}] {e.words!r}" for e in result.evidence)
        report.misses.append(Miss(mail_id, gold, predicted, lang, result.language, evidence))


def _per_intent(pairs: list[tuple[set[str], set[str]]]) -> dict[str, Scores]:
    scores = {}
    for intent in Intent:
        tp = sum(1 for gold, pred in pairs if intent.value in gold and intent.value in pred)
        fp = sum(1 for gold, pred in pairs if intent.value not in gold and intent.value in pred)
        fn = sum(1 for gold, pred in pairs if intent.value in gold and intent.value not in pred)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[intent.value] = Scores(precision, recall, f1, tp + fn)
    return scores


@dataclass(frozen=True)
class Automation:
    """What inboxbot would do on its own at ``threshold``: a request it acts on without a person."""

    intent: str
    acted: int  # mails it would act on for this intent
    right: int  # of those, the gold set has the intent
    gold: int  # mails whose gold set has it

    @property
    def precision(self) -> float:
        return self.right / self.acted if self.acted else 1.0

    @property
    def coverage(self) -> float:
        return self.right / self.gold if self.gold else 1.0


def at_threshold(report: Report, threshold: float) -> list[Automation]:
    rows = []
    for intent in _REQUESTS:
        acted = [
            j for j in report.judged
            if intent.value in j.predicted and not j.needs_review and j.confidence >= threshold
        ]  # fmt: skip
        right = sum(intent.value in j.gold for j in acted)
        gold = sum(intent.value in j.gold for j in report.judged)
        rows.append(Automation(intent.value, len(acted), right, gold))
    return rows


SWEEP = (0.70, 0.80, 0.85, 0.90, 0.92, 0.95, 0.97, 0.98, 0.99)


def sweep(report: Report, intent: str = "unsubscribe") -> list[tuple[float, Automation]]:
    """``intent``'s automation at each threshold of :data:`SWEEP`: where precision reaches 0.99."""
    rows = []
    for threshold in SWEEP:
        row = next(a for a in at_threshold(report, threshold) if a.intent == intent)
        rows.append((threshold, row))
    return rows


def reliability(report: Report) -> list[tuple[float, float, int, float]]:
    """(low, high, mails, share right) per confidence band: a calibrated 0.9 is right nine times in ten."""
    rows = []
    for low, high in pairwise(_BINS):
        band = [j for j in report.judged if low <= j.confidence < high]
        if band:
            rows.append((low, min(high, 1.0), len(band), sum(j.right for j in band) / len(band)))
    return rows


def render(report: Report, threshold: float = DEFAULT_THRESHOLD) -> str:
    lines = [f"{'intent':<15}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}"]
    for name, s in report.per_intent.items():
        lines.append(f"{name:<15}{s.precision:>10.3f}{s.recall:>10.3f}{s.f1:>10.3f}{s.support:>10}")
    lines += [
        "",
        f"mails: {report.total}   exact-set accuracy: {report.exact_accuracy:.3f} "
        f"({report.exact}/{report.total})",
        f"language accuracy: {report.language_accuracy:.3f}   needs review: {report.needs_review}",
        f"automated classified as a request: {report.automated_as_request}   "
        f"request classified as automated: {report.request_as_automated}   "
        f"robots taken for people: {report.robots_taken_for_people}",
        "",
        f"at the automation threshold {threshold} (acted on without a person):",
        f"  {'intent':<15}{'acted':>8}{'right':>8}{'precision':>11}{'coverage':>10}",
        *(
            f"  {a.intent:<15}{a.acted:>8}{a.right:>8}{a.precision:>11.3f}{a.coverage:>10.3f}"
            for a in at_threshold(report, threshold)
        ),
        "",
        "unsubscribe by threshold (threshold: acted, precision, coverage)",
        *(f"  {t:.2f}: {a.acted:>4}  {a.precision:.3f}  {a.coverage:.3f}" for t, a in sweep(report)),
        "",
        "reliability (confidence band: mails, share exactly right)",
        *(f"  [{low:.2f}, {high:.2f}): {n:>4}  {share:.3f}" for low, high, n, share in reliability(report)),
        "",
        "confusion (gold -> predicted: count)",
    ]
    for (gold, predicted), count in sorted(report.confusion.items()):
        mark = "" if gold == predicted else "   <-- wrong"
        lines.append(f"  {gold:<40} -> {predicted:<40} {count:>4}{mark}")
    if report.misses:
        lines += ["", "misclassified (intents or language)"]
        for miss in report.misses:
            lines.append(
                f"  {miss.mail_id}: predicted {list(miss.predicted)} [{miss.predicted_lang}], "
                f"gold {list(miss.gold)} [{miss.gold_lang}]"
            )
            lines.extend(f"      {e}" for e in miss.evidence)
    if report.unreadable:
        lines += ["", f"unreadable: {', '.join(report.unreadable)}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m inboxbot.evaluate", description=__doc__.split("\n")[0])
    parser.add_argument("directory", type=Path, help="folder with labels.json and <id>.eml files")
    parser.add_argument("--check", action="store_true", help="exit 1 when a quality bar fails")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD, help="automation threshold")
    args = parser.parse_args(argv)
    report = evaluate(args.directory)
    print(render(report, args.threshold))
    failures = report.failures()
    if failures:
        print("\nquality bars failed:\n  " + "\n  ".join(failures))
    elif args.check:
        print("\nall quality bars met")
    return 1 if args.check and failures else 0


if __name__ == "__main__":
    sys.exit(main())
