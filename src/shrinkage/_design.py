"""The design matrix as the solvers see it: centred, weighted and scaled.

For the quadratic loss the intercept, the sample weights and
standardisation are all handled before a solver runs (as scikit-learn
does):

* weights ``s`` are normalised to sum to ``n`` and folded in as ``sqrt(s)``
  on every row of X and y, so the loss becomes ``||y - X w||^2 / (2 n)``;
* with an intercept, X and y are centred at their weighted means; the
  intercept is recovered afterwards as ``y_mean - x_mean' coef``;
* with ``standardize``, each column is divided by its weighted standard
  deviation, and coefficients (and bounds) are mapped back to the
  original scale.

Dense X is transformed into one new column-major array (the only copy of
X a fit makes). Sparse X stays sparse: rows and columns are rescaled in
the stored values, and centring is implicit (see ``_kernels/cd_sparse``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from ._kernels.cd_dense import cd_epochs_dense, correlations_dense, subtract_columns_dense
from ._kernels.cd_sparse import (
    cd_epochs_sparse,
    correlations_sparse,
    subtract_columns_sparse,
)
from .penalties import PenaltyArrays

FloatArray = NDArray[np.floating]
IndexArray = NDArray[np.int64]


class DenseDesign:
    """A dense design matrix, stored column-major for fast column access."""

    def __init__(self, X: FloatArray) -> None:
        self.X = np.asfortranarray(X)
        self.n_rows, self.n_features = self.X.shape
        self.norms2 = np.einsum("ij,ij->j", self.X, self.X, dtype=np.float64)

    def matvec(self, w: FloatArray) -> NDArray[np.float64]:
        return np.asarray(self.X @ w, dtype=np.float64)

    def rmatvec(self, v: FloatArray) -> NDArray[np.float64]:
        return np.asarray(self.X.T @ v, dtype=np.float64)

    def correlations(self, v: NDArray[np.float64], idx: IndexArray) -> NDArray[np.float64]:
        out = np.empty(idx.shape[0], dtype=np.float64)
        correlations_dense(self.X, v, idx, out)
        return out

    def columns(self, idx: IndexArray) -> NDArray[np.float64]:
        return np.asarray(self.X[:, idx], dtype=np.float64)

    def subtract_columns(
        self, idx: IndexArray, delta: NDArray[np.float64], r: NDArray[np.float64]
    ) -> None:
        """``r -= X[:, idx] @ delta`` in place."""
        subtract_columns_dense(self.X, idx, delta, r)

    def cd_epochs(
        self,
        w: NDArray[np.float64],
        r: NDArray[np.float64],
        pen: PenaltyArrays,
        n_samples: float,
        ws: IndexArray,
        n_epochs: int,
    ) -> float:
        return cd_epochs_dense(
            self.X, w, r, pen.l1, pen.l2, pen.lower, pen.upper, self.norms2,
            n_samples, ws, n_epochs,
        )


class SparseDesign:
    """A CSC design with implicitly centred columns ``a_j - means[j] * v``."""

    def __init__(
        self,
        A: sp.csc_matrix | sp.csc_array,
        means: NDArray[np.float64] | None = None,
        v: NDArray[np.float64] | None = None,
    ) -> None:
        A = sp.csc_matrix(A)
        A.sum_duplicates()  # also sorts indices; the kernels assume neither
        self.A = A
        self.n_rows, self.n_features = A.shape
        self.means = np.zeros(self.n_features) if means is None else means
        self.v = np.ones(self.n_rows) if v is None else v
        self.av = np.asarray(A.T @ self.v, dtype=np.float64).ravel()
        self.norms2 = self._centred_norms2()

    def _centred_norms2(self) -> NDArray[np.float64]:
        # ||a_j - m_j v||^2 summed over the stored entries and, for the rows
        # without one, m_j^2 v_i^2; no cancellation when the mean is large.
        A, m, v = self.A, self.means, self.v
        cols = np.repeat(np.arange(self.n_features), np.diff(A.indptr))
        dev = A.data - m[cols] * v[A.indices]
        stored = np.bincount(cols, weights=dev * dev, minlength=self.n_features)
        v2_stored = np.bincount(cols, weights=v[A.indices] ** 2, minlength=self.n_features)
        missing = np.maximum(np.dot(v, v) - v2_stored, 0.0)
        return stored + m * m * missing

    def matvec(self, w: FloatArray) -> NDArray[np.float64]:
        out = np.asarray(self.A @ w, dtype=np.float64).ravel()
        return out - float(np.dot(self.means, w)) * self.v

    def rmatvec(self, v: FloatArray) -> NDArray[np.float64]:
        out = np.asarray(self.A.T @ v, dtype=np.float64).ravel()
        return out - self.means * float(np.dot(self.v, v))

    def correlations(self, v: NDArray[np.float64], idx: IndexArray) -> NDArray[np.float64]:
        out = np.empty(idx.shape[0], dtype=np.float64)
        A = self.A
        correlations_sparse(A.data, A.indices, A.indptr, self.means, self.v, v, idx, out)
        return out

    def columns(self, idx: IndexArray) -> NDArray[np.float64]:
        dense = self.A[:, idx].toarray().astype(np.float64)
        return dense - np.outer(self.v, self.means[idx])

    def subtract_columns(
        self, idx: IndexArray, delta: NDArray[np.float64], r: NDArray[np.float64]
    ) -> None:
        """``r -= C[:, idx] @ delta`` in place (C the centred matrix)."""
        A = self.A
        subtract_columns_sparse(A.data, A.indices, A.indptr, self.means, self.v, idx, delta, r)

    def cd_epochs(
        self,
        w: NDArray[np.float64],
        r: NDArray[np.float64],
        pen: PenaltyArrays,
        n_samples: float,
        ws: IndexArray,
        n_epochs: int,
    ) -> float:
        A = self.A
        return cd_epochs_sparse(
            A.data, A.indices, A.indptr, self.means, self.v, self.av, w, r,
            pen.l1, pen.l2, pen.lower, pen.upper, self.norms2, n_samples, ws, n_epochs,
        )


Design = DenseDesign | SparseDesign


def as_design(X: object) -> Design:
    """Wrap an array or sparse matrix as-is (no centring, no weights)."""
    if isinstance(X, DenseDesign | SparseDesign):
        return X
    if sp.issparse(X):
        return SparseDesign(X)
    return DenseDesign(np.asarray(X))


@dataclass(frozen=True, eq=False)
class CenteredProblem:
    """A least-squares problem after centring, weighting and scaling.

    Attributes
    ----------
    design : DenseDesign or SparseDesign
        The transformed X.
    y : ndarray of shape (n_samples,) or (n_samples, n_targets)
        The transformed target (float64).
    n_samples : float
        The ``n`` of the loss ``||y - X w||^2 / (2 n)``.
    x_mean, x_scale, y_mean
        What was subtracted and divided, to map results back.
    """

    design: Design
    y: NDArray[np.float64]
    n_samples: float
    x_mean: NDArray[np.float64]
    x_scale: NDArray[np.float64]
    y_mean: NDArray[np.float64] | float
    weight_sum: float

    def to_original(
        self, w: NDArray[np.float64], target: int | None = None
    ) -> tuple[NDArray[np.float64], float]:
        """Coefficients on the original scale and the intercept."""
        coef = w / self.x_scale
        y_mean = self.y_mean if target is None else np.asarray(self.y_mean)[target]
        intercept = float(y_mean - np.dot(self.x_mean, coef))
        return coef, intercept

    def scale_bounds(self, pen: PenaltyArrays) -> PenaltyArrays:
        """Bounds on original-scale coefficients, expressed on the fitted scale."""
        if np.all(self.x_scale == 1.0):
            return pen
        return PenaltyArrays(
            l1=pen.l1, l2=pen.l2, lower=pen.lower * self.x_scale, upper=pen.upper * self.x_scale
        )


def center_problem(
    X: object,
    y: NDArray[np.floating],
    sample_weight: NDArray[np.floating] | None,
    *,
    fit_intercept: bool,
    standardize: bool,
) -> CenteredProblem:
    """Centre, weight and optionally standardise ``X`` and ``y`` (see module doc).

    ``X`` is a validated dense float array or a sparse matrix; it is never
    modified. ``sample_weight`` must be non-negative with a positive sum.
    """
    n_rows, n_features = X.shape  # type: ignore[attr-defined]
    y = np.asarray(y, dtype=np.float64)
    if sample_weight is None:
        sw = np.ones(n_rows)
        weighted = False
    else:
        sw = np.asarray(sample_weight, dtype=np.float64)
        weight_sum_raw = sw.sum()
        sw = sw * (n_rows / weight_sum_raw)
        weighted = True
    weight_sum = float(n_rows) if sample_weight is None else float(weight_sum_raw)
    sqrt_sw = np.sqrt(sw)
    total = float(sw.sum())

    if fit_intercept:
        x_mean = np.asarray(sw @ X, dtype=np.float64).ravel() / total
        y_mean = (sw @ y) / total
    else:
        x_mean = np.zeros(n_features)
        y_mean = np.zeros(y.shape[1:]) if y.ndim > 1 else 0.0

    if sp.issparse(X):
        x_scale = _sparse_scale(X, sw, x_mean, total) if standardize else np.ones(n_features)
        A = sp.csc_matrix(X, copy=True)
        if weighted:
            A = sp.csc_matrix(sp.diags(sqrt_sw) @ A)
        A = sp.csc_matrix(A @ sp.diags(1.0 / x_scale))
        A.data = A.data.astype(X.dtype, copy=False)  # type: ignore[attr-defined]
        design: Design = SparseDesign(A, means=x_mean / x_scale, v=sqrt_sw)
    else:
        Xd = np.asarray(X)
        Xc = Xd - x_mean.astype(Xd.dtype) if fit_intercept else Xd
        if standardize:
            x_scale = np.sqrt(np.asarray(sw @ (Xc.astype(np.float64) ** 2)) / total)
            x_scale[x_scale == 0] = 1.0
        else:
            x_scale = np.ones(n_features)
        factor = sqrt_sw[:, None] if weighted else 1.0
        if weighted or standardize:
            Xc = (Xc * factor) / x_scale
        design = DenseDesign(np.asfortranarray(Xc, dtype=Xd.dtype))

    yc = y - y_mean
    if weighted:
        yc = yc * (sqrt_sw[:, None] if y.ndim > 1 else sqrt_sw)
    return CenteredProblem(
        design=design,
        y=np.ascontiguousarray(yc),
        n_samples=float(n_rows),
        x_mean=x_mean,
        x_scale=x_scale,
        y_mean=y_mean,
        weight_sum=weight_sum,
    )


def _sparse_scale(X, sw, x_mean, total):
    """Weighted standard deviation of sparse columns without densifying."""
    sq = np.asarray(sp.csc_matrix(X).multiply(X).T @ sw).ravel() / total
    var = np.maximum(sq - x_mean**2, 0.0)
    scale = np.sqrt(var)
    scale[scale == 0] = 1.0
    return scale
