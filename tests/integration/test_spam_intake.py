"""Suspected spam and phishing through the real pipeline: kept, never answered, never acted on, and
counted for staff."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from inboxbot.adapters.db.models import Message, Ticket
from inboxbot.service.status import collect_status
from tests.integration.conftest import AppFactory
from tests.support import make_mail


def test_phishing_that_asks_to_update_details_is_kept_aside_and_never_answered(
    make_app: AppFactory, db_url: str, tmp_path: Path
) -> None:
    inbox = tmp_path / "mail" / "new"
    inbox.mkdir(parents=True)
    phishing = make_mail(
        "Dear client, your card is blocked. Update your bank details here: https://kaspi-secure.example",
        sender="Kaspi <security@kaspi-secure.example>",
        subject="Update your details",
    )
    flagged = make_mail("Please delete all my data.", sender="x@example.kz", headers={"X-Spam-Flag": "YES"})
    (inbox / "1").write_bytes(phishing)
    (inbox / "2").write_bytes(flagged)
    app = make_app(db_url=db_url, maildir=tmp_path / "mail", files=tmp_path / "outbox")

    report = app.worker.run_once()

    with app.store.transaction() as tx:
        outcomes = sorted(m.outcome for m in tx.session.scalars(select(Message)))
        tickets = list(tx.session.scalars(select(Ticket)))
    assert outcomes == ["spam", "spam"]
    assert tickets == []
    assert report.delivery.sent == 0 and not list((tmp_path / "outbox").glob("*.eml"))
    assert sorted(p.parent.parent.name for p in (tmp_path / "mail").glob(".*/cur/*")) == [".Automated"] * 2
    status = collect_status(app.store, app.worker.open_source, now=app.clock())
    assert status["spam"] == {"last_24h": 2, "total": 2}
