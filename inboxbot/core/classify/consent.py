"""Withdrawn consent: what the consent was given for decides the intent.

- consent to the processing of personal data ("отзываю согласие на обработку персональных данных",
  "дербес деректерімді өңдеуге берген келісімімді кері қайтарамын"), or consent named without an
  object ("I withdraw my consent") -> ``data_deletion`` (``withdraw_consent``);
- consent to receiving mailings or advertising ("отзываю согласие на получение рекламных рассылок",
  "withdrawing my consent to receive marketing communications", "жарнамалық хабарламалар алуға берген
  келісімімді") -> ``unsubscribe`` (``withdraw_mailing_consent``); the sender keeps the account;
- both named -> both.

The object is read where the language puts it: after the noun in Russian and English ("consent to
...", "согласие на ..."), with an adjective just before it ("my marketing consent"); before it in
Kazakh. A clause break or another consent ends it.
"""

from __future__ import annotations

from inboxbot.core.intents import Intent

from .concepts import C, Concept
from .findings import STRONG, Finding, channel_of, found
from .negation import Word
from .sentences import Sentence

_MAILING = frozenset({C.LIST, C.SUBSCRIPTION, C.SMS, C.MARKETING, C.SPAM, C.MAIL})
_PROCESSING = frozenset({C.PROCESS, C.DATA, C.PERSONAL})
_ENDS = frozenset({C.CONSENT, C.WITHDRAW})
_AFTER = 6
_BEFORE = 2  # "my marketing consent"
_BEFORE_KK = 6


def consent_findings(s: Sentence) -> list[Finding]:
    out: list[Finding] = []
    if C.CONSENT not in s.index or C.WITHDRAW not in s.index:
        return out
    withdraw = s.positive(C.WITHDRAW)
    if not withdraw:
        return out
    mailing: set[Concept] = set()
    processing = False
    for consent in s.with_(C.CONSENT):
        scope = _scope(s, consent)
        mailing |= scope & _MAILING
        processing = processing or bool(scope & _PROCESSING) or not scope & _MAILING
    first = s.with_(C.CONSENT)[:1]
    if processing:
        out.append(found(Intent.DATA_DELETION, "withdraw_consent", s, [withdraw[0], *first], STRONG))
    if mailing:
        channel = channel_of(mailing)
        words = [withdraw[0], *first]
        out.append(found(Intent.UNSUBSCRIBE, "withdraw_mailing_consent", s, words, STRONG, channel=channel))
    return out


def _scope(s: Sentence, consent: Word) -> set[Concept]:
    """The concepts of what ``consent`` was given for."""
    i = consent.index
    if s.lang == "kk":
        spans = [range(i - 1, max(-1, i - 1 - _BEFORE_KK), -1)]
    else:
        spans = [range(i + 1, min(len(s.words), i + 1 + _AFTER)), range(i - 1, max(-1, i - 1 - _BEFORE), -1)]
    found_concepts: set[Concept] = set()
    for span in spans:
        step = span.step
        for j in span:
            if (j if step > 0 else j + 1) in s.breaks:
                break
            word = s.words[j]
            if word is None:
                continue
            if word.concepts & _ENDS:
                break
            found_concepts |= word.concepts
    return found_concepts
