"""Kazakh word families (roots; Kazakh is agglutinative, so a root is always the start of the word
and :mod:`.morphology` reads the suffix chain after it: negation -ма/-ме/-ба/-бе/-па/-пе, imperative
-ңыз/-ңдар/-шы, past -ды/-ді, desire -ғым келеді, ablative -нан/-нен...). Russian loan words written
with Kazakh suffixes ("рассылкаларыңыздан", "удалить етіп") are matched by the Russian lexicon.
"""

from __future__ import annotations

from .concepts import C, Concept, words

FAMILIES: dict[Concept, str] = {
    C.SUBSCRIBE: "жазыл*",
    C.SUBSCRIPTION: "жазылым*",
    C.REMOVE: "шығар* таста* өшір* жой* жою*",
    C.CLOSE: "жаб* жабыңыз*",
    C.EXIT: "шық* шығ* шығу*",
    C.STOP: "тоқтат* тоқта* доғар* жетер жетеді",
    C.SEND: "жібер* жолда* жаз*",
    C.RECEIVE: "кел* түс*",
    C.KEEP: "қалдыр*",
    C.CHANGE: "өзгерт* өзгер* ауыстыр* жаңарт* түзет* түзе* алмастыр*",
    C.ADD: "қос* енгіз*",
    C.ERROR: "қате*",
    C.WITHDRAW: "кері",
    C.PROHIBIT: "тыйым*",
    C.TRANSFER: "бер* тарат*",
    C.HOLD: "сақта* сақтал* бар",
    C.KNOW: "біл*",
    C.USE: "пайдалан* қолдан*",
    C.PROCESS: "өңде*",
    C.WANT: "қалаймын қалаймыз қаламаймын қаламаймыз",
    C.NEED: "керек* қажет*",
    C.LIST: "таратылым* тарату тізім* жазылым*",
    C.MAIL: "хат* хабарлама* хабарлам* жаңалық* пошта* хатт*",
    C.MARKETING: "жарнама* жарнамалық*",
    C.DATA: "дерек* мәлімет* ақпарат*",
    C.PERSONAL: "дербес* жеке*",
    C.PHONE: "ұялы",
    C.NUMBER: "нөмір* нөмер*",
    C.NAME: "есім* тег* аты атым атымды атымыз жөні атау*",
    C.ADDRESS: "мекенжай* мекен*",
    C.EMAIL: "пошта*",
    C.BIRTH: "туған туылған",
    C.REQUISITES: "деректеме* бсн жсн банк*",
    C.LANGUAGE: "тіл* қазақша орысша ағылшынша",
    C.CONTACT: "байланыс*",
    C.ACCOUNT: "тіркелгі* кабинет*",
    C.BASE: "база* жүйе* тізілім*",
    C.CONSENT: "келісім* рұқсат*",
    C.COPY: "көшірме* тізім*",
    C.ORDER: "тапсырыс* шарт* өтінім*",
    C.WHAT: "қандай не",
    C.WHOM: "кімге кімдерге кім",
    C.SOURCE: "қайдан",
    C.WHERE: "қайда",
    C.HOW: "қалай",
    C.PURPOSE: "мақсат*",
    C.NEW: "жаңа*",
    C.OLD: "ескі* бұрынғы*",
    C.INSTEAD: "орнына",
    C.MORE: "енді былай",
    C.CONTINUE: "әлі тағы үнемі күнде",
    C.NEVER: "ешқашан",
    C.ME: "мені маған менен",
    C.OWN: "менің өзімнің",
    C.OUR: "біздің",
    C.THIRD_OWNER: "клиенттер* пациент* қызметкерлер*",
    C.PRONOUN: "оны оларды олардың олар оларға",
    C.PLEASE: "өтінемін өтінеміз өтінем сұраймын сұраймыз сұрайм* айтып айтыңыз* хабарлаңыз* түсіндіріңіз*",
    C.REQUEST_NOUN: "сұрау* өтініш*",
    C.POSTNEG: "жоқ* емес*",
    C.GREETING: "сәлеметсіз сәлеметсіздер сәлем салем салеметсиз салеметсіз рахмет қайырлы құрметті "
    "құрметпен",
    C.SKIP: "маған мені сіз сіздер сіздің бұдан енді тек тағы ғой ғана әрі да де та те ма ме ба бе па пе "
    "мен бұл осы барлық",
}

BLOCKED = words(
    """
    хатшы* тегін* келесі* келтір* тілек* байланысты қоса қосымша* шығыс* шығын* қала қаласы*
    қаласындағы* берік* беріп жетекші*
    """
)
