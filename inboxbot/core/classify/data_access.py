"""The data-access family: what personal data do you hold about me, send me a copy (an export, the
recording of my call), to whom was it passed, where did you get it, how is it used — always about the
sender's own data ("my", "about me", "personal"), never a third party's ("our customers' data",
"данные пациентов").

- ``what_data``, ``want_to_know``: "какие данные обо мне вы храните?", "I want to know what you hold";
- ``copy_of_data``: a copy, list, export or download asked for ("пришлите выгрузку данных моего
  профиля", "копии записей разговоров со мной"); not a copy the sender attaches ("прикладываю копию
  паспорта", "жеке куәлігімнің көшірмесін тіркедім"), nor a list one leaves or joins;
- ``data_transfer``: "кому вы передали мои данные?";
- ``data_source``: "откуда у вас мой номер?", "how did you get my address?", "who gave you my e-mail?",
  and a pronoun standing for a data item of the sender's named before ("Я вам свой e-mail не давал.
  Откуда он у вас?"), not for mail that arrived or an address of "yours";
- ``data_use``, ``access_request``: "как вы используете мои данные?", "access to my personal data";
  the sender's data may be named by a relative clause instead of "my" ("how do you use the number I
  gave you?", "номер, который я вам дал", "мен сізге берген нөмірді").
"""

from __future__ import annotations

from inboxbot.core.intents import Intent

from .concepts import DATA_ITEMS, C, F
from .findings import STRONG, Finding, found
from .negation import Word
from .personal_data import data_nearby, data_words, item_words, neighbours, own
from .sentences import Sentence

ACCESS_TRIGGERS = frozenset(
    {C.WHAT, C.COPY, C.TRANSFER, C.SOURCE, C.WHERE, C.HOW, C.PURPOSE, C.ACCESS, C.KNOW, C.WHOM}
)
_LEAVERS = frozenset({C.REMOVE, C.EXIT, C.CANCEL, C.REFUSE, C.UNSUB})
_I = frozenset({"i", "я", "мен", "ya"})
_SOURCE_WORDS = (C.SOURCE, C.WHERE, C.HOW, C.WHOM)
_OWNER_SPAN = 3  # "мои персональные данные", "my support call"
_YOU = frozenset({"you", "вы", "вас", "сіз", "сіздер", "vy", "siz", "sizder"})
_YOURS = frozenset(
    {"your", "ваш", "ваша", "вашего", "вашей", "ваши", "вашу", "ваших", "вашим", "вашем", "сіздің",
     "сіздердің"}
)  # fmt: skip


def access_findings(s: Sentence, context: list[Sentence]) -> list[Finding]:
    out: list[Finding] = []
    if s.index.keys().isdisjoint(ACCESS_TRIGGERS) and not sends_data(s):
        return out
    a = Intent.DATA_ACCESS
    mine = (own(s) or given_by_me(s)) and (s.has(C.DATA, C.NUMBER, *DATA_ITEMS) or s.has(C.ABOUT_ME))
    about = s.has(C.ABOUT_ME)
    asks = s.question or s.has(C.PLEASE, C.WANT, C.KNOW) or any(w.directive for w in s.positive(C.SEND))
    held = s.has(C.HOLD, C.KNOW, C.PROCESS, C.USE, C.TRANSFER, C.ABOUT_ME)
    if s.has(C.WHAT) and (mine or about) and held and asks:
        out.append(found(a, "what_data", s, [*s.with_(C.WHAT)[:1], *data_words(s)[:1]], STRONG))
    copies = [w for w in s.with_(C.COPY) if _asked_copy(s, w)]
    if copies and (
        mine or _profile(s) or (s.has(C.PRONOUN) and data_nearby(s, context)) or s.has(C.PERSONAL)
    ):
        out.append(found(a, "copy_of_data", s, [copies[0], *data_words(s)[:1]], STRONG))
    if not out and sends_data(s) and not s.has(C.ORDER, C.CREDENTIALS):
        sent = _my_data_sent(s)
        if sent is not None:
            out.append(found(a, "send_my_data", s, sent, STRONG))
    transfer = s.positive(C.TRANSFER)
    pronoun_data = s.has(C.PRONOUN) and data_nearby(s, context)
    if transfer and (mine or pronoun_data) and (s.has(C.WHOM, C.THIRD_PARTY) or s.question):
        out.append(found(a, "data_transfer", s, [transfer[0], *data_words(s)[:1]], STRONG))
    source = _source_question(s, mine, context) if s.has(*_SOURCE_WORDS) else None
    if source is not None:
        out.append(found(a, "data_source", s, source, STRONG))
    if s.has(C.HOW, C.PURPOSE) and s.has(C.USE, C.PROCESS) and mine:
        out.append(
            found(a, "data_use", s, [*s.with_(C.HOW, C.PURPOSE)[:1], *s.with_(C.USE, C.PROCESS)[:1]], STRONG)
        )
    access = s.with_(C.ACCESS)
    if access and (s.has(C.DATA) or any(C.PERSONAL in w.concepts for w in access)) and own(s):
        out.append(found(a, "access_request", s, [access[0], *data_words(s)[:1]], STRONG))
    if not out and s.has(C.KNOW) and s.has(C.WANT) and (mine or about):
        out.append(found(a, "want_to_know", s, [*s.with_(C.KNOW)[:1], *data_words(s)[:1]], STRONG))
    return out


