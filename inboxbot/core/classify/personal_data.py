"""The personal-data families: change and deletion, each a predicate x a personal-data object.

- data_change: change/update/correct/add x a data item (phone, name, address, e-mail, requisites,
  birth date, language, contact person, job title) or "my data"; a changed state ("у меня сменился
  номер", "тегім өзгерді", "байланыс тұлғасы ауысты"); an error in a data item; "send it to my new
  address instead" (or "...to x@y.kz" after "your mail keeps coming to my old address"); "write to me
  in Kazakh", "could I get your e-mails in Kazakh?"; a bare "please fix it in your records" after a
  sentence naming the item. Not: adding an address to the mailing list, or next to a request to
  subscribe ("Хочу подписаться. Добавьте мою почту: ..."): a subscription; an item a neighbouring
  sentence takes off a list ("remove my address from your newsletter"); a payment card's details;
  thanks for a change done ("спасибо, номер поменяли", "рахмет, нөмірім өзгертілді": see
  :mod:`.clauses`).
- data_deletion: remove/erase x the sender's account, data, a data item, or "it"/"всё" when a
  neighbouring sentence names the data or the sender's place holds it ("удалите всё, что хранится в
  моём профиле"); refusal of processing; closing the account; "right to erasure". The object must be
  the sender's ("my", "about me", "personal") or the verb a request: a product question ("does it
  support deleting duplicate contacts?") deletes nothing, and where the act happens is no object
  ("где в личном кабинете отключить письма?", "удалять дубликаты в вашей CRM", "жүйеде").
  Withdrawn consent is read by :mod:`.consent`.

Access (what data, a copy, to whom, where from, how used) is read by :mod:`.data_access`, with the
helpers here: whose data a sentence speaks of, and which data items it or its neighbours name.
"""

from __future__ import annotations

from inboxbot.core.intents import Intent

from .concepts import DATA_ITEMS, PREDICATES, C, Concept, F
from .findings import MEDIUM, STRONG, Finding, found
from .negation import Word
from .sentences import Sentence
from .unsubscribe import mailings_named_before

_OWN = (C.OWN, C.ME, C.ABOUT_ME, C.PERSONAL)
_LIST_LIKE = frozenset({C.LIST, C.SUBSCRIPTION, C.SMS, C.MARKETING, C.SPAM})
_LEAVERS = frozenset({C.REMOVE, C.EXIT, C.CANCEL, C.REFUSE, C.UNSUB})
_WEAK_ITEMS = frozenset({C.EMAIL, C.ADDRESS})  # "remove my e-mail" is a mailing matter, not erasure
_CONTEXT_SPAN = 2
_SUBSCRIBING = frozenset({C.LIST, C.SUBSCRIPTION})
_NOT_DELETED_BY_SOURCE = frozenset({C.ACCOUNT, C.DATA, C.ME, C.PRONOUN})
_SOURCE_SPAN = 3  # "from your database", "из вашей базы данных"
_PAYMENT = frozenset({C.DATA, C.REQUISITES})  # "данные банковской карты", "card details"
_MAIL_ITEMS = frozenset({C.EMAIL, C.ADDRESS})  # where mail goes
_CONTAINERS = frozenset({C.ACCOUNT, C.BASE})  # "в личном кабинете", "in your CRM": a place, not an object
_LOCATIVE_PREPOSITIONS = frozenset({"в", "во", "на", "in", "on", "within", "inside", "v", "vo"})
_LOCATION_SPAN = 3


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


CHANGE_TRIGGERS = frozenset({C.CHANGE, C.ADD, C.ERROR, C.SEND, C.USE, C.NEW, C.NOW, C.INSTEAD, C.LANGUAGE})
DELETION_TRIGGERS = frozenset({C.REMOVE, C.ERASE, C.CLOSE, C.PROCESS})


