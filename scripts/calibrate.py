"""Fit the status thresholds on the development split; report them on the held-out split.

    python scripts/calibrate.py            # fit, print figures, do not write
    python scripts/calibrate.py --write    # also store them in CORPUS_DIR/calibration.yaml

    python scripts/calibrate.py --no-held-out   # fit and print the development figures only

The fit split is the development sets (`FIT`: evals/dev-*.yaml, out-of-scope, robustness);
the held-out sets (`HELD_OUT`: evals/heldout-3.yaml to -15) are only reported, never
fitted on. The thresholds are stored under the
embedding model's id, so each model keeps its own (cosines of different models differ).
Coordinate ascent on status accuracy; among equally good values the middle of the widest run is
kept (the largest margin).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import random
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from index.answer import compose
from index.answer.engine import Engine
from index.answer.query import INTENTS, Query
from index.answer.status import decide_for, intent_rival, routed_intent, signals_for
from index.evaluate import Case, load_cases
from index.search.calibration import NAMES, Thresholds, write_calibration
from index.settings import get_settings

ROOT = Path(__file__).resolve().parents[1]
FIT = (
    ROOT / "evals/dev-questions.yaml",
    ROOT / "evals/out-of-scope.yaml",
    ROOT / "evals/robustness.yaml",
    ROOT / "evals/dev-extra.yaml",
    ROOT / "evals/dev-more.yaml",
    ROOT / "evals/dev-seen.yaml",
    ROOT / "evals/dev-seen-2.yaml",
    ROOT / "evals/dev-5.yaml",
    ROOT / "evals/dev-6.yaml",
    ROOT / "evals/dev-7.yaml",
    ROOT / "evals/dev-8.yaml",
    ROOT / "evals/dev-9.yaml",
    ROOT / "evals/dev-10.yaml",
    ROOT / "evals/dev-11.yaml",
    ROOT / "evals/dev-12.yaml",
)
HELD_OUT = tuple(ROOT / f"evals/heldout-{n}.yaml" for n in range(3, 17))
ROUNDS = 3
RESTARTS = 24
RESTART_SEED = 7
CV_RESTARTS = 6  # fewer random starts per fold: the cross-validation fits `folds` times


@dataclass(frozen=True)
class Observed:
    case: Case
    query: Query
    signals: compose.Signals
    covered: bool


def observe(engine: Engine, cases: list[Case]) -> list[Observed]:
    state = engine.snapshot()
    seen = []
    for case in cases:
        query = engine.parse(state, case.question)
        hits = state.retriever.search(query.topic)
        seen.append(
            Observed(
                case,
                query,
                signals_for(state, query, hits),
                state.retriever.covered(query.tokens),
            )
        )
    return seen


def status(o: Observed, limits: Thresholds) -> str:
    """The status, and for a question about the article itself which kind (`answered:byline`)."""
    if not o.case.question.strip():
        return "rejected_input"  # decided before any of this
    status = decide_for(o.query, o.signals, covered=o.covered, limits=limits)
    intent = routed_intent(o.query, o.signals, limits, off_topic=status == "out_of_scope")
    return f"answered:{intent}" if intent != "topic" else status


def expected(case: Case) -> str:
    """A byline, overview or help case is right only when answered as one (not as a topic)."""
    if case.category in INTENTS and case.status == "answered":
        return f"answered:{case.category}"
    return case.status


def right(o: Observed, limits: Thresholds) -> bool:
    return right_status(o, status(o, limits))


def right_status(o: Observed, got: str) -> bool:
    """`got` (a `status`) is the right one for the case."""
    # A topic question routed to an intent is wrong too: the overview or the byline card does
    # not quote the passage it asks about.
    want = expected(o.case)
    if want == "answered" and not o.case.gold:
        # A question with no passage to find ("who wrote this and where", filed under Spanish
        # or casual): answered by the byline card or the overview is as right as by passages.
        return got.startswith("answered")
    return got == want


def accuracy(seen: list[Observed], limits: Thresholds) -> float:
    return sum(right(o, limits) for o in seen) / max(1, len(seen))


def candidates(seen: list[Observed], name: str) -> list[float]:
    """Midpoints between the observed values of the signal a threshold is compared with."""
    if name == "named_bonus":
        return [n / 200 for n in range(21)]  # 0 to 0.1
    if name == "foreign_penalty":
        return [n / 200 for n in range(41)]  # 0 to 0.2
    if name == "intent_margin":
        gaps = sorted(
            {
                round(o.query.nearest_score - intent_rival(o.signals), 4)
                for o in seen
                if o.query.nearest is not None
            }
        )
        mids = [(a + b) / 2 for a, b in zip(gaps, gaps[1:], strict=False)]
        return [*mids, 2.0]
    if name == "off_topic_margin":
        gaps = sorted({round(o.signals.off_topic - intent_rival(o.signals), 4) for o in seen})
        return [*((a + b) / 2 for a, b in zip(gaps, gaps[1:], strict=False)), 2.0]
    pick = {
        "article_min_score": lambda s: [s.article_dense],
        "background_min_score": lambda s: [s.fact_dense],
        "no_article_margin": lambda s: [s.background_lead()],
        "lexical_min_score": lambda s: [s.article_bm25, s.fact_bm25],
        "ask_min_score": lambda s: [s.asked],
        "ask_floor": lambda s: [s.asked],
    }[name]
    values = sorted({round(v, 4) for o in seen for v in pick(o.signals)})
    mids = [(a + b) / 2 for a, b in zip(values, values[1:], strict=False)]
    return [values[0] - 0.01, *mids, values[-1] + 0.01] if values else [0.0]


def widest_best(values: list[float], scores: list[float]) -> float:
    best = max(scores)
    runs: list[list[float]] = []
    for value, score in zip(values, scores, strict=True):
        if score == best and runs and runs[-1][-1] == values[values.index(value) - 1]:
            runs[-1].append(value)
        elif score == best:
            runs.append([value])
    run = max(runs, key=lambda r: r[-1] - r[0])
    return (run[0] + run[-1]) / 2  # the middle in value: the widest margin on either side


def ascend(
    seen: list[Observed], start: Thresholds, frozen: dict[str, float] | None = None
) -> Thresholds:
    limits = start
    for _ in range(ROUNDS):
        for name in (n for n in NAMES if n not in (frozen or {})):
            values = candidates(seen, name)
            scores = [accuracy(seen, dataclasses.replace(limits, **{name: v})) for v in values]
            limits = dataclasses.replace(limits, **{name: widest_best(values, scores)})
    return limits


def fit(
    seen: list[Observed],
    start: Thresholds,
    restarts: int = RESTARTS,
    frozen: dict[str, float] | None = None,
) -> Thresholds:
    """Coordinate ascent from the current values and from seeded random starts; the best wins.
    `frozen` thresholds keep their given value (to measure a decision without one of its parts)."""
    frozen = frozen or {}
    rng = random.Random(RESTART_SEED)
    starts = [dataclasses.replace(start, **frozen)] + [
        Thresholds(**{n: frozen.get(n, rng.choice(candidates(seen, n))) for n in NAMES})
        for _ in range(restarts)
    ]
    results = [ascend(seen, s, frozen) for s in starts]
    return max(results, key=lambda t: accuracy(seen, t))


def fold(case_id: str, folds: int) -> int:
    """The cross-validation fold of a case: a hash of its id (fixed, not shuffled per run)."""
    return int(hashlib.sha256(case_id.encode()).hexdigest(), 16) % folds


def cross_validated(
    seen: list[Observed], start: Thresholds, folds: int, frozen: dict[str, float]
) -> float:
    """Status accuracy of thresholds fitted without the questions they are scored on: the
    development cases split into `folds` by a hash of their id (fixed, not shuffled per run)."""
    fold_of = [fold(o.case.id, folds) for o in seen]
    right_total = 0
    for k in range(folds):
        train = [o for o, f in zip(seen, fold_of, strict=True) if f != k]
        test = [o for o, f in zip(seen, fold_of, strict=True) if f == k]
        limits = fit(train, start, restarts=CV_RESTARTS, frozen=frozen)
        right_total += sum(right(o, limits) for o in test)
        print(f"    fold {k + 1}/{folds}: {accuracy(test, limits):6.1%} of {len(test)}")
    return right_total / max(1, len(seen))


def report(title: str, seen: list[Observed], limits: Thresholds) -> None:
    misses = Counter(
        f"{expected(o.case)}->{status(o, limits)}" for o in seen if not right(o, limits)
    )
    print(f"  {title:28} status accuracy {accuracy(seen, limits):6.1%}  ({len(seen)} cases)")
    for kind, n in sorted(misses.items()):
        print(f"      {kind}: {n}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="store the fitted thresholds")
    parser.add_argument(
        "--no-held-out",
        action="store_true",
        help="fit and report on the development sets only (while choosing what to fit)",
    )
    parser.add_argument(
        "--folds",
        type=int,
        default=0,
        help="also print the development status accuracy cross-validated over this many folds "
        "(thresholds fitted on the other folds): what fitting is worth on unseen questions",
    )
    parser.add_argument(
        "--freeze",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="keep a threshold at VALUE (e.g. off_topic_margin=2.0 switches that test off)",
    )
    args = parser.parse_args(argv)
    frozen: dict[str, float] = {}
    for item in args.freeze:
        name, _, value = item.partition("=")
        if name not in NAMES:
            parser.error(f"--freeze: unknown threshold {name!r} (known: {', '.join(NAMES)})")
        try:
            frozen[name] = float(value)
        except ValueError:
            parser.error(f"--freeze {item}: VALUE must be a number")
    settings = get_settings()
    engine = Engine.from_settings(settings, with_log=False)
    state = engine.snapshot()
    fit_seen = observe(engine, load_cases(FIT))
    held_seen = [] if args.no_held_out else observe(engine, load_cases(HELD_OUT))
    before = state.thresholds
    after = fit(fit_seen, before, frozen=frozen)
    model = state.pointer.model_id
    print(f"model {model}")
    for label, limits in (("current", before), ("fitted", after)):
        print(f"{label}: " + ", ".join(f"{n}={getattr(limits, n):.4f}" for n in NAMES))
        report("fit (development sets)", fit_seen, limits)
        if held_seen:
            report("held-out (report only)", held_seen, limits)
    if args.folds > 1:
        print(f"cross-validated over {args.folds} folds of the development sets:")
        cv = cross_validated(fit_seen, before, args.folds, frozen)
        print(f"  development, cross-validated  status accuracy {cv:6.1%}  ({len(fit_seen)} cases)")
    if args.write:
        path = write_calibration(settings.corpus_dir, model, after)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
