"""Print the relevance signals behind the status decision for each evaluation question.

Used to choose `article_min_score`, `background_min_score` and the margin rule; run it after
changing the corpus or the embedding model: `python scripts/calibrate.py evals/*.yaml`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from index.answer import compose
from index.answer.engine import Engine
from index.evaluate import load_cases
from index.settings import get_settings


def main(paths: list[str]) -> None:
    engine = Engine.from_settings(get_settings(), with_log=False)
    state = engine._ready_state()
    print(
        f"{'id':5} {'expected':17} {'art_dense':>9} {'art_bm25':>8} {'fact_dense':>10} "
        f"{'fact_bm25':>9}  question"
    )
    for case in load_cases(Path(p) for p in paths):
        hits = state.retriever.search(case.question)
        signals = compose.relevance_signals(hits)
        print(
            f"{case.id:5} {case.status:17} {signals.article_dense:9.3f} "
            f"{signals.article_bm25:8.2f} {signals.fact_dense:10.3f} {signals.fact_bm25:9.2f}  "
            f"{case.question[:60]}"
        )


if __name__ == "__main__":
    main(sys.argv[1:] or ["evals/dev-questions.yaml", "evals/out-of-scope.yaml"])
