"""Benchmark: full reindex (model load timed apart), no-op reindex, peak RSS. Prints figures."""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from index.search.embeddings import make_embedder
from index.search.reindex import reindex
from index.settings import get_settings


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("corpus")
    with tempfile.TemporaryDirectory() as tmp:
        settings = get_settings(data_dir=Path(tmp), corpus_dir=corpus)
        t0 = time.perf_counter()
        embedder = make_embedder(settings)
        embedder.embed_query("warm up")
        load = time.perf_counter() - t0
        t1 = time.perf_counter()
        full = reindex(settings, embedder=embedder)
        build = time.perf_counter() - t1
        t2 = time.perf_counter()
        noop = reindex(settings)
        noop_s = time.perf_counter() - t2
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"items indexed:              {full.added}")
    print(f"model load:                 {load:.2f} s")
    print(f"full reindex (model warm):  {build:.2f} s")
    print(f"full reindex incl. load:    {load + build:.2f} s   (target < 15 s)")
    print(f"no-op reindex:              {noop_s:.3f} s   (target < 1.5 s; embedded {noop.added})")
    print(f"peak RSS:                   {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
