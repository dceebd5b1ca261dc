"""Held-out mails (see heldout.py): each language, transliterated and mixed, typos, caps and emoji."""

from __future__ import annotations

import pytest

from inboxbot.core.classify import classify

from .heldout import ENGLISH, FRESH, KAZAKH, RUSSIAN, TRANSLIT_AND_MIXED, Case
from .mails import make_mail


def _run(case: Case) -> None:
    _, subject, body, intents, lang = case
    result = classify(make_mail(body, subject))
    assert tuple(i.value for i in result.intents) == tuple(sorted(intents)), result.evidence
    assert result.language == lang


@pytest.mark.parametrize("case", RUSSIAN, ids=[c[0] for c in RUSSIAN])
def test_russian_mail_gets_its_intents_and_language(case: Case) -> None:
    _run(case)


@pytest.mark.parametrize("case", KAZAKH, ids=[c[0] for c in KAZAKH])
def test_kazakh_mail_gets_its_intents_and_language(case: Case) -> None:
    _run(case)


@pytest.mark.parametrize("case", ENGLISH, ids=[c[0] for c in ENGLISH])
def test_english_mail_gets_its_intents_and_language(case: Case) -> None:
    _run(case)


@pytest.mark.parametrize("case", TRANSLIT_AND_MIXED, ids=[c[0] for c in TRANSLIT_AND_MIXED])
def test_transliterated_and_mixed_mail_gets_its_intents_and_language(case: Case) -> None:
    _run(case)


@pytest.mark.parametrize("case", FRESH, ids=[c[0] for c in FRESH])
def test_second_held_out_batch_gets_its_intents_and_language(case: Case) -> None:
    _run(case)
