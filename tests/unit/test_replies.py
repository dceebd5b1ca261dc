"""inboxbot never answers robots, bounces, itself, or the same person too often."""

from __future__ import annotations

import pytest

from inboxbot.core.intents import Classification, Intent
from inboxbot.core.mail import parse_mail
from inboxbot.core.replies import may_auto_reply

HUMAN = Classification((Intent.UNSUBSCRIBE,), "ru", 0.9, False)
ROBOT = Classification((Intent.AUTOMATED,), "en", 0.9, False)
OWN = frozenset({"hello@1texno.kz"})


def mail(sender: str, extra: str = "") -> bytes:
    return f"From: {sender}\r\n{extra}Subject: x\r\n\r\nbody\r\n".encode()


@pytest.mark.parametrize(
    ("raw", "verdict", "reason"),
    [
        (mail("client@example.kz"), ROBOT, "automated mail"),
        (mail("client@example.kz", "Return-Path: <>\r\n"), HUMAN, "null sender (bounce)"),
        (mail("MAILER-DAEMON@mx.example.kz"), HUMAN, "robot sender address"),
        (mail("no-reply@shop.kz"), HUMAN, "robot sender address"),
        (mail("Hello@1texno.kz"), HUMAN, "mail from our own address"),
        (mail("undisclosed-recipients:;"), HUMAN, "no sender address"),
    ],
)
def test_no_reply_to_robots_bounces_or_ourselves(raw: bytes, verdict: Classification, reason: str) -> None:
    decision = may_auto_reply(
        parse_mail(raw), verdict, own_addresses=OWN, sent_to_sender_today=0, daily_limit=3
    )
    assert (decision.send, decision.reason) == (False, reason)


def test_loop_guard_stops_after_the_daily_limit() -> None:
    parsed = parse_mail(mail("client@example.kz"))
    under = may_auto_reply(parsed, HUMAN, own_addresses=OWN, sent_to_sender_today=2, daily_limit=3)
    over = may_auto_reply(parsed, HUMAN, own_addresses=OWN, sent_to_sender_today=3, daily_limit=3)
    assert (under.send, over.send) == (True, False)
    assert over.reason.startswith("loop guard")
