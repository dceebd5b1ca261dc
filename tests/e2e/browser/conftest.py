"""Fixtures for the browser tests: the console served for real by uvicorn, and Debian's Chromium.

==================  ========  ==================================================================
fixture             scope     yields
==================  ========  ==================================================================
browser             session   a Playwright ``Browser``: /usr/bin/chromium, headless; skipped when
                              it is missing (failed with CI=true, as the harness's servers are)
console             function  :class:`LiveConsole`: a migrated app on ``db_url`` with a Maildir
                              source and the test SMTP server, served on a free loopback port,
                              its clock a :class:`~tests.support.Clock` the test moves by hand
context, page       function  a fresh browser context (English, Asia/Almaty, 1400x900) whose
                              requests to any other host are recorded (``traffic``) and aborted,
                              never sent; ``new_context()`` makes more of them
==================  ========  ==================================================================

The browser tests run on SQLite only (``db_url`` is narrowed below): on PostgreSQL as well they would
take twice as long (about 40 s each), while what they add over the integration tier is the browser,
the HTTP layer and the security headers, none of which depends on the database; the services under
the console (accounts, queue, desk, ticket view) are tested on both databases there.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
import uvicorn
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    Request,
    Route,
    ViewportSize,
    sync_playwright,
)

from inboxbot.adapters.db import schema
from inboxbot.bootstrap import App, build
from inboxbot.service.accounts import Role
from inboxbot.web.app import create_app
from tests.harness.fixtures import unavailable
from tests.harness.net import LOOPBACK, free_port
from tests.harness.smtp import SmtpServer
from tests.support import Clock, settings_for

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT: ViewportSize = {"width": 1400, "height": 900}
PASSWORD = "correct horse battery"  # every test account's (at least 12 characters)
ADMIN = "admin@1texno.kz"
AGENT = "agent@1texno.kz"
_names = itertools.count(1)
T = TypeVar("T")


# -- the browser -----------------------------------------------------------------------------------


# Package scope, not session: Playwright's sync API keeps an event loop running on the test thread while
# it is open, and every later asyncio.run() (the SMTP transport in other tests) would refuse to start.
@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    if not os.access(CHROMIUM, os.X_OK):
        unavailable(f"{CHROMIUM} is missing (Debian package chromium; make system-deps installs it)")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


# -- the served console ----------------------------------------------------------------------------


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """SQLite only here (see the module's docstring); the harness's fixture would add PostgreSQL."""
    return f"sqlite:///{tmp_path}/inboxbot.db"


@dataclass
class LiveConsole:
    """The console served on loopback, with what a test needs to feed it and to watch it."""

    app: App
    url: str
    clock: Clock
    maildir: Path
    smtp: SmtpServer

    def receive(self, raw: bytes, *, hours_ago: float = 1.0) -> None:
        """One mail in the mailbox, received ``hours_ago``, and one cycle of the worker."""
        self.drop(raw, hours_ago=hours_ago)
        self.work()

    def work(self) -> None:
        """One cycle of the worker, as the service runs it: tickets, acknowledgements, delivery."""
        apart(self.app.worker.run_once)

    def deliver(self) -> int:
        """Send what the outbox holds; how many mails were sent."""
        return apart(self.app.worker.deliver).sent

    def drop(self, raw: bytes, *, hours_ago: float = 1.0) -> Path:
        """One mail in the Maildir's new/ folder, delivered ``hours_ago`` (the file's mtime)."""
        received = (self.clock() - timedelta(hours=hours_ago)).timestamp()
        path = self.maildir / "new" / f"{int(received)}.M{next(_names)}.test"
        path.write_bytes(raw)
        os.utime(path, (received, received))
        return path

    def add_staff(self, email: str, *, role: Role = Role.AGENT, name: str = "") -> None:
        """A staff account (English interface) whose password is :data:`PASSWORD`."""
        self.app.accounts.add(email, name or role.value.title(), PASSWORD, role=role, language="en")


def apart(work: Callable[[], T]) -> T:
    """``work()`` in a thread of its own: Playwright's sync API keeps an event loop on the test's
    thread, and the worker's SMTP delivery runs one of its own (``asyncio.run``)."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="worker") as pool:
        return pool.submit(work).result(timeout=60)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def console(db_url: str, smtp_server: SmtpServer, clock: Clock, tmp_path: Path) -> Iterator[LiveConsole]:
    maildir = tmp_path / "maildir"
    for sub in ("new", "cur", "tmp"):
        (maildir / sub).mkdir(parents=True)
    port = free_port()
    settings = settings_for(
        db_url=db_url,
        maildir=maildir,
        smtp_server=smtp_server,
        worker={"parse_processes": 0},
        web={"host": LOOPBACK, "port": port},
    )
    app = build(settings, clock=clock)
    try:
        schema.upgrade(app.store.engine)
        with serving(app, port) as url:
            yield LiveConsole(app, url, clock, maildir, smtp_server)
    finally:
        app.close()


@contextmanager
def serving(app: App, port: int) -> Iterator[str]:
    """uvicorn serving the console in a thread: yields its URL once it answers, returns once stopped."""
    config = uvicorn.Config(
        create_app(app), host=LOOPBACK, port=port, log_config=None, access_log=False, lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"console:{port}", daemon=True)
    url = f"http://{LOOPBACK}:{port}"
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the console did not start on {url}")
            time.sleep(0.01)
        assert httpx.get(f"{url}/healthz", timeout=5).text == "ok"
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        assert not thread.is_alive(), "the console did not stop"


# -- a browser context per test --------------------------------------------------------------------


@dataclass
class Traffic:
    """Every request the page made to a host other than the console (aborted, never sent)."""

    elsewhere: list[str] = field(default_factory=list)


@pytest.fixture
def traffic() -> Traffic:
    return Traffic()


ContextFactory = Callable[[], BrowserContext]


@pytest.fixture
def new_context(browser: Browser, console: LiveConsole, traffic: Traffic) -> Iterator[ContextFactory]:
    """``new_context()``: one more browser context (another person, another browser), closed after."""
    contexts: list[BrowserContext] = []

    def elsewhere(url: str) -> bool:
        return not url.startswith(console.url + "/")

    def refuse(route: Route, request: Request) -> None:
        traffic.elsewhere.append(request.url)
        route.abort()

    def make() -> BrowserContext:
        context = browser.new_context(
            base_url=console.url, locale="en-US", timezone_id="Asia/Almaty", viewport=VIEWPORT
        )
        context.set_default_timeout(5_000)
        context.route(elsewhere, refuse)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context: ContextFactory) -> BrowserContext:
    return new_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


# -- helpers ---------------------------------------------------------------------------------------


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Through the login form, as a person does; ends on the queue."""
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/tickets")
