"""One-click unsubscribe links (RFC 8058) over raw HTTP, and their mailto form through the Maildir source,
on SQLite and PostgreSQL; the mailing platform is a local server answering as listmonk documents."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from starlette.testclient import TestClient
from structlog.testing import capture_logs
from werkzeug import Request, Response

from inboxbot.adapters.db.models import Message, OutboxMail, PlatformTask, Suppression, Ticket
from inboxbot.bootstrap import App
from inboxbot.core.unsubscribe_links import link_keys
from inboxbot.service.contacts import contact_card, import_contacts
from inboxbot.web.app import create_app
from tests.integration.conftest import AppFactory
from tests.support import Clock, make_mail, settings_for

pytestmark = pytest.mark.integration

KEY = "current-link-key-" + "k" * 24
OLD = "previous-link-key-" + "o" * 24
LM_TOKEN = "lm-token-1"
CSV = "email,name,phone,language\nanna@mail.kz,Anna,,ru\nboris@mail.kz,Boris,,kk\ncarl@mail.kz,Carl,,\n"
ONE_CLICK = {"List-Unsubscribe": "One-Click"}


@dataclass
class FakeListmonk:
    """listmonk's subscriber search and blocklist (https://listmonk.app/docs/apis/subscribers/)."""

    subscribers: dict[str, int] = field(default_factory=dict)
    blocklisted: list[int] = field(default_factory=list)

    def __call__(self, request: Request) -> Response:
        if request.headers.get("Authorization") != f"token inboxbot:{LM_TOKEN}":
            return _json({"message": "invalid API credentials"}, 403)
        if request.path == "/api/subscribers":
            query = request.args.get("query", "")
            found = [
                {"id": ident, "email": email, "lists": [{"id": 1, "name": "News"}]}
                for email, ident in self.subscribers.items()
                if f"'{email}'" in query
            ]
            return _json({"data": {"results": found, "total": len(found), "per_page": 20, "page": 1}})
        if request.path == "/api/subscribers/blocklist":
            self.blocklisted += request.get_json()["ids"]
        return _json({"data": True})


