"""Rule families, one behaviour per test: negation, quotes, signatures, subjects, several requests,
typos and review, evidence, confidence, determinism."""

from __future__ import annotations

import pytest

from inboxbot.core.classify import Classifier, classify
from inboxbot.core.intents import REQUESTS, Intent

from .mails import make_mail

U, C, D, A, OTH = (
    Intent.UNSUBSCRIBE,
    Intent.DATA_CHANGE,
    Intent.DATA_DELETION,
    Intent.DATA_ACCESS,
    Intent.OTHER,
)

NEWSLETTER_RU = (
    "> ONETEXNO | Новости ноября\n> Новые тарифы.\n> Вы получили это письмо, так как подписаны на рассылку.\n"
    "> Чтобы отписаться от рассылки, нажмите «Отписаться» или удалите свои данные в кабинете."
)
ACK_EN = (
    "On Mon, 23 Nov 2026 at 10:00, ONETEXNO <hello@1texno.kz> wrote:\n"
    "> Your request HB-2026-000412 is registered."
    "\n> To unsubscribe from our newsletter, reply with the word Unsubscribe."
)


@pytest.mark.parametrize(
    ("body", "intents"),
    [
        ("Не отписывайте меня, просто смените мой телефон на +7 701 000 11 22.", (C,)),
        ("Do not unsubscribe me, just update my phone to +7 701 000 11 22.", (C,)),
        ("Мені таратылымнан шығармаңыз, тек телефон нөмірімді өзгертіңіз: +7 701 000 11 22.", (C,)),
        ("Не присылайте мне больше рекламу.", (U,)),
        ("Don't send me any more newsletters.", (U,)),
        ("Маған жарнама жібермеңіз.", (U,)),
        ("Я никогда не отписывался, почему новости не приходят?", (OTH,)),
        ("Реквизиты нашей компании не изменились, вышлите, пожалуйста, акт сверки.", (OTH,)),
        ("Не удаляйте мой аккаунт, просто отпишите от новостей.", (U,)),
        ("Номер в кабинете вы так и не поменяли: новый +7 701 000 11 22.", (C,)),
        ("You still haven't removed me from your mailing list.", (U,)),
        ("Не могу отписаться от рассылки, ссылка не работает.", (U,)),
        ("I can't unsubscribe, the link is broken.", (U,)),
    ],
)
def test_negation_cancels_refused_requests_and_keeps_complaints(
    body: str, intents: tuple[Intent, ...]
) -> None:
    assert classify(make_mail(body)).intents == intents


@pytest.mark.parametrize(
    ("body", "intents"),
    [
        ("Спасибо, жду ответа.\n\n" + NEWSLETTER_RU, (OTH,)),
        ("Отпишите, пожалуйста.\n\n" + NEWSLETTER_RU, (U,)),
        ("Thanks!\n\n" + ACK_EN, (OTH,)),
        ("Please change my e-mail to new@mail.kz\n\n" + ACK_EN, (C,)),
    ],
)
def test_quoted_text_never_counts(body: str, intents: tuple[Intent, ...]) -> None:
    assert classify(make_mail(body, "Re: ONETEXNO | Новости ноября")).intents == intents


def test_a_signature_with_words_like_requisites_does_not_count() -> None:
    body = "Когда будет готов счёт?\n\n--\nИван Петров\nотдел смены реквизитов и удаления данных\n+7 701 0"
    assert classify(make_mail(body)).intents == (OTH,)


@pytest.mark.parametrize(
    ("subject", "intents"),
    [
        ("Отписаться", (U,)),
        ("unsubscribe", (U,)),
        ("STOP", (U,)),
        ("Жазылымнан шығу", (U,)),
        ("Удаление персональных данных", (D,)),
        ("Смена фамилии", (C,)),
        ("Запрос на доступ к персональным данным", (A,)),
        ("Re: ONETEXNO | Новости ноября", (OTH,)),
        ("RE: Отписаться", (OTH,)),
        ("Подписка на новости", (OTH,)),
    ],
)
def test_subject_of_an_empty_mail_counts_unless_it_is_a_reply(
    subject: str, intents: tuple[Intent, ...]
) -> None:
    assert classify(make_mail("", subject)).intents == intents


