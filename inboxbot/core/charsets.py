"""Turn the bytes of a header or a body part into text, whatever charset it claims.

Mail in this inbox arrives in utf-8, windows-1251, koi8-r, Kazakh kz1048 and worse: charsets that are
missing, unknown to Python, or simply wrong. Nothing here raises on bad input; the worst outcome is
text with replacement characters, which the caller can measure with :func:`garbage_ratio`.
"""

from __future__ import annotations

import codecs
import email.header
import re

from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio

# Encodings this mailbox plausibly receives; detection is limited to them because free detection on
# short Cyrillic text is unreliable (koi8-r bodies come out as shift_jis).
CANDIDATES = ("utf_8", "cp1251", "koi8_r", "koi8_u", "kz1048", "cp866", "iso8859_5", "mac_cyrillic", "cp1252")
# A declared charset is believed unless its text reads this much worse than the best candidate's.
MISLABEL_MARGIN = 0.05
_GARBAGE = re.compile("[\ufffd\x00-\x08\x0b\x0e-\x1f]")
_SURROGATE = re.compile("[\udc80-\udcff]")
_SINGLE_BYTE_LATIN = {"ascii", "latin_1", "iso8859_1", "cp1252", "iso8859_15"}


def codec_name(label: str | None) -> str | None:
    """Python's canonical codec name for a MIME charset label, or None when unknown."""
    if not label:
        return None
    cleaned = label.strip().strip("\"'").lower()
    if cleaned in {"unknown-8bit", "x-unknown", "unknown", "default"}:
        return None
    try:
        return codecs.lookup(cleaned).name.replace("-", "_")
    except LookupError:
        return None


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode ``data`` that claims charset ``declared`` (may be None, unknown or wrong)."""
    if not data:
        return ""
    if data.isascii():
        return data.decode("ascii")
    codec = codec_name(declared)
    if codec is not None and codec not in ("utf_8", "ascii"):
        text = _try_decode(data, codec)
        if text is not None and not _mislabelled(data, text, codec):
            return text
    utf8 = _try_decode(data, "utf_8")
    if utf8 is not None:
        return utf8
    return _detect(data)


def _mislabelled(data: bytes, text: str, codec: str) -> bool:
    if codec in _SINGLE_BYTE_LATIN:
        return _looks_like_cyrillic_in_latin(text)
    return _reads_worse_than_alternatives(data, text)


def garbage_ratio(text: str) -> float:
    """Share of characters that are replacement characters or stray control codes."""
    if not text:
        return 0.0
    return len(_GARBAGE.findall(text)) / len(text)


def _try_decode(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(data: bytes) -> str:
    best = from_bytes(data, cp_isolation=list(CANDIDATES)).best()
    if best is not None:
        return str(best)
    return data.decode("cp1251", errors="replace")


def _reads_worse_than_alternatives(data: bytes, text: str) -> bool:
    """True when another candidate decodes ``data`` into clearly more natural text."""
    if len(text) < 8:
        return False
    declared_mess = mess_ratio(text, maximum_threshold=1.0)
    if declared_mess < MISLABEL_MARGIN:
        return False
    best = from_bytes(data, cp_isolation=list(CANDIDATES)).best()
    return best is not None and best.chaos + MISLABEL_MARGIN < declared_mess


_LATIN_MOJIBAKE = re.compile("[\u00c0-\u00ff]{4,}")


def _looks_like_cyrillic_in_latin(text: str) -> bool:
    """windows-1251 bytes labelled latin-1 decode as runs of accented letters ("Ïðîøó")."""
    runs = _LATIN_MOJIBAKE.findall(text)
    return sum(len(r) for r in runs) > max(8, len(text) // 10)


def decode_header(raw: str) -> str:
    """Decode one header value as stored by the parser (8-bit bytes kept as surrogate escapes).

    Handles RFC 2047 encoded words in any charset (adjacent words joined, multi-byte characters
    split across words reassembled), raw utf-8 or 8-bit legacy bytes, and folding whitespace.
    """
    if not raw:
        return ""
    data = raw.encode("ascii", "surrogateescape") if _has_surrogates(raw) else None
    text = decode_bytes(data) if data is not None else raw
    text = _unfold(text)
    if "=?" not in text:
        return text
    try:
        chunks = email.header.decode_header(text)
    except (ValueError, LookupError, IndexError, AssertionError):
        return text
    out: list[str] = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            out.append(chunk)
        elif charset is None:
            out.append(chunk.decode("raw_unicode_escape", errors="replace"))
        else:
            out.append(decode_bytes(chunk, charset))
    return _unfold("".join(out)).strip()


def _has_surrogates(value: str) -> bool:
    return not value.isascii() and _SURROGATE.search(value) is not None


_FOLD = re.compile(r"\r?\n[ \t]+")


def _unfold(value: str) -> str:
    return _FOLD.sub(" ", value).replace("\r", "").replace("\n", " ")
