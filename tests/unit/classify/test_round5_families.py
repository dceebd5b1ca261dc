"""Round 5: the failure families issue 13 reports from mail the team has not seen, one table each, in
the three languages and several wordings each (the wordings are this file's own, not the hidden sets').

Two kinds of family: mail that talks about unsubscribing or removal without asking us to stop mailing
the sender (it must not unsubscribe anyone), and plain short requests that came out as ``other``."""

from __future__ import annotations

import pytest

from inboxbot.core.classify import classify
from inboxbot.core.intents import Intent

from .mails import make_mail

U, C, D, A, OTH = (
    Intent.UNSUBSCRIBE,
    Intent.DATA_CHANGE,
    Intent.DATA_DELETION,
    Intent.DATA_ACCESS,
    Intent.OTHER,
)

Row = tuple[str, str, tuple[Intent, ...]]  # subject, body, intents

# Customers of the product asking how to handle unsubscribes in THEIR campaigns, or how to remove
# THEIR customers from a list: a question about the product, not a request to stop mailing them.
THEIR_OWN_CAMPAIGNS: list[Row] = [
    (
        "Рассылки в CRM",
        "Подскажите, как в вашей CRM добавить ссылку «Отписаться» в шаблон письма для наших клиентов?",
        (OTH,),
    ),
    (
        "Вопрос по рассылкам",
        "Как удалить клиента из сегмента рассылки в личном кабинете? Он просит больше ему не писать.",
        (OTH,),
    ),
    (
        "",
        "Наши подписчики жалуются, что не могут отписаться от нашей рассылки, которую мы отправляем через ваш сервис. Что делать?",
        (OTH,),
    ),
    (
        "Unsubscribe link",
        "How do I add an unsubscribe link to the campaigns we send to our customers from your platform?",
        (OTH,),
    ),
    (
        "Question",
        "One of our subscribers asked to be removed from our mailing list. How can I remove him in the dashboard?",
        (OTH,),
    ),
    (
        "",
        "Our clients can't unsubscribe from our newsletters sent through your SMS gateway. Please fix the opt-out link.",
        (OTH,),
    ),
    (
        "Таратылым",
        "Біздің клиенттеріміз үшін хатқа «Жазылымнан бас тарту» сілтемесін қалай қосуға болады?",
        (OTH,),
    ),
    ("", "Жүйеде клиентті таратылым тізімінен қалай өшіремін? Ол бізден хат алғысы келмейді.", (OTH,)),
]

# Sales pitches whose product is mailing, SMS or leads, or that offer "reply no and I won't write".
SALES_PITCHES: list[Row] = [
    (
        "Email-рассылки для вашего бизнеса",
        "Добрый день! Мы настраиваем email-рассылки под ключ: базы, шаблоны, автоматическая отписка. Если неинтересно, просто ответьте «нет», и я больше не напишу.",
        (OTH,),
    ),
    (
        "SMS-маркетинг",
        "Предлагаем SMS-рассылки по базе Казахстана от 3 тенге. Если не актуально, напишите «отписаться» — исключу вас из нашего списка.",
        (OTH,),
    ),
    (
        "Quick question",
        "Hi, we help IT companies grow with cold email outreach and lead lists. Worth a chat? If not, reply 'no' and I won't follow up.",
        (OTH,),
    ),
    (
        "Partnership",
        "We provide a bulk SMS and newsletter platform with one-click unsubscribe built in. Not interested? Just let me know and I'll remove you from my list.",
        (OTH,),
    ),
    (
        "Ұсыныс",
        "Сәлеметсіз бе! Біз бизнеске арналған SMS-таратылым қызметін ұсынамыз. Қызықты болмаса, «жоқ» деп жауап беріңіз, басқа жазбаймын.",
        (OTH,),
    ),
]

# Senders who say they do NOT want to be unsubscribed.
KEEP_ME: list[Row] = [
    ("", "Пожалуйста, не отписывайте меня от рассылки, я просто сменил телефон: +7 701 555 44 33.", (C,)),
    ("Рассылка", "Я не хочу отписываться, мне нравятся ваши новости. Просто пишите реже.", (OTH,)),
    (
        "",
        "I do not want to unsubscribe — I love the newsletter. Just fix my name: it is Dana, not Dina.",
        (C,),
    ),
    ("Newsletter", "Please don't remove me from the mailing list, I still want the updates.", (OTH,)),
    ("", "Мені таратылымнан шығармаңыз, жаңалықтарыңыз маған ұнайды.", (OTH,)),
]

