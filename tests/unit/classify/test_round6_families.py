"""Round 6: families left over from corpus-heldout-5's misses, one table each, in the three languages
and several wordings each (this file's own sentences, not the set's mails), with the look-alikes that
must keep their verdict."""

from __future__ import annotations

import pytest

from inboxbot.core.classify import classify
from inboxbot.core.intents import Intent

from .mails import make_mail, make_mail_with_attachment

U, C, D, A, OTH = (
    Intent.UNSUBSCRIBE,
    Intent.DATA_CHANGE,
    Intent.DATA_DELETION,
    Intent.DATA_ACCESS,
    Intent.OTHER,
)

Row = tuple[str, tuple[Intent, ...]]

# What the sender will not do ("я больше не буду писать") is a statement, not a prohibition: a sales
# pitch's "reply no and I won't write again" asks nothing; a refused sending still asks.
WHAT_I_WILL_NOT_DO: list[Row] = [
    ("Если вам это неинтересно, ответьте «нет», и я больше не буду писать.", (OTH,)),
    ("Мы больше не будем присылать вам бумажные акты, только электронные через ЭДО.", (OTH,)),
    ("Напишите, если неактуально, — больше не буду беспокоить письмами.", (OTH,)),
    ("Just reply 'no' and I won't email you again.", (OTH,)),
    ("Егер қызықты болмаса, жауап жазыңыз, мен сізге қайтып жазбаймын.", (OTH,)),
    # look-alikes that still ask
    ("Я прошу больше не присылать мне вашу рассылку.", (U,)),
    ("Больше не присылайте мне писем, я их всё равно не буду читать.", (U,)),
    ("Я больше не буду читать ваши письма, отпишите меня.", (U,)),
]

# The sender's data named by what they did with it, not by "my": "the number I gave you".
DATA_I_GAVE_YOU: list[Row] = [
    ("How exactly do you use the phone number and email I gave you?", (A,)),
    ("How do you use the address I gave you at registration?", (A,)),
    ("Как вы используете номер телефона, который я вам дал при регистрации?", (A,)),
    ("Мен сізге берген телефон нөмірін қалай пайдаланасыздар?", (A,)),
    # look-alikes: data given, nothing asked about it
    ("Я вам дал номер телефона, перезвоните мне, пожалуйста.", (OTH,)),
    ("I gave you my number last week, but nobody called me back about the invoice.", (OTH,)),
]

# Where mail is to go from now on ("впредь", "from now on", "бұдан былай") is a change of address, even
# for invoices and contracts; where one order's papers go is not.
LASTING_REDIRECTS: list[Row] = [
    ("Счета впредь присылайте, пожалуйста, на buh@kazsu.example.", (C,)),
    ("From now on please send the invoices to accounts@kazsu.example.", (C,)),
    ("Шоттарды бұдан былай buh@kazsu.example поштасына жіберіңіздер.", (C,)),
    ("Хаттарды бұдан былай мына мекенжайға жіберіңіз: aigul@mail.example", (C,)),
    ("Документы по договору шлите на рабочий адрес d.omarov@firm.example, а не на личный.", (C,)),
    # look-alikes: one order's papers
    ("Пришлите, пожалуйста, счёт по заказу 4471 на buh@kazsu.example.", (OTH,)),
    ("Please send the invoice for order 4471 to accounts@kazsu.example.", (OTH,)),
]


# After corpus-heldout-6's first run (its misses, as families; these are new sentences).

# "Stop them" after a sentence naming our SMS or newsletters.
STOP_THEM: list[Row] = [
    ("Маған күнде жарнамалық SMS келеді. Оларды тоқтатыңыздаршы.", (U,)),
    ("Жарнамалық хаттарыңыз күн сайын келеді. Соларды тоқтатыңыз.", (U,)),
    ("Your promo texts arrive every morning. Please stop them.", (U,)),
]

# A pitch's opt-out line ("reply 'unsubscribe'") is an instruction to the reader, not a request.
REPLY_TO_OPT_OUT: list[Row] = [
    ("If it's not relevant, simply reply 'unsubscribe' and I'll stop reaching out.", (OTH,)),
    ("Неактуально — ответьте «отписаться», больше не побеспокою.", (OTH,)),
    ("Ответьте, пожалуйста, как отписаться от вашей рассылки?", (U,)),
]

# Keeping some mail is leaving the rest; staying a customer is no wish for newsletters.
KEEP_ONLY: list[Row] = [
    ("Оставьте, пожалуйста, только уведомления о счетах, а рекламу больше не присылайте.", (U,)),
    ("Keep only the billing notices, and stop sending me promotional newsletters.", (U,)),
    ("Тек шот туралы хабарламаларды қалдырыңыз, жарнамалық хаттарды жібермеңіздер.", (U,)),
    ("I'd like to stay a client, but no more newsletters please.", (U,)),
    ("Please switch off the promotional e-mails and keep only the service notices.", (U,)),
    ("Оставьте меня в рассылке, пожалуйста, я не просил отписывать.", (OTH,)),
]

