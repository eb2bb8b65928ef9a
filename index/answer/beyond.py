"""Whether a question asks beyond the article: a logistic model over the question's embedding.

"Is Ann Smith still in prison?" matches the article's passage on her arrest about as well as
the card on her sentence: the cosines cannot tell that an article written a week after the
arrest cannot answer it. What such questions share is what they ask (later events, outcomes, what
became of someone), and that is in the question's vector. The model is fitted on the
development questions (`scripts/fit_beyond.py`: answered vs no_article_match), its operating
point by cross-validation, and stored per embedding model in `calibration.yaml` beside the
thresholds; a model nobody fitted has none, and the status decision runs without it.

It only ever moves a question from the article to the background, and only when the
background matches at least as well as the article (`min_lead`): it labels nothing and shows
nothing of its own.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from index.answer.logistic import fit_logistic


@dataclass(frozen=True)
class Beyond:
    bias: float
    weights: tuple[float, ...]
    # The probability from which a question counts as asking beyond the article, and how far
    # the background must lead the article for that to move it (`Signals.background_lead`).
    min_score: float = 2.0
    min_lead: float = 0.0

    def probability(self, vector: Sequence[float]) -> float:
        """P(the question asks what only the background answers), from its query vector."""
        if len(vector) != len(self.weights):
            return 0.0  # a vector of another model: no opinion
        z = self.bias + float(np.dot(np.asarray(vector, dtype=np.float64), self.weights))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def as_dict(self) -> dict[str, Any]:
        return {
            "bias": round(self.bias, 6),
            "min_lead": round(self.min_lead, 4),
            "min_score": round(self.min_score, 4),
            "weights": [round(w, 6) for w in self.weights],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Beyond | None:
        """The stored model, or None when the entry is not one (a hand-edited file)."""
        weights = data.get("weights")
        numbers = (data.get("bias"), data.get("min_score", 2.0), data.get("min_lead", 0.0))
        if not isinstance(weights, list) or not weights:
            return None
        values = [*numbers, *weights]
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            return None
        bias, min_score, min_lead = (float(v) for v in numbers)  # type: ignore[arg-type]
        return cls(bias, tuple(float(w) for w in weights), min_score, min_lead)


def fit(vectors: Sequence[Sequence[float]], labels: Sequence[bool], c: float) -> Beyond:
    """Logistic regression on the question vectors, each class weighted by its share (balanced):
    minimizes 0.5 |w|^2 + c * sum_i weight_i * logloss_i, the bias unpenalized."""
    x = np.asarray(vectors, dtype=np.float64)
    y = np.asarray(labels, dtype=bool)
    positives, negatives = max(1, int(y.sum())), max(1, int((~y).sum()))
    balanced = np.where(y, len(y) / (2 * positives), len(y) / (2 * negatives))
    theta = fit_logistic(x, y, ridge=1.0 / c, sample_weight=balanced)
    return Beyond(float(theta[-1]), tuple(float(w) for w in theta[:-1]))
