"""Signing in and out: the lock after wrong passwords, roles, the session cookie and its end."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from inboxbot.core.times import local_text
from inboxbot.service.accounts import Role
from inboxbot.web import views_auth
from tests.e2e.browser.conftest import ADMIN, AGENT, PASSWORD, ContextFactory, LiveConsole, sign_in
from tests.support import QUESTION_EN, make_mail

pytestmark = pytest.mark.e2e

LOCKED = "Too many wrong passwords: this account is locked until"


def try_password(page: Page, email: str, password: str) -> None:
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@pytest.fixture
def slowdowns(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits the login asks for before answering, recorded instead of slept (9 s in all here)."""
    asked: list[float] = []

    async def sleep(seconds: float) -> None:
        asked.append(seconds)

    monkeypatch.setattr(views_auth, "asyncio", SimpleNamespace(sleep=sleep))
    return asked


def test_five_wrong_passwords_lock_the_login_until_the_lock_expires(
    console: LiveConsole, page: Page, slowdowns: list[float]
) -> None:
    console.add_staff(AGENT)
    page.goto("/login")
    alert = page.get_by_role("alert")

    for _ in range(4):
        try_password(page, AGENT, "not the password")
        expect(alert).to_have_text("Wrong e-mail or password.")
    try_password(page, AGENT, "still not it")
    until = local_text(console.clock() + timedelta(minutes=15), ZoneInfo("Asia/Almaty"))
    expect(alert).to_have_text(f"{LOCKED} {until}.")  # in the configured zone

    try_password(page, AGENT, PASSWORD)  # the right one, while locked
    expect(alert).to_contain_text(LOCKED)
    assert page.url.endswith("/login")
    assert slowdowns == [0.5, 1.0, 2.0, 4.0, 0.5, 1.0]  # failures in a row are answered ever slower

    console.clock.advance(minutes=15, seconds=1)
    try_password(page, AGENT, PASSWORD)
    page.wait_for_url("**/tickets")
    expect(page.get_by_role("heading", name="Tickets")).to_be_visible()


def test_agent_cannot_reach_staff_admin_but_an_admin_adds_a_member(
    console: LiveConsole, new_context: ContextFactory, page: Page
) -> None:
    console.add_staff(AGENT)
    console.add_staff(ADMIN, role=Role.ADMIN, name="Admin")
    sign_in(page, AGENT)
    nav = page.locator("header.top nav")
    expect(nav.get_by_role("link", name="Queue")).to_be_visible()
    expect(nav.get_by_role("link", name="Staff")).to_have_count(0)

    refused = page.goto("/staff")
    assert refused is not None
    assert refused.status == 403
    expect(page.get_by_role("alert")).to_have_text("You may not do this.")
    token = page.locator("form[action='/logout'] input[name=csrf_token]").get_attribute("value")
    assert token
    added = page.request.post(
        "/staff",
        form={"csrf_token": token, "email": "mole@1texno.kz", "name": "Mole", "password": "x" * 16},
    )
    assert added.status == 403
    assert console.app.accounts.find("mole@1texno.kz") is None

    admin_page = new_context().new_page()
    sign_in(admin_page, ADMIN)
    admin_page.locator("header.top nav").get_by_role("link", name="Staff").click()
    form = admin_page.locator("form.add-staff")
    form.get_by_label("E-mail").fill("new.agent@1texno.kz")
    form.get_by_label("Name").fill("Nurlan")
    form.get_by_label("Password").fill("a long new password")
    form.get_by_label("Role").select_option("agent")
    form.get_by_label("Interface language").select_option("en")
    form.get_by_role("button", name="Add a staff member").click()

    expect(admin_page.get_by_role("status")).to_have_text("Account created.")
    row = admin_page.locator("table.staff tr", has_text="new.agent@1texno.kz")
    expect(row.locator("td")).to_have_text(["new.agent@1texno.kz", "Nurlan", "agent", "en", "Disable"])

    page.locator("form[action='/logout'] button").click()
    sign_in(page, "new.agent@1texno.kz", "a long new password")
    expect(page.locator("header.top .who")).to_have_text("Nurlan (agent)")


def test_session_cookie_is_httponly_lax_and_ends_with_logout(
    console: LiveConsole, context: BrowserContext, page: Page, new_context: ContextFactory
) -> None:
    console.add_staff(AGENT)
    sign_in(page, AGENT)

    cookie = next(c for c in context.cookies() if c["name"] == "inboxbot_session")
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["secure"]) == (True, "Lax", False)
    assert "inboxbot_session" not in page.evaluate("document.cookie")  # out of scripts' reach

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
    assert not [c for c in context.cookies() if c["name"] == "inboxbot_session"]

    # The old cookie, kept by someone, opens nothing any more.
    stolen = new_context()
    stolen.add_cookies([{"name": cookie["name"], "value": cookie["value"], "url": console.url}])
    thief = stolen.new_page()
    thief.goto("/tickets")
    assert thief.url.endswith("/login?next=%2Ftickets")
    expect(thief.get_by_role("heading", name="Sign in")).to_be_visible()


def test_idle_session_ends_but_activity_keeps_it(console: LiveConsole, page: Page) -> None:
    console.add_staff(AGENT)
    console.receive(make_mail(QUESTION_EN, subject="Discount for schools"))
    sign_in(page, AGENT)

    console.clock.advance(minutes=50)
    page.reload()  # activity: the idle clock starts again
    expect(page.get_by_role("heading", name="Tickets")).to_be_visible()
    console.clock.advance(minutes=50)
    page.reload()
    expect(page.get_by_role("heading", name="Tickets")).to_be_visible()

    console.clock.advance(minutes=61)
    page.reload()
    page.wait_for_url("**/login?next=%2Ftickets")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
