"""``[backends.NAME]`` sections become adapters, or a refusal that names the offending key."""

from __future__ import annotations

import httpx
import pytest

from inboxbot.adapters.platforms import KINDS, PlatformConfigError, build_platform
from inboxbot.adapters.platforms.base import HttpPlatform
from tests.integration.platforms.conftest import VENDORS, assert_no_secret

pytestmark = pytest.mark.integration


def test_every_kind_says_what_it_needs() -> None:
    assert sorted(KINDS) == ["brevo", "listmonk", "mailchimp", "sendpulse", "unisender"]
    assert (KINDS["listmonk"].required_options, KINDS["listmonk"].secrets) == (
        ("url", "api_user"),
        ("token",),
    )
    assert KINDS["sendpulse"].secrets == ("client_id", "client_secret")


@pytest.mark.parametrize("kind", list(VENDORS))
def test_each_kind_builds_and_hides_its_secrets(kind: str, client: httpx.Client) -> None:
    vendor = VENDORS[kind]
    options = {"url": "https://api.example.com", **vendor.options}

    platform = build_platform("news", kind, options, vendor.secrets, client=client)

    assert (platform.name, platform.kind) == ("news", kind)
    assert platform.max_batch >= 1
    assert_no_secret(platform, vars(platform))


@pytest.mark.parametrize(
    ("kind", "options", "secrets", "named"),
    [
        ("listmonk", {"api_user": "u"}, {"token": "t"}, "backends.news.url: required"),
        ("listmonk", {"url": "https://lm.example.com", "api_user": "u"}, {}, "secret 'token' is not set"),
        ("brevo", {"colour": "red"}, {"api_key": "k"}, "backends.news.colour: unknown option"),
        ("brevo", {"url": "http://brevo.example.com"}, {"api_key": "k"}, "url must be an https:// URL"),
        ("brevo", {"timeout_seconds": "soon"}, {"api_key": "k"}, "backends.news.timeout_seconds"),
        ("mailchimp", {}, {"api_key": "no-datacentre"}, "data centre"),
        ("unisender", {"lang": "russian"}, {"api_key": "k"}, "lang must be a two-letter"),
        ("sendgrid", {}, {}, "backends.news.kind: unknown kind 'sendgrid'"),
    ],
)
def test_a_bad_section_is_refused_with_its_key(
    kind: str, options: dict[str, str], secrets: dict[str, str], named: str
) -> None:
    with pytest.raises(PlatformConfigError, match=named.replace("(", r"\(")) as caught:
        build_platform("news", kind, options, secrets)

    assert "no-datacentre" not in str(caught.value)


def test_an_adapter_closes_the_client_it_opened() -> None:
    platform = build_platform("news", "brevo", {"timeout_seconds": "3"}, {"api_key": "k"})
    assert isinstance(platform, HttpPlatform)
    client = platform.endpoint.client

    platform.close()

    assert client.is_closed
    assert client.timeout == httpx.Timeout(3.0, connect=3.0)
