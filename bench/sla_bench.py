"""Cost of the SLA sweep against the number of open tickets (``make bench``).

The sweep must cost what the *due* tickets cost, not what the open ones do. For 1,000 and then 100,000
open tickets that are not due, plus the same 200 tickets whose reminder is due, this times one sweep
(which fires the 200 reminders and queues their mails) and one idle sweep right after; SQLite, and the
local PostgreSQL when it is reachable. The figure that matters is the ratio 100k / 1k: near 1 means the
index on ``ticket.next_escalation_at`` does the work.

Usage (from the repository root): python -m bench.sla_bench [--rounds R]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import SQLModel

from inboxbot.adapters.db import schema
from inboxbot.adapters.db.store import Store, make_engine
from inboxbot.config import SlaSettings
from inboxbot.logs import configure_logging
from inboxbot.service.lifecycle import Lifecycle
from inboxbot.service.mailer import Mailer
from inboxbot.service.sla import SlaSweeper
from inboxbot.templating import Templates
from tests.harness.postgres import PostgresServer

DUE = 200
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
TICKETS = SQLModel.metadata.tables["ticket"]


def ticket_rows(count: int, *, due: bool, start: int) -> list[dict[str, object]]:
    received = NOW - timedelta(hours=13 if due else 1)
    return [
        {
            "number": f"HB-2026-{start + i:07d}",
            "status": "new",
            "category": "other",
            "intents": ["other"],
            "language": "ru",
            "needs_review": False,
            "confidence": 1.0,
            "evidence": [],
            "sender": f"c{start + i}@example.kz",
            "sender_name": "",
            "subject": "bench",
            "message_id": None,
            "received_at": received,
            "due_at": received + timedelta(hours=24),
            "created_at": received,
            "updated_at": received,
            "excerpt": "bench",
            "paused_seconds": 0,
            "next_escalation_at": received + timedelta(hours=12),
        }
        for i in range(count)
    ]


def fill(store: Store, open_not_due: int) -> None:
    with store.engine.begin() as conn:
        for start in range(0, open_not_due, 10_000):
            conn.execute(
                TICKETS.insert(), ticket_rows(min(10_000, open_not_due - start), due=False, start=start)
            )
        conn.execute(TICKETS.insert(), ticket_rows(DUE, due=True, start=open_not_due))


def sweeper(store: Store) -> SlaSweeper:
    settings = SlaSettings()
    mailer = Mailer(Templates(), "hello@1texno.kz", "ONETEXNO", ZoneInfo("Asia/Almaty"))
    return SlaSweeper(store, Lifecycle(settings.policy()), mailer, settings, lambda: NOW)


def measure(url: str, open_not_due: int) -> tuple[float, float, int]:
    engine = make_engine(url)
    schema.upgrade(engine)
    store = Store(engine)
    fill(store, open_not_due)
    sweep = sweeper(store)
    started = time.perf_counter()
    fired = sweep.run().fired
    busy = time.perf_counter() - started
    started = time.perf_counter()
    sweep.run()
    idle = time.perf_counter() - started
    engine.dispose()
    return busy, idle, fired


@contextmanager
def databases(tmp: Path) -> Iterator[list[tuple[str, Iterator[str]]]]:
    server = PostgresServer.from_env()
    yield [
        ("sqlite", _sqlite(tmp)),
        *([("postgresql", _postgres(server))] if server.unavailable_reason() is None else []),
    ]


def _sqlite(tmp: Path) -> Iterator[str]:
    index = 0
    while True:
        index += 1
        yield f"sqlite:///{tmp}/sla-{index}.db"


def _postgres(server: PostgresServer) -> Iterator[str]:
    while True:
        with server.fresh_database() as url:
            yield url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    configure_logging("warning")
    with tempfile.TemporaryDirectory() as tmp, databases(Path(tmp)) as targets:
        for name, urls in targets:
            measure(next(urls), 100)  # warm-up: templates compiled, connections made
            figures = {}
            for open_count in (1_000, 100_000):
                runs = [measure(next(urls), open_count) for _ in range(args.rounds)]
                assert all(fired == DUE for _, _, fired in runs), "every due reminder must fire exactly once"
                figures[open_count] = (
                    statistics.median(r[0] for r in runs),
                    statistics.median(r[1] for r in runs),
                )
            (small_busy, small_idle), (big_busy, big_idle) = figures[1_000], figures[100_000]
            print(
                f"SLA sweep, {name:<10}: {DUE} due among 1k open {small_busy * 1000:7.1f} ms, "
                f"among 100k open {big_busy * 1000:7.1f} ms (ratio {big_busy / small_busy:.2f}); "
                f"idle sweep {small_idle * 1000:.1f} ms vs {big_idle * 1000:.1f} ms "
                f"(ratio {big_idle / small_idle:.2f})"
            )


if __name__ == "__main__":
    main()
