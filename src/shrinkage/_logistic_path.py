"""The logistic (binomial and multinomial) regularization path.

``regularization_path(X, y, loss="logistic")`` lands here. The objective
at each alpha is :class:`shrinkage.LogisticRegression`'s::

    1 / sum(s) * sum_i s_i loss_i
        + alpha * sum_j f_j (l1_ratio |w_j| + (1 - l1_ratio) / 2 w_j^2)

with ``loss_i`` the binary logistic loss (two classes, the second one
positive, as scikit-learn) or the softmax loss (more classes; every
coefficient ``W_jk`` is penalised, glmnet's "ungrouped" multinomial, or
with ``options["grouped"]`` each feature's row as a group).
Solves are certified proximal Newton, warm-started from one alpha to the
next; above ``alpha_max`` the intercept(-and-unpenalised)-only fit is the
solution, so the top of the path holds exact zeros.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from ._logistic_compiled import compiled_logistic_applies, compiled_logistic_path
from ._logistic_problem import (
    GROUPED_EPOCHS_PER_ITER,
    LogisticProblem,
    _weighted_std,
    logistic_alpha_max,
    logistic_gradient,
    logistic_zero_thresholds,
    make_logistic_problem,
    solve_logistic,
    unpenalised_logistic_fit,
)
from ._path_input import plain_float_matrix
from ._path_solve import RIDGE_GRID_L1_RATIO, default_alphas, scaled
from ._validation import _with_fix, check_real_values
from .path import SPARSE_FORMATS, Path, check_grid_size, unit_penalty
from .penalties import PenaltyArrays
from .solvers.base import convergence_warning
from .solvers.prox_newton import LogisticSolution

Vector = NDArray[np.float64]

# The keys of Path.options for a logistic path: regularization_path's own
# keyword arguments, so that an exact refit can pass them back.
OPTION_KEYS = (
    "penalty_factor", "lower_bounds", "upper_bounds", "positive", "standardize", "tol",
    "max_iter",
)


def default_logistic_eps(n_samples: int, n_features: int) -> float:
    """``alpha_min / alpha_max`` of a default logistic grid.

    ``1e-3`` (the least-squares default) when ``n_samples >= n_features``;
    ``1e-2`` otherwise, as glmnet: with more features than samples the
    classes become separable as alpha falls, the coefficients grow without
    bound and the deviance tends to 0, so the far end of a long grid only
    costs solver time.
    """
    return 1e-2 if n_samples < n_features else 1e-3


def check_labels(y: Any) -> tuple[NDArray[Any], NDArray[np.int64]]:
    """``(classes, codes)``: sorted class labels and each sample's index into them."""
    from sklearn.utils.multiclass import check_classification_targets
    from sklearn.utils.validation import column_or_1d

    y = column_or_1d(y, warn=True)
    try:
        check_classification_targets(y)
    except ValueError as exc:
        raise ValueError(
            f"{exc} loss='logistic' needs class labels (integers, strings or booleans), "
            "not a continuous target; use loss='squared' for regression."
        ) from None
    classes, codes = np.unique(y, return_inverse=True)
    if classes.size < 2:
        raise ValueError(
            f"y has a single class ({classes[0]!r}); a classifier needs samples of at "
            "least two classes."
        )
    return classes, np.asarray(codes, dtype=np.int64).ravel()


def validate_classification_data(X: Any, y: Any) -> tuple[Any, NDArray[Any], NDArray[np.int64]]:
    """Checked float64 X (CSC when sparse), the classes and the label codes."""
    from sklearn.utils.validation import check_array, check_consistent_length

    if not plain_float_matrix(X, (np.float64,)):
        check_real_values(X, "X")
        try:
            X = check_array(X, accept_sparse=SPARSE_FORMATS, dtype=np.float64)
        except ValueError as exc:
            fixed = _with_fix(exc)
            if fixed is exc:
                raise
            raise fixed from None
    check_consistent_length(X, y)
    classes, codes = check_labels(y)
    if sp.issparse(X):
        X = sp.csc_matrix(X)
    return X, classes, codes


def _check_weighted_classes(
    classes: NDArray[Any], codes: NDArray[np.int64], sw: Vector | None, fit_intercept: bool
) -> None:
    """Sample weights must leave two classes with weight (as LogisticRegression)."""
    if sw is None:
        return
    totals = np.bincount(codes, weights=sw, minlength=classes.size)
    kept = np.flatnonzero(totals > 0)
    if kept.size < 2:
        only = ", ".join(repr(_plain(c)) for c in classes[kept]) or "none"
        raise ValueError(
            "regularization_path(loss='logistic') needs at least two classes with positive "
            f"sample weight; only class {only} has any. Give the samples of another class "
            "a positive weight, or drop the classes that have none."
        )
    if fit_intercept and kept.size < classes.size:
        empty = repr(_plain(classes[np.flatnonzero(totals == 0)[0]]))
        raise ValueError(
            f"class {empty} has zero total sample weight: with an intercept its log-odds "
            "would go to -inf. Drop its samples from X and y, or give them positive weight."
        )


