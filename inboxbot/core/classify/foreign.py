"""Mail in a language we do not speak: anything but ru, kk and en is ``und``.

The word votes of :mod:`.language` read every Latin word as English or transliterated Russian/Kazakh
and every Cyrillic word as Russian or Kazakh, so Italian ("-ato", "-ie") came out ru and Turkish (ş ğ
ı ö ü are Kazakh Latin letters) kk. Here a text is checked only when its words are *not recognised*:
fewer than a third of its words of 3+ letters are known (a lexicon root, a Russian/Kazakh function
word, an English word; a greeting or "please" counts 0.3, as in the votes: "Здравствуйте! Vorrei
cancellarmi ..." is Italian), or six or more of them and not one frequent word ("the", "you", "my";
"что", "меня"; "мені", "үшін": English loanwords fill Italian, German and Turkish mail), or it has
letters of another script. Most mail never gets past that count. Then, in order:

1. **Another script** (Han, kana, Hangul, Arabic, Greek, ...) making a third of the letters: und.
2. **Kyrgyz and Mongolian** are written with ө ү ң like Kazakh but without ә ғ қ ұ һ і; a Cyrillic
   text with two or more ө/ү/ң words (or long vowels: "маалымат", or "саламатсызбы", "рахмат",
   "мага") and none of Kazakh's own letters is und (lingua knows no Kyrgyz and calls it Kazakh).
   Kyrgyz shares enough words with Kazakh to pass the count, so a text the votes call kk is always
   looked at this way (the first і or қ ends the search).
3. **lingua** (``lingua-language-detector``), for two words or more, restricted to ru, kk, en and
   the languages the company plausibly receives (see ``_CANDIDATES``), in its low-accuracy mode
   (trigram models, ~35 MB, loaded on the first question, not at import). When it names another
   language with ``_FOREIGN_CONFIDENCE``, the text is und. It is not asked of a Latin text enough of
   whose words are Russian/Kazakh (transliteration: lingua cannot say ru or kk of it). A
   Cyrillic text is asked only when it has letters Russian and Kazakh lack (Ukrainian ї є ґ, or і
   without any other Kazakh letter; ў ј љ ...): otherwise lingua could only answer ru or kk, which
   the votes already do as well (measured), and asking costs 0.03-0.6 ms.

The detector is deterministic; it is built once per process, lazily, behind a lock.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from itertools import chain, islice
from typing import TYPE_CHECKING

from inboxbot.core.intents import UNDETERMINED

from . import lexicon_en
from .concepts import words as word_list
from .language import LOW_WEIGHT, is_function_word, is_polite

if TYPE_CHECKING:
    from lingua import LanguageDetector

    from .vocabulary import Vocabulary

UND = UNDETERMINED
OURS = frozenset({"ru", "kk", "en"})

_MIN_LETTERS = 3  # shorter words ("de", "in", "не") are shared by too many languages to count
_KNOWN_SHARE = 0.34  # below this share of recognised words a text is checked
_FOREIGN_CONFIDENCE = 0.5  # lingua's confidence in another language that makes a text und
_TRANSLIT_SHARE = 0.25  # recognised ru/kk words that keep a Latin text ours whatever lingua says
_OTHER_SCRIPT_SHARE = 1 / 3
_LINGUA_MIN_WORDS = 2
_SCRIPT_SAMPLE = 30  # words looked at to tell a Latin text from a Cyrillic one
_ROOT_MIN = 4  # a root prefix shorter than this may be chance ("dat" in Spanish "datos")
_MEMO_LIMIT = 200_000
# A text of this many words none of which is a frequent word (English "the", "you", "please"; Russian
# "что", "меня"; Kazakh "мені", "үшін") is checked however many roots it has: English loanwords
# ("email", "account", "marketing", "newsletter") fill Italian, German or Turkish mail.
_NO_FREQUENT_WORDS = 6
# What a word is to the count (``ForeignText._kind``): counted (3+ letters), recognised (its weight),
# a frequent word.
_Kind = tuple[int, float, int]
_UNKNOWN: _Kind = (1, 0.0, 0)
_POLITE: _Kind = (1, LOW_WEIGHT, 0)
_ROOT: _Kind = (1, 1.0, 0)
_FREQUENT: _Kind = (1, 1.0, 1)
_SHORT: _Kind = (0, 0.0, 0)
_SHORT_FREQUENT: _Kind = (0, 0.0, 1)
_FREQUENT_ENGLISH = lexicon_en.COMMON
# Short frequent words that other Latin-script languages rarely write ("in", "no", "me", "a", "do" they do).
_SHORT_FREQUENT_WORDS = frozenset(
    word_list("my to of is it we be by at or if us am up he не на по за от до из же ли бы мы вы он")
)
# Endings after an English root: "cancelled", "updating", "removal" (not Italian "-ato", Spanish "-ar").
_ENGLISH_ENDINGS = frozenset(
    word_list(
        """
    e s es d ed ing ings er ers or ors ion ions ation ations al ally ly ment ments age ages y ies ied ive
    able ure ures ance ence ity ful ness
    """
    )
) | {""}

# Letters of scripts none of our languages uses.
_OTHER_SCRIPT = re.compile(
    "[\u0370-\u03ff\u0530-\u058f\u0590-\u05ff\u0600-\u06ff\u0900-\u0dff\u0e00-\u0e7f\u10a0-\u10ff"
    "\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]"
)
_KANA = re.compile("[\u3040-\u30ff]")
_HANGUL = re.compile("[\u1100-\u11ff\uac00-\ud7af]")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
# Letters Kazakh has and Kyrgyz/Mongolian do not; a Latin "i" typed for "і" inside a Cyrillic word too.
_KAZAKH_OWN_LETTERS = "әғқұһіӘҒҚҰҺІ"
_TYPED_I = re.compile("[а-яё]i|i[а-яё]")
# Marks of Kyrgyz, Mongolian (and Kazakh): ө ү ң, or a long vowel written twice ("маалымат", "салуу";
# not оо/ии/ее, which Russian has: "сообщение", "линии", "более").
_TURKIC_MARK = re.compile("[өүң]|аа|уу|ыы|ээ")
_TURKIC_MARKS = ("ө", "ү", "ң", "Ө", "Ү", "Ң", "аа", "уу", "ыы", "ээ")
_TURKIC_MIN_WORDS = 2
# Kyrgyz words whose Kazakh counterparts differ even when typed on a Russian keyboard (сәлеметсіз,
# өтінемін, рахмет, маған, саған, емес): they mark a text as the letters do.
_KYRGYZ_WORDS = frozenset({"саламатсызбы", "саламатсыздарбы", "сураныч", "рахмат", "мага", "сага", "эмес"})
_NEIGHBOUR = re.compile("[їєґўјљњћђџѓќѕҳӯӣҷЇЄҐЎЈЉЊЋЂЏЃЌЅҲӮӢҶ]")
_KAZAKH_SPECIFIC = re.compile("[әғқңөұүһӘҒҚҢӨҰҮҺ]")

# ISO 639-1 codes of the candidates (lingua's Language names them in upper case).
_CANDIDATES = (
    "ru", "kk", "en",  # ours
    "uk", "be", "sr", "mk", "mn",  # Cyrillic neighbours
    "tr", "de", "fr", "it", "es", "pt", "cs", "pl",  # Latin script
)  # fmt: skip


class ForeignText:
    """Tells whether a mail's text is in a language other than ru, kk and en."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self._lexeme = vocabulary.lexeme
        self._known: dict[str, _Kind] = {}
        self._ours: dict[str, bool] = {}

    def language(self, text: str, sentences: Sequence[tuple[str, ...]], voted: str) -> str | None:
        """The other language ``text`` is written in (an ISO 639-1 code, or a script's language),
        or None when it is ours or cannot be told. ``sentences`` are the words of ``text`` as the
        classifier read them, ``voted`` the language their votes chose."""
        latin, cyrillic = -1, -1
        if not text.isascii() and _OTHER_SCRIPT.search(text) is not None:
            latin, cyrillic = _letters(sentences, None)
            others = len(_OTHER_SCRIPT.findall(text))
            if others >= _OTHER_SCRIPT_SHARE * (others + latin + cyrillic):
                return _script_language(text)
        counted, known, frequent = self._recognised(sentences)
        if counted == 0 or (known >= _KNOWN_SHARE * counted and (frequent or counted < _NO_FREQUENT_WORDS)):
            return "ky" if voted == "kk" and _kyrgyz(text, sentences) else None
        if latin < 0:
            latin, cyrillic = _letters(sentences, _SCRIPT_SAMPLE)
        return self._detect(text, sentences, latin, cyrillic, counted)

    def _recognised(self, sentences: Sequence[tuple[str, ...]]) -> tuple[int, float, int]:
        """Words of 3+ letters; how much of them is recognised; how many words are frequent ones."""
        memo = self._known
        get = memo.get
        counted = frequent = 0
        known = 0.0
        for sentence in sentences:
            for word in sentence:
                kind = get(word)
                if kind is None:
                    if len(memo) >= _MEMO_LIMIT:
                        memo.clear()
                    kind = memo[word] = self._kind(word)
                is_counted, weight, is_frequent = kind
                counted += is_counted
                known += weight
                frequent += is_frequent
        return counted, known, frequent

    def _kind(self, word: str) -> _Kind:
        """How a word is recognised: not at all, a greeting or "please" (it weighs little, as in the
        votes), a lexicon root, or a frequent word (an English or Russian/Kazakh function word); a
        word of one or two letters is not counted, but may be frequent ("my", "to", "не")."""
        if len(word) < _MIN_LETTERS:
            return _SHORT_FREQUENT if word in _SHORT_FREQUENT_WORDS else _SHORT
        lexeme = self._lexeme(word)
        if not lexeme.readings and not lexeme.english and not is_function_word(lexeme.skel):
            return _UNKNOWN
        polite = is_polite({r.lang: r.concepts for r in lexeme.readings})
        if word in _FREQUENT_ENGLISH or is_function_word(lexeme.skel):
            return _POLITE if polite else _FREQUENT
        # a typo of a key root counts: "unsubscibe me pls" is English
        if lexeme.english or any(_root_read(r.lang, r.root_len, word) for r in lexeme.readings):
            return _POLITE if polite else _ROOT
        return _UNKNOWN

    def _detect(
        self, text: str, sentences: Sequence[tuple[str, ...]], latin: int, cyrillic: int, counted: int
    ) -> str | None:
        """A text whose words are not recognised: Kyrgyz letters, then lingua."""
        if cyrillic > latin:
            if _kyrgyz(text, sentences):
                return "ky"
            if not _neighbour_letters(text):  # only Russian and Kazakh letters: lingua would say ru or kk
                return None
        if counted < _LINGUA_MIN_WORDS:  # "Grazie!", "Merci": too little for its trigram models
            return None
        if latin >= cyrillic and self._transliterated(sentences):  # lingua cannot say ru or kk of it
            return None
        found = _lingua(text)
        return None if found is None or found in OURS else found

    def _transliterated(self, sentences: Sequence[tuple[str, ...]]) -> bool:
        """Enough words read as Russian or Kazakh (not English) that the text is typed in Latin."""
        memo = self._ours
        counted = ours = 0
        for sentence in sentences:
            for word in sentence:
                if len(word) < _MIN_LETTERS:
                    continue
                counted += 1
                hit = memo.get(word)
                if hit is None:
                    if len(memo) >= _MEMO_LIMIT:
                        memo.clear()
                    hit = memo[word] = self._reads_as_ours(word)
                ours += hit
        return counted > 0 and ours >= _TRANSLIT_SHARE * counted

    def _reads_as_ours(self, word: str) -> bool:
        lexeme = self._lexeme(word)
        if lexeme.english:
            return False
        if is_function_word(lexeme.skel):
            return True
        return any(r.lang != "en" and _root_read(r.lang, r.root_len, word) for r in lexeme.readings)


