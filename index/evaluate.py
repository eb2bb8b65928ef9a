"""`explainer eval`: run question sets; measure quotes, labels, statuses and a baseline."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from index.answer.contract import Answer
from index.corpus.load import Corpus

# The project's own directory (the parent of the `index` package): default sets live under it,
# whatever the current directory is.
PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_EVAL_DIR = PROJECT_DIR / "evals"

# Each figure's name as a reader sees it, in the order the tables show them.
FIGURE_NAMES: dict[str, str] = {
    "cases": "Cases",
    "verbatim_share": "Verbatim share",
    "gold_recall": "Gold recall",
    "label_accuracy": "Label accuracy",
    "allegations_as_established": "Allegations shown as established",
    "status_accuracy": "Status accuracy",
    "background_hits": "Background hits",
    "mrr": "MRR",
    "latency_p50_ms": "Latency p50 (ms)",
    "latency_p95_ms": "Latency p95 (ms)",
    "chars_quoted_mean": "Characters quoted, mean",
    "chars_quoted_max": "Characters quoted, max",
    "baseline_gold_recall": "Baseline gold recall",
    "baseline_mrr": "Baseline MRR",
    # LLM mode only: answers whose summary shipped, and those that fell back (then by fault kind,
    # `llm_fallback_<kind>`, named by `figure_name`).
    "llm_asked": "LLM asked",
    "llm_kept": "LLM summaries kept",
    "llm_kept_share": "LLM kept share",
    "llm_fallbacks": "LLM fallbacks",
}
# A fallback's fault kind, as the refiner records it (`Draft.fault` is `llm_<kind>`).
LLM_FAULT_PREFIX = "llm_"
FALLBACK_PREFIX = "llm_fallback_"
# The figures of the per-category table.
CATEGORY_FIGURES = ("cases", "gold_recall", "status_accuracy")

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
    category: str | None = None
    source: str = ""  # the file the case came from (its name)


class CasesInvalid(ValueError):
    """A question set that cannot be read: `file: what is wrong`."""


def default_eval_files(eval_dir: Path | None = None) -> list[Path]:
    """Every question set of the project: `evals/*.yaml` beside the code, or under `eval_dir`."""
    directory = eval_dir if eval_dir is not None else DEFAULT_EVAL_DIR
    return sorted(p for p in directory.glob("*.yaml") if p.is_file())


def load_cases(paths: Iterable[Path]) -> list[Case]:
    cases = []
    for path in paths:
        path = Path(path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise CasesInvalid(f"{path}: cannot be read: {exc}") from exc
        if not isinstance(data, list):
            raise CasesInvalid(f"{path}: expected a list of cases, found {type(data).__name__}")
        for n, raw in enumerate(data, start=1):
            if not isinstance(raw, dict) or not all(k in raw for k in ("id", "question", "status")):
                raise CasesInvalid(f"{path}: case {n} needs an id, a question and a status")
            cases.append(
                Case(
                    str(raw["id"]),
                    str(raw["question"]),
                    str(raw["status"]),
                    raw.get("gold") or [],
                    [str(w) for w in raw.get("background_any") or []],
                    raw.get("never_established") or [],
                    category=str(raw["category"]) if raw.get("category") is not None else None,
                    source=path.name,
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
    figures: dict[str, float | None]
    failures: list[str]


def figure_name(key: str) -> str:
    """A figure's name as a reader sees it (a fallback kind's: "LLM fallback: timeout")."""
    if key.startswith(FALLBACK_PREFIX):
        return f"LLM fallback: {key[len(FALLBACK_PREFIX) :]}"
    return FIGURE_NAMES.get(key, key)


def figure_keys(figures: Iterable[str]) -> list[str]:
    """The keys of `figures` in table order: the named ones, then the fallback kinds by name."""
    present = set(figures)
    named = [k for k in FIGURE_NAMES if k in present]
    return named + sorted(k for k in present if k.startswith(FALLBACK_PREFIX))


def llm_figures(answers: Sequence[Answer], faults: Sequence[str | None]) -> dict[str, float | None]:
    """LLM mode's outcome per answer: kept (a summary shipped) or a fallback by fault kind.

    An answer the model was not asked for (no passage to cite, the byline card, an error before
    the refiner) is neither; `llm_asked` counts the other two.
    """
    kept = sum(1 for a in answers if a.summary)
    kinds: dict[str, int] = {}
    for answer, fault in zip(answers, faults, strict=True):
        if not answer.summary and fault and fault.startswith(LLM_FAULT_PREFIX):
            kind = fault[len(LLM_FAULT_PREFIX) :]
            kinds[kind] = kinds.get(kind, 0) + 1
    fallbacks = sum(kinds.values())
    figures: dict[str, float | None] = {
        "llm_asked": kept + fallbacks,
        "llm_kept": kept,
        "llm_kept_share": _share(kept, kept + fallbacks),
        "llm_fallbacks": fallbacks,
    }
    figures.update({f"{FALLBACK_PREFIX}{k}": n for k, n in sorted(kinds.items())})
    return figures


def evaluate(
    cases: list[Case],
    answers: list[Answer],
    corpus: Corpus,
    baseline: Callable[[str, int], list[tuple[int, int]]] | None = None,
    faults: Sequence[str | None] | None = None,
) -> Report:
    """Every figure over `cases` and their `answers`; with `faults` (each answer's
    `Draft.fault`, in LLM mode) also the summaries kept and the fallbacks by fault kind."""
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
            allowed = g.get("labels") or []
            for q in hit if allowed else []:  # a gold passage without labels checks no label
                label_total += 1
                label_ok += q.label in allowed
                if q.label not in allowed:
                    failures.append(f"{case.id}: label {q.label} not in {allowed}")
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
    # A share of nothing is not a score: None (shown as "—") when there was nothing to measure.
    figures: dict[str, float | None] = {
        "cases": len(cases),
        "verbatim_share": _share(verbatim, quotes_total),
        "gold_recall": _share(gold_found, gold_total),
        "label_accuracy": _share(label_ok, label_total),
        "allegations_as_established": as_established,
        "status_accuracy": _share(status_ok, len(cases)),
        "background_hits": _share(bg_ok, bg_total),
        "mrr": statistics.fmean(ours_rr) if ours_rr else None,
        "latency_p50_ms": _pct(latencies, 0.5) if latencies else None,
        "latency_p95_ms": _pct(latencies, 0.95) if latencies else None,
        "chars_quoted_mean": statistics.fmean(chars) if chars else None,
        "chars_quoted_max": max(chars) if chars else None,
    }
    if baseline is not None:
        figures["baseline_gold_recall"] = _share(base_found, gold_total)
        figures["baseline_mrr"] = statistics.fmean(base_rr) if base_rr else None
    if faults is not None:
        figures.update(llm_figures(answers, faults))
    return Report(figures, failures)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class EvalResult:
    """One run over several question sets: every figure per file, overall and per category."""

    files: dict[str, Report]
    total: Report
    categories: dict[str, Report]

    @property
    def cases(self) -> int:
        return int(self.total.figures["cases"] or 0)

    def figure_keys(self) -> list[str]:
        """Every figure any column has, in table order (a fallback kind one file lacks is 0)."""
        keys: set[str] = set(self.total.figures)
        for report in self.files.values():
            keys |= set(report.figures)
        return figure_keys(keys)

    def to_json(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "figure_names": {k: figure_name(k) for k in self.figure_keys()},
            "files": {name: r.figures for name, r in self.files.items()},
            "total": self.total.figures,
            "categories": {
                name: {k: r.figures[k] for k in CATEGORY_FIGURES}
                for name, r in self.categories.items()
            },
            "failures": {name: r.failures for name, r in self.files.items()},
        }


def evaluate_sets(
    cases: Sequence[Case],
    answers: Sequence[Answer],
    corpus: Corpus,
    baseline: Callable[[str, int], list[tuple[int, int]]] | None = None,
    files: Sequence[str] = (),
    faults: Sequence[str | None] | None = None,
) -> EvalResult:
    """`evaluate` per file (`Case.source`), over all cases, and per `Case.category`.

    `files` names files to show even when they hold no case (their column says 0 cases);
    `faults` (LLM mode: each answer's fault, or None) adds the kept / fallback counts.
    """
    if baseline is not None:
        baseline = _memo(baseline)  # each question is searched once, whatever the grouping
    with_faults = faults is not None
    triples = list(
        zip(cases, answers, faults if faults is not None else [None] * len(answers), strict=True)
    )

    def run(selected: list[tuple[Case, Answer, str | None]]) -> Report:
        return evaluate(
            [c for c, _, _ in selected],
            [a for _, a, _ in selected],
            corpus,
            baseline,
            [f for _, _, f in selected] if with_faults else None,
        )

    by_file: dict[str, list[tuple[Case, Answer, str | None]]] = {name: [] for name in files}
    categories: dict[str, list[tuple[Case, Answer, str | None]]] = {}
    for triple in triples:
        case = triple[0]
        by_file.setdefault(case.source or "(cases)", []).append(triple)
        if case.category:
            categories.setdefault(case.category, []).append(triple)
    return EvalResult(
        files={name: run(group) for name, group in by_file.items()},
        total=run(triples),
        categories={name: run(categories[name]) for name in sorted(categories)},
    )


def _memo(
    search: Callable[[str, int], list[tuple[int, int]]],
) -> Callable[[str, int], list[tuple[int, int]]]:
    seen: dict[tuple[str, int], list[tuple[int, int]]] = {}

    def cached(question: str, budget: int) -> list[tuple[int, int]]:
        if (question, budget) not in seen:
            seen[(question, budget)] = search(question, budget)
        return seen[(question, budget)]

    return cached


def format_figure(key: str, value: float | None) -> str:
    if value is None:
        return "—"
    if key.endswith("_ms"):
        return f"{value:.0f}"
    if isinstance(value, float) and not key.startswith("chars_"):
        return f"{value:.3f}"
    return f"{value:.0f}" if isinstance(value, float) else str(value)


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