def _json(body: object, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


@dataclass
class Links:
    app: App
    client: TestClient
    listmonk: FakeListmonk
    clock: Clock
    inbox: Path

    def url(self, address: str, segment: str | None = "Новости", key: str = KEY) -> str:
        return f"/u/{link_keys(key).make(address, segment)}"

    def suppressed(self) -> list[tuple[str, str, str]]:
        with self.app.store.transaction() as tx:
            rows = tx.session.scalars(select(Suppression).order_by(Suppression.email))
            return [(s.email, s.reason, s.actor) for s in rows]

    def tasks(self) -> list[tuple[str, str, str, str, str]]:
        with self.app.store.transaction() as tx:
            rows = tx.session.scalars(select(PlatformTask).order_by(PlatformTask.id))
            return [(t.platform, t.action, t.address, t.origin, t.status) for t in rows]

    def history(self, address: str) -> list[tuple[str, str, dict[str, Any]]]:
        return [(e.actor, e.action, e.detail) for e in contact_card(self.app.store, address).history]

    def count(self, model: type[Any]) -> int:
        with self.app.store.transaction() as tx:
            return int(tx.session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def links(
    make_app: AppFactory, db_url: str, tmp_path: Path, clock: Clock, httpserver: HTTPServer
) -> Iterator[Links]:
    listmonk = FakeListmonk({"anna@mail.kz": 1, "boris@mail.kz": 2})
    for path in ("/api/subscribers", "/api/subscribers/blocklist", "/api/subscribers/lists"):
        httpserver.expect_request(path).respond_with_handler(listmonk)
    inbox = tmp_path / "mail" / "new"
    inbox.mkdir(parents=True)
    settings = settings_for(
        db_url=db_url,
        maildir=tmp_path / "mail",
        files=tmp_path / "outbox",
        worker={"parse_processes": 0},
        links={
            "base_url": "https://inbox.1texno.kz",
            "key": KEY,
            "previous_keys": OLD,
            "previous_keys_valid_until": clock().date().isoformat(),
        },
        backends={
            "news": {
                "kind": "listmonk",
                "url": httpserver.url_for("/"),
                "api_user": "inboxbot",
                "token": LM_TOKEN,
            }
        },
    )
    app = make_app(settings)
    csv = tmp_path / "clients.csv"
    csv.write_text(CSV, encoding="utf-8")
    import_contacts(app.store, csv, segment="Новости", channel="email", clock=app.clock)
    import_contacts(app.store, csv, segment="Promo", channel="email", clock=app.clock)
    with TestClient(create_app(app), base_url="https://inbox.1texno.kz") as client:
        yield Links(app, client, listmonk, clock, inbox)


def test_a_click_unsubscribes_everywhere_at_once_with_no_cookie_and_no_redirect(links: Links) -> None:
    with capture_logs() as logs:
        answer = links.client.post(links.url("Anna@Mail.kz"), data=ONE_CLICK, follow_redirects=False)

    assert answer.status_code == 200 and "location" not in answer.headers
    assert "set-cookie" not in answer.headers and not links.client.cookies
    assert "Готово: адрес anna@mail.kz больше не будет получать рассылки ONETEXNO." in answer.text
    assert links.suppressed() == [("anna@mail.kz", "one-click unsubscribe", "one-click")]
    assert contact_card(links.app.store, "anna@mail.kz").segments == []  # out of Новости and Promo
    assert contact_card(links.app.store, "boris@mail.kz").segments == ["Promo", "Новости"]
    # The platform call was made right after the answer, not at the worker's next cycle.
    assert links.tasks() == [("news", "suppress", "anna@mail.kz", "one-click", "done")]
    assert links.listmonk.blocklisted == [1]
    assert links.history("anna@mail.kz") == [
        (
            "one-click",
            "suppressed",
            {"reason": "one-click unsubscribe", "segment": "Новости", "segments": "Promo, Новости"},
        )
    ]
    logged = [entry for entry in logs if entry["event"] == "unsubscribe.one_click"]
    assert [(e["address"], e["origin"], e["newly"]) for e in logged] == [("a***@mail.kz", "one-click", True)]
    assert "anna@mail.kz" not in str(logs)  # never the clear address


def test_a_click_repeated_changes_nothing_more(links: Links) -> None:
    first = links.client.post(links.url("anna@mail.kz"), data=ONE_CLICK)
    again = [links.client.post(links.url("anna@mail.kz"), data=ONE_CLICK) for _ in range(2)]

    assert [first.status_code, *(a.status_code for a in again)] == [200, 200, 200]
    assert all("Готово" in a.text for a in again)
    assert links.count(Suppression) == 1
    assert [action for _, action, _ in links.history("anna@mail.kz")] == ["suppressed"]
    assert links.tasks() == [("news", "suppress", "anna@mail.kz", "one-click", "done")]  # one row, still


def test_the_multipart_form_of_the_one_click_body_is_accepted(links: Links) -> None:
    # RFC 8058 section 3.1: the POST SHOULD be multipart/form-data, MAY be form-urlencoded.
    answer = links.client.post(links.url("anna@mail.kz"), files={"List-Unsubscribe": (None, "One-Click")})
    assert answer.status_code == 200
    assert [s[0] for s in links.suppressed()] == ["anna@mail.kz"]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="empty"),
        pytest.param({"List-Unsubscribe": "one-click-please"}, id="other value"),
        pytest.param({"unsubscribe": "1"}, id="other field"),
    ],
)
def test_a_post_without_the_one_click_body_is_a_400_and_changes_nothing(
    links: Links, body: dict[str, str]
) -> None:
    answer = links.client.post(links.url("anna@mail.kz"), data=body)
    assert answer.status_code == 400
    assert "ничего не изменено" in answer.text
    assert links.suppressed() == [] and links.tasks() == []


