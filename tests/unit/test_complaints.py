"""Feedback-loop complaint reports: whose complaint it is, as Yahoo, Mail.ru and Microsoft send them."""

from __future__ import annotations

from pathlib import Path

import pytest

from inboxbot.core.complaints import ComplaintRecipient, complaint_recipient

DATA = Path(__file__).parent.parent / "data"


def fixture(name: str) -> bytes:
    return (DATA / "classify" / "automated" / f"{name}.eml").read_bytes()


def unsubscribe(token: str) -> str:
    return f"<https://1texno.kz/u/{token}>, <mailto:unsubscribe+{token}@1texno.kz>"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (  # the recipient's To redacted: only the original's List-Unsubscribe says who it was
            "arf-yahoo",
            ComplaintRecipient("", unsubscribe("8f3a2c91d4"), "abuse", "Yahoo!-Mail-Feedback/2.0"),
        ),
        (  # RFC 5965's Original-Rcpt-To, the original's header as text/rfc822-headers
            "arf-mailru",
            ComplaintRecipient("zhanna.k@mail.ru", unsubscribe("c0ffee7788"), "abuse", "Mail.Ru-FBL/1.0"),
        ),
        (  # To redacted, the recipient in X-HmXmrOriginalRecipient on the attached original
            "arf-microsoft-jmrp",
            ComplaintRecipient(
                "yerlan_b@hotmail.com",
                unsubscribe("5a5a5a5a5a"),
                "abuse",
                "Microsoft Junk Mail Reporting Program",
            ),
        ),
        (  # JMRP's older format: the original forwarded as it is, the recipient in a header of its own
            "jmrp-original-format",
            ComplaintRecipient("dina.s@outlook.com", "", "abuse", ""),
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
