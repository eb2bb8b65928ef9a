"""Cosine similarity of the model's sentences to texts of the corpus, by the engine's embedder,
with the thresholds fitted per embedding model (`index.llm.judge` applies them).
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Cosines:
    """Cosine thresholds for one embedding model (they mean different things per model):
    `support`, below which a sentence is not about what it cites; `contested`, at which a
    sentence stated as fact restates a contested claim, when it is also closer to that claim than
    to its own evidence by `margin`."""

    support: float
    contested: float
    margin: float


# Fitted with scripts/bench_llm.py on the dev questions (faithful behaviours keep their
# sentences); a model not listed gets no embedding checks, only the word checks.
COSINES = {
    "sentence-transformers/all-MiniLM-L6-v2": Cosines(0.4, 0.6, 0.05),
    "intfloat/multilingual-e5-small": Cosines(0.8, 0.88, 0.03),
}


def cosines_for(model_id: str | None) -> Cosines | None:
    if not model_id:
        return None
    return next((c for m, c in COSINES.items() if str(model_id).startswith(m)), None)


class Similarity:
    """Cosine similarity by the engine's embedder; unavailable when there is none, when its model
    has no fitted thresholds, or when it failed."""

    def __init__(self, embedder: Any | None):
        self.cosines = cosines_for(getattr(embedder, "model_id", None))
        if embedder is not None and self.cosines is None:
            log.info(
                "llm guards: no cosine thresholds for %s; word checks only",
                getattr(embedder, "model_id", type(embedder).__name__),
            )
            embedder = None
        self._embedder = embedder
        self._cache: dict[str, list[float]] = {}
        self._lock = threading.Lock()
        self.failed = False

    @property
    def available(self) -> bool:
        return self._embedder is not None and not self.failed

    def vectors(self, texts: Sequence[str], keep: bool = False) -> list[list[float]] | None:
        """Vectors for `texts`; `keep` caches them (corpus texts, not the model's sentences)."""
        if not self.available:
            return None
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        fresh: dict[str, list[float]] = {}
        if missing:
            try:
                assert self._embedder is not None
                fresh = dict(zip(missing, self._embedder.embed_documents(missing), strict=True))
            except Exception as exc:  # the guards go on lexically
                log.warning("llm guards: the embedder failed, using word overlap only: %s", exc)
                self.failed = True
                return None
            if keep:
                with self._lock:
                    self._cache.update(fresh)
        with self._lock:
            return [fresh.get(t) or self._cache[t] for t in texts]

    @staticmethod
    def cosine(a: Sequence[float], b: Sequence[float]) -> float:
        dot = sum(x * y for x, y in zip(a, b, strict=False))
        norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
        return dot / norm if norm else 0.0
