"""Machine-written mail: structure first, text when the headers are missing.

Structure (each one decides): RFC 3834 ``Auto-Submitted`` other than "no"; ``Precedence: bulk / list /
junk / auto_reply``; ``X-Autoreply`` / ``X-Autorespond``; ``List-Id`` / ``List-Unsubscribe`` on
inbound mail (other companies' newsletters); ``X-Failed-Recipients``; a ``multipart/report`` or
``message/delivery-status`` / ``message/disposition-notification`` part; a null sender
(``Return-Path: <>``); a MAILER-DAEMON, postmaster or no-reply sender.

``X-Auto-Response-Suppress`` decides nothing on its own: Outlook and Exchange put it on ordinary
human mail too (it asks *other* servers not to auto-reply), so it only supports another sign.

Text: bounce and delay notices of Postfix, Exim, Sendmail, qmail, Exchange, Gmail, Yandex and Mail.ru;
read receipts; an out-of-office subject ("Automatic reply:", "Автоматический ответ:", "Автоматты
жауап:"); and weaker phrases (out-of-office wording, "this is an automated message", "do not reply",
a ticket acknowledgement, a newsletter footer) of which two are needed. Only the sender's own text
and a subject that is not a reply or forward are read, so a forwarded bounce stays a human mail.
"""

from __future__ import annotations

import re

from inboxbot.core.addresses import is_robot_address
from inboxbot.core.intents import Evidence, Intent
from inboxbot.core.mail import ParsedMail

A = Intent.AUTOMATED
_REPORT_TYPES = frozenset(
    {
        "multipart/report", "message/delivery-status", "message/disposition-notification",
        "message/global-delivery-status", "message/global-disposition-notification",
        "message/feedback-report",
    }
)  # fmt: skip
_PRECEDENCE = frozenset({"bulk", "list", "junk", "auto_reply", "auto-reply"})
_TEXT_WINDOW = 3000  # auto-replies and bounce notices say what they are at the top
_FALSE = frozenset({"", "no", "false", "0", "off"})
_ROBOT_NAMES = re.compile(
    r"^(mail delivery (system|subsystem)|mailer[- ]daemon|postmaster|mail administrator)\b"
)
_REPLY_PREFIX = re.compile(r"^\s*((re|fwd?|aw|wg|sv|vs|ответ|отв|пересл)\s*(\[\d+\])?\s*:\s*)+")