def _root_read(lang: str, root_len: int, word: str) -> bool:
    """A reading that recognises the word: a whole word, a Russian/Kazakh root long enough not to be
    chance (the ending is theirs to analyse), or an English root with an English ending ("cancelled",
    "updating"; not Italian "cancellato", Spanish "cancelar")."""
    if root_len == 0:
        return True
    if lang != "en":
        return root_len >= _ROOT_MIN
    rest = word[root_len:]
    if rest[:1] == word[root_len - 1 : root_len]:  # a doubled consonant: "cancelled", "stopping"
        rest = rest[1:]
    return rest in _ENGLISH_ENDINGS


def _script_language(text: str) -> str:
    if _KANA.search(text):
        return "ja"
    if _HANGUL.search(text):
        return "ko"
    if _HAN.search(text):
        return "zh"
    return UND


def _letters(sentences: Sequence[tuple[str, ...]], sample: int | None) -> tuple[int, int]:
    """Letters of the Latin and of the Cyrillic words (of the first ``sample`` words: enough to tell the
    script a text is written in)."""
    latin = cyrillic = 0
    for word in islice(chain.from_iterable(sentences), sample):
        if "а" <= word[0] <= "ӿ":
            cyrillic += len(word)
        else:
            latin += len(word)
    return latin, cyrillic


