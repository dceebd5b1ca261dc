"""From a word to its readings: the concepts it carries in each language, and its form.

Built once from the lexicons. A word is looked up exactly first, then by its longest known root
(prefix); Latin words are tried as English before being read as transliterated Russian/Kazakh. A
word nothing knows may be a typo of a key root: :class:`TypoMatcher` compares it, vowels folded
("атпишите" ~ "отпиш"), within one edit. Every lookup is memoised per word.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from . import lexicon_en, lexicon_kk, lexicon_ru
from .concepts import PREDICATES, C, Concept, F
from .language import word_votes
from .morphology import english_form, kazakh_form, russian_form
from .script import has_kazakh_letters, script_of, skeleton, unmix

_TYPO_CONCEPTS = frozenset(
    {
        C.UNSUB, C.SUBSCRIBE, C.LIST, C.SUBSCRIPTION, C.REMOVE, C.STOP, C.CHANGE, C.DATA, C.PERSONAL,
        C.ACCOUNT, C.CONSENT, C.WITHDRAW, C.REQUISITES,
    }
)  # fmt: skip
# Concepts that only colour a sentence: a sentence of nothing else needs no rule.
_BACKGROUND = frozenset(
    {
        C.GREETING, C.SKIP, C.PLEASE, C.FROM, C.OWN, C.ME, C.OUR, C.MORE, C.NEG, C.POSTNEG, C.THANKS,
        C.AUDIENCE, C.METRIC, C.TOOL, C.CARD, C.ACCIDENT, C.ATTACH, C.OBTAIN, C.CALL, C.RECORDING,
        C.ALL, C.CREDENTIALS, C.WORKS, C.WE, C.YOU, C.THIRD, C.OFFER,
    }
)  # fmt: skip
_NEGATORS = frozenset({C.NEG, C.POSTNEG})
_QUESTION_WORDS = frozenset({C.WHAT, C.WHOM, C.SOURCE, C.WHERE, C.HOW, C.PURPOSE})
_TYPO_MIN_ROOT = 5
_CACHE_LIMIT = 200_000
_SHORT_ROOT = 4  # distinct words remembered before the memo starts again
_TYPO_ONE_EDIT = 8
_TYPO_SHARED_START = 3  # a typo keeps the first letters (vowels folded): "атпишите", "unsubscibe"
# Unstressed vowels Russian spellers confuse: о/а ("атпишите"), е/и ("отпешите"). Not у/и: "отпуск" is
# no "отписк".
_VOWEL_FOLD = str.maketrans("oe", "ai")
# An unknown Latin word with an English ending is English ("billing" is no Kazakh "біл-" + "ling"),
# unless a long root explains it.
_ENGLISH_ENDINGS = ("ing", "ed")
_FOREIGN_ROOT_MAX = 4


@dataclass(frozen=True, slots=True)
class Reading:
    """One language's reading of a word."""

    lang: str  # "ru", "kk" or "en"
    concepts: frozenset[Concept]
    form: int
    root_len: int  # length of the matched root in the skeleton (0 for an exact word)
    predicate: bool = False  # carries a predicate concept
    negates: bool = False  # a negator, or a verb with negation inside
    asks: bool = False  # carries a question word ("что", "what"): its reading may depend on the context


@dataclass(frozen=True, slots=True, eq=False)
class Lexeme:
    """A word's analysis, shared by every occurrence of the word (so compared by identity)."""

    text: str  # the normalised word
    skel: str
    readings: tuple[Reading, ...]
    kazakh_letters: bool
    latin: bool
    typo: bool  # found only through the typo matcher
    english: bool  # a known English word
    votes: tuple[float, float, float]  # language evidence (ru, kk, en), see :mod:`.language`
    relevant: bool  # carries a concept some rule looks at (not only a greeting or a particle)
    in_lang: dict[str, Reading | None] = field(default_factory=dict)  # reading_for(), per sentence language

    def reading_for(self, lang: str) -> Reading | None:
        """The reading to use in a sentence of language ``lang``."""
        if not self.readings:
            return None
        for reading in self.readings:
            if reading.lang == lang:
                return reading
        first = self.readings[0]
        short = 0 < first.root_len <= _SHORT_ROOT
        if first.lang == "kk" and lang != "kk" and short and not self.kazakh_letters and not self.latin:
            return None  # a short Kazakh root inside a Russian word ("кос" in "косвенно")
        return first


