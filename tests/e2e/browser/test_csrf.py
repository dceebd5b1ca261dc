"""A state-changing request without the session's CSRF token is refused and changes nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.e2e.browser.conftest import AGENT, LiveConsole, sign_in
from tests.support import QUESTION_EN, make_mail

pytestmark = pytest.mark.e2e


def open_ticket(console: LiveConsole, page: Page) -> str:
    console.add_staff(AGENT)
    console.receive(make_mail(QUESTION_EN, subject="Discount for schools"))
    sign_in(page, AGENT)
    number = page.locator("table.queue tbody tr").first.get_attribute("data-number")
    assert number is not None
    page.goto(f"/tickets/{number}")
    return number


def test_post_without_csrf_token_is_refused_and_changes_nothing(console: LiveConsole, page: Page) -> None:
    number = open_ticket(console, page)
    expect(page.locator("dd.status-new")).to_have_text("new")

    # The browser's own session cookie goes with these requests (page.request shares the context).
    note = page.request.post(f"/tickets/{number}/note", form={"text": "planted note"})
    resolve = page.request.post(f"/tickets/{number}/resolve", form={"note": "planted", "csrf_token": "guess"})
    reply = page.request.post(
        f"/tickets/{number}/reply", form={"text": "planted reply"}, headers={"X-CSRF-Token": ""}
    )

    assert [note.status, resolve.status, reply.status] == [403, 403, 403]
    assert "CSRF" in note.text()
    page.reload()
    expect(page.locator("dd.status-new")).to_have_text("new")
    expect(page.locator("section.timeline")).not_to_contain_text("planted")
    assert console.deliver() == 0  # no reply went out

    # The same request with the page's token goes through: it was the token, nothing else.
    token = page.locator("form.note input[name=csrf_token]").get_attribute("value")
    assert token
    accepted = page.request.post(f"/tickets/{number}/note", form={"text": "real note", "csrf_token": token})
    assert accepted.ok
    page.reload()
    expect(page.locator("section.timeline li.kind-note")).to_contain_text("real note")


def test_form_on_another_site_cannot_post_to_the_console(
    console: LiveConsole, page: Page, context: BrowserContext
) -> None:
    number = open_ticket(console, page)
    evil_page = f"""<!DOCTYPE html><title>You won!</title>
        <form method="post" action="{console.url}/tickets/{number}/resolve">
          <input type="hidden" name="note" value="closed by a stranger">
          <button type="submit">Claim your prize</button>
        </form>"""

    def serve_evil(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html", body=evil_page)

    context.route("http://evil.example/**", serve_evil)  # tried before the fixture's "abort elsewhere"
    page.goto("http://evil.example/prize")
    with page.expect_response(f"**/tickets/{number}/resolve") as posted:
        page.get_by_role("button", name="Claim your prize").click()

    assert posted.value.status == 403
    page.goto(f"{console.url}/tickets/{number}")
    expect(page.locator("dd.status-new")).to_have_text("new")
    expect(page.locator("section.timeline")).not_to_contain_text("closed by a stranger")
