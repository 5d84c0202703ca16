"""Lasso and Elastic-Net on wide Dask data: screening, a working set or FISTA, a local Gram.

Above ``MAX_GRAM_FEATURES`` columns the one-pass Gram of ``_stats`` would
hold ``(p + 1)^2`` numbers per block. Here every pass over the blocks
returns vectors of length p only (``_wide_stats``), and the solution is
found in stages:

1. **Screening.** At any point ``beta`` with its residual sums, the duality
   gap of the problem (the same primal and dual as ``_kernels/gap.py``, in
   units where the weights sum to 1) bounds the distance of the dual point
   to the optimal one: ``||theta* - theta|| <= sqrt(2 gap)`` (the dual is
   1-strongly concave). Column ``j`` whose ``|a_j' theta| + ||a_j||
   sqrt(2 gap)`` is below its L1 weight is zero at the optimum (Fercoq,
   Gramfort and Salmon's gap-safe rule; it holds for the elastic net too,
   whose ridge part only adds a finite conjugate) and is dropped.
2. **Gram of the survivors.** When at most ``MAX_GRAM_FEATURES`` survive,
   one pass of centred statistics of those columns (``_stats``; QR when
   they are collinear, ``_qr``) and the reduced problem is solved locally
   by the compiled Gram kernels, exactly as a tall problem is; screening
   is safe, so that is the full problem's solution.
3. **A working set** when more survive: the support and the survivors
   nearest to entering it, solved on their Gram; each round's certificate
   pass finds the columns that violate the optimality conditions, which
   join the set (the strong-set idea of glmnet and celer). On correlated
   data it needs a handful of passes where a cold first-order method needs
   hundreds (``benchmarks/dask/bench_wide.py``).
4. **FISTA** (Beck and Teboulle) with the screening, only when the working
   set outgrows the Gram: each iteration is one pass that evaluates the
   extrapolated point (its gradient, for the step) and the current iterate
   (its loss, for the backtracking test of the step size, and its gap, for
   the screening); momentum restarts when the objective rises (O'Donoghue
   and Candes). It stops when at most ``MAX_GRAM_FEATURES`` columns
   survive, or when its support has settled (then a working set again).

Every solution is certified by one last pass: the full problem's duality
gap, the certificate reported. Along a path the survivors' Gram is kept: an
alpha whose survivors (screened from the previous alpha's solution, no pass
needed) all lie in it is solved with no pass but the certificate's.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._design import CenteredProblem, is_constant
from .._kernels.gap import conjugate_sum, dual_scale
from ..penalties import PenaltyArrays
from ..solvers.base import convergence_warning
from . import _data
from ._data import RowData
from ._passes import blockwise, stats_pass
from ._problem import check_weight, regression_problem
from ._qr import QRFallback
from ._wide_stats import column_moments, merge_moments, merge_sums, residual_products

Vector = NDArray[np.float64]
IndexArray = NDArray[np.int64]

# Passes FISTA waits for the survivors to shrink once they fit in a Gram,
# or for the support of its iterate to settle.
PATIENCE = 3
# Relative rounding of the gap (sums of order ||y_c||^2 cancel in it).
GAP_ROUNDING = 1e-13
# Working-set rounds after FISTA: Gram of the candidates, certify, add violators.
MAX_ROUNDS = 20
# Columns of the first working set when the screening leaves too many.
WORKING_SET = 64


def gram_cap() -> int:
    """The widest Gram solved locally (read at call time, so a test may lower it)."""
    return int(_data.MAX_GRAM_FEATURES)


@dataclass(frozen=True, eq=False)
class WideData:
    """Rows, their global centring and scales, and what the gap needs of them.

    The fitted design is ``a_ij = (x_ij - x_mean_j) / x_scale_j`` with the
    weights normalised to sum to 1; ``norms[j] = ||a_j||`` and ``yy`` is
    the weighted mean of ``y_c^2``. Constant columns are left out of every
    product (``usable``), as the in-memory problem zeroes them.
    """

    data: RowData
    fit_intercept: bool
    weight: float
    x_mean: Vector
    y_mean: float
    x_scale: Vector
    column_sd: Vector
    norms: Vector
    yy: float
    usable: IndexArray

    @property
    def n_features(self) -> int:
        return int(self.x_mean.shape[0])

    def scale_bounds(self, pen: PenaltyArrays) -> PenaltyArrays:
        """Bounds of original-scale coefficients on the fitted scale."""
        return PenaltyArrays(l1=pen.l1, l2=pen.l2, lower=pen.lower * self.x_scale,
                             upper=pen.upper * self.x_scale)


def wide_data(data: RowData, *, fit_intercept: bool, standardize: bool) -> WideData:
    """One pass of column moments, and the fitted design's centring and scales."""
    moments = blockwise(data, column_moments, merge_moments, centre=fit_intercept)
    check_weight(moments)
    p = data.n_features
    variance = moments.m2[:p] / moments.weight
    mean = moments.mean[:p]
    constant = (is_constant(variance, mean, moments.rows, data.dtype) if fit_intercept
                else variance == 0)
    sd = np.where(constant, 1.0, np.sqrt(variance))
    x_scale = sd if standardize else np.ones(p)
    return WideData(
        data=data, fit_intercept=fit_intercept, weight=float(moments.weight), x_mean=mean,
        y_mean=float(moments.mean[p]), x_scale=x_scale, column_sd=sd,
        norms=np.where(constant, 0.0, np.sqrt(variance) / x_scale),
        yy=float(moments.m2[p] / moments.weight),
        usable=np.flatnonzero(~constant).astype(np.int64),
    )