_GIVE = frozenset({C.OBTAIN, C.TRANSFER})
_GIVEN_SPAN = 4  # "the phone number and email I gave you", "мен сізге берген телефон нөмірі"


def given_by_me(s: Sentence) -> bool:
    """An item the sender says they gave: "the number I gave you", "номер, который я вам дал",
    "мен сізге берген нөмірім" — theirs, with no "my" (a relative clause or a participle)."""
    texts = s.texts
    for verb in s.with_(*_GIVE):
        i = verb.index
        if _I.isdisjoint(texts[max(0, i - 3) : i]):
            continue
        near = s.words[max(0, i - _GIVEN_SPAN) : i + _GIVEN_SPAN + 1]
        if any(w is not None and w.concepts & _ITEMS for w in near):
            return True
    return False


_ITEMS = frozenset({C.DATA, C.NUMBER, *DATA_ITEMS})


def sends_data(s: Sentence) -> bool:
    """Whether the sentence sends data somewhere ("пришлите мои данные"): it may ask for a copy."""
    return C.SEND in s.index and C.DATA in s.index


def _my_data_sent(s: Sentence) -> list[Word] | None:
    """ "Пришлите мои данные", "send me the recording of my call", "деректерімді жіберіңіз": a request
    to send the sender's own data (not "данные для входа", not an order's)."""
    for verb in s.positive(C.SEND):
        if not verb.directive:
            continue
        for word in s.with_(C.DATA):
            if word.head == verb.index and _mine(s):
                return [verb, word]
    return None


def _mine(s: Sentence) -> bool:
    """Data owned by the sender: "мои данные", "recording of my call", "деректерім" (not "пришлите
    мне данные": "мне" is the recipient)."""
    for word in s.with_(C.DATA):
        if word.form & F.POSSESSIVE:
            return True
        for other in s.words[max(0, word.index - _OWNER_SPAN) : word.index]:
            if other is not None and C.OWN in other.concepts and C.ME not in other.concepts:
                return True
    return False


def _profile(s: Sentence) -> bool:
    """ "выгрузку моего профиля", "an export of my account": the profile is the data."""
    return s.has(C.ACCOUNT) and not s.has(C.ORDER) and own(s)


def _source_question(s: Sentence, mine: bool, context: list[Sentence]) -> list[Word] | None:
    """Where the sender's data came from: "откуда у вас мой номер?", "how did you get my address?",
    "where did you find it?" after "I never gave you my e-mail"."""
    if s.has(C.SOURCE):
        asking = s.with_(C.SOURCE)
    elif s.question and s.has(C.WHERE, C.HOW, C.WHOM) and s.positive(C.RECEIVE, C.OBTAIN, C.KNOW):
        asking = s.with_(C.WHERE, C.HOW, C.WHOM)  # "who gave you my number?"
        if not s.has(C.WHERE) and _YOU.isdisjoint(s.texts):
            return None  # "how do I get ...?" asks for a way, not for a source
    else:
        return None
    data = data_words(s)
    if data:
        return [asking[0], data[0]] if mine or s.has(C.ME) else None
    if s.has(C.PRONOUN) and s.question:
        antecedent = _own_item_before(s, context)
        if antecedent is not None:
            return [asking[0], antecedent]
    return None


def _own_item_before(s: Sentence, context: list[Sentence]) -> Word | None:
    """A data item of the sender's that a pronoun can stand for: named in an earlier sentence that
    speaks for the sender ("Я вам свой e-mail не давал", "I never gave you my number"), not mail that
    arrived at an address ("мне пришло письмо на почту")."""
    for other in neighbours(s, context):
        if other.where == s.where and other.position > s.position:
            continue
        if not (own(other) or not _I.isdisjoint(other.texts)):
            continue
        arrived = bool(other.positive(C.RECEIVE))
        for word in item_words(other):
            yours = not _YOURS.isdisjoint(other.texts[max(0, word.index - 2) : word.index])
            if not yours and not (arrived and C.MAIL in word.concepts):
                return word
    return None


def _asked_copy(s: Sentence, word: Word) -> bool:
    if word.form & F.ABLATIVE:
        return False
    if s.has(C.ATTACH) and any(_same_clause(s, word.index, w.index) for w in s.with_(C.ATTACH)):
        return False  # "прикладываю копию паспорта", "a copy of my ID is attached", "көшірмесін тіркедім"
    if word.head >= 0:
        head = s.words[word.head]
        if head is not None and head.concepts & (_LEAVERS | {C.ADD, C.SUBSCRIBE, C.ERASE}):
            return False  # "исключите из списка", "включите в список рассылки", "уничтожьте копию"
    return not (C.LIST in word.concepts and s.has(*_LEAVERS))


def _same_clause(s: Sentence, i: int, j: int) -> bool:
    lo, hi = min(i, j), max(i, j)
    return not any(lo < b <= hi for b in s.breaks)
