"""Parsing and classifying in a pool of processes: the same verdicts, and nothing lost when it breaks.

Real processes (spawned as in production), a real Maildir, SQLite.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from inboxbot.adapters.db import schema
from inboxbot.adapters.mailbox_maildir import MaildirMailbox
from inboxbot.adapters.process_pool import MIN_BATCH, ProcessPreparer, make_preparer
from inboxbot.bootstrap import App, build, folders
from inboxbot.core.classify import classify
from inboxbot.core.intents import Classification
from inboxbot.core.mail import ParsedMail, ParseLimits
from inboxbot.service.inbound import Outcome
from inboxbot.service.preparation import Classifier, InlinePreparer, Preparation, RawMail
from inboxbot.service.worker import PollReport
from tests.support import QUESTION_EN, ROOT, UNSUBSCRIBE_RU, Clock, make_mail, settings_for

CORPUS = ROOT / "tests" / "data" / "corpus-dev"
MARKER = "XYZZY-TRIGGER"  # a mail carrying this makes the test classifiers misbehave


def fails_on_marker(mail: ParsedMail) -> Classification:
    if MARKER in mail.text:
        raise KeyError("a classifier bug")
    return classify(mail)


def dies_in_a_pool_process(mail: ParsedMail) -> Classification:
    """Kills the pool process it runs in (as the OOM killer would); harmless in the worker itself."""
    if MARKER in mail.text and multiprocessing.parent_process() is not None:
        os._exit(9)
    return classify(mail)


def _summary(preparation: Preparation) -> tuple[object, ...]:
    verdict = preparation.verdict
    return (
        preparation.digest,
        preparation.key,
        preparation.unreadable,
        preparation.mail.text if preparation.mail else None,
        (verdict.intents, verdict.language, verdict.needs_review) if verdict else None,
    )


def test_a_pool_prepares_every_kind_of_mail_as_the_worker_itself_would() -> None:
    limits = ParseLimits(max_message_bytes=64 * 1024)
    raws: list[RawMail] = [(path.read_bytes(), None) for path in sorted(CORPUS.glob("*.eml"))[:40]]
    raws += [(b"\x00\xff not a mail at all", None), (make_mail(QUESTION_EN), 10**9)]
    inline = InlinePreparer(limits, classify)
    pool = ProcessPreparer(2, InlinePreparer(limits, classify))
    try:
        pooled = pool.start(raws)()
    finally:
        pool.close()
    assert [_summary(p) for p in pooled] == [_summary(p) for p in inline.prepare_all(raws)]
    assert "exceeds the 65536-byte limit" in pooled[-1].unreadable


def _app(tmp_path: Path, classifier: Classifier, processes: int = 1) -> App:
    settings = settings_for(
        db_url=f"sqlite:///{tmp_path}/db.sqlite",
        maildir=tmp_path / "mail",
        files=tmp_path / "out",
        worker={"parse_processes": processes},
    )
    app = build(settings, clock=Clock(), classifier=classifier)
    schema.upgrade(app.store.engine)
    return app


def _inbox(app: App, tmp_path: Path) -> MaildirMailbox:
    """The test's Maildir, read in batches of twice the smallest a pool takes."""
    limit = app.settings.limits.max_message_bytes
    return MaildirMailbox(tmp_path / "mail", folders(app.settings), limit, batch_size=2 * MIN_BATCH)


def _drain(
    tmp_path: Path, classifier: Classifier, processes: int = 1, stop: bool = False
) -> tuple[PollReport, list[MutableMapping[str, Any]]]:
    """One poll of the test's Maildir by an app whose pool has ``processes``; its report and log."""
    app = _app(tmp_path, classifier, processes)
    try:
        with capture_logs() as logs:
            report = app.worker.poll(_inbox(app, tmp_path), should_stop=(lambda: True) if stop else None)
    finally:
        app.close()
    return report, logs


def _backlog(tmp_path: Path, count: int, marked: int) -> None:
    new = tmp_path / "mail" / "new"
    new.mkdir(parents=True)
    for i in range(count):
        body = f"{UNSUBSCRIBE_RU} {MARKER}" if i == marked else f"{QUESTION_EN} #{i}"
        (new / f"{1764000000 + i}.M{i}.test").write_bytes(make_mail(body, sender=f"c{i}@example.kz"))


def test_a_classifier_failing_in_a_pool_process_quarantines_only_that_mail(tmp_path: Path) -> None:
    _backlog(tmp_path, 3 * MIN_BATCH, marked=MIN_BATCH + 1)
    report, logs = _drain(tmp_path, fails_on_marker)
    assert report.outcomes == {Outcome.TICKET_OPENED: 3 * MIN_BATCH - 1, Outcome.QUARANTINED: 1}
    assert any(entry["event"] == "process_pool.started" for entry in logs)
    [failure] = [entry for entry in logs if entry["event"] == "classifier.failed"]
    assert "KeyError" in failure["traceback"]
    assert len(list((tmp_path / "mail" / ".Quarantine" / "cur").iterdir())) == 1


def test_a_pool_process_killed_mid_backlog_loses_nothing(tmp_path: Path) -> None:
    _backlog(tmp_path, 6 * MIN_BATCH, marked=MIN_BATCH + 1)  # three batches; the first one breaks
    report, logs = _drain(tmp_path, dies_in_a_pool_process)
    assert report.outcomes == {Outcome.TICKET_OPENED: 6 * MIN_BATCH}
    assert [entry["event"] for entry in logs].count("process_pool.broken") == 1
    assert [entry["event"] for entry in logs].count("process_pool.started") == 2  # replaced, not given up
    assert list((tmp_path / "mail" / "new").iterdir()) == []


def test_a_classifier_that_cannot_go_to_another_process_runs_in_the_worker(tmp_path: Path) -> None:
    def local_classifier(mail: ParsedMail) -> Classification:  # a closure: it cannot be pickled
        return classify(mail)

    assert isinstance(make_preparer(2, ParseLimits(), local_classifier), InlinePreparer)
    _backlog(tmp_path, 2 * MIN_BATCH, marked=-1)
    report, logs = _drain(tmp_path, local_classifier)
    assert report.outcomes == {Outcome.TICKET_OPENED: 2 * MIN_BATCH}
    assert not [entry for entry in logs if entry["event"] == "process_pool.started"]


@pytest.mark.parametrize("processes", [0, 1])
def test_a_stop_between_batches_leaves_the_batch_read_ahead_in_the_inbox(
    tmp_path: Path, processes: int
) -> None:
    _backlog(tmp_path, 4 * MIN_BATCH, marked=-1)
    report, logs = _drain(tmp_path, classify, processes, stop=True)
    assert report.total == 2 * MIN_BATCH  # one batch, though the next one had been read and started
    assert len(list((tmp_path / "mail" / "new").iterdir())) == 2 * MIN_BATCH
    assert [entry["event"] for entry in logs].count("process_pool.started") == processes
