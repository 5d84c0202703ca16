"""The QR route for collinear or ill-conditioned columns: a tall-skinny QR in one pass.

When the merged Gram matrix is singular or too ill-conditioned for a
Cholesky factor (duplicated, collinear or nearly collinear columns: the
factor would lose about ``cond(X)^2 eps``), the in-memory tall path takes the
Householder QR of the centred rows instead (``_design._qr_factor``). The same
is done here without gathering the rows: each block gives the ``R`` of its
rows of ``[X, y]``, centred at the block's weighted mean and scaled by the
square roots of the weights (:func:`partition_qr`); two blocks merge by the
QR of ``[R_a; R_b; sqrt(w_a w_b / w) (m_b - m_a)']`` (:func:`merge_qr`: the
stacked rows have the union's centred scatter, Chan et al.'s correction being
the last row). ``R' R`` is the same scatter the Gram route merges, but no
product ``X'X`` is ever formed, so every digit the data allow is kept, and
the local problem is the triangular one the in-memory QR gives (up to the
signs of its rows, which no solver sees). Per-fold factors in the same pass
give cross-validation its training problems (the merge of the other folds).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

from .._design import CenteredProblem, is_constant, triangular_problem
from ._data import RowData
from ._passes import blockwise
from ._stats import BlockStats, check_finite_block, fold_ids

Vector = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class QRStats:
    """Weight, rows, weighted mean of ``[X, y]`` and ``R`` with ``R'R`` its centred scatter."""

    weight: float
    rows: int
    mean: Vector
    R: Vector


def _triangle(A: Vector, size: int) -> Vector:
    """The ``size x size`` upper-triangular R of ``A`` (zero rows when A is short)."""
    R = np.zeros((size, size))
    if A.shape[0]:
        (top,) = scipy.linalg.qr(A, mode="r", check_finite=False)
        R[: min(top.shape[0], size)] = top[:size]
    return R


def partition_qr(
    X: NDArray[np.floating], y: NDArray[np.floating], weights: NDArray[np.floating] | None = None,
    *, start: int = 0, n_folds: int = 1, seed: int = 0, centre: bool = True, partition: int = 0,
) -> list[QRStats]:
    """Per-fold QR statistics of one block (the folds of ``_stats.partition_stats``)."""
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    w = None if weights is None else np.asarray(weights, dtype=np.float64).reshape(-1)
    check_finite_block(np.asarray(X), y, w, partition, start)
    p = X.shape[1]
    if n_folds == 1:
        groups = [np.arange(y.shape[0])]
    else:
        fold = fold_ids(start, start + y.shape[0], n_folds, seed)
        groups = [np.flatnonzero(fold == k) for k in range(n_folds)]
    out = []
    for rows in groups:
        s = np.ones(rows.size) if w is None else w[rows]
        weight = float(s.sum())
        if not weight > 0:
            out.append(QRStats(0.0, int(rows.size), np.zeros(p + 1), np.zeros((p + 1, p + 1))))
            continue
        block = np.empty((rows.size, p + 1), order="F")
        block[:, :p] = np.asarray(X)[rows]
        block[:, p] = y[rows]
        mean = (s @ block) / weight if centre else np.zeros(p + 1)
        block -= mean
        block *= np.sqrt(s)[:, None]
        out.append(QRStats(weight, int(rows.size), mean, _triangle(block, p + 1)))
    return out


def merge_qr(a: QRStats, b: QRStats) -> QRStats:
    """QR statistics of the union of two disjoint blocks."""
    rows = a.rows + b.rows
    if a.weight == 0 or b.weight == 0:
        kept = b if a.weight == 0 else a
        return QRStats(kept.weight, rows, kept.mean, kept.R)
    weight = a.weight + b.weight
    delta = b.mean - a.mean
    stacked = np.vstack([a.R, b.R, np.sqrt(a.weight * b.weight / weight) * delta[None, :]])
    return QRStats(weight, rows, a.mean + delta * (b.weight / weight),
                   _triangle(stacked, a.R.shape[0]))


def merge_qr_lists(a: list[QRStats], b: list[QRStats]) -> list[QRStats]:
    return [merge_qr(x, z) for x, z in zip(a, b, strict=True)]


def merge_all_qr(parts: list[QRStats]) -> QRStats:
    total = parts[0]
    for part in parts[1:]:
        total = merge_qr(total, part)
    return total


def qr_pass(data: RowData, *, n_folds: int = 1, seed: int = 0, centre: bool = True) -> list[
    QRStats
]:
    """Per-fold QR statistics of ``[X, y]`` in one pass."""
    return blockwise(data, partition_qr, merge_qr_lists, n_folds=n_folds, seed=seed,
                     centre=centre)


def problem_from_qr(
    qr: QRStats, *, standardize: bool, fit_intercept: bool, weighted: bool, dtype: np.dtype,
    x_scale: Vector | None = None,
) -> CenteredProblem:
    """The reduced problem of ``qr``'s rows, as ``_fold_gram.problem_from_stats`` builds it.

    Weights normalised to sum to the row count, columns divided by their
    scale and constant columns (rounding noise after centring) set to zero,
    as ``_design.center_problem`` does before its QR.
    """
    p = qr.mean.size - 1
    n_rows = qr.rows
    R = qr.R * np.sqrt(n_rows / qr.weight) if weighted else qr.R.copy()
    variance = np.einsum("ij,ij->j", R, R)[:p] / n_rows
    x_mean = qr.mean[:p]
    constant = is_constant(variance, x_mean, n_rows, dtype) if fit_intercept else variance == 0
    if x_scale is None:
        x_scale = np.where(constant, 1.0, np.sqrt(variance)) if standardize else np.ones(p)
    R[:, :p] /= x_scale
    R[:, :p][:, constant] = 0.0
    return triangular_problem(
        R, n_samples=float(n_rows), x_mean=x_mean if fit_intercept else np.zeros(p),
        x_scale=x_scale, y_mean=float(qr.mean[p]) if fit_intercept else 0.0,
        weight_sum=qr.weight,
    )


class QRFallback:
    """The QR pass of a data set, run at most once and only if a Gram fails."""

    def __init__(self, data: RowData, *, n_folds: int = 1, seed: int = 0, centre: bool = True):
        self.data, self.n_folds, self.seed, self.centre = data, n_folds, seed, centre
        self._folds: list[QRStats] | None = None

    def stats(self, exclude: int | None = None) -> QRStats:
        """All the rows' factor, or that of every fold but ``exclude``."""
        if self._folds is None:
            self._folds = qr_pass(self.data, n_folds=self.n_folds, seed=self.seed,
                                  centre=self.centre)
        return merge_all_qr([s for k, s in enumerate(self._folds) if k != exclude])

    def problem(self, total: BlockStats, exclude: int | None = None, **options: object) -> (
        CenteredProblem
    ):
        """The problem of the rows ``total`` summarises, from their QR factor."""
        qr = self.stats(exclude)
        assert qr.rows == total.rows
        return problem_from_qr(qr, **options)  # type: ignore[arg-type]
