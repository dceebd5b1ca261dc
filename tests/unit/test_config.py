"""Settings: defaults, TOML, environment overrides, and refusals that name the key."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from inboxbot.config import ConfigError, config_path, load_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("INBOXBOT_"):
            monkeypatch.delenv(name)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "inboxbot.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_embedded_defaults_run_the_demo_locally() -> None:
    settings = load_settings(None)
    assert (settings.source, settings.transport, settings.database.url) == (
        "maildir:var/maildir",
        "files:var/outbox",
        "sqlite:///var/inboxbot.db",
    )
    assert settings.imap.security == "ssl" and settings.smtp.security == "starttls"


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, 'source = "imap"\n[imap]\nhost = "imap.example.kz"\nport = 993\n')
    monkeypatch.setenv("INBOXBOT_IMAP__PORT", "143")
    monkeypatch.setenv("INBOXBOT_IMAP__SECURITY", "starttls")
    monkeypatch.setenv("INBOXBOT_IMAP__PASSWORD", "s3cret")
    settings = load_settings(path)
    assert (settings.imap.host, settings.imap.port, settings.imap.security) == (
        "imap.example.kz",
        143,
        "starttls",
    )
    assert settings.imap.password.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(
    ("env", "value", "named"),
    [
        ("INBOXBOT_IMAP__PORT", "imap", "imap.port (INBOXBOT_IMAP__PORT)"),
        ("INBOXBOT_IMAP__SECURITY", "tls", "imap.security (INBOXBOT_IMAP__SECURITY)"),
        ("INBOXBOT_SOURCE", "pop3", "source (INBOXBOT_SOURCE)"),
        ("INBOXBOT_TRANSPORT", "carrier-pigeon", "transport (INBOXBOT_TRANSPORT)"),
        ("INBOXBOT_DATABASE__URL", "mysql://x", "database.url (INBOXBOT_DATABASE__URL)"),
        ("INBOXBOT_IMAP__HOTS", "typo", "imap.hots (INBOXBOT_IMAP__HOTS)"),
    ],
)
def test_invalid_values_are_refused_naming_the_key(
    monkeypatch: pytest.MonkeyPatch, env: str, value: str, named: str
) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(ConfigError, match="invalid configuration") as caught:
        load_settings(None)
    assert named in str(caught.value)


def test_secrets_are_refused_in_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="INBOXBOT_SMTP__PASSWORD"):
        load_settings(write(tmp_path, '[smtp]\npassword = "hunter2"\n'))
    with pytest.raises(ConfigError, match="INBOXBOT_DATABASE__URL"):
        load_settings(write(tmp_path, '[database]\nurl = "postgresql://u:pw@db/inboxbot"\n'))


def test_unreadable_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(write(tmp_path, "[imap\n"))
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "missing.toml")


def test_config_path_prefers_the_option_then_the_environment(tmp_path: Path) -> None:
    assert config_path("a.toml", {"INBOXBOT_CONFIG": "b.toml"}) == Path("a.toml")
    assert config_path(None, {"INBOXBOT_CONFIG": "b.toml"}) == Path("b.toml")


def test_a_bad_value_in_the_file_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[imap]\nsecurity = "tls"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert f"imap.security (in {path}): Input should be 'ssl', 'starttls' or 'none'" in str(caught.value)


@pytest.mark.parametrize(
    ("file", "env", "expected"),
    [
        ("", {}, ("maildir:var/maildir", "files:var/outbox")),
        ('[imap]\nhost = "imap.example.kz"\n', {}, ("imap", "files:var/outbox")),
        ("", {"INBOXBOT_IMAP__HOST": "imap.example.kz"}, ("imap", "files:var/outbox")),
        ("", {"INBOXBOT_SMTP__HOST": "smtp.example.kz"}, ("maildir:var/maildir", "smtp")),
        ('[smtp]\nhost = "smtp.example.kz"\n[imap]\nhost = "x"\n', {}, ("imap", "smtp")),
        # an explicit choice still wins over the rule
        ('source = "maildir:/srv/mail"\n[imap]\nhost = "x"\n', {}, ("maildir:/srv/mail", "files:var/outbox")),
        (
            "",
            {"INBOXBOT_SMTP__HOST": "s", "INBOXBOT_TRANSPORT": "files:/tmp/o"},
            ("maildir:var/maildir", "files:/tmp/o"),
        ),
    ],
)
def test_a_configured_server_becomes_the_default_source_or_transport(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    file: str,
    env: dict[str, str],
    expected: tuple[str, str],
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = load_settings(write(tmp_path, file))
    assert (settings.source, settings.transport) == expected


def test_an_operators_template_folder_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"templates\.path .*is not a folder"):
        load_settings(write(tmp_path, f'[templates]\npath = "{tmp_path / "nowhere"}"\n'))
