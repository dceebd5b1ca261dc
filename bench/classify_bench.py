"""In-process speed of the classifier on the development corpus (``make bench``).

Loads the corpus files once, warms the classifier up (its vocabulary is built once per process and
word analyses are memoised, as in the long-running worker), then times, with time.perf_counter and a
few repetitions (the median is reported):

- parse + classify of the raw bytes, against the 2,000 mails/s target;
- classify alone on pre-parsed mails, against its 0.15 ms/mail (6,667 mails/s) budget.

Usage: python bench/classify_bench.py [CORPUS_DIR] [--repeat N] [--rounds R]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from inboxbot.core.classify import classify
from inboxbot.core.mail import ParsedMail, parse_mail

TARGET_PARSE_AND_CLASSIFY = 2000.0  # mails per second
TARGET_CLASSIFY_MS = 0.15  # milliseconds per mail
DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "corpus-dev"


def load(directory: Path) -> list[bytes]:
    files = sorted(directory.glob("*.eml"))
    if not files:
        raise SystemExit(f"no .eml files in {directory}")
    return [path.read_bytes() for path in files]


def rate(run: object, count: int, repeat: int, rounds: int) -> float:
    """Median mails/second over ``rounds`` rounds of ``repeat`` passes."""
    assert callable(run)
    results = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeat):
            run()
        results.append(count * repeat / (time.perf_counter() - start))
    return statistics.median(results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=20, help="passes over the corpus per round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds; the median is reported")
    args = parser.parse_args(argv)
    raws = load(args.corpus)
    mails: list[ParsedMail] = [parse_mail(raw) for raw in raws]
    for mail in mails:  # warm-up: build the vocabulary, fill the word memo
        classify(mail)

    def parse_and_classify() -> None:
        for raw in raws:
            classify(parse_mail(raw))

    def classify_only() -> None:
        for mail in mails:
            classify(mail)

    def parse_only() -> None:
        for raw in raws:
            parse_mail(raw)

    both = rate(parse_and_classify, len(raws), args.repeat, args.rounds)
    alone = rate(classify_only, len(mails), args.repeat * 2, args.rounds)
    parsing = rate(parse_only, len(raws), args.repeat, args.rounds)
    ms = 1000.0 / alone
    print(f"corpus: {args.corpus} ({len(raws)} mails), {args.rounds} rounds x {args.repeat} passes, median")
    ratio = both / TARGET_PARSE_AND_CLASSIFY
    print(f"parse + classify : {both:8.0f} mails/s   {ratio:5.2f} x the 2,000/s target")
    print(f"classify alone   : {alone:8.0f} mails/s   {ms:.3f} ms/mail (budget {TARGET_CLASSIFY_MS} ms)")
    print(f"parse alone      : {parsing:8.0f} mails/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
