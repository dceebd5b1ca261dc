"""A support database of N realistic tickets, written in bulk (for ``bench.console_bench``).

Tickets arrive one every :data:`SPACING`, ids in the order of arrival, so 1,000 tickets are the last
three and a half days and 100,000 the last year. Those of the last :data:`RECENT` are mostly still being
worked (new, open, waiting); older ones are resolved but for a few stragglers a team forgot, so the
queue holds about 800 tickets at 1,000 and about 5,800 at 100,000: the history grows a hundredfold, the
backlog sevenfold, and the queue's counts reach their cap.

Each ticket is what intake and the console leave behind: the ticket (intents, languages and deadlines
mixed, some flagged for review, half assigned), its opening ``message`` with the raw mail in
``message_raw`` (a small mail, some with an HTML part and a quoted earlier mail), its ``ticket_event``
trail, the acknowledgement in ``outbox``, and the ``sla_escalation`` levels that fired. Clients write
about three tickets each, so a contact card has earlier tickets whatever N is. The ticket in the middle
(:func:`middle_id`) has the same content at every size, so its page does the same work.
"""

from __future__ import annotations

import functools
import hashlib
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from sqlalchemy import Engine, text
from sqlmodel import SQLModel

from inboxbot.config import SlaSettings
from inboxbot.core.sla import SlaPolicy

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CHUNK = 5_000
MIDDLE_SEED = 20261124
SPACING = timedelta(minutes=5)
RECENT = timedelta(days=4)
STATUSES = (("new", 30), ("open", 35), ("waiting", 15), ("resolved", 20))  # of the last RECENT
OLD_STATUSES = (("new", 1), ("open", 2), ("waiting", 2), ("resolved", 95))  # of older tickets
INTENTS = (("unsubscribe", 45), ("data_change", 15), ("data_deletion", 10), ("data_access", 5), ("other", 25))
LANGUAGES = (("ru", 60), ("kk", 15), ("en", 25))
NAMES = {
    "ru": ("Айгерим Садыкова", "Иван Петров", "Мария Ким", "Дмитрий Ли", "Ольга Смирнова"),
    "kk": ("Асель Нурланқызы", "Ержан Тоқтаров", "Дана Әлиева", "Бауыржан Сейітов"),
    "en": ("John Carter", "Emily Stone", "Aidos Bek", "Sarah Miller"),
}
REQUESTS = {
    "ru": {
        "unsubscribe": ("Отписка от рассылки", "Здравствуйте! Прошу отписать меня от вашей рассылки."),
        "data_change": ("Смена телефона", "Добрый день. Прошу изменить номер телефона в моих данных."),
        "data_deletion": ("Удаление данных", "Прошу удалить все мои персональные данные из вашей базы."),
        "data_access": ("Мои данные", "Какие мои персональные данные вы храните? Пришлите, пожалуйста."),
        "other": ("Вопрос по заказу", "Здравствуйте, когда будет доставлен мой заказ? Спасибо."),
    },
    "kk": {
        "unsubscribe": ("Жазылымнан бас тарту", "Сәлеметсіз бе! Мені таратылымнан шығаруыңызды сұраймын."),
        "data_change": ("Деректерді өзгерту", "Менің телефон нөмірімді өзгертуіңізді сұраймын."),
        "data_deletion": ("Деректерді жою", "Менің жеке деректерімді толығымен жоюыңызды сұраймын."),
        "data_access": ("Менің деректерім", "Менің қандай деректерімді сақтайсыздар?"),
        "other": ("Тапсырыс туралы", "Сәлеметсіз бе, тапсырысым қашан жеткізіледі?"),
    },
    "en": {
        "unsubscribe": ("Unsubscribe", "Hello, please remove me from your mailing list. Thank you."),
        "data_change": ("Change my phone", "Hi, please update the phone number on my account."),
        "data_deletion": ("Delete my data", "Please delete all personal data you hold about me."),
        "data_access": ("My data", "Which personal data do you keep about me? Please send a copy."),
        "other": ("Order question", "Hello, when will my order be delivered? Best regards."),
    },
}
ACK = {
    "ru": "Здравствуйте! Мы получили ваше обращение {number} и ответим в течение суток.",
    "kk": "Сәлеметсіз бе! Біз сіздің {number} өтінішіңізді алдық, бір тәулік ішінде жауап береміз.",
    "en": "Hello! We have received your request {number} and will answer within a day.",
}
PLACEHOLDER_ADDRESS = b"xaddressx"  # stand-ins in a mail rendered once, replaced per ticket
PLACEHOLDER_ID = "xmessageidx"
PLACEHOLDER_NUMBER = b"HB-0000-000000"
TABLES = ("ticket", "message", "message_raw", "ticket_event", "outbox", "sla_escalation")


