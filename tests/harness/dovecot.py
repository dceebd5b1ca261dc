"""A throwaway Dovecot IMAP server on loopback, for the integration tests.

:class:`DovecotServer` writes its own ``dovecot.conf`` into a fresh directory ``/tmp/ibdcXXXXXXXX``
(short, so the unix sockets under ``base_dir`` stay far below the 108-byte limit), starts
``dovecot -c CONF`` as a daemon, and on :meth:`DovecotServer.close` kills the master and removes the
directory. Nothing of the system's Dovecot (``/etc/dovecot``, ``/run/dovecot``) is read or touched.

Settings chosen (Dovecot 2.3):

* Listens on 127.0.0.1 only: a plaintext port (``port``; STARTTLS offered, not required; LOGIN and
  AUTH=PLAIN/LOGIN allowed without TLS) and an implicit-TLS port (``ssl_port``). Both present a
  certificate for ``localhost``/``127.0.0.1`` signed by a trustme CA; ``ca_file`` is its PEM.
* Users live in one passwd-file per user (``users/<name>.passwd``, password stored as
  ``{PLAIN.B64}``, so ``:`` and the like are fine; keep passwords ASCII, which is all imapclient's
  LOGIN sends). User names: lowercase letters, digits and ``._+@-`` (Dovecot lowercases logins).
  One file per user because Dovecot re-reads a changed passwd-file at most once a second: a user
  added to a shared file right after another login could be refused; a new file is read at once.
* Mail runs as Debian's ``mail`` user (uid/gid 8; Dovecot refuses uid 0): Maildir under
  ``mail/<name>/Maildir``. Login processes run as ``dovenull``, internal ones as ``dovecot``.
* Folder layout: ``maildir:~/Maildir:LAYOUT=fs`` with hierarchy separator ``/`` (the default
  ``layout="fs"``): a folder "Processed" is the directory ``Maildir/Processed``, "Support/Done" is
  ``Maildir/Support/Done``. ``layout="maildir++"`` gives classic Maildir++ (``Maildir/.Processed``)
  with separator ``.``, for a test that wants to prove the worker does not hard-code ``/``. Code
  under test should ask the server (LIST/NAMESPACE) for the separator, not assume one.
* IDLE: Dovecot watches the Maildir with inotify and tells an IDLEing client about 0.5 s after a
  change; ``mailbox_idle_check_interval = 1 secs`` is the fallback poll if inotify is unavailable.
* MOVE is advertised by default. ``DovecotServer(move=False)`` replaces ``imap_capability`` with the
  server's own post-login list minus ``MOVE`` (measured at the first start), before and after login.
  Dovecot 2.3 still *executes* a MOVE sent anyway, so a test of the COPY + \\Deleted + EXPUNGE
  fallback should also check :meth:`DovecotServer.imap_commands` for the absence of MOVE: every
  command a user sends is logged (``log_debug = event=imap_command_finished``).
* Speed for tests: no anvil auth penalty (a failed login would otherwise slow every later login from
  127.0.0.1 by up to 15 s); a failed login still answers after about 0.5 s (Dovecot's failure flush
  timer). ``mail_fsync = never``, ``mail_max_userip_connections = 100``.

:meth:`DovecotServer.stop` behaves like a real shutdown: the master and the imap processes serving
clients get SIGTERM, so a connected client sees its connection closed; the ports then refuse
connections until :meth:`DovecotServer.start` (same ports, same mail). Start takes ~50 ms, stop
~0.1 s. If a test run dies without cleaning up, the next :class:`DovecotServer` stops the servers
whose owning process is gone and removes their directories.
"""

from __future__ import annotations

import base64
import contextlib
import grp
import os
import pwd
import re
import secrets
import shutil
import signal
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

from imapclient import IMAPClient

from tests.harness.net import LOOPBACK, accepts_connections, free_port, wait_until_closed
from tests.harness.tls import LocalCA

DOVECOT_BIN = shutil.which("dovecot") or "/usr/sbin/dovecot"
DH_PARAMS = Path("/usr/share/dovecot/dh.pem")
MAIL_USER = "mail"
ROOT_PREFIX = "ibdc"  # /tmp/ibdcXXXXXXXX: short paths, recognisable leftovers
OWNER_FILE = "owner.pid"
PROBE_USER = "harness-probe"
INSTANCE_PREFIX = "inboxbot-test-"  # process titles: dovecot-inboxbot-test-ibdcXXXXXXXX/imap
INSTALL_HINT = "run scripts/install-system-deps.sh (as root) to install dovecot-imapd"

