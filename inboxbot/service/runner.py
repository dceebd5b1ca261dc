"""``inboxbot run``: the long-running worker, built to run for months without attention.

- One process at a time reads the mailbox (the leader, holding the mailbox lock); it keeps its IMAP
  connection, waits with IDLE (or polls when the server has none), and acknowledges new mail within
  seconds. Other workers retry the lock every few seconds, so a dead leader is replaced quickly.
- Every worker, leader or not, runs the shared sweeps on a schedule: outbox delivery, unsubscribe
  fulfilment, the SLA sweep and staff notices; rows are leased or claimed in the database, never in memory.
- A failure (the IMAP server restarting, DNS or TLS trouble, the database going away) is logged in one
  line and retried with exponential backoff and jitter; nothing that was not committed left the inbox.
- SIGTERM or SIGINT: the batch in hand is finished and its mail moved, connections close, exit 0.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import Any

import structlog
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.exc import DBAPIError

from inboxbot.adapters.db.store import DuplicateError
from inboxbot.adapters.locks import MailboxLock
from inboxbot.adapters.network import one_line
from inboxbot.config import WorkerSettings
from inboxbot.core.backoff import Backoff
from inboxbot.service.ports import MailSource, MailSourceError
from inboxbot.service.worker import Worker

log = structlog.get_logger("inboxbot.runner")

LEADER_RETRY_SECONDS = 15.0
RETENTION_EVERY_SECONDS = 3600.0  # raw mail is kept for days: an hourly purge is on time
RECOVERABLE: tuple[type[BaseException], ...] = (MailSourceError, DBAPIError, DuplicateError, OSError)
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class MailboxLoop:
    """The leader's loop: poll, fulfil, deliver, then wait for new mail; reconnect after failures."""

    def __init__(
        self,
        worker: Worker,
        open_source: Callable[[], MailSource],
        lock: MailboxLock,
        settings: WorkerSettings,
        stop: threading.Event,
    ) -> None:
        self.worker = worker
        self.open_source = open_source
        self.lock = lock
        self.settings = settings
        self.stop = stop
        self.backoff = Backoff(cap=settings.max_backoff_seconds)

    def run(self) -> None:
        waiting_logged = False
        while not self.stop.is_set():
            if not self._try_lead():
                if not waiting_logged:
                    log.info(
                        "mailbox.standby", note="another worker reads the mailbox; taking over if it stops"
                    )
                    waiting_logged = True
                self.stop.wait(LEADER_RETRY_SECONDS)
                continue
            waiting_logged = False
            try:
                self._lead()
            finally:
                self.lock.release()

    def _try_lead(self) -> bool:
        try:
            return self.lock.acquire()
        except RECOVERABLE as exc:
            self._pause(exc)
            return False

    def _lead(self) -> None:
        log.info("mailbox.leading")
        source: MailSource | None = None
        try:
            while not self.stop.is_set():
                try:
                    source = source or self.open_source()
                    self._cycle(source)
                    if not self.lock.held():
                        log.warning("mailbox.lock_lost", note="another worker may take over")
                        return
                    if not self.stop.is_set():
                        source.wait_for_mail(self.settings.poll_interval_seconds, self.stop)
                except RECOVERABLE as exc:
                    _close(source)
                    source = None
                    self._pause(exc)
        finally:
            _close(source)

    def _cycle(self, source: MailSource) -> None:
        self.worker.poll(source, should_stop=self.stop.is_set)
        self._recovered()
        if not self.stop.is_set():
            self.worker.fulfil()
            self.worker.deliver()

    def _recovered(self) -> None:
        if self.backoff.attempts:
            log.info("mailbox.recovered", after_failures=self.backoff.attempts)
        self.backoff.reset()

    def _pause(self, exc: BaseException) -> None:
        delay = self.backoff.next_delay()
        log.error(
            _failure_event(exc),
            error=type(exc).__name__,
            reason=one_line(exc),
            attempt=self.backoff.attempts,
            retry_in=round(delay, 1),
        )
        self.stop.wait(delay)


