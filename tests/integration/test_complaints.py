"""Feedback-loop complaints about our newsletters, end to end: ARF reports arrive over IMAP (a real
Dovecot), the complaining recipient is suppressed everywhere and counted; SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from pytest_httpserver import HTTPServer
from sqlalchemy import select
from structlog.testing import capture_logs

from inboxbot.adapters.db.models import ContactEvent, Message, OutboxMail, PlatformTask, Suppression, Ticket
from inboxbot.bootstrap import App
from inboxbot.cli.status_cmd import render
from inboxbot.core.unsubscribe_links import link_keys
from inboxbot.service.contacts import import_contacts, segment_members
from inboxbot.service.erasure import erase_person
from inboxbot.service.metrics import render_metrics
from inboxbot.service.status import collect_status
from tests.harness.dovecot import ImapAccount, append, fetch_all
from tests.harness.smtp import SmtpServer
from tests.integration.conftest import AppFactory
from tests.support import Clock, settings_for

LINK_KEY = "complaints-test-link-key-0123456789abcdef"
CSV = (
    "email,name,phone,language\n"
    "zhanna.k@mail.ru,Жанна,,ru\n"
    "asel@yandex.kz,Асель,,kk\n"
    "tom@mail.ru,Tom,,en\n"
    "stays@example.kz,Stays,,ru\n"
)
SEGMENTS = ("Новости", "Акции")


def arf(
    *,
    report_id: str,
    recipient: str,
    original_to: str,
    original_from: str = "ONETEXNO <hello@1texno.kz>",
    envelope_from: str = "bounce-2026-12@news.1texno.kz",
    list_unsubscribe: str = "",
    reporter: str = "Mail.Ru-FBL/1.0",
) -> bytes:
    """A complaint report as Mail.ru's feedback loop sends it (RFC 5965), about one mail."""
    rcpt = f"Original-Rcpt-To: <{recipient}>\r\n" if recipient else ""
    unsubscribe = f"List-Unsubscribe: {list_unsubscribe}\r\n" if list_unsubscribe else ""
    return (
        "Return-Path: <fbl@corp.mail.ru>\r\n"
        'From: "Mail.Ru FBL" <fbl@corp.mail.ru>\r\n'
        "To: hello@1texno.kz\r\n"
        "Subject: complaint about message from 185.22.61.10\r\n"
        "Date: Tue, 01 Dec 2026 15:41:27 +0300\r\n"
        f"Message-ID: {report_id}\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=feedback-report; boundary="fbl"\r\n'
        "\r\n--fbl\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "This is an email abuse report for a message received from IP 185.22.61.10.\r\n"
        "\r\n--fbl\r\nContent-Type: message/feedback-report\r\n\r\n"
        f"Feedback-Type: abuse\r\nUser-Agent: {reporter}\r\nVersion: 1\r\n"
        f"Original-Mail-From: <{envelope_from}>\r\n{rcpt}"
        "Arrival-Date: Tue, 01 Dec 2026 08:00:41 +0300\r\n"
        "\r\n--fbl\r\nContent-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\n"
        f"From: {original_from}\r\nTo: {original_to}\r\n"
        "Subject: ONETEXNO | December news\r\nDate: Tue, 01 Dec 2026 10:00:00 +0500\r\n"
        f"Message-ID: <news-2026-12.{report_id.strip('<>')}>\r\n{unsubscribe}"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "December news from ONETEXNO.\r\n"
        "\r\n--fbl--\r\n"
    ).encode()


def our_link(address: str, key: str = LINK_KEY) -> str:
    token = link_keys(key).make(address)
    return f"<https://inbox.1texno.kz/u/{token}>, <mailto:hello@1texno.kz?subject=unsubscribe-{token}>"


