"""L2-regularised logistic regression by Newton's method, for the fitting scripts.

Both `fit_confidence` (answered or not) and `fit_answers` (which passage
answers, fitted on pairs) fit a handful of weights on a few hundred
labelled searches; numpy is enough and keeps scikit-learn out of the
product's dependencies. Features are standardised before the penalty applies
(otherwise a feature with a small spread, such as a cosine that varies by
0.02, can never earn a weight against the L2 term) and the weights are
returned on the original scale.
"""

from __future__ import annotations

import numpy as np


def fit_logistic(
    x: np.ndarray,
    y: np.ndarray,
    l2: float = 1.0,
    weight: np.ndarray | None = None,
    intercept: bool = True,
) -> tuple[float, np.ndarray]:
    """(bias, weights) minimising the weighted log loss plus l2/2·|w|² on
    standardised features (the bias is not penalised)."""
    n, k = x.shape
    sample = np.ones(n) if weight is None else np.asarray(weight, dtype=float)
    mean = x.mean(axis=0) if intercept else np.zeros(k)
    spread = x.std(axis=0) if intercept else np.sqrt((x * x).mean(axis=0))
    spread = np.where(spread > 1e-12, spread, 1.0)
    z = (x - mean) / spread
    if intercept:
        z = np.hstack([np.ones((n, 1)), z])
    w = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    if intercept:
        penalty[0] = 0.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -50, 50)))
        gradient = z.T @ (sample * (p - y)) + penalty * w
        hessian = (z.T * (sample * p * (1 - p))) @ z + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    coef = w[1:] if intercept else w
    weights = coef / spread
    bias = float(w[0] - np.sum(coef * mean / spread)) if intercept else 0.0
    return bias, weights
