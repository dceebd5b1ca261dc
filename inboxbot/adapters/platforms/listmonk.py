"""listmonk (self-hosted): subscribers found by e-mail, blocklisted and unsubscribed from their lists.

What listmonk does, per its documentation:

* Auth: an API user and its token, sent as ``Authorization: token api_user:token``
  (https://listmonk.app/docs/apis/apis/ "Auth").
* ``GET /api/subscribers?query=<SQL expression>`` finds subscribers; the answer is
  ``{"data": {"results": [...], "total": N}}``, each with its ``id`` and ``lists``
  (https://listmonk.app/docs/apis/subscribers/).
* ``PUT /api/subscribers/blocklist`` ``{"ids": [...]}`` blocklists many subscribers at once;
  ``PUT /api/subscribers/lists`` ``{"ids", "action": "unsubscribe", "target_list_ids"}`` marks their
  subscriptions unsubscribed (same page).
* ``PATCH /api/subscribers/{id}`` changes only the fields sent (attribs are merged);
  ``DELETE /api/subscribers/{id}`` deletes one (same page).
* Errors are ``{"message": "..."}`` with a 4xx/5xx status (https://listmonk.app/docs/apis/apis/).

listmonk has no phone field: a phone kept in the subscriber's ``attribs.phone`` is updated, nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from inboxbot.adapters.platforms.base import HttpPlatform, full_name, moves
from inboxbot.adapters.platforms.http import Endpoint, Secret
from inboxbot.service.platforms import AddressOutcome, ContactChange, PlatformError

Subscriber = dict[str, Any]


def email_query(addresses: Sequence[str]) -> str:
    """A listmonk SQL expression matching these addresses (any case); quotes doubled, so it stays data."""
    quoted = ", ".join("'" + address.lower().replace("'", "''") + "'" for address in addresses)
    return f"LOWER(subscribers.email) IN ({quoted})"


class ListmonkPlatform(HttpPlatform):
    kind = "listmonk"
    max_batch = 100

    def __init__(
        self, name: str, endpoint: Endpoint, api_user: str, token: Secret, *, owns_client: bool = False
    ) -> None:
        super().__init__(name, endpoint, owns_client=owns_client)
        self._api_user = api_user
        self._token = token

    def suppress(self, addresses: Sequence[str]) -> list[AddressOutcome]:
        """One lookup for the batch, one blocklist call, one unsubscribe call for all their lists."""
        found = self._subscribers(addresses)
        ids = [subscriber["id"] for subscriber in found.values()]
        if ids:
            self._send("PUT", "/api/subscribers/blocklist", json={"ids": ids})
            list_ids = sorted({entry["id"] for s in found.values() for entry in s.get("lists") or []})
            if list_ids:
                body = {"ids": ids, "action": "unsubscribe", "target_list_ids": list_ids}
                self._send("PUT", "/api/subscribers/lists", json=body)
        return [_outcome(address, found.get(address.lower())) for address in addresses]

    def update(self, address: str, change: ContactChange) -> AddressOutcome:
        """PATCH name and e-mail (the blocklist status is not touched, so it survives)."""
        return self.one_address(address, lambda a: self._update(a, change))

    def erase(self, address: str) -> AddressOutcome:
        return self.one_address(address, self._delete)

    def _update(self, address: str, change: ContactChange) -> AddressOutcome:
        subscriber = self._subscribers([address]).get(address.lower())
        if subscriber is None:
            return AddressOutcome(address, known=False)
        body = _patch_body(subscriber, change)
        if body:
            self._send("PATCH", f"/api/subscribers/{subscriber['id']}", json=body)
        return _outcome(address, subscriber)

    def _delete(self, address: str) -> AddressOutcome:
        subscriber = self._subscribers([address]).get(address.lower())
        if subscriber is None:
            return AddressOutcome(address, known=False)
        self._send("DELETE", f"/api/subscribers/{subscriber['id']}")
        return _outcome(address, subscriber)

    def probe(self) -> str:
        answer = self.endpoint.json_object(self._send("GET", "/api/lists", params={"per_page": "1"}))
        data = answer.get("data")
        total = data.get("total") if isinstance(data, dict) else None
        return f"listmonk at {self.endpoint.base_url}: {total} lists"

    def _subscribers(self, addresses: Sequence[str]) -> dict[str, Subscriber]:
        params = {"query": email_query(addresses), "page": "1", "per_page": str(max(len(addresses), 1))}
        data = self.endpoint.json_object(self._send("GET", "/api/subscribers", params=params)).get("data")
        results = data.get("results") if isinstance(data, dict) else None
        if not isinstance(results, list):
            raise PlatformError("listmonk: the subscriber search answered without results")
        return {str(s["email"]).lower(): s for s in results if isinstance(s, dict) and "id" in s}

    def _send(self, method: str, path: str, **request: Any) -> httpx.Response:
        header = {"Authorization": f"token {self._api_user}:{self._token.reveal()}"}
        return self.endpoint.send(method, path, headers=header, **request)


def _outcome(address: str, subscriber: Subscriber | None) -> AddressOutcome:
    if subscriber is None:
        return AddressOutcome(address, known=False)
    lists = [entry for entry in subscriber.get("lists") or [] if isinstance(entry, dict)]
    names = tuple(
        str(entry.get("name", entry.get("id")))
        for entry in lists
        if entry.get("subscription_status") != "unsubscribed"
    )
    return AddressOutcome(address, lists=names)


def _patch_body(subscriber: Subscriber, change: ContactChange) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if moves(str(subscriber.get("email", "")), change):
        body["email"] = change.email
    name = full_name(change)
    if name:
        body["name"] = name
    attribs = subscriber.get("attribs") or {}
    if change.phone and isinstance(attribs, dict) and "phone" in attribs:
        body["attribs"] = {"phone": change.phone}
    return body
