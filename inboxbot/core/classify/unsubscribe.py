"""The unsubscribe family: verbs of leaving or removal x objects of mailing, and the signals against.

- ``unsub_word``: отпишите / unsubscribe / otpiska — in any form but a refusal ("не отписывайте");
  a past "I unsubscribed" is a complaint that mail keeps coming, which is a request too;
- ``remove_from_list``: remove/exclude/exit/cancel/refuse x list/newsletter/SMS ("исключите меня из
  рассылки", "take me off this list", "таратылымнан шығарыңыз", "отказ от рассылки"), or x a pronoun
  standing for the mailings named in the sentence before ("Мне приходят и письма, и смс. Отключите и
  то, и другое.", "Your digests arrive daily. Please cancel them.", "Екеуін де өшіріңіз");
- ``stop_mailing``: stop x sending/mail ("прекратите слать письма", "stop spamming me", "тоқтатыңдар"),
  and a bare "STOP";
- ``no_more_mail``: a refused sending or a denied wish for mail ("не присылайте мне больше",
  "I don't want to receive", "I'd rather not receive", "хаттарыңыз керек емес", "жібермеңіздер");
  refused at an old address ("на старую больше ничего не шлите") it is ``old_address_mail``, which a
  change of address in the same mail explains away (:mod:`.verdict`);
- weak: ``still_receiving`` ("ваши письма всё равно приходят", but not "...приходят на мой старый адрес":
  mail at the wrong address asks for a change of address), ``never_subscribed``, ``bare_remove``.

Not requests: unsubscribing as a business topic — other people's ("our customers", "клиенттеріміз"),
figures ("unsubscribe rates", "процент отписок"), or a thing being built ("an opt-out page for our
store"); a negated wish to leave ("I don't want to stop receiving", "шыққым келмейді").

Signals (``KEEP``): a refused unsubscribe ("do NOT unsubscribe me", "шығармаңыздаршы"), "keep me on the
list", a wish to keep receiving ("I want to keep getting your emails"), a request to (re)subscribe or to
add an address to the list ("мені қайта қосыңыз"), and an unsubscribe by accident ("clicked
unsubscribe by mistake", "случайно отписалась", "абайсызда шығып қалдым": the accident qualifies the
nearest verb of its clause, so "subscribed by mistake, unsubscribe me" still asks). They cancel
unsubscribe findings that are not themselves requests.
"""

from __future__ import annotations

from inboxbot.core.intents import Intent

from .concepts import PREDICATES, C, Concept, F
from .findings import KEEP, MEDIUM, STRONG, WEAK, Finding, channel_of, found
from .negation import COMPLAINT, PROHIBIT, STATEMENT, Word
from .sentences import Sentence

U = Intent.UNSUBSCRIBE
MAILING = frozenset({C.LIST, C.SUBSCRIPTION, C.SMS, C.MARKETING, C.SPAM, C.MAIL})
_LIST_LIKE = frozenset({C.LIST, C.SUBSCRIPTION, C.SMS, C.MARKETING, C.SPAM})
_LEAVERS = (C.REMOVE, C.EXIT, C.CANCEL, C.REFUSE)
_BARE_OK = frozenset(
    {C.STOP, C.ME, C.PLEASE, C.GREETING, C.PRONOUN, C.FED_UP, C.SPAM, C.SKIP, C.YOU, C.MORE, C.OFF}
)
_BARE_REMOVE = frozenset({C.REMOVE, C.FROM, C.OWN})  # "remove me", "take me off", "удалите меня"
_THIRD_PARTY = (C.AUDIENCE, C.METRIC, C.THIRD)
_SELF = (C.ME, C.OWN)
# "I'm 100 percent sure I unsubscribed" speaks for the sender, whatever the figures around it.
_I = frozenset({"i", "i'm", "i've", "i'll", "i'd", "я", "ya"})
_ARTICLES = frozenset({"a", "an", "their"})
_LEAVING = frozenset({C.UNSUB, *_LEAVERS, C.STOP, C.EXIT})
_FIRST_PERSON = (
    "юсь",
    "усь",
    "мын",
    "мін",
    "пын",
    "пін",
    "мыз",
    "міз",
    "быз",
    "біз",
)  # не отписываюсь, шықпаймын


