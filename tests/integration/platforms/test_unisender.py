"""Unisender as https://www.unisender.com/en/support/api/ documents it: failures come as HTTP 200."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer, RequestHandler

from inboxbot.adapters.platforms.http import CredentialsRefused
from inboxbot.service.platforms import AddressOutcome, ContactChange, PlatformError
from tests.integration.platforms.conftest import PlatformFactory, Seen, assert_no_secret, seen

pytestmark = pytest.mark.integration
KEY = "uni-key-S3CRET"
JSON = {"format": "json"}


def method(server: HTTPServer, name: str, **form: str) -> RequestHandler:
    matcher = {"api_key": KEY, **form} if form else None
    return server.expect_request(f"/en/api/{name}", method="POST", data_form=matcher)


def call(name: str, **form: str) -> Seen:
    return Seen("POST", f"/en/api/{name}", JSON, {"api_key": KEY, **form})


def test_suppress_unsubscribes_from_all_lists(httpserver: HTTPServer, make_platform: PlatformFactory) -> None:
    method(httpserver, "unsubscribe", contact_type="email", contact="anna@mail.kz").respond_with_json(
        {"result": {}}
    )
    method(httpserver, "unsubscribe", contact_type="email", contact="nobody@mail.kz").respond_with_json(
        {"error": "Contact &quot;nobody@mail.kz&quot; not found", "code": "unspecified", "result": ""}
    )

    outcomes = make_platform("unisender").suppress(["anna@mail.kz", "nobody@mail.kz"])

    assert outcomes == [AddressOutcome("anna@mail.kz"), AddressOutcome("nobody@mail.kz", known=False)]
    assert seen(httpserver) == [
        call("unsubscribe", contact_type="email", contact="anna@mail.kz"),
        call("unsubscribe", contact_type="email", contact="nobody@mail.kz"),
    ]


def test_an_invalid_key_fails_the_whole_call(httpserver: HTTPServer, make_platform: PlatformFactory) -> None:
    method(httpserver, "unsubscribe").respond_with_json(
        {"error": f"Invalid API key {KEY}", "code": "invalid_api_key"}
    )

    with pytest.raises(CredentialsRefused) as caught:
        make_platform("unisender").suppress(["anna@mail.kz", "boris@mail.kz"])

    assert caught.value.permanent and "invalid_api_key" in str(caught.value)
    assert_no_secret(caught.value)


def test_the_call_limit_asks_to_wait_a_minute(httpserver: HTTPServer, make_platform: PlatformFactory) -> None:
    method(httpserver, "unsubscribe").respond_with_json(
        {"error": "API call limit exceeded", "code": "api_call_limit_exceeded_for_api_key"}
    )

    with pytest.raises(PlatformError) as caught:
        make_platform("unisender").suppress(["anna@mail.kz"])

    assert (caught.value.permanent, caught.value.retry_after) == (False, 60.0)


def test_an_invalid_argument_is_that_address_error(
    httpserver: HTTPServer, make_platform: PlatformFactory
) -> None:
    method(httpserver, "unsubscribe", contact_type="email", contact="not-an-address").respond_with_json(
        {"error": "Invalid e-mail address", "code": "invalid_arg"}
    )
    method(httpserver, "unsubscribe", contact_type="email", contact="anna@mail.kz").respond_with_json(
        {"result": {}}
    )

    bad, good = make_platform("unisender").suppress(["not-an-address", "anna@mail.kz"])

    assert good == AddressOutcome("anna@mail.kz")
    assert bad.error is not None and bad.error.permanent and "invalid_arg" in str(bad.error)


def test_update_imports_the_new_fields(httpserver: HTTPServer, make_platform: PlatformFactory) -> None:
    method(httpserver, "getContact").respond_with_json({"result": {"email": {"email": "anna@mail.kz"}}})
    method(httpserver, "importContacts").respond_with_json(
        {"result": {"total": 1, "inserted": 0, "updated": 1, "deleted": 0, "invalid": 0, "log": []}}
    )

    outcome = make_platform("unisender").update(
        "anna@mail.kz", ContactChange(first_name="Анна", phone="+77020000000")
    )

    assert outcome == AddressOutcome("anna@mail.kz")
    rows = {"field_names[0]": "email", "field_names[1]": "Name", "field_names[2]": "phone"}
    rows |= {"data[0][0]": "anna@mail.kz", "data[0][1]": "Анна", "data[0][2]": "+77020000000"}
    assert seen(httpserver) == [call("getContact", email="anna@mail.kz"), call("importContacts", **rows)]


def test_a_new_address_cannot_be_set(httpserver: HTTPServer, make_platform: PlatformFactory) -> None:
    outcome = make_platform("unisender").update("anna@mail.kz", ContactChange(email="anna.new@mail.kz"))

    assert outcome.error is not None and outcome.error.permanent
    assert seen(httpserver) == []


def test_erase_deletes_through_import(httpserver: HTTPServer, make_platform: PlatformFactory) -> None:
    method(httpserver, "importContacts").respond_with_json(
        {"result": {"total": 1, "inserted": 0, "updated": 0, "deleted": 1, "invalid": 0, "log": []}}
    )

    outcome = make_platform("unisender").erase("anna@mail.kz")

    assert outcome == AddressOutcome("anna@mail.kz")
    rows = {
        "field_names[0]": "email",
        "field_names[1]": "delete",
        "data[0][0]": "anna@mail.kz",
        "data[0][1]": "1",
    }
    assert seen(httpserver) == [call("importContacts", **rows)]
