"""Build a held-out corpus (<id>.eml + labels.json) from its cases.json.

The held-out sets corpus-blind-2 and corpus-blind-4 are written as cases, independently of the other
corpora, under the same labelling rules (/work/shared/corpus/README.md). Each case names how it is sent
(``enc``: utf-8 quoted-printable by default, ``b64``, ``cp1251``, ``koi8-r``, ``html``), what it quotes
(``quote``: our newsletter or acknowledgement in ru/kk/en) and any extra ``headers``; ``bounce`` makes a
multipart/report DSN. Run: python -m tests.data.corpus_build corpus-blind-4

Added for corpus-heldout-5 (the older corpora build byte-identically): ``enc: "alt"`` (text/plain +
text/html alternatives), ``html`` (a verbatim HTML body for ``html``/``alt`` instead of the text wrapped
in paragraphs), ``attach`` (a list of ``{"filename", "type", "content"}`` attachments), ``arf`` (an RFC 5965
feedback-loop report: ``{"report": fields, "original": the complained-about message}``) and ``raw`` (a
complete RFC 5322 message given verbatim, e.g. broken MIME; ``Date``/``Message-ID`` are added to its
header block when missing, and ``charset`` names the encoding of its bytes, utf-8 by default).
"""

from __future__ import annotations

import argparse
import json
import re
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

DATA = Path(__file__).resolve().parent
TZ = timezone(timedelta(hours=5))
# Each built corpus: the tag in its Message-IDs and DSN boundaries, and the date of its first mail.
CORPORA = {
    "corpus-blind-2": ("b2", datetime(2026, 11, 25, 9, 0, tzinfo=TZ)),
    "corpus-blind-4": ("b4", datetime(2026, 11, 26, 9, 0, tzinfo=TZ)),
    "corpus-heldout-5": ("h5", datetime(2026, 12, 1, 9, 0, tzinfo=TZ)),
    "corpus-heldout-6": ("h6", datetime(2026, 12, 2, 9, 0, tzinfo=TZ)),
    "corpus-heldout-7": ("h7", datetime(2026, 12, 3, 9, 0, tzinfo=TZ)),
}

QUOTES = {
    "news_ru": (
        "Re: ONETEXNO | Новости ноября",
        "23 нояб. 2026 г., в 10:00, ONETEXNO <hello@1texno.kz>:\n"
        "> ONETEXNO | Новости ноября\n>\n"
        "> Здравствуйте! Новые тарифы облачного хранилища и скидка 20% на внедрение CRM до 31 декабря.\n"
        "> Подробнее: https://www.1texno.com/news\n>\n"
        "> Вы получили это письмо, так как подписаны на новости ONETEXNO.\n"
        "> Отписаться: https://www.1texno.com/unsubscribe?u=5c1e | Управлять подпиской можно в личном кабинете.",
    ),
    "news_kk": (
        "Re: ONETEXNO | Қараша жаңалықтары",
        "дс, 23 қар. 2026 ж., 10:00 ONETEXNO <hello@1texno.kz>:\n"
        "> ONETEXNO | Қараша жаңалықтары\n>\n"
        "> Сәлеметсіз бе! Бұлттық сақтаудың жаңа тарифтері және CRM енгізуге 20% жеңілдік.\n"
        "> Толығырақ: https://www.1texno.com/news\n>\n"
        "> Сіз бұл хатты ONETEXNO таратылымына жазылғандықтан алдыңыз.\n"
        "> Таратылымнан бас тарту үшін «Жазылымнан шығу» түймесін басыңыз: https://www.1texno.com/unsubscribe?u=71b0",
    ),
    "news_en": (
        "Re: ONETEXNO | November news",
        "On Mon, 23 Nov 2026 at 10:00, ONETEXNO <hello@1texno.kz> wrote:\n"
        "> ONETEXNO | November news\n>\n"
        "> Hello! Meet our new cloud storage plans and a 20% discount on CRM rollout until 31 December.\n"
        "> Read more: https://www.1texno.com/news\n>\n"
        "> You received this email because you subscribed to ONETEXNO news.\n"
        "> Unsubscribe: https://www.1texno.com/unsubscribe?u=0d4f | Manage preferences in your account.",
    ),
    "ack_ru": (
        "Re: Ваше обращение HB-2026-001207",
        "> Здравствуйте!\n>\n> Ваше обращение зарегистрировано под номером HB-2026-001207.\n"
        "> Мы обработаем его в течение 24 часов. Если вы хотите отписаться от рассылки, ответьте словом «Отписаться».\n"
        ">\n> С уважением, служба поддержки ONETEXNO",
    ),
    "ack_kk": (
        "Re: Өтінішіңіз HB-2026-001311",
        "> Сәлеметсіз бе!\n>\n> Өтінішіңіз HB-2026-001311 нөмірімен тіркелді.\n"
        "> Біз оны 24 сағат ішінде өңдейміз. Таратылымнан шығу үшін «Отписаться» деп жауап беріңіз.\n"
        ">\n> Құрметпен, ONETEXNO қолдау қызметі",
    ),
    "ack_en": (
        "Re: Your request HB-2026-001450",
        "On Tue, 24 Nov 2026 at 12:30, ONETEXNO <hello@1texno.kz> wrote:\n"
        "> Your request HB-2026-001450 is registered. We will answer within 24 hours.\n"
        "> To unsubscribe from our newsletter, reply with the word Unsubscribe.",
    ),
}


