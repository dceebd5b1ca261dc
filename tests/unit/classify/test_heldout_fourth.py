"""The fourth held-out batch (heldout_fourth.py): a natural mix written after the corpus-blind-3 and
corpus-blind-4 fixes, before running the classifier on it (see docs/classifier.md for its first run)."""

from __future__ import annotations

import pytest

from inboxbot.core.classify import classify

from .heldout_fourth import NATURAL_MIX, Case
from .mails import make_mail


@pytest.mark.parametrize("case", NATURAL_MIX, ids=[c[0] for c in NATURAL_MIX])
def test_fourth_batch_mail_gets_its_intents_and_language(case: Case) -> None:
    _, subject, body, intents, lang = case
    result = classify(make_mail(body, subject))
    assert tuple(i.value for i in result.intents) == tuple(sorted(intents)), result.evidence
    assert result.language == lang
