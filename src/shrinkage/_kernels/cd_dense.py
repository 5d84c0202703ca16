"""Coordinate descent on a dense, column-major X (already centred/weighted)."""

import numpy as np
from numba import njit

from .prox import coordinate_update

# Only reassociation (and fused multiply-add): lets LLVM vectorise the dot
# products' reductions, about 3x faster, without fast-math's assumptions of
# no inf/NaN, which the infinite bounds rely on.
_REASSOC = {"reassoc", "contract"}


@njit(cache=True, nogil=True, fastmath=_REASSOC)
def cd_epochs_dense(X, w, r, l1, l2, lower, upper, norms2, n_samples, ws, n_epochs, col_end):
    """Run ``n_epochs`` cyclic passes over the features in ``ws``.

    Minimises ``||r||^2/(2 n) + pen(w)`` one coordinate at a time, keeping
    the residual ``r = y - X w`` up to date in place. Column ``j`` is read
    in rows ``0 .. col_end[j] - 1`` only: all rows for a plain X, ``j + 1``
    for the upper-triangular reduction of a tall problem, whose epochs
    then cost ``p^2`` instead of ``2 n p``. Returns the largest absolute
    coefficient change of the last epoch.
    """
    max_change = 0.0
    for _ in range(n_epochs):
        max_change = 0.0
        for k in range(ws.shape[0]):
            j = ws[k]
            nrm = norms2[j]
            if nrm == 0.0:
                continue
            end = col_end[j]
            xr = 0.0
            for i in range(end):
                xr += X[i, j] * r[i]
            old = w[j]
            new = coordinate_update(
                old + xr / nrm, n_samples / nrm, l1[j], l2[j], lower[j], upper[j]
            )
            if new != old:
                delta = new - old
                for i in range(end):
                    r[i] -= delta * X[i, j]
                w[j] = new
                max_change = max(max_change, abs(delta))
    return max_change


@njit(cache=True, nogil=True, fastmath=_REASSOC)
def correlations_dense(X, v, idx, out):
    """``out[k] = X[:, idx[k]]' v``."""
    correlations_rows(X, v, idx, out, np.empty(0, dtype=np.int64))


@njit(cache=True, nogil=True, fastmath=_REASSOC)
def correlations_rows(X, v, idx, out, col_end):
    """``correlations_dense`` reading column ``j`` in rows ``< col_end[j]`` only.

    An empty ``col_end`` means every row. On the triangle of a reduced tall
    problem this halves the product a duality gap needs.
    """
    n = X.shape[0]
    bounded = col_end.shape[0] > 0
    for k in range(idx.shape[0]):
        j = idx[k]
        end = col_end[j] if bounded else n
        acc = 0.0
        for i in range(end):
            acc += X[i, j] * v[i]
        out[k] = acc


@njit(cache=True, nogil=True, fastmath=_REASSOC)
def subtract_columns_dense(X, idx, delta, r):
    """``r -= X[:, idx] @ delta`` without copying the columns."""
    subtract_columns_rows(X, idx, delta, r, np.empty(0, dtype=np.int64))


@njit(cache=True, nogil=True, fastmath=_REASSOC)
def subtract_columns_rows(X, idx, delta, r, col_end):
    """``subtract_columns_dense`` over rows ``< col_end[j]`` (empty: all rows)."""
    n = X.shape[0]
    bounded = col_end.shape[0] > 0
    for k in range(idx.shape[0]):
        d = delta[k]
        if d != 0.0:
            j = idx[k]
            end = col_end[j] if bounded else n
            for i in range(end):
                r[i] -= d * X[i, j]


@njit(cache=True, nogil=True, fastmath=_REASSOC)
def column_gram_rows(X, idx, out, col_end):
    """``out[a, b] = x_{idx[a]}' x_{idx[b]}`` (rows ``< col_end[j]``; empty: all)."""
    n = X.shape[0]
    bounded = col_end.shape[0] > 0
    m = idx.shape[0]
    for a in range(m):
        ja = idx[a]
        end_a = col_end[ja] if bounded else n
        for b in range(a, m):
            jb = idx[b]
            end = min(end_a, col_end[jb]) if bounded else n
            acc = 0.0
            for i in range(end):
                acc += X[i, ja] * X[i, jb]
            out[a, b] = acc
            out[b, a] = acc