_BOUNCE_SUBJECT = re.compile(
    r"undeliver(ed|able)|returned mail|delivery status notification|mail delivery (failed|failure)|"
    r"delivery (failure|failed|has failed)|failure notice|non[- ]?delivery|could not (be )?deliver|"
    r"message not delivered|delivery (has been )?delayed|delayed mail|warning: could not send|"
    r"mail system error|mail failure|недоставленное|недоставляемое|"
    r"не доставлено|не удалось доставить|ошибка доставки|"
    r"задержка доставки|доставка задерживается|сообщение не доставлено|письмо не доставлено|"
    r"жеткізілмеді|жеткізу сәтсіз",
)
_BOUNCE_BODY = re.compile(
    r"this is the mail system at host|i'm sorry to have to inform you that your message could not|"
    r"delivery has failed to these recipients|this message was created automatically by mail delivery|"
    r"this is the qmail-send program|the original message was received at|your message wasn't delivered|"
    r"message could not be delivered|delivery to the following recipients? (failed|has been delayed)|"
    r"a message that you sent could not be delivered|undelivered mail returned to sender|"
    r"delivery to these recipients or groups is delayed|remote server returned '|"
    r"smtp error from remote mail server|diagnostic-code:|"
    r"(ваше )?сообщение не (было )?доставлено|не может быть доставлено|не удалось доставить|не доставлено|"
    r"доставка следующим получателям .{0,40}(задерживается|не выполнена)|"
    r"это письмо создано автоматически сервером|"
    r"сообщение не было доставлено|письмо не доставлено|хат(ыңыз)? жеткізілмеді",
)
_RECEIPT_SUBJECT = re.compile(
    r"^\s*(прочитано|прочтено|не прочитано|read|not read|оқылды|read receipt|return receipt|"
    r"уведомление о прочтении)\s*:",
)
_RECEIPT_BODY = re.compile(r"\bwas read on\b|было прочитано|оқылды")
_RECEIPT_ANCHORS = ("read on", "прочитано", "оқылды")
_OOO_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto(matic)?[- ]?reply|autoreply|auto[- ]?response|out of (the )?office|"
    r"away from (the )?office|on vacation|vacation reply|abwesenheitsnotiz|автоматический ответ|"
    r"автоответ|автоматты жауап|автожауап|я в отпуске|нет на месте)\b",
)
# (rule, anchors, pattern): every alternative of a pattern contains one of its anchors, so a text with
# none of them skips the regular expression (most human mail has none).
_WEAK_PHRASES: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = (
    (
        "out_of_office_text",
        (
            "office", "leave", "vacation", "holiday", "access to", "back", "return", "urgent", "travel",
            "trip", "away until",
            "отпуск", "командировк", "без доступа", "срочн", "возвращени", "в офисе", "вернусь", "больничн",
            "нерегулярно", "пересыла", "обращайтесь к", "свяжусь",
            "демалыс", "сапар", "шұғыл", "орал", "қайтып кел", "кеңседе жоқпын", "сирек тексер",
            "хабарласамын",
        ),
        re.compile(
            r"out of (the )?office|on (annual |sick |parental |maternity |paternity )?"
            r"(leave|vacation|holiday)|"
            r"(limited|no) access to (my )?e-?mail|away from (the )?office|away until|will (be back|return)|"
            r"back in the office|for (urgent|anything urgent|something urgent) |in urgent cases|"
            r"urgent (matters|requests|questions)|(out |away |currently )travel?ling|"
            r"travel?ling (on business|for work|until)|on a business trip|(on|upon|after) my return|"
            r"when i('m| am) back|"
            r"(will|i'll) (get back to you|reply|respond)( to you)? (after|when|on|upon|as soon)|"
            r"в (ежегодном |очередном |декретном )?(отпуске|командировке)|на больничном|"
            r"без доступа к (почте|интернету)|почту (читаю|проверяю) (нерегулярно|редко)|"
            r"по срочным (вопросам|делам)|в срочных случаях|после (моего )?возвращения|"
            r"по (моему )?возвращении|"
            r"буду в офисе|вернусь|свяжусь с вами (после|по|когда)|"
            r"(письма|ваше письмо) не (будет )?пересыла|с вопросами обращайтесь к|"
            r"демалыс\w*(мын|пын)|демалыста|іс-?сапарда\w*|іс-?сапардан|шұғыл (сұрақтар|мәселелер|жағдайда)|"
            r"жұмысқа оралған|оралғаннан кейін|оралған соң|ораламын|қайтып келген(де| соң|нен кейін)|"
            r"кеңседе жоқпын|поштаны сирек тексер|(соң|кейін) хабарласамын"
        ),
    ),
    (
        "automated_notice_text",
        (
            "automated", "automatically", "not reply", "not monitored", "автоматически", "автоматическое",
            "не отвечайте", "отвечать на него", "автоматты", "жауап бер",
            "не работает в компании", "no longer",
        ),
        re.compile(
            r"this is an automated (message|notification|e-?mail|response)|automatically generated|"
            r"(please )?do not reply to this (e-?mail|message)|this (e-?mail|mailbox) is not monitored|"
            r"(письмо|сообщение|уведомление) (создано|сформировано|отправлено) автоматически|"
            r"это автоматическое (уведомление|сообщение|письмо)|"
            r"не отвечайте на (это|данное) (письмо|сообщение)|"
            r"отвечать на него не (нужно|требуется)|автоматты түрде|"
            r"бұл хатқа жауап (бермеңіз|берудің қажеті жоқ)|"
            r"больше не работает в компании|no longer (works|with the company)"
        ),
    ),
    (
        "ticket_acknowledgement_text",
        ("your request", "your ticket", "your case", "your enquiry", "your inquiry",
         "received your", "ticket",
         "ваше обращение", "ваша заявка", "обращения", "өтінішіңіз"),
        re.compile(
            r"your (request|ticket|case|enquiry|inquiry) (#|"
            r"no\.?|number|has been (received|created|registered))|"
            r"we have received your (request|message|e-?mail)|ticket #?\d|"
            r"ваше обращение (№|#|зарегистрировано|принято|получено)|"
            r"ваша заявка (№|#|принята|зарегистрирована)|"
            r"номер (вашего )?обращения|өтінішіңіз (қабылданды|тіркелді)"
        ),
    ),
    (
        "newsletter_footer_text",
        ("receiving this", "received this", "to unsubscribe", "browser", "preferences", "получили это письмо",
         "браузере", "чтобы отписаться", "жазылғандықтан"),
        re.compile(
            r"you are receiving this (e-?mail )?because|you received this (e-?mail )?because|"
            r"to unsubscribe,? click|view (it )?in (your )?browser|manage (your )?(e-?mail )?preferences|"
            r"вы получили это письмо,? (так как|потому что)|открыть в браузере|"
            r"чтобы отписаться,? (нажмите|перейдите)|хатты .{0,30}жазылғандықтан алдыңыз"
        ),
    ),
)  # fmt: skip
_LATIN_LETTER = re.compile("[a-z]")
_WEAK_ANCHORS = tuple(
    (rule, (tuple(a for a in anchors if a.isascii()), tuple(a for a in anchors if not a.isascii())), pattern)
    for rule, anchors, pattern in _WEAK_PHRASES
)
_BOUNCE_ANCHORS = (
    "mail system", "deliver", "qmail", "original message", "remote server", "smtp", "diagnostic", "достав",
    "жеткізіл", "автоматически сервером",
)  # fmt: skip


