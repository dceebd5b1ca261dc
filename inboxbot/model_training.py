"""Train the classifier's second opinion and calibrate its confidence (a developer's tool).

``python -m inboxbot.model_training [--write] [--check]`` reads the labelled sets that are no longer
held out (``TRAIN_SETS``) and the rules' first runs on them (``tests/data/first-runs/*.jsonl``), then:

1. fits one logistic regression per request intent over :func:`second_opinion.features` (scikit-learn,
   a development dependency; the package only reads the weights);
2. scores every mail with a model trained *without its set* (leave one set out), the only honest
   opinion of a model on mail it has not seen;
3. fits the two calibration curves on the rules' first runs joined with those opinions: whether each
   request intent the rules found was right, whether an ``other`` was;
4. prints the held-out figures (per-intent precision/recall of the model alone, the reliability of the
   calibrated confidence, unsubscribe precision and coverage by threshold), and with ``--write`` saves
   ``inboxbot/core/classify/second_opinion.json``. ``--check`` exits 1 when the saved file differs from
   what training gives now (the weights must be reproducible from the repository).

Never add a frozen held-out set to ``TRAIN_SETS`` before its first run is reported (docs/classifier.md).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from inboxbot.core.classify import default_classifier
from inboxbot.core.classify.second_opinion import (
    FEATURES_VERSION,
    MODEL_INTENTS,
    Curve,
    LinearModel,
    features,
    logit,
)
from inboxbot.core.intents import Intent
from inboxbot.core.mail import ParseLimits, UnreadableMail, parse_mail

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
TRAIN_SETS = (
    "corpus-dev",
    "corpus-blind",
    "corpus-blind-2",
    "corpus-blind-3",
    "corpus-blind-4",
    "corpus-heldout-5",
    "corpus-heldout-6",
)
FIRST_RUNS = DATA / "first-runs"
# The classifier's unit-test tables of written sentences (family tables and earlier held-out batches).
TABLE_MODULES = (
    "tests.unit.classify.heldout",
    "tests.unit.classify.heldout_third",
    "tests.unit.classify.heldout_fourth",
    "tests.unit.classify.test_generalised_families",
    "tests.unit.classify.test_source_and_scope_families",
    "tests.unit.classify.test_round5_families",
    "tests.unit.classify.test_round6_families",
)
WEIGHTS = ROOT / "inboxbot" / "core" / "classify" / "second_opinion.json"
TARGET_PRECISION = 0.99
_C = 3.0  # inverse regularisation of the per-intent models
_CURVE_C = 10.0
_PRUNE = 0.005  # weights smaller than this are left out of the file
_REQUESTS = {i.value for i in MODEL_INTENTS}
_THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99)
_CANDIDATES = tuple(round(0.80 + i / 100, 2) for i in range(20))  # 0.80 .. 0.99


@dataclass(frozen=True)
class Example:
    set_name: str
    mail_id: str
    feats: frozenset[str]
    gold: frozenset[str]


@dataclass(frozen=True)
class FirstRun:
    set_name: str
    mail_id: str
    gold: frozenset[str]
    predicted: frozenset[str]
    confidence: float
    review: bool


def load_examples(sets: Iterable[str] = TRAIN_SETS, data: Path = DATA) -> list[Example]:
    classifier = default_classifier()
    examples = []
    for set_name in sets:
        directory = data / set_name
        labels = json.loads((directory / "labels.json").read_text("utf-8"))
        for mail_id in sorted(labels):
            try:
                mail = parse_mail((directory / f"{mail_id}.eml").read_bytes(), ParseLimits())
            except UnreadableMail:
                continue
            feats = features(classifier.sentences(mail))
            examples.append(Example(set_name, mail_id, feats, frozenset(labels[mail_id]["intents"])))
    return examples


def load_tables(modules: Iterable[str] = TABLE_MODULES) -> list[Example]:
    """Every row of the unit tests' tables: ``(body, intents)``, ``(subject, body, intents)`` or
    ``(case, subject, body, intents, language)``; each module is one group for leave-one-out."""
    from tests.unit.classify.mails import make_mail  # noqa: PLC0415  (only in a checkout)

    classifier = default_classifier()
    examples: dict[tuple[str, str, str], Example] = {}
    for name in modules:
        module = importlib.import_module(name)
        for value in vars(module).values():
            for row in value if isinstance(value, list) else ():
                parsed = _table_row(row)
                if parsed is None:
                    continue
                subject, body, intents = parsed
                mail = make_mail(body, subject)
                feats = features(classifier.sentences(mail))
                examples[(name, subject, body)] = Example(name, f"{subject}|{body}", feats, intents)
    return list(examples.values())


def _table_row(row: object) -> tuple[str, str, frozenset[str]] | None:
    if not isinstance(row, tuple) or len(row) < 2:
        return None
    at = max((i for i, v in enumerate(row) if isinstance(v, tuple)), default=-1)
    texts = row[:at]
    if at < 1 or not all(isinstance(t, str) for t in texts) or len(texts) > 3:
        return None
    intents = frozenset(str(i) for i in row[at])
    body = texts[-1]
    subject = texts[-2] if len(texts) >= 2 else ""
    return subject, body, intents


def load_first_runs(directory: Path = FIRST_RUNS) -> list[FirstRun]:
    runs = []
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            row = json.loads(line)
            if row.get("pred") is None:  # unreadable then: nothing was predicted
                continue
            runs.append(
                FirstRun(
                    row["set"],
                    row["id"],
                    frozenset(row["gold"]),
                    frozenset(row["pred"]),
                    row["confidence"],
                    row["needs_review"],
                )
            )
    return runs


def fit_model(examples: Sequence[Example]) -> dict[str, Any]:
    """Per-intent logistic regressions; returns the JSON-able model (bias and pruned weights)."""
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform([dict.fromkeys(e.feats, 1) for e in examples])
    names = vectorizer.get_feature_names_out()
    bias: dict[str, float] = {}
    weights: dict[str, dict[str, float]] = {}
    for intent in MODEL_INTENTS:
        y = [intent.value in e.gold for e in examples]
        regression = LogisticRegression(C=_C, solver="lbfgs", max_iter=2000).fit(x, y)
        bias[intent.value] = round(float(regression.intercept_[0]), 4)
        weights[intent.value] = {
            str(name): round(float(w), 4)
            for name, w in zip(names, regression.coef_[0], strict=True)
            if abs(w) >= _PRUNE
        }
    return {"bias": bias, "weights": weights}


def _opinion(model: dict[str, Any], feats: frozenset[str]) -> dict[str, float]:
    """The model's probabilities, computed as the package computes them."""
    linear = LinearModel.from_weights(model["bias"], model["weights"])
    return {intent.value: p for intent, p in linear.probabilities(feats).items()}


