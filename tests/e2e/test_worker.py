"""`inboxbot run`, the long-running worker: polls on its schedule and stops cleanly on SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.harness.dovecot import ImapAccount, append, list_uids
from tests.harness.smtp import SmtpServer
from tests.support import QUESTION_EN, ROOT, env_for, inboxbot, make_mail, settings_for

pytestmark = pytest.mark.e2e


def test_worker_turns_new_mail_into_an_acknowledgement_and_stops_on_sigterm(
    imap_account: ImapAccount, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    settings = settings_for(
        db_url=f"sqlite:///{tmp_path}/db.sqlite",
        imap_account=imap_account,
        smtp_server=smtp_server,
        worker={"poll_interval_seconds": 1, "outbox_interval_seconds": 1},
    )
    env = env_for(settings)
    assert inboxbot("db", "upgrade", env=env).returncode == 0
    worker = subprocess.Popen(
        [sys.executable, "-m", "inboxbot", "run"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        append(imap_account, make_mail(QUESTION_EN, sender="tom@example.com"))
        [ack] = smtp_server.wait_for(1, timeout=30)
        assert ack.rcpt_tos == ("tom@example.com",)
        assert list_uids(imap_account, "INBOX") == []
    finally:
        worker.send_signal(signal.SIGTERM)
        started = time.monotonic()
        _, stderr = worker.communicate(timeout=30)
    assert worker.returncode == 0, stderr
    assert time.monotonic() - started < 10
    assert "worker.stopped" in stderr
