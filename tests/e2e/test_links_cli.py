"""One-click unsubscribe links from the command line: the headers of one mail, the URLs of a segment."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from inboxbot.core.unsubscribe_links import link_keys
from tests.support import env_for, inboxbot, settings_for

pytestmark = pytest.mark.e2e
KEY = "cli-link-key-" + "k" * 30
BASE = "https://inbox.1texno.kz"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    settings = settings_for(
        db_url=f"sqlite:///{tmp_path}/db.sqlite",
        maildir=tmp_path / "mail",
        files=tmp_path / "outbox",
        links={"base_url": BASE, "key": KEY},
    )
    environment = env_for(settings)
    assert inboxbot("db", "upgrade", env=environment).returncode == 0
    return environment


def test_the_headers_of_one_mail_are_exactly_two_lines(env: dict[str, str]) -> None:
    result = inboxbot("unsubscribe-headers", "Asel@Example.KZ", "--segment", "Новости", env=env)

    token = link_keys(KEY).make("asel@example.kz", "Новости")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        f"List-Unsubscribe: <{BASE}/u/{token}>, <mailto:hello@1texno.kz?subject=unsubscribe-{token}>",
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
    ]
    assert link_keys(KEY).read(token, date.today()) is not None


@pytest.mark.parametrize(
    ("unset", "reason"),
    [
        (
            "INBOXBOT_LINKS__KEY",
            "inboxbot: links.key is not set: export INBOXBOT_LINKS__KEY (32+ characters)",
        ),
        (
            "INBOXBOT_LINKS__BASE_URL",
            "inboxbot: links.base_url is not set: INBOXBOT_LINKS__BASE_URL, the public URL of 'inboxbot serve'",
        ),
    ],
)
def test_without_a_key_or_a_base_url_nothing_is_made(env: dict[str, str], unset: str, reason: str) -> None:
    env = {**env, unset: ""}
    headers = inboxbot("unsubscribe-headers", "asel@example.kz", env=env)
    export = inboxbot("segments", "export", "Новости", "--with-unsubscribe-url", env=env)

    assert (headers.returncode, headers.stdout, headers.stderr.strip()) == (2, "", reason)
    assert (export.returncode, export.stdout, export.stderr.strip()) == (2, "", reason)


def test_not_an_address_is_refused(env: dict[str, str]) -> None:
    result = inboxbot("unsubscribe-headers", "not-an-address", env=env)
    assert (result.returncode, result.stderr.strip()) == (
        2,
        "inboxbot: not an e-mail address: 'not-an-address'",
    )


def test_a_segment_exports_with_each_members_unsubscribe_url(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("email,name\nasel@example.kz,Asel\njohn@example.com,John\n", encoding="utf-8")
    assert inboxbot("contacts", "import", str(path), "--segment", "Новости", env=env).returncode == 0

    as_csv = inboxbot("segments", "export", "Новости", "--with-unsubscribe-url", env=env)
    as_json = inboxbot("segments", "export", "Новости", "--with-unsubscribe-url", "--format", "json", env=env)
    plain = inboxbot("segments", "export", "Новости", env=env)

    keys = link_keys(KEY)
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [(r["email"], r["unsubscribe_url"]) for r in rows] == [
        (email, f"{BASE}/u/{keys.make(email, 'Новости')}")
        for email in ("asel@example.kz", "john@example.com")
    ]
    assert [r["unsubscribe_url"] for r in json.loads(as_json.stdout)] == [r["unsubscribe_url"] for r in rows]
    assert plain.stdout.splitlines()[0] == "email,name,phone,language"  # unchanged without the option
