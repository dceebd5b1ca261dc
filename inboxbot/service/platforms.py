"""The port to the mailing platforms where ONETEXNO's segments really live (listmonk, Mailchimp, ...).

A platform is reached over the network, so nothing here knows of inboxbot's database or its
transactions: the service calls a platform outside every transaction, from work rows it leased, and
records the outcome afterwards. Adapters live in :mod:`inboxbot.adapters.platforms`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol


class PlatformError(Exception):
    """A call to a platform failed.

    ``permanent``: retrying cannot help (401/403, a request the platform refuses); a person must look.
    ``retry_after``: seconds the platform asked us to wait (429/503 ``Retry-After``), when it said.
    ``unreachable``: the platform could not be reached at all (connection refused, timeout, 5xx), so
    the rest of the cycle should not try it again (the circuit breaker opens).
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        retry_after: float | None = None,
        unreachable: bool = False,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after
        self.unreachable = unreachable


@dataclass(frozen=True)
class AddressOutcome:
    """What a platform did for one address.

    ``known`` False: the platform has no such contact, which counts as success (nothing to remove).
    ``lists``: the lists (audiences, address books) the address left, where the platform says.
    ``error``: set when this address alone failed; the others of the batch stand.
    """

    address: str
    known: bool = True
    lists: tuple[str, ...] = ()
    error: PlatformError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class ContactChange:
    """A verified change to a contact's data, as far as a mailing platform holds it."""

    email: str | None = None  # the new address, when it changes
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None  # E.164
    language: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


class MailingPlatform(Protocol):
    """One account on one mailing platform, named in ``[backends.NAME]``."""

    name: str  # the configured name, e.g. "newsletter"
    kind: str  # "listmonk", "mailchimp", "unisender", "sendpulse", "brevo"
    max_batch: int  # how many addresses one :meth:`suppress` call may carry

    def suppress(self, addresses: Sequence[str]) -> list[AddressOutcome]:
        """Stop every mailing to each address on this platform: blocklisted (where the platform has a
        blocklist) and unsubscribed from every list. Idempotent. One outcome per address, in order.

        Raises :class:`PlatformError` when the call as a whole failed (nothing can be said per address).
        """
        ...

    def update(self, address: str, change: ContactChange) -> AddressOutcome:
        """Apply a verified data change to the contact ``address``; a suppression must survive it."""
        ...

    def erase(self, address: str) -> AddressOutcome:
        """Delete the contact ``address`` from the platform where its API allows; otherwise the closest
        it offers (anonymise). The address stays unmailable: callers suppress it before erasing."""
        ...

    def probe(self) -> str:
        """A harmless read that proves the URL and the credentials; a one-line description, else
        :class:`PlatformError`."""
        ...
