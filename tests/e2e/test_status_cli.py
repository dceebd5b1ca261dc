"""``inboxbot status [--json]`` as an operator (or a monitoring check) runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.harness.dovecot import ImapAccount, append
from tests.harness.net import free_port
from tests.support import QUESTION_EN, env_for, inboxbot, make_mail, settings_for

pytestmark = pytest.mark.e2e


def status(env: dict[str, str]) -> dict[str, object]:
    result = inboxbot("status", "--json", env=env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


def test_status_before_and_after_a_run(imap_account: ImapAccount, tmp_path: Path) -> None:
    settings = settings_for(
        db_url=f"sqlite:///{tmp_path}/db.sqlite", imap_account=imap_account, files=tmp_path / "outbox"
    )
    env = env_for(settings)
    assert inboxbot("db", "upgrade", env=env).returncode == 0
    for n in range(2):
        append(imap_account, make_mail(QUESTION_EN, sender=f"client{n}@example.kz"))

    before = status(env)
    assert before["last_poll_at"] is None
    assert before["mailbox"] == {"source": "imap:INBOX", "waiting": 2, "error": None}
    assert before["tickets"] == {"open": 0, "overdue": 0}

    assert inboxbot("run-once", env=env).returncode == 0
    after = status(env)
    assert set(after) == set(before)
    assert isinstance(after["last_poll_at"], str)
    assert after["mailbox"] == {"source": "imap:INBOX", "waiting": 0, "error": None}
    assert after["outbox"] == {
        "pending": 0,
        "failed": 0,
        "oldest_pending_at": None,
        "oldest_pending_age_seconds": None,
    }
    assert after["tickets"] == {"open": 2, "overdue": 0}

    text = inboxbot("status", env=env)
    assert text.returncode == 0, text.stderr
    assert "last poll: 20" in text.stdout
    assert "0 mail(s) waiting in imap:INBOX" in text.stdout
    assert "2 open, 0 overdue" in text.stdout


def test_status_with_the_mailbox_unreachable_says_why_and_exits_0(tmp_path: Path) -> None:
    port = free_port()
    settings = settings_for(
        db_url=f"sqlite:///{tmp_path}/db.sqlite",
        files=tmp_path / "outbox",
        source="imap",
        imap={"host": "127.0.0.1", "port": port, "security": "none", "username": "u", "password": "p"},
    )
    env = env_for(settings)
    assert inboxbot("db", "upgrade", env=env).returncode == 0

    data = status(env)
    mailbox = data["mailbox"]
    assert isinstance(mailbox, dict)
    assert mailbox["waiting"] is None
    assert f"127.0.0.1:{port} unreachable" in mailbox["error"]
    assert data["tickets"] == {"open": 0, "overdue": 0}

    text = inboxbot("status", env=env)
    assert text.returncode == 0, text.stderr
    assert "mailbox:   UNREACHABLE: IMAP server" in text.stdout
    assert "last poll: never" in text.stdout


def test_status_on_a_database_never_upgraded_names_the_fix(tmp_path: Path) -> None:
    settings = settings_for(
        db_url=f"sqlite:///{tmp_path}/db.sqlite", maildir=tmp_path / "maildir", files=tmp_path / "out"
    )
    result = inboxbot("status", env=env_for(settings))
    assert result.returncode == 2
    assert "inboxbot db upgrade" in result.stderr
    assert result.stderr.count("\n") == 1