@dataclass(frozen=True, slots=True)
class _Entry:
    concepts: frozenset[Concept]
    lang: str


class _Table:
    """Exact words and root prefixes of one key space (English words, or ru/kk skeletons)."""

    def __init__(self) -> None:
        self.exact: dict[str, list[_Entry]] = {}
        self.prefix: dict[str, list[_Entry]] = {}

    def add(self, key: str, entry: _Entry, is_prefix: bool) -> None:
        (self.prefix if is_prefix else self.exact).setdefault(key, []).append(entry)

    def find(self, key: str) -> tuple[list[_Entry], int] | None:
        if key in self.exact:
            return self.exact[key], 0
        for size in range(len(key), 1, -1):
            found = self.prefix.get(key[:size])
            if found is not None:
                return found, size
        return None


def _families(table: _Table, families: dict[Concept, str], lang: str, fold: bool) -> None:
    for concept, words in families.items():
        for word in words.split():
            is_prefix = word.endswith("*")
            key = word.rstrip("*")
            table.add(skeleton(key) if fold else key, _Entry(frozenset({concept}), lang), is_prefix)


def _blocked(table: _Table, words: list[str], lang: str) -> None:
    for word in words:
        key = word.rstrip("*")
        table.add(skeleton(key), _Entry(frozenset(), lang), word.endswith("*"))


class Vocabulary:
    def __init__(self) -> None:
        self.english = _Table()
        self.folded = _Table()
        _families(self.english, lexicon_en.FAMILIES, "en", fold=False)
        _families(self.folded, lexicon_ru.FAMILIES, "ru", fold=True)
        _families(self.folded, lexicon_kk.FAMILIES, "kk", fold=True)
        _blocked(self.folded, lexicon_ru.BLOCKED, "ru")
        _blocked(self.folded, lexicon_kk.BLOCKED, "kk")
        self.english_words = lexicon_en.COMMON | set(self.english.exact)
        self.typos = TypoMatcher(self.folded, self.english)
        self.memo: dict[str, Lexeme] = {}

    def lexeme(self, word: str) -> Lexeme:
        """The (memoised) analysis of a case-folded word."""
        found = self.memo.get(word)
        if found is None:
            if len(self.memo) >= _CACHE_LIMIT:
                self.memo.clear()
            found = self.memo[word] = self._lexeme(word)
        return found

    def _lexeme(self, word: str) -> Lexeme:
        kind = script_of(word)
        if kind == "mixed":
            word = unmix(word)
            kind = script_of(word)
        latin = kind == "lat"
        english = latin and word in self.english_words
        readings: tuple[Reading, ...] = ()
        typo = False
        if latin:
            readings = _readings(self.english.find(word), word, word)
        if not readings and not english:
            skel = skeleton(word)
            readings = _readings(self.folded.find(skel), skel, word)
            if "ı" in word:  # dotless ı is і (2021 alphabet) or, Turkish-style, ы: keep the better reading
                readings = self._dotless(word, readings)
            if (
                latin
                and readings
                and word.endswith(_ENGLISH_ENDINGS)
                and readings[0].root_len <= _FOREIGN_ROOT_MAX
            ):
                readings = ()
            if not readings and self.folded.find(skel) is None and len(skel) >= _TYPO_MIN_ROOT:
                readings = _readings(self.typos.match(skel), skel, word)
                typo = bool(readings)
        skel = skeleton(word)
        kazakh = has_kazakh_letters(word)
        by_lang = {r.lang: r.concepts for r in readings}
        votes = word_votes(word, skel, by_lang, english=english, kazakh=kazakh, latin=latin)
        relevant = any(r.concepts - _BACKGROUND for r in readings)
        lexeme = Lexeme(word, skel, readings, kazakh, latin, typo, english, votes, relevant)
        for lang in ("ru", "kk", "en"):
            lexeme.in_lang[lang] = lexeme.reading_for(lang)
        return lexeme

    def _dotless(self, word: str, readings: tuple[Reading, ...]) -> tuple[Reading, ...]:
        other = skeleton(word.replace("ı", "y"))
        alternative = _readings(self.folded.find(other), other, word)
        if not alternative:
            return readings
        mine, theirs = (readings[0].root_len, alternative[0].root_len) if readings else (0, 0)
        return alternative if not readings or not theirs or 0 < mine < theirs else readings


