"""X, weights and working sets as the logistic solvers use them.

``StoredX`` holds X in the layout the compiled kernels read (Fortran-ordered
dense or canonical CSC) with its column norms, and for dense X with an
intercept a centred copy (:meth:`StoredX.centred`): the intercept is a
coordinate of the logistic solvers, and with uncentred columns (a mean of 5
for a standard deviation of 0.8, say) every coordinate step on a feature
undoes part of the intercept's, which makes coordinate descent crawl.
Centring changes the intercept only, ``b_centred = b + mean' w``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from .._kernels.cd_dense import correlations_dense, subtract_columns_dense
from .._kernels.cd_sparse import correlations_sparse, subtract_columns_sparse
from .._kernels.cd_weighted import (
    weighted_sq_norms_dense,
    weighted_sq_norms_sparse,
    wls_epochs_dense,
    wls_epochs_sparse,
)
from ..penalties import PenaltyArrays

Vector = NDArray[np.float64]

_MIN_WORKING_SET = 10


class StoredX:
    """X as the kernels read it: Fortran-ordered dense, or canonical CSC."""

    def __init__(self, X: Any) -> None:
        if sp.issparse(X):
            A = sp.csc_matrix(X)
            if not A.has_canonical_format:
                A = A.copy()
                A.sum_duplicates()
            self.X: Any = A
            self.sparse = True
            sq = np.asarray(A.multiply(A).sum(axis=0), dtype=np.float64).ravel()
        else:
            self.X = np.asfortranarray(X)
            self.sparse = False
            sq = np.einsum("ij,ij->j", self.X, self.X, dtype=np.float64)
        self.n_rows, self.n_features = self.X.shape
        self.col_norms = np.sqrt(sq)
        # The sparse kernels centre implicitly by column means; stored X has none.
        self._no_means = np.zeros(self.n_features)
        self._last_rmatvec: tuple[Vector, Vector] | None = None
        self._centred: tuple[Vector, StoredX, Vector] | None = None
        self.max_norm = float(np.sqrt(sq.max(initial=0.0)))

    def centred(self, omega: Vector) -> tuple[StoredX, Vector]:
        """``(X - 1 mean', mean)`` with ``mean = omega' X``, for dense X (cached).

        Sparse X is returned as it is (centring would make it dense), with
        a zero mean. The copy is made once per set of weights, so a path
        or a sequence of fits on the same data pays it once.
        """
        if self.sparse:
            return self, np.zeros(self.n_features)
        cached = self._centred
        if cached is not None and np.array_equal(cached[0], omega):
            return cached[1], cached[2]
        mean = np.asarray(omega @ self.X, dtype=np.float64)
        centred = StoredX(self.X - mean.astype(self.X.dtype))
        self._centred = (np.array(omega, dtype=np.float64), centred, mean)
        return centred, mean

    def matvec(self, w: Vector) -> Vector:
        """``X w``, summing the columns of the nonzero ``w_j`` only when ``w`` is sparse."""
        w = np.asarray(w, dtype=np.float64)
        nz = np.flatnonzero(w)
        if 4 * nz.size > self.n_features:
            return np.asarray(self.X @ w, dtype=np.float64)
        out = np.zeros(self.n_rows)
        if nz.size:
            minus = -w[nz]
            if self.sparse:
                A = self.X
                subtract_columns_sparse(A.data, A.indices, A.indptr, self._no_means, out,
                                        nz, minus, out)
            else:
                subtract_columns_dense(self.X, nz, minus, out)
        return out

    def subtract(self, idx: NDArray[np.int64], delta: Vector, r: Vector) -> None:
        """``r -= X[:, idx] @ delta`` in place."""
        if self.sparse:
            A = self.X
            subtract_columns_sparse(A.data, A.indices, A.indptr, self._no_means, r, idx,
                                    delta, r)
        else:
            subtract_columns_dense(self.X, idx, delta, r)

    def rmatvec(self, v: Vector) -> Vector:
        """``X' v`` (``(n,)`` or ``(n, K)``), reusing the last product for the same ``v``.

        A warm-started solve begins at the point where the previous one
        (the previous alpha of a path) ended, whose gap needed the same
        ``X' theta``: this product over every feature is the largest cost
        of an outer iteration when ``p >> n``. The copy (not a view) is
        compared bit for bit, so a hit returns exactly what recomputing would.
        """
        last = self._last_rmatvec
        if last is not None and last[0].shape == v.shape and np.array_equal(last[0], v):
            return last[1].copy()
        out = np.asarray(self.X.T @ v, dtype=np.float64)
        self._last_rmatvec = (np.array(v, dtype=np.float64), out.copy())
        return out

    def correlations(self, v: Vector, idx: NDArray[np.int64]) -> Vector:
        """``X[:, idx]' v``."""
        out = np.empty(idx.shape[0])
        if self.sparse:
            A = self.X
            correlations_sparse(A.data, A.indices, A.indptr, self._no_means, v, v, idx, out)
        else:
            correlations_dense(self.X, v, idx, out)
        return out

    def sq_norms(self, h: Vector, idx: NDArray[np.int64]) -> Vector:
        out = np.empty(idx.shape[0])
        if self.sparse:
            A = self.X
            weighted_sq_norms_sparse(A.data, A.indices, A.indptr, h, idx, out)
        else:
            weighted_sq_norms_dense(self.X, h, idx, out)
        return out

    def epochs(
        self, w: Vector, r: Vector, h: Vector, hdiag: Vector, pen: PenaltyArrays,
        ws: NDArray[np.int64], n_epochs: int, fit_intercept: bool, h_sum: float,
    ) -> tuple[float, float]:
        if self.sparse:
            A = self.X
            return wls_epochs_sparse(  # type: ignore[no-any-return, unused-ignore]
                A.data, A.indices, A.indptr, w, r, h, hdiag, pen.l1, pen.l2, pen.lower,
                pen.upper, ws, n_epochs, fit_intercept, h_sum,
            )
        return wls_epochs_dense(  # type: ignore[no-any-return, unused-ignore]
            self.X, w, r, h, hdiag, pen.l1, pen.l2, pen.lower, pen.upper, ws, n_epochs,
            fit_intercept, h_sum,
        )


def normalised_weights(sample_weight: Any, n: int) -> Vector:
    if sample_weight is None:
        return np.full(n, 1.0 / n)
    s = np.asarray(sample_weight, dtype=np.float64)
    return s / s.sum()


def working_set(
    w: Vector, corr: Vector, pen: PenaltyArrays, col_norms: Vector, use: bool
) -> NDArray[np.int64]:
    """The support, the unpenalised features and those nearest their constraint.

    ``corr = X' theta`` is minus the gradient; a zero feature can enter when
    ``|corr_j|`` reaches ``l1_j`` (celer's priority, in units of the column
    norm). At least twice the support, at least ``_MIN_WORKING_SET``.
    """
    p = w.shape[0]
    support = (w != 0) | (pen.l1 == 0)
    size = max(_MIN_WORKING_SET, 2 * int(np.count_nonzero(support)))
    if not use or p <= size:
        return np.arange(p, dtype=np.int64)
    pull = np.maximum(np.where(pen.upper > 0, corr, 0.0), np.where(pen.lower < 0, -corr, 0.0))
    score = (pen.l1 - pull) / np.maximum(col_norms, 1e-300)
    score = np.where(support, -np.inf, score)
    return np.sort(np.argpartition(score, size - 1)[:size]).astype(np.int64)
