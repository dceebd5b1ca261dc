"""``inboxbot classify``: classify .eml files without touching any database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from inboxbot.bootstrap import default_classifier
from inboxbot.core.mail import UnreadableMail, parse_mail
from inboxbot.service.preparation import Classifier


@click.command("classify")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line per file.")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def classify_command(as_json: bool, files: tuple[Path, ...]) -> None:
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
    try:
        mail = parse_mail(raw)
    except UnreadableMail as exc:
        return {"file": str(path), "error": exc.reason}
    verdict = classify(mail)
    return {"file": str(path), **verdict.to_dict()}


def _line(record: dict[str, Any]) -> str:
    if "error" in record:
        return f"{record['file']}: error: {record['error']}"
    intents = ",".join(record["intents"])
    review = " needs-review" if record["needs_review"] else ""
    return f"{record['file']}: {intents} [{record['language']}] confidence={record['confidence']}{review}"
