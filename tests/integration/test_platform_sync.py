"""Unsubscribes, changes and erasures reaching a mailing platform, on SQLite and PostgreSQL: a local
server answers as listmonk documents (https://listmonk.app/docs/apis/subscribers/), and fails as a real
one does (5xx, 429 + Retry-After, 401, no answer in time). Calls are made with no transaction open."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import create_engine, select, text
from werkzeug import Request, Response

from inboxbot.adapters.db.models import Fulfilment, OutboxMail, PlatformTask, Ticket
from inboxbot.adapters.platforms import build_platform
from inboxbot.bootstrap import App
from inboxbot.service.contacts import import_contacts, segment_members
from inboxbot.service.erasure import ErasureRefused, erase_everywhere
from inboxbot.service.status import collect_status
from tests.integration.conftest import AppFactory
from tests.support import Clock, make_mail

pytestmark = pytest.mark.integration

TOKEN = "lm-token-S3CRET"
CSV = "email,name,phone,language\nanna@mail.kz,Anna,,ru\nboris@mail.kz,Boris,,ru\ncarl@mail.kz,Carl,,en\n"
ASKS = {
    "anna@mail.kz": "Здравствуйте! Прошу исключить меня из вашей рассылки.",
    "boris@mail.kz": "Отпишите меня от всех рассылок, пожалуйста.",
    "carl@mail.kz": "Please remove me from your mailing list.",
}


@dataclass
class FakeListmonk:
    """listmonk's subscriber API over a dict; ``mode`` makes it fail like a real server does."""

    db_url: str
    subscribers: dict[str, dict[str, Any]] = field(default_factory=dict)
    blocklisted: list[int] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)
    patched: list[dict[str, Any]] = field(default_factory=list)
    calls: int = 0
    mode: str = "ok"  # ok, down (503 without a date), slow (no answer in time), limited (429), refused (401)
    writes_while_called: list[bool] = field(default_factory=list)

    def add(self, ident: int, email: str) -> None:
        lists = [{"id": 1, "name": "Новости", "subscription_status": "confirmed"}]
        self.subscribers[email] = {"id": ident, "email": email, "name": email, "attribs": {}, "lists": lists}

    def __call__(self, request: Request) -> Response:
        self.calls += 1
        self.writes_while_called.append(_can_write(self.db_url))
        failure = self._failure()
        if failure is not None:
            return failure
        if request.headers.get("Authorization") != f"token inboxbot:{TOKEN}":
            return _json({"message": "invalid API credentials"}, 403)
        return self._answer(request)

    def _failure(self) -> Response | None:
        if self.mode == "down":
            return _json({"message": "internal error"}, 500)
        if self.mode == "slow":
            time.sleep(1.5)
            return _json({"data": True})
        if self.mode == "limited":
            return Response("slow down", status=429, headers={"Retry-After": "30"})
        if self.mode == "refused":
            return _json({"message": "invalid API credentials"}, 401)
        return None

    def _answer(self, request: Request) -> Response:
        path, method = request.path, request.method
        if path == "/api/subscribers" and method == "GET":
            found = [s for e, s in self.subscribers.items() if f"'{e}'" in request.args.get("query", "")]
            return _json({"data": {"results": found, "total": len(found), "per_page": 20, "page": 1}})
        if path == "/api/subscribers/blocklist":
            self.blocklisted += request.get_json()["ids"]
            return _json({"data": True})
        if path == "/api/subscribers/lists":
            return _json({"data": True})
        ident = int(path.rsplit("/", 1)[-1])
        if method == "DELETE":
            self.deleted.append(ident)
        else:
            self.patched.append(request.get_json())
        return _json({"data": True})