TRIGGERS = frozenset(
    {
        C.UNSUB,
        *_LEAVERS,
        C.STOP,
        C.SEND,
        C.MAIL,
        C.WANT,
        C.NEED,
        C.CONTINUE,
        C.SUBSCRIBE,
        C.KEEP,
        C.RESTORE,
        C.ADD,
    }
)


_SENDING = frozenset({C.SEND, C.MAIL, C.WANT, C.NEED})
_PRONOUN_ONLY = frozenset({C.PRONOUN, C.SKIP, C.YOU, C.ME, C.OWN, C.FROM, C.MORE})
_ANTECEDENT_SPAN = 2
_VERBS_AND_UNSUB = PREDICATES - {C.WANT, C.NEED, C.CAN, C.INTEND}
_KEEPING = frozenset({C.UNSUB, *_LEAVERS, C.STOP, C.KEEP, C.RESTORE, C.SUBSCRIBE, C.ADD})


def unsubscribe_findings(s: Sentence, context: list[Sentence] | None = None) -> list[Finding]:
    out: list[Finding] = []
    present = s.index.keys()
    if present.isdisjoint(TRIGGERS):
        return out
    if not present.isdisjoint(_THIRD_PARTY) and not _speaks_for_sender(s) and not _asks_for_them(s):
        return out  # "cut unsubscribe rates", "отписка клиентов", "он просит ему не писать": someone else's
    if C.UNSUB in present:
        _unsub_word(s, out)
    if not present.isdisjoint(_LEAVERS):
        _remove_from_list(s, out)
        if C.PRONOUN in present and context:
            _mailing_in_context(s, context, out)
        _bare_remove(s, out)
    if C.STOP in present:
        _stop_mailing(s, out)
        if C.PRONOUN in present and context and not out:
            _mailing_in_context(s, context, out)
    if not present.isdisjoint(_SENDING):
        _no_more_mail(s, out)
    if C.CONTINUE in present:
        _still_receiving(s, out)
    if C.SUBSCRIBE in present:
        _never_subscribed(s, out)
    if not present.isdisjoint(_KEEPING):
        _keep_signals(s, out)
    return out


def _unsub_word(s: Sentence, out: list[Finding]) -> None:
    accident = C.ACCIDENT in s.index
    for word in s.with_(C.UNSUB):
        if _instruction_to_reader(s, word):
            continue  # "if not interested, reply «unsubscribe»": what the sender asks *us* to write
        if word.positive and not _names_a_thing(s, word) and not (accident and _accidental(s, word)):
            strength = MEDIUM if word.quoted and not word.directive else STRONG
            out.append(found(U, "unsub_word", s, [word], strength, channel=channel_of(s.objects_of(word))))


def _remove_from_list(s: Sentence, out: list[Finding]) -> None:
    accident = C.ACCIDENT in s.index
    for word in s.positive(*_LEAVERS):
        if accident and _accidental(s, word):
            continue
        objects = s.objects_of(word)
        if C.ME not in objects and any(0 < y.index - word.index <= 2 for y in s.with_(C.YOU)):
            continue  # "I'll remove you from my list", "исключу вас": the reader leaves the sender's list
        if C.AUDIENCE in objects and C.ME not in objects:
            continue  # "bulk-remove contacts who opted out from my list": people of the sender's, not them
        me_and_mail = C.MAIL in objects and C.ME in objects
        if objects & _LIST_LIKE or me_and_mail or _refusing_your_mail(s, word, objects):
            words = [word, *_bound(s, word, MAILING)]
            out.append(found(U, "remove_from_list", s, words, STRONG, channel=channel_of(objects)))


_YOUR = frozenset(
    {"ваш", "ваши", "ваших", "вашей", "вашего", "вашу", "вашими", "your", "сіздің", "сіздердің"}
)
_KK_YOUR = ("ыңыз", "іңіз", "ңыз", "ңіз")  # хаттарыңыздан, хаттарыңыздардан: from your letters