def change_findings(s: Sentence, context: list[Sentence]) -> list[Finding]:
    out: list[Finding] = []
    if s.index.keys().isdisjoint(CHANGE_TRIGGERS):
        return out
    d = Intent.DATA_CHANGE
    for word in s.positive(C.CHANGE, C.ADD):
        objects = _changed_objects(s, word)
        if _not_a_change(s, word, objects) or (C.ADD in word.concepts and _subscribing(s, objects, context)):
            continue
        if items(s, objects) or (C.DATA in objects and (own(s, True) or s.has(C.ACCOUNT, C.BASE))):
            strength = STRONG if word.directive or word.form & (F.REFLEXIVE | F.PAST) else MEDIUM
            out.append(found(d, "change_data", s, [word, *_bound(s, word)], strength))
        elif word.directive and not objects - {C.ACCOUNT, C.BASE, C.PRONOUN, C.ME, C.ORDER}:
            near = _item_nearby(s, context)
            if near is not None:
                out.append(found(d, "change_in_context", s, [word, near], MEDIUM))
    error = s.positive(C.ERROR)
    if error and items(s, frozenset(s.index)) and (own(s) or s.has(C.ACCOUNT, C.BASE)):
        out.append(found(d, "data_error", s, [error[0], *item_words(s)[:1]], STRONG))
    senders = [w for w in s.positive(C.SEND, C.USE) if w.directive]
    if senders and _redirected(s, context):
        out.append(found(d, "redirect_mail", s, [senders[0], *s.with_(C.INSTEAD, C.NEW, C.OLD)[:1]], STRONG))
    elif s.has(C.LANGUAGE) and (senders or _asks_to_receive(s)):
        verb = senders[0] if senders else s.positive(C.RECEIVE)[0]
        out.append(found(d, "language_preference", s, [verb, *s.with_(C.LANGUAGE)[:1]], STRONG))
    # the item named here, or next door for a value: "этот номер уже не мой. новый 8705... запишите"
    named = items(s, frozenset(s.index)) - {C.LANGUAGE} or (s.values and _item_here_or_before(s, context))
    if not out and s.has(C.NEW) and _announced(s) and named:
        out.append(found(d, "new_value", s, [*s.with_(C.NEW)[:1], *item_words(s)[:1]], MEDIUM))
    if not out and _new_state(s):
        out.append(found(d, "new_state", s, [*s.with_(C.NOW)[:1], *item_words(s)[:1]], MEDIUM))
    if not out and s.has(C.INSTEAD) and s.values and _item_here_or_before(s, context):
        out.append(found(d, "replace_value", s, [*s.with_(C.INSTEAD)[:1], *item_words(s)[:1]], STRONG))
    return out


_FIRST_PERSON_POSSESSIVE = ("ім", "ым", "им", "ум", "үм")  # Kazakh тегім, нөмірім, атым


def _new_state(s: Sentence) -> bool:
    """ "Я вышла замуж, теперь моя фамилия Серикова", "my surname is now Brown", "енді тегім Омарова": a
    data item of the sender's stated as newly true (not a request that ends in "now", nor "his mailbox
    now forwards to me")."""
    if not s.has(C.NOW) or s.question or any(w is not None and w.directive for w in s.words):
        return False
    mine = s.has(C.OWN) or any(
        w.form & F.POSSESSIVE and w.text.endswith(_FIRST_PERSON_POSSESSIVE) for w in s.with_(*DATA_ITEMS)
    )
    return mine and bool(items(s, frozenset(s.index)) - {C.LANGUAGE})


def _item_here_or_before(s: Sentence, context: list[Sentence]) -> bool:
    """ "This number is no longer mine, put +7 ... instead": the value replaces a data item named in
    this sentence or the one before."""
    if items(s, frozenset(s.index)) - {C.LANGUAGE}:
        return True
    return any(
        other.where == s.where and other.position == s.position - 1 and items(other, frozenset(other.index))
        for other in context
    )


def _announced(s: Sentence) -> bool:
    """A new value written out, or "our new billing address is ..." (no question), or "Новый
    юридический адрес: г. Алматы, ..." (an item, then a colon or dash and what follows it)."""
    return bool(s.values) or (not s.question and (own(s, allow_our=True) or _written_out(s)))


def _written_out(s: Sentence) -> bool:
    for word in s.with_(*DATA_ITEMS):
        after = word.index + 1
        if (
            after in s.breaks
            and after < len(s.texts)
            and any(0 < word.index - n.index <= 4 for n in s.with_(C.NEW))
        ):
            return True
    return False


