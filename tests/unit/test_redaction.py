"""Finding an address in every spelling and taking it out, in text, JSON and raw mail; the keyed hash."""

from __future__ import annotations

import base64
import email
import email.policy
import quopri
from email.message import EmailMessage
from email.policy import SMTP

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inboxbot.core.address_hash import MIN_KEY_CHARS, PREFIX, HashKeyError, address_hasher
from inboxbot.core.redaction import MARKER, Needles, mentions, scrub_mail, scrub_value, spellings

ADDRESS = "asel@example.kz"
NEEDLES = Needles(ADDRESS)


def test_the_keyed_hash_is_stable_per_key_and_says_nothing_of_the_address() -> None:
    one, other = address_hasher("k" * MIN_KEY_CHARS), address_hasher("q" * MIN_KEY_CHARS)
    assert one(ADDRESS) == one(ADDRESS) != other(ADDRESS)
    assert one(ADDRESS).startswith(PREFIX) and len(one(ADDRESS)) == len(PREFIX) + 64
    assert "asel" not in one(ADDRESS) and "@" not in one(ADDRESS)
    assert "k" * MIN_KEY_CHARS not in repr(one)


@pytest.mark.parametrize(("key", "words"), [("", "is not set"), ("short", "5 characters long: 32")])
def test_an_unusable_key_is_refused_with_the_setting_named(key: str, words: str) -> None:
    with pytest.raises(HashKeyError, match=words) as refused:
        address_hasher(key)
    assert "identity.hash_key" in str(refused.value)


def test_an_address_is_known_with_its_domain_in_unicode_and_its_at_sign_escaped() -> None:
    assert spellings("иван@xn--e1afmkfd.xn--p1ai") == [
        "иван@xn--e1afmkfd.xn--p1ai",
        "иван@пример.рф",
        "иван%40xn--e1afmkfd.xn--p1ai",
        "иван%40пример.рф",
    ]
    assert Needles("иван@xn--e1afmkfd.xn--p1ai").found("Пишите: Иван@Пример.РФ.")


@pytest.mark.parametrize(
    "text",
    [
        "asel@example.kz",
        "To: <ASEL@Example.KZ>",
        "mailto:asel%40example.kz",
        "(asel@example.kz).",
        "asel@example.kz, ",
    ],
)
def test_whole_addresses_are_found_in_any_case(text: str) -> None:
    assert NEEDLES.found(text)
    assert not NEEDLES.found(NEEDLES.scrub(text))
    assert MARKER in NEEDLES.scrub(text)


@pytest.mark.parametrize(
    "text", ["vasel@example.kz", "asel@example.kz.evil.com", "asel@example.kzz", "x.asel@example.kz"]
)
def test_another_address_that_contains_it_is_left_alone(text: str) -> None:
    assert not NEEDLES.found(text)
    assert NEEDLES.scrub(text) == text


@given(
    st.lists(
        st.sampled_from(["asel@example.kz", "a", "@", ".", "-", "+", " ", "[", "z", "Ж", "\n"]), max_size=12
    )
)
def test_after_scrubbing_nothing_is_found(pieces: list[str]) -> None:
    assert not NEEDLES.found(NEEDLES.scrub("".join(pieces)))


def test_json_values_lose_the_address_wherever_it_is() -> None:
    value = {
        "to": ["asel@example.kz", "john@example.com"],
        "asel@example.kz": {"note": "call asel@example.kz"},
    }
    assert scrub_value(value, NEEDLES) == {
        "to": [MARKER, "john@example.com"],
        MARKER: {"note": f"call {MARKER}"},
    }


def _mail(
    body: str,
    *,
    cte: str = "base64",
    html: str | None = None,
    attachment: bytes | None = None,
    pdf: bool = False,
) -> bytes:
    msg = EmailMessage(policy=SMTP)
    msg["From"] = "Dana <dana@example.kz>"
    msg["To"] = "hello@1texno.kz"
    msg["Cc"] = "Асель <asel@example.kz>"
    msg["Subject"] = "Скидка"
    msg.set_content(body, charset="utf-8", cte=cte)
    if html is not None:
        msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    if attachment is not None:
        msg.add_attachment(attachment, maintype="text", subtype="csv", filename="contacts.csv")
    if pdf:
        msg.add_attachment(
            b"%PDF-1.4 ... asel@example.kz ...", maintype="application", subtype="pdf", filename="a.pdf"
        )
    return msg.as_bytes()


def _encoded_header(raw: bytes, text: str) -> bytes:
    """``raw`` with a header that holds ``text`` as an RFC 2047 encoded word only."""
    word = base64.b64encode(text.encode()).decode()
    return f"Comments: =?utf-8?b?{word}?=\r\n".encode() + raw


def test_an_address_hidden_by_an_encoding_is_found() -> None:
    body = _mail("Коллега Асель (asel@example.kz) тоже просит скидку.").split(b"\r\n\r\n", 1)[1]
    assert b"asel" not in body and mentions(b"Content-Transfer-Encoding: base64\r\n\r\n" + body, NEEDLES)
    assert mentions(_encoded_header(b"Subject: x\r\n\r\nnothing\r\n", "Асель asel@example.kz"), NEEDLES)
    quoted = quopri.encodestring("Коллега: asel@example.kz".encode())
    assert mentions(b"Content-Transfer-Encoding: quoted-printable\r\n\r\n" + quoted, NEEDLES)
    entities = _mail("нет адреса", html="<p>&#97;sel&#64;example.kz</p>")
    assert mentions(entities, NEEDLES)
    assert not mentions(_mail("Только john@example.com"), Needles("someone@example.kz"))


def test_a_scrubbed_mail_keeps_everything_but_the_address() -> None:
    raw = _mail(
        "Коллега Асель (asel@example.kz) тоже просит скидку.",
        html="<p>Пишите на <a href='mailto:asel@example.kz'>asel@example.kz</a>, спасибо</p>",
        attachment=b"email,name\nasel@example.kz,Asel\n",
        pdf=True,
    )
    raw = _encoded_header(raw, "про asel@example.kz")
    scrubbed = scrub_mail(raw, NEEDLES)

    assert scrubbed is not None and not mentions(scrubbed, NEEDLES)
    msg = email.message_from_bytes(scrubbed, policy=email.policy.default)
    assert msg["From"] == "Dana <dana@example.kz>" and msg["Subject"] == "Скидка"
    assert "Асель" in str(msg["Cc"]) and MARKER in str(msg["Cc"])
    assert str(msg["Comments"]) == f"про {MARKER}"
    assert msg.get_body(("plain",)).get_content().strip() == f"Коллега Асель ({MARKER}) тоже просит скидку."  # type: ignore[union-attr]
    assert "спасибо" in msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
    listed, document = msg.iter_attachments()
    assert listed.get_filename() == "contacts.csv" and listed.get_content() == f"email,name\n{MARKER},Asel\n"
    assert document.get_filename() == "a.pdf" and document.get_content() == MARKER.encode()


def test_a_mail_that_cannot_be_rewritten_without_the_address_is_given_up() -> None:
    # An address split by markup survives any rewriting but is still found: the caller drops the mail.
    raw = _mail("нет адреса", html="<p>asel<span>@</span>example.kz and &#97;sel&#64;example.kz</p>")
    assert scrub_mail(raw, NEEDLES) is None
