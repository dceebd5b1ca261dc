"""The sender's new text is told apart from quotes and signatures, in Russian, Kazakh and English."""

from __future__ import annotations

import pytest

from inboxbot.core.quotes import split_reply

NEWSLETTER = "ONETEXNO | Новости\nЧтобы отписаться от рассылки, нажмите «Отписаться»."


def quoted(text: str) -> str:
    return "\n".join(f"> {line}" for line in text.splitlines())


@pytest.mark.parametrize(
    "attribution",
    [
        "On Mon, 23 Nov 2026 at 10:00, ONETEXNO <hello@1texno.kz> wrote:",
        "23.11.2026, 10:00, ONETEXNO <hello@1texno.kz> пишет:",
        "пн, 23 нояб. 2026 г. в 10:00, ONETEXNO <hello@1texno.kz>:",
        "2026 ж. 23 қар., дс 10:00 ONETEXNO <hello@1texno.kz> жазды:",
        "On Mon, 23 Nov 2026 at 10:00, ONETEXNO <hello@1texno.kz>\nwrote:",
    ],
)
def test_attributed_quote_is_not_new_text(attribution: str) -> None:
    parts = split_reply(f"Отпишите меня.\n\n{attribution}\n{quoted(NEWSLETTER)}\n")
    assert parts.new == "Отпишите меня."
    assert "Отписаться" in parts.quoted


@pytest.mark.parametrize(
    "header",
    [
        "-----Original Message-----\nFrom: ONETEXNO <hello@1texno.kz>\nSent: Monday, November 23, 2026 10:00 AM",
        "-----Исходное сообщение-----\nОт: ONETEXNO <hello@1texno.kz>\nОтправлено: 23 ноября 2026 г. 10:00",
        "________________________________\nFrom: ONETEXNO <hello@1texno.kz>\nSent: Monday, November 23, 2026\nTo: me",
        "От: ONETEXNO <hello@1texno.kz>\nДата: 23.11.2026\nТема: Новости",
        "Кімнен: ONETEXNO <hello@1texno.kz>\nЖіберілді: 23 қараша 2026\nТақырып: Жаңалықтар",
        "---------- Forwarded message ---------\nFrom: X <x@y.kz>",
        "---------- Пересылаемое сообщение ----------\nОт: X <x@y.kz>",
    ],
)
def test_outlook_and_forward_blocks_end_the_new_text(header: str) -> None:
    parts = split_reply(f"Прошу обновить телефон.\n\n{header}\n\n{NEWSLETTER}")
    assert parts.new == "Прошу обновить телефон."
    assert "Отписаться" in parts.quoted


def test_interleaved_reply_keeps_every_own_line() -> None:
    text = "On Mon, X <x@y.kz> wrote:\n> first question\nmy answer one\n> second question\nmy answer two"
    parts = split_reply(text)
    assert parts.new == "my answer one\nmy answer two"
    assert parts.quoted.splitlines() == ["On Mon, X <x@y.kz> wrote:", "> first question", "> second question"]


@pytest.mark.parametrize(
    ("text", "new", "signature"),
    [
        ("Отпишите меня\n\nОтправлено с iPhone", "Отпишите меня", "Отправлено с iPhone"),
        (
            "Please stop.\n--\nJohn Smith\n+7 701 000 00 00",
            "Please stop.",
            "--\nJohn Smith\n+7 701 000 00 00",
        ),
        ("Деректерімді жойыңыз.\n\nҚұрметпен,\nАйгерім", "Деректерімді жойыңыз.", "Құрметпен,\nАйгерім"),
        ("Update my phone.\n\nBest regards,\nJohn\nCEO", "Update my phone.", "Best regards,\nJohn\nCEO"),
    ],
)
def test_signature_is_split_off(text: str, new: str, signature: str) -> None:
    parts = split_reply(text)
    assert (parts.new, parts.signature) == (new, signature)


def test_valediction_far_from_the_end_does_not_swallow_the_text() -> None:
    lines = ["Best regards,"] + [f"line {i}" for i in range(12)]
    assert split_reply("\n".join(lines)).new == "\n".join(lines)


def test_a_line_mentioning_wrote_is_not_an_attribution() -> None:
    text = "I wrote to you twice: please unsubscribe me.\nThanks"
    assert split_reply(text).new == text


def test_a_formal_letter_opening_with_its_own_header_lines_is_new_text() -> None:
    text = "От: Жумабаев К.С.\nДата: 20.11.2026\n\nЗАЯВЛЕНИЕ\nПрошу удалить все мои персональные данные."
    assert split_reply(text).new == text


@pytest.mark.parametrize(
    ("text", "new"),
    [
        ("Please update my phone.\n\nThanks,\nMarat", "Please update my phone."),
        ("Обновите телефон.\n\nСпасибо,\nОльга Ким\nбухгалтер", "Обновите телефон."),
        ("Телефонымды жаңартыңыз.\nРахмет,\nБақытжан", "Телефонымды жаңартыңыз."),
    ],
)
def test_thanks_followed_by_a_name_opens_the_signature(text: str, new: str) -> None:
    assert split_reply(text).new == new


def test_thanks_as_the_last_line_stays_in_the_text() -> None:
    assert split_reply("Отпишите меня.\nСпасибо!").new == "Отпишите меня.\nСпасибо!"
