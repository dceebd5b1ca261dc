"""Machine-written mail: structure decides first; text decides when headers are missing."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from inboxbot.core.classify import classify
from inboxbot.core.classify.automated import robot_headers
from inboxbot.core.intents import Intent
from inboxbot.core.mail import parse_headers, parse_mail

from .mails import make_mail

REQUEST = "Отпишите меня от рассылки и удалите мои данные."


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("Auto-Submitted", "auto-replied"),
        ("Auto-Submitted", "auto-generated"),
        ("Auto-Submitted", "auto-notified"),
        ("Precedence", "bulk"),
        ("Precedence", "list"),
        ("Precedence", "junk"),
        ("Precedence", "auto_reply"),
        ("X-Autoreply", "yes"),
        ("X-Autorespond", "Out of office"),
        ("List-Id", "News <news.shop.kz>"),
        ("List-Unsubscribe", "<mailto:leave@shop.kz>"),
        ("X-Failed-Recipients", "gone@corp.kz"),
    ],
)
def test_an_automation_header_makes_mail_automated_whatever_its_text_asks(header: str, value: str) -> None:
    result = classify(make_mail(REQUEST, "Отписка", headers={header: value}))
    assert result.intents == (Intent.AUTOMATED,)
    assert any(e.where == "header" for e in result.evidence)


def test_auto_submitted_no_is_a_human_mail() -> None:
    result = classify(make_mail("Отпишите меня от рассылки", headers={"Auto-Submitted": "no"}))
    assert result.intents == (Intent.UNSUBSCRIBE,)


def test_x_auto_response_suppress_alone_does_not_make_a_human_outlook_reply_automated() -> None:
    result = classify(
        make_mail("Please remove me from your mailing list.", headers={"X-Auto-Response-Suppress": "All"})
    )
    assert result.intents == (Intent.UNSUBSCRIBE,)


def test_x_auto_response_suppress_supports_out_of_office_wording() -> None:
    body = "I am out of the office this week."
    result = classify(make_mail(body, headers={"X-Auto-Response-Suppress": "All"}))
    assert result.intents == (Intent.AUTOMATED,)


@pytest.mark.parametrize(
    "sender",
    [
        "MAILER-DAEMON@mx.example.kz",
        "Mail Delivery System <postmaster@corp.kz>",
        "Service <no-reply@service.kz>",
        "Service <noreply@service.kz>",
        "Robot <do-not-reply@service.kz>",
        "Mail Delivery Subsystem <robot@relay.kz>",
    ],
)
def test_robot_senders_are_automated(sender: str) -> None:
    result = classify(make_mail(REQUEST, sender=sender))
    assert result.intents == (Intent.AUTOMATED,)
    assert any(e.rule == "robot_sender" for e in result.evidence)


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Automatic reply: ONETEXNO | November news", "Thanks for your message."),
        ("Автоматический ответ: Новости", "Спасибо за письмо."),
        ("Автоматты жауап: Жаңалықтар", "Рахмет."),
        ("Out of Office: news", "Back on Monday."),
        ("Прочитано: ONETEXNO | Новости", "Ваше сообщение было прочитано 23.11.2026."),
        ("Undeliverable: ONETEXNO", "Delivery has failed to these recipients or groups:"),
        ("Delivery Status Notification (Failure)", "Address not found"),
        (
            "Mail delivery failed: returning message to sender",
            "A message that you sent could not be delivered",
        ),
        ("Недоставленное сообщение", "Ваше сообщение не доставлено."),
        ("Returned mail: see transcript for details", "The original message was received at Mon, 30 Nov"),
        ("failure notice", "Hi. This is the qmail-send program at mx.kz."),
    ],
)
def test_bounce_receipt_and_out_of_office_text_is_automated_without_headers(subject: str, body: str) -> None:
    assert classify(make_mail(body, subject)).intents == (Intent.AUTOMATED,)


@pytest.mark.parametrize(
    "body",
    [
        "Я в отпуске до 10 декабря. По срочным вопросам звоните в приёмную.",
        "I am on annual leave with no access to email and will return on 7 December.",
        "Мен демалыстамын. Шұғыл мәселелер бойынша әріптесіме хабарласыңыз.",
        "Это автоматическое уведомление. Пожалуйста, не отвечайте на это письмо.",
    ],
)
def test_out_of_office_wording_needs_two_signs_and_then_wins(body: str) -> None:
    assert classify(make_mail(body, "Re: ONETEXNO | Новости")).intents == (Intent.AUTOMATED,)


def test_a_reply_subject_with_bounce_words_is_a_forwarded_bounce_from_a_person() -> None:
    body = "Почему ваше письмо вернулось? Отпишите меня, раз так."
    assert classify(make_mail(body, "Fwd: Undelivered Mail Returned to Sender")).intents == (
        Intent.UNSUBSCRIBE,
    )


def test_a_person_mentioning_a_vacation_still_asks() -> None:
    body = "Был в отпуске, вернулся, а тут сто писем от вас. Отпишите меня от рассылки."
    result = classify(make_mail(body))
    assert result.intents == (Intent.UNSUBSCRIBE,)


def test_gmail_one_click_unsubscribe_mail_is_the_subscriber_s_request() -> None:
    result = classify(make_mail("This message was automatically generated by Gmail.", "Unsubscribe"))
    assert result.intents == (Intent.UNSUBSCRIBE,)


def test_delivery_report_mime_structure_is_automated() -> None:
    msg = EmailMessage()
    msg["From"] = "someone@example.kz"
    msg["To"] = "hello@1texno.kz"
    msg["Subject"] = "report"
    msg.set_content("Отпишите меня")
    msg.make_mixed()
    report = EmailMessage()
    report.set_content("Final-Recipient: rfc822; x@y.kz\nAction: failed\n")
    msg.attach(report)
    raw = msg.as_bytes().replace(b"multipart/mixed", b"multipart/report; report-type=delivery-status", 1)
    result = classify(parse_mail(raw))
    assert result.intents == (Intent.AUTOMATED,)
    assert any(e.rule == "report_mime" for e in result.evidence)


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("List-Subscribe", "<mailto:news-request@lists.example.kz?subject=subscribe>"),
        ("List-Help", "<mailto:news-request@lists.example.kz?subject=help>"),
        ("List-Owner", "<mailto:news-owner@lists.example.kz>"),
        ("List-Post", "<mailto:news@lists.example.kz>"),
        ("List-Archive", "<https://lists.example.kz/pipermail/news/>"),
        ("Mailing-List", "contact news-help@lists.example.org; run by ezmlm"),
        ("X-Mailing-List", "<news@lists.example.kz> archive/latest/1204"),
        ("X-ML-Name", "dev-kz"),
        ("X-ML-Count", "00321"),
        ("X-Mailman-Version", "2.1.39"),
        ("X-BeenThere", "partners@lists.example.kz"),
        ("X-List", "buhgalteria@ml.example.ru"),
        ("X-Loop", "sympa@lists.example.kz"),
    ],
)
def test_every_list_manager_header_family_makes_mail_automated(header: str, value: str) -> None:
    result = classify(make_mail(REQUEST, "Отписка", headers={header: value}))
    assert result.intents == (Intent.AUTOMATED,)
    assert [e.words for e in result.evidence if e.rule == "list_header"] == [header.lower()]


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("Sender", '"Partners" <partners-bounces@lists.example.kz>'),
        ("Sender", "owner-buhgalteria@ml.example.ru"),
        ("Errors-To", "news-request@lists.example.kz"),
        ("Errors-To", "partners-bounces+hello=1texno.kz@lists.example.kz"),
    ],
)
def test_a_list_s_owner_or_bounce_address_as_sender_makes_mail_automated(header: str, value: str) -> None:
    result = classify(make_mail(REQUEST, "Отписка", headers={header: value}))
    assert result.intents == (Intent.AUTOMATED,)
    assert [e.rule for e in result.evidence] == ["list_manager_sender"]


def test_a_secretary_sending_on_behalf_of_her_director_is_a_person() -> None:
    headers = {"Sender": "Приёмная <priemnaya@stroymontazh.kz>"}
    result = classify(make_mail("Прошу исключить мой адрес из вашей рассылки.", headers=headers))
    assert result.intents == (Intent.UNSUBSCRIBE,)


def test_exchange_non_delivery_header_makes_mail_automated() -> None:
    result = classify(make_mail(REQUEST, headers={"X-MS-Exchange-Message-Is-Ndr": ""}))
    assert result.intents == (Intent.AUTOMATED,)


def _report(report_type: str, part_type: str) -> bytes:
    """A complaint report: a human-readable part, then the report's fields as ``part_type``."""
    return (
        "From: Feedback <fbl@example.net>\r\nTo: fbl@1texno.kz\r\nSubject: FW: Отписка\r\n"
        f'MIME-Version: 1.0\r\nContent-Type: {report_type}; boundary="r"\r\n\r\n'
        "--r\r\nContent-Type: text/plain\r\n\r\n"
        "This is an email abuse report for an email message received from IP 185.22.61.10.\r\n"
        f"--r\r\nContent-Type: {part_type}\r\n\r\nFeedback-Type: abuse\r\nUser-Agent: SomeFBL/1.0\r\n\r\n"
        "--r--\r\n"
    ).encode()


