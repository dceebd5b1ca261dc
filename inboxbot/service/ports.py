"""The shapes the service layer expects of the outside world: mail sources and transports."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from inboxbot.adapters.db.store import Tx
from inboxbot.service.inbound import Destination, Inbound

CursorLookup = Callable[[str], "tuple[int, int] | None"]
"""folder -> (uidvalidity, last_uid) committed so far, or None."""


class MailSourceError(Exception):
    """The mailbox cannot be reached or used (connection, TLS, login, folder)."""


class MailSource(Protocol):
    name: str
    waiting: int  # how many mails the current (or last) read found in the inbox

    def batches(self, cursor: CursorLookup) -> Iterator[list[Inbound]]:
        """Every mail waiting in the inbox, oldest first, a batch at a time."""
        ...

    def wait_for_mail(self, timeout: float, stop: threading.Event) -> None:
        """Return when new mail may have arrived (IMAP IDLE), after ``timeout``, or once ``stop`` is set."""
        ...

    def settle(self, inbound: Inbound, destination: Destination) -> None:
        """Move ``inbound`` to ``destination``; the source may buffer the move until :meth:`flush`."""
        ...

    def flush(self) -> None:
        """Carry out every buffered move now."""
        ...

    def close(self) -> None: ...

    def probe(self) -> str:
        """Try the mailbox; a one-line description when usable, else :class:`MailSourceError`."""
        ...


@dataclass(frozen=True)
class OutgoingMail:
    id: int
    mail_from: str
    recipient: str
    raw: bytes


class DeliveryStatus(StrEnum):
    SENT = "sent"
    TRANSIENT = "transient"  # try again later (4xx, connection trouble)
    PERMANENT = "permanent"  # give up (5xx)


@dataclass(frozen=True)
class DeliveryResult:
    mail_id: int
    status: DeliveryStatus
    detail: str = ""


class TransportUnavailable(Exception):
    """The transport cannot be reached at all; nothing in the batch was sent."""


class Transport(Protocol):
    name: str

    def deliver(self, mails: list[OutgoingMail]) -> list[DeliveryResult]:
        """Send a batch; one result per mail. Raises :class:`TransportUnavailable` when it cannot connect."""
        ...

    def probe(self) -> str:
        """Try the transport; a one-line description when usable, else :class:`TransportUnavailable`."""
        ...


class BackendError(Exception):
    """A mailing backend could not remove an address; ``permanent`` when retrying cannot help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class SegmentBackend(Protocol):
    """A place where mailing lists live: the built-in database, or an external mailing service
    (Mailchimp, Unisender, SendPulse, listmonk). Adding one means writing this class and naming it
    in ``[unsubscribe] backends``; the pipeline does not change."""

    name: str

    def remove_everywhere(self, address: str, tx: Tx) -> list[str]:
        """Take ``address`` out of every list this backend holds; return the lists it left.

        Must be idempotent (a retry after a crash calls it again). ``tx`` is the transaction that
        records the result; the database backend does its work in it. Raises :class:`BackendError`.
        """
        ...
