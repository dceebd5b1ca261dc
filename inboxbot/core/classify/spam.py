"""Spam and phishing: mail nobody should answer or act on, although its text may read like a request
("update your bank details", "confirm your account", a "Forget your debts" subject).

The signals a receiving mailbox really has, in the order they are checked:

- **The provider's verdict** in the headers: SpamAssassin ``X-Spam-Flag: YES`` / ``X-Spam-Status:
  Yes``, a numeric ``X-Spam-Score`` / ``X-Spam-Level`` at or over the threshold, rspamd ``X-Spam: Yes``,
  Yandex ``X-Yandex-Spam: 4``, Mail.ru ``X-Mras: Spam``, Microsoft's spam confidence level 5 and up
  (``X-MS-Exchange-Organization-SCL``, ``SCL:`` in ``X-Forefront-Antispam-Report``).
- **Authentication that failed where our own MX says so**: ``dmarc=fail`` in the Authentication-Results
  of a trusted authserv-id (:mod:`inboxbot.core.authresults`; any other authserv-id is ignored).
- **Phishing by family**, in the sender's new text and subject: a request to verify, confirm or update
  *your* (the reader's) account, mailbox, password, card or payment details, or a threat to them
  (blocked, suspended, full, expiring), together with a link or a "click here"; a prize or an
  inheritance; a debt written off. Each family is a pair of word families, in ru, kk and en.
- **Links whose visible text names another host than the one they lead to** (HTML mail).

Any one of the first two decides; the text families decide together with a link. The result is
evidence for ``automated`` (spam is machine-sent bulk, not a person's request), each rule named
``spam_*`` or ``phishing_*`` so that intake can keep such mail apart as suspected spam.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from urllib.parse import urlsplit

from inboxbot.core.authresults import MalformedHeader, trusted_results
from inboxbot.core.intents import Evidence, Intent
from inboxbot.core.mail import ParsedMail

A = Intent.AUTOMATED
SPAM_RULE_PREFIXES = ("spam_", "phishing_")
_YES = frozenset({"yes", "true", "spam", "1"})
_TEXT_WINDOW = 4000


@dataclass(frozen=True)
class SpamPolicy:
    trusted_authserv_ids: frozenset[str] = frozenset()
    score_threshold: float = 5.0  # SpamAssassin's "required" default


def is_spam_evidence(evidence: Collection[Evidence]) -> bool:
    return any(e.rule.startswith(SPAM_RULE_PREFIXES) for e in evidence)


def spam_evidence(mail: ParsedMail, policy: SpamPolicy) -> list[Evidence]:
    """Evidence that ``mail`` is spam or phishing; empty when nothing says so."""
    found = _provider_verdict(mail, policy.score_threshold)
    found += _failed_dmarc(mail, policy.trusted_authserv_ids)
    if not found:
        found = _phishing_text(mail) + _deceptive_links(mail)
    return found


# -- the provider's verdict -------------------------------------------------------------------------

_SCORE = re.compile(r"(?:score|hits)\s*=\s*(-?\d+(?:\.\d+)?)")
_SCL = re.compile(r"\bSCL:\s*(-?\d+)", re.I)


def _provider_verdict(mail: ParsedMail, threshold: float) -> list[Evidence]:
    checks: tuple[tuple[str, Callable[[str], bool]], ...] = (
        ("x-spam-flag", lambda v: _first_word(v) in _YES),
        ("x-spam", lambda v: _first_word(v) in _YES),
        ("x-spam-status", lambda v: _first_word(v) in _YES or _score_over(v, threshold)),
        ("x-spam-score", lambda v: _number_over(v, threshold)),
        ("x-spam-level", lambda v: v.strip().count("*") >= threshold and set(v.strip()) == {"*"}),
        ("x-yandex-spam", lambda v: v.strip() == "4"),
        ("x-mras", lambda v: _first_word(v) == "spam"),
        ("x-ms-exchange-organization-scl", lambda v: _number_over(v, 5)),
        ("x-forefront-antispam-report", lambda v: _scl_over(v, 5)),
    )
    for name, says_spam in checks:
        for value in mail.header_all(name):
            if says_spam(value):
                return [Evidence(A, "spam_header", "header", f"{name}: {value.strip()[:80]}")]
    return []


def _first_word(value: str) -> str:
    parts = value.strip().lower().replace(",", " ").split()
    return parts[0] if parts else ""


def _number_over(value: str, threshold: float) -> bool:
    try:
        return float(value.strip().split()[0]) >= threshold
    except (ValueError, IndexError):
        return False


def _score_over(value: str, threshold: float) -> bool:
    match = _SCORE.search(value.lower())
    return match is not None and float(match.group(1)) >= threshold


def _scl_over(value: str, threshold: int) -> bool:
    match = _SCL.search(value)
    return match is not None and int(match.group(1)) >= threshold


# -- failed authentication, as our MX saw it -------------------------------------------------------


def _failed_dmarc(mail: ParsedMail, trusted: frozenset[str]) -> list[Evidence]:
    if not trusted:
        return []
    try:
        results = trusted_results(mail.headers, trusted)
    except MalformedHeader:
        return []
    failed = [r for r in results or () if r.method == "dmarc" and r.result == "fail"]
    if not failed:
        return []
    domain = failed[0].prop("header.from") or mail.from_address.rsplit("@", 1)[-1]
    return [Evidence(A, "spam_dmarc_fail", "header", f"dmarc=fail for {domain}")]


# -- phishing by family ----------------------------------------------------------------------------

_YOUR = r"(?:your|ваш\w*|вашей|сіздің|сiздiң|өз)"
_CREDENTIALS = (
    r"(?:account|mailbox|e-?mail account|password|login|card|bank(?:ing)? details|online banking|"
    r"internet banking|онлайн-банк\w*|интернет-банк\w*|"
    r"payment (?:details|information|method)|billing (?:details|information)|credentials|"
    r"аккаунт\w*|учётн\w+ запис\w+|учетн\w+ запис\w+|почтов\w+ ящик\w*|ящик\w*|парол\w+|карт\w+|"
    r"банковск\w+ (?:данны\w+|реквизит\w+|карт\w+)|платёжн\w+ данны\w+|платежн\w+ данны\w+|"
    r"личн\w+ кабинет\w*|есептік жазба\w*|құпиясөз\w*|пошта\w* жәшіг\w*|банк\w* карта\w*|карта\w*)"
)
_VERIFY = (
    r"(?:verify|confirm|validate|re-?activate|reactivate|update|unlock|restore|secure|protect|подтверд\w+|"
    r"подтвержд\w+|защитите|"
    r"верифиц\w+|актуализ\w+|обнови\w+|обновл\w+|разблокир\w+|восстанов\w+|растаңыз|растау\w*|жаңартыңыз|"
    r"жаңарту\w*)"
)
_THREAT = (
    r"(?:suspended|suspend|blocked|locked|disabled|deactivated|closed|terminated|expire[sd]?|expiring|"
    r"(?:is|almost) full|over (?:its|the) quota|quota exceeded|unusual (?:sign-?in|activity)|"
    r"заблокир\w+|блокир\w+|приостановл\w+|отключ\w+|переполнен\w*|истека\w+|истёк|истек\w*|"
    r"подозрительн\w+ (?:вход\w*|активност\w+)|бұғатта\w+|толып\w*|тоқтатыл\w+)"
)
_LINK = re.compile(
    r"https?://|www\.|click (?:here|below|the link)|follow the link|log ?in (?:here|now)|"
    r"нажмите|перейдите по ссылке|по ссылке|сілтеме\w* (?:бойынша|арқылы)|басыңыз",
    re.I,
)
_PHISHING_FAMILIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "phishing_verify_credentials",
        re.compile(rf"{_VERIFY}\W+(?:\w+\W+){{0,3}}?{_YOUR}\W+(?:\w+\W+){{0,2}}?{_CREDENTIALS}", re.I),
    ),
    (
        "phishing_account_threat",
        re.compile(
            rf"{_YOUR}\W+(?:\w+\W+){{0,2}}?{_CREDENTIALS}\W+(?:\w+\W+){{0,4}}?{_THREAT}"
            rf"|{_THREAT}\W+(?:\w+\W+){{0,3}}?{_YOUR}\W+(?:\w+\W+){{0,2}}?{_CREDENTIALS}",
            re.I,
        ),
    ),
)
# A bill with a deadline and a threat, carried by a link or an attachment: "your invoice is overdue ...
# make the payment today to avoid service suspension" (a client writing about their own bill says "I").
_PAY_OR_ELSE = re.compile(
    r"(?:make (?:the |your )?payment|pay (?:it |the (?:invoice|balance) )?(?:now|today|immediately|within)|"
    r"оплатите (?:\w+ )?(?:сегодня|немедленно|срочно|в течение)|произведите оплату|"
    r"бүгін төлеңіз|төлемді (?:бүгін|дереу|жедел) жасаңыз)"
    r"[^\n]{0,60}?"
    r"(?:to avoid|or (?:your )?(?:service|account) will|во избежание|иначе|чтобы избежать|болмаса)"
    r"[^\n]{0,40}?"
    r"(?:suspen\w+|disconnect\w*|terminat\w+|late fees?|penalt\w+|отключ\w+|блокир\w+|приостанов\w+|"
    r"пен\w+|штраф\w*|тоқтат\w+|өшіріл\w+|айыппұл\w*)",
    re.I,
)
_LURES = re.compile(
    r"you (?:have|'ve) (?:won|been selected)|congratulations,? you|claim your (?:prize|reward)|"
    r"lottery|inheritance|"
    r"вы выиграли|вы стали победител\w+|ваш выигрыш|наследств\w+|розыгрыш\w*|"
    r"(?:forget|write off|eliminate) (?:your )?debts?|списа\w+ (?:ваши |все )?долг\w*|"
    r"спиш\w+ (?:до \d+ ?% )?(?:ваши |все )?долг\w*|забудьте о долгах|избав\w+ от долгов|"
    r"if this wasn't you|if it wasn't you|если это были не вы|егер бұл сіз болмасаңыз|"
    r"ұтып алдыңыз|жеңімпаз атандыңыз",
    re.I,
)


# An attachment with its password in the text: what malware sends to get past the provider's scanner.
_LOCKED_ATTACHMENT = re.compile(
    r"(?:архив|вложени\w+|файл\w*|документ\w*)[^\n]{0,40}парол\w+|"
    r"парол\w+ (?:от|к|для) (?:архива|вложения|файла)|"
    r"(?:archive|attachment|zip|file|document)[^\n]{0,40}password|"
    r"password (?:for|to open) the (?:archive|attachment|file)|"
    r"мұрағат\w*[^\n]{0,40}құпиясөз\w*",
    re.I,
)


def _phishing_text(mail: ParsedMail) -> list[Evidence]:
    subject = mail.subject or ""
    text = f"{subject}\n{mail.reply.new[:_TEXT_WINDOW]}"
    locked = _LOCKED_ATTACHMENT.search(text) if mail.attachments else None
    if locked:
        return [Evidence(A, "phishing_locked_attachment", "body", locked.group(0))]
    has_link = bool(_LINK.search(text)) or bool(mail.links)
    bill = _PAY_OR_ELSE.search(text) if has_link or mail.attachments else None
    if bill:
        return [Evidence(A, "phishing_pay_or_else", "body", " ".join(bill.group(0).split())[:80])]
    if not has_link:
        return []
    for rule, pattern in _PHISHING_FAMILIES:
        match = pattern.search(text)
        if match:
            return [Evidence(A, rule, "body", " ".join(match.group(0).split())[:80])]
    lure = _LURES.search(text)
    return [Evidence(A, "phishing_lure", "body", lure.group(0))] if lure else []


# -- links that lie about where they go ------------------------------------------------------------

_HOST_IN_TEXT = re.compile(r"(?:https?://)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?:[/:]\S*)?$", re.I)


def _deceptive_links(mail: ParsedMail) -> list[Evidence]:
    for text, href in mail.links:
        shown = _HOST_IN_TEXT.match(text.strip())
        target = urlsplit(href.strip()).hostname or ""
        if shown and target and not _same_site(shown.group(1).lower(), target.lower()):
            return [Evidence(A, "phishing_link_mismatch", "body", f"{shown.group(1)} -> {target}")]
    return []


def _same_site(shown: str, target: str) -> bool:
    shown, target = shown.removeprefix("www."), target.removeprefix("www.")
    return shown == target or target.endswith("." + shown) or shown.endswith("." + target)
