"""Draining a backlog after an outage (``make bench``).

Starts a private Dovecot (the test harness), fills a user's INBOX with N mails (realistic ones from the
development corpus, each with its own Message-ID and sender), then measures in the same run, on the same
mails:

- the raw IMAP FETCH rate: ``BODY.PEEK[]`` of every mail in batches, nothing else (a ceiling);
- the bare parse-and-decode rate: the standard library's modern-policy parse and the text body's
  decoding, single process, nothing else (what any Python worker pays; the other ceiling);
- ``inboxbot run-once`` as a user runs it (files transport, SQLite): mails per second end to end, and
  its peak resident memory.

The target: run-once at least half the parse ceiling. Next to it the bench prints the CPU time the
whole machine spent during the drain (the worker, its parse processes, Dovecot, the kernel; from
``/proc/stat``): divided by the number of cores it is the shortest wall time any schedule of that work
could reach, so it tells whether the target is a matter of overlap or of cost. ``--memory N`` runs a
second drain of N mails (default 50,000) only to report peak RSS (target under 200 MB).

Usage (from the repository root): python -m bench.backlog_bench [--mails 5000] [--memory 50000]
"""

from __future__ import annotations

import argparse
import contextlib
import email
import email.policy
import os
import resource
import subprocess
import tempfile
import time
from pathlib import Path

from imapclient import IMAPClient

from tests.harness.dovecot import DovecotServer, ImapAccount
from tests.harness.tls import LocalCA
from tests.support import ROOT, env_for, inboxbot, settings_for

CORPUS = ROOT / "tests" / "data" / "corpus-dev"
BATCH = 200


def backlog(count: int) -> list[bytes]:
    """``count`` distinct mails made from the corpus (own Message-ID and sender for each)."""
    templates = [path.read_bytes() for path in sorted(CORPUS.glob("*.eml"))]
    mails = []
    for i in range(count):
        raw = templates[i % len(templates)]
        head, _, body = raw.partition(b"\r\n\r\n") if b"\r\n\r\n" in raw else raw.partition(b"\n\n")
        lines = [ln for ln in head.splitlines() if not ln.lower().startswith((b"message-id:", b"from:"))]
        lines[:0] = [
            f"Message-ID: <backlog-{i}@bench.example>".encode(),
            f"From: c{i}@bench.example".encode(),
        ]
        mails.append(b"\r\n".join(lines) + b"\r\n\r\n" + body)
    return mails


def fill(account: ImapAccount, mails: list[bytes]) -> None:
    """Deliver straight into the user's Maildir (as the MTA would), then let Dovecot index it."""
    new = account.maildir_path / "new"
    new.mkdir(parents=True, exist_ok=True)
    for i, raw in enumerate(mails):
        (new / f"{1764000000 + i}.M{i}P1.bench").write_bytes(raw)
    subprocess.run(["chown", "-R", "mail:mail", str(account.maildir_path)], check=True)
    with IMAPClient(account.host, port=account.port, ssl=False, timeout=600) as client:
        client.login(account.username, account.password)
        client.select_folder("INBOX")


def fetch_rate(account: ImapAccount) -> tuple[float, list[bytes]]:
    with IMAPClient(account.host, port=account.port, ssl=False, timeout=600) as client:
        client.login(account.username, account.password)
        client.select_folder("INBOX", readonly=True)
        uids = sorted(client.search("ALL"))
        started = time.perf_counter()
        raws: list[bytes] = []
        for start in range(0, len(uids), BATCH):
            data = client.fetch(uids[start : start + BATCH], ["BODY.PEEK[]", "INTERNALDATE"])
            raws.extend(bytes(item[b"BODY[]"]) for item in data.values())
        return len(uids) / (time.perf_counter() - started), raws


def parse_rate(raws: list[bytes]) -> float:
    started = time.perf_counter()
    for raw in raws:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        body = message.get_body(("plain", "html"))
        if body is not None:
            with contextlib.suppress(LookupError, ValueError):
                body.get_content()
        message.get("subject")
        message.get("from")
    return len(raws) / (time.perf_counter() - started)


def machine_busy_seconds() -> float:
    """CPU time spent by everything on the machine since boot, idle and I/O wait excluded."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle, iowait = fields[3], fields[4]
    return (sum(fields[:8]) - idle - iowait) / os.sysconf("SC_CLK_TCK")


def run_once(account: ImapAccount, workdir: Path) -> tuple[float, float, str, float]:
    settings = settings_for(
        db_url=f"sqlite:///{workdir}/bench.db",
        imap_account=account,
        files=workdir / "out",
        imap={"batch_size": 100},
    )
    env = {**env_for(settings), "INBOXBOT_LOGGING__LEVEL": "warning"}
    upgraded = inboxbot("db", "upgrade", env=env)
    if upgraded.returncode != 0:
        raise SystemExit(f"db upgrade failed: {upgraded.stderr[-2000:]}")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    busy = machine_busy_seconds()
    started = time.perf_counter()
    done = inboxbot("run-once", env=env, timeout=3600)
    seconds = time.perf_counter() - started
    busy = machine_busy_seconds() - busy
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode != 0:
        raise SystemExit(f"run-once failed: {done.stderr[-2000:]}")
    return seconds, max(peak_kb, before) / 1024, done.stdout.strip(), busy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=5000)
    parser.add_argument("--memory", type=int, default=50_000, help="0 to skip the memory drain")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, DovecotServer(ca=LocalCA()) as server:
        account = server.new_account("bench")
        fill(account, backlog(args.mails))
        imap, raws = fetch_rate(account)
        parse = parse_rate(raws)
        seconds, rss, summary, busy = run_once(account, Path(tmp))
        rate = args.mails / seconds
        cores = os.cpu_count() or 1
        print(
            f"backlog of {args.mails}: run-once {rate:7.0f} mails/s ({seconds:.1f} s, peak RSS {rss:.0f} MB)"
        )
        print(
            f"  ceilings in the same run: IMAP FETCH {imap:7.0f} mails/s, "
            f"stdlib parse+decode {parse:7.0f} mails/s"
        )
        print(f"  run-once / parse ceiling = {rate / parse:.2f} (target >= 0.50); {summary}")
        floor = busy / cores
        print(
            f"  CPU spent by the whole machine meanwhile: {busy:.1f} cpu-s on {cores} cores; no schedule "
            f"of that work ends under {floor:.1f} s, i.e. ratio at most {args.mails / floor / parse:.2f}"
        )
        if args.memory:
            big = server.new_account("memory")
            fill(big, backlog(args.memory))
            seconds, rss, _, _ = run_once(big, Path(tmp) / "memory")
            print(
                f"backlog of {args.memory}: run-once {args.memory / seconds:7.0f} mails/s, "
                f"peak RSS {rss:.0f} MB (target < 200 MB)"
            )


if __name__ == "__main__":
    main()