def _failure_event(exc: BaseException) -> str:
    if isinstance(exc, MailSourceError):
        return "mailbox.unavailable"
    if isinstance(exc, DBAPIError | DuplicateError):
        return "database.unavailable"
    return "network.unavailable"


def _close(source: MailSource | None) -> None:
    if source is not None:
        try:
            source.flush()
        except RECOVERABLE:
            pass  # committed already: the next run recognises these mails and moves them then
        finally:
            source.close()


class GuardedJob:
    """A scheduled sweep that logs a failure in one line and then skips its runs for a backoff delay."""

    def __init__(self, name: str, job: Callable[[], object], cap: float) -> None:
        self.name = name
        self.job = job
        self.backoff = Backoff(cap=cap)
        self.resume_at = datetime.min.replace(tzinfo=UTC)

    def __call__(self) -> None:
        if datetime.now(UTC) < self.resume_at:
            return
        try:
            self.job()  # the job records its own heartbeat
        except Exception as exc:  # a sweep must never take the worker down; it is retried
            delay = self.backoff.next_delay()
            self.resume_at = datetime.now(UTC) + timedelta(seconds=delay)
            log.error(
                f"{self.name}.failed",
                error=type(exc).__name__,
                reason=one_line(exc),
                retry_in=round(delay, 1),
            )
            return
        self.backoff.reset()


def run_forever(
    worker: Worker,
    open_source: Callable[[], MailSource],
    lock: MailboxLock,
    settings: WorkerSettings,
    stop: threading.Event | None = None,
) -> None:
    """Run until SIGTERM or SIGINT, or until ``stop`` is set by the caller; then return normally."""
    stop = stop or threading.Event()
    worker.stopping = stop  # a delivery in hand stops between batches
    with StopSignals(stop):
        scheduler = _scheduler(worker, settings)
        scheduler.start()
        log.info(
            "worker.started",
            poll_every=settings.poll_interval_seconds,
            deliver_every=settings.outbox_interval_seconds,
            sla_every=settings.sla_interval_seconds,
        )
        try:
            MailboxLoop(worker, open_source, lock, settings, stop).run()
        finally:
            stop.set()
            scheduler.shutdown(wait=True)  # a sweep in hand finishes; none starts
            log.info("worker.stopped")


def _scheduler(worker: Worker, settings: WorkerSettings) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=UTC)
    jobs = {
        "deliver": (worker.deliver, settings.outbox_interval_seconds),
        "fulfil": (worker.fulfil, settings.poll_interval_seconds),
        "sla": (worker.sweep_sla, settings.sla_interval_seconds),
        "notify": (worker.notify, settings.sla_interval_seconds),
        "retention": (worker.sweep_retention, RETENTION_EVERY_SECONDS),
    }
    for name, (job, every) in jobs.items():
        scheduler.add_job(
            GuardedJob(name, job, settings.max_backoff_seconds),
            "interval",
            seconds=every,
            id=name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            next_run_time=datetime.now(UTC),
        )
    return scheduler


class StopSignals:
    """SIGTERM and SIGINT set ``stop`` (main thread only; elsewhere the caller sets it); a second one
    ends the process at once, as if there were no handler (Ctrl-C twice: no waiting for the batch).

    The handler only sets flags: it runs between two bytecodes of the main thread, which may be in the
    middle of writing a log line and holding the logger's lock, so it must not log itself. A watcher
    thread writes the ``worker.stopping`` line instead. The previous handlers come back on exit.
    """

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self.received: list[str] = []
        self._previous: dict[signal.Signals, Any] = {}
        self._watcher = threading.Thread(target=self._announce, name="inboxbot-stop-watcher", daemon=True)

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is threading.main_thread():
            for sig in STOP_SIGNALS:
                self._previous[sig] = signal.signal(sig, self._handle)
        self._watcher.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self.stop.set()
        self._watcher.join()

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        if self.received:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        self.received.append(signal.Signals(signum).name)
        self.stop.set()

    def _announce(self) -> None:
        self.stop.wait()
        if self.received:
            log.info("worker.stopping", signal=self.received[0])
