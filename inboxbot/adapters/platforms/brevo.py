"""Brevo (ex-Sendinblue): the contact is blocklisted for e-mail and unlinked from every list it is in.

What Brevo does, per its documentation (https://developers.brevo.com/):

* Auth: an ``api-key`` header (reference "Authentication").
* ``GET /v3/contacts/{identifier}`` reads a contact, the identifier being its e-mail address; the answer
  carries ``emailBlacklisted``, ``smsBlacklisted``, ``listIds`` and ``attributes``; 404
  ``document_not_found`` when there is none (reference/get-contact-info).
* ``PUT /v3/contacts/{identifier}`` with ``emailBlacklisted`` and ``unlinkListIds`` (204), or with
  ``attributes`` (``EMAIL`` to change the address, ``FIRSTNAME``, ``LASTNAME``, ``SMS``). The page warns:
  "If a blocklisted contact's email address is updated, it is going to remove that blocklisting from the
  contact and they will be resubscribed", so after an address change the blocklist is set again on the
  new address (reference/update-contact).
* ``DELETE /v3/contacts/{identifier}`` deletes the contact (reference/delete-contact).
* ``GET /v3/account`` reads the account (reference/get-account).
* Errors are ``{"code", "message"}``; 429 comes with ``x-sib-ratelimit-reset`` (seconds until the
  window resets) (docs/limit-headers).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import httpx

from inboxbot.adapters.platforms.base import HttpPlatform, moves
from inboxbot.adapters.platforms.http import Endpoint, Secret
from inboxbot.service.platforms import AddressOutcome, ContactChange

RETRY_AFTER_HEADERS = ("Retry-After", "x-sib-ratelimit-reset")
Contact = dict[str, Any]


class BrevoPlatform(HttpPlatform):
    kind = "brevo"
    max_batch = 50  # a read and a write per address

    def __init__(self, name: str, endpoint: Endpoint, api_key: Secret, *, owns_client: bool = False) -> None:
        super().__init__(name, endpoint, owns_client=owns_client)
        self._api_key = api_key

    def suppress(self, addresses: Sequence[str]) -> list[AddressOutcome]:
        return self.each_address(addresses, self._blocklist)

    def update(self, address: str, change: ContactChange) -> AddressOutcome:
        return self.one_address(address, lambda a: self._update(a, change))

    def erase(self, address: str) -> AddressOutcome:
        return self.one_address(address, self._delete)

    def probe(self) -> str:
        account = self.endpoint.json_object(self._send("GET", "/account"))
        return f"brevo at {self.endpoint.base_url}: account {account.get('companyName') or '?'}"

    def _delete(self, address: str) -> AddressOutcome:
        deleted = self.endpoint.find("DELETE", _contact_path(address), headers=self._headers())
        return AddressOutcome(address, known=deleted is not None)

    def _blocklist(self, address: str) -> AddressOutcome:
        contact = self._contact(address)
        if contact is None:
            return AddressOutcome(address, known=False)
        list_ids = _list_ids(contact)
        body: dict[str, Any] = {"emailBlacklisted": True}
        if list_ids:
            body["unlinkListIds"] = list_ids
        self._send("PUT", _contact_path(address), json=body)
        return AddressOutcome(address, lists=tuple(str(i) for i in list_ids))

    def _update(self, address: str, change: ContactChange) -> AddressOutcome:
        contact = self._contact(address)
        if contact is None:
            return AddressOutcome(address, known=False)
        attributes = _attributes(address, change)
        if attributes:
            self._send("PUT", _contact_path(address), json={"attributes": attributes})
            self._keep_blocklists(address, contact, change)
        return AddressOutcome(address, lists=tuple(str(i) for i in _list_ids(contact)))

    def _keep_blocklists(self, address: str, contact: Contact, change: ContactChange) -> None:
        """Set again what an address (or, to be safe, a phone) change may have cleared."""
        moved = moves(address, change)
        flags: dict[str, bool] = {}
        if moved and contact.get("emailBlacklisted"):
            flags["emailBlacklisted"] = True
        if change.phone and contact.get("smsBlacklisted"):
            flags["smsBlacklisted"] = True
        if flags:
            self._send("PUT", _contact_path(change.email if moved and change.email else address), json=flags)

    def _contact(self, address: str) -> Contact | None:
        response = self.endpoint.find("GET", _contact_path(address), headers=self._headers())
        return None if response is None else self.endpoint.json_object(response)

    def _send(self, method: str, path: str, **request: Any) -> httpx.Response:
        return self.endpoint.send(method, path, headers=self._headers(), **request)

    def _headers(self) -> dict[str, str]:
        return {"api-key": self._api_key.reveal(), "Accept": "application/json"}


def _contact_path(address: str) -> str:
    return f"/contacts/{quote(address, safe='@')}"


def _list_ids(contact: Contact) -> list[int]:
    return [int(i) for i in contact.get("listIds") or [] if isinstance(i, int | str) and str(i).isdigit()]


def _attributes(address: str, change: ContactChange) -> dict[str, str]:
    """The attributes to PUT; ``EMAIL`` only for another address (even a case change would unblock)."""
    wanted = {"EMAIL": change.email if moves(address, change) else None}
    wanted |= {"FIRSTNAME": change.first_name, "LASTNAME": change.last_name, "SMS": change.phone}
    return {name: value for name, value in wanted.items() if value}
