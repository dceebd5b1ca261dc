"""The `inboxbot` command as a user runs it: exit codes, one-line reasons, JSON contracts."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pytest_httpserver import HTTPServer

from inboxbot.config import Settings
from tests.support import ROOT, env_for, inboxbot, settings_for

pytestmark = pytest.mark.e2e
SAMPLES = ROOT / "samples" / "maildir"


@pytest.fixture
def demo(tmp_path: Path) -> Settings:
    shutil.copytree(SAMPLES, tmp_path / "maildir")
    return settings_for(
        db_url=f"sqlite:///{tmp_path}/inboxbot.db", maildir=tmp_path / "maildir", files=tmp_path / "outbox"
    )


def test_demo_run_opens_tickets_and_writes_acknowledgements(demo: Settings, tmp_path: Path) -> None:
    env = env_for(demo)
    assert inboxbot("db", "upgrade", env=env).returncode == 0

    run = inboxbot("run-once", env=env)

    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("inboxbot: 13 mail(s): ")
    listed = json.loads(inboxbot("tickets", "list", "--json", "--status", "all", env=env).stdout)
    assert len(listed) == 10
    for key in (
        "number",
        "status",
        "intents",
        "language",
        "sender",
        "subject",
        "message_id",
        "received_at",
        "due_at",
    ):
        assert all(key in ticket for ticket in listed)
    assert {t["language"] for t in listed} == {"ru", "kk", "en"}
    # three unsubscribe-only requests are fulfilled and closed at once; their confirmation is the answer
    assert sum(t["status"] == "resolved" for t in listed) == 3
    sent = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(sent) == 11  # 7 acknowledgements + 4 unsubscribe confirmations (one with a data change)
    moved = {p.parent.parent.name: 0 for p in (tmp_path / "maildir").glob(".*/cur/*")}
    for p in (tmp_path / "maildir").glob(".*/cur/*"):
        moved[p.parent.parent.name] += 1
    assert moved == {".Processed": 10, ".Automated": 2, ".Quarantine": 1}
    assert list((tmp_path / "maildir" / "new").iterdir()) == []


def test_table_lists_open_tickets_and_show_and_resolve_work(demo: Settings) -> None:
    env = env_for(demo)
    inboxbot("db", "upgrade", env=env)
    inboxbot("run-once", env=env)
    listed = json.loads(inboxbot("tickets", "list", "--json", env=env).stdout)
    # a question: acknowledged (a data request is answered by its verification mail instead)
    first = next(t["number"] for t in listed if t["intents"] == ["other"])
    change = next(t["number"] for t in listed if t["intents"] == ["data_change"])
    change_shown = json.loads(inboxbot("tickets", "show", change, "--json", env=env).stdout)

    table = inboxbot("tickets", "list", env=env)
    shown = json.loads(inboxbot("tickets", "show", first, "--json", env=env).stdout)
    resolved = inboxbot(
        "tickets", "resolve", first, "--note", "removed from all lists", "--by", "aigerim", env=env
    )
    again = inboxbot("tickets", "resolve", first, "--note", "again", env=env)
    after = json.loads(inboxbot("tickets", "show", first, "--json", env=env).stdout)

    assert first in table.stdout and "7 ticket(s)" in table.stdout
    assert [e["kind"] for e in shown["events"]][:2] == ["opened", "ack_queued"]
    assert {e["intent"] for e in change_shown["evidence"]} == {"data_change"}  # why it was classified so
    assert resolved.stdout.strip() == f"{first} resolved"
    assert again.stdout.strip() == f"{first} was already resolved"
    assert after["status"] == "resolved"
    assert after["events"][-1]["actor"] == "staff:aigerim"
    assert after["events"][-1]["detail"]["note"] == "removed from all lists"
    human = inboxbot("tickets", "show", first, env=env).stdout
    assert "Evidence:" in human and "resolved" in human


def test_show_of_an_unknown_ticket_says_so(demo: Settings) -> None:
    env = env_for(demo)
    inboxbot("db", "upgrade", env=env)
    result = inboxbot("tickets", "show", "HB-2026-999999", env=env)
    assert (result.returncode, result.stderr.strip()) == (1, "inboxbot: no ticket 'HB-2026-999999'")


@pytest.mark.parametrize(
    "command",
    [
        ("run-once",),
        ("status",),
        ("tickets", "list"),
        ("tickets", "show", "HB-2026-000001"),
        ("tickets", "resolve", "HB-2026-000001", "--note", "done"),
        ("contacts", "show", "client@example.kz"),
        ("segments", "list"),
        ("segments", "export", "News"),
        ("sla", "report"),
    ],
)
def test_every_command_on_a_database_never_upgraded_says_to_upgrade(
    demo: Settings, command: tuple[str, ...]
) -> None:
    result = inboxbot(*command, env=env_for(demo))
    assert result.returncode == 2
    assert result.stderr.strip().endswith("run 'inboxbot db upgrade'")
    assert len(result.stderr.strip().splitlines()) == 1


def test_run_once_leaves_a_heartbeat_for_every_job_it_ran(demo: Settings) -> None:
    env = env_for(demo)
    inboxbot("db", "upgrade", env=env)
    assert inboxbot("run-once", env=env).returncode == 0

    beats = json.loads(inboxbot("status", "--json", env=env).stdout)["heartbeats"]
    text = inboxbot("status", env=env).stdout

    assert {name: beat is not None for name, beat in beats.items()} == {
        "poll": True,
        "deliver": True,
        "fulfil": True,
        "sla": True,
        "notify": True,
        "retention": True,
    }
    assert "never" not in text


def test_contacts_show_gives_times_in_the_configured_zone(demo: Settings) -> None:
    env = {**env_for(demo), "INBOXBOT_TICKETS__TIMEZONE": "Pacific/Auckland"}
    inboxbot("db", "upgrade", env=env)
    inboxbot("run-once", env=env)
    address = "asel.zhumabayeva@example.kz"  # her unsubscribe is fulfilled by the run

    card = json.loads(inboxbot("contacts", "show", address, "--json", env=env).stdout)
    text = inboxbot("contacts", "show", address, env=env).stdout

    suppressed = datetime.fromisoformat(card["suppressed_at"])
    local = suppressed.astimezone(ZoneInfo("Pacific/Auckland")).strftime("%Y-%m-%d %H:%M")
    assert suppressed.utcoffset() == timedelta(0)  # JSON stays UTC
    assert f"SUPPRESSED since {local}" in text
    assert "history (times in Pacific/Auckland):" in text
    assert f"  {local}  inboxbot" in text
    assert card["suppressed_at"] not in text


def test_triage_refuses_what_makes_no_sense_and_changes_nothing(demo: Settings, tmp_path: Path) -> None:
    env = env_for(demo)
    inboxbot("db", "upgrade", env=env)
    inboxbot("run-once", env=env)
    with sqlite3.connect(tmp_path / "inboxbot.db") as db:  # a ticket the classifier was unsure of
        db.execute("UPDATE ticket SET needs_review = 1 WHERE number LIKE '%-000009'")
    listed = {
        t["number"][-6:]: t
        for t in json.loads(inboxbot("tickets", "list", "--json", "--status", "all", env=env).stdout)
    }
    resolved, unflagged, flagged = (listed[n]["number"] for n in ("000001", "000004", "000009"))

    refusals = {
        "resolved": inboxbot("tickets", "approve", resolved, env=env),
        "unflagged": inboxbot("tickets", "approve", unflagged, env=env),
        "automated": inboxbot("tickets", "approve", flagged, "--intents", "automated", env=env),
        "overdue resolved": inboxbot("tickets", "list", "--overdue", "--status", "resolved", env=env),
        "due resolved": inboxbot("tickets", "list", "--due-within", "4h", "--status", "all", env=env),
    }

    reasons = {name: (r.returncode, len(r.stderr.strip().splitlines())) for name, r in refusals.items()}
    assert reasons == dict.fromkeys(refusals, (2, 1))
    assert "is resolved" in refusals["resolved"].stderr
    assert "not flagged for review" in refusals["unflagged"].stderr
    assert "not a request" in refusals["automated"].stderr
    assert "resolved tickets have no deadline" in refusals["overdue resolved"].stderr
    after = json.loads(inboxbot("tickets", "show", flagged, "--json", env=env).stdout)
    assert (after["status"], after["intents"], after["needs_review"]) == ("new", ["other"], True)


def test_overdue_listing_keeps_a_status_filter(demo: Settings) -> None:
    env = env_for(demo)
    inboxbot("db", "upgrade", env=env)
    inboxbot("run-once", env=env)
    inboxbot("tickets", "resolve", "4", "--note", "done", env=env)  # by database id

    soon = json.loads(inboxbot("tickets", "list", "--due-within", "2d", "--json", env=env).stdout)
    waiting = json.loads(
        inboxbot("tickets", "list", "--due-within", "2d", "--status", "waiting", "--json", env=env).stdout
    )

    # the three data requests still waiting on their senders' codes, and no other ticket
    assert len(soon) == 6
    assert [t["status"] for t in waiting] == ["waiting"] * 3
    assert {t["category"] for t in waiting} == {"data_change", "data_deletion", "data_access"}


def test_invalid_configuration_is_refused_naming_the_key(demo: Settings) -> None:
    env = {**env_for(demo), "INBOXBOT_IMAP__PORT": "not-a-port"}
    result = inboxbot("run-once", env=env)
    assert result.returncode == 2
    assert "imap.port (INBOXBOT_IMAP__PORT): Input should be a valid integer" in result.stderr


def test_unreachable_imap_server_exits_3_with_one_line(demo: Settings) -> None:
    env = {
        **env_for(demo),
        "INBOXBOT_SOURCE": "imap",
        "INBOXBOT_IMAP__HOST": "127.0.0.1",
        "INBOXBOT_IMAP__PORT": "9",
    }
    inboxbot("db", "upgrade", env=env)
    result = inboxbot("run-once", env=env)
    assert result.returncode == 3
    [line] = result.stderr.strip().splitlines()[-1:]
    assert line.startswith("inboxbot: IMAP server 127.0.0.1:9 unreachable")


def test_check_gives_a_verdict_per_part(demo: Settings) -> None:
    env = env_for(demo)
    before = inboxbot("check", env=env)
    inboxbot("db", "upgrade", env=env)
    after = inboxbot("check", env=env)
    assert before.returncode == 3 and "database: FAILED: SQLite database" in before.stdout
    assert "does not exist: run 'inboxbot db upgrade'" in before.stdout
    assert after.returncode == 0, after.stdout
    assert "  database:  sqlite:///" in after.stdout
    verdicts = [line for line in after.stdout.splitlines() if not line.startswith(" ")]
    assert [line.split(":")[0] for line in verdicts] == [
        "configuration",
        "mailbox",
        "transport",
        "database",
    ]


def test_classify_json_gives_one_line_per_file_even_for_broken_ones(tmp_path: Path) -> None:
    good = SAMPLES / "new" / "06-en-delete"
    broken = ROOT / "tests" / "data" / "mail" / "bad-base64.eml"
    result = inboxbot("classify", "--json", str(good), str(broken), str(tmp_path / "missing.eml"), env={})
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0
    assert [line["file"] for line in lines] == [str(good), str(broken), str(tmp_path / "missing.eml")]
    assert lines[0]["intents"] == ["data_deletion"] and lines[0]["language"] == "en"
    assert set(lines[0]) == {"file", "intents", "language", "confidence", "needs_review", "evidence"}
    assert "undecodable base64" in lines[1]["error"] and "cannot read" in lines[2]["error"]


def test_logs_carry_no_addresses_or_text(demo: Settings) -> None:
    env = env_for(demo)
    inboxbot("db", "upgrade", env=env)
    result = inboxbot("run-once", env=env)
    assert "mail.processed" in result.stderr
    for secret in ("asel.zhumabayeva@example.kz", "+7 705 000 11 22", "исключите меня", "olga.b@example.de"):
        assert secret not in result.stderr


def _with_backend(env: dict[str, str], tmp_path: Path, url: str, token: str) -> dict[str, str]:
    """A ``[backends.news]`` listmonk section in the file, its token in the environment."""
    config = tmp_path / "backends.toml"
    config.write_text(f'[backends.news]\nkind = "listmonk"\nurl = "{url}"\napi_user = "inboxbot"\n')
    return {**env, "INBOXBOT_CONFIG": str(config), "INBOXBOT_BACKENDS__NEWS__TOKEN": token}


def test_check_tries_each_mailing_platform_with_a_harmless_read(
    demo: Settings, tmp_path: Path, httpserver: HTTPServer
) -> None:
    good = "token inboxbot:right-token"
    httpserver.expect_request("/api/lists", headers={"Authorization": good}).respond_with_json(
        {"data": {"results": [], "total": 2, "per_page": 1, "page": 1}}
    )
    httpserver.expect_request("/api/lists").respond_with_json(
        {"message": "invalid API credentials"}, status=403
    )
    env = env_for(demo)
    inboxbot("db", "upgrade", env=env)

    ok = inboxbot("check", env=_with_backend(env, tmp_path, httpserver.url_for("/"), "right-token"))
    refused = inboxbot("check", env=_with_backend(env, tmp_path, httpserver.url_for("/"), "wrong-token"))

    assert ok.returncode == 0, ok.stdout
    assert "  backend:   news (listmonk)" in ok.stdout and "backend news: ok (listmonk:" in ok.stdout
    assert refused.returncode == 3
    assert "backend news: FAILED" in refused.stdout and "wrong-token" not in refused.stdout + refused.stderr


def test_a_platform_secret_in_the_file_is_refused(demo: Settings, tmp_path: Path) -> None:
    config = tmp_path / "leaky.toml"
    config.write_text('[backends.news]\nkind = "brevo"\napi_key = "xkeysib-123"\n')
    result = inboxbot("check", env={**env_for(demo), "INBOXBOT_CONFIG": str(config)})

    assert result.returncode == 2
    assert "INBOXBOT_BACKENDS__NEWS__API_KEY" in result.stderr and "xkeysib-123" not in result.stderr
