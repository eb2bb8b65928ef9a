"""Fit the query adapter on the development split; report it on the held-out split.

    python scripts/fit_adapter.py            # fit, print figures, do not write
    python scripts/fit_adapter.py --write    # also store it in CORPUS_DIR/calibration.yaml

Every topic question of the development sets (`calibrate.FIT`) expected answered with a gold
passage is embedded as the search embeds it (`Retriever.query_vector` of its topic); its
positives are the article segments overlapping each gold passage. The rows scored are the
stored vectors of the article's sentences, claims and the asks pointing at claims (each row
scores the segments it covers; a segment scores its best row). The adapter
(`index/search/adapter.py`) is fitted on all of development; its figure is cross-validated
over `FOLDS` folds grouped by source file (a question set never trains its own fold). The
held-out sets are only reported, never fitted on. The figures are dense-only segment recall
(a gold passage among the top `TOP` segments) and top-1, before and after: the whole
pipeline's figures are `explainer eval`'s. `explainer reindex` serves the result.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from index.answer.engine import Engine
from index.evaluate import load_cases
from index.search import adapter
from index.search.calibration import write_adapter
from index.settings import get_settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from calibrate import FIT, HELD_OUT  # noqa: E402

FOLDS = 5
TOP = 4
RANK = 16


def article_rows(state) -> tuple[np.ndarray, np.ndarray]:
    """The stored vectors the adapter ranks, and each segment's rows (-1 padded)."""
    retriever = state.retriever
    segments = state.segments
    by_claim = {s.claim_id: n for n, s in enumerate(segments) if s.claim_id}
    by_sentence: dict[str, list[int]] = {}
    for n, s in enumerate(segments):
        for sid in s.sentence_ids:
            by_sentence.setdefault(sid, []).append(n)
    keep, covers = [], []
    for row, item_id in enumerate(retriever.matrix_ids):
        item = retriever.items[item_id]
        if item.kind == "sentence":
            segs = [n for sid in item.sentence_ids for n in by_sentence.get(sid, [])]
        elif item.kind == "claim":
            segs = (
                [by_claim[item.metadata["claim_id"]]]
                if item.metadata["claim_id"] in by_claim
                else []
            )
        elif item.kind == "ask" and (item.target or "").startswith("claim:"):
            target = retriever.items.get(item.target or "")
            claim = target.metadata.get("claim_id") if target else None
            segs = [by_claim[claim]] if claim in by_claim else []
        else:
            segs = []
        if segs:
            keep.append(row)
            covers.append(segs)
    held: list[list[int]] = [[] for _ in segments]
    for k, segs in enumerate(covers):
        for n in set(segs):
            held[n].append(k)
    width = max(1, max(len(h) for h in held))
    members = np.full((len(segments), width), -1, dtype=np.intp)
    for n, h in enumerate(held):
        members[n, : len(h)] = h
    return retriever.matrix[keep], members


def questions(engine: Engine, state, paths) -> tuple[np.ndarray, list[list[list[int]]], list[str]]:
    text = state.corpus.article.text
    vectors, positives, sources = [], [], []
    for case in load_cases(paths):
        if case.status != "answered" or not case.gold:
            continue
        query = engine.parse(state, case.question)
        if query.intent != "topic":
            continue
        golds = []
        for g in case.gold:
            start = text.find(g["text"])
            if start < 0:
                continue
            end = start + len(g["text"])
            golds.append(
                [n for n, s in enumerate(state.segments) if s.start < end and start < s.end]
            )
        if not any(golds):
            continue
        vectors.append(state.retriever.query_vector(query.topic))
        positives.append(golds)
        sources.append(case.source)
    return np.asarray(vectors, dtype=np.float32), positives, sources


def recall(q: np.ndarray, rows: np.ndarray, members: np.ndarray, positives) -> tuple[float, float]:
    scores = adapter.segment_scores(q, rows, members)
    order = np.argsort(-scores, axis=1)
    found = top1 = total = 0
    for i, golds in enumerate(positives):
        for g in golds:
            total += 1
            found += bool(set(order[i, :TOP]) & set(g))
            top1 += order[i, 0] in g
    return found / max(1, total), top1 / max(1, total)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="store the fitted adapter")
    parser.add_argument("--rank", type=int, default=RANK, help=f"the adapter's rank ({RANK})")
    args = parser.parse_args(argv)
    settings = get_settings()
    engine = Engine.from_settings(settings, with_log=False)
    state = engine.snapshot()
    state.retriever.adapter = None  # the raw vectors: what the adapter is fitted on
    rows, members = article_rows(state)
    q, pos, sources = questions(engine, state, FIT)
    hq, hpos, _ = questions(engine, state, HELD_OUT)
    print(f"model {state.pointer.model_id}: {len(q)} development questions, {len(rows)} rows")
    names = sorted(set(sources))
    fold_of = np.array([names.index(s) % FOLDS for s in sources])
    cv = np.zeros_like(q)
    for k in range(FOLDS):
        train = fold_of != k
        fitted = adapter.fit(
            q[train],
            rows,
            members,
            [p for p, t in zip(pos, train, strict=True) if t],
            rank=args.rank,
        )
        cv[~train] = fitted.apply(q[~train])
    final = adapter.fit(q, rows, members, pos, rank=args.rank)
    line = "  {:40} recall@{} {:6.1%}  top-1 {:6.1%}"
    print(line.format("development, raw", TOP, *recall(q, rows, members, pos)))
    print(
        line.format("development, adapted (cross-validated)", TOP, *recall(cv, rows, members, pos))
    )
    print(line.format("held-out, raw (report only)", TOP, *recall(hq, rows, members, hpos)))
    print(
        line.format(
            "held-out, adapted (report only)", TOP, *recall(final.apply(hq), rows, members, hpos)
        )
    )
    if args.write:
        path = write_adapter(settings.corpus_dir, state.pointer.model_id, final)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
