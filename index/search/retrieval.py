"""Hybrid retrieval: dense (Chroma, cosine) and lexical (BM25) rankings fused by reciprocal rank."""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from langchain_core.embeddings import Embeddings

from index.answer.records import Candidate
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


@dataclass(frozen=True)
class Hit:
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


class Retriever:
    """Built once per index version; `search` is safe to call from several threads."""

    def __init__(self, items: list[Item], collection, embedder: Embeddings):
        self.items = {item.id: item for item in items}
        self._ids = [item.id for item in items]
        # Read for every item of every search: looked up once here, not through the properties.
        self._kind = {item.id: item.kind for item in items}
        self._target = {item.id: item.target or item.id for item in items}
        self._collection = collection
        self._embedder = embedder
        self._vectors = lru_cache(maxsize=VECTORS_KEPT)(embedder.embed_query)
        # A curated question is the same text as its ask: searched lexically once, as the ask.
        searched = [item for item in items if item.kind != "question"]
        self._lexical_ids = [item.id for item in searched]
        docs = [tokenize(item.lexical_text) for item in searched]
        self._bm25 = BM25(docs)
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
        tokens = query_terms(self.correct(tokenize(question)))
        if not tokens:
            return {}
        scores = self._bm25.scores(tokens)
        return {self._lexical_ids[i]: float(scores[i]) for i in np.flatnonzero(scores > 0)}

    def query_vector(self, question: str) -> list[float]:
        """The question's vector as the dense search embeds it (misspellings corrected); the
        last few are kept, so the status decision reads the one the search computed."""
        return self._vectors(self.correct_text(question))

    def dense(self, question: str) -> dict[str, float]:
        vector = self.query_vector(question)
        depth = len(self._ids)
        res = self._collection.query(
            query_embeddings=[vector], n_results=depth, include=["distances"]
        )
        return {
            i: 1.0 - float(d)
            for i, d in zip(res["ids"][0], res["distances"][0], strict=True)
            if i in self.items
        }

    def _fold_asks(self, scores: dict[str, float]) -> dict[str, float]:
        """An ask's score goes to the claim or fact it points at (the best of it and its asks)."""
        folded: dict[str, float] = {}
        targets, kinds = self._target, self._kind
        for item_id, score in scores.items():
            target = targets[item_id]
            if target in kinds and score > folded.get(target, -math.inf):
                folded[target] = score
        return folded

    def search(self, question: str) -> list[Hit]:
        """Rank article units and background facts, each pool fused on its own.

        The curated questions come last, unfused, with their cosine to the question: they
        rank nothing, they tell the status decision how close the question is to one the
        corpus is known to answer.
        """
        every = self.dense(question)
        kinds = self._kind
        asked = {i: s for i, s in every.items() if kinds[i] == "question"}
        raw = {i: s for i, s in every.items() if i not in asked}
        dense = self._fold_asks(raw)
        lexical = self._fold_asks(self.lexical(question))
        curated = self._fold_asks(asked)
        fused: dict[str, float] = {}
        for pool in (_ARTICLE_KINDS, ("fact",)):
            for ranking in (dense, lexical, curated):
                ids = [i for i in ranking if kinds[i] in pool]
                for rank, item_id in enumerate(sorted(ids, key=ranking.__getitem__, reverse=True)):
                    fused[item_id] = fused.get(item_id, 0.0) + 1.0 / (RRF_K + rank + 1)
        ordered = sorted(fused, key=fused.__getitem__, reverse=True)
        ordered += sorted(asked, key=asked.__getitem__, reverse=True)
        return [
            Hit(
                self.items[i],
                fused.get(i, 0.0),
                n,
                dense.get(i, asked.get(i)),
                lexical.get(i),
                raw.get(i, asked.get(i)),
            )
            for n, i in enumerate(ordered, start=1)
        ]
