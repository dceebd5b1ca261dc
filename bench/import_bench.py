"""Speed of ``inboxbot contacts import`` on a 100,000-row CSV (``make bench``).

Writes a CSV of N rows (with a few bad rows and duplicates, and 1% of its addresses already on the
suppression list), then imports it into a fresh SQLite database and, when the local PostgreSQL server
is reachable, into a fresh PostgreSQL database, through the same service function the CLI uses.
Reports rows per second and the wall time, median of a few rounds. A second import of the same file
(everyone already a member) is timed too: the cost of the "re-import brings nobody back" guarantee.

Usage (from the repository root): python -m bench.import_bench [--rows N] [--rounds R]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from inboxbot.adapters.db import schema
from inboxbot.adapters.db.models import Suppression
from inboxbot.adapters.db.store import Store, make_engine
from inboxbot.service.contacts import import_contacts
from tests.harness.postgres import PostgresServer

TARGET_SECONDS = 10.0  # "100,000 rows in seconds"


def now() -> datetime:
    return datetime.now(UTC)


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("email,name,phone,language\n")
        for i in range(rows):
            if i % 10_000 == 7:
                handle.write(f"broken-address-{i},Broken,,ru\n")
            else:
                handle.write(
                    f"client{i}@example.kz,Клиент {i},+7 701 {i % 1000:03d} {i % 100:02d} {i % 97:02d},ru\n"
                )


def suppress_some(store: Store, rows: int) -> None:
    with store.transaction() as tx:
        for i in range(0, rows, 100):
            tx.contacts.suppress(
                Suppression(
                    email=f"client{i}@example.kz",
                    reason="bench",
                    suppressed_at=now(),
                    actor="bench",
                    evidence=[],
                )
            )


@contextmanager
def databases(tmp: Path) -> Iterator[list[tuple[str, str]]]:
    urls = [("sqlite", f"sqlite:///{tmp}/bench.db")]
    pg = _postgres()
    if pg is None:
        yield urls
        return
    with pg.fresh_database() as url:
        yield [*urls, ("postgresql", url)]


def _postgres() -> PostgresServer | None:
    server = PostgresServer.from_env()
    return server if server.unavailable_reason() is None else None


def run_once(url: str, csv_path: Path, rows: int) -> tuple[float, float, int]:
    engine = make_engine(url)
    schema.upgrade(engine)
    store = Store(engine)
    suppress_some(store, rows)
    started = time.perf_counter()
    first = import_contacts(store, csv_path, segment="bench", channel="email", clock=now)
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    import_contacts(store, csv_path, segment="bench", channel="email", clock=now)
    again_seconds = time.perf_counter() - started
    with engine.begin() as conn:  # leave the next round an empty database
        for table in ("membership", "contact", "suppression", "contact_event", "segment"):
            conn.exec_driver_sql(f"DELETE FROM {table}")
    engine.dispose()
    return first_seconds, again_seconds, first.suppressed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "contacts.csv"
        write_csv(csv_path, args.rows)
        with databases(Path(tmp)) as urls:
            for name, url in urls:
                results = [run_once(url, csv_path, args.rows) for _ in range(args.rounds)]
                first = statistics.median(r[0] for r in results)
                again = statistics.median(r[1] for r in results)
                print(
                    f"contacts import, {args.rows} rows, {name:<10}: first {first:5.2f} s "
                    f"({args.rows / first:8.0f} rows/s), again {again:5.2f} s; "
                    f"{results[0][2]} suppressed skipped; "
                    f"{first / TARGET_SECONDS:.2f} x the {TARGET_SECONDS:.0f} s budget"
                )


if __name__ == "__main__":
    main()
