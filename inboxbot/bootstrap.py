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

from inboxbot.adapters.db.models import Ticket
from inboxbot.adapters.db.store import Store, Tx, make_engine
from inboxbot.adapters.mailbox_imap import ImapMailbox
from inboxbot.adapters.mailbox_maildir import MaildirMailbox
from inboxbot.adapters.platforms.factory import PlatformConfigError, build_platform
from inboxbot.adapters.process_pool import auto_processes, make_preparer
from inboxbot.adapters.segments_db import DatabaseSegments
from inboxbot.adapters.transport_files import FileTransport
from inboxbot.adapters.transport_smtp import SmtpTransport
from inboxbot.config import ConfigError, Settings
from inboxbot.core.address_hash import AddressHasher, HashKeyError, address_hasher
from inboxbot.core.classify import ConfiguredClassifier, SpamPolicy, classify
from inboxbot.core.mail import ParseLimits
from inboxbot.core.unsubscribe_links import LinkKeyError, LinkKeys
from inboxbot.core.unsubscribe_links import link_keys as make_link_keys
from inboxbot.service.accounts import Accounts, LoginPolicy
from inboxbot.service.complaints import ComplaintPolicy
from inboxbot.service.data_decisions import DataDecisions, Eraser, Exporter
from inboxbot.service.data_requests import DataRequests, IdentityPolicy
from inboxbot.service.delivery import Delivery
from inboxbot.service.desk import Desk
from inboxbot.service.erasure import erase_person
from inboxbot.service.export import export_person, queue_export_mail
from inboxbot.service.inbound import Clock, Destination
from inboxbot.service.intake import Intake, IntakePolicy
from inboxbot.service.lifecycle import Lifecycle
from inboxbot.service.mailer import Mailer
from inboxbot.service.notify import StaffNotifier
from inboxbot.service.platform_sync import PlatformSync, SyncPolicy
from inboxbot.service.platforms import MailingPlatform
from inboxbot.service.ports import MailSource, SegmentBackend, Transport
from inboxbot.service.preparation import Classifier
from inboxbot.service.retention import RetentionSweeper
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
    data: DataDecisions
    notifier: StaffNotifier
    platforms: PlatformSync

    def close(self) -> None:
        self.intake.preparer.close()
        self.platforms.close()
        self.store.dispose()


def default_classifier(settings: Settings | None = None) -> Classifier:
    """The classifier with the deployment's spam policy (the defaults without settings)."""
    if settings is None:
        return classify
    policy = SpamPolicy(
        trusted_authserv_ids=frozenset(settings.identity.trusted_authserv_ids),
        score_threshold=settings.classifier.spam_score_threshold,
    )
    return ConfiguredClassifier(policy)


def build(
    settings: Settings,
    clock: Clock = utcnow,
    classifier: Classifier | None = None,
    backends: Sequence[SegmentBackend] | None = None,
    platforms: Sequence[MailingPlatform] | None = None,
) -> App:
    store = Store(make_engine(settings.database.url), key_hasher(settings))
    templates = Templates(settings.templates.path, fallback_language=settings.acks.default_language)
    check_templates(settings, templates)
    zone = ZoneInfo(settings.tickets.timezone)
    mailer = Mailer(templates, settings.mailbox.address, settings.mailbox.display_name, zone)
    lifecycle = Lifecycle(settings.sla.policy(settings.tickets.timezone))
    ticket_policy = TicketPolicy(
        reply_guard=ReplyGuard(settings.own_addresses, settings.acks.max_per_sender_per_day),
        lifecycle=lifecycle,
        ticket_prefix=settings.tickets.prefix,
        timezone=settings.tickets.timezone,
        acks_enabled=settings.acks.enabled,
        default_language=settings.acks.default_language,
        automation_threshold=settings.classifier.automation_threshold,
    )
    automation = UnsubscribeAutomation(
        mailer, ticket_policy.reply_guard, lifecycle, clock, settings.own_addresses
    )
    data_requests = DataRequests(mailer, lifecycle, identity_policy(settings), clock)
    automations = (automation, data_requests)
    ticketing = Ticketing(mailer, ticket_policy, clock, automations)
    policy = intake_policy(settings)
    classify = classifier or default_classifier(settings)
    preparer = make_preparer(auto_processes(settings.worker.parse_processes), policy.limits, classify)
    intake = Intake(
        store=store, classify=classify, ticketing=ticketing, policy=policy, clock=clock, preparer=preparer
    )
    sync = PlatformSync(
        store, mailing_platforms(settings) if platforms is None else platforms, sync_policy(settings), clock
    )
    unsubscriber = Unsubscriber(
        store=store,
        backends=backends or segment_backends(settings, clock),
        mailer=mailer,
        lifecycle=lifecycle,
        settings=settings.unsubscribe,
        clock=clock,
        platforms=sync.names,
    )

    data_decisions = DataDecisions(
        store,
        lifecycle,
        mailer,
        data_requests,
        clock,
        export=exporter(mailer, settings),
        erase=eraser(settings),
        platforms=sync.names,
    )
    sweeper = SlaSweeper(store, lifecycle, mailer, settings.sla, clock)
    delivery = Delivery(store, make_transport(settings), settings.outbox, clock)
    notifier = StaffNotifier(store, mailer, settings.notify, clock)
    worker = Worker(
        store,
        intake,
        source_factory(settings),
        delivery,
        fulfil=fulfilment_job(unsubscriber, sync),
        sla=sweeper.run,
        notify=notifier.run,
        retention=RetentionSweeper(store, settings.retention, clock).run,
        after_delivery=data_decisions.finish_erasures,
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
        desk=Desk(store, lifecycle, mailer, automations, clock),
        accounts=Accounts(store, clock, login_policy(settings)),
        data=data_decisions,
        notifier=notifier,
        platforms=sync,
    )


