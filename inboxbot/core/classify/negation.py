"""Negation scope, and what a negation means.

A negator (не, not, don't, never, no longer, без; Kazakh negative stems -ма-/-ме-/-ба-/-бе-/-па-/-пе-
and the postposed жоқ/емес) applies to the next content word, passing over pronouns and particles
("не присылайте мне больше"); a negated modal passes it on ("не хочу получать", "don't want to
receive"); "can't"/"не могу" absorbs it ("не могу отписаться" still asks to unsubscribe). Its meaning
depends on the verb form:

- ``prohibit``: a negated request — "не отписывайте", "don't unsubscribe me", "шығармаңыздар";
- ``complaint``: what you did not do — "так и не поменяли", "you still haven't removed me",
  "өзгертпедіңіз"; the request it implies stands;
- ``statement``: a fact — "я не подписывался", "реквизиты не изменились", "жазылған жоқпын".
"""

from __future__ import annotations

from dataclasses import dataclass

from .concepts import MODALS, C, Concept, F

PROHIBIT = "prohibit"
COMPLAINT = "complaint"
STATEMENT = "statement"
_PASSED_OVER = frozenset({C.SKIP, C.ME, C.OWN, C.PLEASE, C.GREETING, C.MORE, C.NEVER, C.FROM, C.NEG})
_SCOPE = 4  # words after the negator
_MODAL_SCOPE = 3
_NOT_NEGATION = frozenset({"только", "лишь", "only", "just", "thanks", "problem", "worries"})
_SELF = frozenset({"я", "мы", "i", "we", "ya", "my"})
_THIRD = frozenset({"it", "they", "he", "she", "this", "that", "there"})
_EN_PAST_NEG = frozenset({"haven't", "hasn't", "didn't", "still"})


@dataclass(slots=True)
class Word:
    """A word of a sentence that carries at least one concept."""

    text: str
    concepts: frozenset[Concept]
    form: int
    lang: str
    typo: bool
    quoted: bool
    index: int
    negated: bool = False
    neg_kind: str = ""
    directive: bool = False
    head: int = -1  # index of the predicate this object is bound to

    @property
    def positive(self) -> bool:
        """Asserted, or denied only as a complaint (which still asks for the thing)."""
        return not self.negated or self.neg_kind == COMPLAINT


def mark(words: list[Word | None], texts: tuple[str, ...], lang: str) -> None:
    """Set ``negated``/``neg_kind`` on the words that negators reach."""
    for i, word in enumerate(words):
        if word is None:
            continue
        if C.NEG in word.concepts and _is_negator(word, texts, i):
            _negate_forward(words, texts, i, lang)
        elif C.POSTNEG in word.concepts:
            _negate_backward(words, i)
        if word.form & F.NEG_INSIDE and not word.negated:
            word.negated = True
            word.neg_kind = _inside_kind(word)


def _is_negator(word: Word, texts: tuple[str, ...], i: int) -> bool:
    nxt = texts[i + 1] if i + 1 < len(texts) else ""
    return nxt not in _NOT_NEGATION


def _negate_forward(words: list[Word | None], texts: tuple[str, ...], i: int, lang: str) -> None:
    target = _next_content(words, i, _SCOPE)
    if target is None:
        return
    word = words[target]
    if word is None or word.negated:
        return
    word.negated = True
    word.neg_kind = _kind(word, texts, i, lang)
    if word.concepts & MODALS and word.neg_kind != COMPLAINT:
        follower = _next_content(words, target, _MODAL_SCOPE)
        if follower is not None and (nxt := words[follower]) is not None and not nxt.negated:
            nxt.negated = True
            nxt.neg_kind = PROHIBIT


def _negate_backward(words: list[Word | None], i: int) -> None:
    for j in range(i - 1, max(-1, i - 1 - _SCOPE), -1):
        word = words[j]
        if word is not None and word.concepts & _PASSED_OVER:
            continue
        if word is not None and not word.negated:
            word.negated = True
            word.neg_kind = STATEMENT
        return


def _next_content(words: list[Word | None], i: int, scope: int) -> int | None:
    for j in range(i + 1, min(len(words), i + 1 + scope)):
        word = words[j]
        if word is None or not word.concepts & _PASSED_OVER:
            return j
    return None


def _kind(word: Word, texts: tuple[str, ...], neg_at: int, lang: str) -> str:
    before = [t for t in texts[max(0, neg_at - 3) : neg_at] if t not in ("do", "did", "does", "really", "so")]
    subject_self = bool(_SELF & set(before))
    if word.lang == "en" or lang == "en":
        negator = texts[neg_at]
        if subject_self or (_THIRD & set(before) and negator not in _EN_PAST_NEG):
            return STATEMENT
        if negator in _EN_PAST_NEG or "still" in before:
            return COMPLAINT
        return PROHIBIT if not word.form & F.PAST else STATEMENT
    if word.form & F.PAST_YOU and not word.form & F.REFLEXIVE and not subject_self:
        return COMPLAINT
    if word.form & (F.IMPERATIVE | F.INFINITIVE) and not word.form & F.PAST:
        return PROHIBIT
    return STATEMENT


def _inside_kind(word: Word) -> str:
    if word.form & F.PAST_YOU:
        return COMPLAINT
    if word.form & (F.IMPERATIVE | F.INFINITIVE):
        return PROHIBIT
    return STATEMENT
