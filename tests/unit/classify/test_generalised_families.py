"""The failure families found by the independent blind set (tests/data/corpus-blind), one table each,
worded differently from the blind mails: each row exercises the mechanism, not a sentence."""

from __future__ import annotations

import pytest

from inboxbot.core.classify import classify
from inboxbot.core.classify.script import skeleton
from inboxbot.core.intents import Intent

from .mails import make_mail

U, C, D, A, OTH, X = (
    Intent.UNSUBSCRIBE,
    Intent.DATA_CHANGE,
    Intent.DATA_DELETION,
    Intent.DATA_ACCESS,
    Intent.OTHER,
    Intent.AUTOMATED,
)

Row = tuple[str, tuple[Intent, ...]]

NEWS_QUOTE = (
    "\n\n> ONETEXNO | Қараша жаңалықтары\n>\n> Бұлттық сақтаудың жаңа тарифтері.\n"
    "> Таратылымнан бас тарту үшін «Жазылымнан шығу» түймесін басыңыз."
)


def _intents(body: str, subject: str = "") -> tuple[Intent, ...]:
    return classify(make_mail(body, subject)).intents


WISHED_RESULTS: list[Row] = [
    ("I want my profile closed and every trace of my data erased.", (D,)),
    ("I'd like all my personal details removed from your systems.", (D,)),
    ("I need my account deleted before the end of the month.", (D,)),
    ("Please have my account deleted.", (D,)),
    ("I would appreciate it if my data were destroyed.", (D,)),
    ("Хочу, чтобы вы удалили мой профиль.", (D,)),
    ("Мне нужно, чтобы вы закрыли мой личный кабинет.", (D,)),
    ("Хотелось бы, чтобы мои данные были стёрты.", (D,)),
    ("I need the postal address corrected to 5 Abay Ave.", (C,)),
    ("You changed my surname last week, thanks.", (OTH,)),
    ("I wanted my account deleted last year, but then I changed my mind.", (OTH,)),
]

LANGUAGE_PREFERENCE: list[Row] = [
    ("Could you email me in Kazakh rather than Russian from now on?", (C,)),
    ("Would it be possible to get your letters in English?", (C,)),
    ("Можно ли получать ваши письма на английском?", (C,)),
    ("Общайтесь со мной по-казахски, пожалуйста, на казахском языке.", (C,)),
    ("Хабарламаларды маған ағылшын тілінде жіберіңіз.", (C,)),
    ("Do you have the user manual in Kazakh?", (OTH,)),
]

NEGATED_AND_PROHIBITED: list[Row] = [
    ("I did not ask you to delete my account. Only my phone number should change: +7 701 111 22 33.", (C,)),
    ("I never asked for my profile to be removed.", (OTH,)),
    ("I have no intention of deleting my account, I just cannot log in.", (OTH,)),
    ("I'm not asking to be unsubscribed, the letters just arrive twice.", (OTH,)),
    ("I don't want to stop getting your newsletter, but it goes to spam.", (OTH,)),
    ("Удалять ничего не надо, поменяйте только адрес: Алматы, Абая 10.", (C,)),
    ("Отписываться я не собираюсь, просто письма приходят без картинок.", (OTH,)),
    ("Не вздумайте удалять мой аккаунт!", (OTH,)),
    ("Деректерімді өшірудің қажеті жоқ, тек тарифті айтыңыз.", (OTH,)),
    ("Таратылымнан шыққым келмейді, бірақ хаттар спамға түседі.", (OTH,)),
    ("Жазылымнан шықпаймын, хаттар екі реттен келеді.", (OTH,)),
    ("Таратылымнан шыға алмай жатырмын, сілтеме ашылмайды.", (U,)),
    ("Please make sure nothing gets deleted.", (OTH,)),
    ("Я не отписываюсь, просто письма приходят дважды.", (OTH,)),
    ("Ссылка «Отписаться» не отписывает, письма всё равно приходят.", (U,)),
    ("I don't want to receive your newsletter any more.", (U,)),
]

