"""Readings that belong to a group of words, not to one: multi-word expressions ("take me off", "opt
out", "бас тарту", "мен туралы", "по ошибке", "job title"), the Kazakh desire "-ғым келеді" and
compound verbs ("шығарып жіберіңіз": the auxiliary gives the verb its mood and leaves), the recording
of a call as the caller's data, and a clause-final "всё"/"all" as a pronoun ("после этого удалите
всё"). Each function changes the words of one sentence in place and says whether it changed any.
"""

from __future__ import annotations

import re

from .concepts import PREDICATES, C, Concept, F
from .negation import Word
from .script import skeleton

# (first words, second-word roots, window, concept, on which word: 0 first / 1 second)
_MWES: tuple[tuple[frozenset[str], tuple[str, ...], int, Concept, int], ...] = (
    (frozenset({"все", "всё"}), ("равно",), 1, C.CONTINUE, 1),
    (frozenset({"about", "regarding", "on"}), ("me",), 1, C.ABOUT_ME, 1),
    (frozenset({"мен"}), ("туралы",), 1, C.ABOUT_ME, 1),
    (frozenset({"маған"}), ("қатысты",), 1, C.ABOUT_ME, 1),
    (frozenset({"обо"}), ("мне",), 1, C.ABOUT_ME, 1),
    (frozenset({"opt"}), ("out",), 5, C.UNSUB, 0),  # "opt my number +7 701 ... out of"
    (frozenset({"қайтарып", "кері"}), ("ал",), 2, C.WITHDRAW, 1),
    (frozenset({"sign"}), ("up",), 1, C.SUBSCRIBE, 0),
    (frozenset({"take", "get", "drop", "strike", "cross", "turn", "switch"}), ("off",), 5, C.REMOVE, 0),
    (frozenset({"add", "put"}), ("back",), 3, C.RESTORE, 0),
    (frozenset({"third"}), ("part",), 1, C.THIRD_PARTY, 1),
    (frozenset({"третьим", "третьих", "третьи", "третьему", "третьей"}), ("лиц",), 1, C.THIRD_PARTY, 1),
    (frozenset({"үшінші"}), ("тұлға",), 1, C.THIRD_PARTY, 1),
    (frozenset({"бас"}), ("тарт",), 1, C.REFUSE, 1),
    (frozenset({"қайта"}), ("тіркел",), 1, C.CHANGE, 1),
    (frozenset({"қайта"}), ("қос",), 1, C.RESTORE, 1),  # "мені қайта қосыңыз": add me back
    (frozenset({"қалпына"}), ("келтір",), 1, C.RESTORE, 1),
    (frozenset({"келе", "келіп"}), ("бер", "жатыр"), 1, C.CONTINUE, 1),
    (frozenset({"сколько"}), ("можно",), 1, C.FED_UP, 1),
    (frozenset({"каждый", "every"}), ("день", "day"), 1, C.CONTINUE, 1),
    (frozenset({"our", "their"}), ("customer", "client", "patient", "employee", "user"), 1, C.THIRD_OWNER, 1),
    (frozenset({"subject"}), ("access",), 1, C.PERSONAL, 1),
    (frozenset({"no"}), ("longer", "more"), 1, C.MORE, 1),
    (frozenset({"from"}), ("now",), 1, C.INSTEAD, 1),  # "from now on"
    (
        frozenset({"our", "their"}),
        ("subscriber", "audience", "lead", "campaign", "newsletter", "mailing"),
        2,
        C.AUDIENCE,
        1,
    ),
    (frozenset({"how"}), ("many",), 1, C.METRIC, 1),
    (frozenset({"email", "mail", "text", "message"}), ("me", "us"), 1, C.SEND, 0),  # "email me in Kazakh"
    (frozenset({"job"}), ("title", "position", "role"), 1, C.POSITION, 1),
    (frozenset({"by"}), ("mistake", "accident"), 1, C.ACCIDENT, 1),
    (frozenset({"по"}), ("ошибк",), 1, C.ACCIDENT, 1),
)
# Kazakh auxiliaries after a converb ("шығарып жіберіңіз", "жаңартып қойыңыз"): they carry the mood,
# not a meaning of their own. таста- ("throw away") keeps its meaning of removal.
_AUX_ROOTS = ("zhiber", "koi", "koy", "ber", "al", "ket", "sal", "otyr", "tur")
_LIGHT_VERBS = ("etip", "etib", "kylyp", "zhasap", "ete")
_MOOD_BITS = F.IMPERATIVE | F.NEG_INSIDE | F.PAST | F.PAST_YOU | F.INFINITIVE | F.DESIRE
_PRONOUN = frozenset({C.PRONOUN})  # "все"/"всё"/"all" closing a clause: "после этого удалите всё"
_CALL_DATA = frozenset({C.DATA})

