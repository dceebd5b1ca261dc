"""Negation scope, and what a negation means.

A negator (не, not, don't, never, no longer, без; Kazakh negative stems -ма-/-ме-/-ба-/-бе-/-па-/-пе-
and the postposed жоқ/емес) applies to the next content word, passing over pronouns and particles
("не присылайте мне больше"); a negated modal or verb of asking/intending passes it on to its
complement, the next predicate of its clause ("не хочу получать", "I did not ask to delete", "no
intention of deleting"), or, when none follows, the infinitive before it ("Удалять ничего не надо",
"Отписываться не собираюсь") — in Kazakh always the verb before it ("шыққым келмейді", "өшірудің қажеті
жоқ"); "can't"/"не могу" absorbs it ("не могу отписаться" still asks to unsubscribe). A wish right
before the negator is what it denies: "I'd rather not receive", "предпочёл бы не получать" = "I don't
want to receive". Its meaning depends on the verb form:

- ``prohibit``: a negated request — "не отписывайте", "don't unsubscribe me", "шығармаңыздар";
- ``complaint``: what you did not do — "так и не поменяли", "you still haven't removed me",
  "өзгертпедіңіз"; the request it implies stands;
- ``statement``: a fact — "я не подписывался", "реквизиты не изменились", "жазылған жоқпын".
"""

from __future__ import annotations

from dataclasses import dataclass

from .concepts import MODALS, PREDICATES, C, Concept, F

PROHIBIT = "prohibit"
COMPLAINT = "complaint"
STATEMENT = "statement"
_PASSED_OVER = frozenset({C.SKIP, C.YOU, C.ME, C.OWN, C.PLEASE, C.GREETING, C.MORE, C.NEVER, C.FROM, C.NEG})
_SCOPE = 4  # words after the negator
_COMPLEMENT_AHEAD = 6  # "never asked for my account to be removed"
_COMPLEMENT_BEHIND = 3  # "Удалять ничего не надо"
_CLAUSE_GLUE = frozenset({"чтобы", "чтоб", "that"})  # a comma before these does not end the clause
_NO_COMPLEMENT = frozenset({C.CAN, C.PLEASE})
_NOT_NEGATION = frozenset({"только", "лишь", "only", "just", "thanks", "problem", "worries"})
_SELF = frozenset({"я", "мы", "i", "we", "ya", "my"})
_OWN_FUTURE = frozenset({"буду", "будем", "стану", "станем", "budu", "budem"})
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
    complement: int = -1  # for a negated modal: the predicate its negation passed to
    reported: bool = False  # someone else's words: "a mail saying «update your data»"

    @property
    def positive(self) -> bool:
        """Asserted by the sender, or denied only as a complaint (which still asks for the thing)."""
        return not self.reported and (not self.negated or self.neg_kind == COMPLAINT)


def mark(words: list[Word | None], texts: tuple[str, ...], lang: str, breaks: frozenset[int]) -> None:
    """Set ``negated``/``neg_kind`` on the words that negators reach; ``breaks`` are the indices of
    words a comma, colon or dash stands before."""
    for i, word in enumerate(words):
        if word is None:
            continue
        if C.NEG in word.concepts and _is_negator(word, texts, i):
            before = words[i - 1] if i else None
            target = None
            if before is not None and C.WANT in before.concepts:  # "I'd rather not receive"
                target = _wish_before(words, i)
            if target is None:
                target = _negate_forward(words, texts, i, lang, breaks)
            if target is not None:
                _pass_on(words, texts, target, lang, breaks)
        elif C.POSTNEG in word.concepts:
            target = _negate_backward(words, i)
            if target is not None:
                _pass_on(words, texts, target, lang, breaks)
        if word.form & F.NEG_INSIDE and not word.negated:
            word.negated = True
            word.neg_kind = _inside_kind(word)
            _pass_on(words, texts, i, lang, breaks)


def _wish_before(words: list[Word | None], i: int) -> int | None:
    """A wish right before the negator is what it denies: "I'd rather not X" = "I don't want to X"."""
    wish = words[i - 1] if i else None
    if wish is None or C.WANT not in wish.concepts or wish.negated:
        return None
    wish.negated = True
    wish.neg_kind = STATEMENT
    return i - 1


def _is_negator(word: Word, texts: tuple[str, ...], i: int) -> bool:
    nxt = texts[i + 1] if i + 1 < len(texts) else ""
    return nxt not in _NOT_NEGATION


def _negate_forward(
    words: list[Word | None], texts: tuple[str, ...], i: int, lang: str, breaks: frozenset[int]
) -> int | None:
    target = _next_content(words, i, _SCOPE)
    if target is None:
        return None
    word = words[target]
    auxiliary = ""
    if word is None and _governs(words, texts, target + 1, breaks):  # "не вздумайте отписывать"
        auxiliary = texts[target]
        target, word = target + 1, words[target + 1]
    if word is None or word.negated:
        return None
    word.negated = True
    # "я больше не буду писать", "не будем удалять": what the sender will not do, not a prohibition
    word.neg_kind = STATEMENT if auxiliary in _OWN_FUTURE else _kind(word, texts, i, lang)
    return target


def _governs(words: list[Word | None], texts: tuple[str, ...], j: int, breaks: frozenset[int]) -> bool:
    """An unknown word after a negator governs the next word when that is an infinitive in the same
    clause: "не вздумайте отписывать", "don't bother changing" (not "не работает, исключите")."""
    if j >= len(words) or j in breaks:
        return False
    after = words[j]
    if after is None or not after.concepts & PREDICATES:
        return False
    return bool(after.form & F.INFINITIVE) or (after.lang == "en" and texts[j].endswith("ing"))


def _negate_backward(words: list[Word | None], i: int) -> int | None:
    for j in range(i - 1, max(-1, i - 1 - _SCOPE), -1):
        word = words[j]
        if word is not None and word.concepts & _PASSED_OVER:
            continue
        if word is not None and not word.negated:
            word.negated = True
            word.neg_kind = STATEMENT
            return j
        return None
    return None


def _pass_on(
    words: list[Word | None], texts: tuple[str, ...], i: int, lang: str, breaks: frozenset[int]
) -> None:
    """A negated modal ("не хочу", "did not ask", "қажеті жоқ") negates what it governs."""
    modal = words[i]
    if modal is None or not modal.concepts & MODALS or modal.neg_kind == COMPLAINT:
        return
    j = _complement(words, texts, i, lang, breaks)
    if j is None:
        return
    modal.complement = j
    word = words[j]
    if word is not None and not word.negated:
        word.negated = True
        word.neg_kind = PROHIBIT


def _complement(
    words: list[Word | None], texts: tuple[str, ...], i: int, lang: str, breaks: frozenset[int]
) -> int | None:
    if lang != "kk":  # VO: the complement follows ("не хочу получать"), within the clause
        for j in range(i + 1, min(len(words), i + 1 + _COMPLEMENT_AHEAD)):
            if j in breaks and texts[j] not in _CLAUSE_GLUE:
                break
            word = words[j]
            if word is None:
                continue
            if word.concepts & _NO_COMPLEMENT:
                break
            if word.concepts & PREDICATES:
                return j
    for j in range(i - 1, max(-1, i - 1 - _COMPLEMENT_BEHIND), -1):  # "Удалять ничего не надо"
        if j + 1 in breaks:
            break
        word = words[j]
        if word is not None and word.concepts & PREDICATES and not word.concepts & MODALS:
            return j if lang == "kk" or word.form & F.INFINITIVE else None
    return None


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
