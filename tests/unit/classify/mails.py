"""Build test mails with the standard library's email package and parse them as inboxbot does."""

from __future__ import annotations

from email.message import EmailMessage

from inboxbot.core.mail import ParsedMail, parse_mail


def make_mail(
    body: str,
    subject: str = "",
    sender: str = "Client <client@example.kz>",
    headers: dict[str, str] | None = None,
    html: bool = False,
) -> ParsedMail:
    """A plain-text (or HTML-only) mail to hello@1texno.kz, parsed."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "hello@1texno.kz"
    msg["Subject"] = subject
    msg["Message-ID"] = "<test@example.kz>"
    for name, value in (headers or {}).items():
        msg[name] = value
    if html:
        paragraphs = "".join(f"<p>{line}</p>" for line in body.split("\n"))
        msg.set_content(f"<html><body>{paragraphs}</body></html>", subtype="html")
    else:
        msg.set_content(body)
    return parse_mail(msg.as_bytes())


def make_mail_with_attachment(body: str, filename: str, subject: str = "Invoice") -> ParsedMail:
    """A plain-text mail with a PDF attached, parsed."""
    msg = EmailMessage()
    msg["From"] = "Billing <billing@pay.example>"
    msg["To"] = "hello@1texno.kz"
    msg["Subject"] = subject
    msg["Message-ID"] = "<attached@example.kz>"
    msg.set_content(body)
    msg.add_attachment(b"%PDF-1.4\n", maintype="application", subtype="pdf", filename=filename)
    return parse_mail(msg.as_bytes())
