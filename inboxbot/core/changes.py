"""What a data-change request asks to change: new (and old) values in the sender's own new text.

Values are found first, then told new or old by the words around them, in Russian, Kazakh and English:
before a value "новый / new / жаңа / теперь / use / пишите на" make it new, "старый / old / ескі /
вместо / не используйте" old, and right before it "на / to / ->" new, "с / from / не" old ("с X на Y");
after it "is no longer mine / больше не актуален / менікі емес / орнына / -тан" make it old ("X на Y",
"X -> Y", "X-ті Y-ке" too), "— новый / -ке" new. One unmarked value is the new one; several are reported.

Phones are normalised to E.164 (``phonenumbers``, region KZ); the sender's own address unmarked is no
change; BIN/IIN (12 digits after a cue) must pass the official check digit, else they are reported; a
first name or surname needs a word of change in its clause ("моя новая фамилия Иванова", "correct my
name to Aigul"; "my name is Aigul" changes nothing); a postal address is the rest of the line after
"address:" or "new address"; a language is an "in Kazakh / на казахском / қазақша" form next to a word
about writing or receiving.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_right
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import Any

import phonenumbers

from inboxbot.core.addresses import is_robot_address, normalize_address
from inboxbot.core.contacts import LANGUAGE_ALIASES
from inboxbot.core.mail import ParsedMail


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _any(fragments: str) -> str:
    r"""Regex fragments separated by spaces as one group: "a b\sc" -> "(?:a|b\sc)"."""
    return "(?:" + "|".join(fragments.split()) + ")"


FIELDS = ("first_name", "surname", "email", "phone", "address", "language", "bin_iin")
WINDOW = 60  # characters around a value in which its cue words are looked for
_I = re.IGNORECASE
_GONE = _any(  # "не используйте X", "stop sending to X", "I don't speak Kazakh": X is the old one
    r"use using write writing send sending call calling valid mine understand speak read использ\w* "
    r"пользу\w* пиш\w* звон\w* отправля\w* присыла\w* актуал\w* понима\w* говор\w* чита\w* мо[йяе]"
)
_OLD_BEFORE = _any(
    r"old previous\w* former\w* outdated instead\sof remove delete replace стар\w* прежн\w* бывш\w* "
    r"предыдущ\w* вместо удалите уберите замените неактуал\w* еск[іиi] бұрынғы бурынгы stary\w*"
)
_NEW_BEFORE = _any(
    r"new now correct updated use reach\sme contact\sme call\sme text\sme email\sme write\sto send нов\w* "
    r"теперь сейчас актуальн\w* правильн\w* верн\w* использ\w* пиш\w* звон\w* присыла\w* отправля\w* "
    r"связ\w* жаңа\w* жана\w* енді қазір дұрыс қолдан\w* пайдалан\w* жаз\w* хабарлас\w* жібер\w* novy\w* "
    r"novi\w* teper\w*"
)
_NEGATED = r"(?:don'?t|do\snot|stop|not|не)\s+(?:\w+\s+)?"
_LEFT = re.compile(
    r"(?P<old>\b(?:қолдан|пайдалан|жаз|жібер|хабарлас)(?:ба|бе|па|пе|ма|ме)\w*"  # Kazakh negative verbs
    rf"|\b(?:{_NEGATED}{_GONE}|(?:no\slonger|больше\sне|уже\sне)\s+\w+)\b(?:\s+(?:to|at|on|на))?|\b{_OLD_BEFORE}\b"
    r"|\b(?:from|с|со|(?:not|не)(?:\s+(?:на|in|по))?)\s*:?\s*$)"
    rf"|(?P<new>\b{_NEW_BEFORE}\b|(?:\bна|\bto|\binto|\bwith|->|→|=>)\s*:?\s*$)",
    _I,
)
_GONE_AFTER = _any(
    r"no\slonger not\s+(?:mine|valid|working|active|in\suse|used) больше\sне уже\sне неактуал\w* устарел\w* "
    r"не\s(?:мой|моя|работает|актуал\w*|действ\w*|использ\w*) (?:енді\s+)?(?:менікі\sемес|жоқ|істемейді) "
    r"қолданылмайды емес ескірді орнына түсінбеймін білмеймін оқымаймын -> → =>"
)
_NEW_AFTER = _any(r"new correct нов\w* актуальн\w* правильн\w* жаңа жана дұрыс")
_RIGHT = re.compile(  # right after a value: "X is no longer mine" (old) or "X — новый" (new)
    rf"^[\s(—–:-]*(?:[^\W\d_]+\s+)?(?:(?:is|are)\s+)?(?P<old>{_GONE_AFTER})|^-?(?P<old2>тан|тен|дан|ден|нан|нен)\b"
    r"|^\s*(?:is|are|—|–|-|:|\()\s*(?:(?:my|the|мой)\s+)?(?P<old3>old|outdated|obsolete|стар\w*|ескі)\b(?!\s+\w)"
    rf"|^[\s(—–:-]*(?:is\s+)?(?:(?:my|the|менің)\s+)?(?P<new>{_NEW_AFTER})\b"
    r"|^[\s,]*(?P<new2>instead\sof|rather\sthan|вместо)\b|^-?(?P<new3>ке|ге|қа|ға)\b",
    _I,
)
_CONNECTOR = re.compile(r"^\s*(?:на|to|with|into|->|→|=>|-(?:ті|ты|ді|ды|ні|ны))\s*$", _I)
_ALSO = re.compile(r"\s*(?:,|/|or|или|либо|немесе|and|и|және)\s*$", _I)
_SENTENCE_END = re.compile(r"[.!?…]+(?=\s)|\n")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@(?:[\w-]+\.)+(?:[a-z]{2,24}|рф|қаз)(?![a-z0-9])", _I)
_ID_CUES = _any(r"БИН BIN ИИН IIN БСН ЖСН BSN реквизит\w* деректемел\w* requisites tax\sid")
_ID_CUE = re.compile(rf"\b{_ID_CUES}\b", _I)
_TWELVE = re.compile(r"(?<![\d+])\d(?:[ -]?\d){11}(?!\d)")
_IN, _TIL = r"(?:на|in)\s+(?:the\s+)?", r"(?:ша|\s+т[іи]л\w*)"
_SPEAK = r"(?:(?<=speak )|(?<=understand )|(?<=read )|(?<=know ))"  # "I don't speak Russian"
_BY = rf"(?:{_IN}|{_SPEAK})"
_LANG_WORDS = {  # "in X" forms only: "a Kazakh company" or "Казахстан" name no language
    "kk": rf"{_BY}(?:казах|kazakh|qazaq)(?!stan|стан)\w*|по-казахски|(?:қазақ|казак){_TIL}|qazaqsha",
    "ru": rf"{_BY}(?:russian|русск\w*)|по-русски|орыс{_TIL}|orysha",
    "en": rf"{_BY}(?:english|англ\w*)|по-английски|(?:ағылшын|агылшын){_TIL}",
}
_LANGUAGE = re.compile(
    "|".join(rf"(?P<{c}>(?<!\w)(?:{w})(?:\s+(?:язык|language)\w*)?)" for c, w in _LANG_WORDS.items()), _I
)
_PREFERENCE_WORDS = _any(  # a language counts next to a word about writing, receiving or preferring
    r"write send correspond communicat prefer receive get reply answer switch want would\slike could пиш "
    r"присыл отправл получ общ переписк отвеч перевед рассылк пис[ье]м удобн хочу можно жаз жібер хат хабар "
    r"алғым ауыстыр ыңғайлы jaz"
)
_PREFERENCE = re.compile(rf"\b{_PREFERENCE_WORDS}", _I)
_NOUN = re.compile(
    r"(?P<surname>\b(?:фамил\w*|s[uiy]re?n?ame\b|last\s?name\b|family\sname\b|тег[іи]\w*))"
    r"|(?P<first_name>(?<!user\s)(?<!company\s)(?<!file\s)\b(?:name|first\s?name|given\sname|имя|имени)\b"
    r"|\b(?:есім\w*|ат(?:ым|ымды|ымның|ы)\b))",
    _I,
)
_CHANGE_WORDS = _any(  # a word of change that makes a stated name a new one
    r"new now chang correct updat fix to\b на\b нов теперь поменя измен смен исправ правильн стала жаңа "
    r"жана енді ауыстыр өзгер түзет деп\b дұрыс married замуж spell should\sbe написан пишется жазыл"
)
_CHANGE = re.compile(rf"\b{_CHANGE_WORDS}", _I)
_UP, _LOW = "A-ZА-ЯЁӘҒҚҢӨҰҮҺІ", "a-zа-яёәғқңөұүһі"
_NAME = re.compile(
    rf"(?=.{{2}})[{_UP}][{_LOW}]*(?:['’-][{_UP}]?[{_LOW}]+|[{_UP}][{_LOW}]+)*$"
)  # O'Brien, McDonald
_WORD = re.compile(r"[^\W\d_][\w'’-]*|[:—–]|[,;]")
_OLD_MARKS = _set("not не from was были была был с со бұрын бұрынғы ескі old previous вместо instead")
_NEW_MARKS = _set("to на now теперь енді new новая новую жаңа is это : — – as became стала қазір")
_POLITE = _set("please pls пожалуйста өтінемін thanks спасибо рахмет деп")
_NOT_NAMES = _set("I Please Thanks Спасибо Рахмет Пожалуйста Мен Я My Моя Мой Менің Hello Dear")
_ADDRESS = re.compile(r"\b(?:postal\s+|mailing\s+|home\s+)?(?:add?re?ss?|адрес\w*|мекен-?\s?жай\w*)", _I)
_ADDRESS_NOT = re.compile(r"(?:e-?mail|электрон\w*|эл\.|почты|ip|web|веб|сайт\w*|site|пошта)\W*\w*\W*$", _I)
_ADDRESS_MARK = re.compile(  # "old / new (legal) address"
    r"\b(?:(?P<old>old|previous|former|стар\w*|прежн\w*|ескі|бұрынғы)|(?P<new>new|нов\w*|жаңа|жана))\W+(?:\w+\W+)?$",
    _I,
)
_ADDRESS_VALUE = re.compile(r"(?:\s+[^\W\d][\w-]*){0,2}?\s*(?:is now|теперь|now|енді|:|—|–)\s*(?P<v>\S)", _I)
_ADDRESS_TAIL = re.compile(
    r"(?:[.!]?\s+(?:спасибо|thank|рахмет|please|пожалуйста|с уважением|regards)\b"
    r"|[,;]\s*(?:new|old|нов\w*|стар\w*|жаңа|ескі)\b).*$",
    _I,
)
_E164 = phonenumbers.PhoneNumberFormat.E164
_AMBIGUOUS = "several values and none of them said to be the new one"


@dataclass(frozen=True)
class Change:
    new: str | None  # None when the text names only the old value ("X is no longer mine")
    old: str | None
    evidence: str  # the words of the text that justify it


@dataclass(frozen=True)
class Rejected:
    field: str
    value: str
    reason: str
    evidence: str


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str | None
    new: str


@dataclass(frozen=True)
class ProposedChanges:
    first_name: Change | None = None
    surname: Change | None = None
    email: Change | None = None
    phone: Change | None = None
    address: Change | None = None
    language: Change | None = None  # "ru", "kk" or "en"
    bin_iin: Change | None = None
    rejected: tuple[Rejected, ...] = ()  # found but not to be applied: a wrong check digit, ambiguity

    def items(self) -> list[tuple[str, Change]]:
        found = ((name, getattr(self, name)) for name in FIELDS)
        return [(name, change) for name, change in found if change is not None]

    def diff(self, contact_fields: Mapping[str, str | None]) -> list[FieldChange]:
        """What would change in a contact record (keys as in :data:`FIELDS`); equal values are left out."""
        out = []
        for name, change in self.items():
            current = contact_fields.get(name)
            if change.new is not None and _key(name, current) != _key(name, change.new):
                out.append(FieldChange(name, current, change.new))
        return out


@dataclass(frozen=True)
class _Hit:
    value: str
    start: int
    end: int
    role: str = ""  # "new", "old" or "" (not said)
    cue: tuple[int, int] | None = None  # the span of the words that justify it


def proposed_changes(mail: ParsedMail, own: Collection[str] = ()) -> ProposedChanges:
    """The changes a data-change request asks for, from the sender's new text (``own``: our addresses)."""
    return changes_in_text(mail.new_text, mail.from_address, own)


