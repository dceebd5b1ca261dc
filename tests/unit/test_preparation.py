"""Robots first, then the body: a mail whose body cannot be read is still judged by its headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from inboxbot.core.classify import classify
from inboxbot.core.intents import Classification, Intent
from inboxbot.core.mail import ParsedMail, ParseLimits
from inboxbot.service.preparation import prepare

DATA = Path(__file__).parent.parent / "data"
LIMITS = ParseLimits()


def mail(folder: str, name: str) -> bytes:
    return (DATA / folder / name).read_bytes()


@pytest.mark.parametrize(
    ("name", "robot_rule", "problem"),
    [
        (
            "postfix-bounce-no-boundary.eml",
            "null_sender",
            "multipart/report declares no boundary, and its body is only",
        ),
        ("exchange-ndr-bad-base64.eml", "auto_header", "undecodable base64 in the text/plain body"),
        (
            "exim-bounce-garbled.eml",
            "auto_header",
            'multipart/report declares boundary "1733029502-eximdsn-1804289383"',
        ),
        ("yandex-bounce-broken-html.eml", "robot_sender", "undecodable base64 in the text/html body"),
        (
            "mailru-bounce-empty-body.eml",
            "robot_sender",
            "multipart/report declares no boundary, and its body has no text",
        ),
    ],
)
def test_a_bounce_whose_body_cannot_be_read_is_automated_by_its_headers(
    name: str, robot_rule: str, problem: str
) -> None:
    prepared = prepare(mail("classify/automated", name), None, LIMITS, classify)
    assert prepared.unreadable == "" and prepared.verdict is not None and prepared.mail is not None
    assert prepared.verdict.intents == (Intent.AUTOMATED,)
    rules = {e.rule: e.words for e in prepared.verdict.evidence}
    assert robot_rule in rules and rules["unreadable_body"].startswith(problem)
    assert prepared.mail.body_unreadable.startswith(problem) and prepared.mail.text == ""
    assert prepared.key == f"mid:{prepared.mail.message_id}"


def test_a_person_s_mail_with_nothing_readable_stays_unreadable_with_what_was_wrong() -> None:
    prepared = prepare(mail("mail", "no-boundary-base64-only.eml"), None, LIMITS, classify)
    assert (prepared.mail, prepared.verdict) == (None, None)
    assert prepared.unreadable == (
        "multipart/mixed declares no boundary, and its body is only encoded (base64) data, "
        "with no part headers to say what it is"
    )


def test_an_oversized_bounce_of_which_only_the_header_was_fetched_is_automated() -> None:
    head = mail("classify/automated", "exim-bounce.eml").split(b"\r\n\r\n")[0] + b"\r\n\r\n"
    prepared = prepare(head, 40_000_000, LIMITS, classify)
    assert prepared.verdict is not None and prepared.verdict.is_automated
    assert "exceeds the 26214400-byte limit" in prepared.verdict.evidence[-1].words


def test_an_oversized_mail_from_a_person_stays_unreadable() -> None:
    head = b"From: Client <client@example.kz>\r\nSubject: scans\r\nMessage-ID: <big@example.kz>\r\n\r\n"
    prepared = prepare(head, 40_000_000, LIMITS, classify)
    assert prepared.verdict is None and "exceeds the 26214400-byte limit" in prepared.unreadable


def failing_on_bodies(parsed: ParsedMail) -> Classification:
    """A classifier with a bug that only the body of a mail triggers."""
    if parsed.text:
        raise RuntimeError("a bug")
    return classify(parsed)


def test_a_robot_that_trips_the_classifier_on_its_body_is_still_automated_and_the_bug_is_kept() -> None:
    prepared = prepare(mail("classify/automated", "postfix-bounce.eml"), None, LIMITS, failing_on_bodies)
    assert prepared.verdict is not None and prepared.verdict.is_automated
    assert "RuntimeError: a bug" in prepared.failure
    assert prepared.verdict.evidence[-1].words == "the classifier failed on this mail (RuntimeError)"


def test_a_person_s_mail_that_trips_the_classifier_stays_unreadable() -> None:
    prepared = prepare(mail("mail", "undeclared-8bit.eml"), None, LIMITS, failing_on_bodies)
    assert (
        prepared.verdict is None
        and prepared.unreadable == "the classifier failed on this mail (RuntimeError)"
    )