@dataclass(frozen=True, eq=False)
class Sums:
    """Residual sums of one model, per unit weight; ``corr`` over ``idx``."""

    rr: float
    yr: float
    corr: Vector
    idx: IndexArray


def residual_pass(wd: WideData, betas: list[Vector], idx: IndexArray) -> list[Sums]:
    """One pass: the residual sums of every model in ``betas`` (fitted scale, length p)."""
    support = np.flatnonzero(np.any(np.column_stack(betas) != 0, axis=1)).astype(np.int64)
    coefs = np.column_stack([b[support] for b in betas]).reshape(support.size, len(betas))
    every = idx.size == wd.n_features
    sums = blockwise(
        wd.data, residual_products, merge_sums, coefs=coefs, cols=support,
        out=None if every else idx, x_mean=wd.x_mean, x_scale=wd.x_scale, y_mean=wd.y_mean,
    )
    return [
        Sums(rr=float(sums.rr[q] / wd.weight), yr=float(sums.yr[q] / wd.weight),
             corr=sums.corr[:, q] / wd.weight, idx=idx)
        for q in range(len(betas))
    ]


def subset(pen: PenaltyArrays, idx: IndexArray) -> PenaltyArrays:
    return PenaltyArrays(l1=pen.l1[idx], l2=pen.l2[idx], lower=pen.lower[idx],
                         upper=pen.upper[idx])


def duality_gap(wd: WideData, beta: Vector, sums: Sums, pen: PenaltyArrays) -> tuple[
    float, float, float
]:
    """``(gap, primal, t)`` at ``beta``, the dual point ``t`` times the residual.

    The problem over the columns ``sums.idx`` (``beta`` is 0 elsewhere);
    the primal and dual of ``_kernels/gap.py`` with ``n = 1``.
    """
    sub = subset(pen, sums.idx)
    local = np.arange(sums.idx.size, dtype=np.int64)
    norm = float(wd.norms[sums.idx].max(initial=0.0))
    noise = 1e-12 * norm * np.sqrt(max(sums.rr, 0.0))
    t = dual_scale(sums.corr, sub.l1, sub.l2, sub.lower, sub.upper, local, 1.0, noise)
    conj = conjugate_sum(sums.corr, t, sub.l1, sub.l2, sub.lower, sub.upper, local)
    primal = 0.5 * sums.rr + pen.value(beta)
    dual = t * sums.yr - 0.5 * t * t * sums.rr - conj
    return float(primal - dual), float(primal), float(t)


def survivors(wd: WideData, sums: Sums, gap: float, t: float, pen: PenaltyArrays) -> IndexArray:
    """The columns of ``sums.idx`` the gap-safe rule cannot prove zero.

    At the optimum a column of the support has ``|a_j' theta*|`` equal to
    its L1 weight, so the rule's strict inequality holds there only by
    rounding: the gap (a difference of sums of order ``yy``) is taken as at
    least ``GAP_ROUNDING * yy``, which keeps such columns.
    """
    idx = sums.idx
    radius = np.sqrt(2.0 * max(gap, GAP_ROUNDING * max(wd.yy, 1e-300)))
    l1 = pen.l1[idx]
    zero_allowed = (pen.lower[idx] <= 0) & (pen.upper[idx] >= 0) & (l1 > 0)
    provably_zero = zero_allowed & (np.abs(t * sums.corr) + wd.norms[idx] * radius < l1)
    return idx[~provably_zero]