def _plain(value: Any) -> Any:
    """A label as the user wrote it (``2``, ``'a'``), not ``np.int64(2)``."""
    return value.item() if isinstance(value, np.generic) else value


def logistic_unit_penalty(
    problem: LogisticProblem, l1_ratio: float, options: dict[str, Any]
) -> PenaltyArrays:
    """The penalty at ``alpha = 1`` on the fitted scale (bounds rescaled)."""
    return unit_penalty(problem, problem.n_features, l1_ratio, options)


def logistic_path_alpha_max(
    problem: LogisticProblem, l1_ratio: float, options: dict[str, Any],
    base: LogisticSolution | None = None, grad: Vector | None = None,
) -> float:
    """Where the default grid starts: the smallest alpha with every penalised coefficient 0.

    For ``l1_ratio == 0`` no alpha zeroes the model; as glmnet (and the
    least-squares path) the value for ``l1_ratio = 1e-3`` is used. ``grad``
    is the loss's gradient at ``base``, when the caller has it.
    """
    ratio = RIDGE_GRID_L1_RATIO if l1_ratio == 0 else l1_ratio
    unit = logistic_unit_penalty(problem, ratio, options)
    return logistic_alpha_max(problem, unit, base, grouped=_grouped(problem, options),
                              grad=grad)


def _grouped(problem: LogisticProblem, options: dict[str, Any]) -> bool:
    """Whether the path penalises each feature's row of coefficients as a group."""
    return bool(options.get("grouped", False)) and not problem.binary


def logistic_path_from_problem(
    problem: LogisticProblem,
    *,
    l1_ratio: float,
    alphas: Vector | None,
    n_alphas: int,
    eps: float,
    options: dict[str, Any],
    classes: NDArray[Any],
    feature_names: NDArray[np.object_] | None = None,
    warn: bool = True,
) -> Path:
    """The path on an already built :class:`LogisticProblem` (CV folds call this)."""
    tol = float(options.get("tol", 1e-4))
    max_iter = int(options.get("max_iter", 1000))
    unit = logistic_unit_penalty(problem, l1_ratio, options)
    base = unpenalised_logistic_fit(problem, unit)
    grad = logistic_gradient(problem, base.coef, base.intercept)
    amax = logistic_path_alpha_max(problem, l1_ratio, options, base, grad)
    grid = default_alphas(amax, n_alphas, eps) if alphas is None else np.asarray(alphas)
    grouped = _grouped(problem, options)
    if grouped:
        max_iter *= GROUPED_EPOCHS_PER_ITER
    need = logistic_zero_thresholds(problem, unit, base, grouped, grad)
    free = (unit.l1 == 0) & (unit.l2 == 0)
    # At or above alpha_max the unpenalised fit is the solution: it is
    # certified as it is (no Newton step), so the zeros are exact.
    at_top = np.array(
        [bool(np.all((need <= float(a) * unit.l1 * (1 + 1e-12)) | free)) for a in grid],
        dtype=np.bool_,
    )
    deviance = None
    if not grouped and compiled_logistic_applies(problem, unit):
        solutions, losses = compiled_logistic_path(
            problem, unit, np.asarray(grid, dtype=np.float64), at_top, base, tol=tol,
            max_iter=max_iter,
        )
        deviance = 2.0 * problem.labels.shape[0] * losses
    else:
        solutions = _python_path(problem, unit, grid, at_top, base, tol, max_iter, grouped)
    return _path_of_solutions(
        problem, solutions, grid, amax, l1_ratio, options, classes, feature_names, base, warn,
        deviance,
    )


def _python_path(
    problem: LogisticProblem, unit: PenaltyArrays, grid: Vector, at_top: NDArray[np.bool_],
    base: LogisticSolution, tol: float, max_iter: int, grouped: bool,
) -> list[LogisticSolution]:
    """One proximal Newton (or grouped CD) solve per alpha, warm-started."""
    coef, intercept = base.coef, base.intercept
    solutions = []
    for alpha, top in zip(grid, at_top, strict=True):
        pen = scaled(unit, float(alpha))
        if top:
            solution = solve_logistic(
                problem, pen, tol=tol, max_iter=0, coef_init=base.coef,
                intercept_init=base.intercept, warn=False, grouped=grouped,
            )
        else:
            solution = solve_logistic(
                problem, pen, tol=tol, max_iter=max_iter, coef_init=coef,
                intercept_init=intercept, warn=False, grouped=grouped,
            )
        coef, intercept = solution.coef, solution.intercept
        solutions.append(solution)
    return solutions


