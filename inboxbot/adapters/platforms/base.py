"""The part every platform adapter has in common: its identity, its endpoint and the per-address loop."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from inboxbot.adapters.platforms.http import Endpoint, RequestRefused
from inboxbot.service.platforms import AddressOutcome, ContactChange


class HttpPlatform:
    """Base of the adapters: ``name``/``kind``/``max_batch`` as the port wants, a safe repr, and
    :meth:`close` for the client the factory opened (an injected client stays the caller's to close)."""

    kind = ""
    max_batch = 1

    def __init__(self, name: str, endpoint: Endpoint, *, owns_client: bool = False) -> None:
        self.name = name
        self.endpoint = endpoint
        self._owns_client = owns_client

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, url={self.endpoint.base_url!r})"

    def close(self) -> None:
        if self._owns_client:
            self.endpoint.client.close()

    def each_address(
        self, addresses: Sequence[str], handle: Callable[[str], AddressOutcome]
    ) -> list[AddressOutcome]:
        """``handle`` each address in order. A request the platform refused is that address's error;
        anything else (credentials, rate limit, outage) stops the batch: it is idempotent, so the caller
        retries it whole."""
        outcomes: list[AddressOutcome] = []
        for address in addresses:
            try:
                outcomes.append(handle(address))
            except RequestRefused as err:
                outcomes.append(AddressOutcome(address, error=err))
        return outcomes

    def one_address(self, address: str, handle: Callable[[str], AddressOutcome]) -> AddressOutcome:
        """:meth:`each_address` for one address (``update``, ``erase``)."""
        return self.each_address([address], handle)[0]

    def update_in_place(
        self, address: str, change: ContactChange, apply: Callable[[str, ContactChange], AddressOutcome]
    ) -> AddressOutcome:
        """``update`` for platforms that key a contact by its address: a new address is this address's
        (permanent) error, for a person to move the contact; the other fields are ``apply``-ed."""
        if moves(address, change):
            reason = "its API cannot change a contact's e-mail address; move the contact by hand"
            return AddressOutcome(address, error=RequestRefused(f"{self.endpoint.vendor}: {reason}"))
        return self.one_address(address, lambda a: apply(a, change))


def moves(address: str, change: ContactChange) -> bool:
    """Whether ``change`` gives the contact another e-mail address (not merely another case)."""
    return bool(change.email) and str(change.email).lower() != address.lower()


def full_name(change: ContactChange) -> str | None:
    """First and last name as one string, for platforms with a single name field; None if neither."""
    parts = [part for part in (change.first_name, change.last_name) if part]
    return " ".join(parts) if parts else None
