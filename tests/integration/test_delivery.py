"""The outbox against a real SMTP server: retries with backoff, permanent failures, TLS and AUTH."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from inboxbot.adapters.db.models import OutboxMail
from inboxbot.bootstrap import App
from tests.harness.smtp import SmtpServer
from tests.integration.conftest import AppFactory
from tests.support import QUESTION_EN, Clock, make_mail


def queue_two_acks(app: App, maildir: Path) -> None:
    new = maildir / "new"
    new.mkdir(parents=True)
    (new / "1").write_bytes(make_mail(QUESTION_EN, sender="a@example.com"))
    (new / "2").write_bytes(make_mail(QUESTION_EN, sender="b@example.kz"))

    assert app.worker.poll().total == 2


def outbox(app: App) -> list[OutboxMail]:
    with app.store.transaction() as tx:
        return list(tx.session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def ticket_events(app: App) -> list[str]:
    with app.store.transaction() as tx:
        return [e.kind for t in tx.tickets() for e in tx.events_of(t.id or 0)]


def test_temporary_refusal_is_retried_after_backoff(
    smtp_server: SmtpServer, db_url: str, tmp_path: Path, make_app: AppFactory, clock: Clock
) -> None:
    app = make_app(
        db_url=db_url, maildir=tmp_path / "mail", smtp_server=smtp_server, outbox={"backoff_seconds": 60}
    )
    queue_two_acks(app, tmp_path / "mail")
    smtp_server.fail_next(1, stage="rcpt", code=451)

    first = app.worker.deliver()
    assert (first.sent, first.retrying, first.failed) == (1, 1, 0)
    assert app.worker.deliver().sent == 0  # not due yet: backing off
    clock.advance(seconds=61)
    second = app.worker.deliver()

    assert (second.sent, second.retrying) == (1, 0)
    assert sorted(m.rcpt_tos[0] for m in smtp_server.messages) == ["a@example.com", "b@example.kz"]
    assert [(m.recipient, m.status, m.attempts) for m in outbox(app)] == [
        ("a@example.com", "sent", 2),
        ("b@example.kz", "sent", 1),
    ]


def test_permanent_refusal_is_recorded_on_the_ticket(
    smtp_server: SmtpServer, db_url: str, tmp_path: Path, make_app: AppFactory
) -> None:
    app = make_app(db_url=db_url, maildir=tmp_path / "mail", smtp_server=smtp_server)
    queue_two_acks(app, tmp_path / "mail")
    smtp_server.fail_next(1, stage="rcpt", code=550, message="5.1.1 <a@example.com>: no such user")

    report = app.worker.deliver()

    assert (report.sent, report.failed) == (1, 1)
    failed = [m for m in outbox(app) if m.status == "failed"]
    assert len(failed) == 1 and (failed[0].last_error or "").startswith("550")
    assert ticket_events(app).count("ack_failed") == 1 and ticket_events(app).count("ack_sent") == 1


def test_server_down_keeps_the_mail_and_delivers_it_when_back(
    make_smtp_server: Callable[..., SmtpServer],
    db_url: str,
    tmp_path: Path,
    make_app: AppFactory,
    clock: Clock,
) -> None:
    server = make_smtp_server()
    app = make_app(db_url=db_url, maildir=tmp_path / "mail", smtp_server=server)
    queue_two_acks(app, tmp_path / "mail")
    server.stop()

    down = app.worker.deliver()
    assert down.unavailable and down.sent == 0
    server.start()
    clock.advance(hours=1)
    up = app.worker.deliver()

    assert up.sent == 2 and len(server.messages) == 2


def test_too_many_attempts_give_up(
    smtp_server: SmtpServer, db_url: str, tmp_path: Path, make_app: AppFactory, clock: Clock
) -> None:
    app = make_app(
        db_url=db_url,
        maildir=tmp_path / "mail",
        smtp_server=smtp_server,
        outbox={"max_attempts": 3, "backoff_seconds": 1},
    )
    queue_two_acks(app, tmp_path / "mail")
    smtp_server.fail_next(10, stage="rcpt", code=451)
    for _ in range(4):
        app.worker.deliver()
        clock.advance(minutes=5)
    assert [(m.status, m.attempts) for m in outbox(app)] == [("failed", 3), ("failed", 3)]
    assert smtp_server.messages == []


def test_starttls_and_auth_with_a_verified_certificate(
    make_smtp_server: Callable[..., SmtpServer], db_url: str, tmp_path: Path, make_app: AppFactory
) -> None:
    server = make_smtp_server(starttls=True, require_starttls=True, auth=("bot", "s3cret"))
    from tests.support import settings_for

    base = settings_for(db_url=db_url, maildir=tmp_path / "mail", smtp_server=server)
    settings = base.model_copy(
        update={
            "smtp": base.smtp.model_copy(
                update={
                    "host": "localhost",
                    "security": "starttls",
                    "ca_file": server.ca_file,
                    "username": "bot",
                    "password": __import__("pydantic").SecretStr("s3cret"),
                }
            )
        }
    )
    app = make_app(settings)
    queue_two_acks(app, tmp_path / "mail")
    assert app.worker.deliver().sent == 2
    assert all(m.tls and m.auth_login == "bot" for m in server.messages)


def test_a_long_outage_gives_no_mail_up(
    make_smtp_server: Callable[..., SmtpServer],
    db_url: str,
    tmp_path: Path,
    make_app: AppFactory,
    clock: Clock,
) -> None:
    server = make_smtp_server()
    app = make_app(db_url=db_url, maildir=tmp_path / "mail", smtp_server=server, outbox={"max_attempts": 2})
    queue_two_acks(app, tmp_path / "mail")
    server.stop()
    for _ in range(5):  # more unreachable rounds than attempts allowed: none of them counts
        assert app.worker.deliver().unavailable
        clock.advance(hours=2)
    assert [(m.status, m.attempts) for m in outbox(app)] == [("pending", 0), ("pending", 0)]
    server.start()
    assert app.worker.deliver().sent == 2
