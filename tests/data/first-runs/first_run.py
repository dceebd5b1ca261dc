"""Re-create a first run: the classifier of an old commit on a set it had never seen.

From a worktree of that commit (``git worktree add --detach /tmp/fr <commit>; cd /tmp/fr``)::

    python /path/to/first_run.py SET COMMIT OUT.jsonl /path/to/tests/data

classifies every mail of ``DATA/SET`` as that commit's ``inboxbot/evaluate.py`` did and writes one
JSON line per mail (gold and predicted intents, confidence, needs_review, the rules that fired)."""

from __future__ import annotations

import inspect
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, os.getcwd())

import inboxbot
import inboxbot.evaluate as old_evaluate
from inboxbot.core.classify import classify


def _runner() -> Callable[[bytes], Any]:
    if "prepare(" in inspect.getsource(old_evaluate):  # round 5 on: the intake's own preparation
        from inboxbot.core.mail import ParseLimits
        from inboxbot.service.preparation import prepare

        return lambda raw: prepare(raw, None, ParseLimits(), classify).verdict
    from inboxbot.core.mail import UnreadableMail, parse_mail

    def run(raw: bytes) -> Any:
        try:
            return classify(parse_mail(raw))
        except UnreadableMail:
            return None

    return run


def main() -> None:
    set_name, commit, out, data = sys.argv[1], sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
    assert Path(inboxbot.__file__).resolve().is_relative_to(Path.cwd().resolve()), inboxbot.__file__
    labels = json.loads((data / set_name / "labels.json").read_text("utf-8"))
    run = _runner()
    rows = []
    for mail_id in sorted(labels):
        result = run((data / set_name / f"{mail_id}.eml").read_bytes())
        row = {"set": set_name, "id": mail_id, "commit": commit, "gold": sorted(labels[mail_id]["intents"])}
        row["gold_lang"] = labels[mail_id].get("lang")
        if result is None:
            row |= {"pred": None, "confidence": None, "needs_review": None, "unreadable": True}
        else:
            row |= {
                "pred": sorted(i.value for i in result.intents),
                "lang": getattr(result, "language", None) or getattr(result, "lang", None),
                "confidence": float(result.confidence),
                "needs_review": bool(result.needs_review),
                "rules": [[e.intent.value, e.rule] for e in result.evidence],
            }
        rows.append(json.dumps(row, ensure_ascii=False))
    out.write_text("\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
