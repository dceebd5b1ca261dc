"""One-click unsubscribe tokens: what they carry, what they refuse, how keys rotate."""

from __future__ import annotations

import base64
from datetime import date

import pytest

from inboxbot.core.unsubscribe_links import (
    MAC_BYTES,
    LinkKeyError,
    LinkKeys,
    LinkTarget,
    header_lines,
    link_keys,
    token_in_subject,
)

KEY = "k" * 40
OLD = "o" * 40
TODAY = date(2026, 12, 2)


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def test_a_token_names_its_address_and_segment_and_is_url_safe() -> None:
    keys = link_keys(KEY)
    token = keys.make("Asel.Nur@Example.KZ", "Новости")

    assert keys.read(token, TODAY) == LinkTarget("asel.nur@example.kz", "Новости")
    assert keys.read(keys.make("asel@example.kz"), TODAY) == LinkTarget("asel@example.kz", None)
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
    assert token.split(".")[0] == b64("asel.nur@example.kz|Новости")  # the address is recoverable
    assert len(base64.urlsafe_b64decode(token.split(".")[1] + "==")) == MAC_BYTES


def test_the_same_address_in_any_case_gives_the_same_token() -> None:
    keys = link_keys(KEY)
    assert keys.make("ASEL@EXAMPLE.KZ") == keys.make("asel@example.kz")


def test_an_address_with_a_bar_in_its_local_part_reads_back_whole() -> None:
    keys = link_keys(KEY)
    assert keys.read(keys.make("a|b@example.kz", "x|y"), TODAY) == LinkTarget("a|b@example.kz", "x|y")


@pytest.mark.parametrize(
    "alter",
    [
        pytest.param(lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), id="mac changed"),
        pytest.param(lambda t: b64("other@example.kz") + "." + t.split(".")[1], id="address changed"),
        pytest.param(lambda t: b64("asel@example.kz|Promo") + "." + t.split(".")[1], id="segment changed"),
        pytest.param(lambda t: b64("asel@example.kz") + "." + t.split(".")[1], id="segment removed"),
        pytest.param(lambda t: t.split(".")[0], id="mac missing"),
        pytest.param(lambda t: t + "x", id="mac lengthened"),
        pytest.param(lambda t: t.replace(".", ".."), id="garbled"),
        pytest.param(lambda t: "", id="empty"),
    ],
)
def test_an_altered_token_is_refused(alter: object) -> None:
    keys = link_keys(KEY)
    token = keys.make("asel@example.kz", "Новости")
    assert callable(alter)
    assert keys.read(alter(token), TODAY) is None


def test_a_token_of_another_key_is_refused() -> None:
    forged = link_keys("f" * 40).make("asel@example.kz")
    assert link_keys(KEY).read(forged, TODAY) is None


def test_another_spelling_of_the_same_bytes_is_refused() -> None:
    keys = link_keys(KEY)
    payload, mac = keys.make("ab@example.kz").split(".")  # 13 bytes: the last character has spare bits
    last = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".index(payload[-1])
    respelled = payload[:-1] + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[last ^ 1]
    assert respelled != payload
    assert keys.read(f"{respelled}.{mac}", TODAY) is None


def test_old_keys_work_until_the_end_of_their_date_then_stop() -> None:
    before = link_keys(OLD).make("asel@example.kz")
    rotated = link_keys(KEY, f" {OLD} , {'p' * 40}", date(2026, 12, 31))

    assert rotated.read(before, date(2026, 12, 31)) == LinkTarget("asel@example.kz")
    assert rotated.read(before, date(2027, 1, 1)) is None
    new = rotated.make("asel@example.kz")  # made with the current key only
    assert new != before and link_keys(KEY).read(new, TODAY) is not None


def test_old_keys_without_an_end_date_are_not_accepted() -> None:
    before = link_keys(OLD).make("asel@example.kz")
    assert link_keys(KEY, OLD, None).read(before, TODAY) is None


def test_no_key_or_a_short_key_is_refused() -> None:
    with pytest.raises(LinkKeyError, match="INBOXBOT_LINKS__KEY"):
        link_keys("")
    with pytest.raises(LinkKeyError, match="32 characters"):
        LinkKeys("short")
    with pytest.raises(LinkKeyError, match="previous_keys"):
        link_keys(KEY, "too-short", TODAY)


def test_only_an_address_gets_a_token() -> None:
    keys = link_keys(KEY)
    for bad in ("", "no-at-sign", "a@b@c.kz", "two words@example.kz"):
        with pytest.raises(ValueError, match="not an e-mail address"):
            keys.make(bad)
    with pytest.raises(ValueError, match="one non-empty line"):
        keys.make("asel@example.kz", "two\nlines")


def test_the_headers_name_the_link_then_the_mailto_form() -> None:
    token = link_keys(KEY).make("asel@example.kz")
    assert header_lines("https://inbox.1texno.kz/", "hello@1texno.kz", token) == (
        f"List-Unsubscribe: <https://inbox.1texno.kz/u/{token}>, "
        f"<mailto:hello@1texno.kz?subject=unsubscribe-{token}>",
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
    )


def test_the_token_is_found_in_a_mailto_subject_and_nowhere_else() -> None:
    token = link_keys(KEY).make("asel@example.kz")
    for subject in (f"unsubscribe-{token}", f"  Re: RE:unsubscribe-{token}  ", f"Fwd: Unsubscribe-{token}"):
        assert token_in_subject(subject) == token
    for subject in ("unsubscribe", f"please unsubscribe-{token}", f"unsubscribe-{token} now", ""):
        assert token_in_subject(subject) is None
