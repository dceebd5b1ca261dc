"""What every mailing-platform adapter shares: the HTTP client, and one place that turns an answer into
success or a :class:`PlatformError`.

The mapping, for every vendor alike:

* 2xx: success; a 404 on a contact *lookup* (:meth:`Endpoint.find`): no such contact.
* 401/403: :class:`CredentialsRefused` (permanent: a person must fix the key).
* 429, or 503 with ``Retry-After`` (seconds or an HTTP-date): ``retry_after`` set (503 also ``unreachable``).
* any other 5xx (and 408), a refused connection, a timeout: ``unreachable`` (the circuit breaker opens).
* any other 4xx: :class:`RequestRefused` (permanent, with the vendor's own message): the platform refuses
  this request, so an adapter looping over addresses records it against that address alone.

Secrets never reach an exception, a repr or a log line: they are held in :class:`Secret` and every
message built here is scrubbed of them; transport exceptions are not chained (their text may carry a URL).
"""

from __future__ import annotations

import html
import ipaddress
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from inboxbot.adapters.network import one_line, tls_context
from inboxbot.service.platforms import PlatformError

DEFAULT_TIMEOUT_SECONDS = 10.0
_MESSAGE_LIMIT = 300
Now = Callable[[], datetime]


class CredentialsRefused(PlatformError):
    """401/403, or a vendor's "invalid key" code: permanent until someone fixes the credentials."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message, permanent=True)
        self.status = status


class RequestRefused(PlatformError):
    """The platform refused this one request (a 4xx other than auth and rate limits): permanent."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


class Secret:
    """A credential that prints as ``***`` wherever it ends up (repr, str, f-string, log line)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"


def new_client(timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS, ca_file: str | None = None) -> httpx.Client:
    """A client that verifies TLS (``ca_file`` adds a private CA), never follows redirects (a redirect
    would resend credentials elsewhere) and gives up after ``timeout_seconds`` per phase."""
    return httpx.Client(
        verify=tls_context(ca_file),
        timeout=httpx.Timeout(timeout_seconds, connect=min(timeout_seconds, 5.0)),
        follow_redirects=False,
        headers={"User-Agent": "inboxbot"},
    )


def require_https(url: str, setting: str) -> str:
    """``url`` without its trailing slash; plain http only towards this machine (tests, a local proxy)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url.rstrip("/")
    if parts.scheme == "http" and parts.hostname and _is_loopback(parts.hostname):
        return url.rstrip("/")
    raise ValueError(f"{setting} must be an https:// URL (got {url!r})")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def retry_after_seconds(value: str | None, now: Now) -> float | None:
    """``Retry-After`` as seconds from now: delta-seconds or an HTTP-date; None when absent or garbled."""
    if not value:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now()).total_seconds())


def vendor_message(response: httpx.Response) -> str:
    """The vendor's own words for a failure: ``title``/``code``/``error`` and ``detail``/``message``."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return text.splitlines()[0] if text else response.reason_phrase
    if not isinstance(body, dict):
        return response.reason_phrase
    label = _first_text(body, ("title", "code", "error"))
    text = _first_text(body, ("detail", "message", "error_description"))
    return ": ".join(part for part in (label, text) if part) or response.reason_phrase


def _first_text(body: Mapping[str, Any], keys: Iterable[str]) -> str:
    for key in keys:
        value = body.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            return html.unescape(str(value)).strip()
    return ""


class Endpoint:
    """One vendor's API root over a shared ``httpx.Client``; it sends, maps and scrubs.

    ``secrets`` are the credentials this endpoint may ever send; they are cut out of every message.
    ``retry_after_headers``: where the vendor says how long to wait, in order of preference.
    """

    def __init__(
        self,
        vendor: str,
        base_url: str,
        client: httpx.Client,
        secrets: Iterable[Secret],
        *,
        retry_after_headers: tuple[str, ...] = ("Retry-After",),
        now: Now | None = None,
    ) -> None:
        self.vendor = vendor
        self.base_url = base_url
        self.client = client
        self._secrets = tuple(secrets)
        self._token = Secret("")
        self._retry_after_headers = retry_after_headers
        self.now: Now = now or (lambda: datetime.now(UTC))

    def __repr__(self) -> str:
        return f"Endpoint({self.vendor!r}, {self.base_url!r})"

    def hide(self, token: Secret) -> None:
        """Scrub a credential obtained later (an access token; the newest replaces the previous one)."""
        self._token = token

    def send(self, method: str, path: str, **request: Any) -> httpx.Response:
        """The 2xx answer to ``method path``; anything else raises (see the module docstring)."""
        response = self._exchange(method, path, request)
        if response.is_success:
            return response
        raise self.error_for(response)

    def find(self, method: str, path: str, **request: Any) -> httpx.Response | None:
        """Like :meth:`send` for a contact lookup: None when the platform answers 404 (no such contact)."""
        response = self._exchange(method, path, request)
        if response.status_code == httpx.codes.NOT_FOUND:
            return None
        if response.is_success:
            return response
        raise self.error_for(response)

    def json(self, response: httpx.Response) -> Any:
        """The JSON body of a 2xx answer; an answer that is not JSON is a transient failure."""
        try:
            return response.json()
        except ValueError:
            raise PlatformError(self.scrub(f"{self.vendor}: the answer is not JSON")) from None

    def json_object(self, response: httpx.Response) -> dict[str, Any]:
        """The JSON object of a 2xx answer; anything else (a list, a proxy's page) is a transient failure."""
        body = self.json(response)
        if not isinstance(body, dict):
            raise PlatformError(f"{self.vendor}: unexpected answer (not a JSON object)")
        return body

    def error_for(self, response: httpx.Response) -> PlatformError:
        status = response.status_code
        said = f"{self.vendor}: HTTP {status}: {vendor_message(response)}"
        if status in (httpx.codes.UNAUTHORIZED, httpx.codes.FORBIDDEN):
            return CredentialsRefused(self.scrub(f"{said} (check the credentials)"), status=status)
        wait = self._retry_after(response)
        if status == httpx.codes.TOO_MANY_REQUESTS:
            return PlatformError(self.scrub(said), retry_after=wait)
        if status >= httpx.codes.INTERNAL_SERVER_ERROR or status == httpx.codes.REQUEST_TIMEOUT:
            return PlatformError(self.scrub(said), retry_after=wait, unreachable=True)
        return RequestRefused(self.scrub(said))

    def scrub(self, text: str) -> str:
        """``text`` without any secret this endpoint holds, cut to one reasonable line."""
        for secret in (*self._secrets, self._token):
            if secret.reveal():
                text = text.replace(secret.reveal(), "***")
        return " ".join(text.split())[:_MESSAGE_LIMIT]

    def _retry_after(self, response: httpx.Response) -> float | None:
        for header in self._retry_after_headers:
            wait = retry_after_seconds(response.headers.get(header), self.now)
            if wait is not None:
                return wait
        return None

    def _exchange(self, method: str, path: str, request: Mapping[str, Any]) -> httpx.Response:
        url = f"{self.base_url}{path}"
        try:
            return self.client.request(method, url, **request)
        except httpx.TimeoutException as exc:
            reason = f"{self.vendor}: no answer in time ({type(exc).__name__})"
        except httpx.RequestError as exc:
            reason = f"{self.vendor}: cannot be reached ({type(exc).__name__}: {one_line(exc)})"
        raise PlatformError(self.scrub(reason), unreachable=True) from None
