"""What the console stands on, on SQLite and PostgreSQL: staff accounts and sessions, the queue's filters
and counts, and the desk's rules (someone else acted first; triage is remembered)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from inboxbot.adapters.db.models import LabelledExample, StaffAccount, StaffSession
from inboxbot.bootstrap import App
from inboxbot.core.intents import Intent
from inboxbot.service.accounts import LoginRefused, Role
from inboxbot.service.desk import Conflict
from inboxbot.service.queue import BadFilter, QueueFilter, queue_page
from inboxbot.service.staff import Refused
from tests.integration.conftest import AppFactory
from tests.support import ACCESS_RU, CHANGE_KK, QUESTION_EN, UNSUBSCRIBE_RU, Clock, make_mail

PASSWORD = "correct horse battery"


@pytest.fixture
def app(make_app: AppFactory, db_url: str, tmp_path: Path) -> App:
    """Four tickets in (an unsubscribe that resolves itself, a data change, an access request, a
    question) and two staff members."""
    inbox = tmp_path / "mail" / "new"
    inbox.mkdir(parents=True)
    mails = [
        (UNSUBSCRIBE_RU, "a@example.kz", "Рассылка"),
        (CHANGE_KK, "b@example.kz", "Телефон"),
        (ACCESS_RU, "c@example.kz", "Мои данные"),
        (QUESTION_EN, "d@example.com", "Discount for schools"),
    ]
    for n, (body, sender, subject) in enumerate(mails):
        (inbox / f"{n}").write_bytes(make_mail(body, sender=sender, subject=subject))
    built = make_app(
        db_url=db_url,
        maildir=tmp_path / "mail",
        files=tmp_path / "outbox",
        identity={"pause_sla_while_verifying": False},  # the data requests' clocks run while they verify
    )
    built.worker.run_once()
    built.accounts.add("aigerim@1texno.kz", "Айгерим", PASSWORD, role=Role.ADMIN)
    built.accounts.add("tom@1texno.kz", "Tom", PASSWORD)
    return built


def numbers(app: App, wanted: QueueFilter, me: int | None = None) -> list[str]:
    page = queue_page(app.store, wanted, me=me, now=app.clock())
    return [row.ticket.subject for row in page.rows]


# -- accounts and sessions ----------------------------------------------------------------------


def test_passwords_are_argon2id_hashes_and_session_tokens_are_not_stored(app: App) -> None:
    session = app.accounts.login("Aigerim@1texno.kz", PASSWORD)
    with app.store.transaction() as tx:
        hashes = list(tx.session.scalars(select(StaffAccount.password_hash)))
        stored = list(tx.session.scalars(select(StaffSession.token_hash)))
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert session.token not in stored and len(stored) == 1
    assert app.accounts.session(session.token) is not None


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(app: App, clock: Clock) -> None:
    delays = []
    for _ in range(5):
        with pytest.raises(LoginRefused) as refused:
            app.accounts.login("tom@1texno.kz", "wrong password!")
        delays.append(refused.value.delay)
    with pytest.raises(LoginRefused, match="account locked"):
        app.accounts.login("tom@1texno.kz", PASSWORD)
    clock.advance(minutes=16)

    assert delays[:4] == sorted(delays[:4]) and delays[3] > delays[0]  # slowed, more and more
    assert app.accounts.login("tom@1texno.kz", PASSWORD).member.email == "tom@1texno.kz"


def test_a_right_password_in_between_resets_the_count(app: App) -> None:
    for _ in range(4):
        with pytest.raises(LoginRefused):
            app.accounts.login("tom@1texno.kz", "wrong password!")
    app.accounts.login("tom@1texno.kz", PASSWORD)
    for _ in range(4):
        with pytest.raises(LoginRefused):
            app.accounts.login("tom@1texno.kz", "wrong password!")
    assert app.accounts.login("tom@1texno.kz", PASSWORD)


def test_sessions_end_when_idle_on_logout_and_when_the_account_is_disabled(app: App, clock: Clock) -> None:
    idle = app.accounts.login("tom@1texno.kz", PASSWORD)
    out = app.accounts.login("tom@1texno.kz", PASSWORD)
    kept = app.accounts.login("aigerim@1texno.kz", PASSWORD)
    clock.advance(minutes=40)
    app.accounts.session(kept.token)  # she is working
    assert app.accounts.session(idle.token, touch=False) is not None  # a page refreshing itself
    clock.advance(minutes=30)
    app.accounts.logout(out.token)

    assert app.accounts.session(idle.token) is None  # 70 minutes without a person
    assert app.accounts.session(out.token) is None
    assert app.accounts.session(kept.token) is not None
    app.accounts.disable("aigerim@1texno.kz")
    assert app.accounts.session(kept.token) is None
    with pytest.raises(LoginRefused):
        app.accounts.login("aigerim@1texno.kz", PASSWORD)


# -- the queue ---------------------------------------------------------------------------------


def test_the_queue_shows_open_tickets_soonest_due_first_with_counts(app: App) -> None:
    page = queue_page(app.store, QueueFilter(), me=None, now=app.clock())
    dues = [row.due for row in page.rows]
    assert [row.ticket.subject for row in page.rows] == ["Телефон", "Мои данные", "Discount for schools"]
    assert dues == sorted(dues)
    assert {name: count.value for name, count in page.counts.items()} == {
        "active": 3,
        "mine": 0,
        "unassigned": 3,
        "overdue": 0,
        "review": 0,
    }


def test_queue_filters_mine_intent_search_and_overdue(app: App, clock: Clock) -> None:
    tom = app.accounts.find("tom@1texno.kz")
    assert tom is not None
    app.desk.assign("2", "tom@1texno.kz", actor="staff:aigerim@1texno.kz")

    assert numbers(app, QueueFilter(mine=True), me=tom.id) == ["Телефон"]
    assert numbers(app, QueueFilter(unassigned=True), me=tom.id) == ["Мои данные", "Discount for schools"]
    assert numbers(app, QueueFilter(intent=Intent.DATA_ACCESS.value)) == ["Мои данные"]
    assert numbers(app, QueueFilter(search="ПЕРСОНАЛЬНЫЕ данные")) == ["Мои данные"]  # case-folded
    assert numbers(app, QueueFilter(search="d@example.com")) == ["Discount for schools"]
    assert numbers(app, QueueFilter(status="resolved")) == ["Рассылка"]
    assert numbers(app, QueueFilter(overdue=True)) == []
    clock.advance(hours=25)
    assert numbers(app, QueueFilter(overdue=True)) == ["Телефон", "Мои данные", "Discount for schools"]
    assert numbers(app, QueueFilter(due_within=timedelta(hours=1))) == numbers(app, QueueFilter(overdue=True))


def test_the_queue_pages(app: App) -> None:
    first = queue_page(app.store, QueueFilter(), me=None, now=app.clock(), page_size=2)
    second = queue_page(app.store, QueueFilter(page=2), me=None, now=app.clock(), page_size=2)
    assert (first.has_next, second.has_next, second.has_previous) == (True, False, True)
    assert [r.ticket.subject for r in first.rows + list(second.rows)] == [
        "Телефон",
        "Мои данные",
        "Discount for schools",
    ]


@pytest.mark.parametrize(
    "wanted",
    [
        QueueFilter(status="resolved", overdue=True),
        QueueFilter(status="nonsense"),
        QueueFilter(mine=True, unassigned=True),
        QueueFilter(intent="spam"),
        QueueFilter(page=0),
    ],
)
def test_filters_that_make_no_sense_are_refused(app: App, wanted: QueueFilter) -> None:
    with pytest.raises(BadFilter):
        queue_page(app.store, wanted, me=None, now=app.clock())


# -- the desk ----------------------------------------------------------------------------------


def test_a_reply_someone_else_overtook_is_held_back_and_nothing_is_sent(app: App) -> None:
    with app.store.transaction() as tx:
        seen = max(e.id or 0 for e in tx.events_of(4))
    app.desk.note("4", "I am calling her now", actor="staff:tom@1texno.kz")

    with pytest.raises(Conflict, match=r"tom@1texno\.kz added a note"):
        app.desk.reply("4", "Hello", actor="staff:aigerim@1texno.kz", staff_name="A", seen_event=seen)
    with app.store.transaction() as tx:
        kinds = [m.kind for m in tx.outbox_of(4)]
    assert kinds == ["ack"]

    with app.store.transaction() as tx:  # she reloads the page and sees his note
        seen = max(e.id or 0 for e in tx.events_of(4))
    app.desk.note("4", "she asked me to write", actor="staff:aigerim@1texno.kz")  # her own does not count
    receipt = app.desk.reply("4", "Hello", actor="staff:aigerim@1texno.kz", staff_name="A", seen_event=seen)
    assert receipt.status == "open"


def test_triage_and_dismissal_are_kept_as_labelled_examples(app: App) -> None:
    with app.store.transaction() as tx:
        ticket = tx.ticket(4)
        assert ticket is not None
        ticket.needs_review = True
        tx.session.add(ticket)
    app.desk.triage("4", actor="staff:tom@1texno.kz", intents=[Intent.DATA_ACCESS])
    app.desk.dismiss("3", reason="spam", actor="staff:tom@1texno.kz")

    with app.store.transaction() as tx:
        labels = [(e.ticket_id, e.predicted, e.intents) for e in tx.session.scalars(select(LabelledExample))]
    assert labels == [(4, ["other"], ["data_access"]), (3, ["data_access"], ["automated"])]
    with pytest.raises(Refused, match="not flagged"):
        app.desk.triage("4", actor="staff:tom@1texno.kz")


def test_the_clients_answer_reopens_a_ticket_waiting_on_them(app: App, tmp_path: Path) -> None:
    receipt = app.desk.reply("2", "Which number?", actor="staff:tom@1texno.kz", staff_name="Tom", mode="wait")
    with app.store.transaction() as tx:
        ticket = tx.ticket(2)
        assert ticket is not None and ticket.status == "waiting" and ticket.paused_at is not None
    answer = make_mail(
        "The new one: +7 701 000 00 01",
        sender="b@example.kz",
        subject=f"Re: [{receipt.ticket.number}] Телефон",
        headers={"In-Reply-To": receipt.message_id, "References": receipt.message_id},
    )
    (tmp_path / "mail" / "new" / "answer").write_bytes(answer)

    app.worker.run_once()

    with app.store.transaction() as tx:
        ticket = tx.ticket(2)
        assert ticket is not None
        events = [e.kind for e in tx.events_of(2)]
    assert ticket.status == "open" and ticket.paused_at is None  # the SLA clock runs again
    assert events.index("client_replied") < len(events) - 1 - events[::-1].index("status_changed")
