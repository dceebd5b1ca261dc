"""A recording SMTP server (aiosmtpd) on loopback, for the integration tests.

:class:`SmtpServer` runs aiosmtpd in a background thread on ``127.0.0.1`` and a free port, and keeps
every accepted message as a :class:`ReceivedMessage`. Options:

* ``starttls=True`` offers STARTTLS with a trustme certificate for ``localhost``/``127.0.0.1``
  (``ca_file`` is the CA's PEM); ``require_starttls=True`` refuses everything but EHLO/STARTTLS/QUIT
  before TLS.
* ``auth=(username, password)`` accepts AUTH PLAIN and LOGIN for those credentials.
  ``auth_require_tls`` (default True, as in aiosmtpd) hides AUTH until STARTTLS; set it False to
  allow AUTH on a plaintext connection. ``auth_required=True`` answers ``530`` to MAIL FROM before a
  successful AUTH.
* :meth:`SmtpServer.fail_next` makes the next N transactions fail at MAIL, RCPT or DATA with a chosen
  reply (``451`` temporary, ``550`` permanent, ...); refused attempts are kept in ``rejections``.
* :meth:`SmtpServer.stop` / :meth:`SmtpServer.start` close and reopen the same port ("server down
  for a while"); stop() drops open client connections at once.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import itertools
import logging
import shutil
import ssl
import tempfile
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

from tests.harness.net import LOOPBACK, free_port, wait_until_closed
from tests.harness.tls import LocalCA

Stage = Literal["mail", "rcpt", "data"]


class _DropLoginDataNotice(logging.Filter):
    """aiosmtpd 1.4 logs a deprecation notice of its own on every successful AUTH; drop just that."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Session.login_data is deprecated")


logging.getLogger("mail.log").addFilter(_DropLoginDataNotice())
_FAILURE_ATTR = "_harness_failure"


