"""Authentication-Results (RFC 8601): only our MX's verdict verifies a sender; forgeries never do."""

from __future__ import annotations

from typing import Any

import pytest

from inboxbot.core.authresults import (
    AuthenticationResults,
    MalformedHeader,
    MethodResult,
    aligned,
    parse_authentication_results,
    verify_sender,
)

TRUSTED = frozenset({"mx.1texno.kz"})
FROM = ("from", "Aigul <client@example.kz>")
OUR_RECEIVED = ("received", "from mail.example.kz by mx.1texno.kz with ESMTPS id 4Xy; Tue, 24 Nov 2026")
THEIR_RECEIVED = ("received", "from [10.0.0.5] by mail.example.kz; Tue, 24 Nov 2026")


def ours(*values: str, from_: tuple[str, str] = FROM) -> list[tuple[str, str]]:
    """A mail as our MX leaves it: its results on top, its Received header, then the sender's headers."""
    return [*(("authentication-results", v) for v in values), OUR_RECEIVED, THEIR_RECEIVED, from_]


GENUINE = [
    (
        "opendmarc pass with a comment",
        ours("mx.1texno.kz; dmarc=pass (p=reject dis=none) header.from=example.kz"),
        "example.kz",
        "dmarc=pass for example.kz",
    ),
    (
        "dkim signed by the From domain itself",
        ours("mx.1texno.kz; dkim=pass (2048-bit key) header.d=example.kz header.s=s1 header.b=Kr4y/0J+"),
        "example.kz",
        "dkim=pass by example.kz, aligned with example.kz",
    ),
    (
        "dkim signed by a subdomain of the From domain (relaxed alignment)",
        ours("mx.1texno.kz; dkim=pass header.d=mail.example.kz; dmarc=none header.from=example.kz"),
        "example.kz",
        "dkim=pass by mail.example.kz, aligned with example.kz",
    ),
    (
        "dkim signed by the parent of the From domain",
        ours(
            "mx.1texno.kz; dkim=pass header.d=example.kz",
            from_=("from", "news@news.example.kz"),
        ),
        "news.example.kz",
        "dkim=pass by example.kz, aligned with news.example.kz",
    ),
    (
        "keywords and domains in any case",
        ours("MX.1TEXNO.KZ; DMARC=PASS header.from=EXAMPLE.KZ"),
        "Example.KZ",
        "dmarc=pass for example.kz",
    ),
    (
        "opendkim and opendmarc each add a header, with their filter lines between",
        [
            ("dmarc-filter", "OpenDMARC Filter v1.4.2 mx.1texno.kz 4Xy"),
            ("authentication-results", "mx.1texno.kz; dmarc=pass header.from=example.kz"),
            ("dkim-filter", "OpenDKIM Filter v2.11.0 mx.1texno.kz 4Xy"),
            ("authentication-results", "mx.1texno.kz; dkim=pass header.d=example.kz"),
            OUR_RECEIVED,
            FROM,
        ],
        "example.kz",
        "dmarc=pass for example.kz",
    ),
    (
        "white space, folding and a version around the results",
        ours("mx.1texno.kz 1;\r\n\tdmarc = pass\r\n\t(p=none) header.from = example.kz ;"),
        "example.kz",
        "dmarc=pass for example.kz",
    ),
    (
        "a quoted authserv-id",
        ours('"mx.1texno.kz"; dmarc=pass header.from=example.kz'),
        "example.kz",
        "dmarc=pass for example.kz",
    ),
    (
        "an internationalised From domain against its punycode",
        ours(
            "mx.1texno.kz; dmarc=pass header.from=xn--e1afmkfd.kz",
            from_=("from", "client@пример.kz"),
        ),
        "пример.kz",
        "dmarc=pass for xn--e1afmkfd.kz",
    ),
    (
        "a display name with a comma, as ParsedMail decodes it",
        ours(
            "mx.1texno.kz; dmarc=pass header.from=example.kz",
            from_=("from", "Иванова, Айгуль <client@example.kz>"),
        ),
        "example.kz",
        "dmarc=pass for example.kz",
    ),
    (
        "another server's failing header above ours is ignored",
        [
            ("authentication-results", "filter.internal; dmarc=fail header.from=example.kz"),
            ("authentication-results", "mx.1texno.kz; dmarc=pass header.from=example.kz"),
            OUR_RECEIVED,
            FROM,
        ],
        "example.kz",
        "dmarc=pass for example.kz",
    ),
    (
        "a failing header the sender wrote below our Received is ignored",
        [
            ("authentication-results", "mx.1texno.kz; dkim=pass header.d=example.kz"),
            OUR_RECEIVED,
            ("authentication-results", "mx.1texno.kz; dmarc=fail header.from=example.kz"),
            FROM,
        ],
        "example.kz",
        "dkim=pass by example.kz, aligned with example.kz",
    ),
]


