"""A progress bar for a backlog drained from a terminal; log lines when nobody watches."""

from __future__ import annotations

import sys
from collections.abc import Callable

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from inboxbot.service.worker import LogProgress
from inboxbot.service.worker import Progress as ProgressPort

BAR_FROM = 200  # fewer waiting mails than this are not worth a bar


class RichProgress:
    def __init__(self) -> None:
        self.bar: Progress | None = None
        self.task = TaskID(0)

    def advance(self, done: int, waiting: int) -> None:
        if self.bar is None:
            if waiting < BAR_FROM:
                return
            columns = (TextColumn("mail"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
            self.bar = Progress(*columns, console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("mail", total=waiting)
        self.bar.update(self.task, completed=done, total=waiting)

    def finish(self, done: int) -> None:
        if self.bar is not None:
            self.bar.stop()


def terminal_progress() -> Callable[[], ProgressPort]:
    """A bar on a terminal (stderr), periodic log lines otherwise (cron, a service, a pipe)."""
    return RichProgress if sys.stderr.isatty() else LogProgress
