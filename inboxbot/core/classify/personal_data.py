"""The personal-data families: change, deletion and access, each a predicate x a personal-data object.

- data_change: change/update/correct/add x a data item (phone, name, address, e-mail, requisites,
  birth date, language, contact) or "my data"; a changed state ("у меня сменился номер", "тегім
  өзгерді"); an error in a data item; "send it to my new address instead"; "write to me in Kazakh";
  a bare "please fix it in your records" after a sentence naming the item.
- data_deletion: remove/erase x account, "my data", database, a data item; withdrawal of consent;
  refusal of processing; closing the account; "right to erasure".
- data_access: what data / a copy / to whom was it passed / where did you get it / how is it used,
  always about the sender's own data ("my", "about me", "personal") and never a third party's
  ("our customers' data", "данные пациентов").
"""

from __future__ import annotations

from inboxbot.core.intents import Intent

from .concepts import DATA_ITEMS, C, Concept, F
from .findings import MEDIUM, STRONG, Finding, found
from .negation import Word
from .sentences import Sentence

_OWN = (C.OWN, C.ME, C.ABOUT_ME, C.PERSONAL)
_LIST_LIKE = frozenset({C.LIST, C.SUBSCRIPTION, C.SMS, C.MARKETING, C.SPAM})
_LEAVERS = frozenset({C.REMOVE, C.EXIT, C.CANCEL, C.REFUSE, C.UNSUB})
_WEAK_ITEMS = frozenset({C.EMAIL, C.ADDRESS})  # "remove my e-mail" is a mailing matter, not erasure
_CONTEXT_SPAN = 2


def items(s: Sentence, concepts: set[Concept] | frozenset[Concept]) -> set[Concept]:
    """The data items among ``concepts``; a bare "number" counts as a phone only in a phone context."""
    found_items = set(concepts & DATA_ITEMS)
    if C.NUMBER in concepts and phone_context(s):
        found_items.add(C.PHONE)
    return found_items


def phone_context(s: Sentence) -> bool:
    if s.has(C.ORDER):
        return s.has(C.PHONE) or "phone" in s.values
    return s.has(C.PHONE, C.OWN, C.NEW, C.OLD) or "phone" in s.values or _possessive(s, C.NUMBER)


def own(s: Sentence, allow_our: bool = False) -> bool:
    if s.has(C.THIRD_OWNER):
        return False
    return s.has(*_OWN) or (allow_our and s.has(C.OUR)) or _possessive(s, C.DATA, *DATA_ITEMS, C.NUMBER)


def _possessive(s: Sentence, *concepts: Concept) -> bool:
    return any(w.form & F.POSSESSIVE for w in s.with_(*concepts))


def mentions_data(s: Sentence) -> bool:
    return bool(items(s, frozenset(s.index))) or s.has(C.DATA)


_CHANGE_TRIGGERS = frozenset({C.CHANGE, C.ADD, C.ERROR, C.SEND, C.USE, C.NEW, C.LANGUAGE})
_DELETION_TRIGGERS = frozenset({C.REMOVE, C.ERASE, C.WITHDRAW, C.CLOSE, C.PROCESS})
_ACCESS_TRIGGERS = frozenset(
    {C.WHAT, C.COPY, C.TRANSFER, C.SOURCE, C.WHERE, C.HOW, C.PURPOSE, C.ACCESS, C.KNOW}
)