def _readings(found: tuple[list[_Entry], int] | None, key: str, word: str) -> tuple[Reading, ...]:
    if found is None:
        return ()
    entries, root_len = found
    by_lang: dict[str, set[Concept]] = {}
    for entry in entries:
        by_lang.setdefault(entry.lang, set()).update(entry.concepts)
    readings = []
    for lang, concepts in by_lang.items():
        if not concepts:
            continue
        frozen = frozenset(concepts)
        form = _form(lang, frozen, key, root_len, word)
        negates = bool(frozen & _NEGATORS) or bool(form & F.NEG_INSIDE)
        asks = bool(frozen & _QUESTION_WORDS)
        readings.append(Reading(lang, frozen, form, root_len, bool(frozen & PREDICATES), negates, asks))
    return tuple(readings)


def _form(lang: str, concepts: frozenset[Concept], key: str, root_len: int, word: str) -> int:
    verb = bool(concepts & PREDICATES)
    if lang == "en":
        return english_form(word) if verb else F.NONE
    if lang == "kk":
        rest = key[root_len:] if root_len else ""
        if not verb and rest in ("a", "e") and root_len and key[root_len - 1] in "td":
            rest = key[root_len - 1] + rest  # "кабинетте": the locative's т merged into the root's
        return kazakh_form(rest, verb)
    return russian_form(key) if verb else F.NONE


class TypoMatcher:
    """Matches a word nothing knows to a key root within one edit, vowels folded."""

    def __init__(self, folded_table: _Table, english_table: _Table) -> None:
        self.roots: dict[str, dict[str, list[_Entry]]] = {}
        roots = [(root, entries) for root, entries in folded_table.prefix.items()]
        roots += [(skeleton(root), entries) for root, entries in english_table.prefix.items()]
        for root, entries in roots:
            keep = [e for e in entries if e.concepts & _TYPO_CONCEPTS]
            if len(root) >= _TYPO_MIN_ROOT and keep:
                folded = root.translate(_VOWEL_FOLD)
                start = folded[:_TYPO_SHARED_START]
                self.roots.setdefault(start, {}).setdefault(folded, []).extend(keep)

    def match(self, skel: str) -> tuple[list[_Entry], int] | None:
        folded = skel.translate(_VOWEL_FOLD)
        best: tuple[int, int, str] | None = None
        candidates = self.roots.get(folded[:_TYPO_SHARED_START], {})
        for root in candidates:
            size = len(root)
            allowed = 1 if size >= _TYPO_ONE_EDIT else 0  # short roots: vowel slips only ("атпишите")
            for cut in (size - 1, size, size + 1):
                if cut > len(folded) or cut < _TYPO_MIN_ROOT:
                    continue
                dist = Levenshtein.distance(root, folded[:cut], score_cutoff=allowed)
                if dist <= allowed and (best is None or (dist, -size) < (best[0], -best[1])):
                    best = (dist, size, root)
        if best is None:
            return None
        return candidates[best[2]], best[1]
