"""Multinomial (softmax) LogisticRegression on Dask data: proximal Newton, one pass a step.

The objective is the in-memory estimator's over-parametrised form: one
coefficient vector per class, every entry penalised, intercepts free::

    1 / sum(s) * sum_i s_i (logsumexp(eta_i) - eta_{i, y_i})
        + alpha * sum_j f_j sum_k (l1_ratio |W_jk| + (1 - l1_ratio) / 2 W_jk^2)

Each pass returns the loss, gradient and the whole ``K (p + 1)``-square
Hessian at the current model (``_multinomial_stats``); the penalised
quadratic model is minimised locally by coordinate descent on a square
root of the Hessian and finished exactly on its support
(``_newton.exact_on_support``); steps that raise the objective are halved.
The duality gap is bounded from the same pass as for two classes: the dual
point's entropy is concave along ``(1 - t) Y + t P``, so ``E(t) >= t E(1)``.
Coordinates are on the fitted scale (columns centred at their weighted
means, divided by ``x_scale``); intercepts are reported summing to 0.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import dask.array as da
import numpy as np
from numpy.typing import NDArray

from .._kernels.gap import conjugate_sum, dual_scale
from ..penalties import ElasticNet as ElasticNetPenalty
from ..penalties import PenaltyArrays
from ..solvers._logistic_gap import gap_tolerance, null_loss
from ..solvers.cd import CoordinateDescent
from ._data import RowData
from ._multinomial_stats import SoftmaxBlock, merge_softmax, softmax_partition_stats
from ._newton import MAX_HALVINGS, exact_on_support
from ._passes import blockwise, stats_pass
from ._problem import check_weight, regression_problem

Vector = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class SoftmaxSetting:
    """The data's centring and scales, the classes and the penalty of every coordinate."""

    data: RowData
    classes: NDArray[Any]
    x_mean: Vector
    x_scale: Vector
    pen: PenaltyArrays
    fit_intercept: bool
    shares: Vector

    @property
    def shape(self) -> tuple[int, int]:
        return self.x_mean.shape[0] + 1, self.classes.shape[0]


def _codes(block: Any, classes: NDArray[Any]) -> Any:
    return np.searchsorted(classes, np.asarray(block)).astype(np.float64)


def softmax_setting(
    data: RowData, classes: NDArray[Any], *, alpha: float, params: dict[str, Any],
    class_weight: Any, name: str,
) -> SoftmaxSetting:
    """Class weights, one pass of statistics (means, scales, shares), the penalty arrays."""
    fit_intercept = bool(params["fit_intercept"])
    K = classes.shape[0]
    codes = data.y.map_blocks(_codes, classes, dtype=np.float64)  # type: ignore[arg-type]
    onehot = [(codes == k).astype(np.float64) for k in range(K)]
    base = da.ones_like(codes) if data.weights is None else data.weights
    if class_weight is not None:
        totals = np.array([float(v) for v in da.compute(*[(base * o).sum() for o in onehot])])
        if class_weight == "balanced":
            per_class = totals.sum() / (K * np.where(totals > 0, totals, np.inf))
        elif isinstance(class_weight, dict):
            per_class = np.array([float(class_weight.get(c, 1.0)) for c in classes])
        else:
            raise ValueError(f"class_weight must be None, 'balanced' or a dict, got "
                             f"{class_weight!r}.")
        weights = base * sum(float(per_class[k]) * onehot[k] for k in range(K))
        data = replace(data, weights=weights)
    [total] = stats_pass(replace(data, y=codes), centre=fit_intercept)
    check_weight(total)
    try:  # collinear columns: named now, not after the first Newton pass
        regression_problem(total, fit_intercept=fit_intercept, standardize=False,
                           weighted=True, dtype=data.dtype, names=data.feature_names)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None
    s = da.ones_like(codes) if data.weights is None else data.weights
    totals = np.array([float(v) for v in da.compute(*[(s * o).sum() for o in onehot])])
    if fit_intercept and np.any(totals == 0):
        raise ValueError(
            f"class {classes[int(np.argmin(totals))]!r} has zero total sample weight: with "
            "fit_intercept=True its intercept would go to -inf. Drop its samples or give "
            "them a positive weight."
        )
    p = data.n_features
    variance = np.diag(total.scatter)[:p] / total.weight
    sd = np.sqrt(variance)
    sd = np.where(sd > 0, sd, 1.0)
    x_scale = sd if params.get("standardize") else np.ones(p)
    unit = ElasticNetPenalty(
        alpha, l1_ratio=params["l1_ratio"], penalty_factor=params.get("penalty_factor"),
        lower_bounds=params.get("lower_bounds"), upper_bounds=params.get("upper_bounds"),
        positive=bool(params.get("positive")),
    ).per_feature(p)
    free = (-np.inf, np.inf) if fit_intercept else (0.0, 0.0)

    def column(values: Vector, intercept: float) -> Vector:
        return np.tile(np.append(values, intercept), K)  # class-major: W[:, k], then b_k

    pen = PenaltyArrays(
        l1=column(unit.l1, 0.0), l2=column(unit.l2, 0.0),
        lower=column(unit.lower * x_scale, free[0]), upper=column(unit.upper * x_scale, free[1]),
    )
    return SoftmaxSetting(
        data=data, classes=classes, x_mean=total.mean[:p] if fit_intercept else np.zeros(p),
        x_scale=x_scale, pen=pen, fit_intercept=fit_intercept, shares=totals / totals.sum(),
    )


def _pass(setting: SoftmaxSetting, x: Vector) -> SoftmaxBlock:
    """One pass at the fitted-scale point ``x`` (class-major ``(p + 1) * K``)."""
    rows, K = setting.shape
    M = x.reshape(K, rows).T
    return blockwise(
        setting.data, softmax_partition_stats, merge_softmax,
        coef=M[:-1] / setting.x_scale[:, None], intercept=M[-1], x_mean=setting.x_mean,
        classes=setting.classes,
    )


