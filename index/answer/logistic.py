"""L2-penalized logistic regression by Newton's method: the fit of the passage re-ranker
(`scripts/fit_rerank.py`) and of the beyond-the-article model (`scripts/fit_beyond.py`).

Deterministic (no random start, no sampling) and small: the problems here have a few hundred
rows and at most a few hundred features, where Newton's method converges in a handful of steps.
"""

from __future__ import annotations

import numpy as np

STEPS = 50
TOLERANCE = 1e-8


def fit_logistic(
    x: np.ndarray, y: np.ndarray, ridge: float, sample_weight: np.ndarray | None = None
) -> np.ndarray:
    """The weights minimizing sum_i s_i * logloss_i + ridge/2 * |w|^2, bias last (unpenalized).

    `x`: one row per example; `y`: 0/1; `sample_weight` (s_i): 1 each when not given."""
    rows = np.c_[np.asarray(x, dtype=np.float64), np.ones(len(x))]
    target = np.asarray(y, dtype=np.float64)
    weight = np.ones(len(rows)) if sample_weight is None else np.asarray(sample_weight, float)
    penalty = np.diag(np.r_[np.full(rows.shape[1] - 1, ridge), 0.0])
    theta = np.zeros(rows.shape[1])
    for _ in range(STEPS):
        p = 1.0 / (1.0 + np.exp(-np.clip(rows @ theta, -60.0, 60.0)))
        hessian = (rows.T * (weight * p * (1 - p))) @ rows + penalty
        step = np.linalg.solve(hessian, rows.T @ (weight * (p - target)) + penalty @ theta)
        theta -= step
        if np.abs(step).max() < TOLERANCE:
            break
    return theta
