"""A local Maildir as the inbox: for development, the demo, and servers that deliver to disk.

New mail is read from ``new/`` and ``cur/``; the delivery time is the file's modification time, as the
standard library's :mod:`mailbox` reads it. Settled mail is renamed (atomically, same file system) into
a Maildir++ sub-folder such as ``.Processed/cur``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

from inboxbot.service.inbound import Destination, Inbound
from inboxbot.service.ports import CursorLookup, MailSourceError

HEADER_PREVIEW_BYTES = 256 * 1024


class MaildirMailbox:
    def __init__(
        self, root: Path, folders: Mapping[Destination, str], max_message_bytes: int, batch_size: int = 100
    ) -> None:
        self.root = root
        self.folders = dict(folders)
        self.max_message_bytes = max_message_bytes
        self.batch_size = batch_size
        self.name = f"maildir:{root}"
        self.waiting = 0

    def batches(self, cursor: CursorLookup) -> Iterator[list[Inbound]]:
        self._ensure_layout(self.root)
        paths = self._waiting()
        self.waiting = len(paths)
        for start in range(0, len(paths), self.batch_size):
            batch = [self._read(path) for path in paths[start : start + self.batch_size]]
            yield [inbound for inbound in batch if inbound is not None]

    def wait_for_mail(self, timeout: float, stop: threading.Event) -> None:
        stop.wait(timeout)  # a Maildir has no push: poll at the configured interval

    def settle(self, inbound: Inbound, destination: Destination) -> None:
        source = self.root / inbound.ref
        folder = self.root / f".{self.folders[destination]}"
        self._ensure_layout(folder)
        name = source.name if ":2," in source.name else f"{source.name}:2,S"
        try:
            os.replace(source, folder / "cur" / name)
        except FileNotFoundError:
            return  # settled already (a rerun after a crash between commit and move)

    def flush(self) -> None:
        return None  # renames are immediate

    def probe(self) -> str:
        """Read-only: a missing folder is reported, not created (``inboxbot check`` changes nothing)."""
        if not (self.root / "new").is_dir():
            raise MailSourceError(f"Maildir {self.root} does not exist (no new/ folder in it)")
        waiting = len(self._waiting())
        return f"Maildir {self.root}: {waiting} mail(s) waiting"

    def close(self) -> None:
        return None

    def _waiting(self) -> list[Path]:
        files: list[tuple[float, str, Path]] = []
        for sub in ("new", "cur"):
            if not (self.root / sub).is_dir():
                continue  # cur/ is created by the first run
            with os.scandir(self.root / sub) as entries:
                for entry in entries:
                    if entry.is_file() and not entry.name.startswith("."):
                        files.append((entry.stat().st_mtime, entry.name, Path(entry.path)))
        return [path for _, _, path in sorted(files)]

    def _read(self, path: Path) -> Inbound | None:
        try:
            stat = path.stat()
            with path.open("rb") as handle:
                limit = HEADER_PREVIEW_BYTES if stat.st_size > self.max_message_bytes else stat.st_size
                raw = handle.read(limit)
        except FileNotFoundError:
            return None  # taken by another reader meanwhile
        return Inbound(
            raw=raw,
            received_at=datetime.fromtimestamp(stat.st_mtime, UTC),
            source=self.name,
            ref=f"{path.parent.name}/{path.name}",
            declared_size=stat.st_size,
        )

    @staticmethod
    def _ensure_layout(folder: Path) -> None:
        try:
            for sub in ("cur", "new", "tmp"):
                (folder / sub).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise MailSourceError(f"Maildir {folder} is not usable: {exc.strerror}") from exc