def _json(body: object, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


def _can_write(db_url: str) -> bool:
    """Whether another connection can write to the database right now (no lock held by inboxbot)."""
    engine = create_engine(db_url, connect_args={"timeout": 0.2} if db_url.startswith("sqlite") else {})
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE mailbox_state SET last_uid = last_uid WHERE 1 = 0"))
            if engine.dialect.name == "postgresql":
                conn.execute(text("SET LOCAL lock_timeout = '200ms'"))
                conn.execute(text("LOCK TABLE platform_task IN EXCLUSIVE MODE"))
        return True
    except Exception:
        return False
    finally:
        engine.dispose()


@dataclass
class World:
    app: App
    listmonk: FakeListmonk
    clock: Clock
    inbox: Path

    def ask(self, *addresses: str) -> None:
        for address in addresses:
            (self.inbox / address).write_bytes(make_mail(ASKS[address], sender=address, subject="Отписка"))

    def tasks(self) -> list[PlatformTask]:
        with self.app.store.transaction() as tx:
            return list(tx.session.scalars(select(PlatformTask).order_by(PlatformTask.id)))

    def fulfilments(self) -> list[str]:
        with self.app.store.transaction() as tx:
            return [f.status for f in tx.session.scalars(select(Fulfilment).order_by(Fulfilment.id))]

    def tickets(self) -> list[Ticket]:
        with self.app.store.transaction() as tx:
            return list(tx.session.scalars(select(Ticket).order_by(Ticket.id)))

    def confirmations(self) -> int:
        """Unsubscribe confirmations that left (written to the outbox folder)."""
        with self.app.store.transaction() as tx:
            rows = tx.session.scalars(select(OutboxMail).where(OutboxMail.kind == "unsubscribed"))
            return sum(1 for row in rows if row.status == "sent")


@pytest.fixture
def world(
    make_app: AppFactory, db_url: str, tmp_path: Path, clock: Clock, httpserver: HTTPServer
) -> Iterator[World]:
    listmonk = FakeListmonk(db_url)
    for ident, address in enumerate(ASKS, start=1):
        listmonk.add(ident, address)
    for path in ("/api/subscribers", "/api/subscribers/blocklist", "/api/subscribers/lists"):
        httpserver.expect_request(path).respond_with_handler(listmonk)
    for ident in (1, 2, 3):
        httpserver.expect_request(f"/api/subscribers/{ident}").respond_with_handler(listmonk)
    with httpx.Client(timeout=1.0) as client:
        platform = build_platform(
            "news", "listmonk", {"url": httpserver.url_for("/"), "api_user": "inboxbot"}, {"token": TOKEN},
            client=client,
        )  # fmt: skip
        inbox = tmp_path / "mail" / "new"
        inbox.mkdir(parents=True)
        app = make_app(
            db_url=db_url,
            maildir=tmp_path / "mail",
            files=tmp_path / "outbox",
            platforms=[platform],
            identity={"hash_key": "k" * 40},
        )
        csv = tmp_path / "clients.csv"
        csv.write_text(CSV, encoding="utf-8")
        import_contacts(app.store, csv, segment="Новости", channel="email", clock=app.clock)
        yield World(app, listmonk, clock, inbox)


def test_an_unsubscribe_is_done_when_the_platform_has_it_and_no_lock_is_held_meanwhile(world: World) -> None:
    world.ask("anna@mail.kz", "carl@mail.kz")
    world.app.worker.run_once()

    assert sorted(world.listmonk.blocklisted) == [1, 3]  # both, in one batched call
    assert world.listmonk.writes_while_called and all(world.listmonk.writes_while_called)
    assert [t.status for t in world.tasks()] == ["done", "done"]
    assert world.fulfilments() == ["done", "done"]
    assert [t.status for t in world.tickets()] == ["resolved", "resolved"]
    assert world.confirmations() == 2
    assert [c.email for c in segment_members(world.app.store, "Новости") or []] == ["boris@mail.kz"]
    with world.app.store.transaction() as tx:
        done = tx.session.scalars(select(Fulfilment)).first()
        assert done is not None and done.results["news"] == ["Новости"]  # recorded per platform


def test_a_platform_down_costs_one_call_a_cycle_and_nothing_is_lost_or_done_twice(world: World) -> None:
    world.listmonk.mode = "down"
    world.ask("anna@mail.kz", "boris@mail.kz", "carl@mail.kz")
    world.app.worker.run_once()

    assert world.listmonk.calls == 1  # three rows owed, one call made: the breaker opened
    assert world.fulfilments() == ["syncing"] * 3
    assert not [t for t in world.tickets() if t.status == "resolved"]
    assert world.confirmations() == 0  # nobody is told "done" before the platform has it
    status = collect_status(world.app.store, world.app.worker.open_source, now=world.clock())
    assert status["platforms"] == {"news": {"pending": 3, "failed": 0}}
    world.app.worker.run_once()
    assert world.listmonk.calls == 1  # backing off: not due yet

    world.listmonk.mode = "ok"
    world.clock.advance(minutes=5)
    world.app.worker.run_once()

    assert sorted(world.listmonk.blocklisted) == [1, 2, 3]  # each exactly once
    assert world.fulfilments() == ["done"] * 3
    assert world.confirmations() == 3
    world.clock.advance(hours=2)
    world.app.worker.run_once()
    assert sorted(world.listmonk.blocklisted) == [1, 2, 3] and world.confirmations() == 3


def test_no_answer_in_time_is_tried_once_a_cycle(world: World) -> None:
    world.listmonk.mode = "slow"
    world.ask("anna@mail.kz", "boris@mail.kz")
    started = time.monotonic()
    world.app.worker.run_once()

    assert world.listmonk.calls == 1 and time.monotonic() - started < 10
    assert [t.status for t in world.tasks()] == ["pending", "pending"]
    assert all(t.attempts <= 1 for t in world.tasks())


def test_a_rate_limit_is_honoured_to_the_second(world: World) -> None:
    world.listmonk.mode = "limited"
    world.ask("anna@mail.kz")
    world.app.worker.run_once()
    world.listmonk.mode = "ok"
    world.clock.advance(seconds=29)
    world.app.worker.run_once()
    assert world.listmonk.calls == 1 and world.fulfilments() == ["syncing"]

    world.clock.advance(seconds=2)
    world.app.worker.run_once()
    assert world.listmonk.blocklisted == [1] and world.fulfilments() == ["done"]


def test_refused_credentials_hand_the_ticket_to_a_person_and_tell_the_client_nothing(world: World) -> None:
    world.listmonk.mode = "refused"
    world.ask("anna@mail.kz")
    world.app.worker.run_once()

    [task] = world.tasks()
    [ticket] = world.tickets()
    assert task.status == "failed" and "401" in (task.last_error or "")
    assert world.fulfilments() == ["failed"]
    assert ticket.status == "open" and world.confirmations() == 0
    with world.app.store.transaction() as tx:
        kinds = [e.kind for e in tx.events_of(ticket.id or 0)]
    assert "platform_failed" in kinds and "unsubscribe_failed" in kinds
    world.clock.advance(hours=3)
    world.app.worker.run_once()
    assert world.listmonk.calls == 1  # given up: not asked again


def test_two_workers_never_call_for_the_same_row(world: World) -> None:
    world.ask("anna@mail.kz", "boris@mail.kz", "carl@mail.kz")
    world.app.worker.poll()
    world.app.unsubscriber.run()  # own segments done; the platform's rows are owed
    runs = [threading.Thread(target=world.app.platforms.run) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()

    assert sorted(world.listmonk.blocklisted) == [1, 2, 3]
    assert all(t.status == "done" for t in world.tasks())


def request_data(world: World, address: str, body: str) -> str:
    """A data request from ``address``, vouched for by a staff member; its ticket number."""
    (world.inbox / f"data-{address}").write_bytes(make_mail(body, sender=address, subject="Мои данные"))
    world.app.worker.run_once()
    number = world.tickets()[-1].number
    world.app.data.verify(number, reason="called back on the phone on file", actor="staff:tom@1texno.kz")
    return number


def test_a_verified_change_reaches_the_platform(world: World) -> None:
    number = request_data(
        world, "anna@mail.kz", "Здравствуйте! Мой новый адрес почты anna.k@mail.kz, замените."
    )

    world.app.data.apply(number, actor="staff:tom@1texno.kz")
    world.app.worker.run_once()

    assert world.listmonk.patched and world.listmonk.patched[-1]["email"] == "anna.k@mail.kz"
    assert [(t.action, t.status) for t in world.tasks()] == [("update", "done")]


def test_an_erasure_reaches_the_platform_before_the_address_is_forgotten(world: World, db_url: str) -> None:
    world.listmonk.mode = "down"
    number = request_data(world, "boris@mail.kz", "Удалите, пожалуйста, все мои персональные данные.")

    world.app.data.apply(number, actor="staff:tom@1texno.kz")
    world.app.worker.run_once()  # the notice leaves; the platform is down: the erasure waits for it

    with world.app.store.transaction() as tx:
        assert tx.contacts.suppression("boris@mail.kz") is not None  # mailed no more at once ...
        assert {t.status for t in world.tasks()} == {"pending"}  # ... the platform still owed
        assert tx.contacts.contact("boris@mail.kz") is not None  # kept until the platform has it
    world.listmonk.mode = "ok"
    world.clock.advance(minutes=5)
    world.app.worker.run_once()

    assert world.listmonk.blocklisted == [2] and world.listmonk.deleted == [2]
    engine = create_engine(db_url)
    with engine.connect() as conn:
        leftovers = conn.execute(
            text("SELECT count(*) FROM platform_task WHERE address = :a"), {"a": "boris@mail.kz"}
        ).scalar()
    engine.dispose()
    assert leftovers == 0  # the erasure's last pass took it out of the platform's rows too
    assert [t.status for t in world.tickets() if t.number == number] == ["resolved"]


def test_the_staff_erasure_tool_forgets_an_address_only_once_every_platform_erased_it(world: World) -> None:
    key = "k" * 40
    world.listmonk.mode = "down"
    with pytest.raises(ErasureRefused, match="news did not confirm"):
        erase_everywhere(
            world.app.store, world.app.platforms, "carl@mail.kz", reason="asked by phone",
            actor="staff:tom", clock=world.app.clock, hash_key=key,
        )  # fmt: skip
    with world.app.store.transaction() as tx:
        assert tx.contacts.suppression("carl@mail.kz") is not None  # mailed no more ...
        assert tx.contacts.contact("carl@mail.kz") is not None  # ... but not forgotten before the platform

    world.listmonk.mode = "ok"
    world.clock.advance(minutes=5)
    erase_everywhere(
        world.app.store, world.app.platforms, "carl@mail.kz", reason="asked by phone",
        actor="staff:tom", clock=world.app.clock, hash_key=key,
    )  # fmt: skip

    assert world.listmonk.blocklisted == [3] and world.listmonk.deleted == [3]
    with world.app.store.transaction() as tx:
        assert tx.contacts.contact("carl@mail.kz") is None
        assert tx.contacts.suppression("carl@mail.kz") is not None  # through its keyed hash
    assert all(t.address != "carl@mail.kz" for t in world.tasks())
