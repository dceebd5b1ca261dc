"""A client's life in inboxbot, through the real pipeline, for the erasure and export tests: segments,
questions with an acknowledgement, a reply threaded to it, an unsubscribe fulfilled, a resubscription,
a staff reply and an internal note, SLA mail to staff, a digest, and mail of other people that names her."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from email.utils import make_msgid
from pathlib import Path

from sqlalchemy import select

from inboxbot.adapters.db.models import Ticket
from inboxbot.bootstrap import App
from inboxbot.service.contacts import import_contacts, resubscribe
from tests.support import QUESTION_EN, UNSUBSCRIBE_RU, Clock, bounce, make_mail

KEY = "a test key for keyed hashes, 32+ characters long"
HER = "asel@example.kz"
SURNAME, PHONE = "Жумабаева", "+7 701 000 00 01"
STAFF = "staff:tom@1texno.kz"
CSV = (
    "email,name,phone,language\n"
    f"{HER},Асель {SURNAME},{PHONE},ru\n"
    "john@example.com,John,,en\n"
    "dana@example.kz,Dana,,ru\n"
)
SETTINGS = {"identity": {"hash_key": KEY}, "notify": {"new_ticket": ["support@1texno.kz"], "digest_after": 1}}


def mail_naming_her(tmp_path: Path) -> bytes:
    """Dana's mail: her address only in Cc and inside a base64 body and a CSV attachment."""
    msg = EmailMessage(policy=SMTP)
    msg["From"] = "Dana <dana@example.kz>"
    msg["To"] = "ONETEXNO <hello@1texno.kz>"
    msg["Cc"] = f"Асель <{HER}>"
    msg["Subject"] = "Скидка для коллеги"
    msg["Message-ID"] = make_msgid(domain="example.kz")
    msg.set_content(f"Добрый день! Моя коллега Асель ({HER}) тоже спрашивает про скидку.", cte="base64")
    msg.add_attachment(
        f"email,name\n{HER},Асель\n".encode(), maintype="text", subtype="csv", filename="c.csv"
    )
    return msg.as_bytes()


def deliver(tmp_path: Path, *mails: bytes) -> None:
    inbox = tmp_path / "mail" / "new"
    inbox.mkdir(parents=True, exist_ok=True)
    for mail in mails:
        (inbox / f"{len(list(inbox.iterdir()))}.eml").write_bytes(mail)


def ticket_of(app: App, sender: str, subject: str) -> Ticket:
    with app.store.transaction() as tx:
        stmt = select(Ticket).where(Ticket.sender == sender, Ticket.subject == subject)  # type: ignore[arg-type]
        return tx.session.scalars(stmt).one()


def populate(app: App, tmp_path: Path, clock: Clock) -> None:
    (tmp_path / "clients.csv").write_text(CSV, encoding="utf-8")
    for segment in ("Новости", "SMS-акции"):
        import_contacts(
            app.store, tmp_path / "clients.csv", segment=segment, channel="email", clock=app.clock
        )
    deliver(
        tmp_path,
        make_mail(
            f"Здравствуйте! Сколько стоит тариф «Бизнес»? Асель {SURNAME}, {PHONE}",
            sender=f"Асель {SURNAME} <Asel@Example.KZ>",
            subject="Вопрос о тарифе",
        ),
        make_mail(QUESTION_EN, sender="John <john@example.com>", subject="Discount for schools"),
        mail_naming_her(tmp_path),
        make_mail(
            f"Please also remove {HER} from your newsletter.", sender="john@example.com", subject="Unsub"
        ),
        bounce(HER),
    )
    app.worker.run_once()
    question = ticket_of(app, HER, "Вопрос о тарифе")
    with app.store.transaction() as tx:
        ack = next(m for m in tx.outbox_of(question.id or 0) if m.kind == "ack")
    deliver(
        tmp_path,
        make_mail(
            "Спасибо, жду ответа. Асель",
            sender=HER,
            subject="Re: Вопрос",
            headers={"In-Reply-To": ack.message_id},
        ),
        make_mail(UNSUBSCRIBE_RU, sender=HER, subject="Рассылка"),
    )
    app.worker.run_once()
    staff = STAFF
    # She asks by phone to have the offers again: back in, in a segment of her own choosing.
    resubscribe(app.store, HER, note=f"asked by phone from {PHONE}", actor=staff, clock=app.clock)
    (tmp_path / "offers.csv").write_text(f"email,name\n{HER},Асель {SURNAME}\n", encoding="utf-8")
    import_contacts(app.store, tmp_path / "offers.csv", segment="Акции", channel="email", clock=app.clock)
    app.desk.reply(
        question.number,
        f"Асель, тариф стоит 5000 тг; ваш номер {PHONE} записан.",
        actor=staff,
        staff_name="Tom",
    )
    app.desk.note(question.number, f"Звонила Асель {SURNAME} с {PHONE}", actor=staff)
    clock.advance(hours=13)  # the SLA reminders to staff quote the requests
    app.worker.run_once()