# Keyed by skeleton, so "men turaly" finds "мен туралы".
_MWE_BY_FIRST: dict[str, list[tuple[tuple[str, ...], int, Concept, int]]] = {}
for _firsts, _seconds, _window, _concept, _target in _MWES:
    for _first in _firsts:
        _entry = (tuple(skeleton(s) for s in _seconds), _window, _concept, _target)
        _MWE_BY_FIRST.setdefault(skeleton(_first), []).append(_entry)
MWE_FIRSTS = frozenset(_MWE_BY_FIRST)
_DESIRE = re.compile(r"(g|k)(y|i)(m|myz|miz|s(y|i))$")  # Kazakh -ғым/-гім/-ғысы: "алғым келмейді"


def multiword(words: list[Word | None], texts: tuple[str, ...], skels: list[str], lang: str) -> bool:
    """Give multi-word expressions their meaning; True when any was found."""
    added = False
    for i, skel in enumerate(skels):
        if i and skel.startswith("kel") and _DESIRE.search(skels[i - 1]):
            _desire(words, texts, skels, i, lang)
            added = True
            continue
        for seconds, window, concept, target in _MWE_BY_FIRST.get(skel, ()):
            for j in range(i + 1, min(len(skels), i + 1 + window)):
                if skels[j].startswith(seconds):
                    _add(words, texts, i if target == 0 else j, concept, lang)
                    added = True
                    break
    return added


def _desire(words: list[Word | None], texts: tuple[str, ...], skels: list[str], i: int, lang: str) -> None:
    """ "-ғым келеді" is "I want to" (not "it comes"); "-ғым келмейді" is "I do not want to"."""
    rest = skels[i][3:]
    form = F.NEG_INSIDE if rest[:2] in ("ma", "me", "ba", "be", "pa", "pe") else F.NONE
    words[i] = Word(texts[i], frozenset({C.WANT}), form, "kk", False, False, i)


def _add(words: list[Word | None], texts: tuple[str, ...], i: int, concept: Concept, lang: str) -> None:
    word = words[i]
    if word is None:
        words[i] = Word(texts[i], frozenset({concept}), F.NONE, lang, False, False, i)
    elif concept == C.ACCIDENT:  # "по ошибке", "by mistake": how it happened, not an error in the data
        word.concepts = (word.concepts - {C.ERROR}) | {concept}
    elif concept == C.REMOVE:  # "switch off" the promotions is no "switch to" a new address
        word.concepts = (word.concepts - {C.CHANGE}) | {concept}
    else:
        word.concepts = word.concepts | {concept}


def kazakh_compounds(words: list[Word | None], skels: list[str]) -> bool:
    """ "шығарып жіберіңіз": the auxiliary gives the verb its mood and leaves. True when one left."""
    merged = False
    for i in range(1, len(skels)):
        aux = skels[i]
        if not aux.startswith(_AUX_ROOTS) and not aux.startswith("tasta"):
            continue
        converb = skels[i - 1]
        if not converb.endswith(("yp", "ip", "a", "e")) or len(converb) < 3:
            continue
        mood = _aux_mood(words[i], aux)
        if aux.startswith("al") and converb.endswith(("a", "e")):
            mood &= ~F.NEG_INSIDE  # "шыға алмай жатырмын": cannot leave, like "не могу отписаться"
        head = i - 1
        if converb.startswith(_LIGHT_VERBS) and i >= 2:
            head = i - 2  # "отписаться етіп жіберіңізші", "удалить етіп"
        target = words[head]
        if target is not None and target.concepts & PREDICATES:
            target.form = (target.form & ~F.CONVERB) | mood
            if not aux.startswith("tasta") and words[i] is not None:
                words[i] = None
                merged = True
    return merged


def _aux_mood(word: Word | None, aux: str) -> int:
    if word is not None:
        return word.form & _MOOD_BITS
    from .morphology import kazakh_form  # noqa: PLC0415  (rare path: an auxiliary outside the lexicon)

    root = next((r for r in _AUX_ROOTS if aux.startswith(r)), "")
    return kazakh_form(aux[len(root) :], verb=True) & _MOOD_BITS


def call_recordings(words: list[Word | None], index: dict[Concept, list[Word]]) -> bool:
    """The recording of a call is the caller's personal data ("копии записей разговоров со мной",
    "қоңырауымның жазбасы": "my call" makes it mine)."""
    if C.CALL not in index:
        return False
    for word in (*index[C.RECORDING], *index[C.CALL]):
        word.concepts = word.concepts | _CALL_DATA
    return True


def bare_all(alls: list[Word], texts: tuple[str, ...], breaks: frozenset[int]) -> bool:
    """ "удалите всё", "delete it all": "all" with nothing after it in its clause is a pronoun."""
    found = False
    for word in alls:
        i = word.index
        if i + 1 == len(texts) or i + 1 in breaks:
            word.concepts = word.concepts | _PRONOUN
            found = True
    return found
