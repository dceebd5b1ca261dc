"""Acknowledgements: rendered per language, threaded, marked as automatic replies."""

from __future__ import annotations

import email
import email.policy
import itertools
from datetime import UTC, datetime
from pathlib import Path

import pytest
from jinja2 import UndefinedError

from inboxbot.core.mail import parse_mail
from inboxbot.service.composer import Envelope, compose, new_message_id
from inboxbot.templating import DEFAULT_TEMPLATES, Templates

CONTEXT = {
    "ticket_number": "HB-2026-000042",
    "client_name": "Айгерім",
    "company": "ONETEXNO",
    "deadline_hours": "24",
    "received_local": "24.11.2026 10:00",
    "due_local": "25.11.2026 10:00",
    "address": "aigerim@example.kz",
    "segments": ["Новости", "SMS-акции"],
    # escalation mail to staff
    "level": "reminder",
    "category": "data_change",
    "intents": "data_change",
    "client_address": "aigerim@example.kz",
    "client_display": "Айгерім",
    "subject": "Телефон",
    "excerpt": "Сәлеметсіз бе!\nТелефонымды жаңартыңыз.",
    "remaining": "осталось 11 ч 5 мин",
    "overdue": False,
    "late": "",
    "show_command": "inboxbot tickets show HB-2026-000042",
    "resolve_command": 'inboxbot tickets resolve HB-2026-000042 --note "..."',
    # a staff member's reply, a closing notice
    "text": "Мы обновили ваш номер.",
    "paragraphs": [["Мы обновили ваш номер."]],
    "staff_name": "Айгерім",
    "language": "kk",
    "note": "",
    # staff told of new tickets (one, or a digest)
    "count": 1,
    "tickets": [
        {
            "number": "HB-2026-000042",
            "category": "data_change",
            "needs_review": False,
            "client_display": "Айгерім",
            "client_address": "aigerim@example.kz",
            "subject": "Телефон",
            "due_local": "25.11.2026 10:00",
            "remaining": "осталось 23 ч",
        }
    ],
    "more": 0,
    "list_command": "inboxbot tickets list",
    "reason": "new",
    "code": "123 456",
    "expires_local": "26.11.2026 10:00",
    "requests": ["data_change"],
    "done": ["data_change", "data_access", "data_deletion"],
    "refused": ["data_deletion"],
    "approve_command": "inboxbot tickets approve HB-2026-000042",
    # what is held about a client (an access request)
    "export": {
        "address": "aigerim@example.kz",
        "generated": "24.11.2026 10:00",
        "has_contact": True,
        "name": "Айгерім",
        "phone": "+77010000001",
        "language": "kk",
        "segments": ["Новости"],
        "suppressed": False,
        "suppressed_since": "",
        "history": 1,
        "tickets": [
            {
                "number": "HB-2026-000042",
                "received": "24.11.2026 10:00",
                "status": "open",
                "subject": "Деректер",
            }
        ],
        "mails": [{"at": "24.11.2026 10:00", "direction": "in", "subject": "Деректер"}],
        "filename": "personal-data-2026-11-24.json",
    },
}


@pytest.mark.parametrize(
    ("language", "words"),
    [("ru", "зарегистрировали обращение"), ("kk", "нөмірімен тіркелді"), ("en", "registered it as request")],
)
def test_acknowledgement_is_written_in_the_clients_language(language: str, words: str) -> None:
    rendered = Templates().render("ack", language, CONTEXT)
    assert rendered.language == language
    assert rendered.subject.startswith("[HB-2026-000042] ")
    assert words in rendered.text
    assert "HB-2026-000042" in rendered.html


def test_unknown_language_falls_back_to_the_default() -> None:
    assert Templates(fallback_language="ru").render("ack", "de", CONTEXT).language == "ru"


def test_html_part_escapes_what_the_client_wrote() -> None:
    rendered = Templates().render("ack", "en", {**CONTEXT, "client_name": "<script>x</script>"})
    assert "<script>x" not in rendered.html and "&lt;script&gt;" in rendered.html


