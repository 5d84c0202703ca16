"""Engine-agnostic block summaries for wide data (more features than a Gram can hold).

Above ``MAX_GRAM_FEATURES`` columns a block's ``(p + 1)^2`` scatter is no
longer small, so wide data are solved by first-order passes instead
(``_wide.py``). Each pass needs, per block, only vectors of length p:

* :func:`column_moments`: weight, rows, weighted means of ``[X, y]`` and the
  diagonal of the centred scatter (merged pairwise as ``_stats.merge``
  does for the full scatter; never raw second moments);
* :func:`residual_products`: for a few models ``beta`` on the fitted scale
  (columns centred at the global means and divided by their scales), the
  weighted sums ``sum s r^2``, ``sum s y_c r`` and the correlations
  ``A' (s r)`` of the residual ``r = y_c - A beta``.

The block is centred at the global means (known after the first pass)
slab by slab, so feature offsets of 1e7 cost no digits and no centred copy
of the whole block is made.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._stats import check_finite_block

Vector = NDArray[np.float64]
IndexArray = NDArray[np.int64]

# Rows per slab: the centred float64 temporary stays a few MiB at p = 10,000.
_SLAB_BYTES = 4 << 20


@dataclass(frozen=True, eq=False)
class ColumnMoments:
    """Weight, rows, weighted means of ``[X, y]`` and the diagonal of their scatter."""

    weight: float
    rows: int
    mean: Vector
    m2: Vector


def column_moments(
    X: NDArray[np.floating], y: NDArray[np.floating], weights: NDArray[np.floating] | None = None,
    *, start: int = 0, partition: int = 0, centre: bool = True,
) -> ColumnMoments:
    """Moments of one block; ``centre`` False keeps second moments about zero (no intercept)."""
    X = np.asarray(X)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    w = None if weights is None else np.asarray(weights, dtype=np.float64).reshape(-1)
    if y.shape[0] != X.shape[0] or (w is not None and w.shape[0] != X.shape[0]):
        raise ValueError(
            f"partition {partition} has X of {X.shape[0]} rows and y of {y.shape[0]}; their "
            "row chunks must line up. Rechunk y (and sample_weight) to X's chunks."
        )
    check_finite_block(X, y, w, partition, start)
    p = X.shape[1]
    s = np.ones(X.shape[0]) if w is None else w
    weight = float(s.sum())
    if not weight > 0:
        return ColumnMoments(weight=0.0, rows=int(X.shape[0]), mean=np.zeros(p + 1),
                             m2=np.zeros(p + 1))
    mean = np.zeros(p + 1)
    if centre:
        mean[:p] = (s @ X) / weight
        mean[p] = (s @ y) / weight
    m2 = np.zeros(p + 1)
    for a, b in _slabs(X.shape[0], p):
        block = np.asarray(X[a:b], dtype=np.float64) - mean[:p]
        m2[:p] += s[a:b] @ (block * block)
    m2[p] = float(s @ (y - mean[p]) ** 2)
    return ColumnMoments(weight=weight, rows=int(X.shape[0]), mean=mean, m2=m2)


def merge_moments(a: ColumnMoments, b: ColumnMoments) -> ColumnMoments:
    """Moments of the union of two disjoint blocks (Chan et al.'s update on the diagonal)."""
    rows = a.rows + b.rows
    if b.weight == 0 or a.weight == 0:
        kept = a if b.weight == 0 else b
        return ColumnMoments(weight=kept.weight, rows=rows, mean=kept.mean, m2=kept.m2)
    weight = a.weight + b.weight
    delta = b.mean - a.mean
    return ColumnMoments(
        weight=weight, rows=rows, mean=a.mean + delta * (b.weight / weight),
        m2=a.m2 + b.m2 + delta**2 * (a.weight * b.weight / weight),
    )


@dataclass(frozen=True, eq=False)
class ResidualSums:
    """Per model ``q``: ``rr[q] = sum s r^2``, ``yr[q] = sum s y_c r``, ``corr[:, q] = A'(s r)``."""

    rr: Vector
    yr: Vector
    corr: Vector


def merge_sums(a: ResidualSums, b: ResidualSums) -> ResidualSums:
    return ResidualSums(rr=a.rr + b.rr, yr=a.yr + b.yr, corr=a.corr + b.corr)


def _slabs(n: int, p: int) -> list[tuple[int, int]]:
    rows = max(64, _SLAB_BYTES // (8 * max(p, 1)))
    return [(a, min(n, a + rows)) for a in range(0, n, rows)]


def residual_products(
    X: NDArray[np.floating], y: NDArray[np.floating], weights: NDArray[np.floating] | None = None,
    *, coefs: Vector, cols: IndexArray, out: IndexArray | None, x_mean: Vector, x_scale: Vector,
    y_mean: float, start: int = 0, partition: int = 0,
) -> ResidualSums:
    """Residual sums of one block at the models ``coefs`` (``(len(cols), q)``, fitted scale).

    The models are nonzero on ``cols`` only; the correlations are taken
    over the columns ``out`` (all of them when None). ``x_mean`` and
    ``x_scale`` are the global ones (zeros and ones where they do not apply).
    """
    X = np.asarray(X)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    s = np.ones(X.shape[0]) if weights is None else np.asarray(weights, np.float64).reshape(-1)
    coefs = np.asarray(coefs, dtype=np.float64)
    q = coefs.shape[1]
    # Coefficients of the raw (uncentred) columns; the centring is applied per slab.
    raw = coefs / x_scale[cols][:, None]
    m = X.shape[1] if out is None else len(out)
    rr, yr, corr = np.zeros(q), np.zeros(q), np.zeros((m, q))
    for a, b in _slabs(X.shape[0], X.shape[1]):
        centred = np.asarray(X[a:b], dtype=np.float64) - x_mean
        yc = y[a:b] - y_mean
        r = yc[:, None] - centred[:, cols] @ raw
        sr = s[a:b, None] * r
        rr += np.einsum("iq,iq->q", sr, r)
        yr += yc @ sr
        corr += (centred if out is None else centred[:, out]).T @ sr
    scale = x_scale if out is None else x_scale[out]
    return ResidualSums(rr=rr, yr=yr, corr=corr / scale[:, None])