# Dovecot lowercases login names (auth_username_format = %Lu); names also become file names.
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._+@-]{0,63}$")

Security = Literal["plain", "starttls", "ssl"]
Layout = Literal["fs", "maildir++"]


class DovecotError(RuntimeError):
    """Dovecot could not be started or stopped; the message carries the tail of its log."""


@dataclass(frozen=True)
class ImapAccount:
    """One mailbox user on a :class:`DovecotServer`."""

    host: str
    port: int  # plaintext IMAP, STARTTLS available
    ssl_port: int  # implicit TLS (IMAPS)
    username: str
    password: str
    ca_file: Path  # PEM of the CA that signed the server certificate
    maildir_path: Path  # the user's Maildir (INBOX); created by Dovecot at first login
    separator: str = "/"  # IMAP hierarchy separator of the personal namespace

    def ssl_context(self) -> ssl.SSLContext:
        """A client context that trusts only this server's CA (hostname checked)."""
        return ssl.create_default_context(cafile=str(self.ca_file))


@dataclass(frozen=True)
class StoredMessage:
    """One message as Dovecot stores it (see :func:`fetch_messages`)."""

    uid: int
    raw: bytes
    flags: tuple[bytes, ...]
    internaldate: datetime  # timezone-aware


def dovecot_available() -> str | None:
    """None when Dovecot can be run here, else the reason it cannot."""
    if not Path(DOVECOT_BIN).exists():
        return f"{DOVECOT_BIN} not found: {INSTALL_HINT}"
    if os.geteuid() != 0:
        return "the Dovecot harness must run as root (it runs mail processes as the 'mail' user)"
    for user in (MAIL_USER, "dovenull", "dovecot"):
        try:
            pwd.getpwnam(user)
        except KeyError:
            return f"system user {user!r} is missing: {INSTALL_HINT}"
    return None