def _changed_objects(s: Sentence, head: Word) -> set[Concept]:
    """Concepts of the objects of ``head``, less those said to stay as they are ("BIN unchanged");
    a payment card's details are no data item."""
    still = [w.index for w in s.with_(C.UNCHANGED)]
    found: set[Concept] = set()
    for word in s.words:
        if word is not None and word.head == head.index and all(abs(word.index - i) > 2 for i in still):
            found |= word.concepts
    if C.CARD in s.index:
        found -= _PAYMENT
    return found


def _not_a_change(s: Sentence, word: Word, objects: set[Concept]) -> bool:
    """ "add this address to the list" is a subscription; "why did you change my number" asks why."""
    if word.form & F.PAST_YOU and not word.negated and not word.directive:
        return True
    return C.ADD in word.concepts and bool(objects & _SUBSCRIBING) and not s.has(C.OLD, C.INSTEAD)


def _subscribing(s: Sentence, objects: set[Concept], context: list[Sentence]) -> bool:
    """ "Хочу подписаться на новости. Добавьте мою почту: ...": an address added for the mailing is
    a subscription, when this sentence or a neighbour asks to subscribe (not to change anything)."""
    if not objects & _MAIL_ITEMS or items(s, objects) - _MAIL_ITEMS:
        return False
    if s.has(C.OLD, C.INSTEAD):
        return False
    return any(_asks_to_subscribe(other) for other in [s, *neighbours(s, context)])


def _asks_to_subscribe(s: Sentence) -> bool:
    return any(not word.form & F.PAST for word in s.positive(C.SUBSCRIBE))


def _redirected(s: Sentence, context: list[Sentence]) -> bool:
    """ "send it to my new address instead", or "...to x@y.kz" after "it comes to my old address".
    Where one order's papers go is no change of address ("пришлите счёт по заказу на x@y.kz"), unless
    it is meant to last or names the address that is no longer wanted: "счета впредь присылайте на
    x@y.kz", "from now on send the invoices to ...", "шоттарды бұдан былай ... жіберіңіздер",
    "письма по договору шлите на x@y.kz, а не на личный"."""
    if not (s.has(C.EMAIL, C.ADDRESS) or "email" in s.values):
        return False
    lasting = "email" in s.values and s.has(C.INSTEAD, C.MORE)  # впредь, from now on, бұдан былай
    if s.has(C.ORDER):
        return lasting or ("email" in s.values and _contrasted_address(s))
    if lasting or s.has(C.INSTEAD, C.NEW) or _old_address(s) or _contrasted_address(s):
        return True
    return any(_old_address(other) for other in neighbours(s, context))


_ADDRESS_WORDS = frozenset({C.EMAIL, C.ADDRESS, C.PERSONAL})


def _contrasted_address(s: Sentence) -> bool:
    """ "шлите на рабочий адрес x@y.kz, а не на этот личный", "жеке поштама емес, жұмыс поштама
    жіберіңіз: x@y.kz", "to my work address, not my personal one": an address given, another denied."""
    if "email" not in s.values or not any(not w.negated for w in s.with_(C.EMAIL, C.ADDRESS)):
        return False
    words = [w for w in s.words if w is not None]
    for i, word in enumerate(words):
        if C.NEG in word.concepts:
            near = words[i + 1 : i + 4]
        elif C.POSTNEG in word.concepts:
            near = words[max(i - 2, 0) : i]
        else:
            continue
        if any(w.concepts & _ADDRESS_WORDS for w in near):
            return True
    return False


def _old_address(s: Sentence) -> bool:
    """ "...приходят на мой старый рабочий адрес", "my old mailbox", "старая почта" (not "our former
    colleague", nor old letters)."""
    if not s.has(C.OLD):
        return False
    old = {w.index + 1 for w in s.with_(C.OLD)}
    return any(C.MAIL not in w.concepts or w.index in old for w in s.with_(C.ADDRESS, C.EMAIL))


def _asks_to_receive(s: Sentence) -> bool:
    """ "I want to receive it in Kazakh", "можно ли получать письма на казахском?"."""
    receive = s.positive(C.RECEIVE)
    if not receive:
        return False
    return s.has(C.WANT, C.PLEASE) or (s.question and bool(s.positive(C.CAN)))


