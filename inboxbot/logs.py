"""structlog set-up: readable on a terminal, JSON lines otherwise, personal data masked above debug."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any, TextIO

import structlog

from inboxbot.core.addresses import mask_address

_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# 10 to 15 digits with single separators: phone numbers (and IIN/BIN), not dates or ticket numbers.
_PHONE = re.compile(r"(?<![\w-])\+?\d(?:[ ()\-]{0,2}\d){9,14}(?![\w-])")
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}


def redact(text: str) -> str:
    """Mask e-mail addresses and phone numbers in free text (SMTP replies, error messages)."""
    text = _EMAIL.sub(lambda m: mask_address(m.group(0)), text)
    return _PHONE.sub(lambda m: m.group(0)[:3] + "***", text)


def redact_personal_data(
    _logger: Any, method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """A safety net: whatever a caller put in an info-or-above event, no address or phone leaves."""
    if method == "debug":
        return event
    for key, value in list(event.items()):
        if isinstance(value, str):
            event[key] = redact(value)
        elif isinstance(value, list | tuple):
            event[key] = [redact(v) if isinstance(v, str) else v for v in value]
    return event


def configure_logging(level: str = "info", fmt: str = "auto", stream: TextIO | None = None) -> None:
    stream = stream or sys.stderr
    console = fmt == "console" or (fmt == "auto" and stream.isatty())
    renderer: Any = (
        structlog.dev.ConsoleRenderer() if console else structlog.processors.JSONRenderer(ensure_ascii=False)
    )
    # Tracebacks are turned into text before redaction, in both formats: a rich console traceback
    # would print local variables (mail text, addresses) past the redaction.
    processors: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        redact_personal_data,
    ]
    structlog.configure(
        processors=[*processors, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(_LEVELS[level]),
        logger_factory=structlog.PrintLoggerFactory(stream),
        cache_logger_on_first_use=False,
    )
    # Libraries (imapclient, apscheduler, sqlalchemy) speak through the standard logging module.
    logging.basicConfig(
        level=max(_LEVELS[level], logging.WARNING),
        stream=stream,
        force=True,
        format="%(levelname)s %(name)s: %(message)s",
    )
