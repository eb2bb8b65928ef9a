"""The run of scripts/bench_llm.py: every behaviour over the questions, counted, then printed.

`bench` answers each question through an Engine whose refiner talks to one scripted behaviour
(scripts/bench_llm_behaviours.py) and counts what shipped, independently of the guards' own
bookkeeping; `report` prints the figures. `Capture`, `gold_hit` and `contested_unattributed` are
also the checks of scripts/bench_llm_local.py.
"""

from __future__ import annotations

import collections
import inspect
import re
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench_llm_behaviours import BEHAVIOURS, HOSTILE_FREE, PromptedFake

import index.llm.refiner as llm
from index.answer.contract import Answer
from index.answer.engine import Engine
from index.corpus.load import Corpus
from index.evaluate import Case
from index.llm.guards import (
    ATTRIBUTE_LABELS,
    attributed,
    passes_verdict,
    restates,
    sentences,
    words,
)
from index.search.reindex import reindex
from index.settings import get_settings

_QUOTED = re.compile(r'["\u201c]([^"\u201c\u201d]{3,})["\u201d]')


class Capture:
    """An answer log that keeps only the last record's fault kind."""

    fault: str | None = None

    def write(self, record: Any) -> None:
        fault = getattr(record, "fault", None)
        self.fault = fault[4:] if fault and fault.startswith("llm_") else fault


@dataclass
class Tally:
    answers: int = 0
    shipped: int = 0
    faults: collections.Counter = field(default_factory=collections.Counter)
    planted: int = 0
    examples: list[str] = field(default_factory=list)


def share(part: int, whole: int) -> str:
    return f"{part / max(whole, 1):.1%}"


def gold_hit(corpus: Corpus, case: Case, answer: Answer) -> tuple[int, int]:
    hits = total = 0
    for gold in case.gold:
        start = corpus.article.text.find(gold["text"])
        if start < 0:
            continue
        end = start + len(gold["text"])
        total += 1
        hits += any(q.start < end and start < q.end for q in answer.quotes)
    return hits, total


def contested_unattributed(
    summary: str,
    contested: list[str],
    sourced: list[str],
    common: frozenset[str],
    authors: tuple[str, ...],
) -> list[str]:
    """Shipped sentences restating a contested claim of the corpus with nobody saying who says
    it; a sentence that is near-verbatim an established claim or a fact card is not counted."""
    return [
        s
        for s in sentences(summary)
        if not attributed(s, authors)
        and any(restates(s, c, common) for c in contested)
        and not any(_share(s, t, common) >= 0.8 for t in sourced)
    ]


def _share(sentence: str, text: str, common: frozenset[str]) -> float:
    mine = words(sentence, common)
    return len(mine & words(text, common)) / len(mine) if mine else 0.0


@dataclass
class Figures:
    """What one run counted, over every behaviour and question."""

    takes_embedder: bool = False
    tallies: dict[str, Tally] = field(default_factory=dict)
    guard_ms: list[float] = field(default_factory=list)
    dropped_by: collections.Counter = field(default_factory=collections.Counter)
    quotes: int = 0
    verbatim: int = 0
    quotations: int = 0
    quotations_ok: int = 0
    verdict_left: int = 0
    unattributed_left: int = 0
    recall: dict[str, list[int]] = field(
        default_factory=lambda: {"extractive": [0, 0], "llm": [0, 0]}
    )
    failed: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)


