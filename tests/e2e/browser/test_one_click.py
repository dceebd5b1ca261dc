"""A one-click unsubscribe link opened in a real browser: the page asks, the button unsubscribes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, expect

from inboxbot.adapters.db import schema
from inboxbot.bootstrap import App, build
from inboxbot.core.unsubscribe_links import link_keys
from inboxbot.service.contacts import contact_card, import_contacts
from tests.e2e.browser.conftest import VIEWPORT, serving
from tests.harness.net import LOOPBACK, free_port
from tests.support import Clock, settings_for

pytestmark = pytest.mark.e2e
KEY = "browser-link-key-" + "k" * 24


@dataclass
class Served:
    app: App
    url: str


@pytest.fixture
def served(db_url: str, clock: Clock, tmp_path: Path) -> Iterator[Served]:
    port = free_port()
    settings = settings_for(
        db_url=db_url,
        maildir=tmp_path / "maildir",
        files=tmp_path / "outbox",
        worker={"parse_processes": 0},
        web={"host": LOOPBACK, "port": port},
        links={"base_url": f"http://{LOOPBACK}:{port}", "key": KEY},
    )
    app = build(settings, clock=clock)
    try:
        schema.upgrade(app.store.engine)
        csv = tmp_path / "clients.csv"
        csv.write_text("email,name,phone,language\nasel@example.kz,Asel,,kk\n", encoding="utf-8")
        import_contacts(app.store, csv, segment="Новости", channel="email", clock=app.clock)
        with serving(app, port) as url:
            yield Served(app, url)
    finally:
        app.close()


@pytest.fixture
def context(browser: Browser, served: Served) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=served.url, locale="en-US", viewport=VIEWPORT)
    context.set_default_timeout(5_000)
    yield context
    context.close()


def test_the_link_asks_first_and_the_button_unsubscribes(served: Served, context: BrowserContext) -> None:
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: _record(message, problems))
    token = link_keys(KEY).make("asel@example.kz", "Новости")

    page.goto(f"/u/{token}")

    expect(page.locator("html")).to_have_attribute("lang", "kk")  # the contact's language, not the browser's
    expect(page.locator("h1")).to_have_text("ONETEXNO таратылымдарынан бас тарту")
    assert contact_card(served.app.store, "asel@example.kz").suppression is None  # opening it changed nothing

    page.get_by_role("button", name="Жазылымнан бас тарту").click()

    expect(page.get_by_role("status")).to_have_text(
        "Дайын: asel@example.kz мекенжайына ONETEXNO таратылымдары енді жіберілмейді."
    )
    assert page.url == f"{served.url}/u/{token}"  # answered in place, no redirect
    card = contact_card(served.app.store, "asel@example.kz")
    assert card.suppression is not None and card.segments == []
    assert context.cookies() == []  # no session was ever needed
    assert problems == []  # nothing blocked by the Content-Security-Policy


def _record(message: ConsoleMessage, problems: list[str]) -> None:
    if message.type in {"error", "warning"}:
        problems.append(message.text)
