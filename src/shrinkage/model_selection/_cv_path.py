"""K-fold cross-validation of whole regularization paths.

Every fold fits the path on its training part over the same grid (computed
once on all the data, as scikit-learn and glmnet do) and scores every alpha
on its held-out part. Folds (and l1_ratios) run in parallel threads: the
compiled kernels release the GIL.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral
from typing import Any

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from numpy.typing import NDArray
from sklearn.model_selection import check_cv
from sklearn.utils.extmath import safe_sparse_dot

from .._design import CenteredProblem, center_problem
from ..path import path_from_problem
from ._fold_gram import block_stats, partitions_rows, training_problem
from ._selection import ErrorFunction, mean_over_folds, standard_error

Vector = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class CVResult:
    """Cross-validated errors along paths.

    Attributes
    ----------
    l1_ratios : ndarray of shape (n_settings,)
    gammas : ndarray of shape (n_settings,)
        Relaxed-lasso mixing of each setting (1 when not relaxed).
    alphas : ndarray of shape (n_settings, n_alphas)
        The grid of each setting, decreasing.
    fold_errors : ndarray of shape (n_settings, n_alphas, n_folds)
        Every fold's error at every alpha: nothing is thrown away.
    mean_error, standard_error : ndarray of shape (n_settings, n_alphas)
        Mean over folds and its standard error ``sd / sqrt(n_folds)``.
    fold_sizes : ndarray of shape (n_folds,)
        Number of held-out samples in each fold.
    scoring : str
        ``"mse"`` or the scorer's name (errors are negated scores).
    """

    l1_ratios: Vector
    gammas: Vector
    alphas: Vector
    fold_errors: Vector
    mean_error: Vector
    standard_error: Vector
    fold_sizes: NDArray[np.int64]
    scoring: str

    def as_dict(self) -> dict[str, Any]:
        """The fields as a dict of arrays (an estimator's ``cv_results_``)."""
        return {
            "l1_ratio": self.l1_ratios,
            "gamma": self.gammas,
            "alphas": self.alphas,
            "fold_errors": self.fold_errors,
            "mean_error": self.mean_error,
            "standard_error": self.standard_error,
            "fold_sizes": self.fold_sizes,
            "scoring": self.scoring,
        }


def make_folds(cv: Any, X: Any, y: Vector, groups: Any, n_samples: int) -> list[tuple[Any, Any]]:
    """The (train, test) index pairs of ``cv`` (None -> 5-fold, int -> KFold)."""
    if n_samples < 2:
        raise ValueError(
            f"cross-validation needs at least 2 samples; got {n_samples} sample. "
            "Fit the plain estimator at a chosen alpha instead."
        )
    if isinstance(cv, Integral) and not isinstance(cv, bool):
        cv = int(cv)
        if cv < 2:
            raise ValueError(f"cv must be at least 2 folds, got cv={cv}.")
        if cv > n_samples:
            raise ValueError(
                f"cv={cv} folds need at least {cv} samples, but there are {n_samples}; "
                f"use cv <= {n_samples} (or leave-one-out: cv={n_samples})."
            )
    folds = list(check_cv(cv, y, classifier=False).split(X, y, groups))
    if not folds:
        raise ValueError("the cross-validation splitter produced no folds.")
    for train, test in folds:
        if len(train) == 0 or len(test) == 0:
            raise ValueError("a cross-validation fold has an empty training or test part.")
    return folds


def _fold_errors(
    X: Any,
    y: Vector,
    sample_weight: Vector | None,
    train: NDArray[np.int64],
    test: NDArray[np.int64],
    l1_ratio: float,
    gammas: Vector,
    alphas: Vector,
    fit_intercept: bool,
    options: dict[str, Any],
    error: ErrorFunction,
    problem: CenteredProblem | None = None,
) -> Vector:
    """Errors ``(n_gammas, n_alphas)`` of one fold's path on its test part.

    ``problem`` is the training problem when it was built from fold
    statistics (``_fold_gram.py``); otherwise it is built from the rows.
    """
    sw_test = None if sample_weight is None else sample_weight[test]
    if problem is None:
        sw_train = None if sample_weight is None else sample_weight[train]
        X_train = X[train]
        if sp.issparse(X_train):
            X_train = sp.csc_matrix(X_train)
        problem = center_problem(
            X_train, y[train], sw_train, fit_intercept=fit_intercept,
            standardize=bool(options.get("standardize", False)),
        )
    relax = bool(np.any(gammas < 1))
    path = path_from_problem(
        problem, l1_ratio=l1_ratio, alphas=alphas, n_alphas=alphas.size, eps=0.5,
        fit_intercept=fit_intercept, options={**options, "relax": relax}, warn=False,
    )
    X_test = X[test]
    out = np.empty((gammas.size, alphas.size))
    for g, gamma in enumerate(gammas):
        coefs, intercepts = path.coefs, path.intercepts
        if gamma < 1:
            assert path.relaxed_coefs is not None and path.relaxed_intercepts is not None
            coefs = gamma * coefs + (1 - gamma) * path.relaxed_coefs
            intercepts = gamma * intercepts + (1 - gamma) * path.relaxed_intercepts
        predictions = safe_sparse_dot(X_test, coefs, dense_output=True) + intercepts
        out[g] = error(y[test], np.asarray(predictions, dtype=np.float64), sw_test)
    return out


def _gram_problems(
    X: Any,
    y: Vector,
    sample_weight: Vector | None,
    folds: list[tuple[Any, Any]],
    fit_intercept: bool,
    options: dict[str, Any],
) -> list[CenteredProblem | None]:
    """Each fold's reduced training problem from fold statistics, where they apply.

    Tall dense float64 data whose held-out parts partition the rows: one
    pass gives every fold's Gram statistics (``_fold_gram.py``), about
    ``K - 1`` times less work than a Gram per training set. Elsewhere (and
    for a fold whose Gram is too ill-conditioned for Cholesky) None: the
    fold is built from its rows.
    """
    none: list[CenteredProblem | None] = [None] * len(folds)
    if sp.issparse(X) or not isinstance(X, np.ndarray) or X.dtype != np.float64:
        return none
    n_rows, p = X.shape
    if min(len(train) for train, _ in folds) <= p or not partitions_rows(folds, n_rows):
        return none
    stats = [
        block_stats(X, y, sample_weight, np.asarray(test), centre=fit_intercept)
        for _, test in folds
    ]
    return [
        training_problem(
            stats, k, standardize=bool(options.get("standardize", False)),
            fit_intercept=fit_intercept, weighted=sample_weight is not None, dtype=X.dtype,
        )
        for k in range(len(folds))
    ]


def cross_validate_path(
    X: Any,
    y: Vector,
    *,
    sample_weight: Vector | None,
    folds: list[tuple[Any, Any]],
    l1_ratios: Vector,
    gammas: Vector,
    alphas: Vector,
    fit_intercept: bool,
    options: dict[str, Any],
    error: ErrorFunction,
    scoring: str,
    n_jobs: int | None,
) -> CVResult:
    """Fold errors for every (l1_ratio, gamma) setting and alpha.

    ``alphas`` has one decreasing grid per l1_ratio, shape
    ``(n_l1_ratios, n_alphas)``. Settings are ordered l1_ratio-major.
    """
    problems = _gram_problems(X, y, sample_weight, folds, fit_intercept, options)
    jobs = (
        delayed(_fold_errors)(
            X, y, sample_weight, train, test, float(l1), gammas, grid,
            fit_intercept, options, error, problems[k],
        )
        for l1, grid in zip(l1_ratios, alphas, strict=True)
        for k, (train, test) in enumerate(folds)
    )
    results = Parallel(n_jobs=n_jobs, prefer="threads")(jobs)
    n_l1, n_folds, n_gammas = len(l1_ratios), len(folds), gammas.size
    # results[l1 * n_folds + fold] has shape (n_gammas, n_alphas).
    stacked = np.asarray(results, dtype=np.float64).reshape(n_l1, n_folds, n_gammas, -1)
    fold_errors = stacked.transpose(0, 2, 3, 1).reshape(n_l1 * n_gammas, -1, n_folds)
    return CVResult(
        l1_ratios=np.repeat(np.asarray(l1_ratios, dtype=np.float64), n_gammas),
        gammas=np.tile(gammas, n_l1),
        alphas=np.repeat(alphas, n_gammas, axis=0),
        fold_errors=fold_errors,
        mean_error=mean_over_folds(fold_errors),
        standard_error=standard_error(fold_errors),
        fold_sizes=np.array([len(test) for _, test in folds], dtype=np.int64),
        scoring=scoring,
    )
