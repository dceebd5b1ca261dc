"""Local servers answering as the mailing platforms document (pytest-httpserver), shared by every vendor.

``make_platform(kind)`` builds an adapter through ``build_platform`` against the local server, with fake
credentials that all contain :data:`SECRET` so a test can prove it never leaks. ``seen(server)`` lists
the requests the vendor received, to compare with what its documentation expects.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from inboxbot.adapters.platforms import build_platform
from inboxbot.service.platforms import MailingPlatform

SECRET = "S3CRET"
CLIENT_TIMEOUT = 2.0
SENDPULSE_TOKEN = "sp-access-token-1"


def answer_sendpulse_token(server: HTTPServer, token: str = SENDPULSE_TOKEN) -> None:
    server.expect_request("/oauth/access_token", method="POST").respond_with_json(
        {"access_token": token, "token_type": "Bearer", "expires_in": 3600}
    )


@dataclass(frozen=True)
class Vendor:
    """How to reach one vendor's fake: the URL prefix, credentials, the route ``probe`` calls."""

    prefix: str
    secrets: Mapping[str, str]
    probe: tuple[str, str]
    options: Mapping[str, str] = field(default_factory=dict)
    prepare: Callable[[HTTPServer], None] = lambda server: None


VENDORS: Mapping[str, Vendor] = {
    "listmonk": Vendor("", {"token": f"lm-token-{SECRET}"}, ("GET", "/api/lists"), {"api_user": "inboxbot"}),
    "mailchimp": Vendor("/3.0", {"api_key": f"mc-key-{SECRET}-us21"}, ("GET", "/3.0/lists")),
    "unisender": Vendor("", {"api_key": f"uni-key-{SECRET}"}, ("POST", "/en/api/getLists")),
    "sendpulse": Vendor(
        "",
        {"client_id": f"sp-id-{SECRET}", "client_secret": f"sp-secret-{SECRET}"},
        ("GET", "/addressbooks"),
        prepare=answer_sendpulse_token,
    ),
    "brevo": Vendor("/v3", {"api_key": f"brevo-key-{SECRET}"}, ("GET", "/v3/account")),
}

PlatformFactory = Callable[..., MailingPlatform]


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=CLIENT_TIMEOUT) as http:
        yield http


@pytest.fixture
def make_platform(httpserver: HTTPServer, client: httpx.Client) -> PlatformFactory:
    """``make_platform(kind, client=..., url=...)``: the adapter for ``kind`` talking to the local server."""

    def make(kind: str, *, http: httpx.Client | None = None, url: str | None = None) -> MailingPlatform:
        vendor = VENDORS[kind]
        options = {"url": url or httpserver.url_for(vendor.prefix or "/"), **vendor.options}
        return build_platform(f"test-{kind}", kind, options, vendor.secrets, client=http or client)

    return make


@dataclass(frozen=True)
class Seen:
    """One request as the vendor received it: method, path, query, parsed body and the auth header."""

    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    body: Any = None
    auth: str | None = None


def seen(server: HTTPServer, auth_header: str = "Authorization") -> list[Seen]:
    return [Seen(r.method, r.path, dict(r.args), _body(r), r.headers.get(auth_header)) for r, _ in server.log]


def _body(request: Request) -> Any:
    data = request.get_data(as_text=True)
    if not data:
        return None
    if request.mimetype == "application/json":
        return json.loads(data)
    if request.mimetype == "application/x-www-form-urlencoded":
        return dict(request.form)
    return data


def sleeping(seconds: float) -> Callable[[Request], Response]:
    """A handler that answers only after ``seconds`` (past the client's timeout)."""

    def handler(_: Request) -> Response:
        time.sleep(seconds)
        return Response("{}", content_type="application/json")

    return handler


def assert_no_secret(*texts: object) -> None:
    for text in texts:
        assert SECRET not in str(text) and SECRET not in repr(text)
