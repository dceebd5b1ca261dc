"""The one place that wires inboxbot together from validated settings.

Nothing here runs at import time: :func:`build` is called by the CLI (and by tests) with settings and,
optionally, a clock, and returns the assembled application.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from inboxbot.adapters.db.store import Store, make_engine
from inboxbot.adapters.mailbox_imap import ImapMailbox
from inboxbot.adapters.mailbox_maildir import MaildirMailbox
from inboxbot.adapters.process_pool import auto_processes, make_preparer
from inboxbot.adapters.segments_db import DatabaseSegments
from inboxbot.adapters.transport_files import FileTransport
from inboxbot.adapters.transport_smtp import SmtpTransport
from inboxbot.config import ConfigError, Settings
from inboxbot.core.classify import classify
from inboxbot.core.mail import ParseLimits
from inboxbot.service.accounts import Accounts, LoginPolicy
from inboxbot.service.delivery import Delivery
from inboxbot.service.desk import Desk
from inboxbot.service.inbound import Clock, Destination
from inboxbot.service.intake import Intake, IntakePolicy
from inboxbot.service.lifecycle import Lifecycle
from inboxbot.service.mailer import Mailer
from inboxbot.service.notify import StaffNotifier
from inboxbot.service.ports import MailSource, SegmentBackend, Transport
from inboxbot.service.preparation import Classifier
from inboxbot.service.sla import SlaSweeper
from inboxbot.service.ticketing import ReplyGuard, Ticketing, TicketPolicy
from inboxbot.service.unsubscribe import UnsubscribeAutomation, Unsubscriber
from inboxbot.service.worker import Worker
from inboxbot.templating import Templates


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
    sweeper: SlaSweeper
    lifecycle: Lifecycle
    desk: Desk
    accounts: Accounts
    notifier: StaffNotifier

    def close(self) -> None:
        self.intake.preparer.close()
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
    templates = Templates(settings.templates.path, fallback_language=settings.acks.default_language)
    check_templates(settings, templates)
    zone = ZoneInfo(settings.tickets.timezone)
    mailer = Mailer(templates, settings.mailbox.address, settings.mailbox.display_name, zone)
    lifecycle = Lifecycle(settings.sla.policy())
    ticket_policy = TicketPolicy(
        reply_guard=ReplyGuard(settings.own_addresses, settings.acks.max_per_sender_per_day),
        lifecycle=lifecycle,
        ticket_prefix=settings.tickets.prefix,
        timezone=settings.tickets.timezone,
        acks_enabled=settings.acks.enabled,
        default_language=settings.acks.default_language,
    )
    automation = UnsubscribeAutomation(
        mailer, ticket_policy.reply_guard, lifecycle, clock, settings.own_addresses
    )
    ticketing = Ticketing(mailer, ticket_policy, clock, (automation,))
    policy = intake_policy(settings)
    classify = classifier or default_classifier()
    preparer = make_preparer(auto_processes(settings.worker.parse_processes), policy.limits, classify)
    intake = Intake(
        store=store, classify=classify, ticketing=ticketing, policy=policy, clock=clock, preparer=preparer
    )
    unsubscriber = Unsubscriber(
        store=store,
        backends=backends or segment_backends(settings, clock),
        mailer=mailer,
        lifecycle=lifecycle,
        settings=settings.unsubscribe,
        clock=clock,
    )

    sweeper = SlaSweeper(store, lifecycle, mailer, settings.sla, clock)
    delivery = Delivery(store, make_transport(settings), settings.outbox, clock)
    notifier = StaffNotifier(store, mailer, settings.notify, clock)
    worker = Worker(
        store,
        intake,
        source_factory(settings),
        delivery,
        fulfil=unsubscriber.run,
        sla=sweeper.run,
        notify=notifier.run,
    )
    return App(
        settings,
        store,
        templates,
        intake,
        delivery,
        worker,
        clock,
        automation,
        unsubscriber,
        sweeper,
        lifecycle,
        desk=Desk(store, lifecycle, mailer, automation, clock),
        accounts=Accounts(store, clock, login_policy(settings)),
        notifier=notifier,
    )


def login_policy(settings: Settings) -> LoginPolicy:
    web = settings.web
    return LoginPolicy(
        max_failures=web.lockout_failures,
        lock_for=timedelta(minutes=web.lockout_minutes),
        idle_timeout=timedelta(minutes=web.session_idle_minutes),
        max_age=timedelta(hours=web.session_max_hours),
    )


def check_templates(settings: Settings, templates: Templates) -> None:
    """Every escalation level's template must exist in the staff language: refused at start otherwise."""
    for index, level in enumerate(settings.sla.levels):
        if not templates.has(level.template, settings.sla.language):
            raise ConfigError(
                f"invalid configuration: sla.levels[{index}].template: no template {level.template!r} "
                f"in {settings.sla.language!r} in {templates.where}"
            )


def segment_backends(settings: Settings, clock: Clock) -> list[SegmentBackend]:
    known: dict[str, Callable[[], SegmentBackend]] = {"database": lambda: DatabaseSegments(clock)}
    return [known[name]() for name in settings.unsubscribe.backends]


def intake_policy(settings: Settings) -> IntakePolicy:
    return IntakePolicy(
        limits=ParseLimits(
            max_message_bytes=settings.limits.max_message_bytes,
            max_header_bytes=settings.limits.max_header_bytes,
        ),
        max_failures=settings.limits.max_failures,
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