def out_of_fold(examples: Sequence[Example]) -> dict[tuple[str, str], dict[str, float]]:
    """Each corpus mail's probabilities from a model trained on the *other corpora* only: not on its
    own set, and not on the unit tables either, since many of those were written from the misses of
    the very sets whose first runs calibrate the curves (a model that had read them would look wiser
    on those sets than it is on new mail). The shipped model reads everything."""
    corpora = [e for e in examples if not _is_table(e)]
    opinions: dict[tuple[str, str], dict[str, float]] = {}
    for held in sorted({e.set_name for e in corpora}):
        model = fit_model([e for e in corpora if e.set_name != held])
        for e in corpora:
            if e.set_name == held:
                opinions[(e.set_name, e.mail_id)] = _opinion(model, e.feats)
    return opinions


def _is_table(example: Example) -> bool:
    return example.set_name in TABLE_MODULES


@dataclass(frozen=True)
class Row:
    """One calibration example: the model's probability, the rules' level, whether the rules were right."""

    p: float
    level: float
    right: bool
    set_name: str
    review: bool  # the rules sent it to a person: the confidence stays at their level or below
    intent: str = ""


def calibration_rows(
    runs: Sequence[FirstRun], opinions: dict[tuple[str, str], dict[str, float]]
) -> tuple[list[Row], list[Row]]:
    requests: list[Row] = []
    others: list[Row] = []
    for run in runs:
        opinion = opinions.get((run.set_name, run.mail_id))
        if opinion is None:
            continue
        found = run.predicted & _REQUESTS
        for intent in sorted(found):
            requests.append(
                Row(opinion[intent], run.confidence, intent in run.gold, run.set_name, run.review, intent)
            )
        if run.predicted == {Intent.OTHER.value}:
            others.append(
                Row(max(opinion.values()), run.confidence, not run.gold & _REQUESTS, run.set_name, run.review)
            )
    return requests, others


def fit_curve(rows: Sequence[Row]) -> list[float]:
    x = [[logit(r.p), r.level] for r in rows]
    y = [r.right for r in rows]
    regression = LogisticRegression(C=_CURVE_C, solver="lbfgs", max_iter=1000).fit(x, y)
    a = float(regression.intercept_[0])
    b, c = (float(v) for v in regression.coef_[0])
    return [round(a, 4), round(b, 4), round(c, 4)]


def held_out_confidences(rows: Sequence[Row]) -> list[float]:
    """Each row's calibrated confidence from a curve fitted without its set: what the report shows."""
    values = [0.0] * len(rows)
    for held in sorted({r.set_name for r in rows}):
        curve = fit_curve([r for r in rows if r.set_name != held])
        for i, r in enumerate(rows):
            if r.set_name == held:
                value = Curve(*curve)(r.p, r.level)
                values[i] = min(value, r.level) if r.review else value
    return values


