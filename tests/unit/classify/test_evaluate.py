"""The evaluation tool: scores, the confusion table, the misses, and --check's exit code."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from inboxbot.evaluate import evaluate, main, render

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus-dev"


def _copy(tmp_path: Path, labels: dict[str, dict[str, object]]) -> Path:
    for mail_id in labels:
        shutil.copy(CORPUS / f"{mail_id}.eml", tmp_path / f"{mail_id}.eml")
    (tmp_path / "labels.json").write_text(json.dumps(labels), "utf-8")
    return tmp_path


def test_a_wrong_gold_label_shows_up_as_a_miss_with_evidence(tmp_path: Path) -> None:
    labels: dict[str, dict[str, object]] = {
        "dev-ru-001": {"intents": ["unsubscribe"], "lang": "ru"},
        "dev-ru-024": {"intents": ["data_access"], "lang": "ru"},  # deliberately wrong
    }
    report = evaluate(_copy(tmp_path, labels))
    assert report.total == 2
    assert report.exact == 1
    assert [m.mail_id for m in report.misses] == ["dev-ru-024"]
    assert report.misses[0].evidence
    text = render(report)
    assert "dev-ru-024" in text
    assert "<-- wrong" in text


def test_check_exits_1_when_a_bar_fails_and_0_when_all_hold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    _copy(bad, {"dev-auto-001": {"intents": ["unsubscribe"], "lang": "en"}})
    assert main([str(bad), "--check"]) == 1
    assert "quality bars failed" in capsys.readouterr().out
    good = tmp_path / "good"
    good.mkdir()
    _copy(good, {"dev-auto-001": {"intents": ["automated"], "lang": "en"}})
    assert main([str(good), "--check"]) == 0


def test_per_intent_scores_are_computed_from_sets() -> None:
    report = evaluate(CORPUS)
    unsub = report.per_intent["unsubscribe"]
    assert unsub.support == 48
    assert 0.0 <= unsub.f1 <= 1.0
