"""The [links] section: the key from the environment only, rotation with an end date."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from inboxbot.bootstrap import link_keys
from inboxbot.config import ConfigError, load_settings
from inboxbot.service.one_click import preferred_language

KEY = "k" * 40
OLD = "o" * 40


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("INBOXBOT_"):
            monkeypatch.delenv(name)


def test_links_are_off_without_a_key() -> None:
    settings = load_settings(None)
    assert settings.links.base_url == "" and link_keys(settings) is None


def test_the_key_and_rotation_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "inboxbot.toml"
    path.write_text(
        '[links]\nbase_url = "https://inbox.1texno.kz/"\nprevious_keys_valid_until = 2027-01-31\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("INBOXBOT_LINKS__KEY", KEY)
    monkeypatch.setenv("INBOXBOT_LINKS__PREVIOUS_KEYS", OLD)

    settings = load_settings(path)
    keys = link_keys(settings)

    assert settings.links.base_url == "https://inbox.1texno.kz"
    assert keys is not None and keys.previous == (OLD,) and keys.previous_valid_until == date(2027, 1, 31)
    assert KEY not in repr(settings) and OLD not in repr(keys)


@pytest.mark.parametrize("key", ["key", "previous_keys"])
def test_a_key_in_the_file_is_refused(tmp_path: Path, key: str) -> None:
    path = tmp_path / "inboxbot.toml"
    path.write_text(f'[links]\n{key} = "{KEY}"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=f"INBOXBOT_LINKS__{key.upper()}"):
        load_settings(path)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"INBOXBOT_LINKS__KEY": "short"}, "32 characters"),
        ({"INBOXBOT_LINKS__KEY": KEY, "INBOXBOT_LINKS__PREVIOUS_KEYS": OLD}, "previous_keys_valid_until"),
        (
            {"INBOXBOT_LINKS__PREVIOUS_KEYS": OLD, "INBOXBOT_LINKS__PREVIOUS_KEYS_VALID_UNTIL": "2027-01-31"},
            "key",
        ),
        ({"INBOXBOT_LINKS__BASE_URL": "inbox.1texno.kz"}, "links.base_url"),
    ],
)
def test_unusable_link_settings_are_refused_at_start(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], named: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=named):
        load_settings(None)


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("kk-KZ,kk;q=0.9,ru;q=0.8", "kk"),
        ("de-DE, en;q=0.5, ru;q=0.8", "ru"),
        ("en-US,en;q=0.9", "en"),
        ("fr, de", None),
        ("ru;q=0, en;q=0.1", "en"),
        ("", None),
        ("en;q=abc, kk", "kk"),
    ],
)
def test_the_browsers_preferred_language_counts_its_weights(header: str, language: str | None) -> None:
    assert preferred_language(header) == language