def test_an_oversized_body_is_refused(links: Links) -> None:
    answer = links.client.post(
        links.url("anna@mail.kz"), content=b"List-Unsubscribe=One-Click&" + b"x" * 20_000,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    assert answer.status_code == 400 and links.suppressed() == []


def test_opening_the_link_unsubscribes_nobody_and_asks_in_the_right_language(links: Links) -> None:
    kazakh = links.client.get(links.url("boris@mail.kz"), headers={"Accept-Language": "en-US,en;q=0.9"})
    english = links.client.get(
        links.url("stranger@example.kz"), headers={"Accept-Language": "de-DE, en;q=0.8, ru;q=0.5"}
    )
    no_language = links.client.get(links.url("carl@mail.kz"))  # a contact without a language, no header
    head = links.client.head(links.url("anna@mail.kz"))

    assert [kazakh.status_code, english.status_code, no_language.status_code, head.status_code] == [200] * 4
    assert '<html lang="kk">' in kazakh.text and "Жазылымнан бас тарту" in kazakh.text
    assert (
        '<html lang="en">' in english.text
        and "Stop sending ONETEXNO mailings to stranger@example.kz?" in english.text
    )
    assert '<html lang="ru">' in no_language.text and "Отписаться" in no_language.text
    form = '<form method="post" action="{}">'.format(links.url("boris@mail.kz"))
    assert form in kazakh.text
    assert '<input type="hidden" name="List-Unsubscribe" value="One-Click">' in kazakh.text
    assert "<script" not in kazakh.text
    assert "script-src 'self'" in kazakh.headers["content-security-policy"]
    assert kazakh.headers["cache-control"] == "no-store"
    assert links.suppressed() == [] and links.tasks() == []


def test_a_forged_or_altered_token_is_a_404_and_changes_nothing(links: Links) -> None:
    forged = f"/u/{link_keys('f' * 40).make('anna@mail.kz')}"
    genuine = links.url("anna@mail.kz", segment=None)
    payload, mac = genuine.removeprefix("/u/").split(".")
    other = link_keys(KEY).make("boris@mail.kz").split(".")[0]
    altered = [f"/u/{other}.{mac}", f"/u/{payload}.{mac[:-1]}{'B' if mac[-1] == 'A' else 'A'}", "/u/nonsense"]

    answers = [links.client.post(url, data=ONE_CLICK) for url in (forged, *altered)]
    pages = [links.client.get(url) for url in (forged, *altered)]

    assert [a.status_code for a in answers + pages] == [404] * 8
    assert "hello@1texno.kz" in answers[0].text  # where to write instead
    assert links.suppressed() == [] and links.tasks() == []


def test_a_link_of_the_previous_key_works_until_the_end_of_its_date(links: Links) -> None:
    before = links.client.post(links.url("anna@mail.kz", key=OLD), data=ONE_CLICK)
    links.clock.advance(days=1)
    after = links.client.post(links.url("boris@mail.kz", key=OLD), data=ONE_CLICK)
    current = links.client.post(links.url("boris@mail.kz"), data=ONE_CLICK)

    assert (before.status_code, after.status_code, current.status_code) == (200, 404, 200)
    assert [s[0] for s in links.suppressed()] == ["anna@mail.kz", "boris@mail.kz"]


def test_the_console_still_needs_a_session_and_csrf_everywhere_else(links: Links) -> None:
    assert links.client.get("/tickets", follow_redirects=False).status_code == 303
    assert links.client.post("/tickets/1/note", data={"text": "x"}).status_code == 403
    assert links.client.get("/ux/anything", follow_redirects=False).status_code == 303


def mailto(token_subject: str, sender: str = "Boss <boss@other.kz>") -> bytes:
    return make_mail("", sender=sender, subject=token_subject)


def test_the_mailto_form_unsubscribes_the_tokens_address_without_a_ticket(links: Links) -> None:
    token = link_keys(KEY).make("anna@mail.kz", "Новости")
    (links.inbox / "forwarded").write_bytes(mailto(f"Re:  unsubscribe-{token} "))  # forwarded by someone else
    (links.inbox / "forged").write_bytes(
        mailto(f"unsubscribe-{link_keys('f' * 40).make('boris@mail.kz')}", sender="carl@mail.kz")
    )

    report = links.app.worker.run_once()

    assert report.poll.total == 2
    assert ("anna@mail.kz", "one-click unsubscribe", "one-click") in links.suppressed()
    assert "boris@mail.kz" not in [s[0] for s in links.suppressed()]  # a forged token is ordinary mail
    assert ("news", "suppress", "anna@mail.kz", "mailto", "done") in links.tasks()  # the worker's fulfil job
    assert contact_card(links.app.store, "anna@mail.kz").segments == []
    with links.app.store.transaction() as tx:
        messages = {m.sender: m for m in tx.session.scalars(select(Message))}
        tickets = [t.sender for t in tx.session.scalars(select(Ticket))]
        mails_to_boss = tx.session.scalars(select(OutboxMail).where(OutboxMail.recipient == "boss@other.kz"))
        assert list(mails_to_boss) == []  # no acknowledgement, no confirmation
    forwarded = messages["boss@other.kz"]
    assert forwarded.outcome == "automated" and forwarded.ticket_id is None
    assert forwarded.classification is not None
    assert [e["rule"] for e in forwarded.classification["evidence"]] == ["one_click_mailto"]
    assert "boss@other.kz" not in tickets
    assert messages["carl@mail.kz"].classification is not None
    assert "one_click_mailto" not in str(messages["carl@mail.kz"].classification)
    automated = links.inbox.parent / ".Automated" / "cur"
    assert len(list(automated.iterdir())) == 1


def test_the_mailto_form_repeated_changes_nothing_more(links: Links) -> None:
    token = link_keys(KEY).make("anna@mail.kz")
    (links.inbox / "1").write_bytes(mailto(f"unsubscribe-{token}"))
    (links.inbox / "2").write_bytes(mailto(f"unsubscribe-{token}", sender="anna@mail.kz"))
    links.app.worker.run_once()
    links.client.post(f"/u/{token}", data=ONE_CLICK)

    assert links.count(Suppression) == 1
    assert [action for _, action, _ in links.history("anna@mail.kz")] == ["suppressed"]
    assert sorted(t[3] for t in links.tasks()) == ["mailto", "one-click"]


def test_a_key_older_than_its_date_is_ordinary_mail(links: Links) -> None:
    token = link_keys(OLD).make("anna@mail.kz")
    links.clock.advance(days=2)
    (links.inbox / "late").write_bytes(mailto(f"unsubscribe-{token}"))
    links.app.worker.run_once()
    with links.app.store.transaction() as tx:
        message = tx.session.scalars(select(Message)).one()
        evidence = [e["rule"] for e in (message.classification or {}).get("evidence", [])]
    assert "one_click_mailto" not in evidence
    assert "anna@mail.kz" not in [s[0] for s in links.suppressed()]
