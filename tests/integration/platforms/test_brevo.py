"""Brevo as https://developers.brevo.com/reference documents it, address changes included."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from inboxbot.service.platforms import AddressOutcome, ContactChange, PlatformError
from tests.integration.platforms.conftest import PlatformFactory, Seen, seen

pytestmark = pytest.mark.integration
KEY = "brevo-key-S3CRET"
NOT_FOUND = {"code": "document_not_found", "message": "Contact does not exist"}


def contact(server: HTTPServer, address: str, **fields: object) -> None:
    body = {"email": address, "id": 42, "emailBlacklisted": False, "smsBlacklisted": False, "listIds": []}
    server.expect_request(f"/v3/contacts/{address}", method="GET").respond_with_json(body | fields)


def put(address: str, body: object) -> Seen:
    return Seen("PUT", f"/v3/contacts/{address}", {}, body, KEY)


def get(address: str) -> Seen:
    return Seen("GET", f"/v3/contacts/{address}", {}, None, KEY)


def brevo_seen(server: HTTPServer) -> list[Seen]:
    return seen(server, auth_header="api-key")


def test_suppress_blocklists_and_unlinks_every_list(
    httpserver: HTTPServer, make_platform: PlatformFactory
) -> None:
    contact(httpserver, "anna@mail.kz", listIds=[3, 5])
    httpserver.expect_request("/v3/contacts/nobody@mail.kz", method="GET").respond_with_json(
        NOT_FOUND, status=404
    )
    httpserver.expect_request("/v3/contacts/anna@mail.kz", method="PUT").respond_with_data(status=204)

    outcomes = make_platform("brevo").suppress(["anna@mail.kz", "nobody@mail.kz"])

    assert outcomes == [
        AddressOutcome("anna@mail.kz", lists=("3", "5")),
        AddressOutcome("nobody@mail.kz", known=False),
    ]
    assert brevo_seen(httpserver) == [
        get("anna@mail.kz"),
        put("anna@mail.kz", {"emailBlacklisted": True, "unlinkListIds": [3, 5]}),
        get("nobody@mail.kz"),
    ]


def test_a_new_address_keeps_the_blocklist(httpserver: HTTPServer, make_platform: PlatformFactory) -> None:
    contact(httpserver, "anna@mail.kz", emailBlacklisted=True)
    httpserver.expect_request("/v3/contacts/anna@mail.kz", method="PUT").respond_with_data(status=204)
    httpserver.expect_request("/v3/contacts/anna.new@mail.kz", method="PUT").respond_with_data(status=204)
    change = ContactChange(email="anna.new@mail.kz", first_name="Анна", last_name="Ким")

    outcome = make_platform("brevo").update("anna@mail.kz", change)

    assert outcome == AddressOutcome("anna@mail.kz")
    attributes = {"EMAIL": "anna.new@mail.kz", "FIRSTNAME": "Анна", "LASTNAME": "Ким"}
    assert brevo_seen(httpserver) == [
        get("anna@mail.kz"),
        put("anna@mail.kz", {"attributes": attributes}),
        put("anna.new@mail.kz", {"emailBlacklisted": True}),
    ]


def test_a_name_change_leaves_the_address_alone(
    httpserver: HTTPServer, make_platform: PlatformFactory
) -> None:
    contact(httpserver, "anna@mail.kz", emailBlacklisted=True)
    httpserver.expect_request("/v3/contacts/anna@mail.kz", method="PUT").respond_with_data(status=204)

    make_platform("brevo").update("anna@mail.kz", ContactChange(email="Anna@Mail.KZ", last_name="Ким"))

    assert brevo_seen(httpserver)[1:] == [put("anna@mail.kz", {"attributes": {"LASTNAME": "Ким"}})]


def test_erase_deletes_the_contact(httpserver: HTTPServer, make_platform: PlatformFactory) -> None:
    httpserver.expect_request("/v3/contacts/anna@mail.kz", method="DELETE").respond_with_data(status=204)
    httpserver.expect_request("/v3/contacts/nobody@mail.kz", method="DELETE").respond_with_json(
        NOT_FOUND, status=404
    )
    platform = make_platform("brevo")

    assert platform.erase("anna@mail.kz") == AddressOutcome("anna@mail.kz")
    assert platform.erase("nobody@mail.kz") == AddressOutcome("nobody@mail.kz", known=False)


def test_the_rate_limit_reset_header_is_honoured(
    httpserver: HTTPServer, make_platform: PlatformFactory
) -> None:
    httpserver.expect_request("/v3/contacts/anna@mail.kz", method="GET").respond_with_json(
        {"code": "too_many_requests", "message": "Rate limit exceeded"},
        status=429,
        headers={
            "x-sib-ratelimit-limit": "10",
            "x-sib-ratelimit-remaining": "0",
            "x-sib-ratelimit-reset": "3",
        },
    )

    with pytest.raises(PlatformError) as caught:
        make_platform("brevo").suppress(["anna@mail.kz"])

    assert caught.value.retry_after == 3.0 and not caught.value.permanent