class DovecotServer:
    """A private Dovecot instance; use as a context manager or call start()/close()."""

    def __init__(
        self,
        *,
        ca: LocalCA | None = None,
        move: bool = True,
        layout: Layout = "fs",
        startup_timeout: float = 15.0,
    ) -> None:
        self.host = LOOPBACK
        self.move = move
        self.layout: Layout = layout
        self.separator = "/" if layout == "fs" else "."
        self.startup_timeout = startup_timeout
        self._ca = ca or LocalCA()
        self._lock = threading.Lock()
        self._users: dict[str, str] = {}
        self._capability_override: str | None = None
        self._running = False
        self._closed = False
        self.port = 0
        self.ssl_port = 0

        _reap_orphans()
        self.root = Path(tempfile.mkdtemp(prefix=ROOT_PREFIX, dir="/tmp"))
        try:
            self._prepare_root()
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise

    # -- paths -------------------------------------------------------------------------------

    @property
    def config_path(self) -> Path:
        return self.root / "dovecot.conf"

    @property
    def log_path(self) -> Path:
        return self.root / "dovecot.log"

    @property
    def base_dir(self) -> Path:
        return self.root / "run"

    @property
    def ca_file(self) -> Path:
        return self.root / "tls" / "ca.pem"

    @property
    def running(self) -> bool:
        return self._running

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def imap_commands(self, username: str, *, wait_for: str | None = None, timeout: float = 2.0) -> list[str]:
        """The IMAP commands ``username`` sent after login, in order, as Dovecot logged them.

        Lines look like ``UID MOVE 1 "Processed"`` or ``APPEND "INBOX" () <17 byte literal>``
        (literals are not logged). The log process writes a moment after the command finished:
        ``wait_for="LOGOUT"`` polls until a command starting with that text is there (TimeoutError
        after ``timeout`` seconds).
        """
        marker = f"imap({username})<"
        deadline = time.monotonic() + timeout
        while True:
            commands = [
                line.split(": Debug: Command finished: ", 1)[1].rstrip()
                for line in self.log_text().splitlines()
                if marker in line and ": Debug: Command finished: " in line
            ]
            if wait_for is None or any(c.upper().startswith(wait_for.upper()) for c in commands):
                return commands
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {wait_for!r} command of {username} in {self.log_path}: {commands}")
            time.sleep(0.02)

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def start(self) -> None:
        """Start the daemon (ports are chosen at the first start and kept for later ones)."""
        if self._closed:
            raise DovecotError("this DovecotServer was closed")
        if self._running:
            return
        reason = dovecot_available()
        if reason is not None:
            raise DovecotError(reason)
        if not self.port:
            self.port = free_port(self.host)
            self.ssl_port = free_port(self.host)
            while self.ssl_port == self.port:
                self.ssl_port = free_port(self.host)
        self._write_config()
        self._launch()
        try:
            self._wait_ready()
            if not self.move and self._capability_override is None:
                self._disable_move()
        except BaseException:
            self._kill_master()
            raise

    def stop(self) -> None:
        """Stop the daemon, keeping the mail, the users and the ports for a later start()."""
        if not self._running:
            return
        self._kill_master()
        self._running = False
        for port in (self.port, self.ssl_port):
            if not wait_until_closed(self.host, port, timeout=10):
                raise DovecotError(f"Dovecot still accepts connections on port {port} after stop")

    def restart(self) -> None:
        """stop() then start() on the same ports with the same mail data."""
        self.stop()
        self.start()

    def close(self) -> None:
        """Stop the daemon and remove its directory (mail included)."""
        if self._closed:
            return
        try:
            if self._running:
                self.stop()
            else:
                self._kill_master()
        finally:
            self._closed = True
            shutil.rmtree(self.root, ignore_errors=True)

    # -- users -------------------------------------------------------------------------------

    def add_user(self, name: str, password: str) -> ImapAccount:
        """Create a mailbox user; usable at once, also while the server runs."""
        if not _USERNAME.fullmatch(name):
            raise ValueError(f"user name {name!r} must match {_USERNAME.pattern} (Dovecot lowercases logins)")
        if "\n" in password or "\r" in password or not password:
            raise ValueError("password must be non-empty and have no line breaks")
        with self._lock:
            if name in self._users:
                raise ValueError(f"user {name!r} already exists")
            mail_pw = pwd.getpwnam(MAIL_USER)
            home = self.root / "mail" / name
            home.mkdir(mode=0o700)
            os.chown(home, mail_pw.pw_uid, mail_pw.pw_gid)
            encoded = base64.b64encode(password.encode()).decode("ascii")
            line = f"{name}:{{PLAIN.B64}}{encoded}:{mail_pw.pw_uid}:{mail_pw.pw_gid}::{home}::\n"
            user_file = self.root / "users" / f"{name}.passwd"
            tmp = user_file.with_suffix(".tmp")
            tmp.write_text(line)
            _make_readable_by_dovecot(tmp)
            tmp.replace(user_file)
            self._users[name] = password
        return self.account(name)

    def new_account(self, prefix: str = "user") -> ImapAccount:
        """A user with a unique name and a random password."""
        name = f"{prefix}-{secrets.token_hex(4)}"
        return self.add_user(name, secrets.token_urlsafe(12))

    def account(self, name: str) -> ImapAccount:
        if name not in self._users:
            raise KeyError(name)
        return ImapAccount(
            host=self.host,
            port=self.port,
            ssl_port=self.ssl_port,
            username=name,
            password=self._users[name],
            ca_file=self.ca_file,
            maildir_path=self.root / "mail" / name / "Maildir",
            separator=self.separator,
        )

    # -- internals ---------------------------------------------------------------------------

    def _prepare_root(self) -> None:
        self.root.chmod(0o755)  # the mail and dovecot users must traverse it
        (self.root / OWNER_FILE).write_text(f"{os.getpid()}\n")
        (self.root / "state").mkdir(mode=0o755)
        users = self.root / "users"
        users.mkdir(mode=0o750)
        _make_readable_by_dovecot(users)
        mail = self.root / "mail"
        mail.mkdir(mode=0o755)
        self._ca.write_server_files(self.root / "tls")
        self.add_user(PROBE_USER, secrets.token_urlsafe(12))

    def _write_config(self) -> None:
        root = self.root
        mail_pw = pwd.getpwnam(MAIL_USER)
        location = "maildir:~/Maildir:LAYOUT=fs" if self.layout == "fs" else "maildir:~/Maildir"
        capability = ""
        if self._capability_override is not None:
            capability = f"  imap_capability = {self._capability_override}\n"
        dh = f"ssl_dh = <{DH_PARAMS}\n" if DH_PARAMS.exists() else ""
        config = f"""\
# Written by tests/harness/dovecot.py for one test run; not a production configuration.
instance_name = {INSTANCE_PREFIX}{root.name}
base_dir = {self.base_dir}
state_dir = {root}/state
log_path = {self.log_path}
# One debug line per IMAP command ("imap(user)<..>: Debug: Command finished: UID MOVE 1 ..."),
# read back by DovecotServer.imap_commands(). LOGIN/AUTHENTICATE happen before the imap
# process exists, so credentials are never in it.
log_debug = event=imap_command_finished
protocols = imap
listen = {self.host}
shutdown_clients = yes
default_login_user = dovenull
default_internal_user = dovecot
default_internal_group = dovecot

ssl = yes
ssl_cert = <{root}/tls/server-chain.pem
ssl_key = <{root}/tls/server-key.pem
ssl_min_protocol = TLSv1.2
{dh}
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
auth_cache_size = 0
auth_verbose = yes

passdb {{
  driver = passwd-file
  args = scheme=PLAIN.B64 {root}/users/%u.passwd
}}
userdb {{
  driver = passwd-file
  args = {root}/users/%u.passwd
}}

mail_location = {location}
mail_uid = {mail_pw.pw_uid}
mail_gid = {mail_pw.pw_gid}
first_valid_uid = {mail_pw.pw_uid}
first_valid_gid = {mail_pw.pw_gid}
mail_fsync = never
mailbox_idle_check_interval = 1 secs

namespace inbox {{
  inbox = yes
  prefix =
  separator = {self.separator}
}}

service imap-login {{
  inet_listener imap {{
    address = {self.host}
    port = {self.port}
  }}
  inet_listener imaps {{
    address = {self.host}
    port = {self.ssl_port}
    ssl = yes
  }}
}}

# mode 0 removes the listener: the auth process then finds no anvil penalty socket and skips the
# exponential delay (up to 15 s) that Dovecot adds after failed logins from one IP.
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}

service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}

protocol imap {{
  mail_max_userip_connections = 100
{capability}}}
"""
        self.config_path.write_text(config)

    def _launch(self) -> None:
        startup_log = self.root / "startup.log"
        with startup_log.open("wb") as out:
            proc = subprocess.run(
                [DOVECOT_BIN, "-c", str(self.config_path)],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=30,
                check=False,
            )
        if proc.returncode != 0:
            raise DovecotError(
                f"dovecot -c {self.config_path} exited with {proc.returncode}:\n"
                f"{startup_log.read_text(errors='replace')}\n{self._log_tail()}"
            )
        self._running = True

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        last_error: BaseException | None = None
        while time.monotonic() < deadline:
            pid = self._master_pid()
            if pid is not None and not _pid_alive(pid):
                raise DovecotError(f"Dovecot master (pid {pid}) died during start.\n{self._log_tail()}")
            if accepts_connections(self.host, self.ssl_port, timeout=0.5):
                try:
                    with imap_session(self.account(PROBE_USER), timeout=2):
                        return
                except Exception as exc:  # retried until the deadline
                    last_error = exc
            time.sleep(0.05)
        raise DovecotError(
            f"Dovecot did not accept an IMAP LOGIN on {self.host}:{self.port} within "
            f"{self.startup_timeout:.0f} s (last error: {last_error!r}).\n{self._log_tail()}"
        )

    def _disable_move(self) -> None:
        with imap_session(self.account(PROBE_USER), timeout=5) as client:
            caps = [c.decode() for c in client.capabilities()]
        self._capability_override = " ".join(c for c in caps if c.upper() != "MOVE")
        self._kill_master()
        self._running = False
        self._write_config()
        self._launch()
        self._wait_ready()
        with imap_session(self.account(PROBE_USER), timeout=5) as client:
            if b"MOVE" in client.capabilities():
                raise DovecotError("imap_capability override did not remove MOVE")

    def _master_pid(self) -> int | None:
        return _read_pid(self.base_dir / "master.pid")

    def _kill_master(self) -> None:
        _stop_instance(self._master_pid(), _instance_tag(self.root))
        with contextlib.suppress(FileNotFoundError):
            (self.base_dir / "master.pid").unlink()

    def _log_tail(self, lines: int = 40) -> str:
        text = self.log_text().splitlines()[-lines:]
        return f"--- {self.log_path} (last {len(text)} lines) ---\n" + "\n".join(text)


