"""Every vendor's adapter meets the same failures the same way, and never shows its credentials."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from pytest_httpserver import HTTPServer, RequestHandler

from inboxbot.adapters.platforms.http import CredentialsRefused, RequestRefused, retry_after_seconds
from inboxbot.service.platforms import PlatformError
from tests.integration.platforms.conftest import (
    SECRET,
    VENDORS,
    PlatformFactory,
    assert_no_secret,
    sleeping,
)

pytestmark = pytest.mark.integration
KINDS = list(VENDORS)


def probe_answered(server: HTTPServer, kind: str) -> RequestHandler:
    """The route ``probe`` calls, ready for a response; the vendor's other prerequisites answered."""
    vendor = VENDORS[kind]
    method, path = vendor.probe
    handler = server.expect_request(path, method=method)
    vendor.prepare(server)
    return handler


def failing_probe(make_platform: PlatformFactory, kind: str, url: str | None = None) -> PlatformError:
    platform = make_platform(kind, url=url)
    with pytest.raises(PlatformError) as caught:
        platform.probe()
    assert_no_secret(caught.value, platform)
    return caught.value


@pytest.mark.parametrize("kind", KINDS)
def test_refused_credentials_are_permanent(
    httpserver: HTTPServer, make_platform: PlatformFactory, kind: str
) -> None:
    probe_answered(httpserver, kind).respond_with_json({"message": "Invalid API key"}, status=401)

    err = failing_probe(make_platform, kind)

    assert isinstance(err, CredentialsRefused)
    assert (err.permanent, err.unreachable, err.retry_after) == (True, False, None)
    assert "401" in str(err)


@pytest.mark.parametrize("kind", KINDS)
def test_rate_limit_says_when_to_come_back(
    httpserver: HTTPServer, make_platform: PlatformFactory, kind: str
) -> None:
    probe_answered(httpserver, kind).respond_with_json(
        {"message": "Too many requests"}, status=429, headers={"Retry-After": "7"}
    )

    err = failing_probe(make_platform, kind)

    assert (err.permanent, err.unreachable, err.retry_after) == (False, False, 7.0)


@pytest.mark.parametrize("kind", KINDS)
def test_unavailable_with_a_retry_date(
    httpserver: HTTPServer, make_platform: PlatformFactory, kind: str
) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    probe_answered(httpserver, kind).respond_with_data("down", status=503, headers={"Retry-After": when})

    err = failing_probe(make_platform, kind)

    assert err.unreachable and not err.permanent
    assert err.retry_after is not None and 100 < err.retry_after <= 120


@pytest.mark.parametrize("kind", KINDS)
def test_server_error_is_unreachable(
    httpserver: HTTPServer, make_platform: PlatformFactory, kind: str
) -> None:
    probe_answered(httpserver, kind).respond_with_data("<html>Bad gateway</html>", status=502)

    err = failing_probe(make_platform, kind)

    assert (err.permanent, err.unreachable, err.retry_after) == (False, True, None)


@pytest.mark.parametrize("kind", KINDS)
def test_no_answer_in_time_is_unreachable(
    httpserver: HTTPServer, make_platform: PlatformFactory, kind: str
) -> None:
    probe_answered(httpserver, kind).respond_with_handler(sleeping(0.4))

    with httpx.Client(timeout=0.1) as impatient:
        platform = make_platform(kind, http=impatient)
        with pytest.raises(PlatformError) as caught:
            platform.probe()

    assert caught.value.unreachable and not caught.value.permanent
    assert "no answer in time" in str(caught.value)
    assert_no_secret(caught.value, platform)


@pytest.mark.parametrize("kind", KINDS)
def test_refused_connection_is_unreachable(make_platform: PlatformFactory, kind: str) -> None:
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        port = probe_socket.getsockname()[1]  # closed again before the call: nobody listens there

    err = failing_probe(make_platform, kind, f"http://127.0.0.1:{port}{VENDORS[kind].prefix}")

    assert err.unreachable and "cannot be reached" in str(err)


@pytest.mark.parametrize("kind", KINDS)
def test_vendor_message_is_kept_and_the_key_cut_out(
    httpserver: HTTPServer, make_platform: PlatformFactory, kind: str
) -> None:
    echoed = " ".join(VENDORS[kind].secrets.values())
    probe_answered(httpserver, kind).respond_with_json(
        {"code": "invalid_parameter", "message": f"Parameter refused for {echoed}"}, status=400
    )

    err = failing_probe(make_platform, kind)

    assert isinstance(err, RequestRefused) and err.permanent
    assert f"{kind}: HTTP 400: invalid_parameter: Parameter refused for ***" in str(err)
    assert SECRET not in str(err)


def test_retry_after_reads_seconds_and_dates() -> None:
    now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

    assert retry_after_seconds("30", lambda: now) == 30.0
    assert retry_after_seconds("Tue, 24 Nov 2026 09:01:30 GMT", lambda: now) == 90.0
    assert retry_after_seconds("Tue, 24 Nov 2026 08:00:00 GMT", lambda: now) == 0.0
    assert retry_after_seconds("soon", lambda: now) is None
    assert retry_after_seconds(None, lambda: now) is None
