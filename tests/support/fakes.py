"""Deterministic fakes for the boundaries: an embedder that needs no model."""

from __future__ import annotations

import hashlib
import math
import re
import threading

from langchain_core.embeddings import Embeddings

_WORD = re.compile(r"[a-z0-9]+")


class FakeEmbedder(Embeddings):
    """Hashes word tokens into a normalized 256-dim vector; counts what it embeds."""

    model_id = "fake-hash-256"
    dims = 256

    def __init__(self, fail_after: int | None = None):
        self.embedded: list[str] = []
        self.fail_after = fail_after
        self._lock = threading.Lock()

    def _vector(self, text: str) -> list[float]:
        vec = [0.0] * self.dims
        for word in _WORD.findall(text.lower()):
            h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "big")
            vec[h % self.dims] += 1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            if self.fail_after is not None and len(self.embedded) + len(texts) > self.fail_after:
                raise RuntimeError("injected embedding failure")
            self.embedded.extend(texts)
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """What a reindex embeds as questions (the curated asks): counted like documents."""
        return self.embed_documents(texts)


# Both names are used by the test modules.
FakeEmbeddings = FakeEmbedder
