"""The keyed hash that is all an erased person leaves behind: HMAC-SHA256 of the normalised address.

A plain hash of an address can be reversed by hashing a list of addresses; a keyed one only by someone
holding the key (``INBOXBOT_IDENTITY__HASH_KEY``, from the environment). The key must never change:
hashes made with another key no longer match, and an erased address could be mailed again.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

PREFIX = "hmac-sha256:"
"""What a stored hash starts with, so that it is never taken for an address (no '@' in it either)."""
MIN_KEY_CHARS = 32


class HashKeyError(ValueError):
    """No usable key: empty, or too short to resist guessing."""


@dataclass(frozen=True)
class AddressHasher:
    """``hasher("asel@example.kz")`` -> ``"hmac-sha256:<64 hex digits>"`` (the address normalised first)."""

    key: bytes = field(repr=False)

    def __call__(self, address: str) -> str:
        digest = hmac.new(self.key, address.encode("utf-8"), hashlib.sha256).hexdigest()
        return f"{PREFIX}{digest}"


def address_hasher(key: str) -> AddressHasher:
    """The hasher of ``key``; :class:`HashKeyError` (naming the setting) when it is unusable."""
    if not key:
        raise HashKeyError(
            "identity.hash_key is not set: export INBOXBOT_IDENTITY__HASH_KEY (32+ characters)"
        )
    if len(key) < MIN_KEY_CHARS:
        raise HashKeyError(
            f"identity.hash_key is {len(key)} characters long: {MIN_KEY_CHARS} at least are needed"
        )
    return AddressHasher(key.encode("utf-8"))


def is_hashed(value: str) -> bool:
    return value.startswith(PREFIX)
