"""The quality bars on the development corpus (a copy lives in tests/data/corpus-dev)."""

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


@pytest.fixture(scope="module")
def corpus_report() -> Report:
    return evaluate(DATA / "corpus-dev")


def test_corpus_meets_every_quality_bar(corpus_report: Report) -> None:
    assert corpus_report.failures() == []


def test_corpus_exact_set_accuracy_is_at_least_the_bar(corpus_report: Report) -> None:
    assert corpus_report.total == 150
    assert corpus_report.exact_accuracy >= MIN_EXACT_ACCURACY


def test_corpus_unsubscribe_recall_and_precision(corpus_report: Report) -> None:
    unsub = corpus_report.per_intent[Intent.UNSUBSCRIBE.value]
    assert unsub.recall >= MIN_UNSUBSCRIBE_RECALL
    assert unsub.precision >= MIN_UNSUBSCRIBE_PRECISION


def test_no_automated_mail_is_a_request_and_no_request_is_automated(corpus_report: Report) -> None:
    assert corpus_report.automated_as_request == 0
    assert corpus_report.request_as_automated == 0


def test_corpus_language_is_right_for_nearly_every_mail(corpus_report: Report) -> None:
    assert corpus_report.language_accuracy >= 0.97


def test_most_of_the_corpus_is_confident(corpus_report: Report) -> None:
    assert corpus_report.needs_review <= corpus_report.total * 0.05


def test_own_bounces_and_auto_replies_from_many_mtas_meet_the_bars() -> None:
    report = evaluate(DATA / "classify" / "automated")
    assert report.failures() == []
    assert report.exact == report.total
