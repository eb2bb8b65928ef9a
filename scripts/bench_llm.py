"""Benchmark: LLM mode against hostile scripted models, over the dev questions.

Every behaviour is a fake chat model that reads the data block it is sent and replies as a bad
(or a good) model would: a fact-stated allegation not in the prompt ("Ambassador Kenna ordered the
arrest of Castillo."), an invented event, the article's thesis stated as fact, an injected claim
("The CIA organized the coup."), a misattribution ("The article states that Castillo was arrested
by his own police escort"), an allegation restated as fact while citing an established passage, a
fabricated or paraphrased quotation, verdict words, markup and mentions, a summary contradicting a
card, claims about what the article leaves out, unknown ids, small models' broken JSON, prose,
refusals … Each hostile behaviour plants content that must never ship, or never ship
unattributed; the bench counts what did, independently of the guards' own bookkeeping.

Prints, per behaviour: answers, summaries shipped, fallbacks by fault kind, planted content shipped
(must be 0); overall: verification, verbatim quotes and quotations, contested claims shipped
unattributed (must be 0), which guard dropped how many sentences, gold recall next to the
extractive answer's, and the guards' cost per answer.

    .venv/bin/python scripts/bench_llm.py [--questions evals/dev-questions.yaml] [--lexical]
        [--shape sentences|legacy] [--only NAME,...] [--show N]

`--lexical` runs the guards without the embedder; `--shape legacy` sends replies in the older
`{"summary", "points"}` shape (to measure a tree whose refiner reads only that shape).

The behaviours are in scripts/bench_llm_behaviours.py; the run and its figures in
scripts/bench_llm_run.py.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from index.evaluate import Case, load_cases

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_llm_behaviours  # noqa: E402
from bench_llm_behaviours import BEHAVIOURS  # noqa: E402
from bench_llm_run import Capture, bench, contested_unattributed, gold_hit, report  # noqa: E402

__all__ = ["Capture", "contested_unattributed", "gold_hit", "main"]  # bench_llm_local uses these


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=Path("evals/dev-questions.yaml"))
    parser.add_argument("--lexical", action="store_true", help="guards without the embedder")
    parser.add_argument("--shape", choices=("sentences", "legacy"), default="sentences")
    parser.add_argument("--only", default="", help="comma-separated behaviour names")
    parser.add_argument("--show", type=int, default=0, help="print N shipped summaries each")
    args = parser.parse_args()
    bench_llm_behaviours.SHAPE = args.shape
    quiet = logging.StreamHandler()
    quiet.setLevel(logging.ERROR)  # the refiner logs every scripted fault
    logging.basicConfig(handlers=[quiet])
    cases: list[Case] = load_cases([args.questions])
    names = [n for n in args.only.split(",") if n] or list(BEHAVIOURS)
    figures = bench(cases, names, args.lexical, args.show)
    report(figures, len(cases), names, args.shape, args.lexical)


if __name__ == "__main__":
    main()
