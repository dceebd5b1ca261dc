"""A staff member works the queue in a real browser: sees it, opens a ticket, answers the client."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser.conftest import AGENT, PASSWORD, LiveConsole, sign_in
from tests.support import QUESTION_EN, make_mail

pytestmark = pytest.mark.e2e


def test_agent_sees_the_queue_soonest_deadline_first_and_answers_a_ticket_threaded(
    console: LiveConsole, page: Page
) -> None:
    console.add_staff(AGENT, name="Aigerim")
    client_mail_id = "<discount-1@school.example.kz>"
    console.drop(
        make_mail(
            "Hello, where is my invoice for October?", sender="Dana <dana@example.kz>", subject="Invoice"
        ),
        hours_ago=1,
    )
    console.drop(
        make_mail(
            QUESTION_EN,
            sender="Tom Baker <tom@school.example.kz>",
            subject="Discount for schools",
            message_id=client_mail_id,
        ),
        hours_ago=9,
    )
    console.drop(
        make_mail(
            "Hello, are you open on Saturday?", sender="Erlan <erlan@example.kz>", subject="Opening hours"
        ),
        hours_ago=5,
    )
    console.work()
    acks = len(console.smtp.wait_for(3))

    sign_in(page, AGENT)

    rows = page.locator("table.queue tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.locator("td:nth-child(7)")).to_have_text(["Discount for schools", "Opening hours", "Invoice"])
    expect(rows.first.locator("td.sla")).to_have_text("15 h 0 min left")
    number = rows.first.get_attribute("data-number")
    assert number is not None

    rows.first.get_by_role("link", name=number).click()
    page.wait_for_url(f"**/tickets/{number}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Discount for schools")
    expect(page.locator("article.mail pre.new-text")).to_contain_text("discount for schools")

    reply = page.locator("form.reply")
    reply.locator("textarea").fill("Hello Tom, yes: schools get 30% off the cloud backup plan.")
    reply.get_by_role("button", name="Send", exact=True).click()

    expect(page.get_by_role("status")).to_have_text("Reply queued.")
    timeline = page.locator("section.timeline")
    expect(timeline.locator("li.kind-replied")).to_contain_text("schools get 30% off")
    expect(timeline.locator("li.kind-replied .actor")).to_have_text(f"staff:{AGENT}")

    assert console.deliver() == 1
    sent = console.smtp.wait_for(acks + 1)[-1].message
    assert sent["To"] == "Tom Baker <tom@school.example.kz>"
    assert sent["In-Reply-To"] == client_mail_id
    assert client_mail_id in sent["References"]
    assert sent["Subject"] == f"[{number}] Re: Discount for schools"
    assert "schools get 30% off" in sent.get_body(("plain",)).get_content()  # type: ignore[union-attr]

    page.reload()
    sent_mail = timeline.locator("li.kind-mail_out", has_text="staff_reply")
    expect(sent_mail).to_contain_text("→ tom@school.example.kz (staff_reply, sent)")


def test_queue_shows_a_new_ticket_without_a_reload(console: LiveConsole, page: Page) -> None:
    console.add_staff(AGENT)
    console.receive(make_mail("Hello, are you open on Saturday?", subject="Opening hours"), hours_ago=2)
    page.clock.install()  # the page's timers are the test's: htmx's "every 30s" runs on demand
    sign_in(page, AGENT)
    rows = page.locator("table.queue tbody tr")
    expect(rows).to_have_count(1)
    page.evaluate("window.__sameDocument = true")

    console.receive(make_mail(QUESTION_EN, subject="Discount for schools"), hours_ago=6)
    page.clock.run_for("00:29")
    expect(rows).to_have_count(1)  # not before its time
    with page.expect_response("**/tickets/rows*"):
        page.clock.run_for("00:02")

    expect(rows).to_have_count(2)
    expect(rows.locator("td:nth-child(7)")).to_have_text(["Discount for schools", "Opening hours"])
    assert page.evaluate("window.__sameDocument") is True  # refreshed in place, not reloaded


def test_queue_refresh_keeps_no_session_alive_and_a_lapsed_one_goes_to_the_login(
    console: LiveConsole, page: Page
) -> None:
    console.add_staff(AGENT)
    console.receive(make_mail(QUESTION_EN, subject="Discount for schools"))
    page.clock.install()
    sign_in(page, AGENT)
    page.goto("/tickets?view=unassigned")
    page.wait_for_load_state("networkidle")  # the favicon too: any request with the cookie is activity

    console.clock.advance(minutes=50)
    with page.expect_response("**/tickets/rows*") as refreshed:
        page.clock.run_for("00:31")
    assert refreshed.value.status == 200
    console.clock.advance(minutes=11)  # an hour since the person last did anything: the refresh is not them
    with page.expect_response("**/tickets/rows*"):
        page.clock.run_for("00:30")

    page.wait_for_url("**/login?next=%2Ftickets%3Fview%3Dunassigned")  # the whole page, not the table
    expect(page.locator("#queue")).to_have_count(0)
    page.get_by_label("E-mail").fill(AGENT)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/tickets?view=unassigned")
    expect(page.locator("table.queue tbody tr")).to_have_count(1)