def kkt_violators(sums: Sums, beta: Vector, pen: PenaltyArrays) -> IndexArray:
    """Columns at 0 whose gradient would move them off 0, largest violation first."""
    idx = sums.idx
    at_zero = beta[idx] == 0
    up = (sums.corr - pen.l1[idx]) * (pen.upper[idx] > 0)
    down = (-sums.corr - pen.l1[idx]) * (pen.lower[idx] < 0)
    excess = np.maximum(up, down)
    bad = at_zero & (excess > 1e-12 * max(float(np.abs(sums.corr).max(initial=0.0)), 1e-300))
    order = np.argsort(-excess[bad], kind="stable")
    return idx[bad][order]


def prox(v: Vector, pen: PenaltyArrays, step: float) -> Vector:
    """The penalty's proximal map, coordinate by coordinate (soft-threshold, shrink, clip)."""
    shrunk = np.sign(v) * np.maximum(np.abs(v) - step * pen.l1, 0.0) / (1.0 + step * pen.l2)
    return np.clip(shrunk, pen.lower, pen.upper)


@dataclass
class State:
    """A point of the path: coefficients (fitted scale, length p) and their full sums."""

    beta: Vector
    sums: Sums
    lipschitz: float
    passes: int = 0


def fista(wd: WideData, state: State, alive: IndexArray, pen: PenaltyArrays, *,
          tol_abs: float, max_passes: int) -> tuple[Vector, IndexArray, int]:
    """FISTA on the columns ``alive`` until few enough columns remain for a Gram.

    Returns the iterate, the columns to solve on and the passes taken. The
    columns are the survivors of the screening once at most ``gram_cap()``
    remain and stop shrinking (safe); or, when the iterate's support has
    not changed for ``PATIENCE`` passes, that support and the survivors
    nearest to entering it (a working set, which the caller verifies).
    """
    x = state.beta.copy()
    x[np.setdiff1d(np.arange(wd.n_features), alive)] = 0.0
    y, momentum, L = x.copy(), 1.0, state.lipschitz
    base: tuple[Vector, float, Vector] | None = None  # (point, loss, gradient) x came from
    previous_objective, waited, settled = np.inf, 0, 0
    support = np.flatnonzero(x)
    for passes in range(1, max_passes + 1):
        at_y, at_x = residual_pass(wd, [y, x], alive)
        if base is not None:
            point, loss, grad = base
            d = x[alive] - point[alive]
            bound = loss + grad @ d + 0.5 * L * (d @ d)
            if 0.5 * at_x.rr > bound + 1e-13 * abs(loss):
                L *= 2.0  # the step was too long: redo it from the same point
                x = _step(point, grad, alive, pen, L, wd.n_features)
                y, momentum = x.copy(), 1.0
                continue
        gap, objective, t = duality_gap(wd, x, at_x, pen)
        kept = survivors(wd, at_x, gap, t, pen)
        waited = 0 if kept.size < alive.size else waited + 1
        if kept.size <= gram_cap() and (waited >= PATIENCE or gap <= tol_abs):
            state.lipschitz = L
            return x, kept, passes
        now = np.flatnonzero(x)
        settled = settled + 1 if np.array_equal(now, support) else 0
        support = now
        if settled >= PATIENCE and 0 < support.size < gram_cap():
            state.lipschitz = L
            return x, working_set(at_x, t, pen, support, kept), passes
        grad_y = -at_y.corr
        if kept.size < alive.size:
            dropped = np.setdiff1d(alive, kept)
            moved = bool(np.any(x[dropped] != 0) or np.any(y[dropped] != 0))
            alive = kept
            x[dropped] = y[dropped] = 0.0
            grad_y = grad_y[np.isin(at_y.idx, alive)]
            if moved:  # the gradients no longer match the points: start again at x
                y, momentum, base = x.copy(), 1.0, None
                continue
        if objective > previous_objective:
            # Adaptive restart: step from x itself, whose gradient the pass gave.
            y, momentum = x.copy(), 1.0
            loss, grad_y = 0.5 * at_x.rr, -at_x.corr[np.isin(at_x.idx, alive)]
        else:
            loss = 0.5 * at_y.rr
        previous_objective = objective
        base = (y.copy(), loss, grad_y)
        new_x = _step(y, grad_y, alive, pen, L, wd.n_features)
        new_momentum = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * momentum**2))
        y = new_x + ((momentum - 1.0) / new_momentum) * (new_x - x)
        x, momentum = new_x, new_momentum
    raise ValueError(
        f"after {max_passes} FISTA passes the gap-safe screening still leaves {alive.size} "
        f"columns, more than the {gram_cap()} a local Gram holds: the solution at this "
        "alpha is too dense for wide data. Use a larger alpha (a shorter path: larger eps), "
        "a larger max_iter, or select features first."
    )


