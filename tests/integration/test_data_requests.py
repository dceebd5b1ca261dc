"""Data requests end to end, on real Dovecot, a real SMTP server and both databases: a verified sender's
change, export and erasure are applied and the client is told; a forged mail never changes, reveals
or erases anyone's data, in any of the ways below."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from inboxbot.adapters.db.models import DataRequest
from inboxbot.bootstrap import App
from inboxbot.config import IdentitySettings
from inboxbot.service.contacts import import_contacts
from inboxbot.service.staff import Refused
from tests.harness.dovecot import ImapAccount, append
from tests.harness.smtp import SmtpServer
from tests.integration.conftest import AppFactory
from tests.support import Clock, make_mail, settings_for

MX = "mx.1texno.kz"
VICTIM = "aigerim@client.kz"
PHONE = "+77010000001"
HASH_KEY = "a-test-key-of-at-least-32-characters!!"


@dataclass
class World:
    app: App
    account: ImapAccount
    smtp: SmtpServer
    clock: Clock

    def receive(self, raw: bytes) -> None:
        append(self.account, raw)
        self.app.worker.run_once()

    def mails_to(self, address: str) -> list[EmailMessage]:
        return [m.message for m in self.smtp.messages if address in m.rcpt_tos]

    def code_mail(self) -> EmailMessage:
        [mail] = [m for m in self.mails_to(VICTIM) if "verify-code" in str(m["Message-ID"])][-1:]
        return mail

    def requests(self) -> list[DataRequest]:
        with self.app.store.transaction() as tx:
            return list(tx.session.scalars(select(DataRequest)))

    def contact_phone(self) -> str | None:
        with self.app.store.transaction() as tx:
            contact = tx.contacts.contact(VICTIM)
            return contact.phone if contact else None


@pytest.fixture
def world(
    make_app: AppFactory,
    imap_account: ImapAccount,
    smtp_server: SmtpServer,
    db_url: str,
    clock: Clock,
    tmp_path: Path,
) -> World:
    settings = settings_for(
        db_url=db_url,
        imap_account=imap_account,
        smtp_server=smtp_server,
        identity=IdentitySettings(trusted_authserv_ids=(MX,), hash_key=HASH_KEY),  # type: ignore[arg-type]
    )
    app = make_app(settings)
    csv = tmp_path / "clients.csv"
    csv.write_text(f"email,name,phone\n{VICTIM},Айгерим Серикова,{PHONE}\nother@client.kz,Other,\n", "utf-8")
    import_contacts(app.store, csv, segment="Новости", channel="email", clock=clock)
    return World(app, imap_account, smtp_server, clock)


def request_mail(
    body: str, *, sender: str = f"Айгерим <{VICTIM}>", subject: str = "Мои данные", **headers: str
) -> bytes:
    return make_mail(body, sender=sender, subject=subject, headers=headers)


def passed(domain: str = "client.kz") -> dict[str, str]:
    return {
        "Authentication-Results": f"{MX}; spf=pass smtp.mailfrom={domain}; dkim=pass header.d={domain}; dmarc=pass header.from={domain}"
    }


CHANGE = "Здравствуйте! Мой новый номер телефона +7 701 999 88 77, обновите, пожалуйста."
ACCESS = "Добрый день! Пришлите, пожалуйста, какие мои персональные данные вы храните."
DELETE = "Прошу удалить все мои персональные данные из вашей базы."


# -- verified senders: the happy paths --------------------------------------------------------------


def test_a_change_verified_by_our_mx_is_applied_and_the_client_told(world: World) -> None:
    world.receive(request_mail(CHANGE, **passed()))
    [request] = world.requests()
    assert (request.status, request.verified_via, request.proposal) == (
        "verified",
        "auth_results",
        {"phone": "+77019998877"},
    )

    world.app.data.apply("1", actor="staff:tom@1texno.kz")
    world.app.worker.deliver()

    assert world.contact_phone() == "+77019998877"
    notice = world.mails_to(VICTIM)[-1]
    assert "Ваш запрос о персональных данных выполнен" in str(notice["Subject"])


def test_an_access_request_verified_by_code_sends_everything_held(world: World) -> None:
    world.receive(request_mail(ACCESS))
    code_mail = world.code_mail()
    code = re.search(r"(\d{3}) (\d{3})", code_mail.get_body(("plain",)).get_content())
    assert code is not None and world.requests()[0].status == "verifying"

    world.receive(
        request_mail(
            f"Код: {code.group(0)}",
            subject=f"Re: {code_mail['Subject']}",
            **{"In-Reply-To": code_mail["Message-ID"]},
        )
    )
    world.app.data.apply("1", actor="staff:tom@1texno.kz")
    world.app.worker.deliver()

    export = next(m for m in world.mails_to(VICTIM) if "export" in str(m["Message-ID"]))
    attachment = next(export.iter_attachments())
    assert (
        PHONE in attachment.get_content()
        if isinstance(attachment.get_content(), str)
        else PHONE.encode() in attachment.get_content()
    )


def test_an_erasure_leaves_nothing_but_a_keyed_hash_and_the_client_is_told_first(world: World) -> None:
    world.receive(request_mail(DELETE, **passed()))

    world.app.data.apply("1", actor="staff:tom@1texno.kz")
    world.app.worker.deliver()  # the notice leaves, then the erasure finishes

    assert "выполнен" in str(world.mails_to(VICTIM)[-1]["Subject"])
    with world.app.store.transaction() as tx:
        assert tx.contacts.contact(VICTIM) is None
        assert tx.contacts.suppression(VICTIM) is not None  # found through its keyed hash
        [request] = list(tx.session.scalars(select(DataRequest)))
        assert request.status == "applied" and VICTIM not in request.address
        ticket = tx.ticket(1)
        assert ticket is not None and ticket.status == "resolved" and VICTIM not in ticket.sender


# -- forged mail: nothing applied, nothing revealed ----------------------------------------------

Attack = Callable[[World], None]


def _forged(body: str, **headers: str) -> Attack:
    return lambda w: w.receive(request_mail(body, **headers))


def _reply_from(sender: str, *, with_code: str = "", thread: bool = True, wrong: bool = False) -> Attack:
    def attack(w: World) -> None:
        w.receive(request_mail(DELETE))
        code_mail = w.code_mail()
        real = re.search(r"(\d{3}) (\d{3})", code_mail.get_body(("plain",)).get_content())
        assert real is not None
        code = "000 000" if wrong else (with_code or real.group(0))
        headers = {"In-Reply-To": code_mail["Message-ID"]} if thread else {}
        w.receive(
            request_mail(f"Код {code}", sender=sender, subject=f"Re: {code_mail['Subject']}", **headers)
        )

    return attack


def _expired(w: World) -> None:
    w.receive(request_mail(DELETE))
    code_mail = w.code_mail()
    code = re.search(r"(\d{3}) (\d{3})", code_mail.get_body(("plain",)).get_content())
    assert code is not None
    w.clock.advance(hours=49)
    w.receive(
        request_mail(f"Код {code.group(0)}", subject="Re: code", **{"In-Reply-To": code_mail["Message-ID"]})
    )


def _brute_force(w: World) -> None:
    w.receive(request_mail(DELETE))
    code_mail = w.code_mail()
    code = re.search(r"(\d{3}) (\d{3})", code_mail.get_body(("plain",)).get_content())
    assert code is not None
    for guess in range(5):
        w.receive(
            request_mail(f"Код 12{guess} 000", subject="Re: code", **{"In-Reply-To": code_mail["Message-ID"]})
        )
    w.receive(
        request_mail(f"Код {code.group(0)}", subject="Re: code", **{"In-Reply-To": code_mail["Message-ID"]})
    )


def _someone_elses_verification(w: World) -> None:
    w.receive(request_mail(DELETE, sender="other@client.kz"))
    others = [m for m in w.mails_to("other@client.kz") if "verify-code" in str(m["Message-ID"])][-1]
    w.receive(request_mail(DELETE))
    code = re.search(r"(\d{3}) (\d{3})", others.get_body(("plain",)).get_content())
    assert code is not None  # the attacker, who owns other@, answers their own code in the victim's name
    w.receive(
        request_mail(f"Код {code.group(0)}", subject="Re: code", **{"In-Reply-To": others["Message-ID"]})
    )


def _ticket_number_in_subject(w: World) -> None:
    w.receive(request_mail(DELETE))
    w.receive(
        request_mail("Код 123 456", sender="attacker@evil.example", subject="Re: [HB-2026-000001] Мои данные")
    )


def _ar(value: str) -> dict[str, str]:
    return {"Authentication-Results": value}


ATTACKS: dict[str, Attack] = {
    "no authentication at all": _forged(DELETE),
    "a dmarc pass from another authserv-id": _forged(
        DELETE, **_ar("mx.evil.example; dmarc=pass header.from=client.kz")
    ),
    "dmarc fail at our MX": _forged(DELETE, **_ar(f"{MX}; dmarc=fail header.from=client.kz")),
    "dkim pass for an unaligned domain": _forged(
        DELETE, **_ar(f"{MX}; dkim=pass header.d=evil.example; dmarc=none")
    ),
    "dkim pass for a look-alike suffix": _forged(
        DELETE, **_ar(f"{MX}; dkim=pass header.d=client.kz.evil.example")
    ),
    "dkim pass for the bare TLD": _forged(DELETE, **_ar(f"{MX}; dkim=pass header.d=kz")),
    "dmarc pass inside a comment": _forged(
        DELETE, **_ar(f"{MX}; dmarc=fail (dmarc=pass) header.from=client.kz")
    ),
    "dmarc pass for another From domain": _forged(
        DELETE, **_ar(f"{MX}; dmarc=pass header.from=evil.example")
    ),
    "a trusted header under our own Received": _forged(
        DELETE,
        Received=f"from mail.evil.example by {MX}; Tue, 1 Dec 2026 10:00:00 +0000",
        **_ar(f"{MX}; dmarc=pass header.from=client.kz"),
    ),
    "a malformed trusted header": _forged(DELETE, **_ar(f"{MX}; dmarc=pass header.from=")),
    "an access request in the victim's name": _forged(ACCESS),
    "a change request in the victim's name": _forged(CHANGE),
    "a right code from another address": _reply_from("attacker@evil.example"),
    "a wrong code from the victim's address": _reply_from(f"Айгерим <{VICTIM}>", wrong=True),
    "the right code outside the thread": _reply_from(f"Айгерим <{VICTIM}>", thread=False),
    "an expired code": _expired,
    "five wrong codes, then the right one": _brute_force,
    "a reply to someone else's verification mail": _someone_elses_verification,
    "a Reply-To naming the victim": _forged(DELETE, **{"Reply-To": VICTIM}),
    "a Sender header naming the victim": _forged(DELETE, Sender=VICTIM),
    "a display name that shows the victim's address": lambda w: w.receive(
        request_mail(DELETE, sender=f'"{VICTIM}" <attacker@evil.example>')
    ),
    "the victim's ticket number in the subject": _ticket_number_in_subject,
}


@pytest.mark.parametrize("attack", list(ATTACKS.values()), ids=list(ATTACKS))
def test_a_forged_request_never_changes_reveals_or_erases(world: World, attack: Attack) -> None:
    attack(world)

    victims = [r for r in world.requests() if r.address == VICTIM]
    assert all(r.status in ("unverified", "verifying") for r in victims)
    for ident in {str(r.ticket_id) for r in victims}:
        with pytest.raises(Refused, match="not verified"):
            world.app.data.apply(ident, actor="staff:tom@1texno.kz")
    world.app.worker.deliver()
    assert world.contact_phone() == PHONE  # nothing changed or erased
    outgoing = [m for m in world.smtp.messages if VICTIM not in m.rcpt_tos]
    assert not any(PHONE.encode() in m.content or b"77010000001" in m.content for m in outgoing)
    assert not any("export" in str(m["Message-ID"]) for m in world.mails_to(VICTIM))
