"""Logistic regularization paths on Dask data, for all rows or for K folds at once.

The fits of one path (all the rows) or of a cross-validation (the K
training sets) advance along the grid together, so every pass serves all of
them (``_newton.solve_lockstep``). As in memory, each fit starts from its
unpenalised model (intercept and unpenalised features; penalised
coefficients pinned at 0 by bounds), the default grid starts at the alpha
that zeroes every penalised coefficient on all the rows, and alphas at or
above a fit's own ``alpha_max`` are certified at that start without a step.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._logistic_path import default_logistic_eps
from .._path_input import check_grid_size, feature_names_of
from .._path_solve import RIDGE_GRID_L1_RATIO, default_alphas
from ..path import Path
from ..penalties import ElasticNet as ElasticNetPenalty
from ..solvers._logistic_gap import gap_tolerance, null_loss
from ._logistic import ClassData, below_resolution, class_data, logistic_setting, null_fit
from ._logistic_stats import LogisticBlock
from ._newton import Fit, LogisticSetting, certify, solve_lockstep

Vector = NDArray[np.float64]
OPTION_KEYS = (
    "penalty_factor", "lower_bounds", "upper_bounds", "positive", "standardize", "tol",
    "max_iter",
)


@dataclass(frozen=True, eq=False)
class Snapshot:
    """A fit at one alpha of the grid (coefficients on the fitted scale)."""

    coef: Vector
    intercept: float
    gap: float
    tol: float
    n_iter: int
    train: LogisticBlock
    held_out: LogisticBlock | None


def _pinned(setting: LogisticSetting, p: int) -> LogisticSetting:
    """The setting whose alpha = 0 fit is the unpenalised model (penalised pinned at 0)."""
    unit = ElasticNetPenalty(
        1.0, l1_ratio=setting.l1_ratio, penalty_factor=setting.options.get("penalty_factor"),
        lower_bounds=setting.options.get("lower_bounds"),
        upper_bounds=setting.options.get("upper_bounds"),
        positive=bool(setting.options.get("positive")),
    ).per_feature(p)
    free = (unit.l1 == 0) & (unit.l2 == 0)
    return replace(setting, options={
        "penalty_factor": None, "positive": False,
        "lower_bounds": np.where(free, unit.lower, 0.0),
        "upper_bounds": np.where(free, unit.upper, 0.0),
    })


def _tolerance(fit: Fit, tol: float, fit_intercept: bool) -> float:
    """The gap tolerance of a fit: ``tol`` times its training null loss."""
    assert fit.train is not None
    share = fit.train.positive / fit.train.weight
    return gap_tolerance(tol, null_loss(np.array([1.0 - share, share]), fit_intercept))


def zero_thresholds(fit: Fit, setting: LogisticSetting, unit: Any) -> Vector:
    """Per feature, the L1 weight above which 0 is optimal at the fit (fitted scale)."""
    assert fit.train is not None
    grad = -fit.train.corr / (fit.train.weight * setting.x_scale)
    return np.asarray(unit.zero_threshold(grad))


def base_fits(
    cd: ClassData, setting: LogisticSetting, folds: list[int | None], *, tol: float,
    max_iter: int,
) -> list[Fit]:
    """Each fit's unpenalised model, certified to ``tol`` (one lockstep solve)."""
    fits = [null_fit(cd, setting.fit_intercept, fold) for fold in folds]
    pinned = _pinned(setting, cd.data.n_features)
    solve_lockstep(
        cd.data, pinned, fits, 0.0, tol_abs=gap_tolerance(min(tol, 1e-12), cd.null_loss),
        max_iter=max_iter, polish=True,
    )
    return fits


def path_alpha_max(base: Fit, setting: LogisticSetting, p: int) -> float:
    """The smallest alpha zeroing every penalised coefficient (glmnet's ratio for ridge)."""
    ratio = RIDGE_GRID_L1_RATIO if setting.l1_ratio == 0 else setting.l1_ratio
    unit = replace(setting, l1_ratio=ratio).penalty(1.0, p)
    need = zero_thresholds(base, setting, unit)
    penalised = unit.l1 > 0
    if not penalised.any():
        return 0.0
    return float(np.max(need[penalised] / unit.l1[penalised]))