def working_set(sums: Sums, t: float, pen: PenaltyArrays, support: IndexArray,
                kept: IndexArray, size: int | None = None) -> IndexArray:
    """``support`` and the survivors nearest to entering it: ``size`` columns in all.

    By default as many survivors again as the support holds (at least 10),
    within the cap.
    """
    others = np.setdiff1d(kept, support)
    position = np.searchsorted(sums.idx, others)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.abs(t * sums.corr[position]) / pen.l1[others]
    if size is None:
        size = support.size + max(support.size, 10)
    extra = max(min(gram_cap(), size) - support.size, 0)
    extra = min(extra, others.size)
    chosen = others[np.argsort(-score, kind="stable")[:extra]]
    return np.union1d(support, chosen).astype(np.int64)


def _step(point: Vector, grad: Vector, alive: IndexArray, pen: PenaltyArrays, L: float,
          p: int) -> Vector:
    out = np.zeros(p)
    out[alive] = prox(point[alive] - grad / L, subset(pen, alive), 1.0 / L)
    return out


@dataclass(frozen=True, eq=False)
class GramCache:
    """The reduced problem of some columns, from one pass of their centred statistics."""

    cols: IndexArray
    problem: CenteredProblem


def gram_of(wd: WideData, cols: IndexArray) -> GramCache:
    """One pass: the Cholesky-reduced problem of ``[X[:, cols], y]``."""
    data = wd.data
    sub = replace(data, X=data.X[:, cols])
    [total] = stats_pass(sub, centre=wd.fit_intercept)
    problem = regression_problem(
        total, fit_intercept=wd.fit_intercept, standardize=False,
        weighted=data.weights is not None, dtype=data.dtype, x_scale=wd.x_scale[cols],
        qr=QRFallback(sub, centre=wd.fit_intercept),
    )
    return GramCache(cols=cols, problem=problem)


@dataclass(frozen=True)
class AlphaResult:
    """One alpha's solution (fitted scale) and its full-problem certificate."""

    beta: Vector
    gap: float
    tol: float
    primal: float
    n_iter: int
    passes: int


def solve_alpha(
    wd: WideData, state: State, pen: PenaltyArrays, cache: GramCache | None, *,
    solver: Any, tol_abs: float, max_iter: int,
) -> tuple[AlphaResult, GramCache | None]:
    """Screen from ``state``, solve on a Gram (FISTA first if needed), certify; ``state`` moves.

    When more columns survive the screening than a Gram holds, a working
    set is tried first (the support and the survivors nearest to entering
    it, grown by the columns that violate the optimality conditions, each
    round verified by the certificate's pass: celer's and glmnet's strong
    set idea); only if it outgrows the Gram does FISTA run, until its
    screening (or its settled support) leaves few enough columns.
    """
    gap, _, t = duality_gap(wd, state.beta, state.sums, pen)
    alive = survivors(wd, state.sums, gap, t, pen)
    options = {"solver": solver, "tol_abs": tol_abs}
    if alive.size <= gram_cap():
        result, cache = _gram_rounds(wd, state, pen, cache, alive, **options)
        assert result is not None  # a safe set never needs more columns
        return result, cache
    support = np.flatnonzero(state.beta)
    size = min(gram_cap(), max(2 * support.size, WORKING_SET))
    guess = working_set(state.sums, t, pen, support, alive, size)
    result, cache = _gram_rounds(wd, state, pen, cache, guess, **options)
    if result is not None:
        return result, cache
    beta, cols, _ = fista(wd, state, alive, pen, tol_abs=tol_abs, max_passes=max_iter)
    state.beta = beta
    result, cache = _gram_rounds(wd, state, pen, cache, cols, **options)
    if result is None:
        raise ValueError(
            f"the solution at this alpha has more nonzero coefficients than the {gram_cap()} "
            "columns a local Gram holds: it is too dense for wide data. Use a larger alpha "
            "(a shorter path: larger eps), or select features first."
        )
    return result, cache


