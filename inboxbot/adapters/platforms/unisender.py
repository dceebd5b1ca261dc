"""Unisender: the address is unsubscribed from every list with one ``unsubscribe`` call.

What Unisender does, per its documentation (https://www.unisender.com/en/support/api/):

* A method is ``https://api.unisender.com/{lang}/api/{method}?format=json`` with ``api_key`` among
  the arguments; POST is preferred "because it will not leave your API key in firewall and proxy server
  logs", so every argument here goes in the form body (api/ "Method call").
* Success is ``{"result": ...}``. A failure is *also* HTTP 200, with ``{"error": "<HTML-encoded
  message>", "code": "<code>"}``; the codes are ``invalid_api_key``, ``access_denied``,
  ``unknown_method``, ``invalid_arg``, ``not_enough_money``, ``retry_later``,
  ``api_call_limit_exceeded_for_api_key`` / ``_for_ip`` (1,200 calls a minute) and ``unspecified``
  (common/api-errors).
* ``unsubscribe`` (``contact_type=email``, ``contact``, no ``list_ids``) marks the contact unsubscribed
  from every list it is in; only the contact can undo it (contacts/unsubscribe). A contact missing
  from a list answers ``unspecified`` "Contact ... not found" (documented for ``exclude``; taken to
  hold for ``unsubscribe`` too).
* ``getContact`` (``email``) reads one contact (contacts/getcontact); ``importContacts``
  (``field_names[]``, ``data[][]``) updates fields of existing contacts, and a ``delete`` column of 1
  deletes them; it answers counts (``updated``, ``deleted``, ``invalid``) and a ``log``
  (contacts/importcontacts). ``getLists`` lists the lists (lists/getlists).

Unisender cannot change a contact's e-mail address; :meth:`UnisenderPlatform.update` says so.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from inboxbot.adapters.platforms.base import HttpPlatform, full_name
from inboxbot.adapters.platforms.http import CredentialsRefused, Endpoint, RequestRefused, Secret
from inboxbot.service.platforms import AddressOutcome, ContactChange, PlatformError

_CREDENTIALS = frozenset({"invalid_api_key", "access_denied"})
_ACCOUNT = frozenset({"unknown_method", "not_enough_money"})
_RATE_LIMITED = frozenset({"api_call_limit_exceeded_for_api_key", "api_call_limit_exceeded_for_ip"})
_RATE_WINDOW_SECONDS = 60.0
_NOT_FOUND = ("not found", "не найден")


class ContactNotFound(RequestRefused):
    """Unisender does not know the contact."""


class UnisenderPlatform(HttpPlatform):
    kind = "unisender"
    max_batch = 100  # one call per address

    def __init__(
        self, name: str, endpoint: Endpoint, api_key: Secret, *, lang: str = "en", owns_client: bool = False
    ) -> None:
        super().__init__(name, endpoint, owns_client=owns_client)
        self._api_key = api_key
        self._lang = lang

    def suppress(self, addresses: Sequence[str]) -> list[AddressOutcome]:
        return self.each_address(addresses, self._unsubscribe)

    def update(self, address: str, change: ContactChange) -> AddressOutcome:
        return self.update_in_place(address, change, self._update_fields)

    def erase(self, address: str) -> AddressOutcome:
        return self.one_address(address, self._delete)

    def probe(self) -> str:
        lists = self._call("getLists", {})
        count = len(lists) if isinstance(lists, list) else "?"
        return f"unisender at {self.endpoint.base_url}: {count} lists"

    def _unsubscribe(self, address: str) -> AddressOutcome:
        try:
            self._call("unsubscribe", {"contact_type": "email", "contact": address})
        except ContactNotFound:
            return AddressOutcome(address, known=False)
        return AddressOutcome(address)

    def _update_fields(self, address: str, change: ContactChange) -> AddressOutcome:
        try:
            self._call("getContact", {"email": address})
        except ContactNotFound:
            return AddressOutcome(address, known=False)
        columns = {"Name": full_name(change), "phone": change.phone}
        row = {"email": address} | {field: value for field, value in columns.items() if value}
        if len(row) > 1:
            self._import(row)
        return AddressOutcome(address)

    def _delete(self, address: str) -> AddressOutcome:
        result = self._import({"email": address, "delete": "1"})
        return AddressOutcome(address, known=int(result.get("deleted") or 0) > 0)

    def _import(self, row: Mapping[str, str]) -> dict[str, Any]:
        """``importContacts`` with one row; a row Unisender rejects is this address's error."""
        fields = {f"field_names[{i}]": name for i, name in enumerate(row)}
        fields |= {f"data[0][{i}]": value for i, value in enumerate(row.values())}
        result = self._call("importContacts", fields)
        if not isinstance(result, dict):
            raise PlatformError("unisender: importContacts answered without counts")
        if int(result.get("invalid") or 0):
            log = result.get("log")
            entry = log[0] if isinstance(log, list) and log and isinstance(log[0], dict) else {}
            raise RequestRefused(self.endpoint.scrub(f"unisender: {entry.get('message', 'row refused')}"))
        return result

    def _call(self, method: str, arguments: Mapping[str, str]) -> Any:
        form = {"api_key": self._api_key.reveal(), **arguments}
        response = self.endpoint.send(
            "POST", f"/{self._lang}/api/{method}", params={"format": "json"}, data=form
        )
        body = self.endpoint.json_object(response)
        if "error" in body:
            raise self._error(str(body.get("code") or "unspecified"), html.unescape(str(body["error"])))
        return body.get("result")

    def _error(self, code: str, message: str) -> PlatformError:
        """The exception for an error body: the whole call for key, account and rate problems, else this
        address alone (``invalid_arg``, ``unspecified``)."""
        text = self.endpoint.scrub(f"unisender: {code}: {message}")
        if code in _CREDENTIALS:
            return CredentialsRefused(text)
        if code in _ACCOUNT:
            return PlatformError(text, permanent=True)
        if code in _RATE_LIMITED:
            return PlatformError(text, retry_after=_RATE_WINDOW_SECONDS)
        if code == "retry_later":
            return PlatformError(text)
        if any(marker in message.lower() for marker in _NOT_FOUND):
            return ContactNotFound(text)
        return RequestRefused(text)