def change_findings(s: Sentence, context: list[Sentence]) -> list[Finding]:
    out: list[Finding] = []
    if s.index.keys().isdisjoint(_CHANGE_TRIGGERS):
        return out
    d = Intent.DATA_CHANGE
    for word in s.positive(C.CHANGE, C.ADD):
        objects = _changed_objects(s, word)
        if items(s, objects) or (C.DATA in objects and (own(s, True) or s.has(C.ACCOUNT, C.BASE))):
            strength = STRONG if word.directive or word.form & (F.REFLEXIVE | F.PAST) else MEDIUM
            out.append(found(d, "change_data", s, [word, *_bound(s, word)], strength))
        elif word.directive and not objects - {C.ACCOUNT, C.BASE, C.PRONOUN, C.ME, C.ORDER}:
            near = _item_nearby(s, context)
            if near is not None:
                out.append(found(d, "change_in_context", s, [word, near], MEDIUM))
    error = s.positive(C.ERROR)
    if error and items(s, frozenset(s.index)) and (own(s) or s.has(C.ACCOUNT, C.BASE)):
        out.append(found(d, "data_error", s, [error[0], *_item_words(s)[:1]], STRONG))
    senders = [w for w in s.positive(C.SEND, C.USE) if w.directive]
    if senders and s.has(C.INSTEAD, C.NEW) and (s.has(C.EMAIL, C.ADDRESS) or "email" in s.values):
        out.append(found(d, "redirect_mail", s, [senders[0], *s.with_(C.INSTEAD, C.NEW)[:1]], STRONG))
    elif s.has(C.LANGUAGE) and (senders or (s.has(C.WANT) and s.positive(C.RECEIVE))):
        verb = senders[0] if senders else s.positive(C.RECEIVE)[0]
        out.append(found(d, "language_preference", s, [verb, *s.with_(C.LANGUAGE)[:1]], STRONG))
    if s.has(C.NEW) and s.values and items(s, frozenset(s.index)) - {C.LANGUAGE} and not out:
        out.append(found(d, "new_value", s, [*s.with_(C.NEW)[:1], *_item_words(s)[:1]], MEDIUM))
    return out


def _changed_objects(s: Sentence, head: Word) -> set[Concept]:
    """Concepts of the objects of ``head``, less those said to stay as they are ("BIN unchanged")."""
    still = [w.index for w in s.with_(C.UNCHANGED)]
    found: set[Concept] = set()
    for word in s.words:
        if word is not None and word.head == head.index and all(abs(word.index - i) > 2 for i in still):
            found |= word.concepts
    return found


def deletion_findings(s: Sentence) -> list[Finding]:
    out: list[Finding] = []
    d = Intent.DATA_DELETION
    if s.index.keys().isdisjoint(_DELETION_TRIGGERS) or s.has(C.THIRD_OWNER):
        return out
    for word in s.positive(C.REMOVE, C.ERASE):
        if word.form & F.PAST and not word.directive and not word.negated:
            continue  # "я удалил приложение": a statement
        if _deletes_data(s, word):
            out.append(found(d, "delete_data", s, [word, *_bound(s, word)], STRONG))
    withdraw = s.positive(C.WITHDRAW)
    if withdraw and s.has(C.CONSENT):
        out.append(found(d, "withdraw_consent", s, [withdraw[0], *s.with_(C.CONSENT)[:1]], STRONG))
    refusal = s.positive(C.REFUSE, C.PROHIBIT, C.STOP)
    if refusal and s.has(C.PROCESS) and s.has(C.DATA, C.CONSENT, C.PERSONAL):
        out.append(found(d, "refuse_processing", s, [refusal[0], *s.with_(C.PROCESS)[:1]], STRONG))
    for word in s.positive(C.CLOSE):
        if C.ACCOUNT in s.objects_of(word):
            out.append(found(d, "close_account", s, [word, *_bound(s, word)], STRONG))
    erase = s.with_(C.ERASE)
    if erase and s.has(C.RIGHT, C.REQUEST_NOUN) and not s.has(*_LIST_LIKE):
        out.append(found(d, "erasure_request", s, [erase[0], *s.with_(C.RIGHT, C.REQUEST_NOUN)[:1]], STRONG))
    return out


def _deletes_data(s: Sentence, word: Word) -> bool:
    if s.has(C.OLD) and (s.has(C.NEW) or s.values):
        return False  # "новый номер ..., старый удалите": a replacement, not an erasure
    objects = s.objects_of(word)
    listy = bool(objects & _LIST_LIKE)
    found_items = items(s, objects) - _WEAK_ITEMS
    erase = C.ERASE in word.concepts
    if objects & {C.ACCOUNT, C.DATA}:
        return True
    if C.BASE in objects and not listy:
        return True
    if erase and (found_items or objects & {C.PRONOUN, C.ME, C.EMAIL, C.ADDRESS} or not objects):
        return True
    if C.PRONOUN in objects and mentions_data(s) and not listy:
        return True
    return bool(found_items) and not listy and own(s)


