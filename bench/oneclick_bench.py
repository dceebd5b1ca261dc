"""From the click on a one-click unsubscribe link to the removal from every backend (``make bench``).

The promise: under 60 seconds from ``POST /u/TOKEN`` until the address is out of inboxbot's own segments
and every mailing platform has confirmed its suppression. This serves the real console (uvicorn, the
real app from ``bootstrap.build``) on loopback, with two mailing platforms built by
``adapters.platforms.factory.build_platform`` from ``[backends.*]``, each a local HTTP server answering
as listmonk documents (https://listmonk.app/docs/apis/subscribers/) after a set delay; no network is
needed. Each click is timed from the POST to the moment every ``platform_task`` row it queued is
``done``: first one click at a time, then a burst of clicks at once (a mailing's recipients clicking
together). SQLite, and the local PostgreSQL when it is reachable.

Usage (from the repository root): python -m bench.oneclick_bench [--clicks N] [--burst N] [--latency-ms MS]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import uvicorn
from sqlalchemy import func, select
from sqlmodel import col

from inboxbot.adapters.db import schema
from inboxbot.adapters.db.models import PlatformTask
from inboxbot.bootstrap import App, build
from inboxbot.core.unsubscribe_links import link_keys
from inboxbot.logs import configure_logging
from inboxbot.service.contacts import contact_card, import_contacts
from inboxbot.web.app import create_app
from tests.harness.net import LOOPBACK, free_port
from tests.harness.postgres import PostgresServer
from tests.support import settings_for

PROMISE_SECONDS = 60.0
KEY = "bench-link-key-" + "k" * 32
LM_TOKEN = "bench-token"
CONTACTS = 2_000
PLATFORMS = ("news_lm", "promo_lm")


class FakeListmonk(ThreadingHTTPServer):
    """listmonk's subscriber search, blocklist and list unsubscribe, each answered after ``delay``."""

    daemon_threads = True

    def __init__(self, delay: float) -> None:
        super().__init__((LOOPBACK, 0), _ListmonkHandler)
        self.delay = delay
        self.blocklisted: set[int] = set()

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.server_address[1]}"


