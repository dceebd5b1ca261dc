"""Settings: embedded defaults, then a TOML file, then ``INBOXBOT_*`` environment variables.

Read and validated once at start (see :mod:`inboxbot.bootstrap`); an invalid value is refused with the
offending key named, both as a dotted path and as its environment variable. Secrets (passwords, a
database URL with a password) are accepted only from the environment, never from the file.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from inboxbot.core.intents import AUTOMATION_THRESHOLD
from inboxbot.core.sla import Deadline, Level, Offset, PolicyError, SlaPolicy, WorkingDays
from inboxbot.core.unsubscribe_links import MIN_KEY_CHARS as MIN_LINK_KEY_CHARS
from inboxbot.core.workdays import Deadline as WorkdayDeadline
from inboxbot.core.workdays import DeadlineError

DEFAULT_CONFIG_PATH = Path("config/inboxbot.toml")
DEMO_SOURCE = "maildir:var/maildir"  # the embedded defaults `make demo` runs on
DEMO_TRANSPORT = "files:var/outbox"
ENV_PREFIX = "INBOXBOT_"
_SECRET_KEYS = {
    ("imap", "password"),
    ("smtp", "password"),
    ("web", "metrics_token"),
    ("identity", "hash_key"),
    ("links", "key"),
    ("links", "previous_keys"),
}

Security = Literal["ssl", "starttls", "none"]
SEGMENT_BACKENDS = frozenset({"database"})  # names the bootstrap knows how to build


class ConfigError(Exception):
    """The configuration cannot be used; the message names the key and says why."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MailboxSettings(_Section):
    address: str = "hello@1texno.kz"
    aliases: tuple[str, ...] = ()
    display_name: str = "ONETEXNO"

    @field_validator("address")
    @classmethod
    def _address(cls, value: str) -> str:
        if value.count("@") != 1:
            raise ValueError("must be an e-mail address")
        return value.strip().lower()


