"""A linear query adapter for the article's passages: q -> normalize(q + U (V^T q)).

A small embedder places a member's question and the article's wording apart when they share
no word ("envoy" for "ambassador", a Spanish question for an English sentence). A low-rank
map of the question vector, fitted on the development questions' gold passages
(`scripts/fit_adapter.py`: a softmax over the article's segments, cross-validated by source
file), moves questions towards the passages that answer them. It is stored per embedding
model in `calibration.yaml` beside the thresholds; a model nobody fitted has none and the
search runs on the raw vector. It only orders the article pool's dense ranking: every cosine
the status decision reads stays raw, and the background cards, the curated questions
(question against question) and the intent router keep the raw vector. It ranks passages; it
quotes and labels nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

SEED = 7


@dataclass(frozen=True, eq=False)
class QueryAdapter:
    u: np.ndarray  # dim x rank
    v: np.ndarray  # dim x rank

    @property
    def dim(self) -> int:
        return int(self.u.shape[0])

    def apply(self, vector: np.ndarray) -> np.ndarray:
        """The adapted unit vector; a vector of another size is returned as it is."""
        if vector.shape[-1] != self.dim:
            return vector
        z = vector + (vector @ self.v) @ self.u.T
        norm = np.linalg.norm(z, axis=-1, keepdims=True)
        return (z / np.where(norm > 0, norm, 1.0)).astype(np.float32)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rank": int(self.u.shape[1]),
            "u": [[round(float(x), 5) for x in row] for row in self.u],
            "v": [[round(float(x), 5) for x in row] for row in self.v],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QueryAdapter | None:
        """The stored adapter, or None when the entry is not one (a hand-edited file)."""
        try:
            u = np.asarray(data["u"], dtype=np.float32)
            v = np.asarray(data["v"], dtype=np.float32)
        except (KeyError, TypeError, ValueError):
            return None
        if u.ndim != 2 or u.shape != v.shape or u.size == 0 or not np.isfinite(u).all():
            return None
        if not np.isfinite(v).all():
            return None
        return cls(u, v)


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def segment_scores(queries: np.ndarray, rows: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Each query's score per segment: the best cosine of the rows the segment holds
    (`members`: segments x k row indexes, -1 padding)."""
    cos = queries @ rows.T
    padded = np.concatenate([cos, np.full((len(cos), 1), -np.inf)], axis=1)
    return padded[:, members].max(axis=2)


def fit(
    queries: Sequence[Sequence[float]],
    rows: np.ndarray,
    members: np.ndarray,
    positives: Sequence[Sequence[Sequence[int]]],
    *,
    rank: int = 16,
    epochs: int = 300,
    rate: float = 1e-3,
    ridge: float = 0.01,
    temperature: float = 0.05,
) -> QueryAdapter:
    """Fit U, V by Adam on a multi-positive softmax over the segments: for each question and
    each of its gold passages (`positives[i]`: the segments overlapping it, one list per gold),
    -log of the gold segments' share of exp(score / temperature), plus `ridge` (|U|² + |V|²).
    Deterministic (a fixed seed)."""
    q = _unit(np.asarray(queries, dtype=np.float64))
    r = _unit(np.asarray(rows, dtype=np.float64))
    pairs = [(i, list(p)) for i, golds in enumerate(positives) for p in golds if p]
    n_seg = members.shape[0]
    target = np.zeros((len(pairs), n_seg))
    for k, (_, segs) in enumerate(pairs):
        target[k, segs] = 1.0
    which = np.array([i for i, _ in pairs], dtype=np.intp)
    rng = np.random.default_rng(SEED)
    dim = q.shape[1]
    u = np.zeros((dim, rank))
    v = rng.normal(0.0, 0.01, (dim, rank))
    params = [u, v]
    m = [np.zeros_like(p) for p in params]
    s = [np.zeros_like(p) for p in params]
    padded_members = np.where(members >= 0, members, r.shape[0])
    for step in range(1, epochs + 1):
        qv = q @ v
        z = q + qv @ u.T
        norm = np.linalg.norm(z, axis=1, keepdims=True)
        a = z / norm
        cos = a @ r.T
        cos_p = np.concatenate([cos, np.full((len(cos), 1), -np.inf)], axis=1)
        per_seg = cos_p[:, padded_members]  # n x seg x k
        best = per_seg.argmax(axis=2)
        seg = np.take_along_axis(per_seg, best[:, :, None], axis=2)[:, :, 0] / temperature
        logits = seg[which]
        top = logits.max(axis=1, keepdims=True)
        p_all = np.exp(logits - top)
        p_all /= p_all.sum(axis=1, keepdims=True)
        p_pos = p_all * target
        p_pos /= np.maximum(p_pos.sum(axis=1, keepdims=True), 1e-300)
        d_logits = (p_all - p_pos) / len(pairs)
        d_seg = np.zeros_like(seg)
        np.add.at(d_seg, which, d_logits)
        d_seg /= temperature
        rows_of = np.take_along_axis(
            np.broadcast_to(padded_members, per_seg.shape), best[:, :, None], axis=2
        )[:, :, 0]
        d_cos = np.zeros((len(q), r.shape[0] + 1))
        np.add.at(d_cos, (np.arange(len(q))[:, None].repeat(n_seg, 1), rows_of), d_seg)
        d_a = d_cos[:, :-1] @ r
        d_z = (d_a - (d_a * a).sum(axis=1, keepdims=True) * a) / norm
        grads = [d_z.T @ qv + 2 * ridge * u, q.T @ (d_z @ u) + 2 * ridge * v]
        for n, (p, g) in enumerate(zip(params, grads, strict=True)):
            m[n] = 0.9 * m[n] + 0.1 * g
            s[n] = 0.999 * s[n] + 0.001 * g * g
            p -= rate * (m[n] / (1 - 0.9**step)) / (np.sqrt(s[n] / (1 - 0.999**step)) + 1e-8)
    return QueryAdapter(u.astype(np.float32), v.astype(np.float32))