@pytest.mark.parametrize(("case", "headers", "from_domain", "reason"), GENUINE, ids=[g[0] for g in GENUINE])
def test_our_mx_saying_dmarc_pass_or_aligned_dkim_pass_verifies_the_sender(
    case: str, headers: list[tuple[str, str]], from_domain: str, reason: str
) -> None:
    verdict = verify_sender(headers, from_domain, TRUSTED)
    assert (True, reason) == (verdict.verified, verdict.reason), case


def forged(case: str, headers: list[tuple[str, str]], reason: str, from_domain: str = "example.kz") -> Any:
    return pytest.param(headers, from_domain, reason, id=case)


FORGED = [
    forged("dmarc fails", ours("mx.1texno.kz; dmarc=fail header.from=example.kz"), "dmarc=fail"),
    forged(
        "dmarc fails although an aligned dkim passes (strict alignment in the domain's policy)",
        ours("mx.1texno.kz; dkim=pass header.d=mail.example.kz; dmarc=fail header.from=example.kz"),
        "dmarc=fail",
    ),
    forged(
        "dkim passes for an unrelated domain",
        ours("mx.1texno.kz; dkim=pass header.d=evil.kz"),
        "dkim=pass only for evil.kz",
    ),
    forged(
        "dkim passes for a domain that merely starts with the From domain",
        ours("mx.1texno.kz; dkim=pass header.d=example.kz.evil.com"),
        "dkim=pass only for example.kz.evil.com",
    ),
    forged(
        "dkim passes for a domain that merely ends with the From domain's letters",
        ours("mx.1texno.kz; dkim=pass header.d=notexample.kz"),
        "dkim=pass only for notexample.kz",
    ),
    forged(
        "dkim passes for a bare TLD", ours("mx.1texno.kz; dkim=pass header.d=kz"), "dkim=pass only for kz"
    ),
    forged(
        "dkim passes for a public suffix above the From domain",
        ours("mx.1texno.kz; dkim=pass header.d=com.kz", from_=("from", "ceo@bank.com.kz")),
        "dkim=pass only for com.kz",
        from_domain="bank.com.kz",
    ),
    forged(
        "dkim passes for a neighbour under a public suffix",
        ours("mx.1texno.kz; dkim=pass header.d=attacker.com.kz", from_=("from", "ceo@bank.com.kz")),
        "dkim=pass only for attacker.com.kz",
        from_domain="bank.com.kz",
    ),
    forged(
        "dkim's identity names the From domain but the signing domain is another",
        ours("mx.1texno.kz; dkim=pass header.i=@example.kz header.d=evil.kz"),
        "dkim=pass only for evil.kz",
    ),
    forged(
        "dmarc passes for another domain",
        ours("mx.1texno.kz; dmarc=pass header.from=evil.kz"),
        "no dmarc=pass or aligned dkim=pass",
    ),
    forged(
        "dmarc passes for a longer domain",
        ours("mx.1texno.kz; dmarc=pass header.from=example.kz.evil.com"),
        "no dmarc=pass or aligned dkim=pass",
    ),
    forged(
        "dmarc passes for a look-alike domain (Cyrillic а)",
        ours("mx.1texno.kz; dmarc=pass header.from=exаmple.kz"),
        "no dmarc=pass or aligned dkim=pass",
    ),
    forged(
        "dmarc passes without saying for which domain",
        ours("mx.1texno.kz; dmarc=pass"),
        "no dmarc=pass or aligned dkim=pass",
    ),
    forged(
        "a look-alike method and result",
        ours("mx.1texno.kz; x-dmarc=pass header.from=example.kz; dmarc=passed header.from=example.kz"),
        "(x-dmarc=pass, dmarc=passed)",
    ),
    forged(
        "an untrusted server says pass",
        ours("mx.evil.kz; dmarc=pass header.from=example.kz"),
        "no Authentication-Results from a trusted server",
    ),
    forged(
        "an authserv-id that only starts like ours",
        ours("mx.1texno.kz.evil.com; dmarc=pass header.from=example.kz"),
        "no Authentication-Results from a trusted server",
    ),
    forged(
        "our id quoted together with a smuggled result",
        ours('"mx.1texno.kz; dmarc=pass header.from=example.kz"; dkim=none'),
        "no Authentication-Results from a trusted server",
    ),
    forged(
        "ARC and X- copies of the header",
        [
            ("arc-authentication-results", "i=1; mx.1texno.kz; dmarc=pass header.from=example.kz"),
            ("x-authentication-results", "mx.1texno.kz; dmarc=pass header.from=example.kz"),
            OUR_RECEIVED,
            FROM,
        ],
        "no Authentication-Results from a trusted server",
    ),
    forged(
        "a header with our id that the sender wrote below our Received",
        [
            ("authentication-results", "mx.1texno.kz; dkim=none; dmarc=none header.from=example.kz"),
            OUR_RECEIVED,
            ("authentication-results", "mx.1texno.kz; dmarc=pass header.from=example.kz"),
            FROM,
        ],
        "(dkim=none, dmarc=none)",
    ),
    forged(
        "another server's pass while ours fails",
        [
            ("authentication-results", "mx.1texno.kz; dkim=fail header.d=example.kz"),
            ("authentication-results", "spamfilter.example.kz; dkim=pass header.d=example.kz"),
            OUR_RECEIVED,
            FROM,
        ],
        "(dkim=fail)",
    ),
    forged(
        "dmarc=pass inside a comment",
        ours("mx.1texno.kz; dmarc=fail (dmarc=pass header.from=example.kz) header.from=example.kz"),
        "dmarc=fail",
    ),
    forged(
        "a whole result inside a nested comment",
        ours("mx.1texno.kz; dkim=none (see (really) ; dmarc=pass header.from=example.kz)"),
        "(dkim=none)",
    ),
    forged(
        "dmarc=pass inside a quoted reason",
        ours('mx.1texno.kz; dkim=fail reason="; dmarc=pass header.from=example.kz"'),
        "(dkim=fail)",
    ),
    forged(
        "dmarc=pass after an escaped quote inside a quoted reason",
        ours('mx.1texno.kz; dkim=fail reason="bad \\"; dmarc=pass header.from=example.kz"'),
        "(dkim=fail)",
    ),
    forged(
        "dmarc=pass inside a quoted property value",
        ours('mx.1texno.kz; spf=pass smtp.mailfrom="x; dmarc=pass header.from=example.kz"@evil.kz'),
        "(spf=pass)",
    ),
    forged(
        "an unterminated comment",
        ours("mx.1texno.kz; dkim=fail (dmarc=pass header.from=example.kz"),
        "is malformed: unterminated comment",
    ),
    forged(
        "an unterminated quoted string",
        ours('mx.1texno.kz; dkim=fail reason="x; dmarc=pass header.from=example.kz'),
        "is malformed: unterminated quoted string",
    ),
    forged(
        "a stray closing parenthesis",
        ours("mx.1texno.kz; dkim=fail) ; dmarc=pass header.from=example.kz"),
        "is malformed",
    ),
    forged(
        "a result glued on without a semicolon",
        ours("mx.1texno.kz; dkim=fail dmarc=pass header.from=example.kz"),
        "is malformed: unexpected 'dmarc'",
    ),
    forged(
        "a second header injected into the value",
        ours(
            "mx.1texno.kz; dkim=fail\r\nAuthentication-Results: mx.1texno.kz; dmarc=pass header.from=example.kz"
        ),
        "is malformed",
    ),
    forged(
        "our id with every result hidden in a comment",
        ours("mx.1texno.kz (dmarc=pass header.from=example.kz)"),
        "is malformed: no results",
    ),
    forged(
        "an unknown version",
        ours("mx.1texno.kz 2; dmarc=pass header.from=example.kz"),
        "is malformed: unsupported version",
    ),
    forged(
        "two addresses in From",
        ours(
            "mx.1texno.kz; dmarc=pass header.from=example.kz",
            from_=("from", "client@example.kz, boss@evil.kz"),
        ),
        "the From header does not hold exactly one address",
    ),
    forged(
        "two From headers",
        [*ours("mx.1texno.kz; dmarc=pass header.from=example.kz"), ("from", "boss@evil.kz")],
        "2 From headers",
    ),
    forged("no From header", ours("mx.1texno.kz; dmarc=pass header.from=example.kz")[:-1], "0 From headers"),
    forged(
        "the From domain hidden in the display name",
        ours(
            "mx.1texno.kz; dmarc=pass header.from=example.kz",
            from_=("from", '"client@example.kz" <x@evil.kz>'),
        ),
        "the From domain 'evil.kz' is not 'example.kz'",
    ),
    forged("no Authentication-Results at all", [OUR_RECEIVED, FROM], "no Authentication-Results"),
    forged(
        "our MX found nothing to check",
        ours("mx.1texno.kz 1; none"),
        "no dmarc=pass or aligned dkim=pass for example.kz (none)",
    ),
    forged(
        "only spf passes",
        ours("mx.1texno.kz; spf=pass smtp.mailfrom=client@example.kz; dkim=none; dmarc=temperror"),
        "(spf=pass, dkim=none, dmarc=temperror)",
    ),
]