def _derivatives(setting: SoftmaxSetting, block: SoftmaxBlock) -> tuple[Vector, Vector]:
    """Gradient and Hessian of the loss per unit weight, fitted scale, class-major."""
    rows, K = setting.shape
    scale = np.append(setting.x_scale, 1.0)
    grad = -(block.corr / scale[:, None]).T.ravel() / block.weight
    H = block.hessian / np.outer(scale, scale)
    hessian = H.transpose(0, 2, 1, 3).reshape(K * rows, K * rows) / block.weight
    return grad, hessian


def certify(setting: SoftmaxSetting, block: SoftmaxBlock, x: Vector) -> tuple[float, float]:
    """``(gap bound, primal)`` at ``x`` from its pass (see the module docstring).

    Free coordinates (the intercepts, unpenalised unbounded features) are
    left out of the dual point, which would need their gradient exactly 0;
    their remaining suboptimality is added in its Newton estimate ``g^2 / 2h``.
    """
    pen = setting.pen
    grad, hessian = _derivatives(setting, block)
    corr = -grad
    free = (pen.l1 == 0) & (pen.l2 == 0) & np.isinf(pen.lower) & np.isinf(pen.upper)
    corr_gap = np.where(free, 0.0, corr)
    idx = np.arange(x.shape[0], dtype=np.int64)
    t = dual_scale(corr_gap, pen.l1, pen.l2, pen.lower, pen.upper, idx, 1.0,
                   1e-12 * float(np.linalg.norm(corr)))
    conj = conjugate_sum(corr_gap, t, pen.l1, pen.l2, pen.lower, pen.upper, idx)
    primal = block.loss / block.weight + pen.value(x)
    dual = t * block.entropy / block.weight - conj
    curvature = np.diag(hessian)
    with np.errstate(divide="ignore", invalid="ignore"):
        rest = float(np.sum(np.where(free & (curvature > 0), corr**2 / (2 * curvature), 0.0)))
    return max(primal - dual, 0.0) + rest, primal


def newton_step(setting: SoftmaxSetting, block: SoftmaxBlock, x: Vector) -> Vector:
    """The minimiser of the quadratic model plus the penalty at ``x``."""
    grad, hessian = _derivatives(setting, block)
    linear = hessian @ x - grad
    # CD needs a design: a square root of the (singular: a common shift of
    # the classes changes nothing) Hessian and the target it implies.
    values, vectors = np.linalg.eigh(hessian)
    keep = values > 1e-13 * max(float(values.max()), 1e-300)
    root = np.sqrt(values[keep])
    design = (vectors[:, keep] * root).T
    target = (vectors[:, keep].T @ linear) / root
    solution = CoordinateDescent(tol=1e-14, max_iter=10_000).solve(
        np.asfortranarray(design), target, setting.pen, coef_init=x, n_samples=1.0, warn=False,
    )
    return exact_on_support(hessian, linear, setting.pen, solution.coef)


@dataclass
class SoftmaxFit:
    """The result: fitted-scale point, certificate, Newton steps and the last pass."""

    x: Vector
    gap: float
    n_iter: int
    converged: bool


def solve_softmax(setting: SoftmaxSetting, *, tol: float, max_iter: int,
                  polish: bool) -> SoftmaxFit:
    """Proximal Newton from the intercept-only model until the gap is below tolerance."""
    rows, K = setting.shape
    start = np.zeros((rows, K))
    if setting.fit_intercept:
        logs = np.log(setting.shares)
        start[-1] = logs - logs.mean()
    accepted = start.T.ravel()
    candidate, objective, halvings, n_iter = accepted, np.inf, 0, 0
    tol_abs = gap_tolerance(tol, null_loss(setting.shares, setting.fit_intercept))
    gap, done_after_polish = np.inf, False
    while True:
        block = _pass(setting, candidate)
        value = block.loss / block.weight + setting.pen.value(candidate)
        slack = 1e-12 * (1.0 + abs(objective)) if np.isfinite(objective) else 0.0
        if done_after_polish:
            if value <= objective + slack:
                accepted, (gap, _) = candidate, certify(setting, block, candidate)
            return SoftmaxFit(accepted, gap, n_iter, gap <= tol_abs)
        if np.isfinite(objective) and not value <= objective + slack:
            halvings += 1
            if halvings > MAX_HALVINGS:  # flat to rounding along the step
                return SoftmaxFit(accepted, gap, n_iter, gap <= tol_abs)
            candidate = 0.5 * (accepted + candidate)
            continue
        accepted, objective, halvings = candidate, value, 0
        gap, _ = certify(setting, block, accepted)
        if gap <= tol_abs and not (polish and gap > 0):
            return SoftmaxFit(accepted, gap, n_iter, True)
        if gap <= tol_abs:
            done_after_polish = True  # one more step: Newton lands at rounding
        elif n_iter >= max_iter:
            return SoftmaxFit(accepted, gap, n_iter, False)
        n_iter += 1
        candidate = newton_step(setting, block, accepted)


def fitted_coefficients(setting: SoftmaxSetting, x: Vector) -> tuple[Vector, Vector]:
    """``coef_`` (K, p) on X's scale and ``intercept_`` (K,) summing to 0."""
    rows, K = setting.shape
    M = x.reshape(K, rows).T
    coef = (M[:-1] / setting.x_scale[:, None]).T
    if not setting.fit_intercept:
        return coef, np.zeros(K)
    intercept = M[-1] - coef @ setting.x_mean
    return coef, intercept - intercept.mean()
