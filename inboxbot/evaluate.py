"""Measure the classifier on a labelled folder of mails.

``python -m inboxbot.evaluate DIR [--check]`` reads ``DIR/labels.json`` (``{id: {"intents": [...],
"lang": ...}}``, one ``DIR/<id>.eml`` per id) and prints per-intent precision/recall/F1, exact-set
accuracy, language accuracy, a confusion table of gold vs predicted label sets, and every
misclassified mail with its evidence. With ``--check`` it exits 1 when a quality bar fails.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from inboxbot.core.classify import classify
from inboxbot.core.intents import Classification, Intent
from inboxbot.core.mail import UnreadableMail, parse_mail

# Quality bars (see docs/classifier.md).
MIN_EXACT_ACCURACY = 0.97
MIN_UNSUBSCRIBE_RECALL = 0.99
MIN_UNSUBSCRIBE_PRECISION = 0.98
MAX_AUTOMATED_AS_REQUEST = 0
MAX_REQUEST_AS_AUTOMATED = 0

_REQUESTS = (Intent.UNSUBSCRIBE, Intent.DATA_CHANGE, Intent.DATA_DELETION, Intent.DATA_ACCESS)


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
    report = Report()
    pairs: list[tuple[set[str], set[str]]] = []
    for mail_id in sorted(labels):
        label = labels[mail_id]
        gold = tuple(sorted(str(i) for i in label["intents"]))  # type: ignore[attr-defined]
        try:
            result = classify(parse_mail((directory / f"{mail_id}.eml").read_bytes()))
        except UnreadableMail:
            report.unreadable.append(mail_id)
            continue
        _score_one(report, mail_id, gold, str(label.get("lang", "")), result)
        pairs.append((set(gold), {i.value for i in result.intents}))
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


def render(report: Report) -> str:
    lines = [f"{'intent':<15}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}"]
    for name, s in report.per_intent.items():
        lines.append(f"{name:<15}{s.precision:>10.3f}{s.recall:>10.3f}{s.f1:>10.3f}{s.support:>10}")
    lines += [
        "",
        f"mails: {report.total}   exact-set accuracy: {report.exact_accuracy:.3f} "
        f"({report.exact}/{report.total})",
        f"language accuracy: {report.language_accuracy:.3f}   needs review: {report.needs_review}",
        f"automated classified as a request: {report.automated_as_request}   "
        f"request classified as automated: {report.request_as_automated}",
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
    args = parser.parse_args(argv)
    report = evaluate(args.directory)
    print(render(report))
    failures = report.failures()
    if failures:
        print("\nquality bars failed:\n  " + "\n  ".join(failures))
    elif args.check:
        print("\nall quality bars met")
    return 1 if args.check and failures else 0


if __name__ == "__main__":
    sys.exit(main())
