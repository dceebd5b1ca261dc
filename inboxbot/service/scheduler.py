"""``inboxbot run``: APScheduler starts the periodic jobs; the work itself lives in the database.

Each job only triggers a sweep that is safe to run twice (polling dedupes, delivery leases rows), so a
job that overlaps itself is coalesced, and one that was missed while the process slept simply runs late.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from types import FrameType

import structlog
from apscheduler.schedulers.blocking import BlockingScheduler

from inboxbot.bootstrap import App

log = structlog.get_logger("inboxbot.scheduler")


def run_forever(app: App) -> None:
    scheduler = BlockingScheduler(timezone=UTC)
    settings = app.settings.worker
    worker = app.worker
    _every(scheduler, "poll", settings.poll_interval_seconds, worker.poll_and_fulfil)
    _every(scheduler, "sla", settings.sla_interval_seconds, worker.sweep_sla)
    _every(scheduler, "deliver", settings.outbox_interval_seconds, worker.deliver)
    _stop_on_signals(scheduler)
    log.info(
        "worker.started",
        poll_every=settings.poll_interval_seconds,
        deliver_every=settings.outbox_interval_seconds,
    )
    scheduler.start()
    log.info("worker.stopped")


def _every(scheduler: BlockingScheduler, name: str, seconds: float, job: Callable[[], object]) -> None:
    scheduler.add_job(
        _guarded(name, job),
        "interval",
        seconds=seconds,
        id=name,
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
        misfire_grace_time=None,
    )


def _guarded(name: str, job: Callable[[], object]) -> Callable[[], None]:
    """A failing cycle is logged in one line and retried at the next tick; the worker stays up."""

    def run() -> None:
        try:
            job()
        except Exception as exc:
            log.error(
                f"{name}.failed",
                error=type(exc).__name__,
                reason=str(exc).splitlines()[0][:200] if str(exc) else "",
            )

    return run


def _stop_on_signals(scheduler: BlockingScheduler) -> None:
    if threading.current_thread() is not threading.main_thread():
        return

    def stop(signum: int, _frame: FrameType | None) -> None:
        log.info("worker.stopping", signal=signal.Signals(signum).name)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