def follow_grid(
    cd: ClassData, setting: LogisticSetting, bases: list[Fit], grid: Vector, *, tol: float,
    max_iter: int,
) -> list[list[Snapshot]]:
    """``[fit][alpha]`` snapshots along ``grid``, warm-started, all fits in lockstep."""
    p = cd.data.n_features
    unit = setting.penalty(1.0, p)
    free = (unit.l1 == 0) & (unit.l2 == 0)
    needs = [zero_thresholds(b, setting, unit) for b in bases]
    tols = [_tolerance(b, tol, setting.fit_intercept) for b in bases]
    polish = below_resolution(tol, cd.null_loss)
    fits = [replace(b) for b in bases]
    out: list[list[Snapshot]] = [[] for _ in bases]
    for alpha in grid:
        pen = setting.penalty(float(alpha), p)
        moving = []
        for i, fit in enumerate(fits):
            if np.all((needs[i] <= pen.l1 * (1 + 1e-12)) | free):
                # At or above this fit's alpha_max its unpenalised start is the
                # solution: certified as it is, so the zeros are exact.
                base = bases[i]
                fit.coef, fit.intercept, fit.train = base.coef, base.intercept, base.train
                fit.held_out, fit.n_iter = base.held_out, 0
                assert base.train is not None
                fit.gap, _ = certify(base.train, base.coef, pen, setting)
            else:
                moving.append(i)
        for tol_abs in sorted({tols[i] for i in moving}):
            group = [fits[i] for i in moving if tols[i] == tol_abs]
            solve_lockstep(cd.data, setting, group, float(alpha), tol_abs=tol_abs,
                           max_iter=max_iter, polish=polish)
        for i, fit in enumerate(fits):
            assert fit.train is not None
            out[i].append(Snapshot(
                coef=fit.coef.copy(), intercept=float(fit.intercept), gap=float(fit.gap),
                tol=tols[i], n_iter=int(fit.n_iter), train=fit.train, held_out=fit.held_out,
            ))
    return out


def deviance(block: LogisticBlock, n_rows: int) -> float:
    """``2 * sum_i s_i loss_i`` with weights normalised to sum to the row count."""
    return float(2.0 * n_rows * block.loss / block.weight)


def path_of(
    cd: ClassData, setting: LogisticSetting, snapshots: list[Snapshot], base: Fit,
    grid: Vector, amax: float, options: dict[str, Any], names: Any,
) -> Path:
    """The :class:`Path` of the all-rows fit."""
    assert base.train is not None
    coefs = np.stack([s.coef for s in snapshots], axis=-1) / setting.x_scale[:, None]
    return Path(
        alphas=np.asarray(grid, dtype=np.float64), coefs=coefs,
        intercepts=np.array([s.intercept for s in snapshots]),
        dual_gaps=np.array([s.gap for s in snapshots]),
        tols=np.array([s.tol for s in snapshots]),
        n_iter=np.array([s.n_iter for s in snapshots], dtype=np.int64),
        df=np.count_nonzero(coefs, axis=0).astype(np.int64),
        deviance=np.array([deviance(s.train, cd.data.n_rows) for s in snapshots]),
        null_deviance=deviance(base.train, cd.data.n_rows), l1_ratio=float(setting.l1_ratio),
        alpha_max=amax, n_samples=cd.data.n_rows, fit_intercept=setting.fit_intercept,
        feature_names=names, x_scale=cd.column_sd,
        options={key: options[key] for key in OPTION_KEYS if key in options},
        loss="logistic", classes=cd.classes,
    )


def logistic_path(
    X: Any, y: Any, *, l1_ratio: float, alphas: Vector | None, n_alphas: int,
    eps: float | None, fit_intercept: bool, sample_weight: Any, feature_names: Any,
    options: dict[str, Any],
) -> Path:
    """``regularization_path(..., loss="logistic")`` on Dask data (validated scalars)."""
    cd = class_data(
        X, y, sample_weight, class_weight=None, fit_intercept=fit_intercept,
        standardize=bool(options["standardize"]), name="regularization_path",
    )
    n_rows, p = cd.data.n_rows, cd.data.n_features
    n_alphas, eps = check_grid_size(n_alphas, default_logistic_eps(n_rows, p) if eps is None
                                    else eps)
    names = cd.data.feature_names if feature_names is None else feature_names_of(
        None, feature_names, p)
    setting = logistic_setting(cd, l1_ratio, options, fit_intercept)
    tol, max_iter = float(options["tol"]), int(options["max_iter"])
    [base] = base_fits(cd, setting, [None], tol=tol, max_iter=max_iter)
    amax = path_alpha_max(base, setting, p)
    grid = default_alphas(amax, n_alphas, eps) if alphas is None else np.asarray(alphas)
    [snapshots] = follow_grid(cd, setting, [base], grid, tol=tol, max_iter=max_iter)
    return path_of(cd, setting, snapshots, base, grid, amax, options, names)
