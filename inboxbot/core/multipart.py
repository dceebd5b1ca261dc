"""Multipart bodies whose boundary failed, read as a mail client reads them.

The standard library gives up on a multipart whose boundary parameter is missing, names a boundary no
line of the body uses, or was cut short: the modern policy stops an unquoted value at ``=``, and
Outlook Express writes ``boundary=----=_NextPart_000_0012_01DA3B4C.5E6F7A80`` unquoted. Such a part
keeps its whole body as one string. :func:`mend` splits it again, as Thunderbird and Outlook do:

1. on the boundary the Content-Type header declares, read leniently (quoted, or up to ``;`` or a
   space, ``=`` included), when a line of the body is that delimiter;
2. else on the first ``--something`` line that opens a part with its own headers, a Content-Type
   among them (a mailer that wrote one boundary in the header and another in the body).

A part that cannot be split stays whole: its body is shown as text, the way a mail client shows it.
:func:`unsplit_reason` and :func:`text_problem` say precisely what was wrong when that text is empty
or only encoded data. Nothing here raises on bad input.
"""

from __future__ import annotations

import email
import re
from email.message import Message
from email.policy import Policy

_BOUNDARY_PARAM = re.compile(r'\bboundary\s*=\s*(?:"([^"]+)"|([^\s;"]+))', re.IGNORECASE)
_PART_OPENING = re.compile(
    r'^--([^\s"\\]{1,200})[ \t]*\r?\n'  # a line that looks like a delimiter ...
    r"(?:[!-9;-~]+:[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*){0,30}?"  # ... then header lines ...
    r"content-type[ \t]*:",  # ... one of them Content-Type
    re.IGNORECASE | re.MULTILINE,
)
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_MIN_BASE64_LINE = 40  # a line of base64 data (its last line may be shorter)
_PREAMBLE = re.compile(r"this is a multi-?part message in mime format\.?", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
_SHOWN_BOUNDARY = 70  # characters of a declared boundary quoted in a reason


def is_unsplit(part: Message) -> bool:
    """A multipart whose body the parser could not split: it holds one string, not parts."""
    return part.get_content_maintype() == "multipart" and not part.is_multipart()


def mend(part: Message, policy: Policy) -> bool:
    """Split an unsplit multipart ``part`` in place, on the boundary a mail client would find.

    Returns True when the part now holds parts; False when no boundary could be found (its body is
    then text). The part's headers are left as received.
    """
    if not is_unsplit(part):
        return False
    data = part.get_payload(decode=True)  # bytes as received (get_payload() would mangle 8-bit text)
    if not isinstance(data, bytes):
        return False
    body = data.decode("ascii", "surrogateescape")
    boundary = _usable_boundary(part, body)
    if boundary is None:
        return False
    head = f'Content-Type: multipart/mixed; boundary="{boundary}"\n\n'
    split = email.message_from_string(head + body, policy=policy)
    if not split.is_multipart():
        return False
    part.set_payload(split.get_payload())
    part.preamble, part.epilogue = split.preamble, split.epilogue
    part.defects.extend(split.defects)
    return True


def declared_boundary(part: Message) -> str | None:
    """The boundary parameter as received, read leniently (an unquoted ``=`` kept); None if absent."""
    for name, value in part.raw_items():
        if name.lower() == "content-type":
            found = _BOUNDARY_PARAM.search(str(value))
            return (found.group(1) or found.group(2)) if found else None
    return None


def _usable_boundary(part: Message, body: str) -> str | None:
    declared = declared_boundary(part)
    if declared and '"' not in declared and "\\" not in declared and _delimits(body, declared):
        return declared
    opening = _PART_OPENING.search(body)
    return opening.group(1) if opening else None


def _delimits(body: str, boundary: str) -> bool:
    line = re.compile(r"^--" + re.escape(boundary) + r"(?:--)?[ \t]*\r?$", re.MULTILINE)
    return line.search(body) is not None


def unsplit_reason(part: Message) -> str:
    """What was wrong with an unsplit multipart, e.g. 'multipart/mixed declares no boundary'."""
    kind = part.get_content_type()
    declared = declared_boundary(part)
    if not declared:
        return f"{kind} declares no boundary"
    shown = declared if len(declared) <= _SHOWN_BOUNDARY else declared[:_SHOWN_BOUNDARY] + "…"
    return f'{kind} declares boundary "{shown}", which no line of its body uses'


def text_problem(text: str) -> str:
    """Why a body shown as text gives a person nothing to read; empty when it does.

    Lines of base64 data, delimiter lines and the MIME preamble ("This is a multi-part message in MIME
    format.") say nothing; any other line with a letter is something to read.
    """
    encoded = after_data = False
    for line in text.splitlines():
        stripped = line.strip()
        data = _BASE64.fullmatch(stripped) is not None and (len(stripped) >= _MIN_BASE64_LINE or after_data)
        encoded, after_data = encoded or data, data
        if data or stripped.startswith("--") or _PREAMBLE.fullmatch(stripped):
            continue
        if _LETTER.search(stripped):
            return ""
    if encoded:
        return "its body is only encoded (base64) data, with no part headers to say what it is"
    return "its body has no text"
