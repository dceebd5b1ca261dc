"""``inboxbot classify FILE...``: classify .eml files without touching any database; ``inboxbot classify
eval --from-tickets``: score the classifier on what staff decided."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from inboxbot.bootstrap import default_classifier
from inboxbot.cli.context import EXIT_USAGE, CliState, application, fail, pass_state
from inboxbot.core.mail import ParseLimits
from inboxbot.evaluate import render, score
from inboxbot.service.labels import labelled_by_staff
from inboxbot.service.preparation import Classifier, prepare


class _FilesByDefault(click.Group):
    """``classify FILE...`` stays as it always was; ``classify eval ...`` is the one subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["files", *args]
        return super().parse_args(ctx, args)


@click.group("classify", cls=_FilesByDefault)
def classify_command() -> None:
    """Classify .eml files (``inboxbot classify [--json] FILE...``), or measure the classifier on what
    staff decided (``inboxbot classify eval --from-tickets``)."""


@classify_command.command("files", hidden=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line per file.")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def files_command(as_json: bool, files: tuple[Path, ...]) -> None:
    """Classify .eml FILES and print the intents, language and evidence of each."""
    classify = default_classifier()
    failed = False
    for path in files:
        record = _classify_file(path, classify)
        failed = failed or "error" in record
        click.echo(json.dumps(record, ensure_ascii=False) if as_json else _line(record))
    if failed and not as_json:
        click.echo("some files could not be classified (see 'error' above)", err=True)


def _classify_file(path: Path, classify: Classifier) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return {"file": str(path), "error": f"cannot read: {exc.strerror}"}
    prepared = prepare(raw, None, ParseLimits(), classify)  # as the intake does: robots first
    if prepared.verdict is None:
        return {"file": str(path), "error": prepared.unreadable}
    return {"file": str(path), **prepared.verdict.to_dict()}


def _line(record: dict[str, Any]) -> str:
    if "error" in record:
        return f"{record['file']}: error: {record['error']}"
    intents = ",".join(record["intents"])
    review = " needs-review" if record["needs_review"] else ""
    return f"{record['file']}: {intents} [{record['language']}] confidence={record['confidence']}{review}"


@classify_command.command("eval")
@click.option("--from-tickets", "from_tickets", is_flag=True, required=True, help="Score on staff decisions.")
@click.option(
    "--since", default=None, metavar="DATE", help="Only decisions taken on or after DATE (YYYY-MM-DD)."
)
@pass_state
def eval_command(state: CliState, from_tickets: bool, since: str | None) -> None:
    """Precision and recall per intent on the mails staff triaged or corrected, as the classifier reads
    them now (the latest decision per mail counts)."""
    start = _day(since) if since else None
    with application(state) as app:
        mails = labelled_by_staff(app.store, start)
    if not mails:
        click.echo("no staff decisions to measure against yet")
        return
    click.echo(render(score(mails), state.settings.classifier.automation_threshold))


def _day(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    except ValueError:
        fail(f"--since: {text!r} is not a date (YYYY-MM-DD)", EXIT_USAGE)
