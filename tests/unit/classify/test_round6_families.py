"""Round 6: families left over from corpus-heldout-5's misses, one table each, in the three languages
and several wordings each (this file's own sentences, not the set's mails), with the look-alikes that
must keep their verdict."""

from __future__ import annotations

import pytest

from inboxbot.core.classify import classify
from inboxbot.core.intents import Intent

from .mails import make_mail

U, C, A, OTH = Intent.UNSUBSCRIBE, Intent.DATA_CHANGE, Intent.DATA_ACCESS, Intent.OTHER

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


@pytest.mark.parametrize(
    ("body", "intents"),
    WHAT_I_WILL_NOT_DO + DATA_I_GAVE_YOU + LASTING_REDIRECTS,
)
def test_round6_families(body: str, intents: tuple[Intent, ...]) -> None:
    assert classify(make_mail(body)).intents == intents
