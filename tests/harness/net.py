"""Loopback port helpers shared by the harness servers."""

from __future__ import annotations

import socket
import time

LOOPBACK = "127.0.0.1"


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port on ``host`` that nothing listens on right now (bind-tested).

    The port is released before returning, so another process could take it in between; on a test
    machine this window is a few milliseconds and the kernel hands out ephemeral ports round-robin.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
    return port


def accepts_connections(host: str, port: int, timeout: float = 0.5) -> bool:
    """Whether something accepts a TCP connection on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_until_closed(host: str, port: int, timeout: float) -> bool:
    """Wait until ``host:port`` refuses connections; return whether it did within ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not accepts_connections(host, port, timeout=0.2):
            return True
        time.sleep(0.02)
    return False
