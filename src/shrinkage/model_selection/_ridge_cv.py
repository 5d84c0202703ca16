"""RidgeCV: ridge with alpha chosen by exact leave-one-out, GCV or K-fold CV.

Alphas are on scikit-learn's Ridge scale (raw sample weights)::

    sum_i s_i (y_i - x_i'w - b)^2 + alpha * sum_j f_j w_j^2

The path functions use the Elastic-Net scale ``1/(2W) sum_i s_i r_i^2 +
alpha_enet/2 sum_j f_j w_j^2`` with ``W = sum_i s_i``; multiplying by ``2W``
shows ``alpha_enet = alpha / W``. That is how ``path_`` is stored, and why a
fold whose training weights sum to ``W_f`` is solved at ``alpha / W_f``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from numpy.typing import NDArray
from sklearn.utils.extmath import safe_sparse_dot

from .._design import CenteredProblem, DenseDesign, center_problem
from .._path_solve import solve_path
from ..linear_model._base import (
    PenalizedLinearModel,
    _check_bool,
    _check_choice,
    _check_n_jobs,
    _check_positive_int,
    check_sample_weight,
    store_params,
)
from ..path import Path, check_alphas, path_from_problem, unit_penalty
from ..penalties import L2
from ._cv_path import make_folds
from ._data import validate_one_target
from ._ridge_loo import (
    default_alphas,
    gcv_errors,
    largest_alpha_scale,
    loo_residuals,
    ridge_svd,
    weighted_mean_and_se,
)
from ._selection import (
    ErrorFunction,
    check_rule,
    choose,
    error_function,
    mean_over_folds,
    standard_error,
)

Vector = NDArray[np.float64]
CRITERIA = ("loo", "gcv")
# Sparse X is densified for the leave-one-out shortcut up to this many
# entries (80 MB in float64); beyond, K-fold on the sparse matrix is asked for.
DENSIFY_LIMIT = 10_000_000
# Iterative solves (sparse folds, sparse path_) are certified to this gap,
# relative to ||y||^2 / n: far below any difference between CV errors.
SOLVE_TOL = 1e-10
SOLVE_MAX_ITER = 10_000


def _check_alphas_param(value: Any) -> None:
    if isinstance(value, bool):
        raise ValueError(f"alphas must be None or a sequence of alphas > 0; got {value!r}.")
    if value is not None:
        check_alphas(value)


def _check_rule_param(value: Any) -> None:
    check_rule(value)


def penalty_factors(penalty_factor: Any, n_features: int) -> Vector:
    """Validated factors ``f_j >= 0`` (L2's lowering gives ``l2 = 2 f``)."""
    return np.asarray(L2(0.5, penalty_factor=penalty_factor).per_feature(n_features).l2)


def ridge_fits(
    problem: CenteredProblem, sample_weight: Vector | None, alphas: Vector,
    factor: Vector, fit_intercept: bool,
) -> tuple[Vector, Vector]:
    """Ridge coefficients (n_features, n_alphas) and intercepts, original scale.

    Dense X with every ``f > 0``: all alphas from one SVD. Otherwise (sparse
    X, unpenalised features) the shared path solver at ``alpha / W``: CG for
    sparse X, a direct solve per alpha for dense X.
    """
    if isinstance(problem.design, DenseDesign) and np.all(factor > 0):
        return ridge_svd(problem, sample_weight, factor, fit_intercept).coefs(alphas)
    options = {"penalty_factor": factor}
    unit = unit_penalty(problem, factor.shape[0], 0.0, options)
    fitted = solve_path(
        problem, unit, alphas / problem.weight_sum, tol=SOLVE_TOL, max_iter=SOLVE_MAX_ITER
    )
    coefs = fitted.coefs / problem.x_scale[:, None]
    return coefs, np.asarray(problem.y_mean - problem.x_mean @ coefs, dtype=np.float64)


def _fold_errors(
    X: Any, y: Vector, sample_weight: Vector | None, train: Any, test: Any,
    alphas: Vector, factor: Vector, fit_intercept: bool, standardize: bool,
    error: ErrorFunction,
) -> Vector:
    """One fold: ridge at every alpha on ``train``, its error on ``test``."""
    sw_train = None if sample_weight is None else sample_weight[train]
    sw_test = None if sample_weight is None else sample_weight[test]
    X_train = sp.csc_matrix(X[train]) if sp.issparse(X) else X[train]
    problem = center_problem(
        X_train, y[train], sw_train, fit_intercept=fit_intercept, standardize=standardize
    )
    coefs, intercepts = ridge_fits(problem, sw_train, alphas, factor, fit_intercept)
    predictions = safe_sparse_dot(X[test], coefs, dense_output=True) + intercepts
    return error(y[test], np.asarray(predictions, dtype=np.float64), sw_test)


class RidgeCV(PenalizedLinearModel):
    """Ridge regression with alpha chosen by leave-one-out, GCV or K-fold CV.

    Minimises, as :class:`shrinkage.Ridge` and scikit-learn's ``Ridge``::

        sum_i s_i (y_i - x_i'w - b)^2 + alpha * sum_j f_j w_j^2

    with raw sample weights ``s`` and penalty factors ``f``, at every alpha
    of a grid; the alpha with the best cross-validated error is refitted on
    all the data.

    Parameters
    ----------
    alphas : array-like of float > 0, optional
        The grid, on the scale above (sorted decreasing). By default
        ``n_alphas`` values ``d_max^2 * logspace(2, -6)``, where ``d_max``
        is the largest singular value of the centred X (rows times
        ``sqrt(s_i)``, standardised if asked, column ``j`` divided by
        ``sqrt(f_j)``): from nearly the null model (every direction shrunk
        to at most 1/101 of least squares) to nearly least squares.
    fit_intercept : bool, default=True
        Fit an unpenalised intercept.
    cv : None, int, splitter or iterable, default=None
        None: exact leave-one-out (or GCV, see ``criterion``) from one SVD
        of the centred, weighted X: O(n p min(n, p)) once, then
        O(n min(n, p)) per alpha. An int is ``KFold(cv)``; any scikit-learn
        splitter works (pass ``groups`` to :meth:`fit`). Each fold takes all
        alphas from one SVD of its own centred training data.
    criterion : {"loo", "gcv"}, default="loo"
        With ``cv=None``: ``"loo"`` is the exact leave-one-out error
        ``sum_i s_i e_i^2 / sum_i s_i`` with ``e_i = (y_i - yhat_i) / (1 - H_ii)``
        (exact also for the re-estimated intercept: ridge is a linear
        smoother). ``"gcv"`` is generalized cross-validation,
        ``[sum_i s_i r_i^2 / sum_i s_i] / (1 - tr(H) / n_+)^2`` with ``n_+``
        the samples of positive weight.
    rule : {"min", "1se"}, default="min"
        ``"min"``: the alpha with the smallest error. ``"1se"``: the largest
        alpha whose error is within one standard error of it (glmnet's
        ``lambda.1se``); with leave-one-out the standard error of the mean
        of the per-sample squared errors, ``std(ddof=1) / sqrt(n)``
        (weighted: see ``_ridge_loo.weighted_mean_and_se``). GCV and a
        scorer with ``cv=None`` have no spread: use a K-fold ``cv`` there.
    scoring : str, callable or None, default=None
        None is the (weighted) mean squared error. A scikit-learn scorer is
        applied to the vector of leave-one-out predictions (``cv=None``, as
        scikit-learn's ``RidgeCV``) or to each fold's predictions; the
        error is minus the score. Sample weights are passed to the scorer.
    n_jobs : int or None, default=None
        K-fold folds run in parallel threads (joblib).
    standardize : bool, default=False
        Penalise standardised coefficients, reported on the original scale.
        With ``cv=None`` the scales are computed on all the data and held
        fixed in the leave-one-out shortcut (its one approximation); K-fold
        standardises each fold on its own training part.
    penalty_factor : float or array-like of shape (n_features,), optional
        ``f_j >= 0``. Factors of 0 (unpenalised features) need a K-fold
        ``cv``: the shortcut here scales column ``j`` by ``1/sqrt(f_j)``.
    n_alphas : int, default=100
        Size of the default grid.

    Attributes
    ----------
    alpha_ : float
        The chosen alpha (by ``rule``).
    alpha_min_, alpha_1se_ : float
        The minimising and the one-standard-error alpha (``alpha_1se_`` is
        NaN when no standard error exists: GCV, or a scorer with ``cv=None``).
    best_score_ : float
        Minus the error at ``alpha_`` (scikit-learn's name and sign).
    cv_results_ : dict
        ``alphas`` (decreasing), ``mean_error``, ``standard_error`` (NaN
        where none exists), ``scoring``, ``criterion`` (``"loo"``, ``"gcv"``
        or ``"kfold"``), and either ``loo_errors`` (n_samples, n_alphas):
        squared leave-one-out residuals ``e_i^2``, or ``fold_errors``
        (n_alphas, n_folds) and ``fold_sizes``.
    path_ : Path
        Ridge on all the data along the grid, fitted by
        ``regularization_path(l1_ratio=0)``; its ``alphas`` are on the
        Elastic-Net scale, ``cv_results_["alphas"] / sum(s)``.
    coef_, intercept_ : ndarray, float
        Of the model at ``alpha_`` on all the data, the same as
        ``shrinkage.Ridge(alpha=alpha_)`` with the same settings.
    dual_gap_, n_iter_
        The certificate and iterations of that fit, from ``path_``.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = RidgeCV().fit(X, y)
    >>> model.cv_results_["loo_errors"].shape
    (442, 100)
    >>> bool(RidgeCV(cv=5, rule="1se").fit(X, y).alpha_ >= 0)
    True
    """

    _parameter_checks: ClassVar[dict[str, Callable[[Any], None]]] = {
        "alphas": _check_alphas_param,
        "fit_intercept": _check_bool("fit_intercept"),
        "criterion": _check_choice("criterion", CRITERIA),
        "rule": _check_rule_param,
        "standardize": _check_bool("standardize"),
        "n_alphas": _check_positive_int("n_alphas"),
        "n_jobs": _check_n_jobs,
    }

    def __init__(
        self,
        alphas: Any = None,
        *,
        fit_intercept: bool = True,
        cv: Any = None,
        criterion: str = "loo",
        rule: str = "min",
        scoring: Any = None,
        n_jobs: int | None = None,
        standardize: bool = False,
        penalty_factor: Any = None,
        n_alphas: int = 100,
    ) -> None:
        store_params(self, locals())

    def fit(self, X: Any, y: Any, sample_weight: Any = None, groups: Any = None) -> RidgeCV:
        """Choose alpha, then fit ridge at it on all the data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Sparse X with ``cv=None`` is densified when it has at most
            ``DENSIFY_LIMIT`` (1e7) entries; otherwise use a K-fold ``cv``.
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
            Raw weights (their scale matters, as in scikit-learn's Ridge).
        groups : array-like of shape (n_samples,), optional
            Group labels for group splitters (``GroupKFold``...).

        Returns
        -------
        self
        """
        self._validate_params()
        self._check_combination()
        X, y = self._validate_data_1d(X, y)
        sw = check_sample_weight(sample_weight, X.shape[0])
        factor = penalty_factors(self.penalty_factor, X.shape[1])
        scoring_name, error = error_function(self.scoring)
        if self.cv is None:
            X = self._dense_for_loo(X, factor)
        problem = center_problem(
            X, y, sw, fit_intercept=self.fit_intercept, standardize=self.standardize
        )
        if self.cv is None:
            results = self._leave_one_out(problem, X, y, sw, factor, scoring_name, error)
        else:
            results = self._k_fold(problem, X, y, sw, groups, factor, scoring_name, error)
        self._choose(results)
        self._refit(problem, factor, X.dtype)
        return self

    # -- validation ------------------------------------------------------
    def _check_combination(self) -> None:
        """Settings that are each valid but do not go together."""
        if self.cv is not None and self.criterion == "gcv":
            raise ValueError(
                "criterion='gcv' is the leave-one-out shortcut's alternative and needs "
                "cv=None; with a K-fold cv leave criterion='loo' (it is then unused)."
            )
        if self.criterion == "gcv" and self.rule == "1se":
            raise ValueError(
                "rule='1se' needs a standard error, which GCV does not have; use "
                "criterion='loo' (per-sample errors) or a K-fold cv such as cv=5."
            )
        if self.criterion == "gcv" and self.scoring is not None:
            raise ValueError(
                "criterion='gcv' estimates the mean squared error; leave scoring=None, "
                "or use criterion='loo' to score leave-one-out predictions."
            )

    def _validate_data_1d(self, X: Any, y: Any) -> tuple[Any, Vector]:
        return validate_one_target(
            self, X, y, "Fit one RidgeCV per column (each target may want its own alpha)."
        )

    def _dense_for_loo(self, X: Any, factor: Vector) -> Any:
        """The leave-one-out shortcut needs positive factors and a dense SVD."""
        if np.any(factor == 0):
            raise ValueError(
                "penalty_factor has zeros (unpenalised features), which the "
                "leave-one-out shortcut (cv=None) cannot scale away; use a K-fold "
                "cv such as cv=5."
            )
        if X.shape[0] < 2:
            raise ValueError(
                f"leave-one-out needs at least 2 samples; got {X.shape[0]} sample."
            )
        if not sp.issparse(X):
            return X
        if X.shape[0] * X.shape[1] > DENSIFY_LIMIT:
            raise ValueError(
                f"cv=None densifies sparse X for its SVD, but X has "
                f"{X.shape[0]} x {X.shape[1]} entries (limit {DENSIFY_LIMIT:g}); use "
                "a K-fold cv such as cv=5, which keeps X sparse."
            )
        return X.toarray()

    # -- the two ways of scoring the grid -----------------------------------
    def _grid(self, top: Callable[[], float]) -> Vector:
        if self.alphas is not None:
            return check_alphas(self.alphas)
        return default_alphas(top(), int(self.n_alphas))

    def _leave_one_out(
        self, problem: CenteredProblem, X: Any, y: Vector, sw: Vector | None,
        factor: Vector, scoring_name: str, error: ErrorFunction,
    ) -> dict[str, Any]:
        svd = ridge_svd(problem, sw, factor, self.fit_intercept)
        if self.fit_intercept and svd.n_positive < 2:
            raise ValueError(
                "leave-one-out with an intercept needs at least 2 samples of positive "
                "weight; give more samples a weight > 0."
            )
        alphas = self._grid(svd.largest_alpha_scale)
        results: dict[str, Any] = {"alphas": alphas, "scoring": scoring_name}
        if self.criterion == "gcv":
            results["mean_error"] = gcv_errors(svd, alphas)
            results["standard_error"] = np.full(alphas.size, np.nan)
            results["criterion"] = "gcv"
            return results
        residuals = loo_residuals(svd, X, y, alphas)
        squared = residuals * residuals
        if scoring_name == "mse":
            mean, se = weighted_mean_and_se(squared, sw)
        else:
            if self.rule == "1se":
                raise ValueError(
                    f"rule='1se' with scoring={self.scoring!r} and cv=None has no spread "
                    "to measure (one score of all leave-one-out predictions); use a "
                    "K-fold cv such as cv=5, or scoring=None."
                )
            mean = error(y, y[:, None] - residuals, sw)
            se = np.full(alphas.size, np.nan)
        results.update(mean_error=mean, standard_error=se, loo_errors=squared, criterion="loo")
        return results

    def _k_fold(
        self, problem: CenteredProblem, X: Any, y: Vector, sw: Vector | None, groups: Any,
        factor: Vector, scoring_name: str, error: ErrorFunction,
    ) -> dict[str, Any]:
        folds = make_folds(self.cv, X, y, groups, X.shape[0])
        alphas = self._grid(lambda: largest_alpha_scale(problem, factor))
        jobs = (
            delayed(_fold_errors)(
                X, y, sw, train, test, alphas, factor, self.fit_intercept,
                self.standardize, error,
            )
            for train, test in folds
        )
        per_fold = Parallel(n_jobs=self.n_jobs, prefer="threads")(jobs)
        fold_errors = np.asarray(per_fold, dtype=np.float64).T  # (n_alphas, n_folds)
        return {
            "alphas": alphas, "mean_error": mean_over_folds(fold_errors),
            "standard_error": standard_error(fold_errors), "scoring": scoring_name,
            "criterion": "kfold", "fold_errors": fold_errors,
            "fold_sizes": np.array([len(test) for _, test in folds], dtype=np.int64),
        }

    # -- choice and refit ----------------------------------------------------
    def _choose(self, results: dict[str, Any]) -> None:
        rule = check_rule(self.rule)
        alphas, mean, se = results["alphas"], results["mean_error"], results["standard_error"]
        has_se = bool(np.all(np.isfinite(se)))
        choice = choose(mean, np.where(np.isfinite(se), se, 0.0), alphas)
        self.cv_results_ = results
        self.alpha_min_ = float(alphas[choice.index_min])
        self.alpha_1se_ = float(alphas[choice.index_1se]) if has_se else float("nan")
        self._alpha_index = choice.index_min if rule == "min" else choice.index_1se
        self.alpha_ = float(alphas[self._alpha_index])
        self.best_score_ = -float(mean[self._alpha_index])

    def _refit(self, problem: CenteredProblem, factor: Vector, dtype: Any) -> None:
        alphas = self.cv_results_["alphas"]
        options = {
            "penalty_factor": self.penalty_factor, "lower_bounds": None,
            "upper_bounds": None, "positive": False, "standardize": self.standardize,
            "tol": SOLVE_TOL, "max_iter": SOLVE_MAX_ITER, "relax": False,
        }
        self.path_: Path = path_from_problem(
            problem, l1_ratio=0.0, alphas=alphas / problem.weight_sum,
            n_alphas=alphas.size, eps=0.5, fit_intercept=self.fit_intercept,
            options=options, feature_names=getattr(self, "feature_names_in_", None),
        )
        k = self._alpha_index
        self.coef_ = np.asarray(self.path_.coefs[:, k], dtype=dtype)
        intercept = float(self.path_.intercepts[k]) if self.fit_intercept else 0.0
        self.intercept_ = dtype.type(intercept)
        self.dual_gap_ = float(self.path_.dual_gaps[k])
        self.n_iter_ = int(self.path_.n_iter[k])
        self.certificate_kind_ = "duality_gap"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = False
        return tags