@dataclass
class Rows:
    """Rows for the tables in :data:`TABLES`, written in that order (foreign keys first)."""

    tables: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {t: [] for t in TABLES})

    def add(self, table: str, **values: Any) -> None:
        self.tables[table].append(values)


@dataclass(frozen=True)
class Client:
    address: str
    name: str
    language: str


def fill(engine: Engine, count: int, staff: Sequence[int]) -> None:
    """``count`` tickets (ids 1..count) with everything that hangs off them; ``staff`` are assignees."""
    policy = SlaSettings().policy()
    tables = SQLModel.metadata.tables
    with engine.begin() as conn:
        for start in range(1, count + 1, CHUNK):
            rows = Rows()
            for ident in range(start, min(start + CHUNK, count + 1)):
                add_ticket(rows, ident, count, staff, policy)
            for name in TABLES:
                conn.execute(tables[name].insert(), rows.tables[name])
        conn.execute(tables["ticket_counter"].insert(), [{"year": NOW.year, "last": count}])
        if engine.dialect.name == "postgresql":
            for name in ("ticket", "message"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), {count})"))


def analyze(engine: Engine) -> None:
    """What autovacuum does on PostgreSQL within a minute of a bulk load: the planner's statistics."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def middle_id(count: int) -> int:
    return count // 2


def number_of(ident: int) -> str:
    return f"HB-{NOW.year}-{ident:06d}"


@dataclass(frozen=True)
class Draft:
    """One ticket's facts, from which every row of it is written."""

    ident: int
    status: str
    intent: str
    client: Client
    received: datetime
    stopped: datetime | None  # when it started waiting or was resolved
    fired: dict[str, datetime]  # escalation level -> when it fired
    assignee: int | None
    mail_id: str

    @property
    def request(self) -> tuple[str, str]:
        return REQUESTS[self.client.language][self.intent]

    @property
    def evidence(self) -> list[dict[str, str]]:
        words = self.request[1].split()[1]
        return [{"intent": self.intent, "rule": f"{self.intent}.phrase", "where": "body", "words": words}]


def add_ticket(rows: Rows, ident: int, count: int, staff: Sequence[int], policy: SlaPolicy) -> None:
    rng = random.Random(MIDDLE_SEED if ident == middle_id(count) else ident)
    draft = _draft(rng, ident, count, staff, policy)
    raw = client_mail(draft, html=rng.random() < 0.25, quote=ident % 3 == 0)
    rows.add("ticket", **_ticket(draft, policy, needs_review=rng.random() < 0.08))
    _message(rows, draft, raw)
    _ack(rows, draft)
    _events(rows, draft)


def _draft(rng: random.Random, ident: int, count: int, staff: Sequence[int], policy: SlaPolicy) -> Draft:
    received = NOW - (count - ident) * SPACING - rng.random() * SPACING
    recent = NOW - received < RECENT or ident == middle_id(count)
    status, intent = _pick(rng, STATUSES if recent else OLD_STATUSES), _pick(rng, INTENTS)
    client = _client(rng, count)
    stopped = received + timedelta(hours=rng.uniform(1, 20)) if status in ("waiting", "resolved") else None
    return Draft(
        ident=ident,
        status=status,
        intent=intent,
        client=client,
        received=received,
        stopped=stopped,
        fired=_fired(policy, intent, received, stopped or NOW),
        assignee=staff[rng.randrange(len(staff))] if staff and rng.random() < 0.5 else None,
        mail_id=f"<{rng.getrandbits(64):016x}.{ident}@{client.address.split('@')[1]}>",
    )


