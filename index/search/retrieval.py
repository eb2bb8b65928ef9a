"""Hybrid retrieval: dense (Chroma, cosine) and lexical (BM25) rankings fused by reciprocal rank."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from langchain_core.embeddings import Embeddings

from index.answer.records import Candidate
from index.search.adapter import QueryAdapter
from index.search.bm25 import BM25
from index.search.items import Item
from index.search.text import STOPWORDS as _STOPWORDS
from index.search.text import query_terms, tokenize, words

# A small k: with a corpus this size, ranks past the first dozen carry no signal.
RRF_K = 10
_ARTICLE_KINDS = ("sentence", "window", "claim")
_WORD = re.compile(r"[^\W\d_]+")
# Question vectors kept per index version (a question is embedded once for search and status).
VECTORS_KEPT = 64


class Hit(NamedTuple):
    """One ranked item of a search (a tuple: ~1,400 are built per question)."""

    item: Item
    fused: float
    rank: int
    dense: float | None
    bm25: float | None
    # The item's own cosine, before its curated asks' scores were folded into `dense`.
    own: float | None = None

    def candidate(self) -> Candidate:
        return Candidate(
            self.item.kind,
            self.item.id,
            round(self.fused, 6),
            self.rank,
            None if self.dense is None else round(self.dense, 4),
            None if self.bm25 is None else round(self.bm25, 4),
        )


def stored_vectors(collection, known: Mapping[str, object]) -> tuple[list[str], np.ndarray]:
    """The ids and unit-length vectors of one index version's items, read from the store once:
    a version never changes after its reindex, and ~1,400 vectors are a few megabytes."""
    got = collection.get(include=["embeddings"])
    pairs = [(i, v) for i, v in zip(got["ids"], got["embeddings"], strict=True) if i in known]
    if not pairs:
        return [], np.zeros((0, 0), dtype=np.float32)
    matrix = np.asarray([v for _, v in pairs], dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return [i for i, _ in pairs], matrix / np.where(norms > 0, norms, 1.0)


class Retriever:
    """Built once per index version; `search` is safe to call from several threads."""

    def __init__(
        self,
        items: list[Item],
        collection,
        embedder: Embeddings,
        adapter: QueryAdapter | None = None,
    ):
        self.items = {item.id: item for item in items}
        # The fitted query adapter (`adapter.py`): it orders the article pool's dense ranking;
        # the cosines reported (what the status decision's thresholds read) stay raw.
        self.adapter = adapter
        self._collection = collection
        self._embedder = embedder
        self._matrix_ids, self._matrix = stored_vectors(collection, self.items)
        self._vectors = lru_cache(maxsize=VECTORS_KEPT)(embedder.embed_query)
        # A curated question is the same text as its ask: searched lexically once, as the ask.
        searched = [item for item in items if item.kind != "question"]
        self._lexical_ids = [item.id for item in searched]
        docs = [tokenize(item.lexical_text) for item in searched]
        self._bm25 = BM25(docs)
        self._plan = SearchPlan(items, self._matrix_ids, self._lexical_ids)
        self._article_rows = self._plan.article_rows(self.items, self._matrix_ids)
        self._vocab = sorted({t for doc in docs for t in doc})
        self._vocab_set = frozenset(self._vocab)
        self._sentences = [
            frozenset(doc)
            for item, doc in zip(searched, docs, strict=True)
            if item.kind == "sentence"
        ]
        # The off-topic examples' words are not the corpus's: "Machu Picchu" stays a name it
        # never mentions, and no question is spelled towards "weather".
        own = [item for item in items if not item.off_topic]
        self._words = sorted({w for item in own for w in _WORD.findall(item.text.lower())})
        # Every word the corpus uses (article, cards, curated questions), folded: a name a
        # question uses that is not among them is something the corpus never mentions.
        self.known_words = frozenset(w for item in own for w in words(item.text))
        self._words_set = frozenset(self._words)
        self._closest = lru_cache(maxsize=4096)(self._closest_uncached)

    def _closest_uncached(self, word: str, stems: bool) -> str:
        pool = self._vocab if stems else self._words
        # Typos rarely touch the first letter; comparing within it keeps this fast.
        pool = [w for w in pool if w[:1] == word[:1] and abs(len(w) - len(word)) <= 2]
        close = difflib.get_close_matches(word, pool, n=1, cutoff=0.8 if stems else 0.85)
        return close[0] if close else word

    def correct(self, tokens: list[str]) -> list[str]:
        """Map misspelt query words onto the corpus vocabulary (typo tolerance for BM25)."""
        return [
            tok
            if tok in self._vocab_set or len(tok) < 4 or tok.isdigit()
            else self._closest(tok, True)
            for tok in tokens
        ]

    def spelled(self, word: str) -> str:
        """The corpus word a question's word (lower-cased) is a misspelling of: itself when the
        corpus uses it, is too short to tell, or no corpus word is close ("smtih" → "smith")."""
        low = word.lower()
        return self._closest(low, False) if self._spellable(low, shortest=4) else low

    def _spellable(self, low: str, *, shortest: int) -> bool:
        """A lower-cased word the corpus does not use, long enough to tell a misspelling of."""
        return len(low) >= shortest and low not in self._words_set and low not in _STOPWORDS

    def correct_text(self, question: str) -> str:
        """The question with misspelt words replaced by the closest corpus word (for embedding)."""

        def fix(match: re.Match[str]) -> str:
            word = match.group(0)
            low = word.lower()
            return self._closest(low, False) if self._spellable(low, shortest=5) else word

        return _WORD.sub(fix, question)

    def covered(self, tokens: frozenset[str]) -> bool:
        """Whether one article sentence holds every content word (two or more) of a question."""
        words = set(self.correct(sorted(tokens)))
        return len(words) >= 2 and any(words <= sentence for sentence in self._sentences)

    def lexical(self, question: str) -> dict[str, float]:
        """Each document's BM25 score for the question, where it is above 0 (by item id)."""
        scores = self._lexical_scores(question)
        if scores is None:
            return {}
        return {self._lexical_ids[i]: float(scores[i]) for i in np.flatnonzero(scores > 0)}

    def query_vector(self, question: str) -> list[float]:
        """The question's vector as the dense search embeds it (misspellings corrected); the
        last few are kept, so the intent router and the status decision read the one the
        search computed."""
        return self._vectors(self.correct_text(question))

    def search(self, question: str) -> list[Hit]:
        """Rank article units and background facts, each pool fused on its own.

        An ask's score (dense or lexical) goes to the claim or fact it points at: the best of
        it and its asks. The curated questions come last, unfused, with their cosine to the
        question: they rank nothing, they tell the status decision how close the question is
        to one the corpus is known to answer.
        """
        plan = self._plan
        cosines, ordering = self._cosines(question)
        size = len(plan.target_ids)
        dense = _folded(size, plan.passage_target, cosines[plan.passage_rows])
        ranked_by = _folded(size, plan.passage_target, ordering[plan.passage_rows])
        curated = _folded(size, plan.question_target, cosines[plan.question_rows])
        lexical = np.zeros(size, dtype=np.float64)
        # Equal BM25 scores rank in the order of the first document (a passage or an ask)
        # giving its target one.
        first = np.full(size, len(plan.lexical_target), dtype=np.intp)
        scores = self._lexical_scores(question)
        if scores is not None:
            found = np.flatnonzero((scores > 0) & (plan.lexical_target >= 0))
            np.maximum.at(lexical, plan.lexical_target[found], scores[found])
            np.minimum.at(first, plan.lexical_target[found], found)
        fused = np.zeros(size, dtype=np.float64)
        # Ties in the fused score keep the order of the dense ranking, article before facts.
        tie = np.full(size, size * len(plan.pools), dtype=np.int64)
        present = (dense > -np.inf, lexical > 0, curated > -np.inf)
        for number, pool in enumerate(plan.pools):
            for n, ranking in enumerate((ranked_by, lexical, curated)):
                members = pool[present[n][pool]]
                if n == 1:
                    order = members[np.lexsort((first[members], -ranking[members]))]
                else:
                    order = members[np.argsort(-ranking[members], kind="stable")]
                fused[order] += 1.0 / (RRF_K + 1 + np.arange(len(order)))
                if n == 0:
                    tie[order] = number * size + np.arange(len(order))
        listed = present[0] | present[1] | present[2]
        ranked = [int(i) for i in np.lexsort((tie, -fused)) if listed[i]]
        own_scores = np.full(size, -np.inf)
        if cosines.size:  # else a store without the version's vectors: lexical matches only
            own_scores = np.where(plan.target_row >= 0, cosines[plan.target_row], -np.inf)
        own = own_scores.tolist()
        dense_of, fused_of, lexical_of = dense.tolist(), fused.tolist(), lexical.tolist()
        items, targets = self.items, plan.target_ids
        hits = [
            Hit(
                items[targets[i]],
                fused_of[i],
                n,
                dense_of[i] if present[0][i] else None,
                lexical_of[i] if lexical_of[i] > 0 else None,
                own[i] if own[i] > -math.inf else None,
            )
            for n, i in enumerate(ranked, start=1)
        ]
        asked = cosines[plan.asked_rows].tolist()
        for n, row in enumerate(sorted(range(len(asked)), key=asked.__getitem__, reverse=True)):
            score = asked[row]
            hits.append(
                Hit(items[plan.asked_ids[row]], 0.0, len(ranked) + n + 1, score, None, score)
            )
        return hits

    def _cosines(self, question: str) -> tuple[np.ndarray, np.ndarray]:
        """Every stored vector's cosine to the question (rows of `stored_vectors`), and the
        scores the dense ranking orders by: the same, but for the article pool's rows scored
        against the adapted question vector when there is an adapter."""
        if not self._matrix_ids:
            empty = np.zeros(0, dtype=np.float32)
            return empty, empty
        vector = np.asarray(self.query_vector(question), dtype=np.float32)
        norm = float(np.linalg.norm(vector))
        vector = vector / norm if norm else vector
        # einsum, not `@`: BLAS's worker threads spin after a call and starve the embedder's
        # (bench_answer.py: the next question's embedding 25 -> 44 ms); 0.1 ms for 1,400 rows.
        cosines = np.einsum("ij,j->i", self._matrix, vector)
        adapter, rows = self.adapter, self._article_rows
        if adapter is None or not rows.size:
            return cosines, cosines
        ordering = cosines.copy()
        ordering[rows] = np.einsum("ij,j->i", self._matrix[rows], adapter.apply(vector))
        return cosines, ordering

    @property
    def matrix_ids(self) -> list[str]:
        """The ids of the stored vectors, in the order of `matrix`'s rows."""
        return self._matrix_ids

    @property
    def matrix(self) -> np.ndarray:
        """The stored unit vectors of the live version (read-only use)."""
        return self._matrix

    def _lexical_scores(self, question: str) -> np.ndarray | None:
        tokens = query_terms(self.correct(tokenize(question)))
        return self._bm25.scores(tokens) if tokens else None


