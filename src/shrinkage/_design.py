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
from typing import Any

import numpy as np
import scipy.linalg
import scipy.sparse as sp
from numpy.typing import NDArray

from ._kernels.cd_dense import cd_epochs_dense, correlations_dense, subtract_columns_dense
from ._kernels.cd_sparse import (
    cd_epochs_sparse,
    centred_sq_sums_sparse,
    correlations_sparse,
    subtract_columns_sparse,
)
from .penalties import PenaltyArrays

FloatArray = NDArray[np.floating]
IndexArray = NDArray[np.int64]


class DenseDesign:
    """A dense design matrix, stored column-major for fast column access."""

    def __init__(self, X: FloatArray, norms2: NDArray[np.float64] | None = None) -> None:
        self.X = np.asfortranarray(X)
        self.n_rows, self.n_features = self.X.shape
        # Squared column norms; a caller that has them passes them (on tall
        # data another pass over X costs a tenth of a whole path).
        self._norms2 = norms2
        # Rows an epoch reads in each column (all of them; see TriangularDesign).
        self.col_end = np.full(self.n_features, self.n_rows, dtype=np.int64)

    @property
    def norms2(self) -> NDArray[np.float64]:
        """Squared column norms, computed on first use.

        A tall path never asks for the n-row design's: it is reduced to a
        triangle first, whose Gram matrix holds them, and the pass over X
        they cost was a tenth of the whole path.
        """
        if self._norms2 is None:
            self._norms2 = np.einsum("ij,ij->j", self.X, self.X, dtype=np.float64)
        return self._norms2

    def matvec(self, w: FloatArray) -> NDArray[np.float64]:
        if self.X.dtype != np.float64 and np.ndim(w) == 1:
            # numpy would first convert all of a float32 X to float64 (twice
            # its size) to multiply it by a float64 vector; the compiled
            # column loop reads it as it is and sums in float64.
            out = np.zeros(self.n_rows)
            idx = np.arange(self.n_features, dtype=np.int64)
            subtract_columns_dense(self.X, idx, -np.asarray(w, dtype=np.float64), out)
            return out
        return np.asarray(self.X @ w, dtype=np.float64)

    def rmatvec(self, v: FloatArray) -> NDArray[np.float64]:
        if self.X.dtype != np.float64 and np.ndim(v) == 1:
            return self.correlations(np.asarray(v, dtype=np.float64),
                                     np.arange(self.n_features, dtype=np.int64))
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
            n_samples, ws, n_epochs, self.col_end,
        )


class TriangularDesign(DenseDesign):
    """The ``(p + 1) x p`` reduced design of a tall problem (see :func:`reduce_tall`).

    Rows ``0..p-1`` hold the upper-triangular ``R`` of ``X = Q R``; the last
    row is zero. Epochs read only the triangle: column ``j`` down to row ``j``.
    """

    def __init__(self, X: FloatArray) -> None:
        super().__init__(X)
        ends = np.arange(1, self.n_features + 1, dtype=np.int64)
        self.col_end = np.minimum(ends, self.n_rows)


class SparseDesign:
    """A CSC design with implicitly centred columns ``a_j - means[j] * v``."""

    def __init__(
        self,
        A: sp.csc_matrix | sp.csc_array,
        means: NDArray[np.float64] | None = None,
        v: NDArray[np.float64] | None = None,
    ) -> None:
        A = sp.csc_matrix(A)
        if not A.has_canonical_format:
            # The kernels need sorted, summed indices; never fix them in the
            # caller's matrix.
            A = A.copy()
            A.sum_duplicates()
        self.A = A
        self.n_rows, self.n_features = A.shape
        self.means = np.zeros(self.n_features) if means is None else means
        self.v = np.ones(self.n_rows) if v is None else v
        self.av = np.asarray(A.T @ self.v, dtype=np.float64).ravel()
        self.norms2 = centred_sq_sums(A, self.means, self.v)

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


