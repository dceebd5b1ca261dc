"""From ``[backends.NAME] kind = "..."`` plus secrets to a :class:`MailingPlatform`, checked up front.

:data:`KINDS` says what each kind needs, so the configuration layer can validate (and name the
missing key) before anything is built; :func:`build_platform` checks the same again and builds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol

import httpx

from inboxbot.adapters.platforms.brevo import RETRY_AFTER_HEADERS as BREVO_RETRY_AFTER
from inboxbot.adapters.platforms.brevo import BrevoPlatform
from inboxbot.adapters.platforms.http import (
    DEFAULT_TIMEOUT_SECONDS,
    Endpoint,
    Secret,
    new_client,
    require_https,
)
from inboxbot.adapters.platforms.listmonk import ListmonkPlatform
from inboxbot.adapters.platforms.mailchimp import MailchimpPlatform, mailchimp_url
from inboxbot.adapters.platforms.sendpulse import SendPulsePlatform
from inboxbot.adapters.platforms.unisender import UnisenderPlatform
from inboxbot.service.platforms import MailingPlatform


class ClosablePlatform(MailingPlatform, Protocol):
    """A :class:`MailingPlatform` that can release the HTTP client it opened (call at shutdown)."""

    def close(self) -> None: ...


COMMON_OPTIONS = ("timeout_seconds", "ca_file")


class PlatformConfigError(ValueError):
    """A ``[backends.NAME]`` section that cannot work; the message names the key."""


@dataclass(frozen=True)
class PlatformKind:
    """What one kind of platform needs: options come from the file, secrets only from the environment."""

    kind: str
    summary: str
    required_options: tuple[str, ...] = ()
    optional_options: tuple[str, ...] = COMMON_OPTIONS
    secrets: tuple[str, ...] = ()


KINDS: Mapping[str, PlatformKind] = MappingProxyType(
    {
        "listmonk": PlatformKind(
            "listmonk",
            "self-hosted listmonk: blocklist + unsubscribe",
            ("url", "api_user"),
            secrets=("token",),
        ),
        "mailchimp": PlatformKind(
            "mailchimp",
            "Mailchimp Marketing API: unsubscribed on every audience (url defaults to the key's data centre)",
            optional_options=("url", *COMMON_OPTIONS),
            secrets=("api_key",),
        ),
        "unisender": PlatformKind(
            "unisender",
            "Unisender: unsubscribe from all lists",
            optional_options=("url", "lang", *COMMON_OPTIONS),
            secrets=("api_key",),
        ),
        "sendpulse": PlatformKind(
            "sendpulse",
            "SendPulse: blacklist + removal from every address book",
            optional_options=("url", *COMMON_OPTIONS),
            secrets=("client_id", "client_secret"),
        ),
        "brevo": PlatformKind(
            "brevo",
            "Brevo: emailBlacklisted + unlinked from every list",
            optional_options=("url", *COMMON_OPTIONS),
            secrets=("api_key",),
        ),
    }
)

Builder = Callable[[str, Mapping[str, str], Mapping[str, str], httpx.Client, bool], ClosablePlatform]


def build_platform(
    name: str,
    kind: str,
    options: Mapping[str, str],
    secrets: Mapping[str, str],
    client: httpx.Client | None = None,
) -> ClosablePlatform:
    """The adapter for ``[backends.name]``; :class:`PlatformConfigError` names the offending key.

    Without ``client`` the adapter opens its own (TLS verified, ``timeout_seconds``, ``ca_file``) and
    closes it in ``close()``; an injected client is left to its owner. (The result is a
    :class:`MailingPlatform` with ``close()`` added.)
    """
    spec = KINDS.get(kind)
    if spec is None:
        raise PlatformConfigError(f"backends.{name}.kind: unknown kind {kind!r} (known: {', '.join(KINDS)})")
    check_section(name, spec, options, secrets)
    owns_client = client is None
    http = client or new_client(_timeout(name, options), options.get("ca_file") or None)
    try:
        return _BUILDERS[kind](name, options, secrets, http, owns_client)
    except ValueError as err:
        if owns_client:
            http.close()
        raise PlatformConfigError(f"backends.{name}: {err}") from None


def check_section(
    name: str, spec: PlatformKind, options: Mapping[str, str], secrets: Mapping[str, str]
) -> None:
    """Every required option and secret present and non-empty; no option the kind does not know."""
    for key in spec.required_options:
        if not options.get(key):
            raise PlatformConfigError(f"backends.{name}.{key}: required for kind {spec.kind!r}")
    for key in spec.secrets:
        if not secrets.get(key):
            raise PlatformConfigError(f"backends.{name}: secret {key!r} is not set (kind {spec.kind!r})")
    known = {*spec.required_options, *spec.optional_options, "kind"}
    for key in options:
        if key not in known:
            raise PlatformConfigError(f"backends.{name}.{key}: unknown option for kind {spec.kind!r}")


def _timeout(name: str, options: Mapping[str, str]) -> float:
    raw = options.get("timeout_seconds") or str(DEFAULT_TIMEOUT_SECONDS)
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 300:
        raise PlatformConfigError(
            f"backends.{name}.timeout_seconds: a number of seconds, 0 to 300 (got {raw!r})"
        )
    return seconds


def _endpoint(kind: str, url: str, client: httpx.Client, *secrets: Secret) -> Endpoint:
    headers = BREVO_RETRY_AFTER if kind == "brevo" else ("Retry-After",)
    return Endpoint(kind, url, client, secrets, retry_after_headers=headers)


def _listmonk(
    name: str, options: Mapping[str, str], secrets: Mapping[str, str], client: httpx.Client, owns: bool
) -> ClosablePlatform:
    token = Secret(secrets["token"])
    endpoint = _endpoint("listmonk", require_https(options["url"], "url"), client, token)
    return ListmonkPlatform(name, endpoint, options["api_user"], token, owns_client=owns)


def _mailchimp(
    name: str, options: Mapping[str, str], secrets: Mapping[str, str], client: httpx.Client, owns: bool
) -> ClosablePlatform:
    key = Secret(secrets["api_key"])
    endpoint = _endpoint("mailchimp", mailchimp_url(key.reveal(), options.get("url")), client, key)
    return MailchimpPlatform(name, endpoint, key, owns_client=owns)


def _unisender(
    name: str, options: Mapping[str, str], secrets: Mapping[str, str], client: httpx.Client, owns: bool
) -> ClosablePlatform:
    key = Secret(secrets["api_key"])
    lang = options.get("lang") or "en"
    if not re.fullmatch(r"[a-z]{2}", lang):
        raise ValueError(f"lang must be a two-letter language code (got {lang!r})")
    url = require_https(options.get("url") or "https://api.unisender.com", "url")
    return UnisenderPlatform(name, _endpoint("unisender", url, client, key), key, lang=lang, owns_client=owns)


def _sendpulse(
    name: str, options: Mapping[str, str], secrets: Mapping[str, str], client: httpx.Client, owns: bool
) -> ClosablePlatform:
    client_id, client_secret = Secret(secrets["client_id"]), Secret(secrets["client_secret"])
    url = require_https(options.get("url") or "https://api.sendpulse.com", "url")
    endpoint = _endpoint("sendpulse", url, client, client_id, client_secret)
    return SendPulsePlatform(name, endpoint, client_id, client_secret, owns_client=owns)


def _brevo(
    name: str, options: Mapping[str, str], secrets: Mapping[str, str], client: httpx.Client, owns: bool
) -> ClosablePlatform:
    key = Secret(secrets["api_key"])
    url = require_https(options.get("url") or "https://api.brevo.com/v3", "url")
    return BrevoPlatform(name, _endpoint("brevo", url, client, key), key, owns_client=owns)


_BUILDERS: Mapping[str, Builder] = MappingProxyType(
    {
        "listmonk": _listmonk,
        "mailchimp": _mailchimp,
        "unisender": _unisender,
        "sendpulse": _sendpulse,
        "brevo": _brevo,
    }
)
