"""What a word's ending says: imperative, infinitive, past, "you did", reflexive state, and for Kazakh
the suffix chain after the root (negation inside the verb, desire, converb, "my", "from", "in").

All functions read Latin skeletons (see :mod:`.script`), so transliterated words get the same
analysis as Cyrillic ones. They are heuristics over endings, not a full morphology: they only need to
tell a request ("отпишите", "шығарыңыз", the polite conditional "жіберсеңіздер жақсы болар еді") from a
refusal ("не отписывайте", "шығармаңыз"), a complaint ("так и не поменяли", "өзгертпедіңіз") and a
statement ("я не подписывался", "реквизиты не изменились").
"""

from __future__ import annotations

import re

from .concepts import F

_KK_NEG = ("ma", "me", "ba", "be", "pa", "pe")
_KK_PAST_YOU = re.compile(r"^(d|t)(y|i)(n(yz|iz|dar|der)|k)|^(y|i)?l(ma|me|ba|be|pa|pe)?(d|t)(y|i)")
_KK_PAST = re.compile(r"^(d|t)(y|i)|^(g|k)(a|e)n")
_KK_IMPERATIVE = re.compile(r"^(y|i|u)?n(yz|iz|dar|der)|^(y|i|u)?n(yz|iz)?(dar|der)?(shy|shi)$|^(shy|shi)$")
_KK_VERBAL_NOUN = re.compile(r"^(y|i)?u(y|i)?(lar|ler)?")
_KK_DESIRE = re.compile(r"^(y|i|a|e)?(g|k)(y|i)(m|sy|si|myz|miz)")
_KK_CONVERB = re.compile(r"^((y|i)?p|a|e|i|ya)$")
_KK_POSSESSIVE = re.compile(r"(y|i)?m(d(y|i)|t(y|i)|n(y|i)n|g(a|e)|d(a|e)|nan|nen|dan|den|men|mnan|mnen)?$")
_KK_ABLATIVE = ("nan", "nen", "dan", "den", "tan", "ten")
_KK_LOCATIVE = ("da", "de", "ta", "te")
# "-саңыз/-сеңіздер": "if you would ...", the polite request of "жіберсеңіздер жақсы болар еді"
_KK_CONDITIONAL_YOU = re.compile(r"^s(a|e)n(yz|iz|dar|der)")


# Russian endings (skeleton letters), most specific first, and the form each announces.
_RU_ENDINGS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("tes",), F.IMPERATIVE | F.REFLEXIVE),  # отпишитесь
    (("lsya", "las", "lis", "los", "lsia"), F.PAST | F.REFLEXIVE),  # сменился, изменились
    (("li",), F.PAST | F.PAST_YOU),  # поменяли, удалили
    (("l", "la", "lo"), F.PAST),  # отписалась
    (("tsya", "tis", "tsia"), F.INFINITIVE | F.REFLEXIVE),  # отписаться
    (("sya", "sia"), F.REFLEXIVE),  # меняется
    (("aet", "yaet", "uet", "eet", "yut", "iet"), F.NONE),  # отписывает, удаляют: present, not "-ть"
    (("t", "ti", "ch"), F.INFINITIVE),  # удалить
    (("i", "ai", "yai", "ei"), F.IMPERATIVE),  # удали, не присылай
)


def russian_form(skel: str) -> int:
    """Form of a Russian verb or verbal noun, from its skeleton."""
    if skel.endswith("te") and not skel.endswith("ete"):
        return F.IMPERATIVE  # отпишите, исправьте (not пишете)
    for endings, form in _RU_ENDINGS:
        if skel.endswith(endings):
            return form
    return F.NONE


def kazakh_form(rest: str, verb: bool) -> int:
    """Form of a Kazakh word from the suffix chain after its root (``rest``, skeleton letters)."""
    form = F.NONE
    if not verb:
        if _KK_POSSESSIVE.search(rest) and len(rest) <= 8:
            form |= F.POSSESSIVE
        if rest.endswith(_KK_ABLATIVE):
            form |= F.ABLATIVE
        elif rest.endswith(_KK_LOCATIVE):
            form |= F.LOCATIVE
        return form
    if rest[:2] in _KK_NEG:
        form |= F.NEG_INSIDE
        rest = rest[2:]
    if _KK_PAST_YOU.match(rest):
        form |= F.PAST | F.PAST_YOU
    elif _KK_PAST.match(rest):
        form |= F.PAST
    elif _KK_IMPERATIVE.match(rest) or rest in ("", "shy", "shi") or _KK_CONDITIONAL_YOU.match(rest):
        form |= F.IMPERATIVE
    elif _KK_DESIRE.match(rest):
        form |= F.DESIRE
    elif _KK_CONVERB.match(rest):
        form |= F.CONVERB
    elif _KK_VERBAL_NOUN.match(rest):
        form |= F.INFINITIVE
    if rest.endswith(_KK_ABLATIVE):
        form |= F.ABLATIVE
    return form


_EN_NOT_PAST = frozenset({"need", "feed", "proceed", "embed"})
_EN_PAST = frozenset({"sent", "got", "gotten", "sold", "kept", "shut", "put", "meant"})


def english_form(word: str) -> int:
    if (word.endswith("ed") and word not in _EN_NOT_PAST) or word in _EN_PAST:
        return F.PAST
    return F.NONE
