"""Tell the sender's new text apart from what they quoted, and from their signature.

A reply usually carries an earlier message: our newsletter with its "Отписаться" link, our own
acknowledgement, a forwarded phishing mail. Only the new text states what the sender asks for, so the
classifier reads :attr:`ReplyParts.new` and never :attr:`ReplyParts.quoted`.

Recognised, in Russian, Kazakh and English:
- ``>``-prefixed lines, wherever they stand (top, bottom or interleaved posting);
- attribution lines: "On Mon, 23 Nov 2026 at 10:00, X <x@y> wrote:", "23.11.2026, 10:00, X пишет:",
  Gmail's "пн, 23 нояб. 2026 г. в 10:00, X <x@y>:", "... жазды:"; also wrapped over two lines;
- Outlook blocks: "-----Original Message-----" / "-----Исходное сообщение-----", a line of
  underscores, or a bare "From:/Sent:/To:/Subject:" header block (and their ru/kk forms);
- forwarded-message separators ("---------- Forwarded message ---------", "Пересылаемое сообщение").
Everything from the first such header to the end is quoted. A signature starts at the "-- " delimiter,
a mobile footer ("Sent from my iPhone", "Отправлено с iPhone") or a valediction alone on its line near
the end ("С уважением,", "Best regards", "Құрметпен").
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class ReplyParts:
    new: str
    signature: str
    quoted: str


_SEPARATOR = re.compile(
    r"^\s*[-=_*]{2,}\s*("
    r"original message|forwarded message|begin forwarded message|"
    r"исходное сообщение|пересылаемое сообщение|переадресованное сообщение|пересланное сообщение|"
    r"оригинальное сообщение|бастапқы хат|бастапқы хабар(лама)?|жіберілген хат|қайта жіберілген хат"
    r")\s*[-=_*]*\s*$",
    re.IGNORECASE,
)
_FORWARD_LINE = re.compile(r"^\s*(begin forwarded message|начало переадресованного сообщения)\s*:?\s*$", re.I)
_UNDERSCORES = re.compile(r"^\s*_{8,}\s*$")
_HEADER_FROM = re.compile(r"^\s*\*?(from|от|от кого|кімнен|жіберуші)\s*\*?\s*:", re.IGNORECASE)
_HEADER_OTHER = re.compile(
    r"^\s*\*?(sent|date|to|cc|subject|отправлено|дата|кому|копия|тема|жіберілді|күні|кімге|тақырып|тақырыбы)"
    r"\s*\*?\s*:",
    re.IGNORECASE,
)
_HEADER_SENT = re.compile(r"^\s*\*?(sent|отправлено|жіберілді)\s*\*?\s*:", re.IGNORECASE)
_ATTRIBUTION_END = re.compile(
    r"(wrote|writes|пишет|написал[аио]?|написал\(а\)|жазды|жазған|жазады)\s*:?\s*$", re.IGNORECASE
)
_ATTRIBUTION_START = re.compile(r"^\s*(on|le|am|в|\d{1,2}[./]\d{1,2}[./]\d{2,4}|\w{2,3},)\b", re.IGNORECASE)
_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
_ADDRESS = re.compile(r"<?[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+>?")
_SIG_DELIMITER = re.compile(r"^--\s?$")
_MOBILE_FOOTER = re.compile(
    r"^\s*(sent from (my )?\w|sent with |get outlook for|отправлено (с|из) |послано (с|из) |"
    r"с уважением, отправлено|жіберілді .*(iphone|android|айфон)|.*(iphone|android)-нан жіберілді)",
    re.IGNORECASE,
)
_VALEDICTION = re.compile(
    r"^\s*(с уважением|с наилучшими пожеланиями|всего доброго|всего хорошего|best regards|kind regards|"
    r"regards|best wishes|sincerely|yours sincerely|yours faithfully|cheers|best|thanks and regards|"
    r"құрметпен|ізгі тілекпен|құрметпен сізге)\s*[,.!]?\s*$",
    re.IGNORECASE,
)
_THANKS = re.compile(
    r"^\s*(thanks|thank you|many thanks|спасибо|благодарю|рахмет|көп рахмет)\s*[,!]?\s*$", re.I
)
# A valediction only opens the signature when this few lines or fewer follow it; a bare "Thanks,"
# only when it is followed by a name of one to three lines at the very end.
_SIGNATURE_TAIL_LINES = 8
_THANKS_TAIL_LINES = 3


def split_reply(text: str) -> ReplyParts:
    """Split a plain-text body into the sender's new text, their signature and the quoted rest."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    own: list[str] = []
    quoted: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if _is_quote_line(line):
            quoted.append(line)
        elif _starts_quote_block(lines, i):
            quoted.extend(lines[i:])
            break
        elif (span := _attribution_span(lines, i)) and _quote_lines_follow(lines, i + span):
            quoted.extend(lines[i : i + span])  # "On ... wrote:" above a ">" block
            i += span
            continue
        elif span:
            quoted.extend(lines[i:])  # an attribution over unprefixed quoted text
            break
        else:
            own.append(line)
        i += 1
    body, signature = _split_signature(own)
    return ReplyParts(new=_join(body), signature=_join(signature), quoted=_join(quoted))


