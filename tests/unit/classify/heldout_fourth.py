"""Fourth held-out batch: a natural mix written after the fixes for corpus-blind-3 and corpus-blind-4,
before running the classifier on it, to measure how those fixes generalise.

Each row: (case id, subject, body, expected intents, expected language), labelled by the corpus rules
(/work/shared/corpus/README.md). Mostly ordinary mail, with a share of the families the third blind
set exposed (the source of personal data, pronouns standing for mailings named before, exports and
call recordings, attached copies, subscribing an address, accidental unsubscribing, job title and
contact person, an address taken off a list, a redirect to a new address) in new wordings.
"""

from __future__ import annotations

Case = tuple[str, str, str, tuple[str, ...], str]

U = ("unsubscribe",)
C = ("data_change",)
D = ("data_deletion",)
A = ("data_access",)
OTH = ("other",)
AU = ("data_access", "unsubscribe")
AD = ("data_access", "data_deletion")
CU = ("data_change", "unsubscribe")
DU = ("data_deletion", "unsubscribe")

NATURAL_MIX: list[Case] = [
    (
        "f-ru-stop-promo",
        "Акции",
        "Добрый день. Не присылайте мне больше письма об акциях, пожалуйста.",
        U,
        "ru",
    ),
    ("f-ru-source-phone", "", "Откуда вы знаете мой номер? Я его нигде у вас не оставлял.", A, "ru"),
    (
        "f-ru-both-off",
        "Рассылки",
        "У меня от вас и новости на почту приходят, и смс. Выключите, пожалуйста, всё это.",
        U,
        "ru",
    ),
    (
        "f-ru-new-boss",
        "Смена контактного лица",
        "С 1 декабря контактное лицо по нашему договору — Ахметова Динара, тел. +7 701 444 55 66. "
        "Прошу обновить данные.",
        C,
        "ru",
    ),
    ("f-ru-order-late", "Заказ 8812", "Заказ так и не доставили, хотя обещали в пятницу. Где он?", OTH, "ru"),
    (
        "f-ru-export",
        "Мои данные",
        "Пришлите, пожалуйста, файл со всеми моими данными, которые у вас хранятся.",
        A,
        "ru",
    ),
    (
        "f-ru-delete-all",
        "",
        "Удалите мой профиль и все мои данные. Рассылку тоже больше не присылайте.",
        DU,
        "ru",
    ),
    (
        "f-ru-passport-copy",
        "Смена фамилии",
        "Прошу изменить мою фамилию в личном кабинете на Смагулова. Копия свидетельства о браке во вложении.",
        C,
        "ru",
    ),
    ("f-ru-thanks", "Спасибо", "Спасибо за быструю помощь с настройкой CRM!", OTH, "ru"),
    (
        "f-ru-mistake",
        "",
        "Я случайно нажала отписку, а мне ваши новости нужны. Верните меня, пожалуйста.",
        OTH,
        "ru",
    ),
    (
        "f-ru-redirect",
        "Почта",
        "Пишите мне теперь на a.serik@new-mail.kz, старая почта скоро перестанет работать.",
        C,
        "ru",
    ),
    ("f-ru-what-data", "", "Какую информацию обо мне вы собираете и зачем?", A, "ru"),
    (
        "f-ru-position",
        "Должность",
        "Добрый день! Прошу исправить мою должность в договоре: я главный инженер, а не инженер.",
        C,
        "ru",
    ),
    ("f-kk-unsub", "", "Маған бұдан былай жаңалықтар жібермеңіз.", U, "kk"),
    (
        "f-kk-source",
        "",
        "Менің телефон нөмірімді қайдан алдыңыздар? Маған SMS жіберуді тоқтатыңыз.",
        AU,
        "kk",
    ),
    ("f-kk-delete", "Аккаунт", "Аккаунтымды жойып, деректерімді өшіріңіздер.", D, "kk"),
    ("f-kk-phone", "", "Жаңа телефон нөмірім: +7 705 888 77 66. Ескісін өшіріп, жаңасын жазыңыз.", C, "kk"),
    ("f-kk-price", "Баға", "Бұлттық сақтаудың тарифтері қанша тұрады?", OTH, "kk"),
    (
        "f-kk-subscribe",
        "",
        "Жаңалықтарыңызға жазылғым келеді. Поштамды қосыңызшы: erlan.k@mail.kz",
        OTH,
        "kk",
    ),
    (
        "f-kk-position",
        "",
        "Лауазымым өзгерді: енді мен директордың орынбасарымын. Жаңартып қойыңыз.",
        C,
        "kk",
    ),
    (
        "f-kk-copy",
        "",
        "Сіздерде сақталған дербес деректерімнің көшірмесін жіберуіңізді сұраймын.",
        A,
        "kk",
    ),
    ("f-kk-both", "", "Маған хаттар да, SMS та келеді. Екеуін де тоқтатыңыздар.", U, "kk"),
    (
        "f-kk-keep",
        "",
        "Мені тізімнен шығармаңыз, тек хаттарды жаңа поштама жіберіңіз: d.ali@mail.kz",
        C,
        "kk",
    ),
    ("f-en-unsub", "Unsubscribe", "Please stop sending me your newsletters. Thank you.", U, "en"),
    (
        "f-en-source",
        "Where did you get my email?",
        "I never signed up for anything from ONETEXNO. How did you obtain my email address?",
        A,
        "en",
    ),
    ("f-en-recording", "", "Could you send me the recording of my support call from 2 December?", A, "en"),
    (
        "f-en-attached",
        "Name change",
        "Please update my last name to Baker. A scan of my new ID card is attached.",
        C,
        "en",
    ),
    (
        "f-en-mistake",
        "Oops",
        "I hit unsubscribe by accident. Could you put me back on the newsletter?",
        OTH,
        "en",
    ),
    (
        "f-en-contact",
        "",
        "Our new contact person is Marat Iskakov, marat@steppe.kz. Please update your records.",
        C,
        "en",
    ),
    ("f-en-job", "", "Please note my new job title: Head of IT. Could you update my profile?", C, "en"),
    (
        "f-en-remove-address",
        "",
        "Loved the newsletter for a while, but please remove my email address from the list now.",
        U,
        "en",
    ),
    ("f-en-meeting", "", "Can we schedule a demo of the CRM for Thursday at 3 pm?", OTH, "en"),
    (
        "f-en-delete",
        "GDPR request",
        "Please erase all personal data you hold about me and confirm in writing.",
        D,
        "en",
    ),
    ("f-en-access", "", "Which of my personal details have you shared with partners?", A, "en"),
    ("f-en-both", "", "You send me emails and text messages. Please stop both.", U, "en"),
    (
        "f-en-subscribe",
        "",
        "I want to subscribe to your updates. Please add anna.lee@gmail.com.",
        OTH,
        "en",
    ),
]
