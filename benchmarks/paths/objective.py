"""The one objective every library is judged by, its duality gap, and suboptimality.

Squared loss (the Lasso, no intercept)::

    P(w) = ||y - X w||^2 / (2 n) + alpha ||w||_1

Logistic loss, ``y`` in ``{0, 1}`` (no intercept)::

    P(w) = 1/n sum_i [log(1 + exp(x_i'w)) - y_i x_i'w] + alpha ||w||_1

Relative suboptimality is ``(P(w) - P*) / P(0)`` with ``P*`` from a tightly
solved reference path, certified here by a duality gap computed
independently of every library.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import problems
from .problems import CACHE, Array, Design, Problem

TARGET = 1e-6  # the precision every library is tuned to, at every checkpoint


def _eta(X: Design, w: Array) -> Array:
    return np.asarray(X @ w, dtype=np.float64).ravel()


def objective(problem: Problem, w: Array, alpha: float) -> float:
    """``P(w)`` at ``alpha``."""
    eta = _eta(problem.X, w)
    if problem.loss == "squared":
        r = problem.y - eta
        data = float(r @ r) / (2 * problem.n)
    else:
        data = float(np.mean(np.logaddexp(0.0, eta) - problem.y * eta))
    return data + alpha * float(np.abs(w).sum())


def null_objective(problem: Problem) -> float:
    """``P(0)``: ``||y||^2 / (2 n)``, or ``log 2``."""
    if problem.loss == "squared":
        return float(problem.y @ problem.y) / (2 * problem.n)
    return float(np.log(2.0))


def duality_gap(problem: Problem, w: Array, alpha: float) -> float:
    """``P(w) - D(theta)`` for the dual point rescaled from ``w``'s gradient (>= P(w) - P*).

    Squared: ``theta = (y - Xw) / s``, ``D = (||y||^2 - ||y - theta||^2) / (2 n)``;
    logistic: ``v = y + (sigmoid(Xw) - y) / s``, ``D = -1/n sum_i H(v_i)``
    (``H`` the negative binary entropy), ``s >= 1`` the smallest scale
    making ``||X' g||_inf <= n alpha`` for the rescaled gradient ``g``.
    """
    X, y, n = problem.X, problem.y, problem.n
    eta = _eta(X, w)
    if problem.loss == "squared":
        g = y - eta
        scale = max(1.0, float(np.max(np.abs(X.T @ g))) / (n * alpha))
        theta = g / scale
        dual = (float(y @ y) - float((y - theta) @ (y - theta))) / (2 * n)
    else:
        g = 1.0 / (1.0 + np.exp(-eta)) - y
        scale = max(1.0, float(np.max(np.abs(X.T @ g))) / (n * alpha))
        v = np.clip(y + g / scale, 0.0, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            entropy = np.where(v > 0, v * np.log(v), 0.0) + np.where(
                v < 1, (1 - v) * np.log1p(-v), 0.0
            )
        dual = -float(np.mean(entropy))
    return objective(problem, w, alpha) - dual


# -- the reference ----------------------------------------------------------------
def reference_file(name: str) -> Path:
    return CACHE / "references" / f"{name}.npz"


def save_reference(problem: Problem, coefs: Array, library: str, tol: float) -> dict[str, float]:
    """Store ``P*`` at the checkpoints (and the certificates); a summary."""
    idx = problem.checkpoints()
    values = np.array([objective(problem, coefs[:, k], problem.alphas[k]) for k in idx])
    gaps = np.array([duality_gap(problem, coefs[:, k], problem.alphas[k]) for k in idx])
    path = reference_file(problem.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, checkpoints=idx, values=values, gaps=gaps, library=np.array(library),
             tol=np.array(tol))
    tmp.replace(path)
    return {"max_relative_gap": float(np.max(gaps) / null_objective(problem))}


def reference_gap(name: str) -> float:
    """Largest independent duality gap of the cached reference, over ``P(0)``."""
    with np.load(reference_file(name), allow_pickle=False) as ref, \
            np.load(problems.cache_file(name), allow_pickle=False) as data:
        y, loss = data["y"], str(data["loss"])  # npz members load lazily: X stays on disk
        p0 = float(y @ y) / (2 * y.shape[0]) if loss == "squared" else float(np.log(2.0))
        return float(np.max(ref["gaps"]) / p0)


def load_reference(name: str) -> tuple[np.ndarray, Array]:
    """``(checkpoints, P* at them)``."""
    with np.load(reference_file(name), allow_pickle=False) as f:
        return f["checkpoints"], f["values"]


def suboptimality(problem: Problem, coefs: Array) -> Array:
    """``(P(w_k) - P*_k) / P(0)`` at each checkpoint ``k`` (inf where a column is missing)."""
    idx, reference = load_reference(problem.name)
    p0 = null_objective(problem)
    out = np.full(idx.shape[0], np.inf)
    for i, k in enumerate(idx):
        if k < coefs.shape[1] and np.all(np.isfinite(coefs[:, k])):
            out[i] = (objective(problem, coefs[:, k], problem.alphas[k]) - reference[i]) / p0
    return out