# -- IMAP helpers (imapclient) -----------------------------------------------------------------


@contextlib.contextmanager
def imap_session(
    account: ImapAccount,
    *,
    security: Security = "plain",
    ssl_context: ssl.SSLContext | None = None,
    login: bool = True,
    timeout: float = 10.0,
) -> Iterator[Any]:
    """A connected (and by default logged-in) ``IMAPClient``; logged out and closed on exit.

    ``security``: "plain" (port, no TLS), "starttls" (port, then STARTTLS) or "ssl" (ssl_port).
    ``ssl_context`` defaults to one that trusts ``account.ca_file``.
    """
    context = ssl_context or account.ssl_context()
    if security == "ssl":
        client = IMAPClient(account.host, account.ssl_port, ssl=True, ssl_context=context, timeout=timeout)
    else:
        client = IMAPClient(account.host, account.port, ssl=False, timeout=timeout)
    try:
        if security == "starttls":
            client.starttls(context)
        if login:
            client.login(account.username, account.password)
        yield client
    finally:
        _close_client(client, logged_in=login)


def _close_client(client: Any, *, logged_in: bool) -> None:
    try:
        if logged_in:
            client.logout()
        else:
            client.shutdown()
    except Exception:  # the connection may already be gone (server stopped)
        with contextlib.suppress(Exception):
            client.shutdown()


