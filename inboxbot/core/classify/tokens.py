"""Text to sentences of words: case-folded, compounds split ("email-рассылки"), "e-mail" joined,
indefinite pronouns marked ("откуда-то" is no question), «quoted» button labels marked, phone numbers
and e-mail addresses noted as values, URLs dropped; commas, colons and dashes noted as clause breaks;
each sentence numbered by its paragraph (blank lines).

A sentence ends at . ! ? ; … or a line break, except where a long line was soft-wrapped mid-sentence
or a dot stands inside a number ("12.03.1985", "5.1.1").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_VALUES = re.compile(r"(?P<url>(?:https?://|www\.)\S+)|(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)")
_MARKS = {"url": " ", "email": " \x01 "}
# One pass finds words, sentence ends (a dot inside a number is none), phone numbers, e-mail markers
# and quote marks; the loop below tells them apart by their first character.
_LETTER = "a-zа-яёәғқңөұүһіà-öø-ÿāăąćčďēęěğīıķļłńňōőœřśşšţťūůűźżžșțǵ"  # case-folded text
_TOKENS = re.compile(
    rf"[{_LETTER}]+(?:['’\-][{_LETTER}]+)*['’]?|[!?;…\n]+|\.(?!\d)|\+?\d[\d\- \t()]{{7,}}\d|"
    r"[\x01«»“”\",:—–(]|(?<= )-(?= )"
)
_ENDS = frozenset(".!?;…\n")
_OPEN_QUOTES = frozenset("«“")
_QUOTES = frozenset('«»“”"')
_BREAKS = frozenset(",:—–(-")
_INDEFINITE_TAILS = frozenset({"то", "нибудь", "либо", "таки"})
_JOINED = {
    "e-mail": "email", "e-mails": "emails", "opt-out": "optout", "sign-up": "signup",
    "re-register": "reregister", "re-registered": "reregistered", "re-subscribe": "resubscribe",
}  # fmt: skip
_SOFT_WRAP_MIN = 60
_NOTHING: frozenset[str] = frozenset()
_NOTHING_AT: frozenset[int] = frozenset()


@dataclass(slots=True)
class RawSentence:
    words: tuple[str, ...]
    question: bool
    values: frozenset[str]  # "phone", "email"
    quoted: frozenset[int] = frozenset()  # indices of words inside «» or ""
    indefinite: frozenset[int] = frozenset()  # indices of words that had -то, -нибудь
    breaks: frozenset[int] = frozenset()  # indices of words a comma, colon or dash stands before
    paragraph: int = 0  # how many blank lines stand before it


def unwrap(text: str) -> str:
    """Join lines that a mail client wrapped in the middle of a sentence."""
    if "\n" not in text or len(text) < _SOFT_WRAP_MIN:
        return text
    out: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        previous = out[-1].rstrip() if out else ""
        wrapped = len(previous) >= _SOFT_WRAP_MIN and previous[-1:] not in ".!?:;"
        if wrapped and stripped and stripped[0].islower():
            out[-1] = previous + " " + stripped
            continue
        out.append(line)
    return "\n".join(out)


def sentences(text: str) -> list[RawSentence]:
    """Split ``text`` into sentences of words."""
    text = unwrap(text).casefold()
    if "@" in text or "://" in text or "www." in text:
        text = _VALUES.sub(lambda m: _MARKS[m.lastgroup or "url"], text)
    result: list[RawSentence] = []
    current = _Current()
    paragraph = 0
    yo = "ё" in text
    for token in _TOKENS.findall(text):
        first = token[0]
        if first.isalpha():
            if current.inside or not token.isalpha() or (yo and "ё" in token):  # hyphen, apostrophe, ё
                current.add(token)
            else:
                current.words.append(token)
        elif first in _ENDS:
            if current.words:
                result.append(current.build("?" in token, paragraph))
                current = _Current()
            current.inside = current.inside and "\n" not in token
            if len(token) > 1 and "\n\n" in token:
                paragraph += 1
        elif first in _QUOTES:
            current.inside = (not current.inside) if first == '"' else first in _OPEN_QUOTES
        elif first in _BREAKS:
            current.breaks.add(len(current.words))
        else:
            current.values.add("email" if first == "\x01" else "phone")
    if current.words:
        result.append(current.build(False, paragraph))
    return result


class _Current:
    """The sentence being read."""

    __slots__ = ("breaks", "indefinite", "inside", "quoted", "values", "words")

    def __init__(self) -> None:
        self.words: list[str] = []
        self.values: set[str] = set()
        self.quoted: set[int] = set()
        self.indefinite: set[int] = set()
        self.breaks: set[int] = set()
        self.inside = False  # between « and »

    def add(self, token: str) -> None:
        if self.inside:
            self.quoted.add(len(self.words))
        if "-" in token or "'" in token or "’" in token or "ё" in token:
            for part, is_indefinite in _parts(token):
                if is_indefinite:
                    self.indefinite.add(len(self.words))
                self.words.append(part)
        else:
            self.words.append(token)

    def build(self, question: bool, paragraph: int) -> RawSentence:
        return RawSentence(
            tuple(self.words),
            question,
            frozenset(self.values) if self.values else _NOTHING,
            frozenset(self.quoted) if self.quoted else _NOTHING_AT,
            frozenset(self.indefinite) if self.indefinite else _NOTHING_AT,
            frozenset(self.breaks) if self.breaks else _NOTHING_AT,
            paragraph,
        )


def _parts(word: str) -> list[tuple[str, bool]]:
    if "ё" in word or "’" in word:
        word = word.replace("ё", "е").replace("’", "'")
    if "'" in word and not word.endswith("s'"):
        word = word.rstrip("'")
    if "-" not in word:
        return [(word, False)]
    if word in _JOINED:
        return [(_JOINED[word], False)]
    parts = [p for p in word.split("-") if p]
    if parts and parts[-1] in _INDEFINITE_TAILS:
        return [(parts[0], True)]
    return [(part, False) for part in parts]