def _ticket(draft: Draft, policy: SlaPolicy, *, needs_review: bool) -> dict[str, Any]:
    subject, body = draft.request
    client, received, stopped = draft.client, draft.received, draft.stopped
    return {
        "id": draft.ident,
        "number": number_of(draft.ident),
        "status": draft.status,
        "category": draft.intent,
        "intents": [draft.intent],
        "language": client.language,
        "needs_review": needs_review and draft.status != "resolved",
        "confidence": 0.6 if needs_review else 0.95,
        "evidence": draft.evidence,
        "sender": client.address,
        "sender_name": client.name,
        "subject": subject,
        "message_id": draft.mail_id,
        "received_at": received,
        "due_at": policy.due_at(draft.intent, received),
        "created_at": received,
        "updated_at": stopped or received,
        "resolved_at": stopped if draft.status == "resolved" else None,
        "excerpt": body[:200],
        "paused_at": stopped,
        "paused_seconds": 0,
        "next_escalation_at": None if stopped else policy.next_due(draft.intent, received, 0, draft.fired),
        "breached_at": draft.fired.get("breach"),
        "assignee_id": draft.assignee,
        "search_text": f"{client.name} {client.address} {subject}\n{body}".casefold(),
    }


def _pick(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _client(rng: random.Random, count: int) -> Client:
    number = rng.randrange(max(count // 3, 1))
    language = _pick(rng, LANGUAGES)
    name = NAMES[language][number % len(NAMES[language])]
    domain = ("mail.kz", "gmail.com", "yandex.ru", "inbox.kz")[number % 4]
    return Client(f"client{number}@{domain}", name, language)


def _fired(policy: SlaPolicy, category: str, received: datetime, until: datetime) -> dict[str, datetime]:
    return {level.name: at for level, at in policy.schedule(category, received) if at <= until}


QUOTED = "\n> ONETEXNO: скидки недели на смартфоны и ноутбуки\n> Чтобы отписаться, ответьте на письмо.\n"


def client_mail(draft: Draft, *, html: bool, quote: bool) -> bytes:
    """The client's mail: each kind rendered once by the email package, then this one's values put in
    (rendering 100,000 mails one by one would cost minutes)."""
    client = draft.client
    local, domain = client.address.split("@")
    shape = _client_shape(client.language, draft.intent, client.name, domain, html=html, quote=quote)
    return _put(
        shape,
        {
            PLACEHOLDER_ADDRESS: local.encode(),
            f"<{PLACEHOLDER_ID}@{domain}>".encode(): draft.mail_id.encode(),
            format_datetime(NOW).encode(): format_datetime(draft.received).encode(),
        },
    )


@functools.cache
def _client_shape(language: str, intent: str, name: str, domain: str, *, html: bool, quote: bool) -> bytes:
    subject, body = REQUESTS[language][intent]
    mail = EmailMessage()
    mail["From"] = f"{name} <{PLACEHOLDER_ADDRESS.decode()}@{domain}>"
    mail["To"] = "ONETEXNO <hello@1texno.kz>"
    mail["Subject"] = subject
    mail["Date"] = format_datetime(NOW)
    mail["Message-ID"] = f"<{PLACEHOLDER_ID}@{domain}>"
    mail.set_content(f"{body}\n\n{name}\n+7 701 555 12 34\n" + (QUOTED if quote else ""))
    if html:
        mail.add_alternative(
            f"<html><body><p>{body}</p><p><b>{name}</b></p>"
            '<img src="https://tracker.example.com/p.gif"></body></html>',
            subtype="html",
        )
    return mail.as_bytes()


def _put(shape: bytes, values: dict[bytes, bytes]) -> bytes:
    for placeholder, value in values.items():
        if placeholder not in shape:
            raise ValueError(f"{placeholder!r} is not in the rendered mail")
        shape = shape.replace(placeholder, value)
    return shape


def _message(rows: Rows, draft: Draft, raw: bytes) -> None:
    verdict = {
        "intents": [draft.intent],
        "language": draft.client.language,
        "confidence": 0.9,
        "needs_review": False,
        "evidence": draft.evidence,
    }
    rows.add(
        "message",
        id=draft.ident,
        dedupe_key=draft.mail_id,
        message_id=draft.mail_id,
        digest=hashlib.sha256(raw).hexdigest(),
        source="imap:INBOX",
        source_ref=str(draft.ident),
        received_at=draft.received,
        processed_at=draft.received + timedelta(seconds=2),
        sender=draft.client.address,
        subject=draft.request[0],
        outcome="ticket_opened",
        classification=verdict,
        attachments=[],
        size=len(raw),
        ticket_id=draft.ident,
    )
    rows.add("message_raw", message_id=draft.ident, raw=raw)


def _ack(rows: Rows, draft: Draft) -> None:
    client = draft.client
    message_id = f"<ack.{draft.ident}@1texno.kz>"
    raw = _put(
        _ack_shape(client.language),
        {
            PLACEHOLDER_NUMBER: number_of(draft.ident).encode(),
            PLACEHOLDER_ADDRESS + b"@example.kz": client.address.encode(),
            f"<{PLACEHOLDER_ID}@example.kz>".encode(): draft.mail_id.encode(),
            f"<ack.{PLACEHOLDER_ID}@1texno.kz>".encode(): message_id.encode(),
        },
    )
    rows.add(
        "outbox",
        ticket_id=draft.ident,
        kind="ack",
        message_id=message_id,
        mail_from="hello@1texno.kz",
        recipient=client.address,
        raw=raw,
        status="sent",
        attempts=1,
        next_attempt_at=draft.received,
        created_at=draft.received,
        sent_at=draft.received + timedelta(seconds=5),
    )


@functools.cache
def _ack_shape(language: str) -> bytes:
    number = PLACEHOLDER_NUMBER.decode()
    mail = EmailMessage()
    mail["From"] = "ONETEXNO <hello@1texno.kz>"
    mail["To"] = f"{PLACEHOLDER_ADDRESS.decode()}@example.kz"
    mail["Subject"] = f"[{number}] Ваше обращение получено"
    mail["Message-ID"] = f"<ack.{PLACEHOLDER_ID}@1texno.kz>"
    mail["In-Reply-To"] = f"<{PLACEHOLDER_ID}@example.kz>"
    mail.set_content(ACK[language].format(number=number), cte="8bit")
    return mail.as_bytes()


def _events(rows: Rows, draft: Draft) -> None:
    for kind, at, actor, detail in _trail(draft):
        rows.add("ticket_event", ticket_id=draft.ident, at=at, actor=actor, kind=kind, detail=detail)
    for level, at in draft.fired.items():
        rows.add("sla_escalation", ticket_id=draft.ident, level=level, due_at=at, fired_at=at)


def _trail(draft: Draft) -> Iterator[tuple[str, datetime, str, dict[str, Any]]]:
    received, stopped = draft.received, draft.stopped
    yield "opened", received, "inboxbot", {"intents": [draft.intent], "received_at": received.isoformat()}
    yield "ack_queued", received, "inboxbot", {"language": draft.client.language}
    for level, at in draft.fired.items():
        yield f"sla_{level}", at, "inboxbot", {"level": level}
    if draft.assignee is not None:
        yield "assigned", received + timedelta(minutes=30), "staff:agent@1texno.kz", {"to": draft.assignee}
    if stopped is not None:
        kind = "resolved" if draft.status == "resolved" else "status_changed"
        yield kind, stopped, "staff:agent@1texno.kz", {"from": "open", "to": draft.status, "why": "answered"}