@dataclass(frozen=True)
class ReceivedMessage:
    """One message accepted by the server."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    content: bytes  # the DATA as received (CRLF line ends, dot-unstuffed)
    message: EmailMessage  # content parsed with email.policy.default
    auth_login: str | None  # the AUTH user name, None without AUTH
    tls: bool  # whether the transaction ran under STARTTLS


@dataclass(frozen=True)
class Rejection:
    """One command refused on purpose by :meth:`SmtpServer.fail_next`."""

    stage: Stage
    reply: str
    mail_from: str | None
    rcpt: str | None


@dataclass
class _Failure:
    stage: Stage
    reply: str
    remaining: int


@dataclass
class _State:
    lock: threading.Condition = field(default_factory=threading.Condition)
    messages: list[ReceivedMessage] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    failures: list[_Failure] = field(default_factory=list)


class _TrackedSMTP(SMTP):
    """aiosmtpd's SMTP protocol, registering itself so stop() can drop live connections."""

    def __init__(self, handler: Any, live: set[_TrackedSMTP], **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self._live = live

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._live.add(self)
        super().connection_made(transport)

    def connection_lost(self, error: Exception | None) -> None:
        self._live.discard(self)
        super().connection_lost(error)

    def abort(self) -> None:
        for transport in (self.transport, self._original_transport):
            if isinstance(transport, asyncio.WriteTransport):
                transport.abort()


class _Controller(Controller):
    def __init__(self, handler: Any, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self._live: set[_TrackedSMTP] = set()

    def factory(self) -> SMTP:
        return _TrackedSMTP(self.handler, self._live, **self.SMTP_kwargs)

    async def _drain(self) -> None:
        if self.server is not None:
            self.server.close()
        for protocol in list(self._live):
            protocol.abort()
        await asyncio.sleep(0)
        current = asyncio.current_task()
        tasks = [task for task in asyncio.all_tasks() if task is not current]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def stop(self, no_assert: bool = False) -> None:
        if self._thread is not None and self.loop.is_running():
            asyncio.run_coroutine_threadsafe(self._drain(), self.loop).result(timeout=10)
        super().stop(no_assert=no_assert)


class _Handler:
    def __init__(self, owner: SmtpServer) -> None:
        self._owner = owner

    async def handle_MAIL(
        self, server: SMTP, session: Any, envelope: Any, address: str, mail_options: list[str]
    ) -> str:
        if self._owner.auth_required and not session.authenticated:
            return "530 5.7.0 Authentication required"
        failure = self._owner._take_failure("mail")
        if failure is not None:
            self._owner._record_rejection("mail", failure, address, None)
            return failure
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        # A transaction refused at its first RCPT stays refused for its other recipients.
        failure: str | None = getattr(envelope, _FAILURE_ATTR, None)
        if failure is None and not envelope.rcpt_tos:
            failure = self._owner._take_failure("rcpt")
            setattr(envelope, _FAILURE_ATTR, failure)
        if failure is not None:
            self._owner._record_rejection("rcpt", failure, envelope.mail_from, address)
            return failure
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Any, envelope: Any) -> str:
        failure = self._owner._take_failure("data")
        if failure is not None:
            self._owner._record_rejection("data", failure, envelope.mail_from, None)
            return failure
        content = envelope.content
        raw = content if isinstance(content, bytes) else str(content).encode()
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        auth_data = session.auth_data
        login = auth_data.login.decode() if isinstance(auth_data, LoginPassword) else None
        self._owner._record(
            ReceivedMessage(
                mail_from=envelope.mail_from,
                rcpt_tos=tuple(envelope.rcpt_tos),
                content=raw,
                message=parsed,
                auth_login=login,
                tls=session.ssl is not None,
            )
        )
        return f"250 2.0.0 OK queued as {self._owner._next_id()}"


class _Authenticator:
    def __init__(self, username: str, password: str) -> None:
        self._credentials = (username.encode(), password.encode())

    def __call__(
        self, server: SMTP, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and (auth_data.login, auth_data.password) == self._credentials
        )
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


class SmtpServer:
    """A recording aiosmtpd server; use as a context manager or call start()/close()."""

    def __init__(
        self,
        *,
        ca: LocalCA | None = None,
        starttls: bool = False,
        require_starttls: bool = False,
        auth: tuple[str, str] | None = None,
        auth_required: bool = False,
        auth_require_tls: bool = True,
        port: int | None = None,
    ) -> None:
        if require_starttls and not starttls:
            raise ValueError("require_starttls needs starttls=True")
        if auth_required and auth is None:
            raise ValueError("auth_required needs auth=(username, password)")
        self.host = LOOPBACK
        self.port = port or 0
        self.starttls = starttls
        self.require_starttls = require_starttls
        self.auth = auth
        self.auth_required = auth_required
        self.auth_require_tls = auth_require_tls
        self._ca = ca or LocalCA()
        self._dir = Path(tempfile.mkdtemp(prefix="ibsmtp"))
        self.ca_file = self._ca.write_ca_file(self._dir / "ca.pem")
        self._state = _State()
        self._ids = itertools.count(1)
        self._controller: _Controller | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> None:
        """Listen (on the same port as before after a stop())."""
        if self._controller is not None:
            return
        if not self.port:
            self.port = free_port(self.host)
        kwargs: dict[str, Any] = {
            "hostname": self.host,
            "port": self.port,
            "server_hostname": "localhost",
            "auth_require_tls": self.auth_require_tls,
        }
        if self.starttls:
            kwargs["tls_context"] = self._ca.server_context()
            kwargs["require_starttls"] = self.require_starttls
        if self.auth is not None:
            kwargs["authenticator"] = _Authenticator(*self.auth)
        controller = _Controller(_Handler(self), **kwargs)
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        """Close the port and drop open connections; messages and settings are kept."""
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()
            wait_until_closed(self.host, self.port, timeout=5)

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)

    # -- what tests use ----------------------------------------------------------------------

    def client_tls_context(self) -> ssl.SSLContext:
        """A client context that trusts this server's certificate (hostname checked)."""
        return ssl.create_default_context(cafile=str(self.ca_file))

    @property
    def messages(self) -> list[ReceivedMessage]:
        with self._state.lock:
            return list(self._state.messages)

    @property
    def rejections(self) -> list[Rejection]:
        with self._state.lock:
            return list(self._state.rejections)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[ReceivedMessage]:
        """Block until at least ``count`` messages arrived; return them all (TimeoutError if not)."""
        deadline = time.monotonic() + timeout
        with self._state.lock:
            while len(self._state.messages) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"expected {count} message(s) within {timeout} s, got "
                        f"{len(self._state.messages)}; rejections: {self._state.rejections}"
                    )
                self._state.lock.wait(remaining)
            return list(self._state.messages)

    def fail_next(self, count: int = 1, *, stage: Stage = "rcpt", code: int = 451, message: str = "") -> None:
        """Refuse the next ``count`` transactions at ``stage`` with ``code`` (4xx/5xx).

        Failures queue up in order: ``fail_next(2, code=451); fail_next(1, code=550)`` refuses two
        transactions temporarily, then one permanently, then accepts again.
        """
        if not 400 <= code <= 599:
            raise ValueError("code must be a 4xx or 5xx SMTP reply code")
        if count < 1:
            raise ValueError("count must be >= 1")
        if not message:
            message = "4.3.0 Try again later (harness)" if code < 500 else "5.7.1 Refused (harness)"
        with self._state.lock:
            self._state.failures.append(_Failure(stage=stage, reply=f"{code} {message}", remaining=count))

    def reset(self) -> None:
        """Forget messages, rejections and pending failures."""
        with self._state.lock:
            self._state.messages.clear()
            self._state.rejections.clear()
            self._state.failures.clear()

    # -- called from the server thread -------------------------------------------------------

    def _take_failure(self, stage: Stage) -> str | None:
        with self._state.lock:
            if not self._state.failures or self._state.failures[0].stage != stage:
                return None
            failure = self._state.failures[0]
            failure.remaining -= 1
            if failure.remaining == 0:
                self._state.failures.pop(0)
            return failure.reply

    def _record_rejection(self, stage: Stage, reply: str, mail_from: str | None, rcpt: str | None) -> None:
        with self._state.lock:
            self._state.rejections.append(Rejection(stage=stage, reply=reply, mail_from=mail_from, rcpt=rcpt))

    def _record(self, message: ReceivedMessage) -> None:
        with self._state.lock:
            self._state.messages.append(message)
            self._state.lock.notify_all()

    def _next_id(self) -> str:
        return f"HARNESS{next(self._ids):06d}"