# Plain short requests that came out as "other".
SHORT_REQUESTS: list[Row] = [
    ("", "Delete everything you hold about me.", (D,)),
    ("", "Удалите всё, что у вас есть обо мне.", (D,)),
    ("", "Менің туралы барлық деректерді жойыңыз.", (D,)),
    ("", "Вычистите меня отовсюду.", (D,)),
    ("", "Wipe me from all your systems.", (D,)),
    ("", "Этот номер больше не мой, запишите вместо него +7 705 123 45 67.", (C,)),
    ("", "This number is no longer mine, please put +7 701 222 33 44 instead.", (C,)),
    ("", "Бұл нөмір енді менікі емес, орнына +7 707 111 00 99 жазыңыз.", (C,)),
    (
        "Смена директора",
        "Сообщаем, что у ТОО «Альфа Сервис» сменился директор: теперь это Ахметов Руслан Маратович.",
        (C,),
    ),
    (
        "Change of director",
        "Please note that our company's director has changed. The new director is Anna Lee.",
        (C,),
    ),
    ("", "Шлите мне всё на рабочую почту d.sultan@alfa.kz вместо личной.", (C,)),
    ("", "Please send everything to my work address j.doe@acme.kz instead of my personal one.", (C,)),
    ("", "Удалите мой номер, я вам его никогда не давал.", (D,)),
    ("", "Remove my phone number, I never gave it to you.", (D,)),
    ("", "Я вышла замуж, теперь моя фамилия Серикова.", (C,)),
    ("", "I got married, my surname is now Brown.", (C,)),
    ("", "Тұрмысқа шықтым, енді тегім Омарова.", (C,)),
]

# Phrasal verbs split by their object, however long the object is: a number, two addresses.
SPLIT_PHRASALS: list[Row] = [
    ("SMS", "Please opt my number +7 701 884 20 15 out of your promotional texts.", (U,)),
    ("", "Could you opt both of my addresses out?", (U,)),
    ("", "Please take my work e-mail address off your list.", (U,)),
    ("", "I opted out of the survey, but the newsletter is fine, thanks.", (OTH,)),
]

# Mail redirected by contrast: one address given, the other denied ("not to my personal one").
CONTRASTED_ADDRESSES: list[Row] = [
    ("", "Пишите мне, пожалуйста, на рабочий адрес a.serikova@kazlogistic.kz, а не на личный.", (C,)),
    ("", "Хаттарды жеке поштама емес, жұмыс поштама жіберіңіздер: a.nurova@kazagro-finance.kz.", (C,)),
    ("", "Send your newsletter to my work address j@acme.kz, not my personal one.", (C,)),
    ("", "Пишите на адрес info@acme.kz, не стесняйтесь.", (OTH,)),
    ("", "Send the invoice to buh@acme.kz, not to me personally.", (OTH,)),
]

# Refusing or leaving the reader's own letters is leaving its mailing; a supplier's letters are not ours.
REFUSING_YOUR_MAIL: list[Row] = [
    ("", "Как отказаться от ваших писем? Внизу ссылку не нашёл.", (U,)),
    ("", "Хаттарыңыздан қалай шығуға болады?", (U,)),
    ("", "I would like to refuse your e-mails from now on.", (U,)),
    ("", "Хочу отказаться от писем поставщика, подскажите, как настроить фильтр в вашей почте?", (OTH,)),
]

# Mail refused at the old address is explained by a change of address; refused at both, it is refused.
BOTH_ADDRESSES: list[Row] = [
    (
        "Смена почты",
        "Пишите теперь на a@b.kz вместо c@d.kz. Рассылку не присылайте ни на старый, ни на новый.",
        (C, U),
    ),
    (
        "Смена почты",
        "Пишите теперь на a@b.kz вместо c@d.kz. На старый адрес больше ничего не присылайте.",
        (C,),
    ),
    (
        "New e-mail",
        "Use a@b.kz instead of c@d.kz. Do not send newsletters to the old address or the new one.",
        (C, U),
    ),
]

