"""Fit the passage re-ranker on the development split's gold passages; report it on held-out.

    python scripts/fit_rerank.py                 # fit, print figures, do not write
    python scripts/fit_rerank.py --write         # also store them in CORPUS_DIR/calibration.yaml
    python scripts/fit_rerank.py --no-held-out   # fit and report on the development sets only

For every answered topic question of the development sets, the fused order's best passages
(`index.answer.rerank.DEPTH`) are described by `rerank.FEATURES` and marked 1 when they overlap a
gold passage. An L2-regularized logistic regression (Newton's method, standardized features,
folded back into raw weights) is fitted on them. Printed: top-1, top-4 and MRR of the gold
passage under the fused order and under the re-ranker, on the development sets by 10-fold
cross-validation (grouped by question) and on the held-out set with the weights fitted on all
of development. Weights are stored under the embedding model's id; `explainer reindex` serves
them.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.answer import compose, rerank
from index.answer.engine import Engine
from index.answer.logistic import fit_logistic
from index.evaluate import Case, load_cases
from index.search.calibration import write_rerank
from index.settings import get_settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from calibrate import FIT, HELD_OUT  # noqa: E402  (the same splits as the thresholds)

FOLDS = 10
SEED = 7
L2 = 1.0
INTENT_CATEGORIES = ("byline", "overview", "help")


@dataclass(frozen=True)
class Question:
    case: Case
    rows: np.ndarray  # one row of features per passage, in the fused order
    gold: np.ndarray  # 1 where the passage overlaps a gold passage


def observe(engine: Engine, cases: list[Case]) -> list[Question]:
    state = engine.snapshot()
    text = state.corpus.article.text
    seen = []
    for case in cases:
        if case.status != "answered" or not case.gold or case.category in INTENT_CATEGORIES:
            continue
        query = engine.parse(state, case.question)
        hits = state.retriever.search(query.topic)
        head = compose.score_segments(state.segments, hits, state.fact_claims)[: rerank.DEPTH]
        spans = []
        for gold in case.gold:
            start = text.find(gold["text"])
            if start >= 0:
                spans.append((start, start + len(gold["text"])))
        marks = [any(s.segment.start < e and b < s.segment.end for b, e in spans) for s in head]
        if not any(marks):
            continue  # retrieval never found it: no order of these passages can help
        rows = rerank.features(head, hits)
        seen.append(
            Question(
                case,
                np.array([[r[n] for n in rerank.FEATURES] for r in rows]),
                np.array(marks, dtype=float),
            )
        )
    return seen


def fit(questions: list[Question]) -> dict[str, float]:
    """Raw-feature weights (standardization folded in) and the bias."""
    x = np.vstack([q.rows for q in questions])
    y = np.concatenate([q.gold for q in questions])
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-9
    w = fit_logistic((x - mu) / sd, y, ridge=L2)
    raw = w[:-1] / sd
    weights = {n: float(v) for n, v in zip(rerank.FEATURES, raw, strict=True)}
    weights[rerank.BIAS] = float(w[-1] - (raw * mu).sum())
    return weights


def rank_of_gold(q: Question, weights: dict[str, float] | None) -> int:
    if weights is None:
        order = list(range(len(q.gold)))
    else:
        scores = [
            rerank.probability(dict(zip(rerank.FEATURES, row, strict=True)), weights)
            for row in q.rows
        ]
        order = sorted(range(len(scores)), key=lambda i: -scores[i])
    return next(k for k, i in enumerate(order, start=1) if q.gold[i])


def figures(ranks: list[int]) -> str:
    n = max(1, len(ranks))
    top1 = sum(r == 1 for r in ranks) / n
    top4 = sum(r <= 4 for r in ranks) / n
    mrr = sum(1 / r for r in ranks) / n
    return f"top-1 {top1:6.1%}  top-4 {top4:6.1%}  MRR {mrr:.3f}  ({len(ranks)} questions)"


def cross_validated(questions: list[Question]) -> list[int]:
    order = list(range(len(questions)))
    random.Random(SEED).shuffle(order)
    ranks = [0] * len(questions)
    for k in range(FOLDS):
        test = set(order[k::FOLDS])
        weights = fit([q for i, q in enumerate(questions) if i not in test])
        for i in test:
            ranks[i] = rank_of_gold(questions[i], weights)
    return ranks


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="store the fitted weights")
    parser.add_argument("--no-held-out", action="store_true", help="development sets only")
    args = parser.parse_args(argv)
    settings = get_settings()
    engine = Engine.from_settings(settings, with_log=False)
    state = engine.snapshot()
    dev = observe(engine, load_cases(FIT))
    weights = fit(dev)
    print(f"model {state.pointer.model_id}")
    print("development, fused order      " + figures([rank_of_gold(q, None) for q in dev]))
    print(f"development, re-ranked ({FOLDS}-fold) " + figures(cross_validated(dev)))
    if not args.no_held_out:
        held = observe(engine, load_cases(HELD_OUT))
        print("held-out, fused order         " + figures([rank_of_gold(q, None) for q in held]))
        print("held-out, re-ranked           " + figures([rank_of_gold(q, weights) for q in held]))
    print("weights: " + ", ".join(f"{k}={v:.3f}" for k, v in weights.items()))
    if args.write:
        print(f"wrote {write_rerank(settings.corpus_dir, state.pointer.model_id, weights)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
