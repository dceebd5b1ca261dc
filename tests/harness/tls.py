"""A throwaway certificate authority (trustme) for the loopback test servers.

One :class:`LocalCA` signs the certificates of every server the harness starts (Dovecot's IMAPS and
STARTTLS, aiosmtpd's STARTTLS), so a test verifies any of them with one CA file. The server
certificates are valid for ``localhost`` and ``127.0.0.1``; a client that does not load the CA (the
system trust store only) must fail to verify them.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

import trustme

SERVER_IDENTITIES = ("localhost", "127.0.0.1")


@dataclass(frozen=True)
class ServerCertFiles:
    """PEM files of one server certificate, written by :meth:`LocalCA.write_server_files`."""

    ca_file: Path
    cert_chain_file: Path  # leaf certificate followed by its chain
    key_file: Path


class LocalCA:
    """A certificate authority that exists only for the test run."""

    def __init__(self) -> None:
        self._ca = trustme.CA(organization_name="inboxbot test harness")
        self._leaf = self._ca.issue_cert(*SERVER_IDENTITIES)

    def cert_pem(self) -> bytes:
        return bytes(self._ca.cert_pem.bytes())

    def write_ca_file(self, path: Path) -> Path:
        path.write_bytes(self.cert_pem())
        path.chmod(0o644)
        return path

    def write_server_files(self, directory: Path) -> ServerCertFiles:
        """Write the CA, the server certificate chain and its key (mode 0600) into ``directory``."""
        directory.mkdir(parents=True, exist_ok=True)
        ca_file = self.write_ca_file(directory / "ca.pem")
        chain_file = directory / "server-chain.pem"
        chain_file.write_bytes(b"".join(blob.bytes() for blob in self._leaf.cert_chain_pems))
        key_file = directory / "server-key.pem"
        key_file.touch(mode=0o600)
        key_file.write_bytes(self._leaf.private_key_pem.bytes())
        return ServerCertFiles(ca_file=ca_file, cert_chain_file=chain_file, key_file=key_file)

    def client_context(self) -> ssl.SSLContext:
        """A client context that verifies the harness servers (hostname checked)."""
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
        self._ca.configure_trust(context)
        return context

    def server_context(self) -> ssl.SSLContext:
        """A server-side context presenting the ``localhost``/``127.0.0.1`` certificate."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._leaf.configure_cert(context)
        return context