UNSUBSCRIBING_AS_A_TOPIC: list[Row] = [
    ("We help shops halve their unsubscribe rates. Interested in a demo?", (OTH,)),
    ("Can your API report unsubscribe events from our subscribers?", (OTH,)),
    ("We are building an opt-out page for our web shop.", (OTH,)),
    ("Снизим процент отписок в ваших рассылках вдвое.", (OTH,)),
    ("Как настроить отписку клиентов от нашей рассылки в вашей CRM?", (OTH,)),
    ("Клиенттеріміз жазылымнан қалай бас тарта алады?", (OTH,)),
    ("I'm one of your subscribers: unsubscribe me, please.", (U,)),
    ("The unsubscribe link in your letter is broken, please remove me manually.", (U,)),
]

NOT_PERSONAL_DATA: list[Row] = [
    ("Does your Data Cleaner remove duplicate contacts from Salesforce?", (OTH,)),
    ("Is there a way to erase the test records in the sandbox CRM?", (OTH,)),
    ("Удалите, пожалуйста, из личного кабинета ошибочный счёт № 77.", (OTH,)),
    ("Удалите из заказа позицию «Настройка CRM».", (OTH,)),
    ("Тапсырысымнан бір тауарды алып тастаңызшы.", (OTH,)),
    ("Удалите меня из вашей базы данных.", (D,)),
    ("Please delete my personal data from your database.", (D,)),
    ("Got a text saying 'confirm your IIN to avoid account closure', is it you?", (OTH,)),
]

MAIL_AT_THE_WRONG_ADDRESS: list[Row] = [
    ("Your letters keep coming to my old office mailbox. Please send them to a.b@gmail.com.", (C,)),
    ("Письма всё ещё приходят на мой прежний адрес, присылайте их на new@mail.kz.", (C,)),
    ("Хаттарыңыз әлі ескі поштама келіп жатыр, жаңа мекенжайым: erlan@mail.kz.", (C,)),
    ("Your newsletters still go to my work address. Could you send them to me@gmail.com from now on?", (C,)),
    ("I unsubscribed, but your emails still keep coming.", (U,)),
]

SUBSCRIPTION_REQUESTS: list[Row] = [
    ("Please add my colleague dana@firm.kz to your mailing list.", (OTH,)),
    ("Включите мой адрес a@b.kz в список рассылки.", (OTH,)),
    ("Мына поштаны таратылым тізіміне қосыңызшы: a@b.kz", (OTH,)),
    ("Please add my new e-mail to the mailing list instead of the old one: new@b.kz", (C,)),
]

REPORTED_DEMANDS: list[Row] = [
    ("I received an email saying 'update your personal data within 24 hours'. Is it yours?", (OTH,)),
    ("Someone texted me claiming to be you and asking me to update my card details.", (OTH,)),
    ("Мне пришло письмо якобы от вас с просьбой «обновить паспортные данные». Это вы?", (OTH,)),
    ("Получил SMS «удалите аккаунт, иначе спишем деньги». Это мошенники?", (OTH,)),
    ("«Деректеріңізді жаңартыңыз» деген хат келді. Бұл сіздер ме?", (OTH,)),
    ("I clicked «Unsubscribe» in your letter, but I still get the newsletter.", (U,)),
]

FORMAL_APPLICATIONS: list[Row] = [
    ("ЗАЯВЛЕНИЕ\n\nПрошу исключить мой электронный адрес из списков информационных рассылок.", (U,)),
    ("ӨТІНІШ\n\nМенің пошта мекенжайымды ақпараттық таратылым тізімінен шығаруыңызды сұраймын.", (U,)),
    ("I hereby request that my e-mail address be removed from all your distribution lists.", (U,)),
    ("ЗАЯВЛЕНИЕ\n\nПрошу удалить мои персональные данные из вашей базы.", (D,)),
]

CONSENT_SCOPE: list[Row] = [
    ("Отзываю согласие на получение рекламных рассылок. Аккаунт оставьте.", (U,)),
    ("I revoke my consent to receive marketing e-mails.", (U,)),
    ("Жарнамалық хабарламалар алуға берген келісімімді кері қайтарып аламын.", (U,)),
    ("Отзываю согласие на обработку персональных данных.", (D,)),
    ("I withdraw my consent.", (D,)),
    ("Отзываю согласие на обработку персональных данных и согласие на получение рассылок.", (D, U)),
]

