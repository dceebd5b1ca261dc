"""Push latency: a mail reaching the mailbox to its acknowledgement leaving by SMTP (``make bench``).

Starts a private Dovecot and a recording SMTP server (the test harness), runs ``inboxbot run`` with a
one-minute poll interval (so only IMAP IDLE can make it fast), APPENDs one mail at a time and times each
APPEND until the acknowledgement arrives at the SMTP server. Prints the median and the worst of the
samples; Dovecot itself notifies an idling client about half a second after a change.

Usage (from the repository root): python -m bench.idle_bench [--mails 10]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.harness.dovecot import DovecotServer, append
from tests.harness.smtp import SmtpServer
from tests.harness.tls import LocalCA
from tests.support import QUESTION_EN, ROOT, env_for, inboxbot, make_mail, settings_for


def wait_for_event(log: Path, name: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in log.read_text(errors="replace").splitlines():
            try:
                if json.loads(line).get("event") == name:
                    return
            except (ValueError, AttributeError):
                continue
        time.sleep(0.05)
    raise SystemExit(f"no {name!r} from the worker within {timeout} s:\n{log.read_text()[-3000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=10)
    args = parser.parse_args()
    ca = LocalCA()
    with tempfile.TemporaryDirectory() as tmp, DovecotServer(ca=ca) as imap, SmtpServer(ca=ca) as smtp:
        account = imap.new_account("idle")
        settings = settings_for(
            db_url=f"sqlite:///{tmp}/idle.db",
            imap_account=account,
            smtp_server=smtp,
            worker={"poll_interval_seconds": 60, "outbox_interval_seconds": 60},
        )
        env = env_for(settings)
        upgraded = inboxbot("db", "upgrade", env=env)
        if upgraded.returncode != 0:
            raise SystemExit(f"db upgrade failed: {upgraded.stderr[-2000:]}")
        log = Path(tmp) / "worker.log"
        with log.open("w") as out:
            worker = subprocess.Popen(
                [sys.executable, "-m", "inboxbot", "run"],
                env=env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            try:
                wait_for_event(log, "imap.folder_first_read", timeout=30)
                latencies = []
                for n in range(args.mails):
                    time.sleep(1)  # back in IDLE after the previous mail
                    appended = time.monotonic()
                    append(account, make_mail(QUESTION_EN, sender=f"client{n}@example.com"))
                    smtp.wait_for(n + 1, timeout=30)
                    latencies.append(time.monotonic() - appended)
            finally:
                worker.terminate()
                worker.wait(30)
    print(
        f"IDLE push, APPEND to acknowledgement over SMTP, {len(latencies)} mails: "
        f"median {statistics.median(latencies):.2f} s, worst {max(latencies):.2f} s "
        f"(poll interval 60 s)"
    )


if __name__ == "__main__":
    main()
