"""Proximal Newton (IRLS) for the penalised binary logistic loss, one pass per step.

Several fits advance in lockstep and share every pass: the full-data fit,
or the K training sets of cross-validation (fold ``k``'s training
statistics are the merge of the other folds'). Each pass evaluates every
fit's current candidate ``(w, b)``; then each fit, on its own:

* accepts the candidate if its objective did not increase (otherwise halves
  the step towards the last accepted point and waits for the next pass);
* certifies it: the duality gap of the binary problem, with the dual
  point's entropy term bounded below by concavity (``E(t) >= t E(1)``), so
  one pass gives a valid upper bound on the gap, tight as ``t -> 1``;
* or takes the Newton step: the penalised weighted least-squares problem of
  the quadratic model, solved locally by coordinate descent on its Gram
  (``_logistic_stats`` explains the weights).

All coefficients here are on the fitted scale (columns divided by
``x_scale``) except those sent to the workers, which are on X's scale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._kernels.gap import conjugate_sum, dual_scale
from ..penalties import ElasticNet as ElasticNetPenalty
from ..penalties import PenaltyArrays
from ..solvers._logistic_gap import free_features
from ..solvers.cd import CoordinateDescent
from ._data import RowData
from ._logistic_stats import (
    LogisticBlock,
    logistic_partition_stats,
    merge_logistic,
    merge_model_lists,
)
from ._passes import blockwise
from ._problem import regression_problem

Vector = NDArray[np.float64]

# Step halvings before a fit is declared stalled (the objective is flat to rounding).
MAX_HALVINGS = 30
INNER_MAX_ITER = 10_000
INNER_TOL_FLOOR = 1e-14


@dataclass(frozen=True)
class LogisticSetting:
    """What every fit shares: the penalty's description and the data's scale."""

    l1_ratio: float
    options: dict[str, Any]
    x_scale: Vector
    fit_intercept: bool
    positive_class: Any
    n_folds: int = 1
    seed: int = 0

    def penalty(self, alpha: float, n_features: int) -> PenaltyArrays:
        """The penalty at ``alpha`` on the fitted scale (bounds rescaled)."""
        pen = ElasticNetPenalty(
            alpha, l1_ratio=self.l1_ratio,
            penalty_factor=self.options.get("penalty_factor"),
            lower_bounds=self.options.get("lower_bounds"),
            upper_bounds=self.options.get("upper_bounds"),
            positive=bool(self.options.get("positive", False)),
        ).per_feature(n_features)
        if np.all(self.x_scale == 1.0):
            return pen
        return PenaltyArrays(
            l1=pen.l1, l2=pen.l2, lower=pen.lower * self.x_scale, upper=pen.upper * self.x_scale
        )


@dataclass(eq=False)
class Fit:
    """One fit's state: ``fold`` is the held-out fold (None: all the rows)."""

    fold: int | None
    coef: Vector
    intercept: float
    candidate: tuple[Vector, float] | None = None
    objective: float = np.inf
    gap: float = np.inf
    n_iter: int = 0
    halvings: int = 0
    done: bool = False
    converged: bool = False
    polishing: bool = False
    train: LogisticBlock | None = None
    held_out: LogisticBlock | None = field(default=None, repr=False)


def run_pass(data: RowData, setting: LogisticSetting, models: list[tuple[Vector, float]]) -> list[
    list[LogisticBlock]
]:
    """``[model][fold]`` statistics at each model (on X's scale), one pass."""
    return blockwise(
        data, logistic_partition_stats, merge_model_lists, models=models,
        positive=setting.positive_class, n_folds=setting.n_folds, seed=setting.seed,
        centre=setting.fit_intercept,
    )


def _training_block(per_fold: list[LogisticBlock], fold: int | None) -> LogisticBlock:
    """The merge of every fold but ``fold`` (all of them when None)."""
    parts = [b for k, b in enumerate(per_fold) if k != fold]
    total = parts[0]
    for b in parts[1:]:
        total = merge_logistic(total, b)
    return total


