"""The console over HTTP without a browser: what every response carries, what needs a session, how
attachments and /metrics are served."""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from inboxbot.bootstrap import App
from inboxbot.config import WebSettings
from inboxbot.web.app import create_app
from tests.integration.conftest import AppFactory
from tests.support import QUESTION_EN, make_mail, settings_for

PASSWORD = "correct horse battery"


def mail_with_attachment() -> bytes:
    msg = EmailMessage()
    msg["From"] = "Client <client@example.kz>"
    msg["To"] = "hello@1texno.kz"
    msg["Subject"] = "Invoice attached"
    msg["Message-ID"] = "<attach-1@example.kz>"
    msg.set_content(QUESTION_EN)
    msg.add_attachment(
        b"<script>alert(1)</script>", maintype="text", subtype="html", filename="../../evil.html"
    )
    return msg.as_bytes()


@pytest.fixture
def app(make_app: AppFactory, tmp_path: Path) -> App:
    inbox = tmp_path / "mail" / "new"
    inbox.mkdir(parents=True)
    (inbox / "1").write_bytes(mail_with_attachment())
    phishing = "Your mailbox is full. Click here to verify your account: http://mail-upgrade.example/login"
    (inbox / "2").write_bytes(
        make_mail(phishing, sender="it-support@mail-upgrade.example", subject="Mailbox full")
    )
    settings = settings_for(
        db_url=f"sqlite:///{tmp_path}/db.sqlite",
        maildir=tmp_path / "mail",
        files=tmp_path / "outbox",
        web=WebSettings(metrics_token="s3cret-token"),  # type: ignore[arg-type]
    )
    built = make_app(settings)
    built.worker.run_once()
    built.accounts.add("agent@1texno.kz", "Agent", PASSWORD)
    return built


@pytest.fixture
def client(app: App) -> Iterator[TestClient]:
    with TestClient(create_app(app), base_url="http://127.0.0.1") as test_client:
        yield test_client


def sign_in(client: TestClient) -> None:
    form = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None
    answer = client.post(
        "/login",
        data={"csrf_token": token.group(1), "email": "agent@1texno.kz", "password": PASSWORD},
        follow_redirects=False,
    )
    assert answer.status_code == 303


def test_every_page_but_login_needs_a_session_and_every_response_carries_the_policy(
    client: TestClient,
) -> None:
    pages = ["/tickets", "/tickets/1", "/staff", "/tickets/rows"]
    answers = [client.get(page, follow_redirects=False) for page in pages]
    login = client.get("/login")

    assert [a.status_code for a in answers] == [303] * len(pages)
    assert all(a.headers["location"].startswith("/login?next=") for a in answers)
    assert login.status_code == 200
    policy = login.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert login.headers["x-frame-options"] == "DENY" and login.headers["cache-control"] == "no-store"


def test_an_attachment_is_only_ever_a_download(client: TestClient) -> None:
    sign_in(client)
    page = client.get("/tickets/1").text
    link = re.search(r'href="(/tickets/[^"]+/attachment/0)"', page)
    assert link is not None

    answer = client.get(link.group(1))

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/octet-stream"
    assert answer.headers["content-disposition"].startswith("attachment; filename*=UTF-8''")
    assert "/" not in answer.headers["content-disposition"].split("''", 1)[1].replace("%2F", "/").strip("._")
    assert answer.content == b"<script>alert(1)</script>"
    assert client.get("/tickets/1/mail/999/attachment/0").status_code == 404


def test_metrics_need_the_token_off_loopback(client: TestClient) -> None:
    refused = client.get("/metrics")
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    served = client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"})

    assert (refused.status_code, wrong.status_code, served.status_code) == (403, 403, 200)
    families = {f.name: f for f in text_string_to_metric_families(served.text)}
    mails = {
        s.labels["outcome"]: s.value for s in families["inboxbot_mails"].samples if s.name.endswith("_total")
    }
    assert mails["ticket_opened"] == 1


def test_an_unknown_ticket_is_a_404_page(client: TestClient) -> None:
    sign_in(client)
    assert client.get("/tickets/HB-2026-999999").status_code == 404


def test_suspected_spam_is_shown_to_staff_with_the_reason(client: TestClient) -> None:
    assert client.get("/spam", follow_redirects=False).status_code == 303  # behind the login
    sign_in(client)
    page = client.get("/spam").text
    assert "Mailbox full" in page and "it-support@mail-upgrade.example" in page
    assert "phishing_verify_credentials" in page
