"""L2-regularised logistic regression (Newton) and conditional logit, for the fitting scripts.

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


def fit_choice(
    groups: list[tuple[np.ndarray, np.ndarray]], l2: float = 1.0, iterations: int = 2000
) -> np.ndarray:
    """Weights of a conditional logit ("which of these alternatives is chosen").

    Each group is (features of its alternatives (n, k), which alternatives
    are right (n,) bool); a group's probability of the right ones is the
    softmax mass on them, every group weighs the same, plus l2/2·|w|² on
    standardised features. Unlike a pairwise fit it is scored on what the
    answer choice does (the best-scored alternative), not on every pair.
    Minimised by gradient descent with a backtracking line search: with
    several right alternatives in a group the loss is not convex, so Newton
    steps are not safe. Groups with no right or no wrong alternative carry
    no information and are left out."""
    kept = [(x, h.astype(bool)) for x, h in groups if h.any() and not h.all()]
    if not kept:
        raise ValueError("no group has both a right and a wrong alternative")
    k = kept[0][0].shape[1]
    # A softmax ignores what all of a group's alternatives share, so the
    # penalty sees each feature's spread within groups.
    centred = np.vstack([x - x.mean(axis=0) for x, _ in kept])
    spread = np.sqrt((centred**2).mean(axis=0))
    spread = np.where(spread > 1e-12, spread, 1.0)
    scaled = [(x / spread, h) for x, h in kept]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, gradient = 0.5 * l2 * float(w @ w), l2 * w
        for x, right in scaled:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            q = np.exp(s[right] - s[right].max())
            q /= q.sum()  # the softmax among the right ones alone
            total += float(np.log(np.exp(s - s.max()).sum()) + s.max())
            total -= float(np.log(np.exp(s[right] - s[right].max()).sum()) + s[right].max())
            gradient = gradient + p @ x - q @ x[right]
        return total, gradient

    w = np.zeros(k)
    value, gradient = loss(w)
    step = 1.0
    for _ in range(iterations):
        while step > 1e-12:
            trial = w - step * gradient
            trial_value, trial_gradient = loss(trial)
            if trial_value <= value - 0.5 * step * float(gradient @ gradient):
                break
            step /= 2
        if value - trial_value < 1e-10:
            w = trial
            break
        w, value, gradient = trial, trial_value, trial_gradient
        step *= 2
    return w / spread
