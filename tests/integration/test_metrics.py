"""``/metrics``' figures after real mail, read back as Prometheus reads them, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from inboxbot.bootstrap import App
from inboxbot.service.metrics import render_metrics
from tests.harness.smtp import SmtpServer
from tests.integration.conftest import AppFactory
from tests.support import CHANGE_KK, QUESTION_EN, ROOT, UNSUBSCRIBE_RU, Clock, bounce, make_mail, settings_for

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]
BROKEN = next((ROOT / "samples" / "maildir").glob("*/13-broken-base64*")).read_bytes()


def scrape(app: App, now: datetime) -> Samples:
    """Every sample of the answer: (name, labels) -> value."""
    text = render_metrics(app.store, now, at_risk=timedelta(hours=4)).decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def by_label(samples: Samples, name: str) -> dict[str, float]:
    return {labels[0][1]: value for (n, labels), value in samples.items() if n == name and labels}


def drop(folder: Path, name: str, raw: bytes, received: datetime) -> None:
    path = folder / "new" / name
    path.write_bytes(raw)
    os.utime(path, (received.timestamp(), received.timestamp()))  # the maildir's delivery time


def test_metrics_show_mails_tickets_queues_and_the_last_poll(
    smtp_server: SmtpServer, db_url: str, tmp_path: Path, make_app: AppFactory, clock: Clock
) -> None:
    folder = tmp_path / "mail"
    app = make_app(
        settings_for(
            db_url=db_url, maildir=folder, smtp_server=smtp_server, notify={"new_ticket": ["duty@1texno.kz"]}
        )
    )
    (folder / "new").mkdir(parents=True)
    now = clock()
    before = scrape(app, now)
    drop(folder, "1", make_mail(QUESTION_EN, sender="soon@example.com"), now - timedelta(hours=21))
    drop(folder, "2", make_mail(QUESTION_EN, sender="late@example.com"), now - timedelta(hours=25))
    drop(folder, "3", make_mail(CHANGE_KK, sender="aigerim@example.kz"), now - timedelta(hours=1))
    drop(folder, "4", make_mail(UNSUBSCRIBE_RU, sender="pavel@example.ru"), now)
    drop(folder, "5", bounce(), now)
    drop(folder, "6", BROKEN, now)

    app.worker.poll()  # taken in; nothing delivered, fulfilled or notified yet
    clock.advance(minutes=10)
    polled = scrape(app, clock())

    assert by_label(before, "inboxbot_mails_total") == {
        "ticket_opened": 0,
        "reply_added": 0,
        "automated": 0,
        "quarantined": 0,
        "spam": 0,
    }
    assert before[("inboxbot_last_poll_timestamp_seconds", ())] == 0
    assert by_label(polled, "inboxbot_mails_total") == {
        "ticket_opened": 4,
        "reply_added": 0,
        "automated": 1,
        "quarantined": 1,
        "spam": 0,
    }
    zero = {"data_access": 0, "data_deletion": 0, "data_change": 0, "unsubscribe": 0, "other": 0}
    assert by_label(polled, "inboxbot_tickets_open") == {
        **zero,
        "other": 2,
        "data_change": 1,
        "unsubscribe": 1,
    }
    assert by_label(polled, "inboxbot_tickets_at_risk") == {**zero, "other": 1}  # due in 2 h 50 min
    assert by_label(polled, "inboxbot_tickets_overdue") == {**zero, "other": 1}
    assert by_label(polled, "inboxbot_outbox_mails") == {"pending": 3, "failed": 0}  # the acks
    assert polled[("inboxbot_outbox_oldest_unsent_age_seconds", ())] == 600
    assert polled[("inboxbot_unsubscribe_fulfilments_pending", ())] == 1
    assert polled[("inboxbot_staff_notices_pending", ())] == 3
    assert abs(polled[("inboxbot_last_poll_timestamp_seconds", ())] - time.time()) < 120

    smtp_server.fail_next(1, stage="rcpt", code=550)  # one ack refused for good
    app.worker.run_once()
    done = scrape(app, clock())

    assert by_label(done, "inboxbot_outbox_mails") == {"pending": 0, "failed": 1}
    assert done[("inboxbot_outbox_oldest_unsent_age_seconds", ())] == 0
    assert done[("inboxbot_unsubscribe_fulfilments_pending", ())] == 0
    assert done[("inboxbot_staff_notices_pending", ())] == 0
    assert by_label(done, "inboxbot_tickets_open")["unsubscribe"] == 0  # resolved by inboxbot