def append(
    account: ImapAccount,
    raw: bytes,
    *,
    folder: str = "INBOX",
    internaldate: datetime | None = None,
    flags: Iterable[str | bytes] = (),
    create_folder: bool = True,
) -> int:
    """APPEND ``raw`` to ``folder`` and return its UID (from UIDPLUS' APPENDUID).

    ``internaldate`` must be timezone-aware (it becomes the message's INTERNALDATE); None means now.
    The folder is created first if it does not exist, unless ``create_folder`` is False.
    """
    if internaldate is not None and internaldate.utcoffset() is None:
        raise ValueError("internaldate must be timezone-aware")
    with imap_session(account) as client:
        if create_folder and not client.folder_exists(folder):
            client.create_folder(folder)
        response = client.append(folder, raw, flags=tuple(flags), msg_time=internaldate)
    text = response.decode(errors="replace") if isinstance(response, bytes) else str(response)
    match = re.search(r"APPENDUID \d+ (\d+)", text)
    if match is None:
        raise AssertionError(f"APPEND response without APPENDUID: {text!r}")
    return int(match.group(1))


def fetch_messages(account: ImapAccount, folder: str = "INBOX") -> list[StoredMessage]:
    """Every message in ``folder`` in UID order, read with BODY.PEEK[] (flags are not changed)."""
    with imap_session(account) as client:
        client.normalise_times = False
        client.select_folder(folder, readonly=True)
        uids = sorted(client.search("ALL"))
        if not uids:
            return []
        data = client.fetch(uids, ["BODY.PEEK[]", "FLAGS", "INTERNALDATE"])
    return [
        StoredMessage(
            uid=uid,
            raw=bytes(data[uid][b"BODY[]"]),
            flags=tuple(data[uid][b"FLAGS"]),
            internaldate=data[uid][b"INTERNALDATE"],
        )
        for uid in uids
    ]


def fetch_all(account: ImapAccount, folder: str = "INBOX") -> list[bytes]:
    """The raw bytes of every message in ``folder``, in UID order."""
    return [message.raw for message in fetch_messages(account, folder)]


def list_uids(account: ImapAccount, folder: str = "INBOX") -> list[int]:
    with imap_session(account) as client:
        client.select_folder(folder, readonly=True)
        return sorted(int(uid) for uid in client.search("ALL"))


