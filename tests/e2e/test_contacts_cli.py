"""`inboxbot contacts` and `inboxbot segments` as staff run them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inboxbot.config import Settings
from tests.support import env_for, inboxbot, make_mail, settings_for

pytestmark = pytest.mark.e2e


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    settings: Settings = settings_for(
        db_url=f"sqlite:///{tmp_path}/db.sqlite", maildir=tmp_path / "mail", files=tmp_path / "outbox"
    )
    environment = env_for(settings)
    assert inboxbot("db", "upgrade", env=environment).returncode == 0
    return environment


def test_import_reports_bad_rows_by_line_and_keeps_the_good_ones(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(
        "E-mail;Name;Phone;Language\r\n"
        "Aigerim@Example.KZ;Айгерім;+7 701 000 00 01;kz\r\n"
        "not-an-address;Нет;;\r\n"
        "pavel@example.ru;Павел;12;ru\r\n"
        "john@example.com;John;;english\r\n"
        "aigerim@example.kz;дубль;;\r\n"
        "ivan@пример.рф;Иван;;ru\r\n".encode("cp1251", errors="replace")
    )
    result = inboxbot("contacts", "import", str(path), "--segment", "Новости", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "6 row(s) read: 2 contact(s) in segment 'Новости' (2 new member(s)); 0 suppressed address(es) skipped; "
        "1 duplicate(s); 3 bad row(s)",
        "  line 3: invalid e-mail 'not-an-address'",
        "  line 4: invalid phone '12'",
        "  line 5: unknown language 'english' (use ru, kk or en)",
    ]
    listed = json.loads(inboxbot("segments", "list", "--json", env=env).stdout)
    assert listed == [{"name": "Новости", "channel": "email", "members": 2}]


def test_a_file_without_an_email_column_is_refused_whole(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("name,phone\nX,+7 701 000 00 01\n", encoding="utf-8")
    result = inboxbot("contacts", "import", str(path), "--segment", "Новости", env=env)
    assert result.returncode == 2 and "has no 'email' column" in result.stderr


def test_unsubscribed_client_is_never_exported_or_reimported_until_resubscribed(
    env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "list.csv"
    path.write_text("email,name\nasel@example.kz,Асель\njohn@example.com,John\n", encoding="utf-8")
    inboxbot("contacts", "import", str(path), "--segment", "Новости", env=env)
    (tmp_path / "mail" / "new").mkdir(parents=True)
    (tmp_path / "mail" / "new" / "1").write_bytes(
        make_mail("Отпишите меня от рассылки.", sender="asel@example.kz")
    )
    assert inboxbot("run-once", env=env).returncode == 0

    exported = inboxbot("segments", "export", "Новости", env=env).stdout.splitlines()
    again = inboxbot("contacts", "import", str(path), "--segment", "Новости", env=env).stdout
    shown = json.loads(inboxbot("contacts", "show", "ASEL@example.kz", "--json", env=env).stdout)
    refused = inboxbot("contacts", "resubscribe", "asel@example.kz", "--note", " ", env=env)
    lifted = inboxbot(
        "contacts", "resubscribe", "asel@example.kz", "--note", "asked by phone", "--by", "dana", env=env
    )
    after = json.loads(inboxbot("contacts", "show", "asel@example.kz", "--json", env=env).stdout)

    assert exported == ["email,name,phone,language", "john@example.com,John,,"]
    assert "1 suppressed address(es) skipped" in again
    assert (shown["segments"], shown["suppressed"]) == ([], True)
    assert {"email", "segments", "suppressed", "suppressed_at", "history"} <= set(shown)
    assert [h["action"] for h in shown["history"]] == ["suppressed", "removed_from_segments"]
    assert refused.returncode == 1
    assert lifted.returncode == 0 and not after["suppressed"]
    assert after["history"][-1]["actor"] == "staff:dana"
    assert after["history"][-1]["detail"]["note"] == "asked by phone"
    exported_json = json.loads(inboxbot("segments", "export", "Новости", "--format", "json", env=env).stdout)
    assert [c["email"] for c in exported_json] == ["john@example.com"]  # lifting does not re-add to segments


def test_export_of_an_unknown_segment_says_so(env: dict[str, str]) -> None:
    result = inboxbot("segments", "export", "nope", env=env)
    assert (result.returncode, result.stderr.strip()) == (1, "inboxbot: no segment 'nope'")
