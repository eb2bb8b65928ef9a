"""The query adapter: stored and read back, a no-op for another model's vectors, a fit that
moves questions towards their passages, and a search that adapts the article pool only."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.corpus.load import CorpusInvalid, load_corpus
from index.search import adapter
from index.search.adapter import QueryAdapter
from index.search.calibration import thresholds_for, write_adapter
from index.settings import Settings
from tests.support.core import build, make_settings, uncalibrated_corpus, write_synthetic_corpus


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def _toy(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[list[list[int]]]]:
    """Eight passages; each question is its passage's vector rotated away by a fixed map, so
    the raw nearest passage is often the wrong one and one linear map undoes it."""
    rng = np.random.default_rng(seed)
    dim = 12
    rows = _unit(rng.normal(size=(8, dim)))
    members = np.arange(8, dtype=np.intp)[:, None]
    shift = np.linalg.qr(rng.normal(size=(dim, dim)))[0]
    gold = rng.integers(0, 8, size=80)
    queries = _unit((rows[gold] + 0.05 * rng.normal(size=(80, dim))) @ shift.T)
    return queries, rows, members, [[[int(g)]] for g in gold]


def _top1(queries: np.ndarray, rows: np.ndarray, members: np.ndarray, positives) -> float:
    best = adapter.segment_scores(queries, rows, members).argmax(axis=1)
    return float(np.mean([b in p[0] for b, p in zip(best, positives, strict=True)]))


def test_a_fit_moves_questions_towards_their_passages() -> None:
    queries, rows, members, positives = _toy()
    fitted = adapter.fit(
        queries[:60], rows, members, positives[:60], rank=12, epochs=300, rate=0.02
    )
    held_q, held_p = queries[60:], positives[60:]
    before = _top1(held_q, rows, members, held_p)
    after = _top1(fitted.apply(held_q), rows, members, held_p)
    assert after > before + 0.2


def test_the_fit_is_deterministic() -> None:
    queries, rows, members, positives = _toy()
    a = adapter.fit(queries, rows, members, positives, rank=4, epochs=20)
    b = adapter.fit(queries, rows, members, positives, rank=4, epochs=20)
    assert np.array_equal(a.u, b.u) and np.array_equal(a.v, b.v)


def test_a_vector_of_another_size_is_left_as_it_is() -> None:
    fitted = QueryAdapter(np.ones((4, 2), np.float32), np.ones((4, 2), np.float32))
    vector = np.arange(6, dtype=np.float32)
    assert fitted.apply(vector) is vector
    assert abs(float(np.linalg.norm(fitted.apply(np.ones(4, np.float32)))) - 1.0) < 1e-6


def test_a_stored_adapter_is_read_back_and_a_broken_one_is_none(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    fitted = QueryAdapter(
        rng.normal(size=(6, 2)).astype(np.float32), rng.normal(size=(6, 2)).astype(np.float32)
    )
    write_adapter(tmp_path, "m", fitted)
    read = thresholds_for("m", Settings(corpus_dir=tmp_path)).adapter
    assert read is not None and np.allclose(read.u, fitted.u, atol=1e-5)
    assert np.allclose(read.v, fitted.v, atol=1e-5)
    assert thresholds_for("other", Settings(corpus_dir=tmp_path)).adapter is None
    assert QueryAdapter.from_dict({"u": [[1.0, 2.0]], "v": [[1.0]]}) is None
    assert QueryAdapter.from_dict({"u": "x", "v": []}) is None


def test_the_adapter_orders_the_article_pool_and_reports_raw_cosines(tmp_path: Path) -> None:
    built = build(tmp_path / "data", write_synthetic_corpus(tmp_path / "corpus"))
    retriever = built.engine.snapshot().retriever
    question = "What did the authors say about pears?"
    raw = retriever.search(question)
    dim = retriever.matrix.shape[1]
    rng = np.random.default_rng(2)
    retriever.adapter = QueryAdapter(
        rng.normal(size=(dim, 3)).astype(np.float32), rng.normal(size=(dim, 3)).astype(np.float32)
    )
    try:
        moved = retriever.search(question)
    finally:
        retriever.adapter = None
    # The cosines the status decision reads are the raw ones, for every item.
    assert {h.item.id: (h.dense, h.own) for h in raw} == {
        h.item.id: (h.dense, h.own) for h in moved
    }

    def order(hits, kinds):
        return [h.item.id for h in hits if h.item.kind in kinds]

    article = ("sentence", "window", "claim")
    assert order(raw, article) != order(moved, article)
    # The background and the curated questions rank as they did.
    assert order(raw, ("fact",)) == order(moved, ("fact",))
    assert order(raw, ("question",)) == order(moved, ("question",))


@pytest.mark.parametrize(
    "entry", ["adapter: 3", "adapter: {u: [[1, 2]], v: [[1]]}", "adapter: {u: [[x]], v: [[1]]}"]
)
def test_a_malformed_adapter_is_refused_by_reindex_with_its_line(
    tmp_path: Path, entry: str
) -> None:
    corpus = uncalibrated_corpus(tmp_path)
    (corpus / "calibration.yaml").write_text(f"model/a:\n  {entry}\n", encoding="utf-8")
    with pytest.raises(CorpusInvalid) as raised:
        load_corpus(corpus, strict=True)
    assert any("calibration.yaml:2: 'adapter' must hold" in e for e in raised.value.errors)
    settings = make_settings(tmp_path, corpus_dir=corpus)
    assert thresholds_for("model/a", settings).adapter is None


def test_a_written_adapter_passes_a_reindex(tmp_path: Path) -> None:
    corpus = uncalibrated_corpus(tmp_path)
    write_adapter(
        corpus, "model/a", QueryAdapter(np.ones((4, 2), np.float32), np.ones((4, 2), np.float32))
    )
    load_corpus(corpus, strict=True)
    assert thresholds_for("model/a", make_settings(tmp_path, corpus_dir=corpus)).adapter