@pytest.mark.parametrize(
    ("report_type", "part_type", "where"),
    [
        ("multipart/report; report-type=feedback-report", "text/plain", "header"),
        ("multipart/mixed", "message/feedback-report", "structure"),
    ],
)
def test_a_feedback_loop_complaint_report_is_automated_as_a_complaint(
    report_type: str, part_type: str, where: str
) -> None:
    result = classify(parse_mail(_report(report_type, part_type)))
    assert result.intents == (Intent.AUTOMATED,)
    assert [(e.rule, e.where) for e in result.evidence if e.rule == "complaint_report"] == [
        ("complaint_report", where)
    ]


def test_microsoft_s_original_recipient_header_marks_a_forwarded_complaint() -> None:
    body = "Скидка 20% до конца декабря. Если вы больше не хотите получать наши письма, отпишитесь."
    result = classify(make_mail(body, headers={"X-HmXmrOriginalRecipient": "<dina.s@outlook.com>"}))
    assert result.intents == (Intent.AUTOMATED,)
    assert [e.rule for e in result.evidence] == ["complaint_report"]


def test_robot_headers_are_found_on_the_header_block_alone() -> None:
    raw = b"From: MAILER-DAEMON@mx.example.kz\r\nReturn-Path: <>\r\nContent-Type: multipart/report\r\n\r\n"
    mail = parse_headers(raw, "its body is broken")
    assert [e.rule for e in robot_headers(mail)] == ["report_mime", "null_sender", "robot_sender"]