@pytest.mark.parametrize(("headers", "from_domain", "reason"), FORGED)
def test_forged_or_failing_results_never_verify_the_sender(
    headers: list[tuple[str, str]], from_domain: str, reason: str
) -> None:
    verdict = verify_sender(headers, from_domain, TRUSTED)
    expected = (False, True)  # not verified, for the reason given
    assert expected == (verdict.verified, reason in verdict.reason), verdict.reason
    assert "\n" not in verdict.reason


def test_the_spoofing_table_has_at_least_twenty_forgeries() -> None:
    assert len(FORGED) >= 20


def test_a_reason_reads_as_one_line_a_person_understands() -> None:
    verdict = verify_sender(
        ours("mx.1texno.kz; dkim=pass header.d=evil.kz; dmarc=none"), "example.kz", TRUSTED
    )
    expected = "no dmarc=pass or aligned dkim=pass for example.kz (dkim=pass, dmarc=none; dkim=pass only for evil.kz)"
    assert expected == verdict.reason


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "mx.1texno.kz; dkim=pass header.d=example.kz header.b=Kr4y/0J+=; spf=softfail (x) smtp.mailfrom=a@b.kz",
            AuthenticationResults(
                "mx.1texno.kz",
                (
                    MethodResult("dkim", "pass", "", (("header.d", "example.kz"), ("header.b", "Kr4y/0J+="))),
                    MethodResult("spf", "softfail", "", (("smtp.mailfrom", "a@b.kz"),)),
                ),
            ),
        ),
        ("mx.1texno.kz 1; none", AuthenticationResults("mx.1texno.kz", ())),
        (
            'mx.1texno.kz; dkim/1=fail reason="signature (expired)" header.d=x.kz',
            AuthenticationResults(
                "mx.1texno.kz",
                (MethodResult("dkim", "fail", "signature (expired)", (("header.d", "x.kz"),)),),
            ),
        ),
        (
            'mx.1texno.kz; spf=pass smtp.mailfrom="a b"@x.kz',
            AuthenticationResults(
                "mx.1texno.kz", (MethodResult("spf", "pass", "", (("smtp.mailfrom", "a b@x.kz"),)),)
            ),
        ),
    ],
)
def test_a_header_is_parsed_as_rfc_8601_reads_it(value: str, expected: AuthenticationResults) -> None:
    assert expected == parse_authentication_results(value)