def certify(
    block: LogisticBlock, coef: Vector, pen: PenaltyArrays, setting: LogisticSetting
) -> tuple[float, float]:
    """``(gap bound, primal)`` at a fit from its training statistics.

    The dual point needs ``x_j' theta = 0`` for the free (unpenalised,
    unbounded) features and ``sum theta = 0`` with an intercept, which the
    in-memory solver enforces by polishing those coordinates over the rows.
    Here they are left to the Newton steps, and their remaining
    suboptimality is added in its quadratic estimate ``g^2 / (2 h)`` (the
    decrease a Newton step on that coordinate alone would give).
    """
    weight = block.weight
    corr = block.corr / (weight * setting.x_scale)
    free = free_features(pen)
    corr_gap = np.where(free, 0.0, corr)
    idx = np.arange(coef.shape[0], dtype=np.int64)
    t = dual_scale(corr_gap, pen.l1, pen.l2, pen.lower, pen.upper, idx, 1.0,
                   1e-12 * float(np.linalg.norm(corr)))
    conj = conjugate_sum(corr_gap, t, pen.l1, pen.l2, pen.lower, pen.upper, idx)
    primal = block.loss / weight + pen.value(coef)
    dual = t * block.entropy / weight - conj
    stats = block.stats
    p = coef.shape[0]
    second = np.diag(stats.scatter)[:p]
    if not setting.fit_intercept:
        second = second + stats.weight * stats.mean[:p] ** 2
    curvature = second / (weight * setting.x_scale**2)
    with np.errstate(divide="ignore", invalid="ignore"):
        rest = float(np.sum(np.where(free & (curvature > 0), corr**2 / (2 * curvature), 0.0)))
    if setting.fit_intercept and stats.weight > 0:
        rest += (block.residual_sum / weight) ** 2 / (2 * stats.weight / weight)
    return max(primal - dual, 0.0) + rest, primal


def newton_step(
    block: LogisticBlock, fit: Fit, alpha: float, setting: LogisticSetting, tol_abs: float
) -> tuple[Vector, float]:
    """The minimiser of the quadratic model plus the penalty (fitted-scale coef, intercept)."""
    stats = block.stats
    if not stats.weight > 0:
        raise ValueError(
            "every IRLS weight is zero: the classes are separated with certainty by the "
            "current model. Use a larger alpha (or l1_ratio < 1)."
        )
    try:
        problem = regression_problem(
            stats, fit_intercept=setting.fit_intercept, standardize=False, weighted=True,
            dtype=np.dtype(np.float64), x_scale=setting.x_scale,
        )
    except ValueError as exc:
        raise ValueError(
            "the IRLS-weighted Gram matrix is singular or ill-conditioned: the classes may "
            "be (nearly) separable, or columns collinear. Use a larger alpha, l1_ratio < 1, "
            f"or drop collinear columns. ({exc})"
        ) from None
    # The model is (1 / (2 S)) sum v (z - eta)^2; the problem's loss is
    # (1 / (2 V)) sum v (...)^2, so the same minimiser needs alpha * S / V.
    p = setting.x_scale.shape[0]
    pen = setting.penalty(alpha * block.weight / stats.weight, p)
    scale = float(problem.y @ problem.y) / problem.n_samples
    # An absolute inner gap far below the outer tolerance (in the inner
    # problem's units), as a relative tolerance.
    inner_tol = min(1e-8, 1e-3 * tol_abs * stats.weight / block.weight / max(scale, 1e-300))
    # Below about 1e-14 of ||y||^2 / n the gap measures rounding, not the fit.
    inner_tol = max(inner_tol, INNER_TOL_FLOOR)
    solution = CoordinateDescent(tol=inner_tol, max_iter=INNER_MAX_ITER).solve(
        problem.design, problem.y, pen, coef_init=fit.coef, n_samples=problem.n_samples,
        warn=False,
    )
    A, n = problem.design.X, float(problem.n_samples)  # type: ignore[union-attr]
    coef = exact_on_support(A.T @ A / n, A.T @ problem.y / n, pen, solution.coef)
    _, intercept = problem.to_original(coef)
    return coef, float(intercept) if setting.fit_intercept else 0.0


