"""SendPulse (bulk e-mail): the address goes on the account's blacklist and out of every address book.

What SendPulse does, per its documentation (https://sendpulse.com/integrations/api and
https://sendpulse.com/integrations/api/bulk-email):

* Auth: ``POST /oauth/access_token`` with ``grant_type=client_credentials``, ``client_id`` and
  ``client_secret`` gives ``{"access_token", "token_type": "Bearer", "expires_in": 3600}``; every other
  call sends ``Authorization: Bearer <token>``, and a new token is needed when it expires (api
  "Authorization"). The token is cached here and fetched again once when a call answers 401.
* ``POST /emails`` ``{"emails": [...]}`` answers, per address, the address books it is in
  (``book_id``); ``GET /emails/{email}`` does it for one ("Email address": get info).
* ``POST /blacklist`` ``{"emails": base64("a,b,..."), "comment"}`` blacklists addresses account-wide
  ("Blacklist": add).
* ``DELETE /addressbooks/{id}/emails`` ``{"emails": [...]}`` removes at most 100 addresses from one
  book; ``DELETE /emails/{email}`` removes an address from every book ("Mailing lists", "Email address").
* ``POST /addressbooks/{id}/emails/variable`` ``{"email", "variables": [{"name", "value"}]}`` and
  ``PUT /addressbooks/{id}/phone`` ``{"email", "phone"}`` change a contact's data in one book.
* Errors: ``{"message", "error_code"}`` with a 4xx status; 10 requests a second at most.

SendPulse keys a contact by its address, so an address cannot be changed; ``update`` says so.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import quote

import httpx

from inboxbot.adapters.platforms.base import HttpPlatform, full_name
from inboxbot.adapters.platforms.http import CredentialsRefused, Endpoint, Secret
from inboxbot.service.platforms import AddressOutcome, ContactChange, PlatformError

T = TypeVar("T")
BLACKLIST_COMMENT = "unsubscribe request (inboxbot)"
NAME_VARIABLE = "Name"
_TOKEN_MARGIN = timedelta(seconds=60)


class SendPulsePlatform(HttpPlatform):
    kind = "sendpulse"
    max_batch = 100  # an address book takes at most 100 addresses per DELETE

    def __init__(
        self,
        name: str,
        endpoint: Endpoint,
        client_id: Secret,
        client_secret: Secret,
        *,
        owns_client: bool = False,
    ) -> None:
        super().__init__(name, endpoint, owns_client=owns_client)
        self._client_id = client_id
        self._client_secret = client_secret
        self._token: Secret | None = None
        self._token_expires = datetime.min.replace(tzinfo=UTC)

    def suppress(self, addresses: Sequence[str]) -> list[AddressOutcome]:
        """Look the batch up, blacklist it, then empty every book it is in (one DELETE per book)."""
        books = self._books_of(addresses)
        blacklist = base64.b64encode(",".join(addresses).encode()).decode()
        self._send("POST", "/blacklist", json={"emails": blacklist, "comment": BLACKLIST_COMMENT})
        by_book: dict[str, list[str]] = defaultdict(list)
        for address in addresses:
            for book in books.get(address.lower(), ()):
                by_book[book].append(address)
        for book, members in by_book.items():
            self._send("DELETE", f"/addressbooks/{quote(book)}/emails", json={"emails": members})
        return [_outcome(address, books.get(address.lower(), ())) for address in addresses]

    def update(self, address: str, change: ContactChange) -> AddressOutcome:
        return self.update_in_place(address, change, self._update_in_books)

    def erase(self, address: str) -> AddressOutcome:
        return self.one_address(address, self._delete_everywhere)

    def probe(self) -> str:
        self._send("GET", "/addressbooks", params={"limit": "1"})
        return f"sendpulse at {self.endpoint.base_url}: authenticated, address books readable"

    def _update_in_books(self, address: str, change: ContactChange) -> AddressOutcome:
        books = self._books(address)
        name = full_name(change)
        for book in books:
            if name:
                variables = [{"name": NAME_VARIABLE, "value": name}]
                body = {"email": address, "variables": variables}
                self._send("POST", f"/addressbooks/{quote(book)}/emails/variable", json=body)
            if change.phone:
                self._send(
                    "PUT",
                    f"/addressbooks/{quote(book)}/phone",
                    json={"email": address, "phone": change.phone},
                )
        return _outcome(address, books)

    def _delete_everywhere(self, address: str) -> AddressOutcome:
        books = self._books(address)
        if books:
            self._send("DELETE", f"/emails/{quote(address, safe='@')}")
        return _outcome(address, books)

    def _books_of(self, addresses: Sequence[str]) -> dict[str, tuple[str, ...]]:
        answer = self.endpoint.json(self._send("POST", "/emails", json={"emails": list(addresses)}))
        if not isinstance(answer, dict):
            return {}  # nothing known about any of them
        return {str(email).lower(): _book_ids(entries) for email, entries in answer.items()}

    def _books(self, address: str) -> tuple[str, ...]:
        path = f"/emails/{quote(address, safe='@')}"
        response = self._with_token(lambda headers: self.endpoint.find("GET", path, headers=headers))
        return _book_ids(self.endpoint.json(response)) if response is not None else ()

    def _send(self, method: str, path: str, **request: Any) -> httpx.Response:
        return self._with_token(lambda headers: self.endpoint.send(method, path, headers=headers, **request))

    def _with_token(self, call: Callable[[dict[str, str]], T]) -> T:
        """``call`` with a bearer token; once more with a fresh token if SendPulse answers 401."""
        headers = self._bearer()
        try:
            return call(headers)
        except CredentialsRefused as err:
            if err.status != httpx.codes.UNAUTHORIZED:
                raise
        self._token = None
        return call(self._bearer())

    def _bearer(self) -> dict[str, str]:
        if self._token is None or self.endpoint.now() >= self._token_expires:
            self._token, self._token_expires = self._new_token()
        return {"Authorization": f"Bearer {self._token.reveal()}"}

    def _new_token(self) -> tuple[Secret, datetime]:
        credentials = {
            "grant_type": "client_credentials",
            "client_id": self._client_id.reveal(),
            "client_secret": self._client_secret.reveal(),
        }
        answer = self.endpoint.json_object(
            self.endpoint.send("POST", "/oauth/access_token", json=credentials)
        )
        token = answer.get("access_token")
        if not isinstance(token, str) or not token:
            raise PlatformError("sendpulse: the token answer has no access_token")
        lifetime = timedelta(seconds=float(answer.get("expires_in") or 3600))
        secret = Secret(token)
        self.endpoint.hide(secret)
        return secret, self.endpoint.now() + lifetime - _TOKEN_MARGIN


def _book_ids(entries: Any) -> tuple[str, ...]:
    if not isinstance(entries, list):
        return ()
    return tuple(str(e["book_id"]) for e in entries if isinstance(e, dict) and "book_id" in e)


def _outcome(address: str, books: Sequence[str]) -> AddressOutcome:
    return AddressOutcome(address, known=bool(books), lists=tuple(books))