class ImapSettings(_Section):
    host: str = ""
    port: int = Field(993, ge=1, le=65535)
    username: str = ""
    password: SecretStr = SecretStr("")
    security: Security = "ssl"
    ca_file: Path | None = None
    folder: str = "INBOX"
    processed_folder: str = "Processed"
    automated_folder: str = "Automated"
    quarantine_folder: str = "Quarantine"
    batch_size: int = Field(50, ge=1, le=1000)
    timeout_seconds: float = Field(30.0, gt=0)

    @field_validator("processed_folder", "automated_folder", "quarantine_folder", "folder")
    @classmethod
    def _folder(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must name a folder")
        return value


class SmtpSettings(_Section):
    host: str = ""
    port: int = Field(587, ge=1, le=65535)
    username: str = ""
    password: SecretStr = SecretStr("")
    security: Security = "starttls"
    ca_file: Path | None = None
    timeout_seconds: float = Field(30.0, gt=0)


class DatabaseSettings(_Section):
    url: str = "sqlite:///var/inboxbot.db"

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        scheme = urlsplit(value).scheme.split("+")[0]
        if scheme not in {"sqlite", "postgresql", "postgres"}:
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return value


class TicketSettings(_Section):
    prefix: str = Field("HB", pattern=r"^[A-Z]{1,8}$")
    timezone: str = "Asia/Almaty"

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value


class ClassifierSettings(_Section):
    # Below this confidence a request is triaged by a person before inboxbot acts on it (unsubscribe
    # fulfilment, confirmations, data workflows); measured on held-out mail, see docs/classifier.md.
    automation_threshold: float = Field(AUTOMATION_THRESHOLD, ge=0.5, le=1.0)
    spam_score_threshold: float = Field(5.0, gt=0)  # X-Spam-Score at or over this is the provider's "spam"


class IdentitySettings(_Section):
    """Who a data request comes from: nothing is changed, revealed or erased for an unverified sender."""

    # Authentication-Results of these authserv-ids (our own MX) are believed: dmarc=pass or an aligned
    # dkim=pass verifies the sender; dmarc=fail marks a mail as suspected spam. Every other id is ignored.
    trusted_authserv_ids: tuple[str, ...] = ()
    code_valid_hours: float = Field(48.0, gt=0)  # a one-time code mailed to the sender expires after this
    code_attempts: int = Field(5, ge=1, le=20)  # wrong codes before the code is void
    pause_sla_while_verifying: bool = True  # the ticket waits on the client while they verify
    # The key of the keyed hash that is all a deleted person leaves on the suppression list
    # (INBOXBOT_IDENTITY__HASH_KEY, from the environment only; 32+ characters).
    hash_key: SecretStr = SecretStr("")


class RetentionSettings(_Section):
    raw_mail_days: int = Field(365, ge=1)  # raw bodies of tickets closed longer ago than this are purged


class AckSettings(_Section):
    enabled: bool = True
    max_per_sender_per_day: int = Field(3, ge=0)
    default_language: Literal["ru", "kk", "en"] = "ru"


CATEGORIES = frozenset({"unsubscribe", "data_change", "data_deletion", "data_access", "other"})


class SlaLevelSettings(_Section):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,30}$")
    at: str | float  # "12h", "90m", "50%" of the category's deadline, or hours as a number
    recipients: tuple[str, ...]
    template: str = Field(pattern=r"^[a-z][a-z0-9_]{0,40}$")
    breach: bool = False  # firing this level marks the ticket breached

    @field_validator("recipients")
    @classmethod
    def _recipients(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("at least one recipient is needed")
        bad = [r for r in value if r.count("@") != 1 or " " in r.strip()]
        if bad:
            raise ValueError(f"not e-mail addresses: {bad}")
        return tuple(r.strip().lower() for r in value)


DEFAULT_LEVELS = (
    SlaLevelSettings(name="reminder", at="12h", recipients=("support@1texno.kz",), template="sla_reminder"),
    SlaLevelSettings(
        name="escalation", at="20h", recipients=("supervisor@1texno.kz",), template="sla_escalation"
    ),
    SlaLevelSettings(  # at the deadline, whatever it is (24 hours unless [sla.deadlines] says otherwise)
        name="breach", at="100%", recipients=("manager@1texno.kz",), template="sla_breach", breach=True
    ),
)


class SlaSettings(_Section):
    deadline_hours: float = Field(24.0, gt=0)
    # category -> hours (a number or "48h") or working days on Kazakhstan's calendar ("3wd"), when not
    # the default: e.g. data_access = "3wd" for the legal deadline instead of the 24-hour promise.
    deadlines: dict[str, float | str] = Field(default_factory=dict)
    levels: tuple[SlaLevelSettings, ...] = DEFAULT_LEVELS
    language: Literal["ru", "kk", "en"] = "ru"  # of the escalation mails to staff
    at_risk_hours: float = Field(4.0, gt=0)  # an open ticket due within this counts as at risk

    @field_validator("deadlines")
    @classmethod
    def _deadlines(cls, value: dict[str, float | str]) -> dict[str, float | str]:
        unknown = sorted(set(value) - CATEGORIES)
        if unknown:
            raise ValueError(f"unknown categories {unknown}; known: {sorted(CATEGORIES)}")
        for text in value.values():
            _deadline(text)
        return value

    @model_validator(mode="after")
    def _enforceable(self) -> SlaSettings:
        self.policy()
        return self

    def policy(self, timezone: str = "Asia/Almaty") -> SlaPolicy:
        """The policy these settings describe (working days counted in ``timezone``); raises
        ValueError when it cannot be enforced."""
        zone = ZoneInfo(timezone)
        try:
            return SlaPolicy(
                default_deadline=timedelta(hours=self.deadline_hours),
                deadlines={c: _deadline(v, zone) for c, v in self.deadlines.items()},
                levels=tuple(
                    Level(lv.name, Offset.parse(lv.at), lv.recipients, lv.template, lv.breach)
                    for lv in self.levels
                ),
            )
        except PolicyError as exc:
            raise ValueError(str(exc)) from exc


def _deadline(value: float | str, zone: ZoneInfo | None = None) -> Deadline:
    """24 or "24h" -> 24 hours; "3wd" -> three working days."""
    try:
        rule = WorkdayDeadline.parse(str(value) if isinstance(value, str) else f"{value}h")
    except (DeadlineError, ValueError):
        try:
            hours = float(value)
        except ValueError:
            raise ValueError(f"deadline {value!r} is not like 24, '36h' or '3wd'") from None
        if hours <= 0:
            raise ValueError("deadlines must be positive") from None
        return timedelta(hours=hours)
    if rule.unit == "working_days":
        return WorkingDays(rule.amount, zone or ZoneInfo("Asia/Almaty"))
    return timedelta(hours=rule.amount)


class UnsubscribeSettings(_Section):
    backends: tuple[str, ...] = ("database",)
    max_attempts: int = Field(10, ge=1)
    backoff_seconds: float = Field(60.0, ge=0)
    max_backoff_seconds: float = Field(3600.0, ge=0)
    confirmation_days: float = Field(7.0, gt=0)
    batch_size: int = Field(50, ge=1)

    @field_validator("backends")
    @classmethod
    def _backends(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("at least one segment backend is needed")
        unknown = [name for name in value if name not in SEGMENT_BACKENDS]
        if unknown:
            raise ValueError(f"unknown segment backend(s) {unknown}; known: {sorted(SEGMENT_BACKENDS)}")
        return value


class OutboxSettings(_Section):
    max_attempts: int = Field(8, ge=1)
    backoff_seconds: float = Field(60.0, ge=0)
    max_backoff_seconds: float = Field(3600.0, ge=0)
    batch_size: int = Field(100, ge=1)


class WorkerSettings(_Section):
    poll_interval_seconds: float = Field(60.0, gt=0)
    outbox_interval_seconds: float = Field(15.0, gt=0)
    sla_interval_seconds: float = Field(60.0, gt=0)
    max_backoff_seconds: float = Field(60.0, gt=0)  # the longest wait before reconnecting after a failure
    # Processes that parse and classify the next batch while the worker commits one; -1: one per core
    # beyond the worker's own (none on a single core), 0: none, all in the worker process.
    parse_processes: int = Field(-1, ge=-1, le=32)


class LimitSettings(_Section):
    max_message_bytes: int = Field(25 * 1024 * 1024, ge=1024)
    max_header_bytes: int = Field(256 * 1024, ge=1024)
    max_failures: int = Field(3, ge=1)  # a mail whose processing keeps failing is quarantined after this


class NotifySettings(_Section):
    """Staff told of tickets that need a person (not of unsubscribes that resolved themselves)."""

    new_ticket: tuple[str, ...] = ()  # who is told; nobody when empty
    digest_after: int = Field(3, ge=1)  # more waiting than this at once: one digest instead
    digest_minutes: float = Field(15.0, gt=0)  # at most one digest per this many minutes
    language: Literal["ru", "kk", "en"] = "ru"

    @field_validator("new_ticket")
    @classmethod
    def _recipients(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [r for r in value if r.count("@") != 1 or " " in r.strip()]
        if bad:
            raise ValueError(f"not e-mail addresses: {bad}")
        return tuple(r.strip().lower() for r in value)


class WebSettings(_Section):
    """The staff console (``inboxbot serve``)."""

    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    # Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed ("*" for any).
    trusted_proxies: tuple[str, ...] = ()
    session_idle_minutes: float = Field(60.0, gt=0)  # a session unused this long is over
    session_max_hours: float = Field(12.0, gt=0)  # and none lives longer than this
    lockout_failures: int = Field(5, ge=1, le=5)  # wrong passwords in a row that lock an account
    lockout_minutes: float = Field(15.0, gt=0)
    queue_page_size: int = Field(50, ge=5, le=500)
    # /metrics: open on loopback; elsewhere only with "Authorization: Bearer $INBOXBOT_WEB__METRICS_TOKEN".
    metrics_token: SecretStr = SecretStr("")


class LinksSettings(_Section):
    """One-click unsubscribe links (RFC 8058) in mailings: ``https://BASE_URL/u/TOKEN``, answered by
    ``inboxbot serve``. Off while ``key`` is empty. See README "One-click unsubscribe links"."""

    base_url: str = ""  # the public URL of `inboxbot serve`, e.g. "https://inbox.1texno.kz"
    # The HMAC key of the tokens (INBOXBOT_LINKS__KEY, from the environment only; 32+ characters).
    key: SecretStr = SecretStr("")
    # Rotation: the keys used before, comma-separated (INBOXBOT_LINKS__PREVIOUS_KEYS, environment only),
    # still accepted through previous_keys_valid_until (an ISO date, UTC), then no longer.
    previous_keys: SecretStr = SecretStr("")
    previous_keys_valid_until: date | None = None

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value:
            return value
        parts = urlsplit(value)
        if parts.scheme not in {"https", "http"} or not parts.hostname or parts.query or parts.fragment:
            raise ValueError("must be an https:// URL such as https://inbox.1texno.kz")
        return value

    @field_validator("key", "previous_keys")
    @classmethod
    def _keys(cls, value: SecretStr) -> SecretStr:
        keys = [k.strip() for k in value.get_secret_value().split(",") if k.strip()]
        if any(len(k) < MIN_LINK_KEY_CHARS for k in keys):
            raise ValueError(f"every key needs {MIN_LINK_KEY_CHARS} characters at least")
        return value

    @model_validator(mode="after")
    def _rotation(self) -> LinksSettings:
        previous = self.previous_keys.get_secret_value().strip()
        if previous and self.previous_keys_valid_until is None:
            raise ValueError("previous_keys needs previous_keys_valid_until: old keys must not work forever")
        if previous and not self.key.get_secret_value():
            raise ValueError("previous_keys without a key: set INBOXBOT_LINKS__KEY")
        return self


class TemplateSettings(_Section):
    path: Path | None = None  # a folder of the operator's own templates, searched before the shipped ones

    @field_validator("path")
    @classmethod
    def _folder(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(f"{value} is not a folder")
        return value


class LoggingSettings(_Section):
    level: Literal["debug", "info", "warning", "error"] = "info"
    format: Literal["auto", "json", "console"] = "auto"


class Settings(BaseSettings):
    """The whole configuration. Build it with :func:`load_settings`."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="forbid", frozen=True, case_sensitive=False
    )

    # Without an explicit value: IMAP once an IMAP host is configured, SMTP once an SMTP host is, else
    # the embedded demo defaults (see _production_defaults).
    source: str = DEMO_SOURCE
    transport: str = DEMO_TRANSPORT
    mailbox: MailboxSettings = MailboxSettings()
    imap: ImapSettings = ImapSettings()
    smtp: SmtpSettings = SmtpSettings()
    database: DatabaseSettings = DatabaseSettings()
    tickets: TicketSettings = TicketSettings()
    acks: AckSettings = AckSettings()
    classifier: ClassifierSettings = ClassifierSettings()
    identity: IdentitySettings = IdentitySettings()
    retention: RetentionSettings = RetentionSettings()
    sla: SlaSettings = SlaSettings()
    outbox: OutboxSettings = OutboxSettings()
    unsubscribe: UnsubscribeSettings = UnsubscribeSettings()
    worker: WorkerSettings = WorkerSettings()
    limits: LimitSettings = LimitSettings()
    templates: TemplateSettings = TemplateSettings()
    notify: NotifySettings = NotifySettings()
    web: WebSettings = WebSettings()
    links: LinksSettings = LinksSettings()
    logging: LoggingSettings = LoggingSettings()
    # [backends.NAME] kind = "listmonk" | "mailchimp" | "unisender" | "sendpulse" | "brevo", its options
    # (url, ...) from the file, its secrets only from INBOXBOT_BACKENDS__NAME__SECRET (docs: README).
    backends: dict[str, dict[str, str]] = Field(default_factory=dict)

    @field_validator("backends", mode="before")
    @classmethod
    def _backend_sections(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        return {
            str(name).lower(): {str(k).lower(): str(v) for k, v in (section or {}).items()}
            if isinstance(section, dict)
            else section
            for name, section in value.items()
        }

    @field_validator("backends")
    @classmethod
    def _backends_complete(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        from inboxbot.adapters.platforms.factory import KINDS, PlatformConfigError, check_section  # noqa: PLC0415 (httpx only when used)

        for name, section in value.items():
            if not re.fullmatch(r"[a-z][a-z0-9_]{0,40}", name) or name == "database":
                raise ValueError(f"backends.{name}: a name of letters, digits and _ (not 'database')")
            spec = KINDS.get(section.get("kind", ""))
            if spec is None:
                raise ValueError(f"backends.{name}.kind: one of {', '.join(KINDS)}")
            options = {k: v for k, v in section.items() if k not in spec.secrets}
            secrets = {k: v for k, v in section.items() if k in spec.secrets}
            try:
                check_section(name, spec, {k: v for k, v in options.items() if k != "kind"}, secrets)
            except PlatformConfigError as exc:
                raise ValueError(str(exc)) from None
        return value

    def backend_parts(self, name: str) -> tuple[str, dict[str, str], dict[str, str]]:
        """``[backends.name]`` as (kind, options from the file, secrets from the environment)."""
        from inboxbot.adapters.platforms.factory import KINDS  # noqa: PLC0415 (httpx only when used)

        section = self.backends[name]
        spec = KINDS[section["kind"]]
        options = {k: v for k, v in section.items() if k not in spec.secrets and k != "kind"}
        return section["kind"], options, {k: v for k, v in section.items() if k in spec.secrets}

    @model_validator(mode="before")
    @classmethod
    def _production_defaults(cls, data: Any) -> Any:
        """A configured IMAP (SMTP) host makes IMAP (SMTP) the default: a deployment that forgot
        ``INBOXBOT_SOURCE`` must not read an empty local folder forever."""
        if not isinstance(data, dict):
            return data
        chosen = dict(data)
        if "source" not in chosen and _configured(chosen.get("imap"), "host"):
            chosen["source"] = "imap"
        if "transport" not in chosen and _configured(chosen.get("smtp"), "host"):
            chosen["transport"] = "smtp"
        return chosen

    @field_validator("source")
    @classmethod
    def _source(cls, value: str) -> str:
        if value == "imap" or (value.startswith("maildir:") and len(value) > len("maildir:")):
            return value
        raise ValueError("must be 'imap' or 'maildir:PATH'")

    @field_validator("transport")
    @classmethod
    def _transport(cls, value: str) -> str:
        if value == "smtp" or (value.startswith("files:") and len(value) > len("files:")):
            return value
        raise ValueError("must be 'smtp' or 'files:PATH'")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The TOML file arrives as init values; the environment overrides it.
        return (env_settings, init_settings)

    @property
    def demo_defaults(self) -> list[str]:
        """Which of source and transport are still the embedded demo defaults."""
        return [
            name
            for name, value, demo in (
                ("source", self.source, DEMO_SOURCE),
                ("transport", self.transport, DEMO_TRANSPORT),
            )
            if value == demo
        ]

    @property
    def maildir_path(self) -> Path | None:
        return Path(self.source.removeprefix("maildir:")) if self.source.startswith("maildir:") else None

    @property
    def outbox_path(self) -> Path | None:
        return Path(self.transport.removeprefix("files:")) if self.transport.startswith("files:") else None

    @property
    def own_addresses(self) -> frozenset[str]:
        return frozenset({self.mailbox.address, *(a.lower() for a in self.mailbox.aliases)})


def _configured(section: Any, key: str) -> bool:
    """Whether ``section`` (a dict from the file or the environment, or a model) sets ``key``."""
    value = section.get(key) if isinstance(section, dict) else getattr(section, key, None)
    return bool(str(value or "").strip())


def config_path(
    explicit: str | os.PathLike[str] | None, environ: dict[str, str] | None = None
) -> Path | None:
    """The file to read: ``--config``, else ``INBOXBOT_CONFIG``, else the default path when present."""
    environ = dict(os.environ) if environ is None else environ
    if explicit:
        return Path(explicit)
    if environ.get("INBOXBOT_CONFIG"):
        return Path(environ["INBOXBOT_CONFIG"])
    return DEFAULT_CONFIG_PATH if DEFAULT_CONFIG_PATH.is_file() else None


def load_settings(path: Path | None = None) -> Settings:
    """Defaults, overridden by the TOML file at ``path`` (if any), overridden by the environment."""
    data = _read_toml(path) if path else {}
    try:
        return Settings(**data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, data, path)) from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"configuration file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"configuration file {path} is not valid TOML: {exc}") from None
    _refuse_secrets(data, path)
    return data


def _refuse_secrets(data: dict[str, Any], path: Path) -> None:
    _refuse_backend_secrets(data, path)
    for section, key in _SECRET_KEYS:
        if isinstance(data.get(section), dict) and data[section].get(key):
            env = f"{ENV_PREFIX}{section.upper()}__{key.upper()}"
            raise ConfigError(
                f"{section}.{key} in {path}: secrets are read only from the environment ({env})"
            )
    url = data.get("database", {}).get("url", "") if isinstance(data.get("database"), dict) else ""
    if isinstance(url, str) and urlsplit(url).password:
        raise ConfigError(
            f"database.url in {path} carries a password: "
            f"set it in the environment ({ENV_PREFIX}DATABASE__URL)"
        )


def _refuse_backend_secrets(data: dict[str, Any], path: Path) -> None:
    from inboxbot.adapters.platforms.factory import KINDS  # noqa: PLC0415 (httpx only when used)

    backends = data.get("backends")
    if not isinstance(backends, dict):
        return
    for name, section in backends.items():
        if not isinstance(section, dict):
            continue
        spec = KINDS.get(str(section.get("kind", "")))
        for key in spec.secrets if spec else ():
            if section.get(key):
                env = f"{ENV_PREFIX}BACKENDS__{str(name).upper()}__{key.upper()}"
                raise ConfigError(
                    f"backends.{name}.{key} in {path}: secrets are read only from the environment ({env})"
                )


def _describe(exc: ValidationError, data: dict[str, Any], path: Path | None) -> str:
    problems = []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        key = ".".join(loc) or "(settings)"
        env = ENV_PREFIX + "__".join(part.upper() for part in loc)
        problems.append(f"{key} ({_origin(loc, env, data, path)}): {error['msg']}")
    return "invalid configuration: " + "; ".join(problems)


def _origin(loc: list[str], env: str, data: dict[str, Any], path: Path | None) -> str:
    """Where the offending value came from: its environment variable, or the file."""
    if any(name.upper() == env for name in os.environ):
        return env
    node: Any = data
    for part in loc:
        node = node.get(part) if isinstance(node, dict) else None
    return f"in {path}" if node is not None and path else env