def automation_threshold(rows: Sequence[Row], target: float = TARGET_PRECISION) -> float:
    """The lowest threshold from which unsubscribe verdicts are right at least ``target`` of the time,
    at it and at every threshold above it, by the held-out calibrated confidences."""
    unsubscribes = [r for r in rows if r.intent == Intent.UNSUBSCRIBE.value]
    graded = list(zip(unsubscribes, held_out_confidences(unsubscribes), strict=True))
    chosen = 1.0
    for threshold in reversed(_CANDIDATES):
        above = [r.right for r, value in graded if value >= threshold]
        if above and sum(above) / len(above) < target:
            break
        chosen = threshold
    return chosen


def train(examples: Sequence[Example], runs: Sequence[FirstRun]) -> tuple[dict[str, Any], Report]:
    opinions = out_of_fold(examples)
    requests, others = calibration_rows(runs, opinions)
    request_curve, other_curve = fit_curve(requests), fit_curve(others)
    trained = {
        "features_version": FEATURES_VERSION,
        "trained_on": list(TRAIN_SETS),
        "calibrated_on": sorted({r.set_name for r in runs}),
        "calibration": {"request": request_curve, "other": other_curve},
        "automation_threshold": automation_threshold(requests),
        "model": fit_model(examples),
    }
    return trained, Report(examples, opinions, requests, others, request_curve, other_curve)


@dataclass(frozen=True)
class Report:
    examples: Sequence[Example]
    opinions: dict[tuple[str, str], dict[str, float]]
    requests: list[Row]
    others: list[Row]
    request_curve: list[float]
    other_curve: list[float]

    def render(self) -> str:
        lines = ["Model alone, each corpus mail scored by a model that never saw its set (p >= 0.5):"]
        corpora = [e for e in self.examples if not _is_table(e)]
        for intent in sorted(_REQUESTS):
            lines.append("  " + _model_scores(corpora, self.opinions, intent))
        lines.append("")
        lines.append(
            f"Calibration on the rules' first runs: {len(self.requests)} request verdicts, "
            f"{len(self.others)} 'other' verdicts"
        )
        lines.append(f"  request curve a, b, c = {self.request_curve}; other curve = {self.other_curve}")
        lines.append("  (every figure below: the curve fitted without the mail's own set)")
        lines += _reliability("request intents found", self.requests)
        lines += _reliability("'other' verdicts", self.others)
        lines += _sweep([r for r in self.requests if r.intent == "unsubscribe"])
        threshold = automation_threshold(self.requests)
        lines.append(
            f"  automation threshold (unsubscribe precision >= {TARGET_PRECISION} from it up): {threshold}"
        )
        return "\n".join(lines)


def _model_scores(
    examples: Sequence[Example], opinions: dict[tuple[str, str], dict[str, float]], intent: str
) -> str:
    tp = fp = fn = 0
    for e in examples:
        said = opinions[(e.set_name, e.mail_id)][intent] >= 0.5
        gold = intent in e.gold
        tp, fp, fn = tp + (said and gold), fp + (said and not gold), fn + (gold and not said)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return f"{intent:14} precision {precision:.3f} recall {recall:.3f} (support {tp + fn})"


def _reliability(title: str, rows: Sequence[Row]) -> list[str]:
    bands = (0.0, 0.5, 0.7, 0.9, 0.95, 0.99, 1.0001)
    lines = [f"  reliability, {title} (calibrated confidence: mails, rules right):"]
    graded = list(zip(rows, held_out_confidences(rows), strict=True))
    for lo, hi in pairwise(bands):
        inside = [r for r, value in graded if lo <= value < hi]
        if inside:
            right = sum(r.right for r in inside) / len(inside)
            lines.append(f"    [{lo:.2f}, {min(hi, 1):.2f}) {len(inside):4d}  {right:.3f}")
    return lines


def _sweep(rows: Sequence[Row]) -> list[str]:
    lines = ["  unsubscribe verdicts by threshold (precision, coverage of the right ones):"]
    right_total = sum(r.right for r in rows) or 1
    graded = list(zip(rows, held_out_confidences(rows), strict=True))
    for threshold in _THRESHOLDS:
        above = [r for r, value in graded if value >= threshold]
        right = sum(r.right for r in above)
        precision = right / len(above) if above else 1.0
        lines.append(
            f"    >= {threshold:.2f}: precision {precision:.4f} ({right}/{len(above)}), "
            f"coverage {right / right_total:.3f}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m inboxbot.model_training", description=__doc__)
    parser.add_argument("--write", action="store_true", help="save the trained weights")
    parser.add_argument("--check", action="store_true", help="fail if the saved weights are stale")
    args = parser.parse_args(argv)
    trained, report = train(load_examples() + load_tables(), load_first_runs())
    print(report.render())
    text = json.dumps(trained, ensure_ascii=False, sort_keys=True, indent=0) + "\n"
    if args.write:
        WEIGHTS.write_text(text, encoding="utf-8")
        print(f"\nwrote {WEIGHTS.relative_to(ROOT)}")
    if args.check and WEIGHTS.read_text(encoding="utf-8") != text:
        stale = f"\n{WEIGHTS.relative_to(ROOT)} is not what training gives now: run with --write"
        print(stale, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