def _refusing_your_mail(s: Sentence, word: Word, objects: set[Concept]) -> bool:
    """ "Как отказаться от ваших писем?", "хаттарыңыздан қалай бас тартуға болады?", "refuse your
    emails": to refuse or leave the letters *of the reader* is to leave its mailing (not a supplier's)."""
    if C.MAIL not in objects or not word.concepts & {C.REFUSE, C.EXIT}:
        return False
    words = s.words
    bound = [m for m in s.with_(C.MAIL) if m.head == word.index]
    # the letters nearest the verb are what is refused ("отказаться от писем поставщика, ... в вашей
    # почте": the supplier's letters, not "your mailbox")
    for mail in sorted(bound, key=lambda m: abs(m.index - word.index))[:1]:
        text = mail.text.lower()
        if any(suffix in text for suffix in _KK_YOUR):
            return True
        before = [w for w in words[max(mail.index - 2, 0) : mail.index] if w is not None]
        if any(w.text.lower() in _YOUR for w in before):
            return True
    return False


def _mailing_in_context(s: Sentence, context: list[Sentence], out: list[Finding]) -> None:
    """ "Мне приходят и письма, и смс. Отключите и то, и другое.", "Your digests arrive daily. Please
    cancel them.", "...жарнамалық SMS келеді. Соларды тоқтатыңыздаршы": a leaver (or a stop) whose only
    object is a pronoun, after a sentence that names our mailings."""
    for word in s.positive(*_LEAVERS, C.STOP):
        objects = s.objects_of(word)
        if C.PRONOUN not in objects or objects - _PRONOUN_ONLY or not word.directive or s.has(C.ORDER):
            continue
        named = mailings_named_before(s, context)
        if named:
            words = [word, *_bound(s, word, frozenset({C.PRONOUN}))]
            out.append(found(U, "remove_from_list", s, words, MEDIUM, channel=channel_of(named)))


def mailings_named_before(s: Sentence, context: list[Sentence]) -> set[Concept]:
    """The mailings named in the one or two sentences before ``s`` (not an order or a data item)."""
    for other in context:
        if other.where != s.where or not 0 < s.position - other.position <= _ANTECEDENT_SPAN:
            continue
        if other.has(C.ORDER, C.DATA) or not other.has(*_LIST_LIKE, C.MAIL):
            continue
        named = set().union(*(w.concepts for w in other.with_(*_LIST_LIKE, C.MAIL)))
        if named & _LIST_LIKE or other.has(C.CONTINUE, C.FED_UP) or other.positive(C.RECEIVE, C.SEND):
            return named
    return set()


def _stop_mailing(s: Sentence, out: list[Finding]) -> None:
    for word in s.positive(C.STOP):
        if word.form & F.PAST:
            continue  # "новости перестали приходить", "we stopped receiving": a report, not a request
        if C.WORKS in s.index and _fails(s, word):
            continue  # "старая почта перестанет работать", "the link stopped working": a thing fails
        objects = s.objects_of(word)
        senders = [w for w in s.with_(C.SEND, C.RECEIVE) if abs(w.index - word.index) <= 3]
        for sender in senders:
            objects |= s.objects_of(sender)
        if objects & MAILING or senders or s.has(C.SPAM):
            words = [word, *senders, *_bound(s, word, MAILING)]
            out.append(found(U, "stop_mailing", s, words, STRONG, channel=channel_of(objects)))
        elif _bare(s):
            out.append(found(U, "bare_stop", s, [word], STRONG))


