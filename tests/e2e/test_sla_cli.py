"""`inboxbot sla report` and `inboxbot tickets list --overdue / --due-within` as staff and monitoring use them."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tests.support import QUESTION_EN, env_for, inboxbot, make_mail, settings_for

pytestmark = pytest.mark.e2e


def deliver(maildir: Path, name: str, raw: bytes, hours_ago: float) -> None:
    """A Maildir delivery ``hours_ago`` hours in the past (its delivery time is the file's mtime)."""
    path = maildir / "new" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    moment = time.time() - hours_ago * 3600
    os.utime(path, (moment, moment))


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    maildir = tmp_path / "mail"
    deliver(maildir, "a", make_mail(QUESTION_EN, sender="late@example.com"), 30)
    deliver(maildir, "b", make_mail(QUESTION_EN, sender="risky@example.com"), 22)
    deliver(maildir, "c", make_mail(QUESTION_EN, sender="fresh@example.com"), 1)
    deliver(maildir, "d", make_mail("Отпишите меня от рассылки.", sender="gone@example.kz"), 2)
    settings = settings_for(
        db_url=f"sqlite:///{tmp_path}/db.sqlite", maildir=maildir, files=tmp_path / "outbox"
    )
    environment = env_for(settings)
    assert inboxbot("db", "upgrade", env=environment).returncode == 0
    assert inboxbot("run-once", env=environment).returncode == 0
    return environment


def test_report_shows_met_breached_open_and_at_risk(env: dict[str, str]) -> None:
    result = inboxbot("sla", "report", "--json", env=env)
    report = json.loads(result.stdout)
    assert report["version"] == 1
    assert report["total"] | {"median_hours_to_resolve": None, "p95_hours_to_resolve": None} == {
        "received": 4,
        "resolved": 1,
        "resolved_within_sla": 1,
        "breached": 1,
        "open": 3,
        "overdue": 1,
        "at_risk": 1,
        "within_sla_ratio": 1.0,
        "median_hours_to_resolve": None,
        "p95_hours_to_resolve": None,
    }
    assert report["total"]["median_hours_to_resolve"] == pytest.approx(2.0, abs=0.1)
    assert set(report["categories"]) == {"other", "unsubscribe"}
    table = inboxbot("sla", "report", env=env).stdout
    assert "unsubscribe" in table and "total" in table


def test_overdue_and_due_within_list_the_right_tickets(env: dict[str, str]) -> None:
    overdue = json.loads(inboxbot("tickets", "list", "--overdue", "--json", env=env).stdout)
    soon = json.loads(inboxbot("tickets", "list", "--due-within", "4h", "--json", env=env).stdout)
    assert [t["sender"] for t in overdue] == ["late@example.com"]
    assert [t["sender"] for t in soon] == ["late@example.com", "risky@example.com"]
    bad = inboxbot("tickets", "list", "--due-within", "soon", env=env)
    assert bad.returncode == 2 and "not a duration" in bad.stderr


def test_report_period_is_given_in_days(env: dict[str, str]) -> None:
    empty = json.loads(
        inboxbot("sla", "report", "--json", "--since", "2020-01-01", "--until", "2020-02-01", env=env).stdout
    )
    assert empty["total"]["received"] == 0 and empty["categories"] == {}
    bad = inboxbot("sla", "report", "--since", "yesterday", env=env)
    assert bad.returncode == 2 and "is not a date" in bad.stderr


def test_a_level_with_a_missing_template_is_refused_at_start(tmp_path: Path) -> None:
    settings = settings_for(
        db_url=f"sqlite:///{tmp_path}/db.sqlite", maildir=tmp_path / "mail", files=tmp_path / "o"
    )
    env = env_for(settings)
    env["INBOXBOT_SLA__LEVELS"] = json.dumps(
        [
            {
                "name": "reminder",
                "at": "12h",
                "recipients": ["support@1texno.kz"],
                "template": "no_such_template",
            }
        ]
    )
    result = inboxbot("run-once", env=env)
    assert result.returncode == 2
    assert "sla.levels[0].template: no template 'no_such_template'" in result.stderr
