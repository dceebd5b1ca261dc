"""The SMTP transport (aiosmtplib): TLS verified by default, AUTH, one connection per batch."""

from __future__ import annotations

import asyncio
import contextlib
import ssl

import aiosmtplib

from inboxbot.adapters.network import one_line, tls_context
from inboxbot.config import SmtpSettings
from inboxbot.service.ports import DeliveryResult, DeliveryStatus, OutgoingMail, TransportUnavailable

_CONNECTION_ERRORS = (
    aiosmtplib.SMTPConnectError,
    aiosmtplib.SMTPConnectTimeoutError,
    aiosmtplib.SMTPServerDisconnected,
    aiosmtplib.SMTPTimeoutError,
    OSError,
    ssl.SSLError,
)


class SmtpTransport:
    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.name = f"smtp:{settings.host}:{settings.port}"

    def deliver(self, mails: list[OutgoingMail]) -> list[DeliveryResult]:
        if not mails:
            return []
        return asyncio.run(self._deliver(mails))

    async def _deliver(self, mails: list[OutgoingMail]) -> list[DeliveryResult]:
        client = await self._connect()
        results: list[DeliveryResult] = []
        try:
            for index, mail in enumerate(mails):
                try:
                    results.append(await self._send(client, mail))
                except _CONNECTION_ERRORS as exc:
                    # The connection dropped: this mail and the rest of the batch go back to the queue.
                    results.extend(
                        DeliveryResult(m.id, DeliveryStatus.TRANSIENT, one_line(exc)) for m in mails[index:]
                    )
                    return results
        finally:
            await _hang_up(client)
        return results

    def probe(self) -> str:
        """Connect, log in and quit; raises :class:`TransportUnavailable` with the reason."""
        asyncio.run(self._probe())
        return f"connected to {self.settings.host}:{self.settings.port} ({self.settings.security})"

    async def _probe(self) -> None:
        await _hang_up(await self._connect())

    async def _connect(self) -> aiosmtplib.SMTP:
        s = self.settings
        if not s.host:
            raise TransportUnavailable("smtp.host is not set (INBOXBOT_SMTP__HOST)")
        context = tls_context(str(s.ca_file) if s.ca_file else None)
        client = aiosmtplib.SMTP(
            hostname=s.host,
            port=s.port,
            use_tls=s.security == "ssl",
            start_tls=s.security == "starttls",
            tls_context=context,
            timeout=s.timeout_seconds,
        )
        try:
            await client.connect()
            if s.username:
                await client.login(s.username, s.password.get_secret_value())
        except aiosmtplib.SMTPAuthenticationError as exc:
            client.close()
            raise TransportUnavailable(
                f"SMTP login to {s.host}:{s.port} refused: {exc.code} {exc.message}"
            ) from exc
        except ssl.SSLCertVerificationError as exc:
            client.close()
            raise TransportUnavailable(
                f"SMTP server {s.host}:{s.port} failed TLS verification: {exc.verify_message}"
            ) from exc
        except (*_CONNECTION_ERRORS, aiosmtplib.SMTPException) as exc:
            client.close()
            raise TransportUnavailable(f"SMTP server {s.host}:{s.port} unreachable: {one_line(exc)}") from exc
        return client

    @staticmethod
    async def _send(client: aiosmtplib.SMTP, mail: OutgoingMail) -> DeliveryResult:
        try:
            await client.sendmail(mail.mail_from, [mail.recipient], mail.raw)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            refusal = exc.recipients[0] if exc.recipients else None
            code = refusal.code if refusal else 550
            return DeliveryResult(
                mail.id, _status(code), f"{code} {refusal.message if refusal else ''}".strip()
            )
        except aiosmtplib.SMTPResponseException as exc:
            if exc.code == 421:
                raise aiosmtplib.SMTPServerDisconnected(exc.message) from exc
            await _reset(client)
            return DeliveryResult(mail.id, _status(exc.code), f"{exc.code} {exc.message}")
        return DeliveryResult(mail.id, DeliveryStatus.SENT)


async def _hang_up(client: aiosmtplib.SMTP) -> None:
    """QUIT, then abort the transport: after STARTTLS a closing TLS transport needs more loop turns
    than ``asyncio.run`` gives it, and its socket would be left for the garbage collector."""
    transport = client.transport
    if client.is_connected:
        try:
            await client.quit()
        except (*_CONNECTION_ERRORS, aiosmtplib.SMTPException):
            client.close()
    if isinstance(transport, asyncio.WriteTransport):
        transport.abort()


async def _reset(client: aiosmtplib.SMTP) -> None:
    with contextlib.suppress(aiosmtplib.SMTPException):
        await client.rset()


def _status(code: int) -> DeliveryStatus:
    return DeliveryStatus.PERMANENT if 500 <= code < 600 else DeliveryStatus.TRANSIENT
