"""Scripts and transliteration: every word, Cyrillic or Latin, is folded to one Latin *skeleton*.

Russian and Kazakh are often typed in Latin letters ("otpishite menya ot rassylki", "taratylymnan
shygaryp"), and Kazakh has three Latin spellings of its own (ş/ğ/q, sh/gh/q, plain ASCII). Folding
both scripts to one lossy skeleton — Kazakh letters to their nearest Russian ones, then a plain
transliteration, doubled letters collapsed — lets one root ("отпиш" -> "otpish") match
"отпишите", "otpishite" and "atpishite" (the last through the typo matcher). English words are not
folded: they are looked up as they are, so "data" (English) never meets "дата" (Russian "date").

Kazakh Latin letters follow the official alphabets: 2021 (ä ğ ı=і i=и ñ ö ş ū ü, y=ы) and 2018 (á ǵ
ı=і ń ó ú=ү ý=у). Informal Latin writes й as "y" ("zhoyyp" = "жойып"): a "y" closing a syllable after a
vowel is folded to "i" in both scripts, so it meets "й" (and "ауыстыр" / "auystyr" fold alike).
"""

from __future__ import annotations

import re
from functools import lru_cache

KAZAKH_LETTERS = frozenset("әғқңөұүһіäğıñöşūüǵń")  # Cyrillic, then the official Latin ones
_CYR_TO_LAT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya", "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u",
    "һ": "h", "і": "i",
}  # fmt: skip
_CYR_TABLE = str.maketrans(_CYR_TO_LAT)
# Kazakh Latin alphabets (2017-2021) and Turkish-style letters, folded to the skeleton's digraphs.
_LAT_TABLE = str.maketrans(
    {
        "ş": "sh", "ğ": "g", "ǵ": "g", "ä": "a", "ö": "o", "ü": "u", "ū": "u", "ı": "i", "ñ": "n", "ń": "n",
        "ç": "ch", "á": "a", "ó": "o", "ú": "u", "ý": "u", "q": "k", "w": "u", "x": "h", "'": "", "’": "",
    }
)  # fmt: skip
_LAT_DIGRAPHS = (("shch", "sch"), ("kh", "h"), ("iu", "yu"), ("ia", "ya"), ("j", "zh"), ("zhzh", "zh"))
_DOUBLES = re.compile(r"(.)\1+")
_CLOSING_Y = re.compile(
    r"(?<=[aeiou])y(?![aeiouy])"
)  # "zhoyp" -> "zhoip", like "жойып" -> "zhoiyp" -> "zhoip"
# Latin letters that look like Cyrillic ones, for words typed with a mixed keyboard ("рaссылка").
_HOMOGLYPHS = str.maketrans("aeopcxykmthb", "аеорсхукмтнв")
_CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]")
_LATIN = re.compile(r"[a-z]")


def script_of(word: str) -> str:
    """``"cyr"``, ``"lat"`` or ``"mixed"`` for a lower-case word."""
    cyr = bool(_CYRILLIC.search(word))
    lat = bool(_LATIN.search(word))
    if cyr and lat:
        return "mixed"
    return "cyr" if cyr else "lat"


def unmix(word: str) -> str:
    """Replace Latin look-alikes in a mostly Cyrillic word ("рaссылка" -> "рассылка")."""
    cyr = len(_CYRILLIC.findall(word))
    lat = len(_LATIN.findall(word))
    return word.translate(_HOMOGLYPHS) if cyr >= lat else word


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """Fold a lower-case word of either script to its Latin skeleton ("шығарыңыз" -> "shygarynyz")."""
    if _CYRILLIC.search(word):
        folded = word.translate(_CYR_TABLE)
    else:
        folded = word.translate(_LAT_TABLE)
        for old, new in _LAT_DIGRAPHS:
            folded = folded.replace(old, new)
    folded = _DOUBLES.sub(r"\1", folded)
    if "y" in folded:
        folded = _DOUBLES.sub(r"\1", _CLOSING_Y.sub("i", folded))
    return folded


def has_kazakh_letters(word: str) -> bool:
    return any(ch in KAZAKH_LETTERS for ch in word)
