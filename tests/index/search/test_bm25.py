"""BM25 in numpy: Lucene's variant, as bm25s computes it (the lexical threshold's scale)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from index.corpus.load import load_corpus
from index.search.bm25 import BM25
from index.search.items import build_items
from index.search.text import tokenize
from tests.support.llm_stub import CORPUS

bm25s = pytest.importorskip("bm25s")  # a test dependency: the reference


def test_a_small_corpus_scores_by_the_formula() -> None:
    docs = [["coup", "peru", "coup"], ["peru"], ["embassy", "mexico", "peru", "asylum"]]
    got = BM25(docs).scores(["coup", "peru"])
    n, avg = 3, 8 / 3

    def part(tf: int, length: int, df: int) -> float:
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        return idf * tf / (tf + 1.5 * (1 - 0.75 + 0.75 * length / avg))

    expected = [part(2, 3, 1) + part(1, 3, 3), part(1, 1, 3), part(1, 4, 3)]
    assert got.tolist() == pytest.approx(expected, rel=1e-6)


def test_unknown_empty_and_repeated_tokens() -> None:
    index = BM25([["a", "b"], ["b", "c"]])
    assert not index.scores(["zzz"]).any()
    assert not index.scores([]).any()
    once, twice = index.scores(["a"]), index.scores(["a", "a"])
    assert twice.tolist() == pytest.approx((2 * once).tolist())
    assert BM25([]).scores(["a"]).shape == (0,)


def test_it_agrees_with_bm25s_on_the_corpus() -> None:
    corpus = load_corpus(CORPUS)
    docs = [tokenize(i.lexical_text) for i in build_items(corpus) if i.kind != "question"]
    reference = bm25s.BM25()
    reference.index(docs, show_progress=False)
    mine = BM25(docs)
    queries = [
        "Who is Lisa Kenna?",
        "what did the ambassador tweet about congress",
        "¿Quién arrestó a Castillo?",
        "generals greenlight Alvarado military",
        "coup coup peru",
        "spreadsheets lawyers motion",
    ]
    for question in queries:
        tokens = [t for t in tokenize(question) if t in reference.vocab_dict]
        expected = reference.get_scores(tokens)
        assert np.allclose(mine.scores(tokens), expected, rtol=1e-5, atol=1e-6), question