def automated_evidence(mail: ParsedMail) -> tuple[list[Evidence], float]:
    """Evidence that ``mail`` was written by a machine, and the confidence it gives (0 when none)."""
    strong = _structure(mail)
    if strong:
        return strong, 0.97
    text = _own_text(mail).lower()
    subject = _own_subject(mail).lower()
    strong = _text_strong(subject, text)
    if strong:
        return strong, 0.92
    weak = _text_weak(subject, text)
    if mail.header("x-auto-response-suppress"):
        weak.append(Evidence(A, "auto_response_suppress", "header", "X-Auto-Response-Suppress"))
    if len(weak) >= 2:
        return weak, 0.8
    return [], 0.0


def _structure(mail: ParsedMail) -> list[Evidence]:
    found: list[Evidence] = []
    auto = (mail.header("auto-submitted") or "").strip().lower()
    if auto not in _FALSE:
        found.append(Evidence(A, "auto_submitted", "header", f"Auto-Submitted: {auto}"))
    precedence = (mail.header("precedence") or "").strip().lower()
    if precedence in _PRECEDENCE:
        found.append(Evidence(A, "precedence", "header", f"Precedence: {precedence}"))
    for name in ("x-autoreply", "x-autorespond", "x-autogenerated", "x-failed-recipients"):
        value = mail.header(name)
        if value is not None and value.strip().lower() not in _FALSE - {""}:
            found.append(Evidence(A, "auto_header", "header", name))
    for name in ("list-id", "list-unsubscribe"):
        if mail.header(name):
            found.append(Evidence(A, "list_header", "header", name))
    reports = sorted(set(mail.content_types) & _REPORT_TYPES)
    if reports:
        found.append(Evidence(A, "report_mime", "structure", ", ".join(reports)))
    if mail.return_path == "":
        found.append(Evidence(A, "null_sender", "sender", "Return-Path: <>"))
    if mail.from_address and is_robot_address(mail.from_address):
        found.append(Evidence(A, "robot_sender", "sender", mail.from_address))
    elif _ROBOT_NAMES.match((mail.from_name or "").lower()):
        found.append(Evidence(A, "robot_sender", "sender", mail.from_name))
    return found


def _own_text(mail: ParsedMail) -> str:
    return mail.reply.new[:_TEXT_WINDOW]


def _own_subject(mail: ParsedMail) -> str:
    subject = (mail.subject or "").lower()
    return "" if _REPLY_PREFIX.match(subject) else subject


def _text_strong(subject: str, text: str) -> list[Evidence]:
    found: list[Evidence] = []
    for where, value in (("subject", subject), ("body", text)):
        if where == "body" and not any(map(value.__contains__, _BOUNCE_ANCHORS)):
            continue
        bounce = (_BOUNCE_SUBJECT if where == "subject" else _BOUNCE_BODY).search(value)
        if bounce:
            found.append(Evidence(A, "bounce_text", where, bounce.group(0)))
    top = text[:300]
    receipt = _RECEIPT_SUBJECT.search(subject) or (
        _RECEIPT_BODY.search(top) if any(map(top.__contains__, _RECEIPT_ANCHORS)) else None
    )
    if receipt:
        found.append(
            Evidence(
                A, "read_receipt", "subject" if _RECEIPT_SUBJECT.search(subject) else "body", receipt.group(0)
            )
        )
    ooo = _OOO_SUBJECT.search(subject)
    if ooo:
        found.append(Evidence(A, "out_of_office_subject", "subject", ooo.group(0).strip()))
    return found


def _text_weak(subject: str, text: str) -> list[Evidence]:
    found: list[Evidence] = []
    both = f"{subject}\n{text}"
    latin_only = both.isascii()  # most mail is in one script: look for that script's anchors only
    cyrillic_only = not latin_only and _LATIN_LETTER.search(both) is None
    for rule, (ascii_anchors, other_anchors), pattern in _WEAK_ANCHORS:
        anchors = (
            ascii_anchors
            if latin_only
            else other_anchors
            if cyrillic_only
            else (*ascii_anchors, *other_anchors)
        )
        if not any(map(both.__contains__, anchors)):
            continue
        hits = dict.fromkeys(m.group(0) for m in pattern.finditer(both))
        found.extend(Evidence(A, rule, "body", hit) for hit in list(hits)[:2])
    return found
