"""The quality bars on the blind sets: tests/data/corpus-blind (240 mails by an independent annotator),
tests/data/corpus-blind-2 (136 mails written as a held-out set before the blind-set fixes),
tests/data/corpus-blind-3 (200 mails by an independent annotator, 0.940 on its first run) and
tests/data/corpus-blind-4 (125 mails written as a held-out set before the blind-3 fixes, 0.944 on its
first run). Same bars as the development corpus (see test_corpus_quality.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from inboxbot.core.intents import Intent
from inboxbot.evaluate import (
    MIN_EXACT_ACCURACY,
    MIN_UNSUBSCRIBE_PRECISION,
    MIN_UNSUBSCRIBE_RECALL,
    Report,
    evaluate,
)

DATA = Path(__file__).resolve().parents[2] / "data"
SETS = {"corpus-blind": 240, "corpus-blind-2": 136, "corpus-blind-3": 200, "corpus-blind-4": 125}


@pytest.fixture(scope="module", params=sorted(SETS))
def blind(request: pytest.FixtureRequest) -> tuple[str, Report]:
    name = str(request.param)
    return name, evaluate(DATA / name)


def test_blind_set_is_complete_and_readable(blind: tuple[str, Report]) -> None:
    name, report = blind
    assert report.total == SETS[name]
    assert report.unreadable == []


def test_blind_set_meets_every_quality_bar(blind: tuple[str, Report]) -> None:
    _, report = blind
    assert report.failures() == [], [m.mail_id for m in report.misses]


def test_blind_set_exact_set_accuracy_is_at_least_the_bar(blind: tuple[str, Report]) -> None:
    _, report = blind
    assert report.exact_accuracy >= MIN_EXACT_ACCURACY


def test_blind_set_unsubscribe_recall_and_precision(blind: tuple[str, Report]) -> None:
    _, report = blind
    unsub = report.per_intent[Intent.UNSUBSCRIBE.value]
    assert unsub.recall >= MIN_UNSUBSCRIBE_RECALL
    assert unsub.precision >= MIN_UNSUBSCRIBE_PRECISION


def test_blind_set_never_confuses_automated_and_requests(blind: tuple[str, Report]) -> None:
    _, report = blind
    assert report.automated_as_request == 0
    assert report.request_as_automated == 0


def test_blind_set_language_is_right_for_nearly_every_mail(blind: tuple[str, Report]) -> None:
    _, report = blind
    assert report.language_accuracy >= 0.97