def access_findings(s: Sentence, context: list[Sentence]) -> list[Finding]:
    out: list[Finding] = []
    if s.index.keys().isdisjoint(_ACCESS_TRIGGERS):
        return out
    a = Intent.DATA_ACCESS
    mine = own(s) and (s.has(C.DATA, C.NUMBER, *DATA_ITEMS) or s.has(C.ABOUT_ME))
    about = s.has(C.ABOUT_ME)
    asks = s.question or s.has(C.PLEASE, C.WANT, C.KNOW)
    held = s.has(C.HOLD, C.KNOW, C.PROCESS, C.USE, C.TRANSFER, C.ABOUT_ME)
    if s.has(C.WHAT) and (mine or about) and held and asks:
        out.append(found(a, "what_data", s, [*s.with_(C.WHAT)[:1], *_data_words(s)[:1]], STRONG))
    copies = [w for w in s.with_(C.COPY) if _asked_copy(s, w)]
    if copies and (mine or (s.has(C.PRONOUN) and _data_nearby(s, context)) or s.has(C.PERSONAL)):
        out.append(found(a, "copy_of_data", s, [copies[0], *_data_words(s)[:1]], STRONG))
    transfer = s.positive(C.TRANSFER)
    pronoun_data = s.has(C.PRONOUN) and _data_nearby(s, context)
    if transfer and (mine or pronoun_data) and (s.has(C.WHOM, C.THIRD_PARTY) or s.question):
        out.append(found(a, "data_transfer", s, [transfer[0], *_data_words(s)[:1]], STRONG))
    if s.has(C.SOURCE) and (mine or s.has(C.ME)) and _data_words(s):
        out.append(found(a, "data_source", s, [*s.with_(C.SOURCE)[:1], *_data_words(s)[:1]], STRONG))
    elif s.has(C.WHERE) and s.positive(C.RECEIVE) and mine and s.question:
        out.append(found(a, "data_source", s, [*s.with_(C.WHERE)[:1], *_data_words(s)[:1]], STRONG))
    if s.has(C.HOW, C.PURPOSE) and s.has(C.USE, C.PROCESS) and mine:
        out.append(
            found(a, "data_use", s, [*s.with_(C.HOW, C.PURPOSE)[:1], *s.with_(C.USE, C.PROCESS)[:1]], STRONG)
        )
    access = s.with_(C.ACCESS)
    if access and (s.has(C.DATA) or any(C.PERSONAL in w.concepts for w in access)) and own(s):
        out.append(found(a, "access_request", s, [access[0], *_data_words(s)[:1]], STRONG))
    if not out and s.has(C.KNOW) and s.has(C.WANT) and (mine or about):
        out.append(found(a, "want_to_know", s, [*s.with_(C.KNOW)[:1], *_data_words(s)[:1]], STRONG))
    return out


def _asked_copy(s: Sentence, word: Word) -> bool:
    if word.form & F.ABLATIVE:
        return False
    if word.head >= 0:
        head = s.words[word.head]
        if head is not None and head.concepts & _LEAVERS:
            return False
    return not (C.LIST in word.concepts and s.has(*_LEAVERS))


def _item_nearby(s: Sentence, context: list[Sentence]) -> Word | None:
    for other in [s, *_neighbours(s, context)]:
        words = _item_words(other)
        if words:
            return words[0]
    return None


def _data_nearby(s: Sentence, context: list[Sentence]) -> bool:
    return any(mentions_data(other) for other in [s, *_neighbours(s, context)])


def _neighbours(s: Sentence, context: list[Sentence]) -> list[Sentence]:
    return [
        other
        for other in context
        if other is not s
        and (
            other.where == "subject"
            or (other.where == s.where and abs(other.position - s.position) <= _CONTEXT_SPAN)
        )
    ]


def _item_words(s: Sentence) -> list[Word]:
    found_items = items(s, frozenset(s.index))
    return [w for w in s.with_(*found_items, C.NUMBER) if w.concepts & (found_items | {C.NUMBER})]


def _data_words(s: Sentence) -> list[Word]:
    return s.with_(C.DATA, *DATA_ITEMS, C.NUMBER, C.ABOUT_ME)


def _bound(s: Sentence, head: Word) -> list[Word]:
    return [w for w in s.words if w is not None and w.head == head.index][:2]
