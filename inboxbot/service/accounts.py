"""Staff accounts and their console sessions: argon2id passwords, lockout after failures, sessions
kept in the database (so several console instances share them and logout really ends one).

Nothing here knows of HTTP: the console turns a :class:`LoginRefused` into a page and a
:class:`SessionInfo` into a request's user; the CLI manages accounts through the same functions.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlmodel import col

from inboxbot.adapters.db.models import StaffAccount, StaffSession
from inboxbot.adapters.db.store import Store, Tx
from inboxbot.core.addresses import normalize_address
from inboxbot.service.inbound import Clock

MIN_PASSWORD_LENGTH = 12
_HASHER = PasswordHasher()  # argon2id with the library's current recommended cost


@cache
def _dummy_hash() -> str:
    """Verified against when the e-mail is unknown, so that an unknown address costs the same time
    (made on first use: hashing costs a noticeable fraction of a second, not to be paid at import)."""
    return _HASHER.hash(secrets.token_hex(16))


class Role(StrEnum):
    AGENT = "agent"  # works tickets
    ADMIN = "admin"  # also manages staff


class AccountError(Exception):
    """An account cannot be created or changed as asked; the message says why in one line."""


class LoginRefused(Exception):
    """Wrong e-mail or password, a locked or disabled account. ``delay`` is how long to make the
    caller wait before answering (failures in a row are slowed)."""

    def __init__(self, message: str, *, delay: float = 0.0, locked_until: datetime | None = None) -> None:
        super().__init__(message)
        self.delay = delay
        self.locked_until = locked_until


@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int = 5  # wrong passwords in a row that lock the account
    lock_for: timedelta = timedelta(minutes=15)
    idle_timeout: timedelta = timedelta(hours=1)
    max_age: timedelta = timedelta(hours=12)


@dataclass(frozen=True)
class StaffMember:
    """What the console and the CLI need of an account (no hash)."""

    id: int
    email: str
    name: str
    role: Role
    language: str
    disabled: bool

    @property
    def actor(self) -> str:
        return f"staff:{self.email}"

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


@dataclass(frozen=True)
class SessionInfo:
    token: str  # the cookie's value; only its hash is stored
    csrf_token: str
    member: StaffMember


def member(account: StaffAccount) -> StaffMember:
    assert account.id is not None
    return StaffMember(
        id=account.id,
        email=account.email,
        name=account.name,
        role=Role(account.role),
        language=account.language,
        disabled=account.disabled_at is not None,
    )


class Accounts:
    def __init__(self, store: Store, clock: Clock, policy: LoginPolicy | None = None) -> None:
        self.store = store
        self.clock = clock
        self.policy = policy or LoginPolicy()

    # -- managing staff ---------------------------------------------------------------------------
    def add(
        self, email: str, name: str, password: str, *, role: Role = Role.AGENT, language: str = "ru"
    ) -> StaffMember:
        address = _address(email)
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
        if not name.strip():
            raise AccountError("a name is needed")
        with self.store.transaction() as tx:
            if _account(tx, address) is not None:
                raise AccountError(f"{address} already has an account")
            account = StaffAccount(
                email=address,
                name=name.strip(),
                role=role.value,
                password_hash=_HASHER.hash(password),
                language=language,
                created_at=self.clock(),
            )
            tx.session.add(account)
            tx.session.flush()
            return member(account)

    def list(self) -> Sequence[StaffMember]:
        with self.store.transaction() as tx:
            rows = tx.session.scalars(select(StaffAccount).order_by(col(StaffAccount.email)))
            return [member(a) for a in rows]

    def disable(self, email: str) -> StaffMember:
        """No more sign-ins, and every open session of the account ends now."""
        with self.store.transaction() as tx:
            account = _existing(tx, email)
            account.disabled_at = account.disabled_at or self.clock()
            tx.session.add(account)
            tx.session.execute(delete(StaffSession).where(col(StaffSession.account_id) == account.id))
            return member(account)

    def set_language(self, email: str, language: str) -> None:
        with self.store.transaction() as tx:
            account = _existing(tx, email)
            account.language = language
            tx.session.add(account)

    def set_password(self, email: str, password: str) -> None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
        with self.store.transaction() as tx:
            account = _existing(tx, email)
            account.password_hash = _HASHER.hash(password)
            account.failed_logins, account.locked_until = 0, None
            tx.session.add(account)

    # -- signing in -------------------------------------------------------------------------------
    def login(self, email: str, password: str) -> SessionInfo:
        """A new session for the right password of an active, unlocked account; else LoginRefused.

        A failure is committed before it is raised (the count of failures in a row is what locks)."""
        with self.store.transaction() as tx:
            outcome = self._attempt(tx, _address_or_blank(email), password, self.clock())
        if isinstance(outcome, LoginRefused):
            raise outcome
        return outcome

    def _attempt(self, tx: Tx, address: str, password: str, now: datetime) -> SessionInfo | LoginRefused:
        account = _account(tx, address)
        if account is None or account.disabled_at is not None:
            _verify(_dummy_hash(), password)
            return LoginRefused("wrong e-mail or password", delay=0.5)
        if account.locked_until is not None and account.locked_until > now:
            return LoginRefused("account locked", delay=1.0, locked_until=account.locked_until)
        if not _verify(account.password_hash, password):
            self._failed(account, now)
            tx.session.add(account)
            return LoginRefused(
                "wrong e-mail or password",
                delay=_slowdown(account.failed_logins),
                locked_until=account.locked_until,
            )
        if _HASHER.check_needs_rehash(account.password_hash):
            account.password_hash = _HASHER.hash(password)
        account.failed_logins, account.locked_until, account.last_login_at = 0, None, now
        tx.session.add(account)
        return self._open_session(tx, account, now)

    def session(self, token: str, *, touch: bool = True) -> SessionInfo | None:
        """The live session of this cookie value, or None; ``touch`` restarts its idle clock (a page
        refreshing itself is no sign of a person at the desk)."""
        if not token:
            return None
        now = self.clock()
        with self.store.transaction() as tx:
            row = tx.session.get(StaffSession, _digest(token))
            if row is None:
                return None
            account = tx.session.get(StaffAccount, row.account_id)
            idle_over = row.last_seen_at + self.policy.idle_timeout <= now
            if account is None or account.disabled_at is not None or idle_over or row.expires_at <= now:
                tx.session.delete(row)
                return None
            if touch:
                row.last_seen_at = now
                tx.session.add(row)
            return SessionInfo(token, row.csrf_token, member(account))

    def logout(self, token: str) -> None:
        with self.store.transaction() as tx:
            tx.session.execute(delete(StaffSession).where(col(StaffSession.token_hash) == _digest(token)))

    def purge_sessions(self) -> int:
        """Delete sessions that can no longer be used; returns how many."""
        now = self.clock()
        with self.store.transaction() as tx:
            stale = delete(StaffSession).where(
                (col(StaffSession.expires_at) <= now)
                | (col(StaffSession.last_seen_at) <= now - self.policy.idle_timeout)
            )
            return int(tx.session.execute(stale).rowcount or 0)  # type: ignore[attr-defined]

    def find(self, email: str) -> StaffMember | None:
        with self.store.transaction() as tx:
            account = _account(tx, _address_or_blank(email))
            return member(account) if account is not None else None

    def _failed(self, account: StaffAccount, now: datetime) -> None:
        account.failed_logins += 1
        if account.failed_logins >= self.policy.max_failures:
            account.locked_until = now + self.policy.lock_for
            account.failed_logins = 0

    def _open_session(self, tx: Tx, account: StaffAccount, now: datetime) -> SessionInfo:
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        tx.session.add(
            StaffSession(
                token_hash=_digest(token),
                account_id=account.id or 0,
                csrf_token=csrf,
                created_at=now,
                last_seen_at=now,
                expires_at=now + self.policy.max_age,
            )
        )
        return SessionInfo(token, csrf, member(account))


def _verify(hashed: str, password: str) -> bool:
    try:
        return bool(_HASHER.verify(hashed, password))
    except (VerificationError, InvalidHashError):
        return False


def _slowdown(failures: int) -> float:
    """Seconds to wait before answering a wrong password: 0.5, 1, 2, 4 ... (the lock comes first)."""
    return float(min(0.5 * 2 ** max(failures - 1, 0), 4.0))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _address(email: str) -> str:
    address = normalize_address(email)
    if not address or address.count("@") != 1:
        raise AccountError(f"{email!r} is not an e-mail address")
    return address


def _address_or_blank(email: str) -> str:
    try:
        return _address(email)
    except AccountError:
        return ""


def _account(tx: Tx, address: str) -> StaffAccount | None:
    if not address:
        return None
    return tx.session.scalars(select(StaffAccount).where(col(StaffAccount.email) == address)).first()


def _existing(tx: Tx, email: str) -> StaffAccount:
    account = _account(tx, _address_or_blank(email))
    if account is None:
        raise AccountError(f"no staff account {email!r}")
    return account
