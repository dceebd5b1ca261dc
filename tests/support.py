"""Helpers shared by the integration and end-to-end tests: building mails and settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from inboxbot.config import Settings

ROOT = Path(__file__).resolve().parent.parent


def make_mail(
    body: str,
    *,
    sender: str = "Client <client@example.kz>",
    subject: str = "Request",
    message_id: str | None = None,
    charset: str = "utf-8",
    headers: Mapping[str, str] | None = None,
) -> bytes:
    msg = EmailMessage(policy=SMTP)
    msg["From"] = sender
    msg["To"] = "ONETEXNO <hello@1texno.kz>"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    msg["Message-ID"] = message_id or make_msgid(domain="example.kz")
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body, charset=charset)
    return msg.as_bytes()


UNSUBSCRIBE_RU = "Здравствуйте! Прошу исключить меня из вашей рассылки, больше не присылайте новости."
CHANGE_KK = "Сәлеметсіз бе! Телефон нөмірім өзгерді, жаңа нөмір +7 701 111 22 33. Деректерімді жаңартыңыз."
ACCESS_RU = "Добрый день! Прошу сообщить, какие мои персональные данные хранятся в вашей компании."
QUESTION_EN = "Hello, do you offer a discount for schools on the cloud backup plan? Thanks, Tom"
QUESTION_RU = (
    "Добрый день! Подскажите, пожалуйста, сколько стоит годовая лицензия на облачное хранилище для офиса"
    " на 10 человек?"
)
QUESTION_KK = (
    "Сәлеметсіз бе! Бұлтты сақтау қызметінің жылдық бағасы қанша тұрады? Кеңсемізде 10 адам бар. Рахмет!"
)


def bounce(recipient: str = "gone@example.net") -> bytes:
    text = (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\n"
        "To: hello@1texno.kz\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: {make_msgid(domain='mx.example.net')}\r\nAuto-Submitted: auto-replied\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "--b--\r\n"
    )
    return text.encode()


def hours_ago(hours: float, now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)).replace(microsecond=0) - timedelta(hours=hours)


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def settings_for(
    *,
    db_url: str,
    imap_account: Any = None,
    smtp_server: Any = None,
    maildir: Path | None = None,
    files: Path | None = None,
    **overrides: Any,
) -> Settings:
    """Settings pointing at the test servers (an ImapAccount, an SmtpServer) or at local folders."""
    values: dict[str, Any] = {"database": {"url": db_url}}
    if imap_account is not None:
        account = imap_account
        values["source"] = "imap"
        values["imap"] = {
            "host": account.host,
            "port": account.port,
            "username": account.username,
            "password": account.password,
            "security": "none",
        }
    if maildir is not None:
        values["source"] = f"maildir:{maildir}"
    if smtp_server is not None:
        values["transport"] = "smtp"
        values["smtp"] = {"host": smtp_server.host, "port": smtp_server.port, "security": "none"}
    if files is not None:
        values["transport"] = f"files:{files}"
    for section, data in overrides.items():
        if isinstance(data, dict):
            values[section] = {**values.get(section, {}), **data}
        else:
            values[section] = data
    return Settings(**values)


def env_for(settings: Settings) -> dict[str, str]:
    """The environment that makes the `inboxbot` command use ``settings`` (and nothing from the shell)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INBOXBOT_")}
    env.update(flatten_env(settings.model_dump(mode="json")))
    env["INBOXBOT_IMAP__PASSWORD"] = settings.imap.password.get_secret_value()
    env["INBOXBOT_SMTP__PASSWORD"] = settings.smtp.password.get_secret_value()
    env["INBOXBOT_WEB__METRICS_TOKEN"] = settings.web.metrics_token.get_secret_value()
    env["INBOXBOT_IDENTITY__HASH_KEY"] = settings.identity.hash_key.get_secret_value()
    env["INBOXBOT_LINKS__KEY"] = settings.links.key.get_secret_value()
    env["INBOXBOT_LINKS__PREVIOUS_KEYS"] = settings.links.previous_keys.get_secret_value()
    env["INBOXBOT_CONFIG"] = str(ROOT / "tests" / "data" / "empty.toml")
    return env


def flatten_env(data: Mapping[str, Any], prefix: str = "INBOXBOT_") -> Iterator[tuple[str, str]]:
    for key, value in data.items():
        name = f"{prefix}{key.upper()}"
        if isinstance(value, Mapping):
            yield from flatten_env(value, f"{name}__")
        elif isinstance(value, list | tuple):
            yield name, json.dumps(value)
        elif value is not None and not name.endswith(
            ("PASSWORD", "TOKEN", "HASH_KEY", "LINKS__KEY", "PREVIOUS_KEYS")
        ):
            yield name, str(value).lower() if isinstance(value, bool) else str(value)


def inboxbot(
    *args: str, env: Mapping[str, str], timeout: float = 120, cwd: Path = ROOT, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the ``inboxbot`` command as a user would (``stdin``: what is typed or piped into it)."""
    return subprocess.run(
        [sys.executable, "-m", "inboxbot", *args],
        env=dict(env),
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