def storage_of(design: Design) -> tuple[Any, ...]:
    """The tuple that tells compiled code how X is stored (``_kernels/storage.py``)."""
    if isinstance(design, SparseDesign):
        A = design.A
        return (A.data, A.indices, A.indptr, design.means, design.v, design.av)
    return (design.X, design.col_end)


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
        if pen.unbounded or (self.x_scale == 1.0).all():
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
    Columns that are constant up to rounding (with an intercept) become
    exactly zero columns with scale 1, as scikit-learn treats them.
    """
    n_rows, n_features = X.shape  # type: ignore[attr-defined]
    dtype = X.dtype  # type: ignore[attr-defined]
    y = np.asarray(y, dtype=np.float64)
    weighted = sample_weight is not None
    if sample_weight is None:
        sw = np.ones(n_rows)
        weight_sum = float(n_rows)
    else:
        weight_sum = float(np.sum(sample_weight))
        sw = np.asarray(sample_weight, dtype=np.float64) * (n_rows / weight_sum)
    sqrt_sw = np.sqrt(sw)
    total = float(sw.sum())

    if fit_intercept:
        if sp.issparse(X) or dtype == np.float64:
            x_mean = np.asarray(sw @ X, dtype=np.float64).ravel() / total
        else:
            # einsum casts float32 in buffered chunks; sw @ X would first make
            # a float64 copy of all of X.
            x_mean = np.einsum("i,ij->j", sw, np.asarray(X), dtype=np.float64) / total
        y_mean = (sw @ y) / total
    else:
        x_mean = np.zeros(n_features)
        y_mean = np.zeros(y.shape[1:]) if y.ndim > 1 else 0.0

    if sp.issparse(X):
        A = sp.csc_matrix(X, copy=True)
        A.sum_duplicates()
        if weighted:
            A = sp.csc_matrix(sp.diags(sqrt_sw) @ A)
        variance = centred_sq_sums(A, x_mean, sqrt_sw) / total
    else:
        Xd = np.asarray(X)
        transform = fit_intercept or weighted or standardize
        # The one copy of X a fit makes (none when nothing is transformed).
        A = np.array(Xd, order="F", copy=True) if transform else np.asfortranarray(Xd)
        if fit_intercept:
            A -= x_mean.astype(dtype)
        if weighted:
            A *= sqrt_sw.astype(dtype)[:, None]
        # Without a transform nothing here needs the column norms: the design
        # computes them if a solver asks (a tall path reduces X first).
        sq_norms: NDArray[np.float64] | None = None
        variance = None
        if transform:
            sq_norms = np.einsum("ij,ij->j", A, A, dtype=np.float64)
            variance = sq_norms / total
    if variance is None:
        constant = np.zeros(n_features, dtype=bool)
    elif fit_intercept:
        constant = is_constant(variance, x_mean, n_rows, dtype)
    else:
        constant = variance == 0
    x_scale = np.ones(n_features)
    if standardize and variance is not None:  # standardising is a transform: always known
        x_scale = np.where(constant, 1.0, np.sqrt(variance))

    design: Design
    if sp.issparse(A):
        if standardize:
            A = sp.csc_matrix(A @ sp.diags(1.0 / x_scale))
        A.data = A.data.astype(dtype, copy=False)
        means = x_mean / x_scale
        if fit_intercept and constant.any():
            # Exactly zero columns: their centred values are rounding noise,
            # which would otherwise leak into the dual (X' theta != 0).
            keep = np.repeat(~constant, np.diff(A.indptr))
            A.data[~keep] = 0.0
            A.eliminate_zeros()
            means = np.where(constant, 0.0, means)
        design = SparseDesign(A, means=means, v=sqrt_sw)
    else:
        if standardize:
            A /= x_scale.astype(dtype)
        if fit_intercept and constant.any():
            A[:, constant] = 0.0
        # The column norms just computed, unless the columns were rescaled.
        known = None if standardize or sq_norms is None else np.where(constant, 0.0, sq_norms)
        design = DenseDesign(A, known)

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


def is_constant(
    variance: NDArray[np.float64], mean: NDArray[np.float64], n_rows: int, dtype: np.dtype
) -> NDArray[np.bool_]:
    """Columns whose variance is within centring's rounding of zero.

    Subtracting a mean computed in floating point leaves noise of about
    ``n eps |mean|``; scikit-learn's ``_is_constant_feature`` uses the same bound.
    """
    eps = float(np.finfo(dtype).eps)
    bound = n_rows * eps * variance + (n_rows * eps * mean) ** 2
    return np.asarray(variance <= bound)


def centred_sq_sums(
    A: sp.csc_matrix, means: NDArray[np.float64], v: NDArray[np.float64]
) -> NDArray[np.float64]:
    """``||a_j - means[j] v||^2`` for every column of a canonical CSC ``A``.

    Computed entry by entry (``_kernels.cd_sparse.centred_sq_sums_sparse``),
    never as ``E[x^2] - mean^2``, so a column offset of 1e7 keeps its digits.
    """
    out = np.empty(A.shape[1])
    centred_sq_sums_sparse(A.data, A.indices, A.indptr, means, v, out)
    return out


def reduce_tall(problem: CenteredProblem) -> CenteredProblem:
    """An equivalent problem with ``p + 1`` rows instead of ``n`` (dense, n > p).

    With ``X = Q R`` (thin QR) and ``y_perp = y - Q Q'y``, for every ``w``
    ``||y - X w||^2 = ||Q'y - R w||^2 + ||y_perp||^2``, so the design
    ``[R; 0]`` with target ``[Q'y; ||y_perp||]`` (both read off the QR of
    ``[X, y]``) has the same objective,
    the same ``X' r``, the same ``||y||^2`` (hence tolerance) and the same
    duality gap at every ``w``, while an epoch of coordinate descent costs
    ``p^2`` instead of ``2 n p``. ``n_samples`` (the loss's ``n``) is unchanged.
    """
    design = problem.design
    if not isinstance(design, DenseDesign) or isinstance(design, TriangularDesign):
        return problem
    R = _triangular_factor(design.X, problem.y)
    return triangular_problem(
        R, n_samples=problem.n_samples, x_mean=problem.x_mean, x_scale=problem.x_scale,
        y_mean=problem.y_mean, weight_sum=problem.weight_sum,
    )


def triangular_problem(
    R: NDArray[np.float64],
    *,
    n_samples: float,
    x_mean: NDArray[np.float64],
    x_scale: NDArray[np.float64],
    y_mean: NDArray[np.float64] | float,
    weight_sum: float,
) -> CenteredProblem:
    """The reduced problem read off ``R``, the upper factor of ``[X, y]``'s Gram.

    The design is ``R[:p + 1, :p]`` and the target ``R[:p + 1, p]`` (see
    :func:`reduce_tall`); the rest maps results back to the original scale.
    """
    p = R.shape[1] - 1
    return CenteredProblem(
        design=TriangularDesign(np.asfortranarray(R[: p + 1, :p])),
        y=np.ascontiguousarray(R[: p + 1, p]),
        n_samples=n_samples,
        x_mean=x_mean,
        x_scale=x_scale,
        y_mean=y_mean,
        weight_sum=weight_sum,
    )


# Cholesky of the Gram matrix loses about cond(X)^2 * eps; below this ratio
# of a column's new direction to its norm, Householder QR is used instead.
_CHOLESKY_MIN_PIVOT = 1e-4


def gram_factor(gram: NDArray[np.float64]) -> NDArray[np.float64] | None:
    """Upper Cholesky factor of a Gram matrix (its upper triangle is read).

    None when the matrix is singular or a pivot is below
    ``_CHOLESKY_MIN_PIVOT`` of its column's norm: Cholesky would lose about
    ``cond^2 eps`` there, and the caller should factor the data by QR.
    """
    scale = np.sqrt(gram.diagonal())
    # LAPACK directly: scipy.linalg.cholesky's checks and copies cost 18 us
    # around a 1 us factorisation of a small path's 11 x 11 matrix.
    R, info = scipy.linalg.lapack.dpotrf(gram, lower=0, clean=1, overwrite_a=0)
    if info != 0:
        return None
    if (np.abs(R.diagonal()) > _CHOLESKY_MIN_PIVOT * scale).all():
        return np.asarray(R)
    return None


def _triangular_factor(X: NDArray[np.floating], y: NDArray[np.float64]) -> NDArray[np.float64]:
    """Upper-triangular ``R`` with ``R'R = A'A`` for ``A = [X, y]``.

    The Gram matrix of A by BLAS-3 products on X (no copy of X: the bordered
    matrix is assembled from ``X'X``, ``X'y`` and ``y'y``) and its Cholesky
    factor is several times faster than QR on tall data, and equals QR's
    ``R`` up to signs. When a column is nearly in the span of the previous
    ones (a small pivot: Cholesky loses about ``cond^2 eps``) or the Gram
    matrix is singular (zero or duplicated columns, y fitted exactly),
    Householder QR of a copy of A is used, which keeps every digit the
    data allow.
    """
    p = X.shape[1]
    if X.dtype != np.float64:
        return _triangular_factor_blocks(X, y)
    X64 = X
    # Fortran order: scipy's upper Cholesky is ~30x slower on a C-ordered array.
    gram = np.empty((p + 1, p + 1), order="F")
    if X64.flags.f_contiguous:
        # Only the upper triangle: the Cholesky below reads no other, and
        # syrk does half the flops of the full product (the whole cost of a
        # tall path).
        gram[:p, :p] = scipy.linalg.blas.dsyrk(1.0, X64, trans=1, lower=0)
    else:
        gram[:p, :p] = X64.T @ X64
    gram[:p, p] = gram[p, :p] = X64.T @ y
    gram[p, p] = y @ y
    return _factor_or_qr(gram, X64, y)


def _factor_or_qr(
    gram: NDArray[np.float64], X: NDArray[np.floating], y: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Cholesky of the bordered Gram, else QR of ``[X, y]``.

    A Gram with a non-finite diagonal and an X with a NaN or inf is returned
    as it is, not factored by QR (a copy of all of X to factor NaN): the
    caller that skipped the finiteness check of X
    (``_path_input.check_finite_after_reduction``) sees the non-finite
    result and names the culprit. A finite X whose squares overflowed still
    takes QR.
    """
    R = gram_factor(gram)
    if R is not None:
        return R
    if not np.isfinite(gram.diagonal()).all() and not _all_finite(X):
        return gram
    return _qr_factor(X, y)


def _all_finite(X: NDArray[np.floating]) -> bool:
    # A finite sum proves every entry finite; an overflowed one proves nothing.
    return bool(np.isfinite(X.sum())) or bool(np.isfinite(X).all())


def _qr_factor(X: NDArray[np.floating], y: NDArray[np.float64]) -> NDArray[np.float64]:
    """``R`` of the Householder QR of ``[X, y]`` in float64 (a copy of X)."""
    stacked = np.empty((X.shape[0], X.shape[1] + 1), order="F")
    stacked[:, :-1] = X
    stacked[:, -1] = y
    (R,) = scipy.linalg.qr(stacked, mode="r", overwrite_a=True, check_finite=False)
    return np.asarray(R)


_BLOCK_BYTES = 8 << 20  # a float64 block of rows of [X, y] at most this large


def _triangular_factor_blocks(
    X: NDArray[np.floating], y: NDArray[np.float64]
) -> NDArray[np.float64]:
    """:func:`_triangular_factor` of a float32 X without a float64 copy of it.

    The Gram of ``[X, y]`` is accumulated in float64 over blocks of rows
    converted one at a time (a float64 copy of X would be twice its size);
    when its Cholesky factor loses too many digits, the QR of ``[X, y]``
    is taken in float64 as the float64 route does.
    """
    n, p = X.shape
    # At most a quarter of X's own size, so a small X is not outgrown either.
    rows = max(256, min(_BLOCK_BYTES, X.nbytes // 4) // (8 * (p + 1)))
    gram = np.zeros((p + 1, p + 1), order="F")
    block = np.empty((min(rows, n), p + 1), order="F")
    for start in range(0, n, rows):
        stop = min(n, start + rows)
        part = block[: stop - start]
        part[:, :p] = X[start:stop]
        part[:, p] = y[start:stop]
        gram = scipy.linalg.blas.dsyrk(1.0, part, trans=1, lower=0, beta=1.0, c=gram,
                                       overwrite_c=True)
    return _factor_or_qr(gram, X, y)