def _path_of_solutions(
    problem: LogisticProblem, solutions: list[LogisticSolution], grid: Vector, amax: float,
    l1_ratio: float, options: dict[str, Any], classes: NDArray[Any],
    feature_names: NDArray[np.object_] | None, base: LogisticSolution, warn: bool,
    deviance: Vector | None = None,
) -> Path:
    """The :class:`Path` of one solution per alpha (and the convergence warning).

    ``deviance`` is each solution's deviance when the solver has it.
    """
    gaps = np.array([s.certificate for s in solutions], dtype=np.float64)
    tols = np.array([s.tol for s in solutions], dtype=np.float64)
    if warn and np.any(gaps > tols):
        bad = np.flatnonzero(gaps > tols)
        warnings.warn(
            f"the solver did not converge at {bad.size} of {grid.size} alphas "
            f"(smallest unconverged alpha {grid[bad[-1]]:.3g}, duality gap "
            f"{gaps[bad[-1]]:.3g} > {tols[bad[-1]]:.3g}). Increase max_iter, loosen tol, "
            "shorten the grid (larger eps) or standardize=True.",
            convergence_warning(),
            stacklevel=5,
        )
    # Fitted-scale coefficients, one slice per alpha on the last axis.
    fitted = np.stack([s.coef for s in solutions], axis=-1)
    scale = problem.x_scale[:, None] if problem.binary else problem.x_scale[:, None, None]
    coefs = fitted / scale
    intercepts = np.stack([np.asarray(s.intercept, dtype=np.float64) for s in solutions], axis=-1)
    if not problem.binary:
        # A common shift of the softmax intercepts changes nothing: report the
        # ones that sum to 0, as shrinkage.LogisticRegression does.
        intercepts = intercepts - intercepts.mean(axis=0)
    nonzero = coefs != 0 if problem.binary else np.any(coefs != 0, axis=1)
    if np.all(problem.x_scale == 1.0):
        x_scale = _weighted_std(problem.data.X, problem.sample_weight, problem.fit_intercept)
    else:
        # Standardised: the fitted columns have unit spread (or were constant).
        x_scale = np.ones(problem.n_features)
    if deviance is None:
        deviance = np.array(
            [problem.deviance(s.coef, s.intercept) for s in solutions], dtype=np.float64
        )
    return Path(
        alphas=np.asarray(grid, dtype=np.float64),
        coefs=coefs,
        intercepts=intercepts,
        dual_gaps=gaps,
        tols=tols,
        n_iter=np.array([s.n_iter for s in solutions], dtype=np.int64),
        df=np.count_nonzero(nonzero, axis=0).astype(np.int64),
        deviance=deviance,
        null_deviance=problem.deviance(base.coef, base.intercept),
        l1_ratio=float(l1_ratio),
        alpha_max=amax,
        n_samples=int(problem.labels.shape[0]),
        fit_intercept=problem.fit_intercept,
        feature_names=feature_names,
        x_scale=x_scale * problem.x_scale,
        options={key: options[key] for key in OPTION_KEYS if key in options},
        loss="logistic",
        classes=classes,
    )


def logistic_regularization_path(
    X: Any,
    y: Any,
    *,
    l1_ratio: float,
    alphas: Vector | None,
    n_alphas: int,
    eps: float | None,
    fit_intercept: bool,
    sample_weight: Any,
    options: dict[str, Any],
    feature_names: NDArray[np.object_] | None,
) -> Path:
    """:func:`shrinkage.regularization_path` for ``loss="logistic"`` (validated scalars)."""
    from .linear_model._base import check_sample_weight

    X, classes, codes = validate_classification_data(X, y)
    n_samples, n_features = X.shape
    if eps is None:
        eps = default_logistic_eps(n_samples, n_features)
    n_alphas, eps = check_grid_size(n_alphas, eps)
    sw = check_sample_weight(sample_weight, n_samples)
    _check_weighted_classes(classes, codes, sw, fit_intercept)
    problem = make_logistic_problem(
        X, codes, classes.size, sw, fit_intercept=fit_intercept,
        standardize=bool(options.get("standardize", False)),
    )
    return logistic_path_from_problem(
        problem, l1_ratio=l1_ratio, alphas=alphas, n_alphas=n_alphas, eps=eps,
        options=options, classes=classes, feature_names=feature_names,
    )
