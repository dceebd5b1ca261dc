"""The language-independent meanings the lexicons map words to, and the word-form flags.

Rules never look at words: they look at concepts (``REMOVE`` + ``LIST``), so one rule serves Russian,
Kazakh, English and their transliterations alike.
"""

from __future__ import annotations

from typing import Final

Concept = str  # plain strings: they hash in C, and concept sets are built for every word


class C:
    """The concepts a word can carry. One word may carry several (``email`` is MAIL and EMAIL)."""

    # predicates
    UNSUB: Final = "unsub"  # отписаться, unsubscribe, opt out
    SUBSCRIBE: Final = "subscribe"  # подписаться, subscribe, жазылу
    REMOVE: Final = "remove"  # удалить, убрать, исключить, remove, шығару, өшіру
    ERASE: Final = "erase"  # уничтожить, стереть, erase, destroy (implies personal data)
    CLOSE: Final = "close"  # закрыть, close, deactivate (an account)
    EXIT: Final = "exit"  # выйти, leave, шығу (from a list)
    STOP: Final = "stop"  # прекратить, перестать, stop, тоқтату
    SEND: Final = "send"  # присылать, слать, send, жіберу, писать
    RECEIVE: Final = "receive"  # получать, приходить, receive, келу
    CANCEL: Final = "cancel"  # отменить, cancel
    REFUSE: Final = "refuse"  # отказаться, бас тарту
    KEEP: Final = "keep"  # оставить, keep, қалдыру
    RESTORE: Final = "restore"  # вернуть, восстановить, resubscribe
    CHANGE: Final = "change"  # изменить, обновить, исправить, update, өзгерту
    ADD: Final = "add"  # добавить, add, қосу
    ERROR: Final = "error"  # ошибка, неверно, wrong, misspelled, қате
    WITHDRAW: Final = "withdraw"  # отозвать, withdraw, кері қайтару
    PROHIBIT: Final = "prohibit"  # запретить, prohibit, object
    TRANSFER: Final = "transfer"  # передать, share, беру
    HOLD: Final = "hold"  # хранить, иметь, hold, store, сақтау, бар
    KNOW: Final = "know"  # знать, know, білу
    USE: Final = "use"  # использовать, use, пайдалану
    PROCESS: Final = "process"  # обработка, processing, өңдеу
    WANT: Final = "want"  # хочу, want, wish, would like (passes negation on)
    NEED: Final = "need"  # нужно, надо, need, керек (passes negation on)
    CAN: Final = "can"  # могу, can (absorbs negation: "can't unsubscribe" still asks)
    INTEND: Final = "intend"  # ask, intend, собираюсь, намерен (passes negation on: "did not ask to delete")
    # objects
    LIST: Final = "list"  # рассылка, список, mailing list, newsletter, таратылым, тізім
    SUBSCRIPTION: Final = "subscription"  # подписка, subscription, жазылым
    MAIL: Final = "mail"  # письма, e-mails, сообщения, новости, хаттар
    SMS: Final = "sms"  # СМС, SMS, texts
    SPAM: Final = "spam"
    MARKETING: Final = "marketing"  # реклама, акции, marketing, жарнама
    DATA: Final = "data"  # данные, details, information, деректер
    PERSONAL: Final = "personal"  # персональные, личные, personal, дербес, жеке
    PHONE: Final = "phone"
    NUMBER: Final = "number"  # номер, number, нөмір: a phone only in context
    NAME: Final = "name"
    ADDRESS: Final = "address"
    EMAIL: Final = "email"  # an e-mail address as a data item
    BIRTH: Final = "birth"
    REQUISITES: Final = "requisites"  # реквизиты, BIN/IIN, legal name, bank details
    LANGUAGE: Final = "language"
    CONTACT: Final = "contact"
    PASSPORT: Final = "passport"
    POSITION: Final = "position"  # должность, job title, лауазым
    ACCOUNT: Final = "account"  # аккаунт, личный кабинет, profile
    BASE: Final = "base"  # база, database, records, systems, CRM, карточка клиента
    CONSENT: Final = "consent"
    COPY: Final = "copy"  # копия, перечень, copy, көшірме
    ACCESS: Final = "access"  # доступ, access
    ORDER: Final = "order"  # заказ, договор, order, invoice: "номер заказа" is no phone
    THIRD_PARTY: Final = "third_party"  # третьи лица, third parties, үшінші тұлға
    AUDIENCE: Final = "audience"  # customers, subscribers, клиентов, клиенттер: the sender's own audience
    METRIC: Final = "metric"  # rate, процент, пайыз: "unsubscribe rates" is a figure, not a request
    TOOL: Final = "tool"  # page, button, feature, страница, кнопка: "an opt-out page" names a thing
    CARD: Final = "card"  # a payment card: its details are no profile data we hold
    RECORDING: Final = "recording"  # запись, recording, жазба: of a call, it is the caller's data
    CALL: Final = "call"  # звонок, разговор, call, қоңырау
    # question words
    WHAT: Final = "what"
    WHOM: Final = "whom"
    SOURCE: Final = "source"  # откуда, қайдан, sources
    WHERE: Final = "where"
    HOW: Final = "how"
    PURPOSE: Final = "purpose"
    # modifiers, markers
    NEW: Final = "new"
    OLD: Final = "old"
    NOW: Final = "now"  # теперь, now, енді: "my surname is now Brown" (a state newly true)
    INSTEAD: Final = "instead"
    MORE: Final = "more"  # больше, anymore, бұдан былай
    CONTINUE: Final = "continue"  # всё равно, still, keep getting, әлі
    NEVER: Final = "never"
    FED_UP: Final = "fed_up"  # задолбали, сколько можно, sick of
    ME: Final = "me"
    OWN: Final = "own"  # мой, my, менің
    OUR: Final = "our"  # наш, our, біздің
    WE: Final = "we"  # мы, we, біз: the sender's company as the subject
    YOU: Final = "you"  # вас, you, сізді: the reader (us) as an object: "I'll remove you from my list"
    THIRD: Final = "third"  # ему, him, her, оған: someone else the mail speaks for
    OFFER: Final = "offer"  # предлагаем, provide, ұсынамыз: what a sales pitch does after "we"
    THIRD_OWNER: Final = "third_owner"  # клиентов, patients, customers' (someone else's data)
    ABOUT_ME: Final = "about_me"  # обо мне, about me, мен туралы
    PRONOUN: Final = "pronoun"  # его, их, it, them, оларды
    PLEASE: Final = "please"  # прошу, пожалуйста, please, сұраймын, өтінемін
    REQUEST_NOUN: Final = "request_noun"  # request, запрос, заявление, сұрау
    RIGHT: Final = "right"  # right (to erasure), право
    NEG: Final = "neg"  # не, not, never, no
    POSTNEG: Final = "postneg"  # Kazakh жоқ / емес: negates the word before
    UNCHANGED: Final = "unchanged"  # unchanged, без изменений, stays the same
    GREETING: Final = "greeting"  # only weighs less in language detection
    THANKS: Final = "thanks"  # thanks, спасибо, рахмет: "спасибо, номер поменяли" confirms, asks nothing
    SKIP: Final = "skip"  # particles and pronouns that negation passes over
    FROM: Final = "from"  # из, от, from, off
    OFF: Final = "off"  # "take me off", "get off"
    ACCIDENT: Final = "accident"  # случайно, по ошибке, by mistake, абайсызда: an act not meant
    ATTACH: Final = "attach"  # прикладываю, во вложении, attached, тіркедім: a copy the sender gives
    OBTAIN: Final = "obtain"  # взяли, нашли: "где вы взяли мой номер?"
    ALL: Final = "all"  # всё, all, бәрі: a pronoun when nothing follows it in its clause
    CREDENTIALS: Final = "credentials"  # пароль, данные для входа, login: no personal data we hold
    WORKS: Final = "works"  # работать, work, жұмыс: "почта перестанет работать" stops no mailing


