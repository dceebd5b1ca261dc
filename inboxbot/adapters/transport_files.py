"""The ``files:`` transport: each outgoing mail becomes an ``.eml`` file (development and the demo)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from inboxbot.service.ports import DeliveryResult, DeliveryStatus, OutgoingMail, TransportUnavailable


class FileTransport:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.name = f"files:{directory}"

    def deliver(self, mails: list[OutgoingMail]) -> list[DeliveryResult]:
        """Write each mail into place, then make the whole batch durable at once, before any of it is
        recorded as sent: one sync per batch instead of one per file, which on a journalling
        filesystem costs a journal commit each (a millisecond per mail while draining a backlog)."""
        self._ensure_directory()
        results = [self._write(mail) for mail in mails]
        os.sync()
        return results

    def probe(self) -> str:
        """Read-only: whether the folder (or, while it does not exist yet, its parent) is writable."""
        existing = next(p for p in (self.directory, *self.directory.absolute().parents) if p.exists())
        if not existing.is_dir() or not os.access(existing, os.W_OK):
            raise TransportUnavailable(f"outbox directory {self.directory} is not writable")
        created = "" if existing == self.directory else " (created on first delivery)"
        return f"writing .eml files to {self.directory}{created}"

    def _ensure_directory(self) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TransportUnavailable(
                f"outbox directory {self.directory} is unusable: {exc.strerror}"
            ) from exc
        if not os.access(self.directory, os.W_OK):
            raise TransportUnavailable(f"outbox directory {self.directory} is not writable")

    def _write(self, mail: OutgoingMail) -> DeliveryResult:
        # One file name per outbox row: delivering the same row again overwrites, never duplicates.
        target = self.directory / f"{mail.id:08d}.eml"
        try:
            fd, temp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".eml")
            with os.fdopen(fd, "wb") as handle:
                handle.write(mail.raw)
            os.replace(temp, target)
        except OSError as exc:
            return DeliveryResult(mail.id, DeliveryStatus.TRANSIENT, f"cannot write {target}: {exc.strerror}")
        return DeliveryResult(mail.id, DeliveryStatus.SENT, str(target))
