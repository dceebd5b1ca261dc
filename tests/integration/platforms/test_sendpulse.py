"""SendPulse as https://sendpulse.com/integrations/api/bulk-email documents it, OAuth token included."""

from __future__ import annotations

import base64

import pytest
from pytest_httpserver import HTTPServer

from inboxbot.service.platforms import AddressOutcome, ContactChange
from tests.integration.platforms.conftest import (
    SENDPULSE_TOKEN,
    PlatformFactory,
    Seen,
    answer_sendpulse_token,
    seen,
)

pytestmark = pytest.mark.integration
BEARER = f"Bearer {SENDPULSE_TOKEN}"
TOKEN_REQUEST = Seen(
    "POST",
    "/oauth/access_token",
    {},
    {"grant_type": "client_credentials", "client_id": "sp-id-S3CRET", "client_secret": "sp-secret-S3CRET"},
)


def test_suppress_blacklists_and_empties_every_book(
    httpserver: HTTPServer, make_platform: PlatformFactory
) -> None:
    answer_sendpulse_token(httpserver)
    httpserver.expect_request("/emails", method="POST").respond_with_json(
        {"anna@mail.kz": [{"book_id": 11}, {"book_id": 12}], "boris@mail.kz": [{"book_id": 12}]}
    )
    httpserver.expect_request("/blacklist", method="POST").respond_with_json({"result": True})
    httpserver.expect_request("/addressbooks/11/emails", method="DELETE").respond_with_json({"result": True})
    httpserver.expect_request("/addressbooks/12/emails", method="DELETE").respond_with_json({"result": True})
    addresses = ["Anna@mail.kz", "boris@mail.kz", "nobody@mail.kz"]

    outcomes = make_platform("sendpulse").suppress(addresses)

    assert outcomes == [
        AddressOutcome("Anna@mail.kz", lists=("11", "12")),
        AddressOutcome("boris@mail.kz", lists=("12",)),
        AddressOutcome("nobody@mail.kz", known=False),
    ]
    blacklist = base64.b64encode(b"Anna@mail.kz,boris@mail.kz,nobody@mail.kz").decode()
    assert seen(httpserver) == [
        TOKEN_REQUEST,
        Seen("POST", "/emails", {}, {"emails": addresses}, BEARER),
        Seen(
            "POST",
            "/blacklist",
            {},
            {"emails": blacklist, "comment": "unsubscribe request (inboxbot)"},
            BEARER,
        ),
        Seen("DELETE", "/addressbooks/11/emails", {}, {"emails": ["Anna@mail.kz"]}, BEARER),
        Seen("DELETE", "/addressbooks/12/emails", {}, {"emails": ["Anna@mail.kz", "boris@mail.kz"]}, BEARER),
    ]


def test_an_expired_token_is_renewed_once(httpserver: HTTPServer, make_platform: PlatformFactory) -> None:
    answer_sendpulse_token(httpserver)
    httpserver.expect_oneshot_request("/addressbooks", method="GET").respond_with_json(
        {"error": "invalid_token", "message": "The access token is expired"}, status=401
    )
    httpserver.expect_request("/addressbooks", method="GET").respond_with_json([])
    platform = make_platform("sendpulse")

    platform.probe()
    platform.probe()

    assert [(s.method, s.path) for s in seen(httpserver)] == [
        ("POST", "/oauth/access_token"),
        ("GET", "/addressbooks"),
        ("POST", "/oauth/access_token"),
        ("GET", "/addressbooks"),
        ("GET", "/addressbooks"),  # the renewed token is kept
    ]


def test_update_sets_name_and_phone_in_each_book(
    httpserver: HTTPServer, make_platform: PlatformFactory
) -> None:
    answer_sendpulse_token(httpserver)
    httpserver.expect_request("/emails/anna@mail.kz", method="GET").respond_with_json(
        [{"book_id": 11, "email": "anna@mail.kz", "status": 1, "variables": {}}]
    )
    httpserver.expect_request("/addressbooks/11/emails/variable", method="POST").respond_with_json(
        {"result": True}
    )
    httpserver.expect_request("/addressbooks/11/phone", method="PUT").respond_with_json({"result": True})

    outcome = make_platform("sendpulse").update(
        "anna@mail.kz", ContactChange(first_name="Анна", last_name="Ким", phone="+77020000000")
    )

    assert outcome == AddressOutcome("anna@mail.kz", lists=("11",))
    variables = {"email": "anna@mail.kz", "variables": [{"name": "Name", "value": "Анна Ким"}]}
    assert seen(httpserver)[2:] == [
        Seen("POST", "/addressbooks/11/emails/variable", {}, variables, BEARER),
        Seen("PUT", "/addressbooks/11/phone", {}, {"email": "anna@mail.kz", "phone": "+77020000000"}, BEARER),
    ]


def test_erase_of_a_stranger_deletes_nothing(httpserver: HTTPServer, make_platform: PlatformFactory) -> None:
    answer_sendpulse_token(httpserver)
    httpserver.expect_request("/emails/nobody@mail.kz", method="GET").respond_with_json(
        {"message": "Email not found", "error_code": 213}, status=404
    )

    outcome = make_platform("sendpulse").erase("nobody@mail.kz")

    assert outcome == AddressOutcome("nobody@mail.kz", known=False)
    assert [s.method for s in seen(httpserver)] == ["POST", "GET"]


def test_erase_deletes_from_every_book(httpserver: HTTPServer, make_platform: PlatformFactory) -> None:
    answer_sendpulse_token(httpserver)
    httpserver.expect_request("/emails/anna@mail.kz", method="GET").respond_with_json([{"book_id": 11}])
    httpserver.expect_request("/emails/anna@mail.kz", method="DELETE").respond_with_json({"result": True})

    outcome = make_platform("sendpulse").erase("anna@mail.kz")

    assert outcome == AddressOutcome("anna@mail.kz", lists=("11",))
    assert seen(httpserver)[-1] == Seen("DELETE", "/emails/anna@mail.kz", {}, None, BEARER)
