"""Adapters to the mailing platforms behind :class:`inboxbot.service.platforms.MailingPlatform`.

One module per vendor (listmonk, Mailchimp, Unisender, SendPulse, Brevo), each following the vendor's
documented HTTP API; :mod:`.http` maps every answer to success or a ``PlatformError`` in one place;
:func:`build_platform` turns a ``[backends.NAME]`` section and its secrets into an adapter.
"""

from inboxbot.adapters.platforms.factory import (
    KINDS,
    ClosablePlatform,
    PlatformConfigError,
    PlatformKind,
    build_platform,
)

__all__ = ["KINDS", "ClosablePlatform", "PlatformConfigError", "PlatformKind", "build_platform"]
