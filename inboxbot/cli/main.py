"""Top-level commands: run-once, run, check, status, classify, and the command groups."""

from __future__ import annotations

import click

from inboxbot import __version__
from inboxbot.adapters.locks import mailbox_lock
from inboxbot.cli.check_cmd import check_command
from inboxbot.cli.classify_cmd import classify_command
from inboxbot.cli.contacts_cmd import contacts_group, segments_group
from inboxbot.cli.context import EXIT_UNAVAILABLE, CliState, application, fail, pass_state
from inboxbot.cli.db_cmd import db_group
from inboxbot.cli.links_cmd import unsubscribe_headers_command
from inboxbot.cli.progress import terminal_progress
from inboxbot.cli.serve_cmd import serve_command
from inboxbot.cli.sla_cmd import sla_group
from inboxbot.cli.staff_cmd import staff_group
from inboxbot.cli.status_cmd import status_command
from inboxbot.cli.tickets_cmd import tickets_group
from inboxbot.service.inbound import Outcome
from inboxbot.service.runner import StopSignals, run_forever
from inboxbot.service.worker import CycleReport


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config",
    metavar="PATH",
    envvar="INBOXBOT_CONFIG",
    default=None,
    help="TOML configuration file (default: config/inboxbot.toml when present).",
)
@click.version_option(__version__, prog_name="inboxbot")
@click.pass_context
def cli(ctx: click.Context, config: str | None) -> None:
    """inboxbot: turns the mail in the support inbox into tickets and acknowledgements."""
    ctx.obj = CliState(config=config)


@cli.command("run-once")
@pass_state
def run_once(state: CliState) -> None:
    """One full cycle: fetch new mail, process it, deliver the outbox, run due work."""
    with application(state) as app:
        lock = mailbox_lock(app.store.engine)
        if not lock.acquire():
            click.echo("inboxbot: another run is reading the mailbox (its lock is held); nothing to do")
            return
        try:
            app.worker.progress = terminal_progress()
            with StopSignals(app.worker.stopping):  # a cron timeout's SIGTERM ends the batch in hand
                report = app.worker.run_once()
        finally:
            lock.release()
    click.echo(summary(report))
    if report.delivery.unavailable:
        fail(f"outbox not delivered: {report.delivery.unavailable}", EXIT_UNAVAILABLE)


@cli.command("run")
@pass_state
def run(state: CliState) -> None:
    """The long-running worker: waits for mail (IMAP IDLE), delivers the outbox, sweeps; stops on SIGTERM."""
    with application(state) as app:
        app.worker.progress = terminal_progress()
        run_forever(app.worker, app.worker.open_source, mailbox_lock(app.store.engine), app.settings.worker)


_OUTCOME_WORDS = {
    Outcome.TICKET_OPENED: "ticket(s) opened",
    Outcome.REPLY_ADDED: "reply(ies) added to tickets",
    Outcome.AUTOMATED: "automated",
    Outcome.SPAM: "suspected spam",
    Outcome.QUARANTINED: "quarantined",
    Outcome.DUPLICATE: "seen before",
    Outcome.RETRY: "failed, left in the inbox to retry",
}


def summary(report: CycleReport) -> str:
    poll, sent = report.poll, report.delivery
    parts = [f"{poll.outcomes[o]} {words}" for o, words in _OUTCOME_WORDS.items() if poll.outcomes[o]]
    mails = f"{poll.total} mail(s)" + (f": {', '.join(parts)}" if parts else "")
    outbox = f"outbox: {sent.sent} sent, {sent.retrying} to retry, {sent.failed} failed"
    return f"inboxbot: {mails}; {outbox}"


cli.add_command(check_command)
cli.add_command(status_command)
cli.add_command(classify_command)
cli.add_command(tickets_group)
cli.add_command(db_group)
cli.add_command(contacts_group)
cli.add_command(segments_group)
cli.add_command(sla_group)
cli.add_command(staff_group)
cli.add_command(serve_command)
cli.add_command(unsubscribe_headers_command)


def main() -> None:
    cli(prog_name="inboxbot")