def build(case: dict[str, object], n: int, tag: str, first: datetime) -> bytes:
    if "raw" in case:
        return _raw(case, n, tag, first)
    msg = EmailMessage()
    msg["From"] = str(case["from"])
    msg["To"] = "hello@1texno.kz"
    quote = case.get("quote")
    subject = str(case.get("subject", ""))
    body = str(case["text"])
    if quote:
        re_subject, quoted = QUOTES[str(quote)]
        subject = subject or re_subject
        body = f"{body}\n\n{quoted}\n"
        msg["In-Reply-To"] = f"<news-{quote}.{n}@1texno.kz>"
        msg["References"] = f"<news-{quote}.{n}@1texno.kz>"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(first + timedelta(hours=7 * n))
    msg["Message-ID"] = f"<{tag}.{case['id']}.{n}@{str(case['from']).split('@')[-1].rstrip('>')}>"
    for name, value in dict(case.get("headers", {})).items():  # type: ignore[call-overload]
        msg[name] = value
    enc = str(case.get("enc", "qp"))
    html = case.get("html")
    if enc == "html":
        paragraphs = "".join(f"<p>{line}</p>" for line in body.split("\n"))
        html = html or f"<html><body>{paragraphs}</body></html>"
        msg.set_content(str(html), subtype="html", cte="quoted-printable")
    elif enc == "alt":
        paragraphs = "".join(f"<p>{line}</p>" for line in body.split("\n"))
        msg.set_content(body, cte="quoted-printable")
        msg.add_alternative(
            str(html or f"<html><body>{paragraphs}</body></html>"), subtype="html", cte="quoted-printable"
        )
    elif enc in ("cp1251", "koi8-r"):
        msg.set_content(body.encode(enc), maintype="text", subtype="plain", cte="8bit")
        msg.set_param("charset", "windows-1251" if enc == "cp1251" else "koi8-r")
    elif enc == "b64":
        msg.set_content(body, cte="base64")
    else:
        msg.set_content(body, cte="quoted-printable")
    for item in list(case.get("attach", [])):  # type: ignore[call-overload]
        maintype, subtype = str(item["type"]).split("/")
        msg.add_attachment(
            str(item["content"]).encode("utf-8"),
            maintype=maintype,
            subtype=subtype,
            filename=str(item["filename"]),
        )
    for i, part in enumerate(p for p in msg.walk() if p.is_multipart()):  # fixed, not random, boundaries
        part.set_boundary(f"=={tag}-{case['id']}-part{i}==")
    if case.get("bounce"):
        return _report(msg, body, str(case["bounce"]), tag)
    if case.get("arf"):
        return _arf(msg, body, dict(case["arf"]), tag)  # type: ignore[call-overload]
    return bytes(msg)


def _raw(case: dict[str, object], n: int, tag: str, first: datetime) -> bytes:
    """A message given verbatim; only a missing Date or Message-ID is added to its header block."""
    raw = str(case["raw"])
    head, sep, rest = raw.partition("\n\n")
    names = {
        line.split(":", 1)[0].strip().lower() for line in head.split("\n") if line and not line[0].isspace()
    }
    sender = str(case.get("from") or re.search(r"^From:(.*)$", head, re.M | re.I).group(1))  # type: ignore[union-attr]
    if "date" not in names:
        head += f"\nDate: {format_datetime(first + timedelta(hours=7 * n))}"
    if "message-id" not in names:
        head += (
            f"\nMessage-ID: <{tag}.{case['id']}.{n}@{sender.rsplit('@', maxsplit=1)[-1].strip().rstrip('>')}>"
        )
    return (head + sep + rest).encode(str(case.get("charset", "utf-8")))


def _arf(msg: EmailMessage, body: str, arf: dict[str, str], tag: str) -> bytes:
    """An RFC 5965 feedback report: a human-readable part, message/feedback-report and the original mail."""
    boundary = f"=={tag}-arf-boundary=="
    text = EmailMessage()
    text.set_content(body, cte="quoted-printable")
    head = "".join(
        f"{k}: {v}\n"
        for k, v in msg.items()
        if k.lower() not in ("content-type", "content-transfer-encoding", "mime-version")
    )
    raw = (
        f"{head}MIME-Version: 1.0\n"
        f'Content-Type: multipart/report; report-type=feedback-report; boundary="{boundary}"\n\n'
        "This is a multi-part message in MIME format.\n\n"
        f"--{boundary}\n{text.as_string()}\n--{boundary}\n"
        f"Content-Type: message/feedback-report\n\n{arf['report']}\n--{boundary}\n"
        f"Content-Type: message/rfc822\nContent-Disposition: inline\n\n{arf['original']}\n--{boundary}--\n"
    )
    return raw.encode("utf-8")


def _report(msg: EmailMessage, body: str, status: str, tag: str) -> bytes:
    """A multipart/report DSN: the human-readable part and a message/delivery-status part."""
    boundary = f"=={tag}-dsn-boundary=="
    text = EmailMessage()
    text.set_content(body, cte="quoted-printable")
    head = "".join(
        f"{k}: {v}\n"
        for k, v in msg.items()
        if k.lower() not in ("content-type", "content-transfer-encoding", "mime-version")
    )
    raw = (
        f"{head}MIME-Version: 1.0\n"
        f'Content-Type: multipart/report; report-type="delivery-status"; boundary="{boundary}"\n\n'
        f"--{boundary}\n{text.as_string()}\n--{boundary}\n"
        f"Content-Type: message/delivery-status\n\n{status}\n--{boundary}--\n"
    )
    return raw.encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", choices=sorted(CORPORA))
    name = parser.parse_args().corpus
    tag, first = CORPORA[name]
    here = DATA / name
    cases = json.loads((here / "cases.json").read_text("utf-8"))
    labels = {}
    for n, case in enumerate(cases):
        (here / f"{case['id']}.eml").write_bytes(build(case, n, tag, first))
        labels[case["id"]] = {"intents": sorted(case["intents"]), "lang": case["lang"]}
    (here / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
