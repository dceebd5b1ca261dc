"""Languages: ru, kk and en (in either script, and mixed) are told apart; any other language is ``und``,
answered in the default language and flagged for a person. The cases are data: tests/data/lang/."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from inboxbot.core.classify import Classifier, classify
from inboxbot.templating import Templates
from tests.unit.test_outgoing_mail import CONTEXT

from .mails import make_mail

CASES_DIR = Path(__file__).resolve().parents[2] / "data" / "lang"


def _cases(name: str) -> list[dict[str, Any]]:
    path = CASES_DIR / name
    cases: list[dict[str, Any]] = tomllib.loads(path.read_text("utf-8"))["mail"]
    return cases


def _params(cases: list[dict[str, Any]]) -> list[Any]:
    """Each case; a known miss (``miss`` = why) is expected to fail, strictly."""
    return [
        pytest.param(
            c, id=c["id"], marks=[pytest.mark.xfail(strict=True, reason=c["miss"])] if "miss" in c else []
        )
        for c in cases
    ]


FIRST = _cases("mails.toml")
FRESH = _cases("fresh.toml") + _cases("fresh-2.toml")


def _check(case: dict[str, Any]) -> None:
    result = classify(make_mail(case["text"], case.get("subject", "")))
    assert (case["written"], result.language) == (case["written"], case["lang"])
    if case["lang"] == "und":
        assert result.needs_review
        assert result.confidence < 0.7


@pytest.mark.parametrize("case", _params(FIRST))
def test_each_mail_gets_its_language_and_other_languages_go_to_a_person(case: dict[str, Any]) -> None:
    _check(case)


@pytest.mark.parametrize("case", _params(FRESH))
def test_mail_written_after_the_thresholds_were_chosen_gets_its_language(case: dict[str, Any]) -> None:
    _check(case)


def test_the_case_files_cover_every_language_the_round_was_asked_for() -> None:
    written = {c["written"] for c in FIRST}
    asked = {"it", "es", "cs", "de", "fr", "tr", "ja", "zh", "ko", "uz", "ky", "ru-lat", "kk-lat", "kk+ru"}
    assert asked <= written
    assert {c["lang"] for c in FIRST + FRESH} == {"ru", "kk", "en", "und"}


def test_foreign_mail_is_classified_the_same_every_time() -> None:
    mail = make_mail("Buongiorno, vorrei essere cancellato dalla vostra newsletter. Grazie.")
    first, second = Classifier()(mail), Classifier()(mail)
    assert first == second
    assert first.language == "und"


def test_a_foreign_acknowledgement_is_written_in_the_default_language() -> None:
    assert Templates(fallback_language="ru").render("ack", "und", CONTEXT).language == "ru"


def test_the_detector_is_not_loaded_for_ordinary_mail_nor_at_import() -> None:
    script = (
        "import sys\n"
        "from inboxbot.core.classify import classify\n"
        "from tests.unit.classify.mails import make_mail\n"
        "assert 'lingua' not in sys.modules\n"
        "classify(make_mail('Здравствуйте! Отпишите меня от рассылки, пожалуйста.'))\n"
        "classify(make_mail('Please remove me from your mailing list.'))\n"
        "assert 'lingua' not in sys.modules\n"
    )
    root = Path(__file__).resolve().parents[3]
    subprocess.run([sys.executable, "-c", script], check=True, cwd=root, timeout=60)
