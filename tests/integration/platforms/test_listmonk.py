"""listmonk as https://listmonk.app/docs/apis/subscribers/ documents it."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from inboxbot.service.platforms import AddressOutcome, ContactChange
from tests.integration.platforms.conftest import PlatformFactory, Seen, seen

pytestmark = pytest.mark.integration
AUTH = "token inboxbot:lm-token-S3CRET"
ANNA = {
    "id": 7,
    "email": "anna@mail.kz",
    "name": "Anna",
    "status": "enabled",
    "attribs": {"city": "Almaty", "phone": "+77010000000"},
    "lists": [
        {"id": 1, "name": "Новости", "subscription_status": "confirmed"},
        {"id": 4, "name": "Promo", "subscription_status": "unconfirmed"},
    ],
}


def found(server: HTTPServer, *subscribers: dict[str, object]) -> None:
    server.expect_request("/api/subscribers", method="GET").respond_with_json(
        {"data": {"results": list(subscribers), "total": len(subscribers), "per_page": 20, "page": 1}}
    )


def search(*addresses: str) -> Seen:
    quoted = ", ".join(f"'{a}'" for a in addresses)
    query = {"query": f"LOWER(subscribers.email) IN ({quoted})", "page": "1", "per_page": str(len(addresses))}
    return Seen("GET", "/api/subscribers", query, None, AUTH)


def test_suppress_blocklists_and_unsubscribes_the_known_ones(
    httpserver: HTTPServer, make_platform: PlatformFactory
) -> None:
    found(httpserver, ANNA)
    httpserver.expect_request("/api/subscribers/blocklist", method="PUT").respond_with_json({"data": True})
    httpserver.expect_request("/api/subscribers/lists", method="PUT").respond_with_json({"data": True})

    outcomes = make_platform("listmonk").suppress(["Anna@Mail.kz", "o'brien@example.com"])

    assert outcomes == [
        AddressOutcome("Anna@Mail.kz", lists=("Новости", "Promo")),
        AddressOutcome("o'brien@example.com", known=False),
    ]
    assert seen(httpserver) == [
        search("anna@mail.kz", "o''brien@example.com"),
        Seen("PUT", "/api/subscribers/blocklist", {}, {"ids": [7]}, AUTH),
        Seen(
            "PUT",
            "/api/subscribers/lists",
            {},
            {"ids": [7], "action": "unsubscribe", "target_list_ids": [1, 4]},
            AUTH,
        ),
    ]


def test_suppress_of_strangers_only_searches(httpserver: HTTPServer, make_platform: PlatformFactory) -> None:
    found(httpserver)

    outcomes = make_platform("listmonk").suppress(["nobody@example.com"])

    assert outcomes == [AddressOutcome("nobody@example.com", known=False)]
    assert seen(httpserver) == [search("nobody@example.com")]


def test_update_patches_email_name_and_the_phone_it_keeps(
    httpserver: HTTPServer, make_platform: PlatformFactory
) -> None:
    found(httpserver, ANNA)
    httpserver.expect_request("/api/subscribers/7", method="PATCH").respond_with_json({"data": ANNA})
    change = ContactChange(email="anna.new@mail.kz", first_name="Анна", last_name="Ким", phone="+77020000000")

    outcome = make_platform("listmonk").update("anna@mail.kz", change)

    assert outcome == AddressOutcome("anna@mail.kz", lists=("Новости", "Promo"))
    body = {"email": "anna.new@mail.kz", "name": "Анна Ким", "attribs": {"phone": "+77020000000"}}
    assert seen(httpserver)[1:] == [Seen("PATCH", "/api/subscribers/7", {}, body, AUTH)]


def test_erase_deletes_the_subscriber(httpserver: HTTPServer, make_platform: PlatformFactory) -> None:
    found(httpserver, ANNA)
    httpserver.expect_request("/api/subscribers/7", method="DELETE").respond_with_json({"data": True})

    outcome = make_platform("listmonk").erase("anna@mail.kz")

    assert outcome.known and outcome.ok
    assert seen(httpserver)[1:] == [Seen("DELETE", "/api/subscribers/7", {}, None, AUTH)]


def test_a_refused_patch_is_the_address_error(httpserver: HTTPServer, make_platform: PlatformFactory) -> None:
    found(httpserver, ANNA)
    httpserver.expect_request("/api/subscribers/7", method="PATCH").respond_with_json(
        {"message": "E-mail already exists."}, status=409
    )

    outcome = make_platform("listmonk").update("anna@mail.kz", ContactChange(email="taken@mail.kz"))

    assert outcome.error is not None and outcome.error.permanent
    assert "E-mail already exists." in str(outcome.error)


def test_probe_counts_lists(httpserver: HTTPServer, make_platform: PlatformFactory) -> None:
    httpserver.expect_request("/api/lists", method="GET").respond_with_json(
        {"data": {"results": [], "total": 3}}
    )

    assert make_platform("listmonk").probe().endswith(": 3 lists")
    assert seen(httpserver) == [Seen("GET", "/api/lists", {"per_page": "1"}, None, AUTH)]
