"""The console's actions from the command line (for scripts), on SQLite and PostgreSQL: reply, note,
assign, wait, reopen, resolve with a notice, dismiss; `tickets show` prints the client's text."""

from __future__ import annotations

import email
import email.policy
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.harness.postgres import PostgresServer
from tests.support import ROOT, env_for, inboxbot, settings_for

pytestmark = pytest.mark.e2e
SAMPLES = ROOT / "samples" / "maildir"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """One database per kind for the module: each test below works on tickets of its own."""
    base = tmp_path_factory.mktemp("desk")
    if request.param == "sqlite":
        yield f"sqlite:///{base}/inboxbot.db", base
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    with server.fresh_database() as url:
        yield url, base


@pytest.fixture(scope="module")
def env(database: tuple[str, Path]) -> dict[str, str]:
    """The demo mailbox taken in, with two staff accounts."""
    url, base = database
    shutil.copytree(SAMPLES, base / "maildir")
    environment = env_for(settings_for(db_url=url, maildir=base / "maildir", files=base / "outbox"))
    assert inboxbot("db", "upgrade", env=environment).returncode == 0
    assert inboxbot("run-once", env=environment).returncode == 0
    for who, name in (("aigerim@1texno.kz", "Айгерим"), ("tom@1texno.kz", "Tom")):
        added = add_staff(environment, who, name, "a long passphrase")
        assert added.returncode == 0, added.stderr
    return environment


@pytest.fixture
def outbox(database: tuple[str, Path]) -> Path:
    return database[1] / "outbox"


def add_staff(env: dict[str, str], email: str, name: str, password: str) -> subprocess.CompletedProcess[str]:
    return inboxbot("staff", "add", email, "--name", name, "--password-stdin", env=env, stdin=f"{password}\n")


def show(env: dict[str, str], ident: str) -> dict[str, Any]:
    result = inboxbot("tickets", "show", ident, "--json", env=env)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def sent_mail(outbox: Path, kind_in_id: str) -> email.message.EmailMessage:
    for path in sorted(outbox.glob("*.eml")):
        mail = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if kind_in_id in str(mail["Message-ID"]):
            assert isinstance(mail, email.message.EmailMessage)
            return mail
    raise AssertionError(f"no {kind_in_id} mail in the outbox")


def test_reply_and_wait_mails_the_client_threaded_and_stops_the_clock(
    env: dict[str, str], outbox: Path
) -> None:
    before = show(env, "4")

    result = inboxbot(
        "tickets",
        "reply",
        "4",
        "--text",
        "Номер обновили.\n\nСпасибо!",
        "--wait",
        "--by",
        "aigerim@1texno.kz",
        env=env,
    )
    inboxbot("run-once", env=env)

    assert result.returncode == 0, result.stderr
    after = show(env, "4")
    assert after["status"] == "waiting"
    replied = [e for e in after["events"] if e["kind"] == "replied"]
    assert replied[0]["actor"] == "staff:aigerim@1texno.kz" and replied[0]["detail"]["mode"] == "wait"
    mail = sent_mail(outbox, "staff-reply")
    assert mail["In-Reply-To"] == before["message_id"]
    assert mail["Subject"] == f"[{before['number']}] Re: {before['subject']}"
    assert mail["To"].addresses[0].addr_spec == before["sender"]
    assert mail["Auto-Submitted"] is None  # a person wrote it
    body = mail.get_body(("plain",))
    assert body is not None and "Номер обновили." in body.get_content()


def test_note_assign_wait_reopen_and_resolve_with_a_notice(env: dict[str, str], outbox: Path) -> None:
    steps = [
        ("note", "8", "--text", "called her back"),
        ("assign", "8", "--to", "tom@1texno.kz"),
        ("wait", "8"),
        ("reopen", "8"),
        ("resolve", "8", "--note", "address updated", "--notify"),
    ]
    for step in steps:
        result = inboxbot("tickets", *step, "--by", "aigerim@1texno.kz", env=env)
        assert result.returncode == 0, (step, result.stderr)
    inboxbot("run-once", env=env)

    after = show(env, "8")
    kinds = [e["kind"] for e in after["events"] if e["actor"] == "staff:aigerim@1texno.kz"]
    assert kinds == ["note", "assigned", "status_changed", "status_changed", "resolved"]
    assert after["status"] == "resolved"
    notice = sent_mail(outbox, "closing-notice")
    assert notice["To"].addresses[0].addr_spec == after["sender"]
    assert notice["Content-Language"] == "ru"  # in the client's language


def test_a_note_is_never_mailed(env: dict[str, str], outbox: Path) -> None:
    before = len(list(outbox.glob("*.eml")))
    inboxbot("tickets", "note", "6", "--text", "the client is a VIP", env=env)
    inboxbot("run-once", env=env)
    assert len(list(outbox.glob("*.eml"))) == before
    assert any(e["kind"] == "note" for e in show(env, "6")["events"])


def test_dismissing_a_ticket_closes_it_without_mail(env: dict[str, str], outbox: Path) -> None:
    before = len(list(outbox.glob("*.eml")))
    result = inboxbot("tickets", "dismiss", "9", "--reason", "spam", env=env)
    inboxbot("run-once", env=env)
    after = show(env, "9")
    assert result.returncode == 0, result.stderr
    assert after["status"] == "resolved"
    assert [e["detail"].get("reason") for e in after["events"] if e["kind"] == "dismissed"] == ["spam"]
    assert len(list(outbox.glob("*.eml"))) == before


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("assign", "4", "--to", "nobody-here@1texno.kz"), "no active staff account"),
        (("wait", "1"), "is resolved"),
        (("reopen", "10"), "nothing to reopen"),
        (("reply", "10", "--text", "   "), "the text is empty"),
        (("reply", "4", "--text", "x", "--file", "-"), "not both"),
        (("dismiss", "1"), "is resolved already"),
    ],
)
def test_actions_that_make_no_sense_are_refused_in_one_line(
    env: dict[str, str], args: tuple[str, ...], reason: str
) -> None:
    result = inboxbot("tickets", *args, env=env)
    assert result.returncode == 2
    assert reason in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_show_prints_the_clients_own_text_first_and_folds_the_quote(env: dict[str, str]) -> None:
    shown = inboxbot("tickets", "show", "4", env=env).stdout
    data = show(env, "4")
    assert "Client's mails (newest first):" in shown
    assert "+7 705 000 11 22" in shown  # what the client wrote, not only its metadata
    assert data["mails"][0]["new_text"].startswith("Здравствуйте!")


def test_staff_accounts_from_the_command_line(env: dict[str, str]) -> None:
    short = add_staff(env, "x@1texno.kz", "X", "short")
    added = add_staff(env, "zed@1texno.kz", "Zed", "another long one")
    twice = add_staff(env, "ZED@1texno.kz", "Z", "another long one")
    disabled = inboxbot("staff", "disable", "zed@1texno.kz", env=env)
    listed = [line for line in inboxbot("staff", "list", env=env).stdout.splitlines() if "@1texno.kz" in line]

    assert short.returncode == 2 and "at least 12 characters" in short.stderr
    assert added.returncode == 0
    assert twice.returncode == 2 and "already has an account" in twice.stderr
    assert disabled.returncode == 0
    assert {line.split()[0]: line.endswith("(disabled)") for line in listed} == {
        "aigerim@1texno.kz": False,
        "tom@1texno.kz": False,
        "zed@1texno.kz": True,
    }
