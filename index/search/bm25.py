"""Okapi BM25 over the corpus's token lists, Lucene's variant, in numpy.

    idf(t)     = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))
    score(d,q) = Σ over the query's tokens t (repeats count again) of
                 idf(t) · tf(t,d) / (tf(t,d) + k1 · (1 - b + b · |d| / avg |d|))

with k1 = 1.5 and b = 0.75: the scores `bm25s.BM25()` computes by default (its `lucene`
method), which the calibrated `lexical_min_score` was fitted on. Written out because importing
bm25s (and the scipy it pulls) cost a cold question about a third of a second, for a corpus of
about a thousand short texts; tests/index/search/test_bm25.py checks the two agree on it.
Each token's postings are precomputed, so a query only adds a few small arrays: no state per
call, safe from several threads.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

K1 = 1.5
B = 0.75


class BM25:
    def __init__(self, docs: Sequence[Sequence[str]], k1: float = K1, b: float = B):
        self.size = len(docs)
        lengths = np.array([len(d) for d in docs], dtype=np.float64)
        average = float(lengths.mean()) if self.size and lengths.sum() else 1.0
        norm = k1 * (1.0 - b + b * lengths / average)
        postings: dict[str, tuple[list[int], list[int]]] = {}
        for i, doc in enumerate(docs):
            for token, count in Counter(doc).items():
                ids, counts = postings.setdefault(token, ([], []))
                ids.append(i)
                counts.append(count)
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for token, (ids, counts) in postings.items():
            where = np.array(ids, dtype=np.intp)
            tf = np.array(counts, dtype=np.float64)
            idf = math.log(1.0 + (self.size - len(ids) + 0.5) / (len(ids) + 0.5))
            self._postings[token] = (where, (idf * tf / (tf + norm[where])).astype(np.float32))

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """Every document's score for the query `tokens` (0 where none of them occurs)."""
        out = np.zeros(self.size, dtype=np.float32)
        for token in tokens:
            posting = self._postings.get(token)
            if posting is not None:
                out[posting[0]] += posting[1]
        return out
