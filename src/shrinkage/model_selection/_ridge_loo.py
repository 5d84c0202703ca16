"""Ridge at every alpha from one SVD, its exact leave-one-out errors, the grid.

Everything here works on a dense :class:`~shrinkage._design.CenteredProblem`
(centred at the weighted means, rows multiplied by ``sqrt(s_i)`` with the
weights normalised to sum to ``n``, columns maybe standardised). Write
``X~`` for that design with column ``j`` further divided by ``sqrt(f_j)``
(the penalty factors, all > 0), so that the penalty becomes uniform, and
``y~`` for the transformed target. scikit-learn's Ridge objective

    sum_i s_i (y_i - x_i'w - b)^2 + alpha * sum_j f_j w_j^2

is, divided by ``W / n`` (``W = sum_i s_i``), ordinary ridge on the
transformed problem with ``lam = alpha * n / W``::

    ||y~ - X~ u||^2 + lam ||u||^2,        u_j = sqrt(f_j) w_j.

With the thin SVD ``X~ = U diag(d) V'`` (singular values at rounding level
dropped, which is the pseudo-inverse convention of ``ridge_svd_path``),
``u(lam) = V diag(d / (d^2 + lam)) U'y~`` costs O(p r) per alpha once the SVD
(O(n p min(n, p))) is paid.

Leave-one-out. With an unpenalised intercept, the fit is the linear smoother
``yhat~ = H y~`` (tilde scale) with hat matrix

    H = v v' / n + U diag(d^2 / (d^2 + lam)) U',      v = sqrt(s'),

because centring at the weighted mean is the projection onto ``v`` and
``X~' v = 0``. For any penalised least-squares fit with a fixed penalty
matrix, removing row ``i`` (Sherman-Morrison) changes the prediction at
``x_i`` so that the held-out residual is ``r_i / (1 - H_ii)``: this is exact,
including the re-estimated intercept and, with weights, the refit
``sum_{k != i} s_k (...)^2 + alpha ||w||^2`` (same ``lam``: the problem
without sample ``i`` is the problem with ``s_i = 0``). The residual and
``1 - H_ii`` have the same ``sqrt(s'_i)`` factor on the tilde scale, so on
the original scale ``e_i = (y_i - yhat_i) / (1 - H_ii)``.

To keep digits when ``lam`` is tiny next to ``d^2`` (nearly interpolating
fits, p > n), ``1 - H_ii`` and the residual are never formed as
differences of near-equal numbers: with ``q_k = lam / (d_k^2 + lam)``,

    1 - H_ii = c_i + sum_k U_ik^2 q_k,     r~ = r_perp + U (q * U'y~),

where ``c_i`` is the diagonal of the projector onto the complement of
``span(v, U)`` (exactly 0 when that complement is empty) and ``r_perp``
the part of ``y~`` outside ``span(U)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg
from numpy.typing import NDArray
from scipy.sparse.linalg import LinearOperator, svds

from .._design import CenteredProblem, DenseDesign

Vector = NDArray[np.float64]
Matrix = NDArray[np.float64]
# The default grid: max(d)^2 * logspace(2, -6), d the singular values of the
# centred (weighted, standardised, factor-scaled) X on the raw-weight scale.
# At the top every direction keeps at most 1/101 of its least-squares fit
# (nearly the null model); at the bottom every direction with
# d >= d_max / 100 keeps at least 99% of it (nearly least squares).
GRID_DECADES = (2.0, -6.0)


@dataclass(frozen=True, eq=False)
class RidgeSVD:
    """One SVD of the centred, weighted, factor-scaled design (see module doc).

    Attributes
    ----------
    problem : CenteredProblem
        The centred problem the SVD was taken of (for mapping back).
    U : ndarray of shape (n_samples, rank)
    d2 : ndarray of shape (rank,)
        Squared singular values kept (above ``max(d) * max(n, p) * eps``).
    Vt_over_root : ndarray of shape (rank, n_features)
        ``V'`` with column ``j`` divided by ``sqrt(f_j)``: maps ``U'y~``
        coordinates to coefficients on the problem's (fitted) scale.
    d : ndarray of shape (rank,)
    uty : ndarray of shape (rank,)
        ``U' y~``.
    resid_perp : ndarray of shape (n_samples,)
        ``y~ - U U' y~``: the residual no ridge fit can remove.
    outside : ndarray of shape (n_samples,)
        ``c_i``, the leverage left outside the span of the intercept and U.
    sqrt_sw : ndarray of shape (n_samples,)
        ``sqrt(s')``, the row weights of the tilde scale.
    n_intercept : int
        1 with an intercept, else 0.
    """

    problem: CenteredProblem
    U: Matrix
    d: Vector
    d2: Vector
    Vt_over_root: Matrix
    uty: Vector
    resid_perp: Vector
    outside: Vector
    sqrt_sw: Vector
    n_intercept: int

    @property
    def n_samples(self) -> int:
        return int(self.U.shape[0])

    @property
    def rank(self) -> int:
        return int(self.d.shape[0])

    @property
    def n_positive(self) -> int:
        """Samples with a positive weight: the rows the fit actually sees."""
        return int(np.count_nonzero(self.sqrt_sw > 0))

    def lam(self, alphas: Vector) -> Vector:
        """Ridge's raw-weight ``alpha`` on the tilde scale: ``alpha n / W``."""
        return np.asarray(alphas, dtype=np.float64) * (
            self.problem.n_samples / self.problem.weight_sum
        )

    def largest_alpha_scale(self) -> float:
        """``max(d)^2`` on scikit-learn's raw-weight scale (``* W / n``)."""
        top = float(self.d2[0]) if self.rank else 0.0
        return top * self.problem.weight_sum / self.problem.n_samples

    def _shrink(self, alphas: Vector) -> Vector:
        """``q = lam / (d^2 + lam)``, shape (rank, n_alphas)."""
        lam = self.lam(alphas)[None, :]
        return np.asarray(lam / (self.d2[:, None] + lam))

    def coefs(self, alphas: Vector) -> tuple[Matrix, Vector]:
        """Coefficients (n_features, n_alphas) and intercepts on the original scale."""
        lam = self.lam(alphas)[None, :]
        gain = self.d[:, None] / (self.d2[:, None] + lam)
        fitted = self.Vt_over_root.T @ (gain * self.uty[:, None])
        coefs = fitted / self.problem.x_scale[:, None]
        intercepts = self.problem.y_mean - self.problem.x_mean @ coefs
        return np.asarray(coefs), np.asarray(intercepts, dtype=np.float64)

    def residuals_tilde(self, alphas: Vector) -> Matrix:
        """Training residuals on the tilde scale, shape (n_samples, n_alphas)."""
        return np.asarray(
            self.resid_perp[:, None] + self.U @ (self._shrink(alphas) * self.uty[:, None])
        )

    def one_minus_leverage(self, alphas: Vector) -> Matrix:
        """``1 - H_ii`` for every sample and alpha, without cancellation."""
        return np.asarray(self.outside[:, None] + (self.U * self.U) @ self._shrink(alphas))

    def weighted_rss(self, alphas: Vector) -> Vector:
        """``sum_i s_i r_i^2 / W``: U is orthogonal to ``resid_perp``, so O(rank)."""
        part = self._shrink(alphas) * self.uty[:, None]
        total = float(self.resid_perp @ self.resid_perp) + np.sum(part * part, axis=0)
        return np.asarray(total / self.problem.n_samples)

    def residual_dof(self, alphas: Vector) -> Vector:
        """``n_+ - tr(H)``: samples seen minus the effective number of parameters."""
        free = self.n_positive - self.n_intercept - self.rank
        return np.asarray(free + np.sum(self._shrink(alphas), axis=0))


def ridge_svd(
    problem: CenteredProblem, sample_weight: Vector | None, factor: Vector, fit_intercept: bool
) -> RidgeSVD:
    """Decompose a dense centred problem once; see :class:`RidgeSVD`.

    ``factor`` holds the penalty factors, all > 0; ``sample_weight`` the
    raw weights given to :func:`~shrinkage._design.center_problem` (needed
    for ``sqrt(s')``, which the problem does not keep).
    """
    if not isinstance(problem.design, DenseDesign):
        raise TypeError("ridge_svd needs a dense design.")
    n_rows = problem.design.n_rows
    if sample_weight is None:
        sqrt_sw = np.ones(n_rows)
    else:
        sqrt_sw = np.sqrt(sample_weight * (n_rows / problem.weight_sum))
    root = np.sqrt(factor)
    X = np.asarray(problem.design.X, dtype=np.float64)
    if np.any(root != 1.0):
        X = X / root  # a new array: the problem's design is left alone
    try:
        U, d, Vt = scipy.linalg.svd(X, full_matrices=False, check_finite=False)
    except np.linalg.LinAlgError:  # divide-and-conquer rarely fails; QR-based is robust
        U, d, Vt = scipy.linalg.svd(
            X, full_matrices=False, check_finite=False, lapack_driver="gesvd"
        )
    cutoff = d.max(initial=0.0) * max(X.shape) * np.finfo(np.float64).eps
    keep = d > cutoff
    U, d, Vt = U[:, keep], d[keep], Vt[keep]
    y = np.asarray(problem.y, dtype=np.float64)
    uty = U.T @ y
    n_intercept = int(bool(fit_intercept))
    positive = sqrt_sw > 0
    n_positive = int(np.count_nonzero(positive))
    if d.size + n_intercept >= n_positive:
        # span(v, U) fills every weighted row: the complement is empty, and
        # its leverage is 0 exactly (not 1 minus a number close to 1).
        outside = np.where(positive, 0.0, 1.0)
    else:
        inside = np.einsum("ij,ij->i", U, U)
        if fit_intercept:
            inside = inside + sqrt_sw**2 / n_rows
        outside = np.where(positive, np.clip(1.0 - inside, 0.0, 1.0), 1.0)
    return RidgeSVD(
        problem=problem,
        U=U,
        d=d,
        d2=d * d,
        Vt_over_root=Vt / root,
        uty=uty,
        resid_perp=y - U @ uty,
        outside=outside,
        sqrt_sw=sqrt_sw,
        n_intercept=n_intercept,
    )


def loo_residuals(svd: RidgeSVD, X: object, y: Vector, alphas: Vector) -> Matrix:
    """Exact leave-one-out residuals ``y_i - yhat_{-i}(x_i)``, (n_samples, n_alphas).

    Rows with a positive weight come from the tilde-scale residual divided
    by ``sqrt(s'_i)``; a zero-weight sample does not move the fit, so its
    held-out residual is its ordinary residual, predicted from ``X`` (the
    original rows) directly.
    """
    residual = svd.residuals_tilde(alphas)
    positive = svd.sqrt_sw > 0
    if not positive.all():
        zero = np.flatnonzero(~positive)
        coefs, intercepts = svd.coefs(alphas)
        rows = np.asarray(X[zero], dtype=np.float64)  # type: ignore[index]
        residual[zero] = y[zero, None] - (rows @ coefs + intercepts)
        residual[positive] /= svd.sqrt_sw[positive, None]
    elif np.any(svd.sqrt_sw != 1.0):
        residual /= svd.sqrt_sw[:, None]
    return np.asarray(residual / svd.one_minus_leverage(alphas))


def gcv_errors(svd: RidgeSVD, alphas: Vector) -> Vector:
    """Generalized cross-validation (Golub, Heath and Wahba 1979).

    ``GCV = [sum_i s_i r_i^2 / W] / (1 - tr(H) / n_+)^2`` with ``n_+`` the
    number of samples of positive weight (the rows of the weighted problem);
    without weights, the textbook ``mean(r^2) / (1 - tr(H) / n)^2``.
    """
    dof = svd.residual_dof(alphas)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(svd.weighted_rss(alphas) / (dof / svd.n_positive) ** 2)


def weighted_mean_and_se(
    values: Matrix, sample_weight: Vector | None
) -> tuple[Vector, Vector]:
    """Mean over samples (axis 0) and its standard error, per column.

    Without weights: ``mean`` and ``std(ddof=1) / sqrt(n)``. With weights
    ``s`` (normalised ``w = s / sum s``, ``m`` positive): the weighted mean
    ``sum w_i z_i`` and ``sqrt(m / (m - 1) * sum_i w_i^2 (z_i - mean)^2)``,
    which reduces to the unweighted formula for equal weights.
    """
    if sample_weight is None:
        n = values.shape[0]
        mean = values.mean(axis=0)
        se = values.std(axis=0, ddof=1) / np.sqrt(n) if n > 1 else np.zeros_like(mean)
        return np.asarray(mean), np.asarray(se)
    w = sample_weight / sample_weight.sum()
    m = int(np.count_nonzero(w > 0))
    mean = w @ values
    if m < 2:
        return np.asarray(mean), np.zeros_like(mean)
    spread = (w * w) @ (values - mean) ** 2
    return np.asarray(mean), np.asarray(np.sqrt(spread * m / (m - 1)))


def largest_alpha_scale(problem: CenteredProblem, factor: Vector) -> float:
    """``max(d)^2`` of the penalised columns scaled by ``1/sqrt(f)``, raw-weight scale.

    Dense designs use the largest eigenvalue of the smaller Gram matrix;
    sparse ones a few Lanczos steps through products (no densification).
    Unpenalised columns (``f = 0``) are left out.
    """
    penalised = factor > 0
    scale = np.where(penalised, 1.0 / np.sqrt(np.where(penalised, factor, 1.0)), 0.0)
    design = problem.design
    n, p = design.n_rows, design.n_features
    if not np.any(design.norms2[penalised] > 0):
        top = 0.0  # no spread to shrink: any alpha gives the same fit
    elif isinstance(design, DenseDesign):
        A = np.asarray(design.X, dtype=np.float64) * scale
        gram = A.T @ A if p <= n else A @ A.T
        top = float(np.linalg.eigvalsh(gram)[-1])
    elif min(n, p) < 2:
        idx = np.flatnonzero(penalised)
        top = float(np.linalg.norm(design.columns(idx) * scale[idx]) ** 2)
    else:
        op = LinearOperator(
            (n, p), dtype=np.float64,
            matvec=lambda w: design.matvec(scale * np.ravel(w)),
            rmatvec=lambda v: scale * design.rmatvec(np.ravel(v)),
        )
        top = float(svds(op, k=1, return_singular_vectors=False, random_state=0)[0]) ** 2
    return max(top, 0.0) * problem.weight_sum / problem.n_samples


def default_alphas(top: float, n_alphas: int) -> Vector:
    """``top * logspace(2, -6, n_alphas)``; ``top = 1`` when X has no spread."""
    if not top > np.finfo(np.float64).tiny:
        top = 1.0  # every alpha gives the same (intercept-only) fit
    return np.asarray(top * np.logspace(*GRID_DECADES, num=n_alphas))
