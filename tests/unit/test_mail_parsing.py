"""Parsing inbound mail: charsets, structure, attachments, and the mails that must be quarantined."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest

from inboxbot.core.mail import ParseLimits, UnreadableMail, parse_mail

DATA = Path(__file__).parent.parent / "data" / "mail"


def fixture(name: str) -> bytes:
    return (DATA / name).read_bytes()


def build(body: str = "Hello", *, charset: str = "utf-8", cte: str = "8bit", **headers: str) -> bytes:
    msg = EmailMessage(policy=SMTP)
    msg["From"] = headers.pop("from_", "Client <client@example.kz>")
    msg["To"] = "hello@1texno.kz"
    msg["Subject"] = headers.pop("subject", "Test")
    msg["Message-ID"] = headers.pop("message_id", "<t1@example.kz>")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body, charset=charset, cte=cte)
    return msg.as_bytes()


@pytest.mark.parametrize(
    ("charset", "cte"),
    [("utf-8", "base64"), ("utf-8", "8bit"), ("windows-1251", "quoted-printable"), ("koi8-r", "8bit")],
)
def test_cyrillic_body_is_decoded_in_any_declared_charset(charset: str, cte: str) -> None:
    mail = parse_mail(build("Прошу исключить меня из рассылки.", charset=charset, cte=cte))
    assert mail.text == "Прошу исключить меня из рассылки.\n"


def test_body_in_undeclared_8bit_windows_1251_is_detected() -> None:
    mail = parse_mail(fixture("undeclared-8bit.eml"))
    assert mail.new_text == "Здравствуйте! Прошу исключить меня из рассылки."


def test_body_labelled_koi8_r_but_written_in_windows_1251_is_read_as_windows_1251() -> None:
    mail = parse_mail(fixture("mislabelled-koi8.eml"))
    assert mail.new_text.startswith("Добрый день! Прошу обновить мой номер телефона")


def test_unknown_charset_names_fall_back_without_crashing() -> None:
    mail = parse_mail(fixture("unknown-charset.eml"))
    assert (mail.subject, mail.new_text) == ("Отписаться", "Отпишите меня, пожалуйста.")


def test_encoded_words_in_legacy_charsets_and_split_characters_are_joined() -> None:
    mail = parse_mail(fixture("split-encoded-words.eml"))
    assert (mail.from_name, mail.from_address, mail.subject) == (
        "Гульнара Серикова",
        "gulnara@example.kz",
        "Отписка",
    )


def test_raw_utf8_headers_are_read_as_utf8() -> None:
    raw = "From: Айгерім <aigerim@example.kz>\r\nSubject: Деректерді жою\r\n\r\nbody\r\n".encode()
    mail = parse_mail(raw)
    assert (mail.from_name, mail.subject) == ("Айгерім", "Деректерді жою")


def test_sender_address_is_normalised() -> None:
    mail = parse_mail(build(from_="=?utf-8?b?0JjQstCw0L0=?= <Ivan.Petrov@Mail.KZ>"))
    assert (mail.from_name, mail.from_address) == ("Иван", "ivan.petrov@mail.kz")


def test_html_only_mail_is_reduced_to_text_without_scripts_or_comments() -> None:
    mail = parse_mail(fixture("hostile-html.eml"))
    assert mail.html_only
    assert mail.new_text.startswith("Please remove me from the list")
    assert "alert" not in mail.text and "comment" not in mail.text and "display:none" not in mail.text


def test_attachments_are_recorded_by_name_type_and_size_only() -> None:
    mail = parse_mail(fixture("with-attachment.eml"))
    [attachment] = mail.attachments
    assert (attachment.filename, attachment.content_type, attachment.size) == (
        "свидетельство.pdf",
        "application/pdf",
        3009,
    )
    assert "PDF" not in mail.text


def test_threading_headers_are_collected_newest_first() -> None:
    mail = parse_mail(build(In_Reply_To="<c@x>", References="<a@x> <b@x> <c@x>"))
    assert mail.thread_ids == ("<c@x>", "<b@x>", "<a@x>")


def test_null_return_path_is_kept_as_empty_string() -> None:
    assert parse_mail(build(Return_Path="<>")).return_path == ""
    assert parse_mail(build()).return_path is None


def test_message_without_message_id_has_none() -> None:
    raw = b"From: a@b.kz\r\nSubject: x\r\n\r\nbody\r\n"
    mail = parse_mail(raw)
    assert mail.message_id is None
    assert len(mail.digest) == 64


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("broken-boundary.eml", "broken MIME boundaries"),
        ("bad-base64.eml", "undecodable base64"),
        ("enormous-header.eml", "header section of more than 262144 bytes"),
    ],
)
def test_mail_that_cannot_be_trusted_is_refused_with_a_reason(name: str, reason: str) -> None:
    with pytest.raises(UnreadableMail) as caught:
        parse_mail(fixture(name))
    assert reason in caught.value.reason


def test_mail_over_the_size_limit_is_refused() -> None:
    with pytest.raises(UnreadableMail, match="exceeds the 2048-byte limit"):
        parse_mail(build("x" * 5000), ParseLimits(max_message_bytes=2048))


def test_mail_with_too_many_parts_is_refused() -> None:
    msg = EmailMessage(policy=SMTP)
    msg["From"] = "a@b.kz"
    msg.set_content("hi")
    for i in range(12):
        msg.add_attachment(b"x", maintype="application", subtype="octet-stream", filename=f"{i}.bin")
    with pytest.raises(UnreadableMail, match="more than 10 MIME parts"):
        parse_mail(msg.as_bytes(), ParseLimits(max_parts=10))


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\x01\x02",
        b"From: <<<@@@>>>\r\nContent-Type: multipart/mixed\r\n\r\n--\r\n",
        b'Content-Type: text/plain; charset="\r\n\r\n\xff\xfe',
        b"Subject: =?utf-8?q?=ZZ?=\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 x\r\n",
        b"From: a@b.kz\r\nContent-Type: message/rfc822\r\n\r\nFrom: c@d.kz\r\n\r\ninner\r\n",
    ],
)
def test_garbage_never_raises_anything_but_unreadable_mail(raw: bytes) -> None:
    try:
        outcome: object = parse_mail(raw)
    except UnreadableMail as exc:
        outcome = exc.reason
    assert outcome  # a parsed mail, or a reason a person can read: never another exception