def changes_in_text(text: str, sender: str = "", own: Collection[str] = ()) -> ProposedChanges:
    """The same from plain text: ``sender`` is the From address, ``own`` our addresses."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    values = _values(text, ends, {normalize_address(a) for a in own})
    sender = normalize_address(sender)
    by_field = {
        "email": [h for h in values if "@" in h.value and (h.value != sender or h.role)],
        "phone": [h for h in values if h.value.startswith("+")],
        "language": [h for h in values if h.value in _LANG_WORDS],
        "bin_iin": [h for h in values if h.value.isdigit()],
        **_name_hits(text, ends),
        "address": _address_hits(text),
    }
    found: dict[str, Any] = {}  # field -> Change
    rejected: list[Rejected] = []
    for name, field_hits in by_field.items():
        change, problem = _decide(text, name, field_hits)
        found.update({name: change} if change else {})
        rejected.extend([problem] if problem else [])
    return ProposedChanges(**found, rejected=tuple(rejected))


def _values(text: str, ends: list[int], ours: set[str]) -> list[_Hit]:
    """E-mails, BIN/IIN, phones and languages in the order written, each with its role."""
    emails = [h for h in _email_hits(text) if h.value not in ours]
    ids = _id_hits(text, ends)
    phones = [p for p in _phone_hits(text) if all(p.end <= o.start or o.end <= p.start for o in emails + ids)]
    return _roles(
        text, ends, sorted(emails + ids + phones + _language_hits(text, ends), key=lambda h: h.start)
    )


def _email_hits(text: str) -> list[_Hit]:
    found = ((normalize_address(m.group()), m) for m in _EMAIL.finditer(text))
    return [_Hit(value, m.start(), m.end()) for value, m in found if value and not is_robot_address(value)]


def _id_hits(text: str, ends: list[int]) -> list[_Hit]:
    """12-digit numbers after a BIN/IIN cue in the same sentence ("new BIN X, old Y")."""
    hits: dict[int, _Hit] = {}
    for cue in _ID_CUE.finditer(text):
        for m in _TWELVE.finditer(text, cue.end(), _sentence(ends, len(text), cue.start())[1]):
            digits = re.sub(r"\D", "", m.group())
            hits.setdefault(m.start(), _Hit(digits, *m.span(), cue=(cue.start(), m.end())))
    return list(hits.values())


def _phone_hits(text: str) -> Iterator[_Hit]:
    for match in phonenumbers.PhoneNumberMatcher(text, "KZ", leniency=phonenumbers.Leniency.VALID):
        yield _Hit(phonenumbers.format_number(match.number, _E164), match.start, match.end)


def _language_hits(text: str, ends: list[int]) -> list[_Hit]:
    found = ((m, _sentence(ends, len(text), m.start())) for m in _LANGUAGE.finditer(text))
    return [_Hit(m.lastgroup or "", *m.span()) for m, (s, e) in found if _PREFERENCE.search(text, s, e)]


def _roles(text: str, ends: list[int], hits: list[_Hit]) -> list[_Hit]:
    """Each value with the role its cue words give it (see the module's docstring)."""
    out: list[_Hit] = []
    for i, hit in enumerate(hits):
        start, end = _sentence(ends, len(text), hit.start)
        following = hits[i + 1].start if i + 1 < len(hits) else len(text)
        bound = min(following, end, hit.end + WINDOW)
        left = max(hits[i - 1].end if i else 0, start, hit.start - WINDOW)
        follows = i + 1 < len(hits) and bound == following
        found = _role(hit, text[left : hit.start], left, text[hit.end : bound], follows)
        if not found.role and out and left == out[-1].end and _ALSO.match(text, left, hit.start):
            found = dataclasses.replace(found, role=out[-1].role, cue=out[-1].cue)  # "X or Y": as X
        out.append(found)
    return out


def _role(hit: _Hit, before: str, left: int, after: str, value_follows: bool) -> _Hit:
    """Strongest first: "X is no longer mine"; "X на Y"; the nearest cue before X; "X is my new one"."""
    cues, right = list(_LEFT.finditer(before)), _RIGHT.match(after)
    side = (right.lastgroup or "")[:3] if right else ""
    if right and side == "old":
        return dataclasses.replace(hit, role="old", cue=(hit.start, hit.end + right.end()))
    if value_follows and _CONNECTOR.match(after):
        return dataclasses.replace(hit, role="old", cue=(hit.start, hit.end + len(after)))
    if cues:
        return dataclasses.replace(hit, role=cues[-1].lastgroup or "", cue=(left + cues[-1].start(), hit.end))
    if right and side == "new":
        return dataclasses.replace(hit, role="new", cue=(hit.start, hit.end + right.end()))
    return hit


def _sentence(ends: list[int], length: int, pos: int) -> tuple[int, int]:
    i = bisect_right(ends, pos)
    return (ends[i - 1] if i else 0), (ends[i] if i < len(ends) else length)


def _name_hits(text: str, ends: list[int]) -> dict[str, list[_Hit]]:
    """Names after a name noun, when a word of change stands in its clause ("my name is X": none)."""
    out: dict[str, list[_Hit]] = {"first_name": [], "surname": []}
    for noun in _NOUN.finditer(text):
        start, end = _sentence(ends, len(text), noun.start())
        start = max(start, noun.start() - WINDOW)
        clause = max(start, *(text.rfind(c, start, noun.start()) + 1 for c in ",;"))
        hits = _names_after(text, noun.start(), noun.end(), end)
        if not hits or not noun.lastgroup or not _CHANGE.search(text, clause, hits[-1].end + 12):
            continue
        full = noun.group().lower() == "name" and len(hits) > 1 and hits[1].start - hits[0].end < 3
        out[noun.lastgroup].extend(hits[:1] if full else hits)
        out["surname"].extend(hits[1:] if full else [])  # "correct my name to Aigul Tokayeva"
    return out


def _names_after(text: str, cue: int, pos: int, end: int) -> list[_Hit]:
    """Up to two names after a name noun, old or new by the words before them ("from X to Y"), or new
    by the Kazakh "X деп" ("as X"); lower-case ones only right after "to / на / теперь" or before "деп"."""
    hits: list[_Hit] = []
    role, connector = "", False
    words = list(islice(_WORD.finditer(text, pos, end), 10))
    for i, word in enumerate(words):
        token, lower = word.group(), word.group().lower()
        nxt = words[i + 1].group().lower() if i + 1 < len(words) else ""
        if _NOUN.fullmatch(token) or len(hits) == 2 or lower == "деп":
            break
        as_is = bool(_NAME.match(token)) and token not in _NOT_NAMES
        lowered = (
            (connector or nxt == "деп") and token.isalpha() and (not nxt or nxt in _POLITE or nxt in ",;")
        )
        if as_is or lowered:
            name = token if as_is else "-".join(p.capitalize() for p in lower.split("-"))
            hits.append(_Hit(name, *word.span(), "new" if nxt == "деп" else role, (cue, word.end())))
        role = "old" if lower in _OLD_MARKS else "new" if lower in _NEW_MARKS else role
        connector = lower in _NEW_MARKS
    return hits


def _address_hits(text: str) -> list[_Hit]:
    """The rest of the line after "address:" (or after "new address"), cut before a "thanks"."""
    hits = []
    for noun in _ADDRESS.finditer(text):
        before = text[max(0, noun.start() - 30) : noun.start()]
        value_at, mark = _ADDRESS_VALUE.match(text, noun.end()), _ADDRESS_MARK.search(before)
        if _ADDRESS_NOT.search(before) or not (value_at or (mark and mark.lastgroup == "new")):
            continue
        start = value_at.start("v") if value_at else noun.end()
        line = re.sub(r"^\s*(?:is\b)?[\s:—–-]*", "", text[start:].split("\n", 1)[0])
        value = _ADDRESS_TAIL.sub("", line).strip(" \t.,;")
        if len(value) < 5 or "@" in value or "http" in value.lower():
            continue
        start = text.find(value, start)
        cue = noun.start() - len(before) + mark.start() if mark else noun.start()
        role = mark.lastgroup or "new" if mark else "new"
        hits.append(_Hit(value, start, start + len(value), role, (cue, start + len(value))))
    return hits


def _decide(text: str, name: str, hits: list[_Hit]) -> tuple[Change | None, Rejected | None]:
    """One new value (marked, or the only unmarked one) and the first old one; several new are reported."""
    new = {h.value: h for h in hits if h.role == "new"}
    old = {h.value: h for h in hits if h.role == "old" and h.value not in new}
    loose = {h.value: h for h in hits if not h.role and h.value not in new and h.value not in old}
    if len(new) > 1 or (not new and len(loose) > 1):
        many = list((new if len(new) > 1 else loose).values())
        return None, Rejected(name, ", ".join(h.value for h in many), _AMBIGUOUS, _evidence(text, many))
    used = list((new or loose).values()) + list(old.values())[:1]
    if not used:
        return None, None
    change = Change(next(iter(new or loose), None), next(iter(old), None), _evidence(text, used))
    if name == "bin_iin" and change.new and not bin_iin_valid(change.new):
        return None, Rejected(name, change.new, "the BIN/IIN check digit does not match", change.evidence)
    return change, None


def _evidence(text: str, hits: list[_Hit]) -> str:
    spans = [h.cue or (h.start, h.end) for h in hits] + [(h.start, h.end) for h in hits]
    words = " ".join(text[min(s for s, _ in spans) : max(e for _, e in spans)].split())
    return words if len(words) <= 200 else words[:199] + "…"


def bin_iin_valid(number: str) -> bool:
    """The official check of a 12-digit BIN/IIN: digits times weights 1..11, mod 11; when that gives 10,
    weights 3..11, 1, 2, mod 11; the result is the 12th digit, and a second 10 is never issued."""
    compact = re.sub(r"[ -]", "", number)
    if not re.fullmatch(r"\d{12}", compact):
        return False
    digits = [int(c) for c in compact]
    for weights in (range(1, 12), (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)):
        check = sum(d * w for d, w in zip(digits, weights, strict=False)) % 11
        if check != 10:
            return check == digits[11]
    return False


def _key(name: str, value: str | None) -> str:
    """A value as compared with another of its field: E.164 phones, normalised e-mails, language codes."""
    value = " ".join((value or "").split())
    if name == "phone" and value:
        try:
            number = phonenumbers.parse(value, "KZ")
            return phonenumbers.format_number(number, _E164)
        except phonenumbers.NumberParseException:
            return re.sub(r"\D", "", value)
    if name == "email":
        return normalize_address(value)
    if name == "language":
        return LANGUAGE_ALIASES.get(value.lower(), value.lower())
    return value.casefold()
