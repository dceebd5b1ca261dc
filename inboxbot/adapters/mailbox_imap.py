"""The inbox over IMAP (imapclient): TLS verified by default, UIDVALIDITY tracked, batched fetches.

Reading never changes a mail (``BODY.PEEK[]``). A mail is moved out of the inbox only when the caller
settles it, which it does after the mail's effects are committed; moves are grouped (up to
:data:`MOVE_GROUP` mails, the rest when the caller flushes) and use MOVE when the server has it, else
COPY + ``\\Deleted`` + (UID) EXPUNGE. A full group is moved in a background thread, started right after
the next batch is fetched, so that the server moves while the caller commits that batch; every other
use of the connection waits for it first (one command at a time on the connection).
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import structlog
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from inboxbot.adapters.network import one_line, tls_context
from inboxbot.config import ImapSettings
from inboxbot.service.inbound import Cursor, Destination, Inbound
from inboxbot.service.ports import CursorLookup, MailSourceError

log = structlog.get_logger("inboxbot.imap")

_NETWORK_ERRORS: tuple[type[BaseException], ...] = (OSError, socket.timeout, ssl.SSLError, IMAPClientError)
IDLE_RENEW_SECONDS = 25 * 60  # servers may drop an IDLE after 29 minutes (RFC 2177)
IDLE_TICK_SECONDS = 1.0  # how often a waiting IDLE looks at the stop flag
IDLE_EOF_CHECKS = 3  # instant, empty IDLE checks in a row that mean the server hung up
MOVE_GROUP = 500
"""Settled mails are moved once this many wait, the rest when the caller flushes. Each MOVE makes the
server rewrite the inbox's index, on a Maildir in time that grows with what the inbox still holds:
moving a 5,000-mail backlog a fetch batch at a time cost a quarter of the drain (measured)."""


class ImapMailbox:
    def __init__(
        self, settings: ImapSettings, folders: Mapping[Destination, str], max_message_bytes: int
    ) -> None:
        self.settings = settings
        self.folders = dict(folders)
        self.max_message_bytes = max_message_bytes
        self.name = f"imap:{settings.folder}"
        self._client: IMAPClient | None = None
        self._pending: dict[Destination, list[int]] = {}
        self._mover: _Mover | None = None
        self._read_up_to: int | None = None  # UIDNEXT as of the last read: a higher one means new mail
        self.waiting = 0

    # -- connection -----------------------------------------------------------------------------
    def connect(self) -> ImapMailbox:
        """Log in and create the destination folders; on any failure nothing is left open."""
        if not self.settings.host:
            raise MailSourceError("imap.host is not set (INBOXBOT_IMAP__HOST)")
        try:
            self._open()
        except BaseException:
            self.close()
            raise
        return self

    def _open(self) -> None:
        s = self.settings
        try:
            client = self._login()
            for folder in self.folders.values():
                if not client.folder_exists(folder):
                    client.create_folder(folder)
                    log.info("imap.folder_created", folder=folder)
        except LoginError as exc:
            raise MailSourceError(f"IMAP login to {s.host}:{s.port} refused for the configured user") from exc
        except ssl.SSLCertVerificationError as exc:
            raise MailSourceError(
                f"IMAP server {s.host}:{s.port} failed TLS verification: {exc.verify_message}"
            ) from exc
        except _NETWORK_ERRORS as exc:
            raise MailSourceError(f"IMAP server {s.host}:{s.port} unreachable: {one_line(exc)}") from exc

    def _login(self) -> IMAPClient:
        s = self.settings
        context = tls_context(str(s.ca_file) if s.ca_file else None)
        client = IMAPClient(
            s.host, port=s.port, ssl=s.security == "ssl", ssl_context=context, timeout=s.timeout_seconds
        )
        self._client = client  # from here on close() shuts the socket, whatever fails next
        client.normalise_times = False  # keep INTERNALDATE's own zone; we convert to UTC
        if s.security == "starttls":
            client.starttls(context)
        client.login(s.username, s.password.get_secret_value())
        return client

    @property
    def client(self) -> IMAPClient:
        """The connection, once a group being moved in the background has gone (or failed: raised here)."""
        self._join_mover()
        if self._client is None:
            self.connect()
        assert self._client is not None
        return self._client

    def close(self) -> None:
        """Log out; a connection that is already broken is shut without a word (its socket too)."""
        with contextlib.suppress(MailSourceError):
            self._join_mover()  # a failed move is only logged: the next run moves those mails
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.logout()
        except _NETWORK_ERRORS:
            # imaplib shuts the socket only after a successful LOGOUT: do it here, or it leaks.
            with contextlib.suppress(*_NETWORK_ERRORS):
                client.shutdown()

    def probe(self) -> str:
        """Log in, select the inbox folder and count what waits; raises :class:`MailSourceError`."""
        folder = self.settings.folder
        try:
            info = self.client.select_folder(folder, readonly=True)
        except _NETWORK_ERRORS as exc:
            raise MailSourceError(f"IMAP folder {folder!r} unusable: {one_line(exc)}") from exc
        move = "MOVE" if self.client.has_capability("MOVE") else "no MOVE (COPY + EXPUNGE)"
        s = self.settings
        waiting = int(info.get(b"EXISTS", 0))
        return f"{s.host}:{s.port} ({s.security}), {folder}: {waiting} mail(s) waiting, {move}"

    def count_waiting(self) -> int:
        """How many mails are in the inbox folder now (STATUS, no SELECT); raises :class:`MailSourceError`."""
        folder = self.settings.folder
        try:
            status = self.client.folder_status(folder, ["MESSAGES"])
        except _NETWORK_ERRORS as exc:
            raise MailSourceError(f"IMAP folder {folder!r} unusable: {one_line(exc)}") from exc
        return int(status.get(b"MESSAGES", 0))

    # -- reading --------------------------------------------------------------------------------
    def batches(self, cursor: CursorLookup) -> Iterator[list[Inbound]]:
        folder = self.settings.folder
        try:
            uidvalidity = self._select(folder)
            uids = sorted(self.client.search("ALL"))
        except _NETWORK_ERRORS as exc:
            raise MailSourceError(f"IMAP folder {folder!r} unusable: {one_line(exc)}") from exc
        if uids:
            self._read_up_to = max(self._read_up_to or 0, uids[-1] + 1)
        self.waiting = len(uids)
        self._note_cursor(folder, uidvalidity, uids, cursor(folder))
        size = self.settings.batch_size
        for start in range(0, len(uids), size):
            batch = list(self._fetch_batch(folder, uidvalidity, uids[start : start + size]))
            self._move_full_group_meanwhile()
            yield batch

    def wait_for_mail(self, timeout: float, stop: threading.Event) -> None:
        """IMAP IDLE until the server reports new mail, ``timeout`` passes or ``stop`` is set; a plain
        wait when the server has no IDLE. One IDLE lasts at most :data:`IDLE_RENEW_SECONDS`, so the
        caller's next cycle re-issues it well before the server's 29-minute limit. A server that hangs
        up (BYE, connection closed) raises :class:`MailSourceError` at once."""
        client = self.client
        if not client.has_capability("IDLE"):
            stop.wait(timeout)
            return
        folder = self.settings.folder
        try:
            if self._arrived_since_read(client.select_folder(folder)):
                return  # came in between our SEARCH and now: IDLE would not announce it
            client.idle()
            self._idle(client, time.monotonic() + min(timeout, IDLE_RENEW_SECONDS), stop)
            client.idle_done()
        except _NETWORK_ERRORS as exc:
            raise MailSourceError(f"IMAP IDLE on {folder!r} failed: {one_line(exc)}") from exc

    @staticmethod
    def _idle(client: IMAPClient, deadline: float, stop: threading.Event) -> None:
        """Wait in IDLE for an EXISTS or RECENT response; raise ConnectionError when the server hangs up.

        imapclient's ``idle_check`` swallows end-of-file and returns nothing at once: several such
        instant, empty answers in a row mean the connection is gone (else this would spin)."""
        instant_empty = 0
        while not stop.is_set() and time.monotonic() < deadline:
            started = time.monotonic()
            responses = client.idle_check(timeout=IDLE_TICK_SECONDS)
            if any(_says_bye(response) for response in responses):
                raise ConnectionAbortedError("the server ended the session (BYE)")
            if any(_announces_mail(response) for response in responses):
                return
            quick = not responses and time.monotonic() - started < IDLE_TICK_SECONDS / 4
            instant_empty = instant_empty + 1 if quick else 0
            if instant_empty >= IDLE_EOF_CHECKS:
                raise ConnectionResetError("the server closed the connection")

    def _arrived_since_read(self, selected: Mapping[bytes, Any]) -> bool:
        uid_next = int(selected.get(b"UIDNEXT", 0))
        return self._read_up_to is not None and uid_next > self._read_up_to

    def _select(self, folder: str) -> int:
        info = self.client.select_folder(folder)
        self._read_up_to = int(info.get(b"UIDNEXT", 0)) or None
        return int(info[b"UIDVALIDITY"])

    @staticmethod
    def _note_cursor(folder: str, uidvalidity: int, uids: list[int], stored: tuple[int, int] | None) -> None:
        if stored is None:
            log.info("imap.folder_first_read", folder=folder, waiting=len(uids))
            return
        known_validity, last_uid = stored
        if known_validity != uidvalidity:
            log.warning(
                "imap.uidvalidity_changed",
                folder=folder,
                old=known_validity,
                new=uidvalidity,
                note="every waiting mail is read again; duplicates are recognised by Message-ID",
            )
            return
        leftovers = sum(1 for uid in uids if uid <= last_uid)
        log.info(
            "imap.folder_read",
            folder=folder,
            waiting=len(uids),
            new=len(uids) - leftovers,
            leftovers=leftovers,
        )

    def _fetch_batch(self, folder: str, uidvalidity: int, batch: list[int]) -> Iterator[Inbound]:
        try:
            meta = self.client.fetch(batch, ["RFC822.SIZE", "INTERNALDATE"])
            small = [
                uid
                for uid in batch
                if int(meta.get(uid, {}).get(b"RFC822.SIZE", 0)) <= self.max_message_bytes
            ]
            large = [uid for uid in batch if uid in meta and uid not in small]
            bodies = self.client.fetch(small, ["BODY.PEEK[]"]) if small else {}
            heads = self.client.fetch(large, ["BODY.PEEK[HEADER]"]) if large else {}
        except _NETWORK_ERRORS as exc:
            raise MailSourceError(f"IMAP fetch from {folder!r} failed: {one_line(exc)}") from exc
        for uid in batch:
            if uid not in meta:
                continue  # expunged by someone else meanwhile
            raw, declared = _raw_of(uid, bodies, heads, meta)
            if raw is None:
                continue
            yield Inbound(
                raw=raw,
                received_at=_utc(meta[uid].get(b"INTERNALDATE")),
                source=self.name,
                ref=f"{uidvalidity}:{uid}",
                cursor=Cursor(folder, uidvalidity, uid),
                declared_size=declared,
            )

    # -- settling -------------------------------------------------------------------------------
    def settle(self, inbound: Inbound, destination: Destination) -> None:
        """Buffer the move; a full group (:data:`MOVE_GROUP` mails) is moved after the next fetch."""
        assert inbound.cursor is not None
        self._pending.setdefault(destination, []).append(inbound.cursor.uid)

    def flush(self) -> None:
        """Move every settled mail now (and wait for a group being moved in the background)."""
        client = self.client
        pending, self._pending = self._pending, {}
        for destination, uids in pending.items():
            _move(client, uids, self.folders[destination])

    def _move_full_group_meanwhile(self) -> None:
        if sum(len(uids) for uids in self._pending.values()) < MOVE_GROUP:
            return
        client = self.client  # the previous group is done by now
        pending, self._pending = self._pending, {}
        moves = [(uids, self.folders[destination]) for destination, uids in pending.items()]
        self._mover = _Mover(client, moves)

    def _join_mover(self) -> None:
        mover, self._mover = self._mover, None
        if mover is not None:
            mover.join()


class _Mover:
    """Moves groups of mails on a connection nobody else uses meanwhile; :meth:`join` raises what failed."""

    def __init__(self, client: IMAPClient, moves: list[tuple[list[int], str]]) -> None:
        self._error: MailSourceError | None = None
        self._thread = threading.Thread(
            target=self._run, args=(client, moves), name="inboxbot-imap-move", daemon=True
        )
        self._thread.start()

    def _run(self, client: IMAPClient, moves: list[tuple[list[int], str]]) -> None:
        try:
            for uids, folder in moves:
                _move(client, uids, folder)
        except MailSourceError as exc:
            self._error = exc

    def join(self) -> None:
        self._thread.join()
        if self._error is not None:
            raise self._error


def _move(client: IMAPClient, uids: list[int], folder: str) -> None:
    try:
        if client.has_capability("MOVE"):
            client.move(uids, folder)
        else:
            client.copy(uids, folder)
            client.delete_messages(uids)
            if client.has_capability("UIDPLUS"):
                client.uid_expunge(uids)
            else:
                client.expunge()
    except _NETWORK_ERRORS as exc:
        # Committed already: the next run sees these mails again, recognises them and moves them then.
        raise MailSourceError(
            f"IMAP move of {len(uids)} mail(s) to {folder!r} failed: {one_line(exc)}"
        ) from exc


def _says_bye(response: Any) -> bool:
    return isinstance(response, tuple) and len(response) > 0 and response[0] == b"BYE"


def _announces_mail(response: Any) -> bool:
    """An untagged EXISTS (or RECENT) response during IDLE: something arrived."""
    return isinstance(response, tuple) and len(response) > 1 and response[1] in (b"EXISTS", b"RECENT")


def _raw_of(
    uid: int,
    bodies: dict[int, dict[bytes, Any]],
    heads: dict[int, dict[bytes, Any]],
    meta: dict[int, dict[bytes, Any]],
) -> tuple[bytes | None, int | None]:
    if uid in bodies:
        raw = bodies[uid].get(b"BODY[]")
        return (bytes(raw) if raw is not None else None), None
    if uid in heads:
        raw = heads[uid].get(b"BODY[HEADER]")
        return (bytes(raw) if raw is not None else b""), int(meta[uid].get(b"RFC822.SIZE", 0))
    return None, None


def _utc(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return datetime.now(UTC)
