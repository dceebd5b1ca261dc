"""Mailchimp Marketing API 3.0 as https://mailchimp.com/developer/marketing/api/ documents it."""

from __future__ import annotations

import base64
import hashlib

import httpx
import pytest
from pytest_httpserver import HTTPServer, RequestHandler

from inboxbot.adapters.platforms import build_platform
from inboxbot.service.platforms import AddressOutcome, ContactChange
from tests.integration.platforms.conftest import PlatformFactory, Seen, seen

pytestmark = pytest.mark.integration
AUTH = "Basic " + base64.b64encode(b"inboxbot:mc-key-S3CRET-us21").decode()
AUDIENCES = {"lists": [{"id": "a1", "name": "Клиенты"}, {"id": "b2", "name": "Events"}], "total_items": 2}
LIST_QUERY = {"fields": "lists.id,lists.name,total_items", "count": "1000", "offset": "0"}


def md5(address: str) -> str:
    return hashlib.md5(address.lower().encode(), usedforsecurity=False).hexdigest()


def audiences(server: HTTPServer) -> None:
    server.expect_request("/3.0/lists", method="GET").respond_with_json(AUDIENCES)


def member(server: HTTPServer, list_id: str, address: str, method: str, suffix: str = "") -> RequestHandler:
    return server.expect_request(f"/3.0/lists/{list_id}/members/{md5(address)}{suffix}", method=method)


def test_suppress_unsubscribes_on_every_audience(
    httpserver: HTTPServer, make_platform: PlatformFactory
) -> None:
    audiences(httpserver)
    for list_id in ("a1", "b2"):
        member(httpserver, list_id, "anna@mail.kz", "PUT").respond_with_json({"status": "unsubscribed"})

    outcomes = make_platform("mailchimp").suppress(["Anna@Mail.kz"])

    assert outcomes == [AddressOutcome("Anna@Mail.kz", lists=("Клиенты", "Events"))]
    body = {"email_address": "Anna@Mail.kz", "status": "unsubscribed", "status_if_new": "unsubscribed"}
    assert seen(httpserver) == [
        Seen("GET", "/3.0/lists", LIST_QUERY, None, AUTH),
        Seen("PUT", f"/3.0/lists/a1/members/{md5('anna@mail.kz')}", {}, body, AUTH),
        Seen("PUT", f"/3.0/lists/b2/members/{md5('anna@mail.kz')}", {}, body, AUTH),
    ]


def test_an_address_mailchimp_rejects_fails_alone(
    httpserver: HTTPServer, make_platform: PlatformFactory
) -> None:
    audiences(httpserver)
    for list_id in ("a1", "b2"):
        member(httpserver, list_id, "anna@mail.kz", "PUT").respond_with_json({"status": "unsubscribed"})
        member(httpserver, list_id, "fake@test.test", "PUT").respond_with_json(
            {"title": "Invalid Resource", "status": 400, "detail": "fake@test.test looks fake or invalid"},
            status=400,
        )

    fake, anna = make_platform("mailchimp").suppress(["fake@test.test", "anna@mail.kz"])

    assert anna == AddressOutcome("anna@mail.kz", lists=("Клиенты", "Events"))
    assert fake.error is not None and fake.error.permanent
    assert "Invalid Resource: fake@test.test looks fake or invalid" in str(fake.error)


def test_update_patches_where_the_member_is(httpserver: HTTPServer, make_platform: PlatformFactory) -> None:
    audiences(httpserver)
    member(httpserver, "a1", "anna@mail.kz", "PATCH").respond_with_json({"status": "unsubscribed"})
    member(httpserver, "b2", "anna@mail.kz", "PATCH").respond_with_json(
        {
            "title": "Resource Not Found",
            "status": 404,
            "detail": "The requested resource could not be found.",
        },
        status=404,
    )
    change = ContactChange(email="anna.new@mail.kz", first_name="Анна", phone="+77020000000")

    outcome = make_platform("mailchimp").update("anna@mail.kz", change)

    assert outcome == AddressOutcome("anna@mail.kz", lists=("Клиенты",))
    body = {"email_address": "anna.new@mail.kz", "merge_fields": {"FNAME": "Анна", "PHONE": "+77020000000"}}
    assert [s.body for s in seen(httpserver)[1:]] == [body, body]


def test_erase_of_a_stranger_is_unknown(httpserver: HTTPServer, make_platform: PlatformFactory) -> None:
    audiences(httpserver)
    for list_id in ("a1", "b2"):
        member(httpserver, list_id, "nobody@mail.kz", "POST", "/actions/delete-permanent").respond_with_json(
            {"title": "Resource Not Found", "status": 404}, status=404
        )

    outcome = make_platform("mailchimp").erase("nobody@mail.kz")

    assert outcome == AddressOutcome("nobody@mail.kz", known=False)
    assert [(s.method, s.path) for s in seen(httpserver)[1:]] == [
        ("POST", f"/3.0/lists/{list_id}/members/{md5('nobody@mail.kz')}/actions/delete-permanent")
        for list_id in ("a1", "b2")
    ]


def test_the_data_centre_comes_from_the_key(client: httpx.Client) -> None:
    platform = build_platform("news", "mailchimp", {}, {"api_key": "0123abcd-us21"}, client=client)

    assert repr(platform) == "MailchimpPlatform(name='news', url='https://us21.api.mailchimp.com/3.0')"
