"""Language detection, measured three ways on every labelled mail that is not held out.

- **hand-written**: the word votes of ``inboxbot.core.classify.language`` alone (ru/kk/en, never und);
- **lingua**: ``lingua-language-detector`` alone, over the same text the classifier reads, restricted to
  the classifier's candidate set (any language but ru/kk/en counts as und);
- **combined**: what ``classify`` answers (votes; other scripts, Kyrgyz letters and lingua only for
  text whose words are not recognised).

Sets: the development and blind corpora (their labels.json ``lang``), the language cases of
``tests/data/lang/`` (``mails.toml``, and ``fresh.toml`` written after the thresholds were chosen) and,
with ``--unit-tables``, the held-out tables of the unit tests. The frozen held-out corpus is never read.

Usage: python -m bench.language_compare [--high-accuracy] [--unit-tables] [--misses]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import tomllib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from inboxbot.core.classify import Classifier, _own_text, foreign
from inboxbot.core.classify.tokens import sentences as split_sentences
from inboxbot.core.mail import ParsedMail, parse_mail

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
CORPORA = ("corpus-dev", "corpus-blind", "corpus-blind-2", "corpus-blind-3", "corpus-blind-4")
CASE_FILES = ("mails.toml", "fresh.toml", "fresh-2.toml")
METHODS = ("hand-written", "lingua", "combined")


@dataclass(frozen=True)
class Item:
    group: str  # a corpus, a case file, or a unit-test table
    name: str
    kind: str  # what the text is written in ("it", "kk+ru", "ru-lat"; gold for the corpora)
    gold: str
    mail: ParsedMail


def corpus_items() -> list[Item]:
    items = []
    for corpus in CORPORA:
        labels = json.loads((DATA / corpus / "labels.json").read_text("utf-8"))
        for mail_id, label in sorted(labels.items()):
            mail = parse_mail((DATA / corpus / f"{mail_id}.eml").read_bytes())
            items.append(Item(corpus, mail_id, _kind(label["lang"], mail), label["lang"], mail))
    return items


def _kind(lang: str, mail: ParsedMail) -> str:
    """A corpus mail's language, with "-lat" for Russian or Kazakh typed in Latin letters."""
    text = _own_text(mail) or mail.subject or ""
    latin = len(re.findall("[a-z]", text, re.IGNORECASE))
    return f"{lang}-lat" if lang in ("ru", "kk") and latin > len(re.findall("[а-яё]", text, re.I)) else lang


def case_items() -> list[Item]:
    sys.path.insert(0, str(ROOT))
    from tests.unit.classify.mails import make_mail  # noqa: PLC0415  (the tests' own mail builder)

    items = []
    for name in CASE_FILES:
        path = DATA / "lang" / name
        if not path.exists():
            continue
        for case in tomllib.loads(path.read_text("utf-8"))["mail"]:
            mail = make_mail(case["text"], case.get("subject", ""))
            items.append(Item(name, case["id"], case["written"], case["lang"], mail))
    return items


def unit_table_items() -> list[Item]:
    sys.path.insert(0, str(ROOT))
    from tests.unit.classify import heldout, heldout_fourth, heldout_third  # noqa: PLC0415
    from tests.unit.classify.mails import make_mail  # noqa: PLC0415

    tables = {
        "heldout": heldout.ALL + heldout.FRESH,
        "heldout_third": heldout_third.ENGLISH + heldout_third.RUSSIAN + heldout_third.KAZAKH
        + heldout_third.NATURAL,
        "heldout_fourth": heldout_fourth.NATURAL_MIX,
    }  # fmt: skip
    items = []
    for table, cases in tables.items():
        for case_id, subject, body, _, lang in cases:
            mail = make_mail(body, subject)
            items.append(Item("unit tables", f"{table}/{case_id}", _kind(lang, mail), lang, mail))
    return items


class _Never:
    def language(self, text: str, sentences: object, voted: str) -> None:
        return None


def lingua_alone(high_accuracy: bool) -> Callable[[ParsedMail], str]:
    from lingua import IsoCode639_1, LanguageDetectorBuilder  # noqa: PLC0415

    # The classifier's candidates, and the three scripts it tells without lingua.
    codes = [getattr(IsoCode639_1, code.upper()) for code in (*foreign._CANDIDATES, "ja", "zh", "ko")]
    builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
    detector = (builder if high_accuracy else builder.with_low_accuracy_mode()).build()

    def detect(mail: ParsedMail) -> str:
        text = _own_text(mail)
        if not any(raw.words for raw in split_sentences(text)) and not foreign._OTHER_SCRIPT.search(text):
            text = f"{mail.subject or ''}\n{text}"
        found = detector.detect_language_of(text)
        code = found.iso_code_639_1.name.lower() if found is not None else "ru"
        return code if code in foreign.OURS else foreign.UND

    return detect


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--high-accuracy", action="store_true", help="lingua alone in its high-accuracy mode")
    parser.add_argument("--unit-tables", action="store_true", help="also the unit tests' held-out tables")
    parser.add_argument("--misses", action="store_true", help="list every mail a method gets wrong")
    parser.add_argument(
        "--by-set", action="store_true", help="one row per set and language, not per language"
    )
    args = parser.parse_args(argv)
    items = corpus_items() + case_items() + (unit_table_items() if args.unit_tables else [])
    hand = Classifier()
    hand.foreign = _Never()  # type: ignore[assignment]
    combined = Classifier()
    asked = Counter[str]()
    real_lingua = foreign._lingua

    def counting(text: str) -> str | None:
        asked["lingua"] += 1
        return real_lingua(text)

    foreign._lingua = counting  # type: ignore[assignment]
    alone = lingua_alone(args.high_accuracy)
    right: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    misses: list[str] = []
    start = time.perf_counter()
    for item in items:
        answers = {
            "hand-written": hand(item.mail).language,
            "lingua": alone(item.mail),
            "combined": combined(item.mail).language,
        }
        for key in (("all", item.gold), (item.group if args.by_set else "", item.kind)):
            right[key]["mails"] += 1
            for method, answer in answers.items():
                right[key][method] += answer == item.gold
        wrong = [f"{m}={a}" for m, a in answers.items() if a != item.gold]
        if wrong:
            misses.append(f"  {item.group}/{item.name} ({item.kind}, gold {item.gold}): {', '.join(wrong)}")
    elapsed = time.perf_counter() - start
    print(f"{len(items)} mails; lingua asked by the combination for {asked['lingua']} ({elapsed:.1f} s)")
    print(f"| set | written | mails | {' | '.join(METHODS)} |")
    print("| --- | --- | ---: |" + " ---: |" * len(METHODS))
    for (group, kind), counts in sorted(right.items(), key=lambda kv: (kv[0][0] == "all", kv[0])):
        n = counts["mails"]
        cells = " | ".join(f"{counts[m]}/{n} ({counts[m] / n:.2f})" for m in METHODS)
        print(f"| {group or 'all sets'} | {kind} | {n} | {cells} |")
    if args.misses:
        print("misses:")
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
