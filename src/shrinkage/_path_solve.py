"""Solving a centred least-squares problem along a grid of alphas.

The pieces :func:`shrinkage.regularization_path` and cross-validation share.
Everything here works on a :class:`~shrinkage._design.CenteredProblem` (the
fitted scale: centred, weighted, maybe standardised) and on the penalty
lowered at ``alpha = 1`` (``unit``); the penalty at ``alpha`` is ``unit``
with its ``l1`` and ``l2`` arrays multiplied by ``alpha``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.optimize
from numpy.typing import NDArray

from ._design import CenteredProblem, DenseDesign, TriangularDesign, storage_of
from ._kernels.path_cd import enet_path
from ._kernels.path_gram import enet_path_gram
from .penalties import PenaltyArrays
from .solvers.base import Solution
from .solvers.cd import CoordinateDescent, certify
from .solvers.closed_form import ClosedFormRidge, ridge_gap, ridge_svd_path

Vector = NDArray[np.float64]

# glmnet's convention for a ridge path: the grid of a pure L2 penalty starts
# where an elastic net with this much L1 would zero every coefficient.
RIDGE_GRID_L1_RATIO = 1e-3


@dataclass(frozen=True, eq=False)
class FittedPath:
    """Raw results along the grid, on the fitted scale.

    ``coefs`` is ``(n_features, n_alphas)``; ``rss`` the weighted residual
    sum of squares at each alpha; ``null_rss`` that of the model with no
    penalised feature (the intercept and unpenalised features only).
    """

    coefs: Vector
    gaps: Vector
    tols: Vector
    n_iter: NDArray[np.int64]
    converged: NDArray[np.bool_]
    rss: Vector
    null_rss: float


def scaled(unit: PenaltyArrays, alpha: float) -> PenaltyArrays:
    """The penalty at ``alpha`` from the one lowered at ``alpha = 1``."""
    return PenaltyArrays(l1=unit.l1 * alpha, l2=unit.l2 * alpha, lower=unit.lower, upper=unit.upper)


def unpenalised_fit(problem: CenteredProblem, unit: PenaltyArrays) -> Vector:
    """The model on the unpenalised features alone (zero when there are none).

    This is the solution for every ``alpha >= alpha_max``: the penalised
    coefficients are held at 0 by bounds ``[0, 0]`` while coordinate
    descent fits the free ones (within their own bounds).
    """
    p = unit.n_features
    free = (unit.l1 == 0) & (unit.l2 == 0)
    if not free.any():
        return np.zeros(p)
    pinned = PenaltyArrays(
        l1=np.zeros(p),
        l2=np.zeros(p),
        lower=np.where(free, unit.lower, 0.0),
        upper=np.where(free, unit.upper, 0.0),
    )
    solver = CoordinateDescent(tol=1e-12, max_iter=100_000)
    return solver.solve(
        problem.design, problem.y, pinned, n_samples=problem.n_samples, warn=False
    ).coef


def alpha_max(
    problem: CenteredProblem, unit: PenaltyArrays, l1_ratio: float, w0: Vector | None = None
) -> float:
    """Smallest alpha at which every penalised coefficient is zero.

    For ``l1_ratio == 0`` no finite alpha zeroes a ridge model; as glmnet
    does, the value for ``l1_ratio = 1e-3`` is returned so that a default
    ridge grid still spans from heavy to light shrinkage. ``w0`` is
    :func:`unpenalised_fit`'s result when the caller already has it.
    """
    if w0 is None:
        w0 = unpenalised_fit(problem, unit)
    r = problem.y - problem.design.matvec(w0) if w0.any() else problem.y
    grad = problem.design.rmatvec(r)
    grad /= -problem.n_samples
    l1 = unit.l2 * RIDGE_GRID_L1_RATIO if l1_ratio == 0 else unit.l1
    need = unit.zero_threshold(grad)
    penalised = l1 > 0
    if not penalised.any():
        return 0.0
    return float(np.max(need[penalised] / l1[penalised]))


def default_alphas(amax: float, n_alphas: int, eps: float) -> Vector:
    """``n_alphas`` log-spaced values from ``amax`` down to ``eps * amax``.

    When ``amax`` is 0 (y already explained by the unpenalised part, or
    y constant), every coefficient is zero at every alpha; a grid of the
    smallest representable step keeps the shapes, as scikit-learn does.
    """
    if amax <= np.finfo(np.float64).resolution:
        return np.full(n_alphas, np.finfo(np.float64).resolution)
    return np.geomspace(amax, amax * eps, num=n_alphas)


def _rss(problem: CenteredProblem, w: Vector) -> float:
    r = problem.y - problem.design.matvec(w)
    return float(r @ r)


def solve_path(
    problem: CenteredProblem,
    unit: PenaltyArrays,
    alphas: Vector,
    *,
    tol: float,
    max_iter: int,
    coef_init: Vector | None = None,
    w0: Vector | None = None,
) -> FittedPath:
    """Warm-started solves along ``alphas`` (decreasing), on the fitted scale.

    A pure, unbounded L2 penalty on dense X takes every alpha from one SVD;
    on sparse X, conjugate gradients warm-started along the grid; anything
    with an L1 part or bounds takes certified coordinate descent. ``w0``
    is :func:`unpenalised_fit`'s result when the caller already has it.
    """
    if w0 is None:
        w0 = unpenalised_fit(problem, unit)
    null_rss = _rss(problem, w0) if w0.any() else float(problem.y @ problem.y)
    if not unit.l1.any() and unit.unbounded:
        solutions = _ridge_path(problem, unit, alphas, tol=tol, max_iter=max_iter)
    elif compiled_path_applies(problem, unit):
        w = np.array(w0 if coef_init is None else coef_init, dtype=np.float64)
        return compiled_path(problem, unit, alphas, w, tol=tol, max_iter=max_iter,
                             null_rss=null_rss)
    else:
        solver = CoordinateDescent(tol=tol, max_iter=max_iter)
        w = w0 if coef_init is None else coef_init
        # Above alpha_max the unpenalised fit is the solution: certify it as
        # it is, so the top of the path holds exact zeros, not rounding.
        r0 = problem.y - problem.design.matvec(w0)
        need = unit.zero_threshold(-problem.design.rmatvec(r0) / problem.n_samples)
        free = (unit.l1 == 0) & (unit.l2 == 0)
        solutions = []
        for alpha in alphas:
            pen = scaled(unit, float(alpha))
            if np.all((need <= pen.l1 * (1 + 1e-12)) | free):
                solution = certify(
                    problem.design, problem.y, pen, w0, n_samples=problem.n_samples, tol=tol
                )
            else:
                solution = solver.solve(
                    problem.design, problem.y, pen,
                    coef_init=w, n_samples=problem.n_samples, warn=False,
                )
            w = solution.coef
            solutions.append(solution)
    coefs = np.column_stack([s.coef for s in solutions]) if solutions else np.zeros((0, 0))
    return FittedPath(
        coefs=coefs.reshape(unit.n_features, len(solutions)),
        gaps=np.array([s.certificate for s in solutions], dtype=np.float64),
        tols=np.array([s.tol for s in solutions], dtype=np.float64),
        n_iter=np.array([s.n_iter for s in solutions], dtype=np.int64),
        converged=np.array([s.converged for s in solutions], dtype=bool),
        rss=np.array([_rss(problem, s.coef) for s in solutions], dtype=np.float64),
        null_rss=null_rss,
    )


def compiled_path_applies(problem: CenteredProblem, unit: PenaltyArrays) -> bool:
    """Whether :func:`compiled_path` can solve this problem.

    Features with neither L1 nor L2 and an open side need the projected dual
    point of :class:`~shrinkage.solvers.cd.CoordinateDescent`.
    """
    free = (unit.l1 == 0) & (unit.l2 == 0)
    return bool(problem.y.ndim == 1 and not free.any())


def compiled_path(
    problem: CenteredProblem,
    unit: PenaltyArrays,
    alphas: Vector,
    w: Vector,
    *,
    tol: float,
    max_iter: int,
    null_rss: float,
) -> FittedPath:
    """The whole grid in one compiled call (``_kernels/path_cd.py``)."""
    design, y, n = problem.design, problem.y, problem.n_samples
    tol_abs = tol * float(y @ y) / n
    p, k = unit.n_features, len(alphas)
    coefs = np.empty((p, k))
    gaps, rss = np.empty(k), np.empty(k)
    n_iter = np.zeros(k, dtype=np.int64)
    if not unit.unbounded:
        w = np.clip(w, unit.lower, unit.upper)
    grid = np.asarray(alphas, dtype=np.float64)
    if isinstance(design, TriangularDesign) and tol_abs > 0:
        # Covariance updates on R'R, each alpha certified from R itself. A
        # tol of 0 asks for the rounding floor, which the triangle's own
        # epochs reach without a Gram matrix's cond^2 rounding in between.
        R = design.X
        # syrk: half the flops of R.T @ R. Its upper triangle, transposed, is
        # the lower one of a C-ordered G; the kernel mirrors it.
        G = scipy.linalg.blas.dsyrk(1.0, R, trans=1, lower=0).T
        enet_path_gram(
            R, design.col_end, y, G, grid, unit.l1, unit.l2, unit.lower, unit.upper,
            design.norms2, float(n), tol_abs, int(max_iter), w, coefs, gaps, rss, n_iter,
        )
    else:
        enet_path(
            storage_of(design), y, grid, unit.l1, unit.l2, unit.lower, unit.upper,
            design.norms2, float(n), tol_abs, int(max_iter), w, coefs, gaps, rss, n_iter,
        )
    return FittedPath(
        coefs=coefs, gaps=gaps, tols=np.full(k, tol_abs), n_iter=n_iter,
        converged=gaps <= tol_abs, rss=rss, null_rss=null_rss,
    )


def _ridge_path(
    problem: CenteredProblem, unit: PenaltyArrays, alphas: Vector, *, tol: float, max_iter: int
) -> list[Solution]:
    design, y, n = problem.design, problem.y, problem.n_samples
    tol_abs = tol * float(y @ y) / n
    factor = unit.l2
    if isinstance(design, DenseDesign) and np.all(factor > 0):
        # Penalty factors become column scales: with X_j / sqrt(f_j) the
        # penalty is uniform, and one SVD serves every alpha.
        root = np.sqrt(factor)
        uniform = bool(np.all(factor == factor[0]))
        X = design.X if uniform else design.X / root.astype(design.X.dtype)
        base = float(factor[0]) if uniform else 1.0
        coefs = ridge_svd_path(X, y, np.asarray(alphas) * base, n)
        if not uniform:
            coefs = coefs / root[:, None]
        out = []
        for k, alpha in enumerate(alphas):
            wk = np.ascontiguousarray(coefs[:, k])
            gap, primal = ridge_gap(design, y, wk, scaled(unit, float(alpha)), n)
            out.append(Solution(wk, gap, "duality_gap", tol_abs, primal, 1, gap <= tol_abs))
        return out
    method = "cholesky" if isinstance(design, DenseDesign) else "cg"
    solver = ClosedFormRidge(method=method, tol=tol, max_iter=max_iter)
    w: Vector | None = None
    out = []
    for alpha in alphas:
        solution = solver.solve(
            design, y, scaled(unit, float(alpha)), coef_init=w, n_samples=n, warn=False
        )
        w = solution.coef
        out.append(solution)
    return out


def relaxed_coefs(problem: CenteredProblem, unit: PenaltyArrays, coefs: Vector) -> Vector:
    """Unpenalised least squares on each support of ``coefs`` (fitted scale).

    glmnet's relaxed lasso: for every alpha, the features the penalised fit
    selected are refitted without penalty (within their bounds). Supports
    repeat along a path, so each distinct one is solved once. When a
    support has more columns than rank, the minimum-norm solution is used.
    """
    out = np.zeros_like(coefs)
    free = (unit.l1 == 0) & (unit.l2 == 0)
    bounded = bool(np.isfinite(unit.lower).any() or np.isfinite(unit.upper).any())
    cache: dict[bytes, Vector] = {}
    for k in range(coefs.shape[1]):
        support = (coefs[:, k] != 0) | free
        key = np.packbits(support).tobytes()
        if key not in cache:
            idx = np.flatnonzero(support).astype(np.int64)
            w = np.zeros(coefs.shape[0])
            if idx.size:
                A = problem.design.columns(idx)
                if bounded:
                    fit = scipy.optimize.lsq_linear(
                        A, problem.y, bounds=(unit.lower[idx], unit.upper[idx]),
                        method="bvls", tol=1e-12,
                    )
                    w[idx] = fit.x
                else:
                    w[idx] = np.linalg.lstsq(A, problem.y, rcond=None)[0]
            cache[key] = w
        out[:, k] = cache[key]
    return out
