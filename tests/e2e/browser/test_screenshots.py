"""Screenshots of the console on the demo data (samples/maildir), for docs/ and for looking at.

Always saved in the test's temporary folder; copied to docs/screenshots/ with
INBOXBOT_UPDATE_SCREENSHOTS=1 (``make screenshots``).
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from inboxbot.service.accounts import Role
from tests.e2e.browser.conftest import VIEWPORT, LiveConsole, sign_in
from tests.support import ROOT, Clock

pytestmark = pytest.mark.e2e

SAMPLES = ROOT / "samples" / "maildir" / "new"
DOCS = ROOT / "docs" / "screenshots"
SUPPORT_LEAD = "aigerim@1texno.kz"


@pytest.fixture
def clock() -> Clock:
    """A fixed moment, so that the pictures change only when the console does."""
    return Clock(datetime(2026, 11, 24, 9, 30, tzinfo=UTC))


def test_queue_and_ticket_screenshots_from_the_demo_data(
    console: LiveConsole, page: Page, tmp_path: Path
) -> None:
    console.add_staff(SUPPORT_LEAD, role=Role.ADMIN, name="Aigerim Sadykova")
    # 47 h ago to 11 h ago, 3 h apart: the question about an invoice overdue, the next ones at risk (the
    # unsubscribes resolved themselves, the data requests wait on their senders' codes)
    for index, sample in enumerate(sorted(SAMPLES.iterdir())):
        console.drop(sample.read_bytes(), hours_ago=47 - index * 3)
    console.work()

    sign_in(page, SUPPORT_LEAD)
    assert page.viewport_size == VIEWPORT
    rows = page.locator("table.queue tbody tr")
    expect(rows.locator(".late").first).to_be_visible()  # an overdue ticket, in red
    shots = {"queue.png": shoot(page, tmp_path / "queue.png")}

    rows.filter(has_text="Смена номера телефона").get_by_role("link").click()
    expect(page.locator("details.evidence")).to_be_visible()
    shots["ticket.png"] = shoot(page, tmp_path / "ticket.png")

    if os.environ.get("INBOXBOT_UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        for name, path in shots.items():
            shutil.copyfile(path, DOCS / name)


def shoot(page: Page, path: Path) -> Path:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=path, animations="disabled", caret="hide")
    assert path.stat().st_size > 10_000
    return path
