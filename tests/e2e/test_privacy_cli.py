"""`inboxbot contacts export` and `inboxbot contacts erase` as staff run them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from inboxbot.config import Settings
from tests.support import env_for, inboxbot, make_mail, settings_for

pytestmark = pytest.mark.e2e

KEY = "an e2e key for erased addresses, 32+ characters"
HER = "asel@example.kz"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    settings: Settings = settings_for(
        db_url=f"sqlite:///{tmp_path}/db.sqlite",
        maildir=tmp_path / "mail",
        files=tmp_path / "outbox",
        identity={"hash_key": KEY},
    )
    environment = env_for(settings)
    assert inboxbot("db", "upgrade", env=environment).returncode == 0
    (tmp_path / "list.csv").write_text(
        f"email,name,phone,language\n{HER},Асель,+7 701 000 00 01,ru\njohn@example.com,John,,en\n",
        encoding="utf-8",
    )
    assert (
        inboxbot(
            "contacts", "import", str(tmp_path / "list.csv"), "--segment", "Новости", env=environment
        ).returncode
        == 0
    )
    (tmp_path / "mail" / "new").mkdir(parents=True)
    (tmp_path / "mail" / "new" / "1").write_bytes(
        make_mail("Сколько стоит тариф? Асель, +7 701 000 00 01", sender=f"Асель <{HER}>", subject="Тариф")
    )
    assert inboxbot("run-once", env=environment).returncode == 0
    return environment


def test_export_prints_her_summary_or_the_whole_document(env: dict[str, str], tmp_path: Path) -> None:
    document = json.loads(inboxbot("contacts", "export", "ASEL@example.kz", "--json", env=env).stdout)
    summary = inboxbot("contacts", "export", HER, env=env)
    written = inboxbot("contacts", "export", HER, "--json", "--out", str(tmp_path / "her.json"), env=env)

    assert document["address"] == HER and document["contact"]["name"] == "Асель"
    assert [s["name"] for s in document["segments"]] == ["Новости"]
    assert [(t["subject"], t["status"]) for t in document["tickets"]] == [("Тариф", "new")]
    assert [
        (m["direction"], m["kind"] if m["direction"] == "out" else m["subject"]) for m in document["mails"]
    ] == [
        ("in", "Тариф"),
        ("out", "ack"),
    ]
    assert summary.returncode == 0 and "Ваши обращения (1):" in summary.stdout
    assert "Списки рассылок: Новости" in summary.stdout
    assert written.stdout.strip() == f"{HER}: written to {tmp_path / 'her.json'}"
    assert json.loads((tmp_path / "her.json").read_text(encoding="utf-8"))["tickets"] == document["tickets"]


def test_erase_says_what_it_erased_and_the_address_stays_out(env: dict[str, str], tmp_path: Path) -> None:
    result = inboxbot("contacts", "erase", HER, "--reason", "asked by mail", "--by", "dana", env=env)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        f"{HER}: erased",
        "  contact: deleted (left segments: Новости)",
        "  tickets redacted: HB-" + lines[2].split("HB-")[1],
        "  mails: 1 received, 1 sent or queued",
    ]
    assert lines[-1].startswith("  suppressed as hmac-sha256:")
    with sqlite3.connect(tmp_path / "db.sqlite") as connection:
        dump = "\n".join(connection.iterdump()).lower()
    assert HER not in dump and "john@example.com" in dump
    again = inboxbot("contacts", "import", str(tmp_path / "list.csv"), "--segment", "Новости", env=env).stdout
    assert "1 suppressed address(es) skipped" in again
    shown = json.loads(inboxbot("contacts", "show", HER, "--json", env=env).stdout)
    assert shown["suppressed"] and shown["segments"] == []
    assert (shown["history"][-1]["action"], shown["history"][-1]["actor"]) == ("erased", "staff:dana")


@pytest.mark.parametrize(
    ("key", "args", "words"),
    [
        ("", ("--reason", "asked"), "identity.hash_key is not set: export INBOXBOT_IDENTITY__HASH_KEY"),
        (KEY, ("--reason", " "), "--reason must say why"),
        (KEY, ("--reason", "asked", "--by", "x"), None),
    ],
)
def test_erase_refuses_in_one_line_with_exit_2(
    env: dict[str, str], key: str, args: tuple[str, ...], words: str | None
) -> None:
    target = HER if words is not None else "not-an-address"
    result = inboxbot("contacts", "erase", target, *args, env={**env, "INBOXBOT_IDENTITY__HASH_KEY": key})
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert (words or "not an e-mail address") in result.stderr


def test_a_key_too_short_is_refused_at_start(env: dict[str, str]) -> None:
    result = inboxbot("contacts", "show", HER, env={**env, "INBOXBOT_IDENTITY__HASH_KEY": "short"})
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "inboxbot: invalid configuration: identity.hash_key is 5 characters long: 32 at least are needed"
    )
