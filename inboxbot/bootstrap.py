"""The one place that wires inboxbot together from validated settings.

Nothing here runs at import time: :func:`build` is called by the CLI (and by tests) with settings and,
optionally, a clock, and returns the assembled application.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from inboxbot.adapters.db.store import Store, make_engine
from inboxbot.adapters.mailbox_imap import ImapMailbox
from inboxbot.adapters.mailbox_maildir import MaildirMailbox
from inboxbot.adapters.segments_db import DatabaseSegments
from inboxbot.adapters.transport_files import FileTransport
from inboxbot.adapters.transport_smtp import SmtpTransport
from inboxbot.config import Settings
from inboxbot.core.classify import classify
from inboxbot.core.mail import ParseLimits
from inboxbot.service.delivery import Delivery
from inboxbot.service.intake import Classifier, Clock, Destination, Intake, IntakePolicy, ReplyGuard
from inboxbot.service.mailer import Mailer
from inboxbot.service.ports import MailSource, SegmentBackend, Transport
from inboxbot.service.unsubscribe import UnsubscribeAutomation, Unsubscriber
from inboxbot.service.worker import Worker
from inboxbot.templating import DEFAULT_TEMPLATES, Templates


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class App:
    settings: Settings
    store: Store
    templates: Templates
    intake: Intake
    delivery: Delivery
    worker: Worker
    clock: Clock
    unsubscribe: UnsubscribeAutomation
    unsubscriber: Unsubscriber

    def close(self) -> None:
        self.store.dispose()


def default_classifier() -> Classifier:
    return classify


def build(
    settings: Settings,
    clock: Clock = utcnow,
    classifier: Classifier | None = None,
    backends: Sequence[SegmentBackend] | None = None,
) -> App:
    store = Store(make_engine(settings.database.url))
    templates = Templates(DEFAULT_TEMPLATES, fallback_language=settings.acks.default_language)
    mailer = Mailer(
        templates,
        settings.mailbox.address,
        settings.mailbox.display_name,
        ZoneInfo(settings.tickets.timezone),
        settings.sla.deadline_hours,
    )
    policy = intake_policy(settings)
    automation = UnsubscribeAutomation(mailer, policy.reply_guard, clock, settings.own_addresses)
    intake = Intake(
        store=store,
        classify=classifier or default_classifier(),
        mailer=mailer,
        policy=policy,
        clock=clock,
        automations=[automation],
    )
    unsubscriber = Unsubscriber(
        store, backends or segment_backends(settings, clock), mailer, settings.unsubscribe, clock
    )
    delivery = Delivery(store, make_transport(settings), settings.outbox, clock)
    worker = Worker(store, intake, source_factory(settings), delivery, sweeps=[unsubscriber.run])
    return App(settings, store, templates, intake, delivery, worker, clock, automation, unsubscriber)


def segment_backends(settings: Settings, clock: Clock) -> list[SegmentBackend]:
    known: dict[str, Callable[[], SegmentBackend]] = {"database": lambda: DatabaseSegments(clock)}
    return [known[name]() for name in settings.unsubscribe.backends]


def intake_policy(settings: Settings) -> IntakePolicy:
    return IntakePolicy(
        reply_guard=ReplyGuard(settings.own_addresses, settings.acks.max_per_sender_per_day),
        ticket_prefix=settings.tickets.prefix,
        timezone=settings.tickets.timezone,
        deadline_hours=settings.sla.deadline_hours,
        acks_enabled=settings.acks.enabled,
        default_language=settings.acks.default_language,
        limits=ParseLimits(
            max_message_bytes=settings.limits.max_message_bytes,
            max_header_bytes=settings.limits.max_header_bytes,
        ),
    )


def folders(settings: Settings) -> dict[Destination, str]:
    return {
        Destination.PROCESSED: settings.imap.processed_folder,
        Destination.AUTOMATED: settings.imap.automated_folder,
        Destination.QUARANTINE: settings.imap.quarantine_folder,
    }


def source_factory(settings: Settings) -> Callable[[], MailSource]:
    limit = settings.limits.max_message_bytes
    maildir = settings.maildir_path
    if maildir is not None:
        path: Path = maildir
        return lambda: MaildirMailbox(path, folders(settings), limit)
    return lambda: ImapMailbox(settings.imap, folders(settings), limit).connect()


def make_transport(settings: Settings) -> Transport:
    outbox = settings.outbox_path
    if outbox is not None:
        return FileTransport(outbox)
    return SmtpTransport(settings.smtp)