def _is_quote_line(line: str) -> bool:
    return line.lstrip().startswith(">")


def _starts_quote_block(lines: list[str], i: int) -> bool:
    line = lines[i]
    if _SEPARATOR.match(line) or _FORWARD_LINE.match(line):
        return True
    if _UNDERSCORES.match(line):
        return _header_block_follows(lines, i + 1)
    if _HEADER_FROM.match(line):
        return _header_block_follows(lines, i) and _reads_as_quoted_header(lines, i)
    return False


def _reads_as_quoted_header(lines: list[str], i: int) -> bool:
    """A bare "От:/Дата:" block opening a formal letter is the sender's own text, not a quote.

    It is a quoted header when the sender wrote something above it, or it names an address, or it
    has the "Sent:" line that mail clients write.
    """
    if any(line.strip() for line in lines[:i]) or _ADDRESS.search(lines[i]):
        return True
    return any(_HEADER_SENT.match(line) for line in lines[i + 1 : i + 6])


def _header_block_follows(lines: list[str], start: int) -> bool:
    """A From: line followed by at least one more mail header line within the next few lines."""
    window = [ln for ln in lines[start : start + 8] if ln.strip()]
    if not window or not _HEADER_FROM.match(window[0]):
        return False
    return any(_HEADER_OTHER.match(ln) for ln in window[1:5])


def _attribution_span(lines: list[str], i: int) -> int:
    """Number of lines (1 or 2) of an attribution starting at ``i``, or 0 when there is none."""
    line = lines[i].strip()
    if not line or len(line) > 300:
        return 0
    if _ATTRIBUTION_END.search(line) and (_TIME.search(line) or _ADDRESS.search(line)):
        return 1
    if _ATTRIBUTION_END.search(line) and _ATTRIBUTION_START.match(line) and len(line) < 120:
        return 1
    if line.endswith(":") and _TIME.search(line) and _ADDRESS.search(line):
        return 1  # Gmail ru/kk: "пн, 23 нояб. 2026 г. в 10:00, ONETEXNO <hello@1texno.kz>:"
    nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
    both = f"{line} {nxt}"
    if nxt and _ATTRIBUTION_START.match(line) and _ATTRIBUTION_END.search(nxt) and len(both) < 300:
        return 2 if (_TIME.search(both) or _ADDRESS.search(both)) else 0
    return 0


def _quote_lines_follow(lines: list[str], start: int) -> bool:
    for line in lines[start:]:
        if line.strip():
            return _is_quote_line(line)
    return True


def _split_signature(lines: list[str]) -> tuple[list[str], list[str]]:
    for i, line in enumerate(lines):
        if _SIG_DELIMITER.match(line) or _MOBILE_FOOTER.match(line):
            return lines[:i], lines[i:]
    content = [i for i, line in enumerate(lines) if line.strip()]
    for i in content:
        after = len([j for j in content if j > i])
        if _VALEDICTION.match(lines[i]) and after <= _SIGNATURE_TAIL_LINES:
            return lines[:i], lines[i:]
        if _THANKS.match(lines[i]) and 1 <= after <= _THANKS_TAIL_LINES:
            return lines[:i], lines[i:]
    return lines, []


def _join(lines: list[str]) -> str:
    return "\n".join(lines).strip("\n")