SEQUENCED_REQUESTS: list[Row] = [
    ("First tell me what data you keep about me, then delete it.", (A, D)),
    ("Step 1: send me a copy of my data. Step 2: erase it all.", (A, D)),
    ("Для начала пришлите, какие данные обо мне у вас есть, после этого удалите их.", (A, D)),
    ("Алдымен мен туралы қандай мәліметтер бар екенін айтыңыз, содан кейін бәрін өшіріңіз.", (A, D)),
    ("Требую уничтожить всё, что вы обо мне храните.", (D,)),
]

LATIN_KAZAKH: list[Row] = [
    ("Menıñ derekterımdı öşırıñızşı.", (D,)),
    ("Akkauntymdy jabuyñyzdy sūraimyn.", (D,)),
    ("Maǵan jarnama jibermeńiz.", (U,)),
    ("akkauntymdy zhoyyp zhiberiniz", (D,)),
    ("Telefon nömırımdı auystyryñyz: +7 701 555 12 12", (C,)),
]

THANKS_FOR_DONE: list[Row] = [
    ("Thanks for removing me from the list so quickly!", (OTH,)),
    ("Спасибо, номер поменяли, всё работает.", (OTH,)),
    ("Рахмет, аккаунтым жабылды.", (OTH,)),
    ("Thanks. Please also remove my phone number from my profile.", (D,)),
]

FAMILIES = {
    "wished": WISHED_RESULTS,
    "language": LANGUAGE_PREFERENCE,
    "negated": NEGATED_AND_PROHIBITED,
    "topic": UNSUBSCRIBING_AS_A_TOPIC,
    "not-personal": NOT_PERSONAL_DATA,
    "wrong-address": MAIL_AT_THE_WRONG_ADDRESS,
    "subscribe": SUBSCRIPTION_REQUESTS,
    "reported": REPORTED_DEMANDS,
    "formal": FORMAL_APPLICATIONS,
    "consent": CONSENT_SCOPE,
    "sequenced": SEQUENCED_REQUESTS,
    "latin-kk": LATIN_KAZAKH,
    "thanks": THANKS_FOR_DONE,
}
CASES = [(family, body, intents) for family, rows in FAMILIES.items() for body, intents in rows]
IDS = [f"{family}-{i}" for family, rows in FAMILIES.items() for i in range(len(rows))]


@pytest.mark.parametrize(("family", "body", "intents"), CASES, ids=IDS)
def test_family_row_gets_its_intents(family: str, body: str, intents: tuple[Intent, ...]) -> None:
    assert _intents(body) == intents, family


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (
            "Re: ONETEXNO | Қараша жаңалықтары",
            "Мен 10 желтоқсанға дейін іссапардамын. Оралған соң жауап беремін.",
        ),
        ("Re: ONETEXNO | Қараша жаңалықтары", "Еңбек демалысындамын. Жұмысқа қайтып келгенде хабарласамын."),
        (
            "Re: ONETEXNO | Новости ноября",
            "Я на больничном до 4 декабря. По срочным вопросам: +7 727 000 11 22.",
        ),
        ("Re: ONETEXNO | November news", "I'm out travelling and will get back to you after 2 December."),
        (
            "Re: ONETEXNO | November news",
            "I'm on parental leave. For anything urgent please call +7 701 000 0000.",
        ),
    ],
)
def test_out_of_office_text_without_headers_is_automated(subject: str, body: str) -> None:
    assert _intents(body + NEWS_QUOTE, subject) == (X,)


def test_a_request_beats_out_of_office_wording() -> None:
    body = "Я был в отпуске до понедельника, вернулся и вижу ваши письма. Отпишите меня от рассылки."
    assert _intents(body) == (U,)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("öşırıñızşı", "өшіріңізші"),  # 2021 alphabet: ı = і, ş = ш, ñ = ң
        ("maǵan", "маған"),  # 2018 alphabet: ǵ = ғ
        ("zhoyyp", "жойып"),  # informal: y closing a syllable = й
        ("auystyryñyz", "ауыстырыңыз"),
        ("pozhaluysta", "пожалуйста"),
    ],
)
def test_latin_kazakh_and_cyrillic_fold_to_one_skeleton(a: str, b: str) -> None:
    assert skeleton(a) == skeleton(b)


def test_latin_kazakh_letters_vote_kazakh() -> None:
    assert classify(make_mail("Telefon nömırımdı auystyryñyz: +7 701 555 12 12")).language == "kk"
