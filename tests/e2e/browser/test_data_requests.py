"""A data request worked in a real browser: the proposal against the record, corrected, the sender
vouched for, applied, the client told; and a suspected spam mail shown on its own page, unanswered."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser.conftest import AGENT, LiveConsole, sign_in
from tests.support import make_mail

pytestmark = pytest.mark.e2e


def test_a_change_is_corrected_vouched_for_applied_and_the_client_told(
    console: LiveConsole, page: Page
) -> None:
    console.add_staff(AGENT, name="Aigerim")
    console.receive(
        make_mail(
            "Здравствуйте! Мой номер телефона сменился, новый: +7 701 555 44 33. Обновите, пожалуйста.",
            sender="Ирина <irina@example.kz>",
            subject="Новый номер",
        )
    )
    code_mail = console.smtp.wait_for(1)[0].message
    assert "Подтвердите" in str(code_mail["Subject"])  # the code, in place of the acknowledgement

    sign_in(page, AGENT)
    page.locator("table.queue tbody tr", has_text="Новый номер").get_by_role("link").click()
    panel = page.locator("section.data-request")
    expect(panel).to_contain_text("waiting for the sender's code")
    expect(panel.locator("tr.changed td").first).to_have_text("phone")
    expect(panel.get_by_label("phone")).to_have_value("+77015554433")

    panel.get_by_label("phone").fill("+77015554434")  # the client misspelled it, said on the phone
    panel.get_by_role("button", name="Save the proposal").click()
    expect(panel.get_by_label("phone")).to_have_value("+77015554434")
    expect(panel.get_by_role("button", name="Apply and tell the client")).to_have_count(0)  # not verified yet

    panel.get_by_label("How you verified the sender").fill("called back on the number on file")
    panel.get_by_role("button", name="Verified by me").click()
    expect(panel).to_contain_text("sender verified, ready to apply")
    panel.get_by_role("button", name="Apply and tell the client").click()

    expect(panel).to_contain_text("applied")
    expect(page.locator("section.timeline li.kind-data_request_applied")).to_contain_text(f"staff:{AGENT}")
    assert console.deliver() == 1
    done = console.smtp.wait_for(2)[-1].message
    assert done["To"].addresses[0].addr_spec == "irina@example.kz"
    with console.app.store.transaction() as tx:
        contact = tx.contacts.contact("irina@example.kz")
        assert contact is not None and contact.phone == "+77015554434"


def test_suspected_spam_is_listed_and_never_answered(console: LiveConsole, page: Page) -> None:
    console.add_staff(AGENT)
    console.receive(
        make_mail(
            "Your mailbox is full. Confirm your account here: http://mail-verify.example.net/login",
            sender="Mail Admin <admin@mail-verify.example.net>",
            subject="Mailbox full",
            headers={"X-Spam-Flag": "YES", "X-Spam-Status": "Yes, score=9.1"},
        )
    )

    sign_in(page, AGENT)
    page.get_by_role("link", name="Suspected spam").click()
    rows = page.locator("table.spam tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Mailbox full")
    expect(rows.first).to_contain_text("x-spam-flag")
    page.get_by_role("link", name="Queue").click()
    expect(page.locator("table.queue tbody tr")).to_have_count(0)
    assert console.smtp.messages == []  # never acknowledged