def load_contacts(app: App, tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_text(CSV, encoding="utf-8")
    for segment in SEGMENTS:
        import_contacts(app.store, path, segment=segment, channel="email", clock=app.clock)


def members(app: App, segment: str) -> list[str]:
    return [c.email for c in segment_members(app.store, segment) or []]


def suppressed(app: App) -> dict[str, str]:
    with app.store.transaction() as tx:
        return {
            s.email: s.reason for s in tx.session.scalars(select(Suppression).order_by(Suppression.email))
        }


def history(app: App, address: str) -> list[tuple[str, str, dict[str, str]]]:
    with app.store.transaction() as tx:
        rows = tx.session.scalars(
            select(ContactEvent).where(ContactEvent.email == address).order_by(ContactEvent.id)
        )
        return [(e.actor, e.action, dict(e.detail)) for e in rows]


def counted(app: App) -> tuple[dict[str, int], float]:
    """The complaints as ``inboxbot status`` and ``/metrics`` show them."""
    status = collect_status(app.store, app.worker.open_source, now=app.clock())
    metrics = render_metrics(app.store, app.clock()).decode()
    [line] = [line for line in metrics.splitlines() if line.startswith("inboxbot_complaints_total ")]
    return status["complaints"], float(line.split()[1])


def rows(app: App, model: type) -> list[object]:
    with app.store.transaction() as tx:
        return list(tx.session.scalars(select(model)))


def test_a_complaint_about_our_newsletter_suppresses_the_recipient_everywhere_and_is_counted(
    imap_account: ImapAccount,
    smtp_server: SmtpServer,
    db_url: str,
    tmp_path: Path,
    make_app: AppFactory,
    clock: Clock,
) -> None:
    app = make_app(db_url=db_url, imap_account=imap_account, smtp_server=smtp_server)
    load_contacts(app, tmp_path)
    report = arf(
        report_id="<fbl.1@corp.mail.ru>",
        recipient="zhanna.k@mail.ru",
        original_to="zhanna.k@mail.ru",
        list_unsubscribe="<https://1texno.kz/u/c0ffee7788>, <mailto:unsubscribe+c0ffee7788@1texno.kz>",
    )
    append(imap_account, report)

    with capture_logs() as logs:
        cycle = app.worker.run_once()

    assert cycle.poll.outcomes == {"automated": 1}
    assert rows(app, Ticket) == [] and rows(app, OutboxMail) == []  # no ticket, nothing answered
    assert smtp_server.messages == []
    assert fetch_all(imap_account, "INBOX") == [] and len(fetch_all(imap_account, "Automated")) == 1
    assert suppressed(app) == {"zhanna.k@mail.ru": "complaint (feedback loop)"}
    assert [members(app, s) for s in SEGMENTS] == [["asel@yandex.kz", "stays@example.kz", "tom@mail.ru"]] * 2
    detail = {"feedback_type": "abuse", "reporter": "Mail.Ru-FBL/1.0", "report": "<fbl.1@corp.mail.ru>"}
    assert history(app, "zhanna.k@mail.ru") == [
        (
            "complaint",
            "suppressed",
            {"reason": "complaint (feedback loop)", **detail, "segments": "Акции, Новости"},
        ),
        ("complaint", "complaint", detail),
    ]
    assert counted(app) == ({"last_24h": 1, "total": 1}, 1.0)
    status = collect_status(app.store, app.worker.open_source, now=app.clock())
    assert "complaint: 1 in the last 24 h (1 in all), by feedback loops" in render(
        status, ZoneInfo("Asia/Almaty")
    )
    [received] = [e for e in logs if e["event"] == "complaint.received"]
    assert received["address"] == "z***@mail.ru" and received["verdict"] == "suppressed"
    assert not [e for e in logs if "zhanna.k@mail.ru" in repr(e)]  # never in clear

    append(imap_account, report)  # the same report again: nothing more
    clock.advance(hours=25)
    cycle = app.worker.run_once()

    assert cycle.poll.outcomes == {"duplicate": 1}
    assert len(history(app, "zhanna.k@mail.ru")) == 2 and len(suppressed(app)) == 1
    assert counted(app) == ({"last_24h": 0, "total": 1}, 1.0)
    assert len(fetch_all(imap_account, "Automated")) == 2 and smtp_server.messages == []


def test_only_complaints_about_our_own_mail_count_and_a_redacted_one_is_known_by_its_token(
    imap_account: ImapAccount, db_url: str, tmp_path: Path, make_app: AppFactory
) -> None:
    app = make_app(
        settings_for(
            db_url=db_url,
            imap_account=imap_account,
            files=tmp_path / "outbox",
            links={"key": LINK_KEY, "base_url": "https://inbox.1texno.kz"},
        )
    )
    load_contacts(app, tmp_path)
    reports = [
        arf(  # another company's newsletter to one of our contacts: a forwarded report, not ours
            report_id="<fbl.other@corp.mail.ru>",
            recipient="tom@mail.ru",
            original_to="tom@mail.ru",
            original_from="OtherShop <news@othershop.kz>",
            envelope_from="bounce@othershop.kz",
            list_unsubscribe="<https://othershop.kz/u/abc>",
        ),
        arf(  # the recipient redacted: our own token names her
            report_id="<fbl.redacted@corp.mail.ru>",
            recipient="",
            original_to="redacted@yandex.kz",
            list_unsubscribe=our_link("asel@yandex.kz"),
            reporter="",
        ),
        arf(  # redacted, and a token we never made: nobody to suppress
            report_id="<fbl.forged@corp.mail.ru>",
            recipient="",
            original_to="<redacted>",
            list_unsubscribe=our_link("stays@example.kz", key="made-by-someone-else-" * 2),
        ),
        arf(  # names our own address: never suppressed
            report_id="<fbl.own@corp.mail.ru>", recipient="hello@1texno.kz", original_to="hello@1texno.kz"
        ),
    ]
    for raw in reports:
        append(imap_account, raw)

    with capture_logs() as logs:
        cycle = app.worker.run_once()

    assert cycle.poll.outcomes == {"automated": 4}
    assert rows(app, Ticket) == [] and rows(app, OutboxMail) == []
    assert suppressed(app) == {"asel@yandex.kz": "complaint (feedback loop)"}
    assert [members(app, s) for s in SEGMENTS] == [
        ["stays@example.kz", "tom@mail.ru", "zhanna.k@mail.ru"]
    ] * 2
    assert history(app, "tom@mail.ru") == [] and history(app, "hello@1texno.kz") == []
    assert history(app, "asel@yandex.kz")[-1] == (
        "complaint",
        "complaint",
        {"feedback_type": "abuse", "reporter": "corp.mail.ru", "report": "<fbl.redacted@corp.mail.ru>"},
    )
    assert counted(app) == ({"last_24h": 1, "total": 1}, 1.0)
    verdicts = [e["verdict"] for e in logs if e["event"] == "complaint.received"]
    assert verdicts == ["not_ours", "suppressed", "unattributed", "own_address"]
    assert len([e for e in logs if e["event"] == "complaint.unattributed"]) == 1
    assert not [e for e in logs if e["event"] == "batch.retried_mail_by_mail"]  # one transaction
    with app.store.transaction() as tx:
        assert len(list(tx.session.scalars(select(Message)))) == 4


def test_a_complaint_owes_every_configured_platform_a_suppression(
    httpserver: HTTPServer, db_url: str, tmp_path: Path, make_app: AppFactory, clock: Clock
) -> None:
    listmonk = {"id": 7, "email": "zhanna.k@mail.ru", "name": "Жанна", "attribs": {}, "lists": []}
    httpserver.expect_request("/api/subscribers", method="GET").respond_with_json(
        {"data": {"results": [listmonk], "total": 1, "per_page": 20, "page": 1}}
    )
    httpserver.expect_request("/api/subscribers/blocklist", method="PUT").respond_with_json({"data": True})
    httpserver.expect_request("/api/subscribers/lists", method="PUT").respond_with_json({"data": True})
    inbox = tmp_path / "mail" / "new"
    inbox.mkdir(parents=True)
    backend = {
        "kind": "listmonk",
        "url": httpserver.url_for("/"),
        "api_user": "inboxbot",
        "token": "lm-token",
    }
    app = make_app(
        settings_for(
            db_url=db_url, maildir=tmp_path / "mail", files=tmp_path / "outbox", backends={"news": backend}
        )
    )
    load_contacts(app, tmp_path)
    for n in (1, 2):  # she marked two of our mails as spam: two reports in one batch
        (inbox / str(n)).write_bytes(
            arf(
                report_id=f"<fbl.{n}@corp.mail.ru>",
                recipient="zhanna.k@mail.ru",
                original_to="zhanna.k@mail.ru",
            )
        )

    app.worker.poll()

    [task] = rows(app, PlatformTask)
    assert isinstance(task, PlatformTask)
    assert (task.platform, task.action, task.address, task.origin, task.status) == (
        "news",
        "suppress",
        "zhanna.k@mail.ru",
        "complaint",
        "pending",
    )
    assert counted(app)[0] == {"last_24h": 2, "total": 2}  # each complaint counts, one suppression
    assert suppressed(app) == {"zhanna.k@mail.ru": "complaint (feedback loop)"}
    clock.advance(minutes=1)
    app.worker.run_once()

    [task] = rows(app, PlatformTask)
    assert isinstance(task, PlatformTask) and task.status == "done"
    blocklisted = [r.get_json() for r, _ in httpserver.log if r.path == "/api/subscribers/blocklist"]
    assert blocklisted == [{"ids": [7]}]
    assert rows(app, OutboxMail) == [] and rows(app, Ticket) == []


def test_a_complaint_about_an_erased_person_counts_without_writing_their_address_again(
    db_url: str, tmp_path: Path, make_app: AppFactory
) -> None:
    inbox = tmp_path / "mail" / "new"
    inbox.mkdir(parents=True)
    backend = {"kind": "listmonk", "url": "http://127.0.0.1:9/", "api_user": "inboxbot", "token": "lm-token"}
    app = make_app(
        settings_for(
            db_url=db_url,
            maildir=tmp_path / "mail",
            files=tmp_path / "outbox",
            identity={"hash_key": "k" * 40},
            backends={"news": backend},
        )
    )
    load_contacts(app, tmp_path)
    with app.store.transaction() as tx:
        erase_person(
            tx, "zhanna.k@mail.ru", reason="asked", actor="staff:aida", now=app.clock(), hash_key="k" * 40
        )
    (inbox / "1").write_bytes(
        arf(report_id="<fbl.e@corp.mail.ru>", recipient="zhanna.k@mail.ru", original_to="zhanna.k@mail.ru")
    )

    app.worker.poll()

    assert history(app, "zhanna.k@mail.ru") == []  # nothing in clear: no history, no platform call owed
    assert [t for t in rows(app, PlatformTask) if isinstance(t, PlatformTask) and "@" in t.address] == []
    assert "zhanna.k@mail.ru" not in suppressed(app)
    assert counted(app)[0] == {"last_24h": 1, "total": 1}
