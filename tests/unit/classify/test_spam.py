"""Spam and phishing are nobody's request: the provider's verdict, a DMARC failure our own MX saw, and
phishing families in three languages make a mail ``automated`` with ``spam_*``/``phishing_*`` evidence;
a person who writes about their own account or password stays a person."""

from __future__ import annotations

import pytest

from inboxbot.core.classify import ConfiguredClassifier, SpamPolicy, classify
from inboxbot.core.classify.spam import is_spam_evidence
from inboxbot.core.intents import Intent

from .mails import make_mail

MX = "mx.1texno.kz"


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Spam-Flag": "YES"},
        {"X-Spam-Status": "Yes, score=9.1 required=5.0 tests=URIBL_BLACK"},
        {"X-Spam-Status": "No, score=7.4 required=8.0"},  # our threshold is 5
        {"X-Spam-Score": "6.3"},
        {"X-Spam": "Yes"},
        {"X-Yandex-Spam": "4"},
        {"X-Forefront-Antispam-Report": "CIP:1.2.3.4;CTRY:;LANG:ru;SCL:9;SRV:BULK;"},
    ],
)
def test_the_providers_spam_verdict_makes_even_a_request_automated(headers: dict[str, str]) -> None:
    verdict = classify(
        make_mail("Please delete my data and unsubscribe me.", "Delete my data", headers=headers)
    )
    assert verdict.intents == (Intent.AUTOMATED,)
    assert is_spam_evidence(verdict.evidence)


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Spam-Flag": "NO"},
        {"X-Spam-Status": "No, score=1.2 required=5.0"},
        {"X-Yandex-Spam": "1"},
        {"X-Forefront-Antispam-Report": "CIP:1.2.3.4;SCL:1;"},
    ],
)
def test_a_providers_clean_verdict_changes_nothing(headers: dict[str, str]) -> None:
    verdict = classify(make_mail("Please delete my data.", headers=headers))
    assert verdict.intents == (Intent.DATA_DELETION,)


def test_a_dmarc_failure_counts_only_when_our_own_mx_says_so() -> None:
    ours = {"Authentication-Results": f"{MX}; dmarc=fail header.from=halykbank.kz; dkim=none"}
    theirs = {"Authentication-Results": "mx.evil.example; dmarc=fail header.from=halykbank.kz"}
    body = "Обновите, пожалуйста, мой номер телефона: +7 701 111 22 33."
    with_mx = ConfiguredClassifier(SpamPolicy(trusted_authserv_ids=frozenset({MX})))

    assert with_mx(make_mail(body, headers=ours, sender="bank@halykbank.kz")).intents == (Intent.AUTOMATED,)
    assert with_mx(make_mail(body, headers=theirs, sender="bank@halykbank.kz")).intents == (
        Intent.DATA_CHANGE,
    )
    assert classify(make_mail(body, headers=ours, sender="bank@halykbank.kz")).intents == (
        Intent.DATA_CHANGE,
    )


PHISHING = [
    (
        "Your mailbox is full",
        "Your mailbox is almost full. Click here to confirm your account and get more space: http://mail-upgrade.example/login",
    ),
    (
        "Security alert",
        "We noticed unusual sign-in activity. Please verify your account within 24 hours: https://secure-check.example",
    ),
    (
        "Invoice",
        "Dear customer, update your bank details for the next payment here: https://pay-update.example",
    ),
    (
        "Важно",
        "Ваш почтовый ящик переполнен. Подтвердите учётную запись по ссылке, иначе она будет заблокирована: http://mail-ru.example",
    ),
    (
        "Уведомление банка",
        "Ваша карта заблокирована. Для разблокировки обновите платёжные данные: https://kaspi-secure.example",
    ),
    (
        "Ескерту",
        "Сіздің есептік жазбаңыз бұғатталады. Растаңыз: сілтеме бойынша өтіңіз https://egov-check.example",
    ),
    (
        "Congratulations!",
        "Congratulations, you have won an iPhone! Claim your prize here: http://win.example",
    ),
    ("Forget your debts", "We write off your debts in 30 days. Click here: http://debt.example"),
]


@pytest.mark.parametrize(("subject", "body"), PHISHING)
def test_phishing_families_are_automated_not_requests(subject: str, body: str) -> None:
    verdict = classify(make_mail(body, subject))
    assert verdict.intents == (Intent.AUTOMATED,)
    assert is_spam_evidence(verdict.evidence)


def test_a_link_whose_text_names_another_site_is_phishing() -> None:
    body = 'Please log in at <a href="http://evil.example/halyk">https://online.halykbank.kz</a> to keep your account.'
    verdict = classify(make_mail(body, "Account review", html=True))
    assert verdict.intents == (Intent.AUTOMATED,)
    assert next(e.rule for e in verdict.evidence) == "phishing_link_mismatch"


def test_a_link_to_its_own_site_is_no_mismatch() -> None:
    body = (
        'Our new terms: <a href="https://www.1texno.com/terms">1texno.com/terms</a>. Please delete my data.'
    )
    assert classify(make_mail(body, html=True)).intents == (Intent.DATA_DELETION,)


PEOPLE = [
    ("Не могу войти", "Не могу войти в свой личный кабинет, сбросьте, пожалуйста, мой пароль.", Intent.OTHER),
    ("Password", "I forgot my password, can you help me log in? My account is hello@acme.kz.", Intent.OTHER),
    ("Карта", "Я поменял банковскую карту, обновите, пожалуйста, мои данные для оплаты счёта.", Intent.OTHER),
    ("", "Подтвердите, пожалуйста, что вы удалили мои данные.", Intent.OTHER),
]


@pytest.mark.parametrize(("subject", "body", "intent"), PEOPLE)
def test_people_who_write_about_their_own_account_stay_people(
    subject: str, body: str, intent: Intent
) -> None:
    verdict = classify(make_mail(body, subject))
    assert not is_spam_evidence(verdict.evidence)
    assert verdict.intents != (Intent.AUTOMATED,)
