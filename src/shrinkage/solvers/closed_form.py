"""Ridge without coordinate descent: Cholesky, SVD or conjugate gradients.

Solves ``min_w ||y - X w||^2 / (2 n) + sum_j l2[j] / 2 * w_j^2`` (no L1, no
bounds), whose minimisers solve ``(X'X + n D) w = X'y`` with ``D = diag(l2)``.

The certificate is the duality gap of ``_kernels/gap.py``, as for coordinate
descent, so every quadratic solver is judged by one number on one scale
(``gap <= tol * ||y||^2 / n``, scikit-learn's). With every ``l2 > 0`` the gap
equals ``sum_j g_j^2 / (2 l2_j)`` for the gradient ``g``, so a direct solve
certifies down to rounding. An unpenalised feature (``l2 == 0``) needs
``x_j' theta = 0`` in the dual, which a direct solve meets only to rounding;
as in coordinate descent, the dual residual is projected away from the
unpenalised columns, which keeps the gap finite and meaningful. That
projection densifies the unpenalised columns, and only those.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from scipy.sparse.linalg import LinearOperator, cg

from .._design import DenseDesign, Design, as_design
from .._kernels.gap import duality_gap
from ..penalties import PenaltyArrays
from .base import Solution, prepare_least_squares, warn_not_converged

Vector = NDArray[np.float64]
_METHODS = ("auto", "cholesky", "svd", "cg")
_CG_TIGHTEN = 1e-2  # each CG restart asks for a 100x smaller residual
_CG_ROUNDS = 8


@dataclass(frozen=True)
class ClosedFormRidge:
    """Direct (or Krylov) solver for ridge with per-feature L2 weights.

    Parameters
    ----------
    method : {"auto", "cholesky", "svd", "cg"}, default="auto"
        ``"cholesky"``: the normal equations, or their ``n x n`` dual form
        ``w = D^-1 X' (X D^-1 X' + n I)^-1 y`` when ``p > n`` and every
        ``l2 > 0``; a minimum-norm least-squares solve when the system is
        singular. ``"svd"``: one SVD of dense X when ``l2`` is uniform, else
        Cholesky. ``"cg"``: conjugate gradients on ``X'X + n D`` applied
        through products with X, never formed. ``"auto"``: CG for sparse X,
        Cholesky for dense X. Dense work is float64 whatever X's dtype.
    tol : float, default=1e-10
        Certified when the duality gap is at most ``tol * ||y||^2 / n``.
    max_iter : int or None, default=None
        CG iterations in total (``None``: ``10 * n_features``).

    Notes
    -----
    Where unpenalised columns are linearly dependent the minimiser is not
    unique; every method returns the minimum-norm one. A direct solve
    reports ``n_iter=1`` (scikit-learn's checks want ``n_iter_ >= 1``).
    """

    method: str = "auto"
    tol: float = 1e-10
    max_iter: int | None = None

    def __post_init__(self) -> None:
        if self.method not in _METHODS:
            raise ValueError(f"method must be one of {_METHODS}, got {self.method!r}.")
        if not self.tol >= 0:
            raise ValueError(f"tol must be >= 0, got {self.tol!r}.")
        if self.max_iter is not None and self.max_iter < 1:
            raise ValueError(f"max_iter must be >= 1 or None, got {self.max_iter!r}.")

    def solve(
        self,
        X: object,
        y: NDArray[np.floating],
        penalty: object,
        *,
        coef_init: NDArray[np.floating] | None = None,
        n_samples: float | None = None,
        warn: bool = True,
    ) -> Solution:
        """Minimise ``||y - X w||^2 / (2 n) + sum_j l2_j / 2 w_j^2``.

        Parameters
        ----------
        X : ndarray, sparse matrix or a design from preprocessing
            No intercept column: centre beforehand (estimators do).
        y : ndarray of shape (n_rows,)
        penalty : L2, ElasticNet(l1_ratio=0) or PenaltyArrays
            Must lower to ``l1 == 0`` and infinite bounds.
        coef_init : ndarray of shape (n_features,), optional
            Warm start for CG; the direct methods ignore it.
        n_samples : float, optional
            The ``n`` of the loss; defaults to the number of rows.
        warn : bool, default=True
            Emit a ``ConvergenceWarning`` when CG stops uncertified.
        """
        design, arrays, yv, n = prepare_least_squares(X, y, penalty, n_samples)
        pen = _ridge_arrays(arrays)
        tol_abs = self.tol * float(np.dot(yv, yv)) / n
        free = pen.l2 == 0
        basis, rows = _unpenalised_span(design, free)
        full_rank = rows.shape[0] == np.count_nonzero(free)

        def certify(w: Vector) -> tuple[float, float]:
            return _gap(design, yv, w, pen, n, basis)

        dense = isinstance(design, DenseDesign)
        method = self.method
        if method == "auto":
            method = "cholesky" if dense else "cg"
        if method == "svd" and not (dense and np.all(pen.l2 == pen.l2[:1])):
            method = "cholesky"
        max_iter = 10 * design.n_features if self.max_iter is None else self.max_iter
        if method == "cg":
            cg_args = (design, yv, pen.l2, n, coef_init, max_iter, tol_abs, certify)
            w, n_iter, (gap, primal) = self._cg(*cg_args)
        else:
            if method == "svd":
                w = ridge_svd_path(design, yv, pen.l2[:1], n)[:, 0]
            else:
                w = _cholesky(design, yv, pen.l2, n, full_rank)
            n_iter, (gap, primal) = 1, certify(w)
        if not full_rank:  # drop the null-space part: the minimum-norm minimiser
            w[free] = rows.T @ (rows @ w[free])
        solution = Solution(
            coef=w, certificate=gap, certificate_kind="duality_gap", tol=tol_abs,
            primal=primal, n_iter=n_iter, converged=bool(gap <= tol_abs),
        )
        if warn and method == "cg" and not solution.converged:
            warn_not_converged("Conjugate gradients", solution, max_iter)
        return solution

    def _cg(
        self, design: Design, y: Vector, l2: Vector, n: float,
        coef_init: NDArray[np.floating] | None, max_iter: int, tol_abs: float,
        certify: Callable[[Vector], tuple[float, float]],
    ) -> tuple[Vector, int, tuple[float, float]]:
        """Jacobi-preconditioned CG on ``(X'X + n D) w = X'y``.

        The residual target is ``tol ||X'y||`` (as accurate as a direct
        solve), or less: with every ``l2 > 0`` the residual is ``n g`` and
        ``n sqrt(2 min(l2) tol_abs)`` certifies the gap. CG restarts from its
        iterate with a 100x smaller target while the gap is too large.
        """
        p = design.n_features

        def gram_matvec(w: Vector) -> Vector:
            return design.rmatvec(design.matvec(w)) + n * l2 * w

        diag = design.norms2 + n * l2
        inv_diag = 1.0 / np.where(diag > 0, diag, 1.0)
        op = LinearOperator((p, p), matvec=gram_matvec, dtype=float)
        precond = LinearOperator((p, p), matvec=lambda z: inv_diag * z, dtype=float)
        b = design.rmatvec(y)
        w = np.zeros(p) if coef_init is None else np.array(coef_init, dtype=np.float64)
        if w.shape != (p,):
            raise ValueError(f"coef_init has shape {w.shape}; X has {p} features.")
        target = self.tol * float(np.linalg.norm(b))
        if np.all(l2 > 0):  # then the gap is sum_j g_j^2 / (2 l2_j), g = residual / n
            target = min(target, n * np.sqrt(2.0 * l2.min(initial=np.inf) * tol_abs))
        count = [0]

        def tick(_: object) -> None:
            count[0] += 1

        for _ in range(_CG_ROUNDS):
            cert = certify(w)
            if cert[0] <= tol_abs or count[0] >= max_iter:
                return w, count[0], cert
            w, _ = cg(op, b, x0=w, rtol=0.0, atol=target, maxiter=max_iter - count[0],
                      M=precond, callback=tick)
            target *= _CG_TIGHTEN
        return w, count[0], certify(w)


def ridge_svd_path(
    X: object, y: ArrayLike, l2_values: ArrayLike, n_samples: float
) -> NDArray[np.float64]:
    """Ridge solutions for many uniform ``l2`` from one SVD of dense X.

    With ``X = U diag(s) V'``, ``w(l2) = V diag(s / (s^2 + n l2)) U'y``.
    For ``l2 == 0``, singular values below ``max(s) * max(n, p) * eps`` count
    as zero, which gives the minimum-norm least-squares solution (``pinv``).

    Parameters
    ----------
    X : ndarray of shape (n_rows, n_features) or DenseDesign
    y : ndarray of shape (n_rows,)
    l2_values : array-like of shape (n_alphas,)
        Non-negative L2 weights, each applied to every feature.
    n_samples : float
        The ``n`` of the loss ``||y - X w||^2 / (2 n)``.

    Returns
    -------
    coefs : ndarray of shape (n_features, n_alphas)
    """
    design = as_design(X)
    if not isinstance(design, DenseDesign):
        raise ValueError(
            "ridge_svd_path needs a dense X; for sparse X solve each l2 with "
            "ClosedFormRidge(method='cg')."
        )
    l2 = np.atleast_1d(np.asarray(l2_values, dtype=np.float64))[None, :]
    if l2.ndim != 2 or np.any(l2 < 0) or not np.all(np.isfinite(l2)):
        raise ValueError("l2_values must be a 1-D array of finite values >= 0.")
    Xd = np.asarray(design.X, dtype=np.float64)
    U, s, Vt = scipy.linalg.svd(Xd, full_matrices=False)
    uty = (U.T @ np.asarray(y, dtype=np.float64))[:, None]
    s = s[:, None]
    cutoff = s.max(initial=0.0) * max(Xd.shape) * np.finfo(np.float64).eps
    pinv = 1.0 / np.where(s > cutoff, s, np.inf)
    factor = np.where(l2 > 0, s / (s**2 + n_samples * l2), pinv)
    return np.asarray(Vt.T @ (factor * uty))


def _ridge_arrays(pen: PenaltyArrays) -> PenaltyArrays:
    """Check the penalty is pure L2 and return contiguous float64 arrays."""
    l1, l2, lower, upper = (
        np.ascontiguousarray(a, dtype=np.float64)
        for a in (pen.l1, pen.l2, pen.lower, pen.upper)
    )
    if np.any(l1 != 0) or np.any(np.isfinite(lower)) or np.any(np.isfinite(upper)):
        raise ValueError(
            "ClosedFormRidge solves pure L2 (ridge) problems, but the penalty has "
            "L1 terms or bounds (positive=True included); use CoordinateDescent "
            "for L1 terms or bounds."
        )
    return PenaltyArrays(l1=l1, l2=l2, lower=lower, upper=upper)


def _unpenalised_span(design: Design, free: NDArray[np.bool_]) -> tuple[Vector | None, Vector]:
    """Orthonormal bases of the column and row spaces of ``X[:, free]``.

    Returns ``(None, empty)`` when every feature is penalised.
    """
    idx = np.flatnonzero(free).astype(np.int64)
    if idx.size == 0:
        return None, np.zeros((0, 0))
    U, s, Vt = scipy.linalg.svd(design.columns(idx), full_matrices=False)
    cutoff = s.max(initial=0.0) * max(design.n_rows, idx.size) * np.finfo(float).eps
    rank = int(np.count_nonzero(s > cutoff))
    return U[:, :rank], Vt[:rank]


def ridge_gap(
    X: object, y: Vector, w: Vector, penalty: PenaltyArrays, n_samples: float
) -> tuple[float, float]:
    """``(duality gap, primal)`` of a ridge solution ``w`` (every ``l2 > 0``)."""
    design = as_design(X)
    return _gap(design, np.asarray(y, dtype=np.float64), w, _ridge_arrays(penalty), n_samples, None)


def _gap(
    design: Design, y: Vector, w: Vector, pen: PenaltyArrays, n: float,
    basis: Vector | None,
) -> tuple[float, float]:
    """``(duality gap, primal)`` at ``w``, the residual projected off ``basis``."""
    r = y - design.matvec(w)
    theta_raw = r if basis is None else r - basis @ (basis.T @ r)
    corr = design.rmatvec(theta_raw)
    # x_j' theta_raw is 0 for unpenalised j but for rounding, and the kernel
    # would read any rounding residue as an infeasible dual (t = 0).
    corr[pen.l2 == 0] = 0.0
    idx = np.arange(w.shape[0], dtype=np.int64)
    gap, primal, _, _ = duality_gap(
        y, r, theta_raw, corr, w, pen.l1, pen.l2, pen.lower, pen.upper, idx, n
    )
    return max(float(gap), 0.0), float(primal)


def _gram(design: Design, scale: Vector | None = None) -> Vector:
    """``X'X``, or ``X diag(scale) X'`` when ``scale`` is given, in float64.

    For sparse X the implicit centring ``X = A - v m'`` is expanded, so only
    sparse products and the dense ``p x p`` (or ``n x n``) result are formed.
    """
    if isinstance(design, DenseDesign):
        Xd = np.asarray(design.X, dtype=np.float64)
        return Xd.T @ Xd if scale is None else (Xd * scale) @ Xd.T
    A = sp.csc_matrix(design.A, dtype=np.float64)
    m, v = design.means, design.v
    if scale is None:  # A'A - (A'v) m' - m (A'v)' + (v'v) m m'
        out = (A.T @ A).toarray()
        a, b, c = design.av, m, float(v @ v)
    else:  # A S A' - (A S m) v' - v (A S m)' + (m'S m) v v'
        As = sp.csc_matrix(A @ sp.diags(scale))
        out = (As @ A.T).toarray()
        a, b, c = np.asarray(As @ m).ravel(), v, float(m @ (scale * m))
    return np.asarray(out - np.outer(a, b) - np.outer(b, a) + c * np.outer(b, b))


def _cholesky(design: Design, y: Vector, l2: Vector, n: float, full_rank: bool) -> Vector:
    """Normal equations, primal ``p x p`` or dual ``n x n``, by Cholesky."""
    if design.n_features > design.n_rows and np.all(l2 > 0):
        K = _gram(design, 1.0 / l2)
        K[np.diag_indices_from(K)] += n
        dual = scipy.linalg.cho_solve(scipy.linalg.cho_factor(K, overwrite_a=True), y)
        return design.rmatvec(dual) / l2
    M = _gram(design)
    M[np.diag_indices_from(M)] += n * l2
    b = design.rmatvec(y)
    if full_rank:
        try:
            return np.asarray(scipy.linalg.cho_solve(scipy.linalg.cho_factor(M), b))
        except np.linalg.LinAlgError:
            pass
    # Singular: dependent unpenalised columns. The system is consistent (X'y
    # is orthogonal to the null space {w on l2 == 0 : X w = 0}), so the
    # minimum-norm least-squares solution is the minimum-norm minimiser.
    return np.asarray(scipy.linalg.lstsq(M, b)[0])
