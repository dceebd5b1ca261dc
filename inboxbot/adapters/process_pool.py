"""Parsing and classifying in other processes, so a backlog uses more than one core.

The worker reads and commits one batch while :class:`ProcessPreparer` parses and classifies the next
in a pool of processes (spawned, not forked: the parent may run threads). The pool starts on the
first batch big enough to be worth it, so a cron run that finds two mails starts no process. A pool
that breaks (a process killed) is replaced at the next batch; the batch in hand is prepared here.
Pool processes ignore SIGINT and SIGTERM: the worker's own shutdown closes them once it is done. A
worker that dies without a shutdown (SIGKILL, the OOM killer) takes them with it: each watches its
parent and exits when it is gone, instead of waiting forever for work.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import structlog

from inboxbot.core.mail import ParseLimits
from inboxbot.service.preparation import (
    Classifier,
    InlinePreparer,
    Preparation,
    Prepared,
    Preparer,
    RawMail,
    prepare,
)

log = structlog.get_logger("inboxbot.process_pool")

MIN_BATCH = 8  # fewer mails than this are prepared here: shipping them costs more than it saves


def auto_processes(requested: int) -> int:
    """``requested`` when 0 or more; for -1, one process per core beyond the worker's own (at most 4)."""
    if requested >= 0:
        return requested
    return max(0, min((os.cpu_count() or 1) - 1, 4))


def make_preparer(processes: int, limits: ParseLimits, classify: Classifier) -> Preparer:
    """A pool of ``processes`` when that is more than none and the classifier can be sent to them."""
    inline = InlinePreparer(limits, classify)
    if processes <= 0:
        return inline
    try:
        pickle.dumps(classify)
    except (pickle.PicklingError, AttributeError, TypeError):
        log.info("process_pool.unused", reason="the classifier cannot be sent to another process")
        return inline
    return ProcessPreparer(processes, inline)


class ProcessPreparer:
    def __init__(self, processes: int, inline: InlinePreparer) -> None:
        self.processes = processes
        self.inline = inline
        self._pool: ProcessPoolExecutor | None = None

    def start(self, raws: Sequence[RawMail]) -> Prepared:
        batch = list(raws)
        if len(batch) < MIN_BATCH:
            return self.inline.start(batch)
        pool = self._running_pool()
        share = -(-len(batch) // self.processes)  # ceiling: one share per process
        try:
            futures = [pool.submit(_prepare_share, batch[i : i + share]) for i in range(0, len(batch), share)]
        except BrokenProcessPool:
            self._broken(pool)
            return self.inline.start(batch)
        return lambda: self._gather(pool, futures, batch)

    def _gather(
        self, pool: ProcessPoolExecutor, futures: list[Future[list[Preparation]]], batch: list[RawMail]
    ) -> list[Preparation]:
        try:
            return [preparation for future in futures for preparation in future.result()]
        except BrokenProcessPool:
            self._broken(pool)
            return self.inline.prepare_all(batch)

    def _running_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_process,
                initargs=(self.inline.limits, self.inline.classify),
            )
            log.info("process_pool.started", processes=self.processes)
        return self._pool

    def _broken(self, pool: ProcessPoolExecutor) -> None:
        """Replace ``pool`` at the next batch (once, however many batches it took down with it)."""
        if pool is not self._pool:
            return
        log.warning("process_pool.broken", note="this batch is prepared in the worker; a new pool follows")
        self._pool = None
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


_limits = ParseLimits()
_classify: Classifier | None = None


def _start_process(limits: ParseLimits, classify: Classifier) -> None:
    global _limits, _classify
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _limits, _classify = limits, classify
    threading.Thread(target=_exit_with_parent, name="parent-watch", daemon=True).start()


def _exit_with_parent() -> None:
    """Exit as soon as the worker that started this process is gone, whatever it is doing."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)


def _prepare_share(raws: list[RawMail]) -> list[Preparation]:
    assert _classify is not None, "the pool process was not started by ProcessPreparer"
    return [prepare(raw, size, _limits, _classify) for raw, size in raws]
