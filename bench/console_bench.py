"""The console's pages against the size of the database (``make bench``).

Issue 12 asks that with 100,000 tickets the queue's first page and a ticket's page render in the time
they take with 1,000, within a factor of 2. This fills fresh databases with 1,000 and with 100,000
realistic tickets (:mod:`bench.console_data`) on the local PostgreSQL and, unless ``--no-sqlite``, in
SQLite files; serves each through the real console in-process (``create_app`` under Starlette's
``TestClient``), signed in as an agent through ``/login``; checks each page once; then times
``GET /tickets`` and ``GET /tickets/{number}`` of the ticket in the middle, every database in turn in each
round, and prints the median per page and the ratio 100k / 1k, measured in the same run. A ratio above 2
is reported, not failed: the exit status is non-zero only on an error. The databases are dropped at the
end, whatever happens.

Usage (from the repository root): python -m bench.console_bench [--rounds R] [--no-sqlite]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from starlette.testclient import TestClient

from bench.console_data import NOW, analyze, fill, middle_id, number_of
from inboxbot.adapters.db import schema
from inboxbot.bootstrap import build
from inboxbot.config import DatabaseSettings, Settings, WorkerSettings
from inboxbot.logs import configure_logging
from inboxbot.web.app import create_app
from inboxbot.web.security import CSRF_FIELD, SESSION_COOKIE
from tests.harness.postgres import PostgresServer

SIZES = (1_000, 100_000)
WARM_UP = 5
PASSWORD = "bench-password-1234"
STAFF = (
    ("agent@1texno.kz", "Айгуль Агентова"),
    ("second@1texno.kz", "Ержан Второй"),
    ("third@1texno.kz", "Мария Третья"),
    ("fourth@1texno.kz", "John Fourth"),
)
PAGES = ("queue", "ticket")


class BenchError(Exception):
    """The console did not serve a page as it should: the figures would mean nothing."""


@dataclass(frozen=True)
class Site:
    """One filled database served by the console, with a signed-in agent."""

    backend: str
    size: int
    client: TestClient
    paths: dict[str, str]  # page name -> path


def open_site(stack: ExitStack, backend: str, url: str, size: int, tmp: Path) -> Site:
    settings = Settings(
        source=f"maildir:{tmp}/maildir",
        transport=f"files:{tmp}/outbox",
        database=DatabaseSettings(url=url),
        worker=WorkerSettings(parse_processes=0),
    )
    app = build(settings, clock=lambda: NOW)
    stack.callback(app.close)
    schema.upgrade(app.store.engine)
    staff = [app.accounts.add(email, name, PASSWORD).id for email, name in STAFF]
    started = time.perf_counter()
    fill(app.store.engine, size, staff)
    analyze(app.store.engine)
    print(f"  {backend} {size:>7,} tickets filled in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    client = stack.enter_context(TestClient(create_app(app)))
    sign_in(client, STAFF[0][0])
    paths = {"queue": "/tickets", "ticket": f"/tickets/{number_of(middle_id(size))}"}
    return Site(backend, size, client, paths)


def sign_in(client: TestClient, email: str) -> None:
    """Through the login form, with the CSRF token it hands out, as a browser does."""
    form = client.get("/login")
    found = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', form.text)
    if found is None:
        raise BenchError("the login form has no CSRF token")
    data = {CSRF_FIELD: found.group(1), "email": email, "password": PASSWORD, "next": "/tickets"}
    response = client.post("/login", data=data, follow_redirects=False)
    if response.status_code != 303 or SESSION_COOKIE not in client.cookies:
        raise BenchError(f"signing in failed: HTTP {response.status_code}")


def check(site: Site) -> None:
    """Each page once, looked at: a page that is an error or empty would be fast for nothing."""
    queue = get(site, "queue")
    if queue.count('href="/tickets/HB-') < 20:
        raise BenchError(f"{site.backend} {site.size}: the queue lists too few tickets")
    if number_of(middle_id(site.size)) not in get(site, "ticket"):
        raise BenchError(f"{site.backend} {site.size}: the ticket page does not show its ticket")


def get(site: Site, page: str) -> str:
    response = site.client.get(site.paths[page])
    if response.status_code != 200:
        raise BenchError(f"{site.backend} {site.size} {site.paths[page]}: HTTP {response.status_code}")
    body: str = response.text
    return body


def timed(site: Site, page: str) -> float:
    started = time.perf_counter()
    get(site, page)
    return time.perf_counter() - started


Key = tuple[str, int, str]  # backend, size, page


def measure(sites: list[Site], rounds: int) -> dict[Key, float]:
    """Median seconds per page and database; every database is visited in each round, in an order
    that alternates, so that a noisy moment of the machine falls on all of them alike."""
    for site in sites:
        check(site)
        for _ in range(WARM_UP):
            for page in PAGES:
                timed(site, page)
    times: dict[Key, list[float]] = defaultdict(list)
    for round_ in range(rounds):
        for site in sites if round_ % 2 == 0 else reversed(sites):
            for page in PAGES:
                times[(site.backend, site.size, page)].append(timed(site, page))
    return {key: statistics.median(values) for key, values in times.items()}


def report(medians: dict[Key, float], rounds: int) -> None:
    small, big = SIZES
    print(f"Console pages, median of {rounds} requests (ms); ratio {big:,} / {small:,} tickets, target <= 2")
    print(f"{'database':<11} {'page':<22} {_short(small):>7} {_short(big):>7} {'ratio':>6}")
    for backend in dict.fromkeys(key[0] for key in medians):
        for page in PAGES:
            at_small, at_big = medians[(backend, small, page)], medians[(backend, big, page)]
            label = "/tickets (first page)" if page == "queue" else "/tickets/{number}"
            print(
                f"{backend:<11} {label:<22} {at_small * 1000:7.1f} {at_big * 1000:7.1f} "
                f"{at_big / at_small:6.2f}"
            )


def _short(size: int) -> str:
    return f"{size // 1000}k" if size >= 1000 else str(size)


def open_sites(stack: ExitStack, tmp: Path, *, sqlite: bool) -> list[Site]:
    sites = []
    server = PostgresServer.from_env()
    reason = server.unavailable_reason()
    if reason is not None:
        print(f"PostgreSQL skipped: {reason}", file=sys.stderr)
    for size in SIZES if reason is None else ():
        url = stack.enter_context(server.fresh_database())
        sites.append(open_site(stack, "postgresql", url, size, tmp))
    for size in SIZES if sqlite else ():
        sites.append(open_site(stack, "sqlite", f"sqlite:///{tmp}/console-{size}.db", size, tmp))
    return sites


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40, help="timed requests per page and database")
    parser.add_argument("--no-sqlite", dest="sqlite", action="store_false", help="PostgreSQL only")
    args = parser.parse_args()
    configure_logging("warning")
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        sites = open_sites(stack, Path(tmp), sqlite=args.sqlite)
        if not sites:
            raise BenchError("no database to measure")
        report(measure(sites, args.rounds), args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
