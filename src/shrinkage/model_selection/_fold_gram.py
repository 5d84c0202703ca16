"""Cross-validation of tall dense problems from per-fold Gram statistics.

A tall path is solved on the Cholesky reduction of its Gram matrix
(``_design.reduce_tall``); building each fold's Gram from its training
rows costs ``(K - 1) n p^2`` flops over K folds. Instead, one pass over the
data gives, for each fold's *held-out* rows, its weight, its weighted means
of ``[X, y]`` and its scatter centred at those means; a training set's
statistics are the merge of the other folds' (Chan, Golub and LeVeque's
pairwise update), so all folds cost ``n p^2`` together, and no training copy
of X is made.

Each block is centred at its own mean before its scatter is formed, never
accumulated as raw moments: with feature offsets of 1e7 raw second moments
lose every digit. The training problem is then the same as
``center_problem`` followed by ``reduce_tall`` would build (same centring,
weights, standardisation and constant columns), up to rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

from .._design import CenteredProblem, gram_factor, is_constant, triangular_problem

Vector = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class BlockStats:
    """Sufficient statistics of some rows of ``[X, y]`` (float64).

    ``weight`` is the sum of the sample weights, ``rows`` the number of rows,
    ``mean`` the weighted mean of ``[X, y]`` (zeros when not centring) and
    ``scatter`` the ``(p + 1) x (p + 1)`` weighted scatter about ``mean``.
    """

    weight: float
    rows: int
    mean: Vector
    scatter: Vector


def block_stats(
    X: NDArray[np.floating], y: Vector, weights: Vector | None, rows: NDArray[np.int64],
    *, centre: bool,
) -> BlockStats:
    """Statistics of ``rows`` of ``[X, y]``; ``weights`` None means all ones."""
    p = X.shape[1]
    block = np.empty((rows.size, p + 1), order="F")
    block[:, :p] = X[rows]
    block[:, p] = y[rows]
    w = np.ones(rows.size) if weights is None else np.asarray(weights[rows], dtype=np.float64)
    weight = float(w.sum())
    mean = (w @ block) / weight if centre else np.zeros(p + 1)
    if centre:
        block -= mean
    if weights is not None:
        block *= np.sqrt(w)[:, None]
    upper = scipy.linalg.blas.dsyrk(1.0, block, trans=1, lower=0)
    scatter = np.triu(upper) + np.triu(upper, 1).T
    return BlockStats(weight=weight, rows=int(rows.size), mean=mean, scatter=scatter)


def merge(a: BlockStats, b: BlockStats) -> BlockStats:
    """Statistics of the union of two disjoint blocks (Chan et al. 1979)."""
    weight = a.weight + b.weight
    delta = b.mean - a.mean
    mean = a.mean + delta * (b.weight / weight)
    scatter = a.scatter + b.scatter + np.outer(delta, delta) * (a.weight * b.weight / weight)
    return BlockStats(weight=weight, rows=a.rows + b.rows, mean=mean, scatter=scatter)


def partitions_rows(folds: list[tuple[Any, Any]], n_rows: int) -> bool:
    """Whether the held-out parts partition the rows and each training part
    is the rest (KFold, GroupKFold, StratifiedKFold; not ShuffleSplit)."""
    tests = [np.asarray(test) for _, test in folds]
    if sum(t.size for t in tests) != n_rows:
        return False
    if not np.array_equal(np.sort(np.concatenate(tests)), np.arange(n_rows)):
        return False
    return all(len(train) + len(test) == n_rows for train, test in folds)


def training_problem(
    stats: list[BlockStats], held_out: int, *, standardize: bool, fit_intercept: bool,
    weighted: bool, dtype: np.dtype,
) -> CenteredProblem | None:
    """The reduced training problem of fold ``held_out`` (None if ill-conditioned).

    None when the Cholesky factor of the training Gram loses too many digits
    (``_design.gram_factor``): the caller then builds the fold from its rows,
    where Householder QR keeps what the data allow.
    """
    others = [s for k, s in enumerate(stats) if k != held_out]
    total = others[0]
    for block in others[1:]:
        total = merge(total, block)
    return problem_from_stats(
        total, standardize=standardize, fit_intercept=fit_intercept, weighted=weighted,
        dtype=dtype,
    )


def problem_from_stats(
    total: BlockStats, *, standardize: bool, fit_intercept: bool, weighted: bool,
    dtype: np.dtype, x_scale: Vector | None = None, exact_fit: bool = False,
) -> CenteredProblem | None:
    """The reduced problem of the rows ``total`` summarises (None if ill-conditioned).

    ``x_scale`` overrides the column scales ``standardize`` would take from
    ``total`` (a caller whose weights are not the ones that define the
    scale: IRLS weights in a logistic fit). ``exact_fit`` accepts a y that
    X fits (nearly) exactly, whose last Cholesky pivot is then tiny: a
    caller with no rows to fall back on factors X's Gram alone and borders
    it with ``R_X^{-T} X'y`` and the residual norm (only the latter, the
    size of the residual, loses digits).
    """
    p = total.mean.size - 1
    n_rows = total.rows
    # center_problem normalises the weights to sum to the number of rows.
    gram = total.scatter * (n_rows / total.weight) if weighted else total.scatter.copy()
    variance = np.diag(gram)[:p] / n_rows
    x_mean = total.mean[:p]
    constant = is_constant(variance, x_mean, n_rows, dtype) if fit_intercept else variance == 0
    if x_scale is None:
        x_scale = np.where(constant, 1.0, np.sqrt(variance)) if standardize else np.ones(p)
    scale = np.append(x_scale, 1.0)
    gram = gram / np.outer(scale, scale)
    # center_problem zeroes constant columns (their centred values are
    # noise): factor the Gram of the others and leave zero columns in R,
    # whose nonzeros then still lie on or above the diagonal.
    keep = np.append(~constant, True)
    factor = gram_factor(np.asfortranarray(gram[np.ix_(keep, keep)]))
    if factor is None and exact_fit:
        factor = _bordered_factor(gram[np.ix_(keep, keep)])
    if factor is None:
        return None
    R = np.zeros((p + 1, p + 1))
    R[: factor.shape[0]][:, keep] = factor
    return triangular_problem(
        R, n_samples=float(n_rows), x_mean=x_mean if fit_intercept else np.zeros(p),
        x_scale=x_scale, y_mean=float(total.mean[p]) if fit_intercept else 0.0,
        weight_sum=total.weight,
    )


def _bordered_factor(gram: Vector) -> Vector | None:
    """Upper factor of ``[[G, b], [b', c]]`` from ``G``'s alone (None if G is ill-conditioned)."""
    inner = gram_factor(np.asfortranarray(gram[:-1, :-1]))
    if inner is None:
        return None
    border = scipy.linalg.solve_triangular(inner, gram[:-1, -1], trans="T", check_finite=False)
    R = np.zeros_like(gram)
    R[:-1, :-1] = inner
    R[:-1, -1] = border
    R[-1, -1] = np.sqrt(max(float(gram[-1, -1] - border @ border), 0.0))
    return R
