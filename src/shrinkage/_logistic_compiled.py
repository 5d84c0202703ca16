"""The binary logistic path in one compiled call (``_kernels/path_logistic.py``).

:func:`shrinkage._logistic_path.logistic_path_from_problem` lands here when
:func:`compiled_logistic_applies`; the results are the
:class:`~shrinkage.solvers.prox_newton.LogisticSolution` objects the Python
loop of proximal Newton solves would give (certified by the same duality
gap, against the same tolerance), one per alpha.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._kernels.path_logistic import logistic_path
from ._logistic_problem import LogisticProblem
from .penalties import PenaltyArrays
from .solvers._logistic_gap import null_loss
from .solvers.prox_newton import LogisticSolution, StoredX

Vector = NDArray[np.float64]


def compiled_logistic_applies(problem: LogisticProblem, unit: PenaltyArrays) -> bool:
    """Whether the compiled path can solve this problem.

    Two classes, float64 or float32 X (the kernels compile for each; the
    sums are float64 either way), and every feature penalised (an
    unpenalised feature needs the Newton polish of the Python solver for
    its dual constraint).
    """
    unpenalised = (unit.l1 == 0) & (unit.l2 == 0)
    dtype_ok = problem.data.X.dtype in (np.float64, np.float32)
    return bool(problem.binary and dtype_ok and not unpenalised.any())


def _storage(data: StoredX) -> tuple[Any, ...]:
    """The description of X that ``_kernels/storage.py`` dispatches on (X as stored)."""
    if data.sparse:
        A = data.X
        p = data.n_features
        return (A.data, A.indices, A.indptr, np.zeros(p), np.ones(data.n_rows), np.zeros(p))
    return (data.X, np.empty(0, dtype=np.int64))


def _centred_start(
    coef: Any, intercept: float, unit: PenaltyArrays, mean: Vector, problem: LogisticProblem
) -> tuple[Vector, float]:
    """A point within the bounds, its intercept that of the centred columns."""
    w = np.clip(np.asarray(coef, dtype=np.float64), unit.lower, unit.upper)
    return w, float(intercept) + float(mean @ w) if problem.fit_intercept else 0.0


def compiled_logistic_path(
    problem: LogisticProblem,
    unit: PenaltyArrays,
    grid: Vector,
    at_top: NDArray[np.bool_],
    base: LogisticSolution | None,
    *,
    tol: float,
    max_iter: int,
    working_set: bool = True,
    start: tuple[Vector, float] | None = None,
) -> tuple[list[LogisticSolution], Vector]:
    """One certified solution per alpha of ``grid``, warm-started along it.

    ``unit`` is the penalty at ``alpha = 1`` on the fitted scale; where
    ``at_top`` the unpenalised fit ``base`` is optimal and is certified as
    it is (None when no alpha is at the top). The first alpha starts from
    ``start`` (coefficients on the fitted scale, intercept), or from ``base``. Also returns each
    solution's loss (its deviance over ``2 n``).
    """
    omega = problem.omega()
    data = problem.data
    mean = np.zeros(problem.n_features)
    if problem.fit_intercept:
        # Centred columns decouple the features from the intercept (see
        # StoredX.centred); the intercept maps back as b - mean' w.
        data, mean = data.centred(omega)
    y = problem.y_pm
    share = float(np.clip(np.dot(omega, 0.5 * (y + 1.0)), 0.0, 1.0))
    unit_loss = null_loss(np.array([share, 1.0 - share]), problem.fit_intercept)
    if base is None:  # no alpha at the top: only the warm start is used
        base_coef, base_intercept = np.zeros(problem.n_features), 0.0
    else:
        base_coef, base_intercept = base.coef, float(base.intercept)
    w_top, b_top = _centred_start(base_coef, base_intercept, unit, mean, problem)
    w, b = (w_top.copy(), b_top) if start is None else _centred_start(*start, unit, mean,
                                                                        problem)
    p, k = problem.n_features, grid.shape[0]
    coefs = np.empty((p, k))
    intercepts, gaps, tols, losses = np.empty(k), np.empty(k), np.empty(k), np.empty(k)
    n_iter = np.zeros(k, dtype=np.int64)
    n_epochs = np.zeros(k, dtype=np.int64)
    logistic_path(
        _storage(data), y, omega, np.asarray(grid, dtype=np.float64), unit.l1, unit.l2,
        unit.lower, unit.upper, data.col_norms, data.max_norm, problem.fit_intercept,
        np.asarray(at_top, dtype=np.bool_), w_top, b_top, w, b, float(tol),
        unit_loss, int(max_iter), bool(working_set), coefs, intercepts, gaps, tols, losses,
        n_iter, n_epochs,
    )
    intercepts -= mean @ coefs
    pen_values = grid * (unit.l1 @ np.abs(coefs) + 0.5 * (unit.l2 @ (coefs * coefs)))
    solutions = [
        LogisticSolution(
            coef=coefs[:, i].copy(), intercept=float(intercepts[i]),
            certificate=float(gaps[i]), certificate_kind="duality_gap", tol=float(tols[i]),
            primal=float(losses[i] + pen_values[i]), n_iter=int(n_iter[i]),
            n_epochs=int(n_epochs[i]),
            converged=bool(gaps[i] <= tols[i]),
        )
        for i in range(k)
    ]
    for i in np.flatnonzero(gaps > tols):
        solutions[i], losses[i] = _resolve(problem, unit, grid[i], solutions[i], tol, max_iter)
    return solutions, losses


def _resolve(
    problem: LogisticProblem, unit: PenaltyArrays, alpha: float, stalled: LogisticSolution,
    tol: float, max_iter: int,
) -> tuple[LogisticSolution, float]:
    """The Python proximal Newton solve of one alpha, from where the kernel stalled.

    A rare fallback (found by a hypothesis case: weighted, positive, nearly
    separable, the kernel's intercept stuck 1e-7 from optimal at a gap 8x the
    tolerance for 200 steps, where the Python solver's polish of the free
    coordinates certifies in 9). The better certificate is kept.
    """
    from ._path_solve import scaled
    from .solvers.prox_newton import ProxNewton

    solution = ProxNewton(tol=tol, max_iter=max_iter).solve(
        problem.data, problem.y_pm, scaled(unit, float(alpha)),
        sample_weight=problem.sample_weight, fit_intercept=problem.fit_intercept,
        coef_init=stalled.coef, intercept_init=float(stalled.intercept), warn=False,
    )
    best = stalled if solution.certificate >= stalled.certificate else solution
    return best, best.primal - scaled(unit, float(alpha)).value(best.coef)
