"""Outgoing mail with files: multipart/mixed around the unchanged alternative part."""

from __future__ import annotations

import email
import email.policy
import json
import re
from datetime import UTC, datetime
from email.message import EmailMessage

from inboxbot.service.composer import Envelope, compose
from inboxbot.templating import RenderedMail

RENDERED = RenderedMail("ru", "[HB-2026-000042] Ваши данные", "Здравствуйте!\n", "<p>Здравствуйте!</p>\n")
ENVELOPE = Envelope("hello@1texno.kz", "ONETEXNO", "aigerim@example.kz", "Айгерім", "<orig@example.kz>")
NOW = datetime(2026, 11, 24, tzinfo=UTC)


def _parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _boundaries_out(raw: bytes) -> bytes:
    return re.sub(rb"=_[0-9a-f]{32}", b"=_BOUNDARY", raw)


def test_files_go_after_the_text_and_html_of_the_mail() -> None:
    document = json.dumps({"address": "aigerim@example.kz", "name": "Айгерім"}, ensure_ascii=False).encode()
    raw = compose(
        RENDERED,
        ENVELOPE,
        message_id="<data-export.1@1texno.kz>",
        now=NOW,
        attachments=[
            ("personal-data.json", "application/json", document),
            ("деректер.txt", "text/plain", b"x"),
        ],
    )

    message = _parse(raw)
    assert message.get_content_type() == "multipart/mixed"
    assert (message["Message-ID"], message["In-Reply-To"]) == (
        "<data-export.1@1texno.kz>",
        "<orig@example.kz>",
    )
    alternative, first, second = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    body = message.get_body(("plain",))
    assert body is not None and body.get_content() == "Здравствуйте!\n"
    assert (first.get_filename(), first.get_content_type()) == ("personal-data.json", "application/json")
    assert first.get_content() == document
    assert second.get_filename() == "деректер.txt"
    assert all(len(line) <= 78 for line in raw.split(b"\r\n"))


def test_a_mail_without_files_is_exactly_what_it_was() -> None:
    plain = compose(RENDERED, ENVELOPE, message_id="<ack.1@1texno.kz>", now=NOW)
    none = compose(RENDERED, ENVELOPE, message_id="<ack.1@1texno.kz>", now=NOW, attachments=())
    assert _boundaries_out(plain) == _boundaries_out(none)
    assert _parse(plain).get_content_type() == "multipart/alternative"
