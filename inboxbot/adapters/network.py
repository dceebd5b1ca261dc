"""What the network adapters share: the TLS policy and how an error is shown in one line."""

from __future__ import annotations

import ssl


def tls_context(ca_file: str | None) -> ssl.SSLContext:
    """Certificate and host name verified; ``ca_file`` adds a private CA to the system ones."""
    context = ssl.create_default_context()
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


def one_line(exc: BaseException) -> str:
    """The first line of an exception's message, short enough for a log line or an exit message."""
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]