def _no_more_mail(s: Sentence, out: list[Finding]) -> None:
    for word in s.with_(C.SEND, C.MAIL):
        if word.neg_kind != PROHIBIT:
            continue
        if C.SEND not in word.concepts and not s.near(word, frozenset({C.ME}), 1):
            continue  # "don't email me" uses the noun as a verb; "не письма" does not
        objects = s.objects_of(word)
        if objects & MAILING or s.has(C.MORE, C.ME, C.MAIL, C.LIST):
            words = [word, *_bound(s, word, MAILING)]
            # "на старую больше ничего не шлите": mail refused at an old address; a change of address
            # elsewhere in the mail explains it (see verdict). Refused at the new one too ("ни на
            # старый, ни на новый") it is refused everywhere.
            everywhere = s.has(C.NEW) and not [w for w in s.positive(C.SEND, C.USE) if w.directive]
            rule = "old_address_mail" if s.has(C.OLD) and not everywhere else "no_more_mail"
            out.append(found(U, rule, s, words, STRONG, channel=channel_of(objects)))
    if s.has(C.MORE):
        for word in s.with_(*_LIST_LIKE, C.MAIL):
            if word.negated and C.SEND not in word.concepts:  # "no more marketing e-mails": the noun refused
                out.append(found(U, "no_more_mail", s, [word], STRONG, channel=channel_of(word.concepts)))
                break
    for modal in s.with_(C.WANT, C.NEED):
        if modal.negated and modal.neg_kind != COMPLAINT and s.has(*MAILING, C.RECEIVE, C.SEND):
            if _wants_to_stay(s, modal):
                continue
            mail = s.with_(*MAILING)
            concepts = set().union(*(w.concepts for w in mail)) if mail else set()
            out.append(found(U, "no_more_mail", s, [modal, *mail[:2]], STRONG, channel=channel_of(concepts)))


def _still_receiving(s: Sentence, out: list[Finding]) -> None:
    if not s.has(C.CONTINUE):
        return
    mail = s.with_(C.MAIL, C.LIST, C.SPAM)
    if s.has(C.OLD) or any(C.MAIL not in w.concepts for w in s.with_(C.ADDRESS, C.EMAIL)):
        return  # "keeps coming to my old work mailbox": the address is wrong, not the mail
    receiving = s.positive(C.RECEIVE) or (s.positive(C.SEND) if s.has(C.ME) else [])
    wish = [w for w in s.positive(C.WANT) if receiving and w.index < receiving[0].index]
    if mail and wish:  # "I want to keep getting your emails": a wish to stay
        out.append(found(KEEP, "keep_subscribed", s, [wish[0], *receiving[:1]], STRONG))
        return
    if mail and (receiving or s.where == "subject"):
        words = [*s.with_(C.CONTINUE)[:1], *receiving[:1], *mail[:1]]
        out.append(found(U, "still_receiving", s, words, WEAK + 0.1, channel=channel_of(mail[0].concepts)))


def _never_subscribed(s: Sentence, out: list[Finding]) -> None:
    for word in s.with_(C.SUBSCRIBE):
        if word.negated and word.neg_kind != PROHIBIT and (s.has(*MAILING) or s.has(C.NEVER)):
            out.append(found(U, "never_subscribed", s, [word], WEAK))


def _bare_remove(s: Sentence, out: list[Finding]) -> None:
    for word in s.positive(C.REMOVE):
        if s.objects_of(word) <= _BARE_OK | {C.OWN} and _bare(s, extra=_BARE_REMOVE):
            out.append(found(U, "bare_remove", s, [word], WEAK))


def _keep_signals(s: Sentence, out: list[Finding]) -> None:
    for word in s.with_(C.UNSUB, *_LEAVERS) if C.ACCIDENT in s.index else ():
        if _accidental(s, word):  # "clicked unsubscribe by mistake": the sender meant to stay
            out.append(found(KEEP, "accidental_unsubscribe", s, [word], STRONG))
    for word in s.with_(C.UNSUB, *_LEAVERS, C.STOP, C.EXIT):
        if not word.negated or not _refused(word):
            continue
        objects = s.objects_of(word)
        if C.UNSUB in word.concepts or objects & MAILING or C.ME in objects:
            out.append(found(KEEP, "refused_unsubscribe", s, [word], STRONG, channel=channel_of(objects)))
    _keep_subscribed(s, out)
    for word in s.positive(C.SUBSCRIBE):
        if word.directive and not word.form & F.PAST:
            channel = channel_of(s.objects_of(word))
            out.append(found(KEEP, "subscribe_request", s, [word], STRONG, channel=channel))
    for word in s.positive(C.ADD) if C.ADD in s.index else ():
        objects = s.objects_of(word)
        if word.directive and objects & {C.LIST, C.SUBSCRIPTION}:  # "add this address to the list"
            out.append(found(KEEP, "subscribe_request", s, [word], STRONG, channel=channel_of(objects)))


