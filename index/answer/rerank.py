"""A learned re-ranking of the best passages: a logistic model over the retrieval signals.

Fused reciprocal ranks weigh every signal alike; which ones tell the passage a member wanted is
a matter of data. `scripts/fit_rerank.py` fits the weights on the development questions' gold
passages and stores them per embedding model in `calibration.yaml` (key `rerank`), served from
the index version's corpus snapshot like the thresholds. Without weights the order stays the
fused one. The model only reorders what retrieval found; it never adds a passage, and the quote
text, its label and its note still come from the article and the curated data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from index.answer.compose import ScoredSegment
from index.search.retrieval import Hit

# How many of the fused order's best passages are re-ranked (the rest keep their order).
DEPTH = 30
FEATURES = (
    "fused",  # the fused score the passage got from the hits (RRF, spread onto the passage)
    "dense",  # its own cosine (its claim's or its sentence's)
    "bm25",  # its own BM25 score, log(1 + s)
    "claim_dense",  # its claim's cosine (0 without a claim)
    "sentence_dense",  # the best cosine of its sentences
    "window_dense",  # the best cosine of a two-sentence window holding it
    "asked",  # the nearest curated question pointing at its claim, question against question
    "length",  # log of its length in characters
    "has_claim",  # 1 for a curated claim, 0 for a sentence no claim covers
)
BIAS = "bias"


def features(ranked: list[ScoredSegment], hits: list[Hit]) -> list[dict[str, float]]:
    """The features of each passage of `ranked` (in order), from the same hits."""
    dense: dict[str, float] = {}
    asked: dict[str, float] = {}
    window: dict[str, float] = {}
    for hit in hits:
        item, score = hit.item, hit.dense or 0.0
        kind = item.kind
        if kind == "question":
            if item.target:
                asked[item.target] = max(asked.get(item.target, 0.0), score)
            continue
        dense[item.id] = score
        if kind == "window":
            for sid in item.sentence_ids:
                window[sid] = max(window.get(sid, 0.0), score)
    rows = []
    for scored in ranked:
        seg = scored.segment
        claim = f"claim:{seg.claim_id}" if seg.claim_id else ""
        rows.append(
            {
                "fused": scored.score,
                "dense": scored.dense,
                "bm25": math.log1p(scored.bm25),
                "claim_dense": dense.get(claim, 0.0),
                "sentence_dense": max(dense.get(f"sentence:{s}", 0.0) for s in seg.sentence_ids),
                "window_dense": max(window.get(s, 0.0) for s in seg.sentence_ids),
                "asked": asked.get(claim, 0.0),
                "length": math.log(max(1, seg.end - seg.start)),
                "has_claim": 1.0 if claim else 0.0,
            }
        )
    return rows


def probability(row: Mapping[str, float], weights: Mapping[str, float]) -> float:
    z = weights.get(BIAS, 0.0) + sum(weights.get(n, 0.0) * row[n] for n in FEATURES)
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def rerank(
    ranked: list[ScoredSegment], hits: list[Hit], weights: Mapping[str, float]
) -> list[ScoredSegment]:
    """The best `DEPTH` passages in the order of the model's probability that each is the one
    wanted, the rest after them; scores stay the fused ones (what the quote selection's cutoff
    compares). Without weights, `ranked` as it is."""
    if not weights or not ranked:
        return ranked
    head, tail = ranked[:DEPTH], ranked[DEPTH:]
    odds = [probability(row, weights) for row in features(head, hits)]
    order = sorted(range(len(head)), key=lambda i: -odds[i])
    return [head[i] for i in order] + tail
