"""`explainer eval`: run a question set; measure quotes, labels, statuses and a baseline."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from index.answer.contract import Answer
from index.corpus.load import Corpus

BASELINE_CHUNK = 300
BASELINE_OVERLAP = 50
BASELINE_K = 12


@dataclass
class Case:
    id: str
    question: str
    status: str
    gold: list[dict] = field(default_factory=list)
    background_any: list[str] = field(default_factory=list)
    never_established: list[str] = field(default_factory=list)


def load_cases(paths: Iterable[Path]) -> list[Case]:
    cases = []
    for path in paths:
        for raw in yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []:
            cases.append(
                Case(
                    str(raw["id"]),
                    str(raw["question"]),
                    str(raw["status"]),
                    raw.get("gold") or [],
                    [str(w) for w in raw.get("background_any") or []],
                    raw.get("never_established") or [],
                )
            )
    return cases


def _span(corpus: Corpus, text: str) -> tuple[int, int] | None:
    start = corpus.article.text.find(text)
    return None if start < 0 else (start, start + len(text))


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class Report:
    figures: dict[str, float]
    failures: list[str]


def evaluate(
    cases: list[Case],
    answers: list[Answer],
    corpus: Corpus,
    baseline: Callable[[str, int], list[tuple[int, int]]] | None = None,
) -> Report:
    quotes_total = verbatim = 0
    gold_total = gold_found = 0
    label_total = label_ok = 0
    as_established = 0
    status_ok = 0
    bg_total = bg_ok = 0
    ours_rr: list[float] = []
    base_found = 0
    base_rr: list[float] = []
    chars: list[int] = []
    failures: list[str] = []
    for case, answer in zip(cases, answers, strict=True):
        status_ok += answer.status == case.status
        if answer.status != case.status:
            failures.append(f"{case.id}: status {answer.status}, expected {case.status}")
        spans = [(q.start, q.end) for q in answer.quotes]
        chars.append(sum(e - s for s, e in spans))
        for q in answer.quotes:
            quotes_total += 1
            verbatim += corpus.article.text[q.start : q.end] == q.text
        golds = [(g, _span(corpus, g["text"])) for g in case.gold]
        for g, span in golds:
            if span is None:
                failures.append(f"{case.id}: gold text not in article: {g['text']!r}")
                continue
            gold_total += 1
            hit = [q for q in answer.quotes if _overlaps((q.start, q.end), span)]
            gold_found += bool(hit)
            if not hit:
                failures.append(f"{case.id}: missed gold {g['text'][:50]!r}")
            for q in hit:
                label_total += 1
                label_ok += q.label in g.get("labels", [])
                if q.label not in g.get("labels", []):
                    failures.append(f"{case.id}: label {q.label} not in {g.get('labels')}")
        gold_spans = [s for _, s in golds if s]
        if gold_spans:
            ours_rr.append(_reciprocal_rank(spans, gold_spans))
            if baseline is not None:
                chunks = baseline(case.question, max(chars[-1], 1))
                base_found += sum(any(_overlaps(c, g) for c in chunks) for g in gold_spans)
                base_rr.append(_reciprocal_rank(chunks, gold_spans))
        for text in case.never_established:
            span = _span(corpus, text)
            if span and any(
                q.label == "established" and _overlaps((q.start, q.end), span)
                for q in answer.quotes
            ):
                as_established += 1
                failures.append(f"{case.id}: allegation shown as established: {text[:50]!r}")
        if case.background_any:
            bg_total += 1
            blob = " ".join(
                b.text + " " + " ".join(s.publisher for s in b.sources) for b in answer.background
            ).lower()
            ok = any(w.lower() in blob for w in case.background_any)
            bg_ok += ok
            if not ok:
                failures.append(f"{case.id}: background lacks any of {case.background_any}")
    latencies = [a.timings_ms.get("total", 0.0) for a in answers]
    figures = {
        "cases": len(cases),
        "verbatim_share": verbatim / quotes_total if quotes_total else 1.0,
        "gold_recall": gold_found / gold_total if gold_total else 1.0,
        "label_accuracy": label_ok / label_total if label_total else 1.0,
        "allegations_as_established": as_established,
        "status_accuracy": status_ok / len(cases) if cases else 1.0,
        "background_hits": bg_ok / bg_total if bg_total else 1.0,
        "mrr": statistics.fmean(ours_rr) if ours_rr else 0.0,
        "latency_p50_ms": _pct(latencies, 0.5),
        "latency_p95_ms": _pct(latencies, 0.95),
        "chars_quoted_mean": statistics.fmean(chars) if chars else 0.0,
        "chars_quoted_max": max(chars, default=0),
    }
    if baseline is not None:
        figures["baseline_gold_recall"] = base_found / gold_total if gold_total else 0.0
        figures["baseline_mrr"] = statistics.fmean(base_rr) if base_rr else 0.0
    return Report(figures, failures)


def _reciprocal_rank(spans: list[tuple[int, int]], gold: list[tuple[int, int]]) -> float:
    for rank, span in enumerate(spans, start=1):
        if any(_overlaps(span, g) for g in gold):
            return 1.0 / rank
    return 0.0


def make_baseline(corpus: Corpus, embedder) -> Callable[[str, int], list[tuple[int, int]]]:
    """A plain LangChain pipeline: 300-character chunks, Chroma, the same embeddings."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=BASELINE_CHUNK, chunk_overlap=BASELINE_OVERLAP, add_start_index=True
    )
    docs = splitter.create_documents([corpus.article.text])
    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    store = Chroma(
        collection_name="baseline",
        embedding_function=embedder,
        client=client,
        collection_metadata={"hnsw:space": "cosine"},
    )
    store.add_documents(docs)

    def search(question: str, budget: int) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        used = 0
        for doc in store.similarity_search(question, k=min(BASELINE_K, len(docs))):
            if spans and used + len(doc.page_content) > budget:
                break
            start = int(doc.metadata["start_index"])
            spans.append((start, start + len(doc.page_content)))
            used += len(doc.page_content)
        return spans

    return search