@pytest.mark.parametrize(
    ("body", "intents"),
    [
        ("Смените мой телефон на +7 701 000 11 22 и отпишите от рассылки.", (C, U)),
        ("Удалите мой аккаунт. Рассылку тоже больше не присылайте.", (D, U)),
        ("Send me a copy of my personal data, then delete it.", (A, D)),
        ("Telefon nomirimdi ozgertiniz. Taratylymnan shygaryp tastanyz.", (C, U)),
    ],
)
def test_one_mail_may_carry_several_requests_sorted(body: str, intents: tuple[Intent, ...]) -> None:
    assert classify(make_mail(body)).intents == tuple(sorted(intents, key=lambda i: i.value))


def test_remove_me_from_the_mailing_list_is_unsubscribe_not_deletion() -> None:
    for body in (
        "Remove me from your mailing list.",
        "Удалите меня из списка рассылки.",
        "Мені тізімнен өшіріңіз.",
    ):
        assert classify(make_mail(body)).intents == (U,), body


def test_subscribe_and_keep_me_requests_are_other() -> None:
    for body in (
        "Подпишите меня на рассылку.",
        "Please keep me subscribed.",
        "Мені таратылымға жазып қойыңыз.",
    ):
        assert classify(make_mail(body)).intents == (OTH,), body


def test_keeping_one_channel_while_stopping_another_is_still_unsubscribe() -> None:
    body = "Письма на почту оставьте, а вот СМС с рекламой присылать перестаньте."
    assert classify(make_mail(body)).intents == (U,)


@pytest.mark.parametrize(
    "body", ["ОТПИШИТЕ МЕНЯ!!!", "отпишите меня 🙏🙏", "UNSUBSCRIBE ME NOW 😡", "🛑 STOP 🛑"]
)
def test_caps_and_emoji_do_not_hide_a_request(body: str) -> None:
    assert classify(make_mail(body)).intents == (U,)


def test_a_request_found_only_through_a_typo_needs_review() -> None:
    result = classify(make_mail("атпишите миня"))
    assert result.intents == (U,)
    assert result.needs_review
    assert result.confidence < 0.7


def test_a_clear_request_does_not_need_review() -> None:
    result = classify(make_mail("Прошу удалить мой аккаунт и все мои персональные данные."))
    assert result.intents == (D,)
    assert not result.needs_review
    assert result.confidence >= 0.9


def test_unknown_language_needs_review() -> None:
    result = classify(make_mail("12345 ???", ""))
    assert result.needs_review


@pytest.mark.parametrize(
    "body",
    [
        "Отпишите меня",
        "Смените мой телефон на +7 701 000 11 22",
        "Удалите мой аккаунт",
        "Какие данные обо мне вы храните?",
        "Спасибо!",
    ],
)
def test_every_intent_has_evidence_and_confidence_is_a_probability(body: str) -> None:
    result = classify(make_mail(body))
    assert 0.0 <= result.confidence <= 1.0
    for intent in result.requests:
        found = [e for e in result.evidence if e.intent == intent and e.rule != "second_opinion"]
        assert found, intent  # a rule, not the model alone, found every request
        assert all(e.rule and e.words and e.where in {"subject", "body"} for e in found)
        graded = [e for e in result.evidence if e.intent == intent and e.rule == "second_opinion"]
        assert [e.words.split()[0] for e in graded] == [intent.value]  # and the model graded it
    assert set(result.intents) <= set(REQUESTS) | {OTH}


def test_classification_is_deterministic_and_independent_of_instances() -> None:
    mail = make_mail("Отпишите меня и удалите мой номер из базы", "Отписка")
    first = classify(mail)
    assert all(classify(mail) == first for _ in range(5))
    assert Classifier()(mail) == first


def test_html_only_mail_is_read() -> None:
    assert classify(make_mail("Please remove my address from your mailing list.", html=True)).intents == (U,)


def test_a_formal_application_opening_with_its_own_header_block_is_read() -> None:
    body = "От: Жумабаев К.С.\nДата: 20.11.2026\n\nЗАЯВЛЕНИЕ\nПрошу удалить все мои персональные данные."
    assert classify(make_mail(body, "Заявление")).intents == (D,)


def test_a_forward_with_no_text_of_its_own_asks_nothing() -> None:
    body = "From: Shop <news@shop.kz>\nSent: Monday\nSubject: Sale\n\nUnsubscribe me and delete my data."
    assert classify(make_mail(body, "Fwd: Sale")).intents == (OTH,)


@pytest.mark.parametrize("body", ["Remove me", "Take me off.", "удалите меня"])
def test_a_bare_remove_me_is_unsubscribe_to_be_reviewed(body: str) -> None:
    result = classify(make_mail(body))
    assert result.intents == (U,)
    assert result.needs_review