def _keep_subscribed(s: Sentence, out: list[Finding]) -> None:
    """ "Keep me on the list", "оставьте меня в рассылке", "верните рассылку"."""
    for word in s.positive(C.KEEP, C.RESTORE):
        if not word.directive or word.form & F.PAST:
            continue  # "вернулся из отпуска" is no "верните меня"
        if _selective(s, word):
            continue  # "оставьте только письма по договору, рекламу не присылайте": the rest goes
        objects = _kept(s, word) | ({C.LIST} if s.has(C.SUBSCRIBE, C.SUBSCRIPTION) else set())
        if objects & (MAILING | {C.ME}):
            out.append(found(KEEP, "keep_subscribed", s, [word], STRONG, channel=channel_of(objects)))


_ONLY = frozenset({"только", "лишь", "only", "just", "тек", "ғана", "tek", "tolko"})


def _selective(s: Sentence, word: Word) -> bool:
    """ "Оставьте мне только письма по договору", "keep only the service notices", "тек шоттарды
    қалдырыңыз": keeping some mail is leaving the rest, not a wish to stay on every list."""
    return not _ONLY.isdisjoint(s.texts[max(0, word.index - 4) : word.index + 4])


def _kept(s: Sentence, word: Word) -> set[Concept]:
    """What a keep verb keeps: its bound objects, less what the sentence refuses ("want to stay a
    customer, but no more newsletters")."""
    found: set[Concept] = set()
    for other in s.words:
        if other is not None and other.head == word.index and not other.negated:
            found |= other.concepts
    return found


def _speaks_for_sender(s: Sentence) -> bool:
    """ "me", "my", "I" (or the Kazakh first-person forms the lexicon reads as such) in the sentence."""
    return not s.index.keys().isdisjoint(_SELF) or not _I.isdisjoint(s.texts)


def _instruction_to_reader(s: Sentence, word: Word) -> bool:
    """An unsubscribe word the sender asks the reader to write back: «quoted» after a write/reply verb
    ("ответьте «отписаться»"), or right after a reply verb ("just reply 'unsubscribe'", "жауап ретінде
    «шығу» деп жазыңыз") — a pitch's opt-out line, not the sender asking us."""
    if word.quoted and any(0 < word.index - w.index <= 3 and w.directive for w in s.with_(C.SEND)):
        return True
    if word.directive:
        return False
    before = s.texts[max(0, word.index - 3) : word.index]
    after = s.texts[word.index + 1 : word.index + 4]
    return not _REPLY.isdisjoint(before) or ("деп" in after and not _REPLY.isdisjoint(after))


_REPLY = frozenset(
    {"reply", "respond", "answer", "ответьте", "ответь", "ответив", "ответом", "жауап", "жауабында"}
)


def senders_own(findings: list[Finding], sentences: list[Sentence]) -> list[Finding]:
    """In a mail about the sender's own mailings as a business (their customers, their campaigns, a
    list in their CRM) or in a sales pitch ("we provide bulk SMS ... reply NO and I'll remove you"),
    unsubscribing, removing and adding are the topic or the product: only a sentence that speaks for
    the sender ("remove me", "my address") still asks us for something about their own data."""
    requests = [f for f in findings if f.intent != KEEP]
    if not requests or not _business_mail(sentences):
        return findings
    speaking = {s.position for s in sentences if _speaks_for_sender(s) and not s.has(C.WE, C.AUDIENCE)}
    return [f for f in findings if f.intent == KEEP or f.sentence in speaking]


def _business_mail(sentences: list[Sentence]) -> bool:
    for s in sentences:
        if s.where != "body":
            continue
        if s.has(C.AUDIENCE) and s.has(C.UNSUB, *_LIST_LIKE, C.SEND, C.STOP) and not _speaks_for_sender(s):
            return True  # "our clients can't unsubscribe", "how do I remove a customer from my list"
        if _our_mailings(s) and not s.has(C.ME):
            return True  # "our newsletters", "наших рассылок"
        if any(_offers(s, we) for we in s.with_(C.WE)) or _offers(s, None):
            return True  # "мы предлагаем SMS-рассылки", "we provide a newsletter platform"
    return False


