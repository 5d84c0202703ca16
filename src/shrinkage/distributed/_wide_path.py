"""``regularization_path`` (squared loss) on wide Dask data, alpha by alpha.

The path of ``_wide.solve_alpha``: each alpha is screened from the
previous alpha's solution and its full residual sums (no pass), solved on
the Gram of its survivors (kept from one alpha to the next while they fit
in it) and certified by one pass. As in memory, the path starts from the
unpenalised model (intercept and unpenalised features), its default grid
starts at the alpha that zeroes every penalised coefficient, and alphas at
or above it are certified at that start.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._path_solve import RIDGE_GRID_L1_RATIO, default_alphas, scaled, unpenalised_fit
from ..path import Path, unit_penalty
from ..solvers.cd import CoordinateDescent
from ._data import RowData
from ._wide import (
    GramCache,
    duality_gap,
    gram_of,
    solve_alpha,
    start_state,
    subset,
    warn_if_not_converged,
    wide_data,
)

Vector = NDArray[np.float64]


def wide_path(
    data: RowData, *, l1_ratio: float, alphas: Vector | None, n_alphas: int, eps: float,
    fit_intercept: bool, options: dict[str, Any], feature_names: Any,
) -> Path:
    """The path of ``data`` (more columns than a Gram holds); see the module docstring."""
    if l1_ratio == 0:
        raise ValueError(
            "l1_ratio=0 (ridge) on data wider than the Gram limit: no column can be screened "
            "out of a ridge model, so its solution needs every column at once. Use "
            "l1_ratio > 0, or select features first."
        )
    if options.get("relax"):
        raise ValueError("relax=True is not available on data wider than the Gram limit.")
    wd = wide_data(data, fit_intercept=fit_intercept, standardize=bool(options["standardize"]))
    p = wd.n_features
    unit = unit_penalty(wd, p, l1_ratio, options)
    free = (unit.l1 == 0) & (unit.l2 == 0)
    tol, max_iter = float(options["tol"]), int(options["max_iter"])
    solver = CoordinateDescent(tol=tol, max_iter=max_iter)
    cache: GramCache | None = None
    start = np.zeros(p)
    if free.any():
        cache = gram_of(wd, np.flatnonzero(free).astype(np.int64))
        start[cache.cols] = unpenalised_fit(cache.problem, subset(unit, cache.cols))
    state = start_state(wd, start)
    base = state.sums
    grad = np.zeros(p)
    grad[base.idx] = -base.corr
    need = unit.zero_threshold(grad)
    l1 = unit.l2 * RIDGE_GRID_L1_RATIO if l1_ratio == 0 else unit.l1
    penalised = l1 > 0
    amax = float(np.max(need[penalised] / l1[penalised])) if penalised.any() else 0.0
    grid = default_alphas(amax, n_alphas, eps) if alphas is None else np.asarray(alphas)
    tol_abs = tol * wd.yy
    coefs, gaps, n_iter, rss = [], [], [], []
    for alpha in grid:
        pen = scaled(unit, float(alpha))
        if np.all((need <= pen.l1 * (1 + 1e-12)) | free):
            # The unpenalised start is the solution: certified as it is (exact zeros).
            gap, _, _ = duality_gap(wd, start, base, pen)
            beta, gap, iters, sums = start, max(gap, 0.0), 0, base
        else:
            result, cache = solve_alpha(wd, state, pen, cache, solver=solver,
                                        tol_abs=tol_abs, max_iter=max_iter)
            warn_if_not_converged(result, f"regularization_path at alpha={alpha:.3g}")
            beta, gap, iters, sums = result.beta, result.gap, result.n_iter, state.sums
        coefs.append(beta / wd.x_scale)
        gaps.append(gap)
        n_iter.append(iters)
        rss.append(data.n_rows * sums.rr)
    coef = np.column_stack(coefs) if coefs else np.zeros((p, 0))
    intercepts = (wd.y_mean - wd.x_mean @ coef) if fit_intercept else np.zeros(coef.shape[1])
    return Path(
        alphas=np.asarray(grid, dtype=np.float64), coefs=coef,
        intercepts=np.asarray(intercepts, dtype=np.float64),
        dual_gaps=np.asarray(gaps, dtype=np.float64), tols=np.full(len(grid), tol_abs),
        n_iter=np.asarray(n_iter, dtype=np.int64),
        df=np.count_nonzero(coef, axis=0).astype(np.int64),
        deviance=np.asarray(rss, dtype=np.float64), null_deviance=data.n_rows * base.rr,
        l1_ratio=float(l1_ratio), alpha_max=amax, n_samples=data.n_rows,
        fit_intercept=fit_intercept, feature_names=feature_names, x_scale=wd.column_sd,
        options=options,
    )
