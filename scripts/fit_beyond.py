"""Fit the beyond-the-article model on the development split; report it on the held-out split.

    python scripts/fit_beyond.py                 # fit, print figures, do not write
    python scripts/fit_beyond.py --write         # also store it in CORPUS_DIR/calibration.yaml
    python scripts/fit_beyond.py --no-held-out   # fit and report on the development sets only

Every topic question of the development sets (`calibrate.FIT`) expected answered or
no_article_match is embedded as the search embeds it (`Retriever.query_vector` of its topic) and
marked 1 when no_article_match. A class-balanced L2 logistic regression (`index/answer/beyond.py`)
is fitted on them. Its operating point (`min_score`, `min_lead`) is chosen on probabilities
cross-validated over `FOLDS` folds (by a hash of the case id): the status accuracy of the whole
decision (`status.decide_for`, every development case) plus the share of gold passages whose
question stays with the article is what is maximized (a question wrongly sent to the background
costs both), and among equally good points the most cautious (highest `min_score`, then highest
`min_lead`) is kept. The weights
stored are then fitted on all of development. The held-out sets are only reported, with the
stored thresholds of the live version, never fitted on. `explainer reindex` serves the result.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections import Counter
from pathlib import Path

import numpy as np

from index.answer import beyond
from index.answer.engine import Engine
from index.evaluate import load_cases
from index.search.calibration import Thresholds, write_beyond
from index.settings import get_settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from calibrate import (  # noqa: E402
    FIT,
    HELD_OUT,
    Observed,
    accuracy,
    expected,
    fold,
    observe,
    right,
    right_status,
    status,
)

FOLDS = 10
# The penalty's inverse (the C of scikit-learn): 3, 10 and 30 cross-validated within one error
# of each other on the development sets; the middle one is kept.
C = 10.0
MIN_SCORES = [round(0.30 + 0.05 * n, 2) for n in range(14)]  # 0.30 to 0.95
MIN_LEADS = (-0.05, -0.02, 0.0, 0.01, 0.02)


def trains(o: Observed) -> bool:
    """A question the model learns from: a topic question answered from the article or not."""
    return o.query.intent == "topic" and o.case.status in ("answered", "no_article_match")


def vectors(engine: Engine, seen: list[Observed]) -> np.ndarray:
    retriever = engine.snapshot().retriever
    return np.array([retriever.query_vector(o.query.topic) for o in seen])


def with_scores(seen: list[Observed], scores: np.ndarray) -> list[Observed]:
    return [
        dataclasses.replace(o, signals=dataclasses.replace(o.signals, beyond=float(p)))
        for o, p in zip(seen, scores, strict=True)
    ]


def probabilities(model: beyond.Beyond, x: np.ndarray) -> np.ndarray:
    return np.array([model.probability(v) for v in x])


def cross_validated(seen: list[Observed], x: np.ndarray) -> np.ndarray:
    """Each development question's probability from a model fitted without its fold (the
    questions it does not train on: from the model fitted on all that it does)."""
    train = np.array([trains(o) for o in seen])
    y = np.array([o.case.status == "no_article_match" for o in seen])
    folds = np.array([fold(o.case.id, FOLDS) for o in seen])
    scores = probabilities(beyond.fit(x[train], y[train], C), x)
    for k in range(FOLDS):
        fitted = beyond.fit(x[train & (folds != k)], y[train & (folds != k)], C)
        held = train & (folds == k)
        scores[held] = probabilities(fitted, x[held])
    return scores


def gold_kept(seen: list[Observed], got: list[str]) -> float:
    """The share of the development gold passages whose question stays with the article (`got`:
    each one's status): one the decision sends to the background quotes none of them."""
    total = sum(len(o.case.gold) for o in seen)
    kept = sum(len(o.case.gold) for o, g in zip(seen, got, strict=True) if g == "answered")
    return kept / max(1, total)


def objective(seen: list[Observed], limits: Thresholds) -> float:
    """Status accuracy plus the share of gold passages kept, each case's status decided once."""
    got = [status(o, limits) for o in seen]
    right = sum(right_status(o, g) for o, g in zip(seen, got, strict=True)) / max(1, len(seen))
    return round(right + gold_kept(seen, got), 9)


def operating_point(
    seen: list[Observed], limits: Thresholds, model: beyond.Beyond
) -> beyond.Beyond:
    """The (min_score, min_lead) of best development status accuracy plus share of gold passages
    kept (the two targets, weighed alike: a question wrongly moved to the background costs its
    status and its passages), the most cautious among ties."""
    best: tuple[float, float, float] | None = None
    for min_score in MIN_SCORES:
        for min_lead in MIN_LEADS:
            point = dataclasses.replace(model, min_score=min_score, min_lead=min_lead)
            score = objective(seen, dataclasses.replace(limits, beyond=point))
            key = (score, min_score, min_lead)
            if best is None or key > best:
                best = key
    assert best is not None
    return dataclasses.replace(model, min_score=best[1], min_lead=best[2])


def report(title: str, seen: list[Observed], limits: Thresholds) -> None:
    wrong = Counter(expected(o.case) for o in seen if not right(o, limits))
    misses = ", ".join(f"{kind} {n}" for kind, n in sorted(wrong.items()))
    print(
        f"  {title:44} status {accuracy(seen, limits):6.1%} of {len(seen)}, gold passages kept "
        f"{gold_kept(seen, [status(o, limits) for o in seen]):6.1%}  (wrong: {misses})"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="store the fitted model")
    parser.add_argument(
        "--no-held-out", action="store_true", help="fit and report on the development sets only"
    )
    args = parser.parse_args(argv)
    settings = get_settings()
    engine = Engine.from_settings(settings, with_log=False)
    state = engine.snapshot()
    limits = dataclasses.replace(state.thresholds, beyond=None)
    dev = observe(engine, load_cases(FIT))
    x = vectors(engine, dev)
    train = [trains(o) for o in dev]
    y = [o.case.status == "no_article_match" for o, t in zip(dev, train, strict=True) if t]
    print(f"model {state.pointer.model_id}: {sum(train)} development questions, {sum(y)} of them")
    print(f"no_article_match; C={C}, {FOLDS} folds")
    unseen = with_scores(dev, cross_validated(dev, x))
    point = operating_point(unseen, limits, beyond.fit(x[np.array(train)], y, C))
    print(f"operating point: min_score={point.min_score}, min_lead={point.min_lead}")
    final = dataclasses.replace(limits, beyond=point)
    report("development, without the model", dev, limits)
    report("development, cross-validated probabilities", unseen, final)
    report(
        "development, in-sample (not a result)", with_scores(dev, probabilities(point, x)), final
    )
    if not args.no_held_out:
        held = observe(engine, load_cases(HELD_OUT))
        scored = with_scores(held, probabilities(point, vectors(engine, held)))
        report("held-out, without the model (report only)", held, limits)
        report("held-out, with it (report only)", scored, final)
    if args.write:
        path = write_beyond(settings.corpus_dir, state.pointer.model_id, point)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