def exact_on_support(gram: Vector, linear: Vector, pen: PenaltyArrays, coef: Vector) -> Vector:
    """The minimiser of ``w'Gw / 2 - h'w + pen(w)`` on ``coef``'s support and signs, if they hold.

    Coordinate descent stops at its own gap floor (relative 1e-14), which
    leaves a Newton step about ``sqrt(1e-14)`` from the quadratic model's
    minimiser; the outer iteration would then settle 1e-9 .. 1e-7 from the
    optimum. With the support, the signs and the coordinates at a bound
    held, the minimiser solves one small linear system (least squares: the
    multinomial Hessian is singular along a common shift of the classes); it
    is kept when its signs and bounds agree and the model is no worse, so
    the last Newton step lands at rounding (the 1e-8 equality with in-memory
    needs it).
    """
    free = np.flatnonzero((coef != 0) & (coef > pen.lower) & (coef < pen.upper))
    if free.size == 0:
        return coef
    held = coef.copy()
    held[free] = 0.0
    system = gram[np.ix_(free, free)] + np.diag(pen.l2[free])
    rhs = linear[free] - gram[free] @ held - pen.l1[free] * np.sign(coef[free])
    try:
        solved = np.linalg.lstsq(system, rhs, rcond=None)[0]
    except (np.linalg.LinAlgError, ValueError):
        return coef
    inside = (solved > pen.lower[free]) & (solved < pen.upper[free])
    if not (np.all(np.sign(solved) == np.sign(coef[free])) and inside.all()):
        return coef
    out = coef.copy()
    out[free] = solved

    def model(w: Vector) -> float:
        return float(0.5 * w @ gram @ w - linear @ w) + pen.value(w)

    before = model(coef)
    return out if model(out) <= before + 1e-15 * (1.0 + abs(before)) else coef


def _to_x_scale(fit: Fit, setting: LogisticSetting) -> tuple[Vector, float]:
    """A fit's candidate on X's scale, as the workers evaluate it."""
    assert fit.candidate is not None
    coef, intercept = fit.candidate
    return coef / setting.x_scale, intercept


def solve_lockstep(
    data: RowData, setting: LogisticSetting, fits: list[Fit], alpha: float, *,
    tol_abs: float, max_iter: int, polish: bool = False,
) -> list[Fit]:
    """Advance every fit at ``alpha`` until it is certified, stalls or runs out of steps.

    ``polish``: after the certificate, take one more Newton step (one more
    pass), kept if it does not raise the objective. For a ``tol`` below what
    the gap resolves in floating point: Newton's quadratic convergence then
    brings the coefficients to rounding.
    """
    p = setting.x_scale.shape[0]
    pen = setting.penalty(alpha, p)
    for fit in fits:
        fit.candidate = (fit.coef, fit.intercept)
        fit.objective, fit.done, fit.converged = np.inf, False, False
        fit.n_iter = fit.halvings = 0
        fit.polishing = polish
    while True:
        active = [f for f in fits if not f.done]
        if not active:
            return fits
        models = [_to_x_scale(f, setting) for f in active]
        results = run_pass(data, setting, models)
        for fit, per_fold in zip(active, results, strict=True):
            _advance(fit, per_fold, alpha, pen, setting, tol_abs, max_iter)


def _advance(
    fit: Fit, per_fold: list[LogisticBlock], alpha: float, pen: PenaltyArrays,
    setting: LogisticSetting, tol_abs: float, max_iter: int,
) -> None:
    assert fit.candidate is not None
    coef, intercept = fit.candidate
    block = _training_block(per_fold, fit.fold)
    objective = block.loss / block.weight + pen.value(coef)
    slack = 1e-12 * (1.0 + abs(fit.objective)) if np.isfinite(fit.objective) else 0.0
    if fit.converged:  # the polishing step: keep it unless it made things worse
        fit.done = True
        if objective <= fit.objective + slack:
            fit.coef, fit.intercept, fit.objective, fit.train = coef, intercept, objective, block
            fit.held_out = per_fold[fit.fold] if fit.fold is not None else None
            fit.gap, _ = certify(block, coef, pen, setting)
        return
    if np.isfinite(fit.objective) and not objective <= fit.objective + slack:
        fit.halvings += 1
        if fit.halvings > MAX_HALVINGS:
            fit.done = True  # no decrease along the step: flat to rounding
            return
        fit.candidate = (0.5 * (fit.coef + coef), 0.5 * (fit.intercept + intercept))
        return
    fit.coef, fit.intercept, fit.objective, fit.halvings = coef, intercept, objective, 0
    fit.train = block
    fit.held_out = per_fold[fit.fold] if fit.fold is not None else None
    fit.gap, _ = certify(block, coef, pen, setting)
    if fit.gap <= tol_abs:
        fit.converged = True
        if fit.polishing and fit.gap > 0:
            fit.candidate = newton_step(block, fit, alpha, setting, tol_abs)
        else:
            fit.done = True
        return
    if fit.n_iter >= max_iter:
        fit.done = True
        return
    fit.n_iter += 1
    fit.candidate = newton_step(block, fit, alpha, setting, tol_abs)


def full_total(per_fold: list[LogisticBlock]) -> LogisticBlock:
    """All the rows' statistics from per-fold ones."""
    return _training_block(per_fold, None)

