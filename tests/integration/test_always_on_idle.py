"""IMAP IDLE and the connection against a real Dovecot: push within a second, no mail missed between a
read and the next IDLE, a server that goes away noticed at once (and without spinning), no socket left
open after a broken connection."""

from __future__ import annotations

import gc
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from inboxbot.adapters.mailbox_imap import ImapMailbox
from inboxbot.bootstrap import folders
from inboxbot.service.ports import MailSourceError
from tests.harness.dovecot import DovecotServer, ImapAccount, _instance_processes, _instance_tag, append
from tests.support import QUESTION_EN, make_mail, settings_for


def mailbox(account: ImapAccount) -> ImapMailbox:
    settings = settings_for(db_url="sqlite://", imap_account=account)
    return ImapMailbox(settings.imap, folders(settings), settings.limits.max_message_bytes).connect()


def read_all(box: ImapMailbox) -> int:
    return sum(len(batch) for batch in box.batches(lambda _folder: None))


@contextmanager
def after(delay: float, action: Callable[[], object]) -> Iterator[None]:
    """Run ``action`` in a thread ``delay`` seconds from now; joined on exit."""
    timer = threading.Timer(delay, action)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        timer.join()


def timed_wait(box: ImapMailbox, timeout: float, stop: threading.Event | None = None) -> tuple[float, float]:
    """Wall-clock and CPU seconds ``wait_for_mail`` took."""
    wall, cpu = time.monotonic(), time.process_time()
    box.wait_for_mail(timeout, stop or threading.Event())
    return time.monotonic() - wall, time.process_time() - cpu


def test_idle_wakes_up_within_a_second_of_new_mail(imap_account: ImapAccount) -> None:
    box = mailbox(imap_account)
    try:
        assert read_all(box) == 0
        with after(0.5, lambda: append(imap_account, make_mail(QUESTION_EN))):
            wall, cpu = timed_wait(box, timeout=30)
        print(f"IDLE woke up {wall - 0.5:.2f} s after the APPEND")
        assert 0.4 < wall < 5
        assert cpu < 0.5  # waiting is sleeping, not polling in a loop
        assert read_all(box) == 1
    finally:
        box.close()


def test_mail_that_arrived_after_the_read_is_not_left_for_the_next_poll(imap_account: ImapAccount) -> None:
    """Between the SEARCH of a poll and the start of IDLE the server announces nothing: caught by UIDNEXT."""
    box = mailbox(imap_account)
    try:
        assert read_all(box) == 0
        append(imap_account, make_mail(QUESTION_EN))
        wall, _ = timed_wait(box, timeout=30)
        assert wall < 1
        assert read_all(box) == 1
        # Mail still in the inbox (not moved) is no reason to wake up again and again.
        wall, _ = timed_wait(box, timeout=1.5)
        assert wall >= 1.4
    finally:
        box.close()


def test_idle_ends_at_the_timeout_and_at_once_when_asked_to_stop(imap_account: ImapAccount) -> None:
    box = mailbox(imap_account)
    stop = threading.Event()
    try:
        read_all(box)
        wall, _ = timed_wait(box, timeout=1.2)
        assert 1.1 < wall < 3
        with after(0.3, stop.set):
            wall, _ = timed_wait(box, timeout=30, stop=stop)
        assert wall < 2.5
        assert read_all(box) == 0  # the connection is usable after IDLE
    finally:
        box.close()


def test_a_stopping_server_ends_idle_at_once_without_spinning(
    make_dovecot: Callable[..., DovecotServer],
) -> None:
    server = make_dovecot()
    box = mailbox(server.new_account())
    try:
        read_all(box)
        with after(0.5, server.stop), pytest.raises(MailSourceError, match="IDLE"):
            timed_wait(box, timeout=30)
    finally:
        box.close()
    gc.collect()  # a socket left open would be reported here (ResourceWarning -> error)


def test_a_connection_dropped_without_goodbye_ends_idle_without_spinning(
    make_dovecot: Callable[..., DovecotServer],
) -> None:
    """The server's imap process dies (no BYE): imapclient sees only end-of-file."""
    server = make_dovecot()
    box = mailbox(server.new_account())

    def kill_imap_processes() -> None:
        for pid, name in _instance_processes(_instance_tag(server.root)).items():
            if name == "imap":
                os.kill(pid, signal.SIGKILL)

    cpu = time.process_time()
    started = time.monotonic()
    try:
        read_all(box)
        with after(0.5, kill_imap_processes), pytest.raises(MailSourceError, match="IDLE"):
            box.wait_for_mail(30, threading.Event())
        assert time.monotonic() - started < 5
        assert time.process_time() - cpu < 1.0
    finally:
        box.close()
    gc.collect()
    reconnected = mailbox(server.account(box.settings.username))  # the server itself is still up
    reconnected.close()


def test_without_idle_the_wait_is_a_plain_poll_interval(
    imap_account: ImapAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = mailbox(imap_account)
    try:
        monkeypatch.setattr(box.client, "has_capability", lambda name: name.upper() != "IDLE")
        read_all(box)
        wall, _ = timed_wait(box, timeout=0.6)
        assert 0.5 < wall < 1.5
    finally:
        box.close()


def test_count_waiting_and_a_failed_connect_leave_nothing_open(
    make_dovecot: Callable[..., DovecotServer],
) -> None:
    server = make_dovecot()
    account = server.new_account()
    for n in range(3):
        append(account, make_mail(f"{QUESTION_EN} {n}"))
    box = mailbox(account)
    try:
        assert box.count_waiting() == 3
    finally:
        box.close()
    server.stop()
    with pytest.raises(MailSourceError, match="unreachable"):
        mailbox(account)
    gc.collect()