def deletion_findings(s: Sentence, context: list[Sentence]) -> list[Finding]:
    out: list[Finding] = []
    d = Intent.DATA_DELETION
    if s.index.keys().isdisjoint(DELETION_TRIGGERS) or s.has(C.THIRD_OWNER):
        return out
    for word in s.positive(C.REMOVE, C.ERASE):
        if word.form & F.PAST and not word.directive and not word.negated:
            continue  # "я удалил приложение": a statement
        if (word.directive or own(s)) and _deletes_data(s, word, context):
            out.append(found(d, "delete_data", s, [word, *_bound(s, word)], STRONG))
    refusal = s.positive(C.REFUSE, C.PROHIBIT, C.STOP)
    if refusal and s.has(C.PROCESS) and s.has(C.DATA, C.CONSENT, C.PERSONAL):
        out.append(found(d, "refuse_processing", s, [refusal[0], *s.with_(C.PROCESS)[:1]], STRONG))
    for word in s.positive(C.CLOSE):
        if C.ACCOUNT in s.objects_of(word) and (word.directive or own(s)):
            out.append(found(d, "close_account", s, [word, *_bound(s, word)], STRONG))
    erase = s.with_(C.ERASE)
    if erase and s.has(C.RIGHT, C.REQUEST_NOUN) and not s.has(*_LIST_LIKE):
        out.append(found(d, "erasure_request", s, [erase[0], *s.with_(C.RIGHT, C.REQUEST_NOUN)[:1]], STRONG))
    return out


def _deletes_data(s: Sentence, word: Word, context: list[Sentence]) -> bool:
    if s.has(C.OLD) and (s.has(C.NEW) or s.values):
        return False  # "новый номер ..., старый удалите": a replacement, not an erasure
    objects, source, place = _objects_and_source(s, word)
    listy = bool((objects | source) & _LIST_LIKE)
    objects |= source - _NOT_DELETED_BY_SOURCE  # "удалите меня из базы"; not "счёт из личного кабинета"
    if _object_is_data(s, word, objects, listy):
        return True
    return not listy and _stands_for_data(s, objects, place, context)


def _object_is_data(s: Sentence, word: Word, objects: set[Concept], listy: bool) -> bool:
    """The object is an account, data, the database, or (for an erase verb) a data item or the sender."""
    if objects & {C.ACCOUNT, C.DATA} or (C.BASE in objects and not listy and not _product_base(s)):
        return True
    if C.COPY in objects and own(s) and not listy and not s.has(C.ORDER):
        return True  # "delete the copy of my ID you hold", "жеке куәлігімнің көшірмесін жойыңыз"
    found_items = items(s, objects) - _WEAK_ITEMS
    erase = C.ERASE in word.concepts
    return erase and bool(found_items or objects & {C.PRONOUN, C.ME, C.EMAIL, C.ADDRESS} or not objects)


_PRODUCT_BASE = ("тестов", "test", "демо", "demo", "резервн", "backup", "учебн", "копи", "сынақ")


def _product_base(s: Sentence) -> bool:
    """A database of the product's, not the list of people: named «in quotes» after it, or a test,
    demo or backup one ("удалите с сервера тестовую базу «Копия_ноябрь»", "delete the test database
    «Sales_copy» from our cloud")."""
    for base in s.with_(C.BASE):
        i = base.index
        if any(w is not None and w.quoted for w in s.words[i + 1 : i + 4]):
            return True
        if i + 1 < len(s.words) and s.words[i + 1] is None and "_" in s.texts[i + 1]:
            return True  # «Бухгалтерия_2024»: a file-like name nothing in the lexicon knows
        if any(t.startswith(_PRODUCT_BASE) for t in s.texts[max(0, i - 2) : i]):
            return True
    return False


def _stands_for_data(
    s: Sentence, objects: set[Concept], place: set[Concept], context: list[Sentence]
) -> bool:
    """A pronoun or "all" that stands for the sender's data, or a data item of the sender's."""
    if objects & {C.PRONOUN, C.ALL} and s.has(C.ABOUT_ME):
        return True  # "delete everything you hold about me", "удалите всё, что у вас есть обо мне"
    if C.PRONOUN in objects and _pronoun_is_data(s, place, context):
        return True
    return bool(items(s, objects) - _WEAK_ITEMS) and own(s)