FAMILIES = {
    "split_phrasals": SPLIT_PHRASALS,
    "both_addresses": BOTH_ADDRESSES,
    "refusing_your_mail": REFUSING_YOUR_MAIL,
    "contrasted_addresses": CONTRASTED_ADDRESSES,
    "their_own_campaigns": THEIR_OWN_CAMPAIGNS,
    "sales_pitches": SALES_PITCHES,
    "keep_me": KEEP_ME,
    "short_requests": SHORT_REQUESTS,
}


@pytest.mark.parametrize(
    ("subject", "body", "expected"),
    [row for rows in FAMILIES.values() for row in rows],
    ids=[f"{name}-{i}" for name, rows in FAMILIES.items() for i in range(len(rows))],
)
def test_round5_family(subject: str, body: str, expected: tuple[Intent, ...]) -> None:
    assert classify(make_mail(body, subject)).intents == expected


NEWS_QUOTE_RU = (
    "\n\n23 нояб. 2026 г., в 10:00, ONETEXNO <hello@1texno.kz>:\n> ONETEXNO | Новости ноября\n>\n"
    "> Новые тарифы облачного хранилища.\n> Отписаться: https://www.1texno.com/unsubscribe?u=5c1e"
)

# Robots without robot headers: auto-responders, another help desk registering our newsletter as its
# request, invitations sent in bulk. And people whose words look like them.
ROBOTS: list[Row] = [
    (
        "Re: ONETEXNO | Новости ноября",
        "Спасибо за ваше письмо! Мы ответим вам в течение двух рабочих дней." + NEWS_QUOTE_RU,
        (Intent.AUTOMATED,),
    ),
    (
        "Re: ONETEXNO | November news",
        "Thank you for your email. We will get back to you as soon as possible.",
        (Intent.AUTOMATED,),
    ),
    (
        "Re: ONETEXNO | Қараша жаңалықтары",
        "Хатыңызға рахмет! Жақын арада жауап береміз.",
        (Intent.AUTOMATED,),
    ),
    (
        "Ваше обращение зарегистрировано",
        "Здравствуйте! Ваше обращение № 48213 зарегистрировано. Специалист свяжется с вами." + NEWS_QUOTE_RU,
        (Intent.AUTOMATED,),
    ),
    (
        "[Ticket #5521] Re: November news",
        "Your request #5521 has been received and is being reviewed by our support team."
        + NEWS_QUOTE_RU.replace("> ", "> "),
        (Intent.AUTOMATED,),
    ),
    (
        "Вебинар 10 декабря",
        "Приглашаем вас на бесплатный вебинар «Облака для бизнеса». Регистрация по ссылке: https://event.example/reg\n\nВы получили это письмо, так как подписаны на рассылку. Чтобы отписаться, нажмите здесь.",
        (Intent.AUTOMATED,),
    ),
    (
        "You're invited",
        "You're invited to our live webinar on data security. Register now: https://event.example\n\nYou are receiving this email because you subscribed. To unsubscribe, click here.",
        (Intent.AUTOMATED,),
    ),
]
PEOPLE_LIKE_ROBOTS: list[Row] = [
    ("", "Спасибо за ваше письмо! Но отпишите меня, пожалуйста, от рассылки.", (U,)),
    (
        "Re: Ваше обращение HB-2026-000123",
        "Ваше обращение № HB-2026-000123 так и не решено, номер телефона по-прежнему старый.",
        (OTH,),
    ),
    (
        "",
        "Приглашаем вас к нам в офис на встречу, регистрация не нужна. Заодно обновите мой телефон: +7 701 222 33 44.",
        (C,),
    ),
]
FAMILIES["robots"] = ROBOTS
FAMILIES["people_like_robots"] = PEOPLE_LIKE_ROBOTS


@pytest.mark.parametrize(
    ("subject", "body", "expected"),
    [row for rows in (ROBOTS, PEOPLE_LIKE_ROBOTS) for row in rows],
    ids=[
        f"{name}-{i}"
        for name, rows in (("robots", ROBOTS), ("people", PEOPLE_LIKE_ROBOTS))
        for i in range(len(rows))
    ],
)
def test_round5_robot_family(subject: str, body: str, expected: tuple[Intent, ...]) -> None:
    headers = {"In-Reply-To": "<news.1@1texno.kz>"} if subject.startswith(("Re:", "[Ticket")) else {}
    assert classify(make_mail(body, subject, headers=headers)).intents == expected