PREDICATES: frozenset[Concept] = frozenset(
    {
        C.UNSUB, C.SUBSCRIBE, C.REMOVE, C.ERASE, C.CLOSE, C.EXIT, C.STOP, C.SEND, C.RECEIVE, C.CANCEL,
        C.REFUSE, C.KEEP, C.RESTORE, C.CHANGE, C.ADD, C.WITHDRAW, C.PROHIBIT, C.TRANSFER, C.HOLD, C.KNOW,
        C.USE, C.PROCESS, C.WANT, C.NEED, C.CAN, C.INTEND,
    }
)  # fmt: skip
MODALS: frozenset[Concept] = frozenset({C.WANT, C.NEED, C.INTEND})
DATA_ITEMS: frozenset[Concept] = frozenset(
    {
        C.PHONE,
        C.NAME,
        C.ADDRESS,
        C.EMAIL,
        C.BIRTH,
        C.REQUISITES,
        C.LANGUAGE,
        C.CONTACT,
        C.PASSPORT,
        C.POSITION,
    }
)


class F:
    """What the ending of a word says about its form: bit flags in a plain int."""

    NONE: Final = 0
    IMPERATIVE: Final = 1  # отпишите, remove (sentence-initial), шығарыңыз
    INFINITIVE: Final = 2  # отписаться, to unsubscribe, шығаруды
    PAST: Final = 4  # отписалась, unsubscribed, шықтым
    PAST_YOU: Final = 8  # поменяли, өзгертпедіңіз: what "you" did (or did not do)
    REFLEXIVE: Final = 16  # сменился, изменились: a state, not an act
    NEG_INSIDE: Final = 32  # Kazakh negative stem: жібермеңіз, шығармаңыздар
    DESIRE: Final = 64  # Kazakh -ғым келеді: "I want to"
    CONVERB: Final = 128  # Kazakh шығарып, етіп: an auxiliary verb follows
    POSSESSIVE: Final = 256  # Kazakh нөмірім, деректерімді: "my ..."
    ABLATIVE: Final = 512  # Kazakh таратылымнан: "from ..."
    INDEFINITE: Final = 1024  # откуда-то, какие-то: not a question word
    LOCATIVE: Final = 2048  # Kazakh кабинетте, базада: "in ...", a place, not an object


def words(text: str) -> list[str]:
    """The whitespace-separated words of ``text``: word lists stay readable as blocks of text."""
    return text.split()