def bench(cases: list[Case], names: list[str], lexical: bool, show: int) -> Figures:
    """Every named behaviour over every case, on a freshly built index."""
    fig = Figures()
    recall = fig.recall
    with tempfile.TemporaryDirectory() as tmp:
        settings = get_settings(data_dir=Path(tmp))
        reindex(settings)
        base = Engine.from_settings(settings, with_log=False)
        corpus = base.corpus
        state = base.snapshot()
        contested = [c.quote for c in corpus.claims if c.label in ATTRIBUTE_LABELS]
        sourced = [c.quote for c in corpus.claims if c.label == "established"]
        sourced += [f"{f.title}: {f.text}" for f in corpus.facts.values()]
        fig.takes_embedder = "embedder" in inspect.signature(llm.LLMRefiner).parameters
        extractive = {case.id: base.answer(case.question) for case in cases}
        for case in cases:
            h, t = gold_hit(corpus, case, extractive[case.id])
            recall["extractive"][0] += h
            recall["extractive"][1] += t
        for name in names:
            script, planted = BEHAVIOURS[name]
            kwargs: dict[str, Any] = {
                "chat_model": PromptedFake(script=script),
                "spec": f"fake:{name}",
            }
            if fig.takes_embedder and not lexical:
                kwargs["embedder"] = base.embedder
            refiner = llm.LLMRefiner(settings, base.texts, **kwargs)
            capture = Capture()
            engine = Engine(settings, base.embedder, capture, refiner=refiner)
            engine.load()
            tally = fig.tallies.setdefault(name, Tally())
            for case in cases:
                began = time.perf_counter()
                answer: Answer = engine.answer(case.question)
                fig.guard_ms.append((time.perf_counter() - began) * 1000)
                outcome = getattr(refiner, "last_outcome", None)
                if outcome is not None:
                    fig.dropped_by.update(outcome.dropped_by())
                    refiner.last_outcome = None
                tally.answers += 1
                summary = answer.summary or ""
                tally.shipped += answer.summary is not None
                if answer.notice is not None:
                    tally.faults[capture.fault or "notice"] += 1
                if not answer.verification.passed:
                    fig.failed.append(f"{name}/{case.id}: {answer.verification.failures}")
                if name == "faithful":
                    h, t = gold_hit(corpus, case, answer)
                    recall["llm"][0] += h
                    recall["llm"][1] += t
                for q in answer.quotes:
                    fig.quotes += 1
                    fig.verbatim += corpus.article.text[q.start : q.end] == q.text
                for match in _QUOTED.finditer(summary):
                    fig.quotations += 1
                    fig.quotations_ok += match.group(1) in corpus.article.text
                # A verdict word a shown card uses itself is its report, not the model's verdict.
                reported = " ".join(b.text for b in answer.background)
                fig.verdict_left += sum(passes_verdict(s, reported) for s in sentences(summary))
                loose = contested_unattributed(
                    summary, contested, sourced, state.common, state.authors
                )
                fig.unattributed_left += len(loose)
                fig.leaks.extend(f"{name}/{case.id}: unattributed: {s}" for s in loose)
                for pattern, rule in planted:
                    for s in sentences(summary):
                        if re.search(pattern, s, re.IGNORECASE) and (
                            rule == "never" or not attributed(s, state.authors)
                        ):
                            tally.planted += 1
                            fig.leaks.append(f"{name}/{case.id}: planted: {s}")
                if summary and len(tally.examples) < show:
                    tally.examples.append(f"{case.id}: {summary}")
        base.close()
    return fig


def report(fig: Figures, cases: int, names: list[str], shape: str, lexical: bool) -> None:
    """The figures of a run of `cases` questions by the named behaviours."""
    total = cases * len(names)
    print(
        f"questions x behaviours:              {cases} x {len(names)} (shape {shape}, "
        f"{'lexical' if lexical or not fig.takes_embedder else 'embedder'} guards)"
    )
    print(f"verification passed:                 {total - len(fig.failed)} of {total}")
    print(
        f"quotes verbatim:                     {fig.verbatim}/{fig.quotes}"
        f" ({share(fig.verbatim, fig.quotes)})"
    )
    print(
        f"summary quotations verbatim:         {fig.quotations_ok}/{fig.quotations}"
        f" ({fig.quotations_ok / max(fig.quotations, 1):.1%})"
    )
    print(f"summary sentences passing verdicts:  {fig.verdict_left} (must be 0)")
    print(f"contested claims shipped unattributed: {fig.unattributed_left} (must be 0)")
    planted = sum(t.planted for n, t in fig.tallies.items() if n not in HOSTILE_FREE)
    print(f"planted allegations/inventions shipped: {planted} (must be 0)")
    hostile = [t for n, t in fig.tallies.items() if n not in HOSTILE_FREE]
    print(
        f"hostile answers shipping anything planted or unattributed: "
        f"{len({leak.split(':')[0] for leak in fig.leaks})} of {sum(t.answers for t in hostile)}"
    )
    for kind, (h, t) in fig.recall.items():
        if t and (kind == "extractive" or "faithful" in names):
            print(f"gold recall, {kind:10}               {h}/{t} ({h / t:.1%})")
    print(
        f"time per answer (retrieval+guards):  mean {statistics.fmean(fig.guard_ms):.1f} ms, "
        f"p95 {sorted(fig.guard_ms)[int(0.95 * (len(fig.guard_ms) - 1))]:.1f} ms"
    )
    if fig.dropped_by:
        print(
            "sentences dropped, by guard:         "
            + ", ".join(f"{g} {n}" for g, n in fig.dropped_by.most_common())
        )
    print("per behaviour (answers / summary shipped / planted shipped / fallbacks by fault):")
    for name, tally in fig.tallies.items():
        faults = ", ".join(f"{k} {v}" for k, v in tally.faults.most_common()) or "-"
        print(f"  {name:24} {tally.answers:3} / {tally.shipped:3} / {tally.planted:2} / {faults}")
        for example in tally.examples:
            print(f"      {example}")
    for line in fig.leaks[:40]:
        print("LEAK", line)
    for line in fig.failed:
        print("FAILED", line)