# A pronoun after a sentence naming our SMS stands for the SMS, not for the phone number in it; a
# subscription switched off in the account ("кабинетте") is the subscription, not the account.
MAILINGS_NOT_DATA: list[Row] = [
    ("На мой номер +7 701 000 22 33 приходят рекламные смс. Как их отключить?", (U,)),
    ("Кабинетте жазылымды өшіретін жерді таба алмадым, жарнама керек емес.", (U,)),
]

# A copy of the sender's document to destroy is a deletion, not a request for a copy.
COPIES_TO_DESTROY: list[Row] = [
    ("Прошу уничтожить копию моего удостоверения, которую я присылал для договора.", (D,)),
    ("Please delete the copy of my passport that you hold.", (D,)),
    ("Жеке куәлігімнің көшірмесін жойыңыздар.", (D,)),
    ("Пришлите копию моих данных, а потом удалите их.", (A, D)),
]

# A new value written after the sentence that named its item ("этот номер не мой. новый 8701...").
NEW_VALUE_NEXT_DOOR: list[Row] = [
    ("Тот телефон больше не мой. Новый: 8 701 222 33 44.", (C,)),
    ("My old mobile is gone. New one is +7 702 333 44 55.", (C,)),
    ("Бұрынғы нөмірім жоқ. Жаңасы: 87011234567", (C,)),
    ("Мы открыли новый офис! Звоните +7 727 000 00 00, ждём вас.", (OTH,)),
]

# Slang for deleting ("снесите", "грохните"); a database of the product (named, test, demo) is no
# personal data.
SLANG_AND_PRODUCT_DATABASES: list[Row] = [
    ("Грохните мой аккаунт, он мне больше не нужен.", (D,)),
    ("снесите мой профиль и все данные", (D,)),
    ("Мы снесли старый сервер, нужна помощь с переносом.", (OTH,)),
    ("Удалите, пожалуйста, с сервера демо-базу «Склад_тест», она больше не нужна.", (OTH,)),
    ("Please delete the test database «Sales_copy» from our cloud.", (OTH,)),
    ("Удалите меня из вашей базы.", (D,)),
]

# A new address written out after its item and a colon or dash ("Новый юридический адрес: г. Алматы").
NEW_ADDRESS_WRITTEN_OUT: list[Row] = [
    ("Мы переехали. Новый юридический и фактический адрес: г. Алматы, ул. Абая 10, офис 5.", (C,)),
    ("New billing address: 12 Baker Street, Almaty.", (C,)),
    ("Жаңа заңды мекенжайымыз: Астана қ., Мәңгілік Ел 55.", (C,)),
    ("Какой у вас новый адрес офиса?", (OTH,)),
]

AFTER_THE_FIRST_RUN = (
    STOP_THEM
    + REPLY_TO_OPT_OUT
    + KEEP_ONLY
    + MAILINGS_NOT_DATA
    + COPIES_TO_DESTROY
    + NEW_VALUE_NEXT_DOOR
    + SLANG_AND_PRODUCT_DATABASES
    + NEW_ADDRESS_WRITTEN_OUT
)


@pytest.mark.parametrize(
    ("body", "intents"),
    WHAT_I_WILL_NOT_DO + DATA_I_GAVE_YOU + LASTING_REDIRECTS + AFTER_THE_FIRST_RUN,
)
def test_round6_families(body: str, intents: tuple[Intent, ...]) -> None:
    assert classify(make_mail(body)).intents == intents


# A bill with a deadline and a threat, carried by an attachment or a link, is phishing: never answered.
# A client writing about their own bill ("I paid ..., please don't suspend") is a person.
PAY_OR_ELSE: list[tuple[str, bool]] = [
    (
        "Dear customer, your invoice INV-20931 is overdue. Please review the attached document and make"
        " the payment today to avoid service suspension.",
        True,
    ),
    ("Уважаемый клиент! Счёт № 5512 просрочен. Оплатите его сегодня во избежание отключения услуг.", True),
    ("Құрметті клиент! Шотыңыздың мерзімі өтті. Бүгін төлеңіз, болмаса қызмет тоқтатылады.", True),
    ("Здравствуйте! Я оплатил счёт № 5512 вчера, платёжку прикладываю. Не отключайте нам услуги.", False),
    ("Hi, we paid the overdue invoice today, receipt attached - please don't suspend our service.", False),
]


@pytest.mark.parametrize(("body", "phishing"), PAY_OR_ELSE)
def test_a_bill_with_a_threat_is_phishing_and_a_client_about_their_bill_is_not(
    body: str, phishing: bool
) -> None:
    result = classify(make_mail_with_attachment(body, "invoice.pdf"))
    assert (result.intents == (Intent.AUTOMATED,)) is phishing
    assert any(e.rule == "phishing_pay_or_else" for e in result.evidence) is phishing