def _folded(size: int, targets: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The best score per target (-inf for a target without one)."""
    out = np.full(size, -np.inf, dtype=np.float64)
    np.maximum.at(out, targets, scores)
    return out


class SearchPlan:
    """Where each stored vector's and each lexical document's score goes, as index arrays:
    the targets are the passages and cards (an ask's target is its claim or card)."""

    def __init__(self, items: list[Item], rows: list[str], lexical_ids: list[str]):
        kind = {item.id: item.kind for item in items}
        target = {item.id: item.target or item.id for item in items}
        self.target_ids = [i.id for i in items if i.kind in _ARTICLE_KINDS or i.kind == "fact"]
        index = {t: n for n, t in enumerate(self.target_ids)}
        self.pools = tuple(
            np.array([index[t] for t in self.target_ids if pool(kind[t])], dtype=np.intp)
            for pool in (lambda k: k in _ARTICLE_KINDS, lambda k: k == "fact")
        )

        def where(question: bool) -> tuple[np.ndarray, np.ndarray]:
            pairs = [
                (r, index[target[i]])
                for r, i in enumerate(rows)
                if (kind[i] == "question") == question and target[i] in index
            ]
            return (
                np.array([r for r, _ in pairs], dtype=np.intp),
                np.array([t for _, t in pairs], dtype=np.intp),
            )

        self.passage_rows, self.passage_target = where(False)
        self.question_rows, self.question_target = where(True)
        row_of = {i: r for r, i in enumerate(rows)}
        self.target_row = np.array([row_of.get(t, -1) for t in self.target_ids], dtype=np.intp)
        self.asked_ids = [i for i in rows if kind[i] == "question"]
        self.asked_rows = np.array([row_of[i] for i in self.asked_ids], dtype=np.intp)
        self.lexical_target = np.array(
            [index.get(target[i], -1) for i in lexical_ids], dtype=np.intp
        )

    @staticmethod
    def article_rows(items: Mapping[str, Item], rows: list[str]) -> np.ndarray:
        """The stored vectors of the article pool: its passages and the asks of its claims
        (not the curated questions, matched question against question)."""

        def article(item_id: str) -> bool:
            item = items[item_id]
            if item.kind == "ask":
                target = items.get(item.target or "")
                return target is not None and target.kind in _ARTICLE_KINDS
            return item.kind in _ARTICLE_KINDS

        return np.array([r for r, i in enumerate(rows) if article(i)], dtype=np.intp)