def test_a_missing_variable_fails_instead_of_sending_a_broken_mail(tmp_path: Path) -> None:
    (tmp_path / "ack").mkdir()
    for suffix in ("subject.txt", "body.txt", "body.html"):
        (tmp_path / "ack" / f"en.{suffix}").write_text("{{ nothing_like_this }}")
    with pytest.raises(UndefinedError):
        Templates(tmp_path).render("ack", "en", CONTEXT)


def test_every_shipped_template_renders_in_every_language() -> None:
    for kind in sorted(
        p.name for p in DEFAULT_TEMPLATES.iterdir() if p.is_dir() and not p.name.startswith("_")
    ):
        for language in ("ru", "kk", "en"):
            assert Templates().render(kind, language, CONTEXT).language == language


@pytest.mark.parametrize("segments", [["Новости", "SMS-акции"], []])
def test_unsubscribe_confirmation_says_which_lists_the_address_left(segments: list[str]) -> None:
    rendered = Templates().render("unsubscribed", "ru", {**CONTEXT, "segments": segments})
    if segments:
        assert "из всех рассылок ONETEXNO: Новости, SMS-акции." in rendered.text
    else:
        assert "не было ни в одной из наших рассылок" in rendered.text
    assert "список исключений" in rendered.text


def test_composed_reply_threads_and_carries_rfc3834_headers() -> None:
    rendered = Templates().render("ack", "kk", CONTEXT)
    envelope = Envelope(
        "hello@1texno.kz",
        "ONETEXNO",
        "aigerim@example.kz",
        "Айгерім",
        "<orig@example.kz>",
        ("<older@example.kz>",),
    )
    message_id = new_message_id("hello@1texno.kz", "ack")
    raw = compose(rendered, envelope, message_id=message_id, now=datetime(2026, 11, 24, tzinfo=UTC))
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["In-Reply-To"] == "<orig@example.kz>"
    assert msg["References"] == "<older@example.kz> <orig@example.kz>"
    assert msg["Auto-Submitted"] == "auto-replied"
    assert msg["Message-ID"] == message_id and message_id.endswith("@1texno.kz>")
    assert msg.get_content_type() == "multipart/alternative"
    parsed = parse_mail(raw)
    assert (parsed.from_address, parsed.to, parsed.subject) == (
        "hello@1texno.kz",
        ("aigerim@example.kz",),
        "[HB-2026-000042] Өтінішіңіз тіркелді",
    )


def test_a_long_thread_is_folded_within_line_limits_and_keeps_every_reference() -> None:
    """Short plain headers take a shortcut past the folding machinery; long ones must still fold."""
    rendered = Templates().render("ack", "ru", CONTEXT)
    references = tuple(f"<message-{n:03d}.{'x' * 30}@mail.example.kz>" for n in range(30))
    envelope = Envelope("hello@1texno.kz", "ONETEXNO", "aigerim@example.kz", "", references[-1], references)
    raw = compose(rendered, envelope, message_id="<ack.1@1texno.kz>", now=datetime(2026, 11, 24, tzinfo=UTC))
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    folded = head[head.index("References:") :].split("\r\n")
    continued = list(itertools.takewhile(lambda line: line.startswith(" "), folded[1:]))
    assert len(continued) >= 19 and all(len(line) <= 78 for line in [folded[0], *continued])
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    kept = str(msg["References"]).split()
    assert kept == list(references[-20:])  # bounded, oldest dropped, the replied-to mail last
    assert msg["To"] == "aigerim@example.kz" and msg["Auto-Submitted"] == "auto-replied"
    assert msg.get_body(("plain",)).get_content().startswith("Здравствуйте")  # type: ignore[union-attr]


def test_an_operators_folder_overrides_one_template_and_keeps_the_rest(tmp_path: Path) -> None:
    (tmp_path / "ack").mkdir()
    (tmp_path / "ack" / "en.subject.txt").write_text("[{{ ticket_number }}] We have your mail")

    templates = Templates(tmp_path)
    ack = templates.render("ack", "en", CONTEXT)

    assert ack.subject == "[HB-2026-000042] We have your mail"
    assert "registered it as request" in ack.text  # the shipped body, not overridden
    assert templates.has("unsubscribed", "kk")