@pytest.mark.parametrize(
    ("value", "message", "authserv_id"),
    [
        ("", "a value is missing", None),
        (
            "spf=pass smtp.mailfrom=contoso.com; dmarc=pass action=none header.from=contoso.com",
            "expected ';'",
            "spf",
        ),
        ("mx.1texno.kz; dmarc", "expected '='", "mx.1texno.kz"),
        ("mx.1texno.kz; dmarc=", "a value is missing", "mx.1texno.kz"),
        ("mx.1texno.kz; dmarc=pa$$", "invalid result", "mx.1texno.kz"),
        ("mx.1texno.kz; header.from=x.kz", "invalid method name", "mx.1texno.kz"),
    ],
)
def test_a_malformed_header_says_why_and_whose_it_was(
    value: str, message: str, authserv_id: str | None
) -> None:
    with pytest.raises(MalformedHeader, match=message) as caught:
        parse_authentication_results(value)
    assert authserv_id == caught.value.authserv_id


@pytest.mark.parametrize(
    ("signer", "from_domain", "expected"),
    [
        ("example.kz", "example.kz", True),
        ("EXAMPLE.kz.", "example.kz", True),
        ("mail.example.kz", "example.kz", True),
        ("example.kz", "news.example.kz", True),
        ("bank.com.kz", "mail.bank.com.kz", True),
        ("mail.example.kz", "news.example.kz", False),  # siblings: aligned in DMARC, not here (conservative)
        ("evil.kz", "example.kz", False),
        ("notexample.kz", "example.kz", False),
        ("kz", "example.kz", False),
        ("com.kz", "bank.com.kz", False),
        ("", "example.kz", False),
        ("exa_mple.kz", "exa_mple.kz", False),
    ],
)
def test_alignment_is_relaxed_but_never_across_a_public_suffix(
    signer: str, from_domain: str, expected: bool
) -> None:
    assert expected == aligned(signer, from_domain)


def test_a_trusted_header_below_the_topmost_received_is_forged_even_when_ours_is_missing() -> None:
    headers = [
        ("Received", "from mail.evil.example by mx.1texno.kz; Tue, 1 Dec 2026 10:00:00 +0000"),
        ("Authentication-Results", "mx.1texno.kz; dmarc=pass header.from=client.kz"),
        ("From", "Aigerim <aigerim@client.kz>"),
    ]
    verdict = verify_sender(headers, "client.kz", {"mx.1texno.kz"})
    assert not verdict.verified
    assert verdict.reason == "no Authentication-Results from a trusted server"
