"""Engine-agnostic statistics of one proximal Newton (IRLS) step of the logistic loss.

At a model ``(w, b)`` each row has the linear predictor ``eta``, the
probability ``p`` of the positive class and the IRLS weight and working
response::

    v_i = s_i q_i,   z_i = eta_i + (y_i - p_i) / q_i,   q_i = max(p_i (1 - p_i), Q_MIN)

(``y`` in {0, 1}). The quadratic model of the loss at ``(w, b)`` is the
weighted least-squares loss ``1 / (2 S) sum_i v_i (z_i - x_i'w' - b')^2`` up
to a constant (``S = sum_i s_i``), so one pass that returns the centred
statistics of ``[X, z]`` under the weights ``v`` gives the Newton step,
solved locally on the Gram. Flooring ``q`` changes only the curvature, never
the gradient (``v (z - eta) = s (y - p)`` exactly), so the fixed point is
the true minimiser.

The same pass returns what the duality gap and the step-halving need: the
loss ``sum s_i log(1 + exp(-y_i eta_i))``, the correlations
``X' s (y - p)``, the entropy sum of the dual point at scale 1, and the
weight of misclassified rows (held-out accuracy and a separation check).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import entr, expit

from ._stats import BlockStats, check_finite_block, fold_ids, merge, partition_stats

Vector = NDArray[np.float64]

# IRLS curvature floor: a row predicted with certainty still has a finite
# working response (glmnet clamps probabilities for the same reason).
Q_MIN = 1e-10


@dataclass(frozen=True, eq=False)
class LogisticBlock:
    """What one pass returns for one model on some rows (sums over the rows)."""

    stats: BlockStats
    weight: float
    loss: float
    corr: Vector
    residual_sum: float
    entropy: float
    wrong: float
    positive: float


def merge_logistic(a: LogisticBlock, b: LogisticBlock) -> LogisticBlock:
    return LogisticBlock(
        stats=merge(a.stats, b.stats), weight=a.weight + b.weight, loss=a.loss + b.loss,
        corr=a.corr + b.corr, residual_sum=a.residual_sum + b.residual_sum,
        entropy=a.entropy + b.entropy, wrong=a.wrong + b.wrong,
        positive=a.positive + b.positive,
    )


def merge_model_lists(
    a: list[list[LogisticBlock]], b: list[list[LogisticBlock]]
) -> list[list[LogisticBlock]]:
    """Merge per-model, per-fold results entry by entry."""
    return [[merge_logistic(x, z) for x, z in zip(ra, rb, strict=True)] for ra, rb in zip(a, b,
            strict=True)]


def encode_labels(labels: NDArray, positive: object, partition: int) -> Vector:
    """Labels as 0 / 1 (1 for the positive class)."""
    labels = np.asarray(labels).reshape(-1)
    if labels.dtype.kind == "f" and not np.isfinite(labels).all():
        raise ValueError(
            f"y contains NaN or inf in partition {partition}; drop those rows before fitting."
        )
    return np.asarray(labels == positive, dtype=np.float64)


def _centred_product(X: NDArray[np.floating], r: Vector, slab: int = 8192) -> Vector:
    """``X' r`` with X centred at its column means, in slabs of rows.

    The offsets' share is added back once, instead of summing products of
    1e7-sized entries; slabs keep the centred temporary small.
    """
    centre = X.mean(axis=0, dtype=np.float64) if X.shape[0] else np.zeros(X.shape[1])
    out = centre * r.sum()
    for a in range(0, X.shape[0], slab):
        out += (X[a:a + slab] - centre).T @ r[a:a + slab]
    return np.asarray(out)


def _one_model(
    X: NDArray[np.floating], y01: Vector, s: Vector, coef: Vector, intercept: float,
    rows: NDArray[np.int64] | None, centre: bool,
) -> LogisticBlock:
    """One model on ``rows`` of the block (None: all of them, without a copy of X)."""
    Xr = X if rows is None else X[rows]
    yr, sr = (y01, s) if rows is None else (y01[rows], s[rows])
    eta = Xr @ coef + intercept
    prob = expit(eta)
    q = np.maximum(prob * (1.0 - prob), Q_MIN)
    residual = yr - prob
    z = eta + residual / q
    sign = 2.0 * yr - 1.0
    p = X.shape[1]
    if yr.size:
        [stats] = partition_stats(Xr, z, sr * q, centre=centre)
    else:
        stats = BlockStats(weight=0.0, rows=0, mean=np.zeros(p + 1),
                           scatter=np.zeros((p + 1, p + 1)))
    sr_res = sr * residual
    # The dual point's probability of each row's own class being wrong, at scale 1.
    own_wrong = np.where(yr > 0, 1.0 - prob, prob)
    return LogisticBlock(
        stats=stats, weight=float(sr.sum()),
        loss=float(sr @ np.logaddexp(0.0, -sign * eta)), corr=_centred_product(Xr, sr_res),
        residual_sum=float(sr_res.sum()),
        entropy=float(sr @ (entr(own_wrong) + entr(1.0 - own_wrong))),
        # Misclassified as predict() decides (eta > 0: the positive class).
        wrong=float(sr[(eta > 0) != (yr > 0)].sum()), positive=float(sr @ yr),
    )


def logistic_partition_stats(
    X: NDArray[np.floating],
    labels: NDArray,
    weights: NDArray[np.floating] | None = None,
    *,
    models: list[tuple[Vector, float]],
    positive: object,
    start: int = 0,
    n_folds: int = 1,
    seed: int = 0,
    centre: bool = True,
    partition: int = 0,
) -> list[list[LogisticBlock]]:
    """``[model][fold]`` IRLS statistics of one block at each of ``models``.

    ``models`` are ``(coef, intercept)`` on the scale of X. With ``n_folds``
    > 1 the rows are split by the same hash as :func:`partition_stats`.
    """
    y01 = encode_labels(labels, positive, partition)
    s = np.ones(y01.shape[0]) if weights is None else np.asarray(weights, np.float64).ravel()
    check_finite_block(np.asarray(X), y01, s, partition, start)
    X = np.asarray(X, dtype=np.float64)
    groups: list[NDArray[np.int64] | None] = [None]
    if n_folds > 1:
        fold = fold_ids(start, start + y01.shape[0], n_folds, seed)
        groups = [np.flatnonzero(fold == k) for k in range(n_folds)]
    return [
        [_one_model(X, y01, s, np.asarray(c, dtype=np.float64), float(b), rows, centre)
         for rows in groups]
        for c, b in models
    ]