def fulfilment_job(unsubscriber: Unsubscriber, sync: PlatformSync) -> Callable[[], None]:
    """Own segments first (one transaction), then the platform calls (none open), then finish what the
    platforms have confirmed: a request is fulfilled within one cycle when every platform answers."""

    def fulfil() -> None:
        unsubscriber.run()
        sync.run()
        unsubscriber.settle()

    return fulfil


def mailing_platforms(settings: Settings) -> list[MailingPlatform]:
    """An adapter per ``[backends.NAME]`` (validated with the settings)."""
    built: list[MailingPlatform] = []
    for name in sorted(settings.backends):
        kind, options, secrets = settings.backend_parts(name)
        try:
            built.append(build_platform(name, kind, options, secrets))
        except PlatformConfigError as exc:
            raise ConfigError(f"invalid configuration: {exc}") from exc
    return built


def sync_policy(settings: Settings) -> SyncPolicy:
    unsubscribe = settings.unsubscribe
    return SyncPolicy(
        max_attempts=unsubscribe.max_attempts,
        backoff_seconds=unsubscribe.backoff_seconds,
        max_backoff_seconds=unsubscribe.max_backoff_seconds,
    )


def exporter(mailer: Mailer, settings: Settings) -> Exporter:
    """Queue the export of everything held about an address, in the ticket's language."""

    def export(tx: Tx, ticket: Ticket, address: str, now: datetime) -> str:
        held = export_person(tx, address, now=now, default_language=settings.acks.default_language)
        return queue_export_mail(tx, mailer, ticket, held, now).message_id

    return export


def eraser(settings: Settings) -> Eraser | None:
    """Erasure needs the key of the keyed hash that stays on the suppression list."""
    key = settings.identity.hash_key.get_secret_value()
    if not key:
        return None

    def erase(
        tx: Tx, address: str, *, reason: str, actor: str, now: datetime, ticket: Ticket | None = None
    ) -> None:
        erase_person(tx, address, reason=reason, actor=actor, now=now, hash_key=key, ticket=ticket)

    return erase


def identity_policy(settings: Settings) -> IdentityPolicy:
    identity = settings.identity
    return IdentityPolicy(
        trusted_authserv_ids=frozenset(identity.trusted_authserv_ids),
        code_valid=timedelta(hours=identity.code_valid_hours),
        code_attempts=identity.code_attempts,
        pause_sla=identity.pause_sla_while_verifying,
        own_addresses=settings.own_addresses,
    )


def login_policy(settings: Settings) -> LoginPolicy:
    web = settings.web
    return LoginPolicy(
        max_failures=web.lockout_failures,
        lock_for=timedelta(minutes=web.lockout_minutes),
        idle_timeout=timedelta(minutes=web.session_idle_minutes),
        max_age=timedelta(hours=web.session_max_hours),
    )


def key_hasher(settings: Settings) -> AddressHasher | None:
    """The keyed hash of erased addresses (None while no key is set; a key too short is refused)."""
    key = settings.identity.hash_key.get_secret_value()
    if not key:
        return None
    try:
        return address_hasher(key)
    except HashKeyError as exc:
        raise ConfigError(f"invalid configuration: {exc}") from exc


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
        complaints=complaint_policy(settings),
        links=link_keys(settings),
        platforms=tuple(sorted(settings.backends)),  # the names mailing_platforms() gives them
    )


def link_keys(settings: Settings) -> LinkKeys | None:
    """The keys of one-click unsubscribe links; None while ``INBOXBOT_LINKS__KEY`` is not set."""
    links = settings.links
    key = links.key.get_secret_value()
    if not key:
        return None
    try:
        return make_link_keys(key, links.previous_keys.get_secret_value(), links.previous_keys_valid_until)
    except LinkKeyError as exc:
        raise ConfigError(f"invalid configuration: {exc}") from exc


def complaint_policy(settings: Settings) -> ComplaintPolicy:
    """Whose complaints count: complaints about mail from our own addresses' domains."""
    return ComplaintPolicy(own_addresses=settings.own_addresses)


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
