"""The lexical side of the hybrid search, on the synthetic corpus with the fake embedder."""

from __future__ import annotations

from pathlib import Path

from index.search.retrieval import Retriever
from tests.support.core import build, write_synthetic_corpus


def test_a_word_of_claiming_in_the_question_scores_nothing(tmp_path: Path) -> None:
    # "claims" is a word of the card, not of the topic asked about: the question asks what the
    # authors claim about pears, and only the pears sentence should match lexically.
    corpus_dir = write_synthetic_corpus(tmp_path / "corpus")
    fact = corpus_dir / "background" / "volcano-eruption.md"
    fact.write_text(fact.read_text().replace("sulphurous gas.", "sulphurous gas, claims say."))
    built = build(tmp_path / "data", corpus_dir)
    retriever = built.engine.snapshot().retriever
    scores = retriever.lexical("What do the authors claim about pears?")
    assert scores and all(retriever.items[i].kind != "fact" for i in scores)
    assert retriever.lexical("claims") and any(
        retriever.items[i].kind == "fact" for i in retriever.lexical("claims")
    )


def test_the_exact_scan_gives_the_stores_cosines(tmp_path: Path) -> None:
    # The search scores the version's vectors in memory; they must be the store's own.
    built = build(tmp_path / "data", write_synthetic_corpus(tmp_path / "corpus"))
    retriever = built.engine.snapshot().retriever
    question = "What did the authors say about pears?"
    res = retriever._collection.query(
        query_embeddings=[retriever.query_vector(question)],
        n_results=len(retriever.items),
        include=["distances"],
    )
    store = {i: 1.0 - d for i, d in zip(res["ids"][0], res["distances"][0], strict=True)}
    own = {h.item.id: h.own for h in retriever.search(question) if h.own is not None}
    passages = {i for i, item in retriever.items.items() if item.kind not in ("ask", "question")}
    assert set(own) == passages
    assert all(abs(score - store[i]) < 1e-5 for i, score in own.items())


class _NoVectors:
    """A store that holds none of the version's vectors."""

    def get(self, include: list[str]) -> dict[str, list]:
        return {"ids": [], "embeddings": []}


def test_a_store_without_the_vectors_still_ranks_by_words(tmp_path: Path) -> None:
    built = build(tmp_path / "data", write_synthetic_corpus(tmp_path / "corpus"))
    loaded = built.engine.snapshot().retriever
    retriever = Retriever(list(loaded.items.values()), _NoVectors(), built.embedder)
    hits = retriever.search("What did the authors say about pears?")
    assert hits and all(h.dense is None and h.own is None for h in hits)
    assert "pear" in hits[0].item.text.lower()