def folder_exists(account: ImapAccount, folder: str) -> bool:
    with imap_session(account) as client:
        return bool(client.folder_exists(folder))


def create_folder(account: ImapAccount, folder: str) -> None:
    with imap_session(account) as client:
        client.create_folder(folder)


def list_folders(account: ImapAccount) -> list[str]:
    with imap_session(account) as client:
        return sorted(str(name) for _flags, _delim, name in client.list_folders())


# -- processes and leftovers -------------------------------------------------------------------


def _make_readable_by_dovecot(path: Path) -> None:
    """Group-readable by Dovecot's internal group (the auth process reads the passwd-files)."""
    gid = grp.getgrnam("dovecot").gr_gid
    os.chown(path, 0, gid)
    path.chmod(0o750 if path.is_dir() else 0o640)


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return None


def _pid_alive(pid: int) -> bool:
    """Alive and not a zombie (a daemon's parent may never reap it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    state = stat.rsplit(")", 1)[1].split()[0]
    return state not in {"Z", "X"}


def _is_dovecot(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip() == "dovecot"
    except (FileNotFoundError, ProcessLookupError):
        return False


def _instance_tag(root: Path) -> bytes:
    """How the process titles of the instance living in ``root`` begin."""
    return f"dovecot-{INSTANCE_PREFIX}{root.name}/".encode()


def _instance_processes(tag: bytes) -> dict[int, str]:
    """Live processes of one Dovecot instance, the master excluded: {pid: service name}."""
    found: dict[int, str] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        if cmdline.startswith(tag) and _pid_alive(int(proc.name)):
            found[int(proc.name)] = cmdline[len(tag) :].split(b"\0", 1)[0].decode(errors="replace")
    return found


def _signal_all(pids: Iterable[int], sig: signal.Signals) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def _stop_instance(master: int | None, tag: bytes, timeout: float = 10.0) -> None:
    """Stop a Dovecot instance and every process of it, within about 0.1 s.

    The master gets SIGTERM and so do the imap processes serving clients (shutdown_clients): a
    client sees its connection closed, as when a real server stops. Once only the log process is
    left, it gets SIGTERM too (it writes its last lines first), and the master, which would still
    sleep a second with nothing left to do, gets SIGKILL. Processes that outlive the master get
    SIGTERM, then SIGKILL.
    """
    if master is not None and not (_pid_alive(master) and _is_dovecot(master)):
        master = None
    if master is not None:
        _signal_all([master], signal.SIGTERM)
    _signal_all((pid for pid, name in _instance_processes(tag).items() if name == "imap"), signal.SIGTERM)
    started = time.monotonic()
    log_stopped_at: float | None = None
    orphans_termed_at: float | None = None
    while True:
        time.sleep(0.01)
        now = time.monotonic()
        master_alive = master is not None and _pid_alive(master)
        procs = _instance_processes(tag)
        if not master_alive and not procs:
            return
        if now - started > timeout:
            _signal_all([*procs, *([master] if master_alive and master else [])], signal.SIGKILL)
            if now - started > timeout + 5:
                raise DovecotError(f"Dovecot processes did not exit: master={master} others={procs}")
            continue
        if master_alive:
            if log_stopped_at is None and set(procs.values()) <= {"log"}:
                _signal_all(procs, signal.SIGTERM)
                log_stopped_at = now
            elif log_stopped_at is not None and not procs and now - log_stopped_at > 0.05:
                _signal_all([master] if master else [], signal.SIGKILL)
        elif orphans_termed_at is None:
            _signal_all(procs, signal.SIGTERM)
            orphans_termed_at = now
        elif now - orphans_termed_at > 2.0:
            _signal_all(procs, signal.SIGKILL)


def _reap_orphans() -> None:
    """Stop servers left by test runs that died, and remove their directories."""
    for root in Path("/tmp").glob(f"{ROOT_PREFIX}*"):
        owner = _read_pid(root / OWNER_FILE)
        if owner is None or _pid_alive(owner):
            continue
        with contextlib.suppress(DovecotError, PermissionError):
            _stop_instance(_read_pid(root / "run" / "master.pid"), _instance_tag(root))
        shutil.rmtree(root, ignore_errors=True)
