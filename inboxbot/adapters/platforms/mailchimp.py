"""Mailchimp Marketing API 3.0: the member is set ``unsubscribed`` on every audience of the account.

What Mailchimp does, per its documentation (https://mailchimp.com/developer/marketing/):

* Auth: HTTP Basic, any user name and the API key as password; the key ends in the account's data
  centre (``...-us21``), which names the host ``https://us21.api.mailchimp.com/3.0``
  (docs/fundamentals "API Quick Start", "Authentication").
* ``GET /lists?fields=...&count=&offset=`` pages through the audiences (api/lists "List audiences").
* ``PUT /lists/{list_id}/members/{subscriber_hash}`` adds or updates a member; the hash is the MD5 of
  the lower-cased address; ``status`` applies to an existing member and ``status_if_new`` to a new one
  (api/list-members "Add or update list member"). An address unknown to an audience is therefore
  added to it as ``unsubscribed``: Mailchimp then refuses to re-subscribe it by import, which is what a
  suppression wants. The upsert does not say whether the member existed, so ``known`` is always True.
* ``PATCH .../members/{hash}`` changes ``email_address`` and ``merge_fields`` (FNAME, LNAME, PHONE: the
  default merge tags) and leaves ``status`` alone; 404 when the address is not in that audience.
* ``POST .../members/{hash}/actions/delete-permanent`` erases a member for good (api/list-members
  "Delete list member"); 404 when it is not there.
* Errors are problem documents ``{"title", "status", "detail"}``; 429 when more than 10 connections are
  open at once (docs/fundamentals "Errors", "API limits").
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import httpx

from inboxbot.adapters.platforms.base import HttpPlatform, moves
from inboxbot.adapters.platforms.http import Endpoint, Secret, require_https
from inboxbot.service.platforms import AddressOutcome, ContactChange

_PAGE = 1000  # the most Mailchimp returns per page
Audience = tuple[str, str]  # (id, name)


def mailchimp_url(api_key: str, url: str | None) -> str:
    """The configured URL, else the API root of the data centre the key names."""
    if url:
        return require_https(url, "url")
    datacenter = api_key.rpartition("-")[2]
    if not re.fullmatch(r"[a-z]{2,}[0-9]+", datacenter):
        raise ValueError("the Mailchimp API key does not end in its data centre (like -us21); set url")
    return f"https://{datacenter}.api.mailchimp.com/3.0"


def subscriber_hash(address: str) -> str:
    return hashlib.md5(address.strip().lower().encode(), usedforsecurity=False).hexdigest()


class MailchimpPlatform(HttpPlatform):
    kind = "mailchimp"
    max_batch = 50  # one PUT per address and audience

    def __init__(self, name: str, endpoint: Endpoint, api_key: Secret, *, owns_client: bool = False) -> None:
        super().__init__(name, endpoint, owns_client=owns_client)
        self._api_key = api_key

    def suppress(self, addresses: Sequence[str]) -> list[AddressOutcome]:
        audiences = self._audiences()
        return self.each_address(addresses, lambda address: self._unsubscribe(address, audiences))

    def update(self, address: str, change: ContactChange) -> AddressOutcome:
        """PATCH the member wherever it is; its status (unsubscribed) is not part of the change."""
        body = _member_patch(address, change)
        method = "PATCH" if body else "GET"
        return self.one_address(address, lambda a: self._in_each_audience(a, method, "", json=body or None))

    def erase(self, address: str) -> AddressOutcome:
        return self.one_address(
            address, lambda a: self._in_each_audience(a, "POST", "/actions/delete-permanent")
        )

    def probe(self) -> str:
        page = self.endpoint.json_object(self._send("GET", "/lists", params={"count": "1"}))
        return f"mailchimp at {self.endpoint.base_url}: {page.get('total_items')} audiences"

    def _unsubscribe(self, address: str, audiences: list[Audience]) -> AddressOutcome:
        body = {"email_address": address, "status": "unsubscribed", "status_if_new": "unsubscribed"}
        for list_id, _ in audiences:
            self._send("PUT", _member_path(list_id, address), json=body)
        return AddressOutcome(address, lists=tuple(name for _, name in audiences))

    def _in_each_audience(self, address: str, method: str, suffix: str, **request: Any) -> AddressOutcome:
        lists: list[str] = []
        for list_id, list_name in self._audiences():
            path = _member_path(list_id, address) + suffix
            if self.endpoint.find(method, path, auth=self._auth(), **request) is not None:
                lists.append(list_name)
        return AddressOutcome(address, known=bool(lists), lists=tuple(lists))

    def _audiences(self) -> list[Audience]:
        audiences: list[Audience] = []
        while True:
            params = {"fields": "lists.id,lists.name,total_items", "count": str(_PAGE)}
            params["offset"] = str(len(audiences))
            page = self.endpoint.json_object(self._send("GET", "/lists", params=params))
            found = [entry for entry in page.get("lists") or [] if isinstance(entry, dict)]
            audiences += [(str(entry["id"]), str(entry.get("name") or entry["id"])) for entry in found]
            if not found or len(audiences) >= int(page.get("total_items") or 0):
                return audiences

    def _send(self, method: str, path: str, **request: Any) -> httpx.Response:
        return self.endpoint.send(method, path, auth=self._auth(), **request)

    def _auth(self) -> httpx.BasicAuth:
        return httpx.BasicAuth("inboxbot", self._api_key.reveal())


def _member_path(list_id: str, address: str) -> str:
    return f"/lists/{quote(list_id, safe='')}/members/{subscriber_hash(address)}"


def _member_patch(address: str, change: ContactChange) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if moves(address, change):
        body["email_address"] = change.email
    merge = {"FNAME": change.first_name, "LNAME": change.last_name, "PHONE": change.phone}
    merge_fields = {tag: value for tag, value in merge.items() if value}
    if merge_fields:
        body["merge_fields"] = merge_fields
    return body
