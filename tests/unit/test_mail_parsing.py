"""Parsing inbound mail: charsets, structure, attachments, and the mails that must be quarantined."""

from __future__ import annotations

import string
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inboxbot.core.mail import ParseLimits, UnreadableMail, parse_headers, parse_mail

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
    ("name", "text"),
    [
        (
            "no-boundary-with-parts.eml",
            "Добрый день!\n\nПрошу с 1 января отправлять счета на адрес buh@too-arman.kz",
        ),
        ("no-boundary-plain-body.eml", "Сәлеметсіз бе!\n\nМенің телефон нөмірім ауысты, жаңа нөмір: +7 701"),
        ("broken-boundary.eml", "Please unsubscribe me."),
        ("mismatched-boundary-mixed.eml", "Hello,\n\nPlease update our company details: the new legal name"),
        (
            "outlook-express-boundary.eml",
            "Здравствуйте!\n\nУдалите, пожалуйста, мой адрес s.kim@kazpost-service.kz",
        ),
        (
            "outlook-express-nested.eml",
            "Құрметті ONETEXNO!\n\nМенің жеке деректерімді сіздердің базаларыңыздан",
        ),
    ],
)
def test_multipart_with_a_missing_mismatched_or_truncated_boundary_is_read_as_a_mail_client_shows_it(
    name: str, text: str
) -> None:
    assert parse_mail(fixture(name)).new_text.startswith(text)


def test_body_without_a_boundary_is_split_on_the_delimiter_lines_that_open_parts_with_headers() -> None:
    mail = parse_mail(fixture("no-boundary-with-parts.eml"))
    assert mail.content_types == ("multipart/alternative", "text/plain", "text/html")
    assert "b1_5f3a9c2e7d1b4a0e" not in mail.text and not mail.html_only


def test_body_without_a_boundary_or_parts_is_its_text() -> None:
    mail = parse_mail(fixture("no-boundary-plain-body.eml"))
    assert mail.text.endswith("Рақмет,\nДәурен Омаров\n")
    assert mail.content_types == ("multipart/mixed",)


def test_mismatched_boundary_splits_on_the_outer_delimiter_and_keeps_nested_parts_and_attachments() -> None:
    mail = parse_mail(fixture("mismatched-boundary-mixed.eml"))
    assert mail.content_types == (
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "application/pdf",
    )
    assert [(a.filename, a.content_type) for a in mail.attachments] == [
        ("certificate.pdf", "application/pdf")
    ]


def test_unquoted_outlook_express_boundary_with_equals_sign_is_read_whole_at_every_level() -> None:
    mail = parse_mail(fixture("outlook-express-nested.eml"))
    assert mail.content_types == (
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "image/jpeg",
    )
    assert [(a.filename, a.size) for a in mail.attachments] == [("kuelik.jpg", 1046)]
    assert "NextPart" not in mail.text


def test_an_undecodable_plain_body_gives_way_to_the_html_alternative() -> None:
    msg = EmailMessage(policy=SMTP)
    msg["From"] = "Client <client@example.kz>"
    msg.set_content("placeholder")
    msg.add_alternative("<p>Please remove me from the list.</p>", subtype="html")
    raw = msg.as_bytes()
    plain_at = raw.index(b"placeholder")
    raw = raw[:plain_at] + raw[plain_at:].replace(b"placeholder", b"%%%% not base64 !!!", 1)
    raw = raw.replace(b"Content-Transfer-Encoding: 7bit", b"Content-Transfer-Encoding: base64", 1)
    assert parse_mail(raw).new_text == "Please remove me from the list."


def test_headers_of_a_mail_whose_body_cannot_be_read_are_still_read() -> None:
    mail = parse_headers(fixture("no-boundary-base64-only.eml"), "why")
    assert (mail.from_address, mail.subject, mail.text, mail.body_unreadable) == (
        "m.zhunusov@inbox.kz",
        "Документы",
        "",
        "why",
    )
    assert mail.content_types == ("multipart/mixed",)


def test_headers_over_the_limit_are_not_read_either() -> None:
    with pytest.raises(UnreadableMail, match=r"^why$"):
        parse_headers(fixture("enormous-header.eml"), "why")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        (
            "no-boundary-base64-only.eml",
            "multipart/mixed declares no boundary, and its body is only encoded (base64) data, "
            "with no part headers to say what it is",
        ),
        (
            "mismatched-boundary-no-text.eml",
            'multipart/mixed declares boundary "----=_Part_34557_1123581320.1733570530000", '
            "which no line of its body uses, and its body has no text",
        ),
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


_BCHARS = string.ascii_letters + string.digits + "'()+_,-./:=?"  # RFC 2046 boundary characters, no space


@settings(max_examples=150, deadline=None)
@given(
    boundary=st.text(alphabet=_BCHARS, min_size=1, max_size=60),
    declared=st.sampled_from(["unquoted", "quoted", "missing", "other"]),
)
def test_any_boundary_however_declared_yields_the_text_of_its_parts(boundary: str, declared: str) -> None:
    header = {
        "unquoted": f"multipart/alternative; boundary={boundary}",
        "quoted": f'multipart/alternative; boundary="{boundary}"',
        "missing": "multipart/alternative",
        "other": 'multipart/alternative; boundary="not-the-one"',
    }[declared]
    raw = (
        f"From: Client <client@example.kz>\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: {header}\r\n\r\n"
        f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nОтпишите меня, пожалуйста.\r\n"
        f"--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>HTML</p>\r\n"
        f"--{boundary}--\r\n"
    ).encode()
    mail = parse_mail(raw)
    assert (mail.new_text, mail.content_types) == (
        "Отпишите меня, пожалуйста.",
        ("multipart/alternative", "text/plain", "text/html"),
    )
