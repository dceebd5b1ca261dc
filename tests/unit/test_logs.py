"""Personal data never reaches the logs at info level or above."""

from __future__ import annotations

import io
import json

import structlog

from inboxbot.logs import configure_logging, redact


def test_addresses_and_phones_are_masked_but_ticket_numbers_and_dates_are_not() -> None:
    text = "550 <aigul.tokayeva@mail.kz> unknown; call +7 701 744 12 09; HB-2026-000123 on 2026-11-24"
    assert redact(text) == "550 <a***@mail.kz> unknown; call +7 ***; HB-2026-000123 on 2026-11-24"


def test_info_events_are_json_lines_with_personal_data_masked() -> None:
    stream = io.StringIO()
    configure_logging("info", "json", stream)
    structlog.get_logger("t").warning("outbox.failed", reason="550 5.1.1 <client@example.kz>: no such user")
    structlog.get_logger("t").debug("hidden at info level", body="secret body text")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["event"] for line in lines] == ["outbox.failed"]
    assert lines[0]["reason"] == "550 5.1.1 <c***@example.kz>: no such user"
