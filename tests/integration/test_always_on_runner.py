"""``run_forever`` in-process: push, a server restart survived, a clean stop with nothing left open.

In-process (not a child process) so that a socket or thread the worker leaks across reconnects fails
the test here (``-W error`` turns ResourceWarning into an error)."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable
from pathlib import Path

from inboxbot.adapters.locks import mailbox_lock
from inboxbot.service.runner import run_forever
from tests.harness.dovecot import DovecotServer, append, list_uids
from tests.harness.smtp import SmtpServer
from tests.integration.conftest import AppFactory
from tests.support import QUESTION_EN, make_mail

FAST = {
    "poll_interval_seconds": 1,
    "outbox_interval_seconds": 1,
    "sla_interval_seconds": 5,
    "max_backoff_seconds": 1,
}


def test_runner_reconnects_after_a_restart_and_stops_when_asked(
    make_app: AppFactory,
    make_dovecot: Callable[..., DovecotServer],
    smtp_server: SmtpServer,
    tmp_path: Path,
) -> None:
    server = make_dovecot()
    account = server.new_account()
    app = make_app(
        db_url=f"sqlite:///{tmp_path}/db.sqlite", imap_account=account, smtp_server=smtp_server, worker=FAST
    )
    stop = threading.Event()
    lock = mailbox_lock(app.store.engine)
    thread = threading.Thread(
        target=run_forever,
        args=(app.worker, app.worker.open_source, lock, app.settings.worker, stop),
        name="test-runner",
    )
    threads_before = threading.active_count()
    thread.start()
    try:
        append(account, make_mail(QUESTION_EN, sender="first@example.com"))
        smtp_server.wait_for(1, timeout=15)
        server.restart()
        append(account, make_mail(QUESTION_EN, sender="second@example.com"))
        smtp_server.wait_for(2, timeout=15)
    finally:
        stop.set()
        started = time.monotonic()
        thread.join(15)
    assert not thread.is_alive()
    assert time.monotonic() - started < 5
    assert not lock.held()  # released on the way out
    assert threading.active_count() == threads_before  # scheduler and watcher threads are gone
    gc.collect()  # an IMAP socket left open across the restart would be reported here
    assert list_uids(account, "INBOX") == []
    with app.store.transaction() as tx:
        assert set(tx.heartbeats()) >= {"poll", "deliver"}