def _our_mailings(s: Sentence) -> bool:
    """ "our newsletters", "наших рассылок": "our" right before a mailing (not "our addresses")."""
    mailings = s.with_(C.LIST, C.SMS, C.MARKETING, C.MAIL)  # "our CRM subscription" is a product
    return any(0 < m.index - our.index <= 2 for our in s.with_(C.OUR) for m in mailings)


def _asks_for_them(s: Sentence) -> bool:
    """The sender asks us to stop mailing someone else ("stop sending to him", "не пишите ему"), which
    the owner of that address confirms; "он просит ему не писать" only reports what he asked."""
    return s.has(C.THIRD) and any(w is not None and w.directive and w.positive for w in s.words)


def _offers(s: Sentence, we: Word | None) -> bool:
    """ "we provide", "мы предлагаем", or a first-person plural offer with the pronoun dropped
    ("Продаём базы", "Приводим заявки", "ұсынамыз")."""
    offers = s.with_(C.OFFER)
    if we is not None:
        return any(0 < w.index - we.index <= 3 for w in offers)
    return any(w.text.endswith(_WE_ENDINGS) and w.lang in ("ru", "kk") for w in offers)


_WE_ENDINGS = ("ем", "ём", "им", "мыз", "міз", "быз", "біз")


def _refused(word: Word) -> bool:
    """ "не отписывайте меня", and the sender's own "не отписываюсь", "шықпаймын" (not a past fact such
    as "я не отписывался", nor "ссылка не отписывает", which complains that unsubscribing fails)."""
    if word.neg_kind == PROHIBIT:
        return True
    past = F.PAST | F.PAST_YOU
    return word.neg_kind == STATEMENT and not word.form & past and word.text.endswith(_FIRST_PERSON)


def _names_a_thing(s: Sentence, word: Word) -> bool:
    """ "an opt-out page for our store", "кнопка отписки в наших письмах", a subject "Unsubscribe link":
    a thing, not a request (a subscriber whose link fails says what they want in the text)."""
    i = word.index
    near = s.words[max(0, i - 1) : i + 2]
    if not any(w is not None and C.TOOL in w.concepts for w in near):
        return False
    following = s.words[i + 1] if i + 1 < len(s.words) else None
    if s.where == "subject" and following is not None and C.TOOL in following.concepts:
        return True  # "Unsubscribe link", "Opt-out button": a noun compound, no verb
    return s.has(C.OUR) or not _ARTICLES.isdisjoint(s.texts[max(0, i - 2) : i])


def _fails(s: Sentence, stop: Word) -> bool:
    """ "перестанет работать", "stopped working": the stop verb's complement is working."""
    for j in range(stop.index + 1, min(len(s.words), stop.index + 3)):
        if j in s.breaks:
            return False
        word = s.words[j]
        if word is not None and C.WORKS in word.concepts:
            return True
    return False


def _accidental(s: Sentence, word: Word) -> bool:
    """ "Unsubscribed by accident", "случайно отписалась", "абайсызда шығып кеттім": the accident
    qualifies the nearest predicate of its clause; an imperative ("подписался по ошибке, отпишите")
    is a request whatever happened before."""
    if word.form & F.IMPERATIVE:
        return False
    for accident in s.index[C.ACCIDENT]:
        nearest, distance = None, 99
        for other in s.words:
            if other is None or not other.concepts & _VERBS_AND_UNSUB or other is accident:
                continue
            lo, hi = sorted((other.index, accident.index))
            if any(lo < b <= hi for b in s.breaks):
                continue
            if hi - lo < distance:
                nearest, distance = other, hi - lo
        if nearest is word:
            return True
    return False


def _wants_to_stay(s: Sentence, modal: Word) -> bool:
    """ "I don't want to stop receiving", "шыққым келмейді": the denied wish is to leave."""
    if modal.complement < 0:
        return False
    complement = s.words[modal.complement]
    return complement is not None and bool(complement.concepts & _LEAVING)


def _bound(s: Sentence, head: Word, concepts: frozenset[Concept]) -> list[Word]:
    return [w for w in s.words if w is not None and w.head == head.index and w.concepts & concepts][:2]


def _bare(s: Sentence, extra: frozenset[Concept] = frozenset()) -> bool:
    allowed = _BARE_OK | extra
    return all(w is not None and w.concepts <= allowed for w in s.words)