class _ListmonkHandler(BaseHTTPRequestHandler):
    server: FakeListmonk

    def do_GET(self) -> None:
        time.sleep(self.server.delay)
        query = parse_qs(urlsplit(self.path).query).get("query", [""])[0]
        emails = [part.strip(" '") for part in query.rsplit("(", 1)[-1].rstrip(")").split(",") if "@" in part]
        found = [
            {"id": _ident(e), "email": e, "lists": [{"id": 1, "name": "News"}, {"id": 2, "name": "Promo"}]}
            for e in emails
        ]
        self._answer({"data": {"results": found, "total": len(found), "per_page": 100, "page": 1}})

    def do_PUT(self) -> None:
        time.sleep(self.server.delay)
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        if self.path == "/api/subscribers/blocklist":
            self.server.blocklisted.update(body.get("ids", []))
        self._answer({"data": True})

    def _answer(self, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        return


def _ident(email: str) -> int:
    return int(email.split("@", maxsplit=1)[0].removeprefix("client"))


@contextmanager
def vendors(delay: float) -> Iterator[list[FakeListmonk]]:
    servers = [FakeListmonk(delay) for _ in PLATFORMS]
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    try:
        yield servers
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


@contextmanager
def console(db_url: str, tmp: Path, servers: list[FakeListmonk]) -> Iterator[tuple[App, str]]:
    port = free_port()
    backends = {
        name: {"kind": "listmonk", "url": server.url, "api_user": "inboxbot", "token": LM_TOKEN}
        for name, server in zip(PLATFORMS, servers, strict=True)
    }
    settings = settings_for(
        db_url=db_url,
        maildir=tmp / "maildir",
        files=tmp / "outbox",
        links={"base_url": f"http://{LOOPBACK}:{port}", "key": KEY},
        backends=backends,
        logging={"level": "warning"},
    )
    app = build(settings)
    schema.upgrade(app.store.engine)
    rows = "\n".join(f"client{i}@example.kz,Client {i},,ru" for i in range(CONTACTS))
    csv = tmp / f"contacts-{port}.csv"
    csv.write_text(f"email,name,phone,language\n{rows}\n", encoding="utf-8")
    for segment in ("Новости", "Promo"):
        import_contacts(app.store, csv, segment=segment, channel="email", clock=app.clock)
    config = uvicorn.Config(
        create_app(app), host=LOOPBACK, port=port, log_config=None, access_log=False, lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.01)
        yield app, f"http://{LOOPBACK}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.close()


def click(url: str, address: str) -> float:
    """POST the address's link; when it was sent."""
    token = link_keys(KEY).make(address, "Новости")
    started = time.perf_counter()
    answer = httpx.post(f"{url}/u/{token}", data={"List-Unsubscribe": "One-Click"}, timeout=PROMISE_SECONDS)
    assert answer.status_code == 200, answer.text
    return started


def removed(app: App, addresses: list[str]) -> set[str]:
    """Those of ``addresses`` every platform has confirmed (all their rows ``done``)."""
    with app.store.transaction() as tx:
        query = (
            select(col(PlatformTask.address))
            .where(col(PlatformTask.address).in_(addresses), col(PlatformTask.status) == "done")
            .group_by(col(PlatformTask.address))
            .having(func.count() == len(PLATFORMS))
        )
        return set(tx.session.scalars(query))


def clicks(app: App, url: str, addresses: list[str], at_once: int) -> list[float]:
    """Seconds from each address's POST to every platform's confirmed suppression of it; ``at_once``
    clicks in flight together."""
    started: dict[str, float] = {}
    finished: dict[str, float] = {}
    with ThreadPoolExecutor(max_workers=at_once) as pool:
        for address, when in zip(addresses, pool.map(lambda a: click(url, a), addresses), strict=True):
            started[address] = when
        while len(finished) < len(addresses):
            waiting = [a for a in addresses if a not in finished]
            now = time.perf_counter()
            for address in removed(app, waiting):
                finished[address] = now
            if now - min(started[a] for a in waiting) > 2 * PROMISE_SECONDS:
                raise AssertionError(f"{len(waiting)} address(es) not removed everywhere after 120 s")
            time.sleep(0.005)
    for address in addresses:
        assert contact_card(app.store, address).segments == [], "still in an own segment"
    return [finished[a] - started[a] for a in addresses]


def measure(db_url: str, tmp: Path, count: int, burst: int, delay: float) -> tuple[list[float], list[float]]:
    with vendors(delay) as servers, console(db_url, tmp, servers) as (app, url):
        clicks(app, url, ["client0@example.kz"], 1)  # warm-up: templates, connections
        alone = [clicks(app, url, [f"client{i}@example.kz"], 1)[0] for i in range(1, count + 1)]
        together = clicks(
            app, url, [f"client{i}@example.kz" for i in range(count + 1, count + 1 + burst)], burst
        )
        every = set(range(count + 1 + burst))
        assert all(server.blocklisted == every for server in servers), "a platform missed a suppression"
    return alone, together


def databases(tmp: Path) -> Iterator[tuple[str, Iterator[str]]]:
    yield "sqlite", iter([f"sqlite:///{tmp}/oneclick.db"])
    server = PostgresServer.from_env()
    if server.unavailable_reason() is None:
        yield "postgresql", _postgres(server)


def _postgres(server: PostgresServer) -> Iterator[str]:
    with server.fresh_database() as url:
        yield url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=20, help="clicks one at a time")
    parser.add_argument("--burst", type=int, default=50, help="clicks at the same moment")
    parser.add_argument("--latency-ms", type=float, default=100.0, help="each platform call's delay")
    args = parser.parse_args()
    configure_logging("warning")
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name, urls in databases(Path(tmp)):
            for url in urls:
                alone, together = measure(url, Path(tmp), args.clicks, args.burst, args.latency_ms / 1000)
                worst = max(worst, *alone, *together)
                print(
                    f"one-click, {name:<10}: click -> out of {len(PLATFORMS)} platforms + own segments "
                    f"(calls {args.latency_ms:.0f} ms each): one at a time median "
                    f"{statistics.median(alone):.2f} s, max {max(alone):.2f} s; {args.burst} at once median "
                    f"{statistics.median(together):.2f} s, max {max(together):.2f} s"
                )
    verdict = "kept" if worst < PROMISE_SECONDS else "BROKEN"
    print(
        f"one-click: slowest click to removal {worst:.2f} s: the {PROMISE_SECONDS:.0f} s promise is {verdict}"
    )
    assert worst < PROMISE_SECONDS, f"a click took {worst:.2f} s to reach every backend"


if __name__ == "__main__":
    main()
