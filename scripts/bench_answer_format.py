"""Benchmark: the shape of the answer a member reads (length, first line, links, quotes).

Builds an index in a temporary directory, answers every question of the development set and of
the held-out set (reported side by side; the held-out figures are only reported, never fitted),
and prints for the default rendering: length median / p95 / max, share in one Discord message,
share opening with a direct sentence, share of characters in bare URLs, quotes per answer, and
gold recall (in the answer's quotes, and among the quotes the default rendering shows).

`--dev-only`: the development column alone (while choosing).
Run from the checkout to measure: `.venv/bin/python scripts/bench_answer_format.py`; to measure
another checkout with the same venv, `cd /that/checkout && PYTHONPATH=. python <this script>`.
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import index
from index.answer.contract import Answer
from index.answer.engine import Engine
from index.evaluate import Case, load_cases
from index.search.reindex import reindex
from index.settings import get_settings

# Each column: a name and its question files (`--dev-only` drops the held-out column).
SETS = {
    "dev": sorted(Path("evals").glob("dev-*.yaml")),
    "held-out": [Path("evals/heldout-3.yaml"), Path("evals/heldout-4.yaml")],
}
DISCORD_LIMIT = 2000
EXAMPLES = (
    "Who arrested Castillo?",
    "Is it true that the CIA organized the coup?",
    "Who is Lisa Kenna?",
)
_URL = re.compile(r"https?://[^\s<>()]+")
_MASKED = re.compile(r"\]\(<?$")
_MASKED_LINK = re.compile(r"\[([^\]]*)\]\(<?https?://[^)>\s]*>?\)")
_HEADING = re.compile(r"^(#{1,6}\s|\*\*[^*].*\*\*$|__[^_].*__$)")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def bare_url_chars(text: str) -> int:
    """Characters of URLs not inside a masked link `[text](<url>)` (those show as the text)."""
    return sum(
        len(m.group(0)) for m in _URL.finditer(text) if not _MASKED.search(text[: m.start()])
    )


def visible_length(text: str) -> int:
    """Roughly what a member sees: a masked link shows as its label."""
    return utf16_len(_MASKED_LINK.sub(r"\1", text))


def first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def is_direct(line: str) -> bool:
    """A plain sentence: not a heading, an italic notice, a quote block or a list item."""
    if not line or _HEADING.match(line) or line.startswith((">", "•", "-", "_", "*")):
        return False
    return bool(re.search(r"[^\W\d_]{2,}", line)) and line.rstrip()[-1:] in ".!?)\"”'’"


def shown_quotes(answer: Answer) -> list[tuple[int, int]]:
    lines = set(answer.rendered.splitlines())
    return [(q.start, q.end) for q in answer.quotes if f"> {q.text}" in lines]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


@dataclass
class Figures:
    n: int
    median: float
    p95: float
    longest: int
    visible_median: float
    one_message: float
    direct: float
    bare_url_share: float
    quotes_in_answer: float
    quotes_shown: float
    gold_recall: float
    gold_recall_shown: float
    with_detail: float
    top_quote: str
    top_quote_share: float
    failed: int


def measure(engine: Engine, cases: list[Case]) -> Figures:
    corpus = engine.corpus
    answers = [engine.answer(c.question) for c in cases]
    lengths = [utf16_len(a.rendered) for a in answers]
    total_chars = sum(len(a.rendered) for a in answers)
    gold = found = found_shown = 0
    for case, answer in zip(cases, answers, strict=True):
        quoted = [(q.start, q.end) for q in answer.quotes]
        shown = shown_quotes(answer)
        for g in case.gold:
            start = corpus.article.text.find(g["text"])
            if start < 0:
                continue
            span = (start, start + len(g["text"]))
            gold += 1
            found += any(a < span[1] and span[0] < b for a, b in quoted)
            found_shown += any(a < span[1] and span[0] < b for a, b in shown)
    counts = Counter(q.text for a in answers for q in {q.text: q for q in a.quotes}.values())
    top, top_n = counts.most_common(1)[0] if counts else ("", 0)
    n = len(answers)
    return Figures(
        n=n,
        median=statistics.median(lengths),
        p95=pct(lengths, 0.95),
        longest=max(lengths),
        visible_median=statistics.median(visible_length(a.rendered) for a in answers),
        one_message=sum(n_ <= DISCORD_LIMIT for n_ in lengths) / n,
        direct=sum(is_direct(first_line(a.rendered)) for a in answers) / n,
        bare_url_share=sum(bare_url_chars(a.rendered) for a in answers) / max(total_chars, 1),
        quotes_in_answer=statistics.mean(len(a.quotes) for a in answers),
        quotes_shown=statistics.mean(len(shown_quotes(a)) for a in answers),
        gold_recall=found / gold if gold else 1.0,
        gold_recall_shown=found_shown / gold if gold else 1.0,
        with_detail=sum(getattr(a, "rendered_detail", None) is not None for a in answers) / n,
        top_quote=top,
        top_quote_share=top_n / n,
        failed=sum(not a.verification.passed for a in answers),
    )


ROWS: tuple[tuple[str, str, str], ...] = (
    ("questions", "n", "{:d}"),
    ("length median (target <= 900)", "median", "{:.0f}"),
    ("length p95 (target <= 1,900)", "p95", "{:.0f}"),
    ("length max", "longest", "{:d}"),
    ("visible length median (links as labels)", "visible_median", "{:.0f}"),
    ("in one message (target >= 95%)", "one_message", "{:.0%}"),
    ("direct first line (target >= 90%)", "direct", "{:.0%}"),
    ("bare-URL share (target <= 10%)", "bare_url_share", "{:.1%}"),
    ("quotes per answer (in the answer)", "quotes_in_answer", "{:.2f}"),
    ("quotes per answer (shown by default)", "quotes_shown", "{:.2f}"),
    ("gold recall (answer quotes)", "gold_recall", "{:.0%}"),
    ("gold recall (shown by default)", "gold_recall_shown", "{:.0%}"),
    ("answers with a detail rendering", "with_detail", "{:.0%}"),
    ("most-quoted passage: share of answers", "top_quote_share", "{:.0%}"),
    ("answers that failed verification", "failed", "{:d}"),
)


def main(argv: list[str]) -> None:
    sets = {k: v for k, v in SETS.items() if k == "dev" or "--dev-only" not in argv}
    print(f"code under test: {Path(index.__file__).resolve().parent.parent}", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        settings = get_settings(data_dir=Path(tmp))
        reindex(settings)
        engine = Engine.from_settings(settings, with_log=False)
        figures = {name: measure(engine, load_cases(paths)) for name, paths in sets.items()}
        examples = [engine.answer(q) for q in EXAMPLES]
        engine.close()
    width = max(len(label) for label, _, _ in ROWS) + 2
    print(f"{'':{width}}" + "".join(f"{name:>12}" for name in figures))
    for label, attr, fmt in ROWS:
        cells = "".join(f"{fmt.format(getattr(f, attr)):>12}" for f in figures.values())
        print(f"{label:{width}}{cells}")
    for name, f in figures.items():
        print(f"most-quoted passage ({name}): {f.top_quote[:70]!r}")
    for answer in examples:
        print(f"\n=== {answer.question} ({utf16_len(answer.rendered)} chars, {answer.status})")
        print(answer.rendered)


if __name__ == "__main__":
    main(sys.argv[1:])
