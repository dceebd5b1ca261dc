"""E-mail addresses: normalisation, robot senders, and masking for logs."""

from __future__ import annotations

import functools
import re

_ROBOT_LOCAL_PARTS = re.compile(
    r"^(mailer-daemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|bounces?|"
    r"auto[-_.]?(reply|responder|mailer)|notifications?|noreply[-_.].*|.*[-_.]noreply|bounce[-_+.].*|"
    r"mailer|daemon|listserv|majordomo|sympa|mailman|listproc|ecartis)$",
    re.IGNORECASE,
)


def normalize_address(address: str) -> str:
    """Case-fold an address and encode its domain in IDNA ("Иван@Почта.КЗ" -> "иван@xn--80a1acny.xn--j1aef").

    Returns an empty string for anything that is not a single ``local@domain``.
    """
    address = address.strip().strip("<>").strip()
    if address.count("@") != 1:
        return ""
    local, domain = address.rsplit("@", 1)
    local = local.strip()
    domain = domain.strip().rstrip(".")
    if not local or not domain or len(address.split()) != 1:
        return ""
    return f"{local.casefold()}@{_ascii_domain(domain)}"


@functools.lru_cache(maxsize=4096)
def _ascii_domain(domain: str) -> str:
    """The IDNA (punycode) form of a domain, lower-cased; domains repeat, so it is remembered."""
    try:
        return domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return domain.lower()


def is_robot_address(address: str) -> bool:
    """MAILER-DAEMON, postmaster, no-reply and similar senders that must never get an answer."""
    if not address:
        return True
    local = address.split("@", 1)[0]
    return bool(_ROBOT_LOCAL_PARTS.match(local))


def mask_address(address: str) -> str:
    """``aigul.tokayeva@mail.kz`` -> ``a***@mail.kz``: enough to tell mails apart in a log, no more."""
    if "@" not in address:
        return "***" if address else ""
    local, domain = address.rsplit("@", 1)
    return f"{local[:1]}***@{domain}"