def _gram_rounds(
    wd: WideData, state: State, pen: PenaltyArrays, cache: GramCache | None, cols: IndexArray,
    *, solver: Any, tol_abs: float,
) -> tuple[AlphaResult | None, GramCache | None]:
    """Solve on the Gram of ``cols``, certify, add violators; None once they outgrow the cap."""
    beta = state.beta
    passes = 0
    if cols.size == 0:  # every column provably zero: no Gram to solve
        return _certified(wd, state, pen, np.zeros(wd.n_features), tol_abs, 0, 0), cache
    for _ in range(MAX_ROUNDS):
        if cache is None or not np.isin(cols, cache.cols).all():
            union = np.union1d(cols, [] if cache is None else cache.cols).astype(np.int64)
            cache = gram_of(wd, union if union.size <= gram_cap() else cols)
            passes += 1
        solution = solver.solve(cache.problem.design, cache.problem.y, subset(pen, cache.cols),
                                coef_init=beta[cache.cols], n_samples=cache.problem.n_samples)
        beta = np.zeros(wd.n_features)
        beta[cache.cols] = solution.coef
        result = _certified(wd, state, pen, beta, tol_abs, int(solution.n_iter), passes)
        # A working set may have missed a column: add those that violate the
        # optimality conditions and solve again (never, after safe screening).
        missing = kkt_violators(state.sums, beta, pen)
        missing = missing[~np.isin(missing, cache.cols)]
        if result.gap <= tol_abs or missing.size == 0:
            return result, cache
        support = np.flatnonzero(beta)
        grow = missing[: max(support.size, WORKING_SET)]
        if support.size + grow.size > gram_cap():
            return None, cache
        cols = np.union1d(support, grow).astype(np.int64)
        if cols.size + cache.cols.size <= gram_cap():
            cols = np.union1d(cols, cache.cols).astype(np.int64)
        passes = 0
    return result, cache


def _certified(wd: WideData, state: State, pen: PenaltyArrays, beta: Vector, tol_abs: float,
               n_iter: int, passes: int) -> AlphaResult:
    """One pass for the full problem's gap at ``beta``; ``state`` moves there."""
    [sums] = residual_pass(wd, [beta], wd.usable)
    gap, primal, _ = duality_gap(wd, beta, sums, pen)
    state.beta, state.sums, state.passes = beta, sums, state.passes + passes + 1
    return AlphaResult(beta=beta, gap=max(gap, 0.0), tol=tol_abs, primal=primal,
                       n_iter=n_iter, passes=passes + 1)


def start_state(wd: WideData, beta: Vector | None = None) -> State:
    """The state at ``beta`` (zero by default), with one pass for its sums."""
    beta = np.zeros(wd.n_features) if beta is None else np.asarray(beta, dtype=np.float64)
    [sums] = residual_pass(wd, [beta], wd.usable)
    return State(beta=beta, sums=sums, lipschitz=float(max(wd.norms.max(initial=0.0), 1e-300)
                                                       ** 2), passes=1)


def warn_if_not_converged(result: AlphaResult, what: str) -> None:
    if result.gap > result.tol:
        warnings.warn(
            f"{what}: the duality gap {result.gap:.3g} is above the tolerance "
            f"{result.tol:.3g} after the Gram solve; increase max_iter or loosen tol.",
            convergence_warning(), stacklevel=3,
        )


def fit_wide(model: Any, data: RowData) -> Any:
    """``Lasso.fit`` / ``ElasticNet.fit`` of a distributed estimator on wide data."""
    wd = wide_data(data, fit_intercept=bool(model.fit_intercept),
                   standardize=bool(model.standardize))
    pen = wd.scale_bounds(model._penalty(wd.weight).per_feature(wd.n_features))
    solver = model._make_solver(pen, False)
    init = None
    previous = getattr(model, "coef_", None) if model.warm_start else None
    if previous is not None and np.shape(previous) == (wd.n_features,):
        init = np.asarray(previous, dtype=np.float64) * wd.x_scale
    state = start_state(wd, init)
    result, _ = solve_alpha(wd, state, pen, None, solver=solver,
                            tol_abs=float(model.tol) * wd.yy, max_iter=int(model.max_iter))
    warn_if_not_converged(result, type(model).__name__)
    return result, wd, state.passes + 1  # and the pass of column moments