def _pronoun_is_data(s: Sentence, place: set[Concept], context: list[Sentence]) -> bool:
    """ "Сначала пришлите, какие данные у вас есть. Потом удалите их.", "удалите всё, что хранится в
    моём профиле": the pronoun stands for data named here or next door, or kept in the sender's place."""
    if own(s) and (place or (s.has(C.HOLD) and s.has(*_CONTAINERS))):
        return True
    if mailings_named_before(s, context):  # "Мне приходят SMS с акциями на номер +7 ... Как их отключить?"
        return False  # the SMS, not the number
    return mentions_data(s) or data_nearby(s, context)


def _objects_and_source(s: Sentence, head: Word) -> tuple[set[Concept], set[Concept], set[Concept]]:
    """What ``head`` removes, where from ("из кабинета", "from your database", "тапсырысымнан"), and
    where it happens ("в личном кабинете", "in your CRM", "жүйеде"): a place is no object."""
    objects: set[Concept] = set()
    source: set[Concept] = set()
    place: set[Concept] = set()
    sources = C.FROM in s.index or s.lang == "kk"
    for word in s.words:
        if word is None or word.head != head.index:
            continue
        if sources and (word.form & F.ABLATIVE or _after_from(s, word.index)):
            source |= word.concepts
        elif word.concepts & _CONTAINERS and _located(s, word):
            place |= word.concepts
        else:
            objects |= word.concepts
    return objects, source, place


def _located(s: Sentence, word: Word) -> bool:
    if word.form & F.LOCATIVE:
        return True
    for j in range(word.index - 1, max(-1, word.index - 1 - _LOCATION_SPAN), -1):
        if s.texts[j] in _LOCATIVE_PREPOSITIONS:
            return True
        other = s.words[j]
        if other is not None and other.concepts & PREDICATES:
            return False
    return False


def _after_from(s: Sentence, i: int) -> bool:
    for j in range(i - 1, max(-1, i - 1 - _SOURCE_SPAN), -1):
        word = s.words[j]
        if word is not None and C.FROM in word.concepts:
            return True
        if word is not None and word.concepts & PREDICATES:
            return False
    return False


def _item_nearby(s: Sentence, context: list[Sentence]) -> Word | None:
    """A data item named here or next door, unless it is what a sentence takes off a list ("remove my
    address from your newsletter" changes no address)."""
    for other in [s, *neighbours(s, context)]:
        for word in item_words(other):
            head = other.words[word.head] if word.head >= 0 else None
            if head is None or not head.concepts & _LEAVERS:
                return word
    return None


def data_nearby(s: Sentence, context: list[Sentence]) -> bool:
    return any(_names_data(other) for other in [s, *neighbours(s, context)])


def _names_data(s: Sentence) -> bool:
    """Data a pronoun may stand for; not the "e-mail" of an "e-mail рассылка" (a channel)."""
    if not mentions_data(s):
        return False
    if s.has(C.DATA) or not s.has(*_LIST_LIKE):
        return True
    if items(s, frozenset(s.index)) - {C.EMAIL}:
        return True
    return not all(C.MAIL in w.concepts for w in s.with_(C.EMAIL))


def neighbours(s: Sentence, context: list[Sentence]) -> list[Sentence]:
    return [
        other
        for other in context
        if other is not s
        and (
            other.where == "subject"
            or (other.where == s.where and abs(other.position - s.position) <= _CONTEXT_SPAN)
        )
    ]


def item_words(s: Sentence) -> list[Word]:
    found_items = items(s, frozenset(s.index))
    return [w for w in s.with_(*found_items, C.NUMBER) if w.concepts & (found_items | {C.NUMBER})]


def data_words(s: Sentence) -> list[Word]:
    return s.with_(C.DATA, *DATA_ITEMS, C.NUMBER, C.ABOUT_ME)


def _bound(s: Sentence, head: Word) -> list[Word]:
    return [w for w in s.words if w is not None and w.head == head.index][:2]