def _neighbour_letters(text: str) -> bool:
    """Cyrillic letters neither Russian nor Kazakh has (Ukrainian ї є ґ, Belarusian and Uzbek ў, Serbian
    and Macedonian ј љ њ, ...), or Ukrainian/Belarusian і in a text without Kazakh's other letters."""
    if _NEIGHBOUR.search(text):
        return True
    return ("і" in text or "І" in text) and _KAZAKH_SPECIFIC.search(text) is None


def _kyrgyz(text: str, sentences: Sequence[tuple[str, ...]]) -> bool:
    """Kyrgyz (or Mongolian): words with ө, ү, ң, a doubled vowel (one at least) or a Kyrgyz greeting
    or particle, and not one letter only Kazakh has."""
    # str's own search is far faster than re's; most texts have no mark, Kazakh ones have і or қ early.
    if not any(mark in text for mark in _TURKIC_MARKS):
        return False
    if any(letter in text for letter in _KAZAKH_OWN_LETTERS):
        return False
    marked = 0
    for sentence in sentences:
        for word in sentence:
            if word in _KYRGYZ_WORDS or _TURKIC_MARK.search(word):
                marked += 1
            elif "i" in word and _TYPED_I.search(word):
                return False
    return marked >= _TURKIC_MIN_WORDS


_detector: LanguageDetector | None = None
_lock = threading.Lock()


def _lingua(text: str) -> str | None:
    """lingua's most likely language among the candidates, if it is confident enough."""
    detector = _built()
    values = detector.compute_language_confidence_values(text)
    if not values or values[0].value < _FOREIGN_CONFIDENCE:
        return None
    return values[0].language.iso_code_639_1.name.lower()


def _built() -> LanguageDetector:
    global _detector  # noqa: PLW0603  (built lazily once per process: importing lingua and its models is not free)
    if _detector is None:
        with _lock:
            if _detector is None:
                from lingua import IsoCode639_1, LanguageDetectorBuilder  # noqa: PLC0415  (lazy on purpose)

                codes = [getattr(IsoCode639_1, code.upper()) for code in _CANDIDATES]
                _detector = (
                    LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_low_accuracy_mode().build()
                )
    return _detector
