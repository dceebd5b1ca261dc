"""Feedback-loop complaint reports: whose complaint it is, as Yahoo, Mail.ru and Microsoft send them."""

from __future__ import annotations

from pathlib import Path

import pytest

from inboxbot.core.complaints import ComplaintRecipient, complaint_recipient, sent_from, unsubscribe_tokens

DATA = Path(__file__).parent.parent / "data"


def fixture(name: str) -> bytes:
    return (DATA / "classify" / "automated" / f"{name}.eml").read_bytes()


def unsubscribe(token: str) -> str:
    return f"<https://1texno.kz/u/{token}>, <mailto:unsubscribe+{token}@1texno.kz>"


def ours(token: str) -> tuple[str, ...]:
    """The original's senders as our newsletters carry them: the envelope's bounce address, then From."""
    return (f"bounce-2026-12-{token}@news.1texno.kz", "news@1texno.kz")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (  # the recipient's To redacted: only the original's List-Unsubscribe says who it was
            "arf-yahoo",
            ComplaintRecipient(
                "", unsubscribe("8f3a2c91d4"), "abuse", "Yahoo!-Mail-Feedback/2.0", ours("8f3a2c91d4")
            ),
        ),
        (  # RFC 5965's Original-Rcpt-To, the original's header as text/rfc822-headers
            "arf-mailru",
            ComplaintRecipient(
                "zhanna.k@mail.ru", unsubscribe("c0ffee7788"), "abuse", "Mail.Ru-FBL/1.0", ours("c0ffee7788")
            ),
        ),
        (  # To redacted, the recipient in X-HmXmrOriginalRecipient on the attached original
            "arf-microsoft-jmrp",
            ComplaintRecipient(
                "yerlan_b@hotmail.com",
                unsubscribe("5a5a5a5a5a"),
                "abuse",
                "Microsoft Junk Mail Reporting Program",
                ours("5a5a5a5a5a"),
            ),
        ),
        (  # JMRP's older format: the original forwarded as it is, the recipient in a header of its own
            "jmrp-original-format",
            ComplaintRecipient(
                "dina.s@outlook.com", "", "abuse", "", ("news@1texno.kz", "staff@hotmail.com")
            ),
        ),
    ],
)
def test_the_complaining_recipient_is_read_from_each_provider_s_report(
    name: str, expected: ComplaintRecipient
) -> None:
    assert complaint_recipient(fixture(name)) == expected


def test_a_report_with_an_unquoted_outlook_style_boundary_is_still_read() -> None:
    raw = fixture("arf-mailru").replace(b'boundary="fbl_71b2c4e0"', b"boundary=----=_fbl_71b2c4e0")
    raw = raw.replace(b"--fbl_71b2c4e0", b"------=_fbl_71b2c4e0")
    found = complaint_recipient(raw)
    assert found is not None and found.address == "zhanna.k@mail.ru"


@pytest.mark.parametrize(
    "raw",
    [
        fixture("postfix-bounce"),
        fixture("mailman-held-for-moderation"),
        fixture("human-on-behalf-of-director"),
        b"",
        b"\x00\xff garbage",
    ],
)
def test_anything_but_a_complaint_report_has_no_complaining_recipient(raw: bytes) -> None:
    assert complaint_recipient(raw) is None


def test_a_complaint_report_whose_body_is_lost_is_a_complaint_about_nobody_known() -> None:
    raw = b"Content-Type: multipart/report; report-type=feedback-report\r\n\r\n--x\r\n"
    assert complaint_recipient(raw) == ComplaintRecipient("", "", "abuse", "")


@pytest.mark.parametrize("name", ["arf-yahoo", "arf-mailru", "arf-microsoft-jmrp", "jmrp-original-format"])
def test_a_report_about_our_newsletter_says_it_was_sent_from_our_domain(name: str) -> None:
    found = complaint_recipient(fixture(name))
    assert found is not None
    assert sent_from(found, ["1texno.kz"])
    assert not sent_from(found, ["othershop.kz"])


def test_a_report_about_another_company_s_mail_was_not_sent_from_our_domain() -> None:
    raw = fixture("arf-mailru").replace(b"1texno.kz", b"othershop.kz")
    found = complaint_recipient(raw)
    assert found is not None and found.address == "zhanna.k@mail.ru"
    assert found.senders == ("bounce-2026-12-c0ffee7788@news.othershop.kz", "news@othershop.kz")
    assert not sent_from(found, ["1texno.kz"])


def test_a_domain_that_merely_ends_like_ours_is_not_ours() -> None:
    found = ComplaintRecipient("a@mail.ru", "", "abuse", "", ("news@fake1texno.kz", "x@1texno.kz.evil.com"))
    assert not sent_from(found, ["1texno.kz"])


def test_a_report_without_its_original_names_no_sender_but_the_envelope_s() -> None:
    raw = (
        b"From: FBL <fbl@hello.kz>\r\nContent-Type: multipart/report; report-type=feedback-report;"
        b' boundary="b"\r\n\r\n--b\r\nContent-Type: message/feedback-report\r\n\r\n'
        b"Feedback-Type: abuse\r\nOriginal-Mail-From: <bounce@news.1texno.kz>\r\n\r\n--b--\r\n"
    )
    found = complaint_recipient(raw)
    assert found is not None and found.senders == ("bounce@news.1texno.kz",)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (unsubscribe("8f3a2c91d4"), ("8f3a2c91d4",)),
        ("<https://1texno.kz/u/tok_1.2-3/>", ("tok_1.2-3",)),
        ("<mailto:hello@1texno.kz?subject=unsubscribe-AbC123>", ("AbC123",)),
        ("<mailto:hello@1texno.kz?subject=unsubscribe%2DAbC123&body=x>", ("AbC123",)),
        ("<https://1texno.kz/u/one>, <mailto:hello@1texno.kz?subject=unsubscribe-two>", ("one", "two")),
        ("<https://other.kz/unsubscribe?id=5>, <mailto:leave@other.kz>", ()),
        ("https://1texno.kz/u/not-in-brackets", ()),
        ("<javascript:alert(1)//u/x>", ()),
        ("", ()),
    ],
)
def test_the_tokens_of_unsubscribe_links_are_read_from_list_unsubscribe(
    value: str, expected: tuple[str, ...]
) -> None:
    assert unsubscribe_tokens(value) == expected
