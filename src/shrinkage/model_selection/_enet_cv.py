"""LassoCV and ElasticNetCV: choose alpha (and l1_ratio) by K-fold CV."""

from __future__ import annotations

from collections.abc import Callable
from numbers import Integral
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from .._design import center_problem
from .._path_solve import alpha_max, default_alphas
from .._validation import check_l1_ratio
from ..linear_model._base import (
    PenalizedLinearModel,
    _check_bool,
    _check_n_jobs,
    _check_positive_int,
    _check_tol,
    check_declared_params,
    check_sample_weight,
    store_params,
)
from ..path import Path, check_alphas, check_grid_size, path_from_problem, unit_penalty
from ._cv_path import CVResult, cross_validate_path, make_folds
from ._data import validate_one_target
from ._selection import check_rule, choose, error_function

Vector = NDArray[np.float64]


def _check_alphas_param(value: Any) -> None:
    if isinstance(value, Integral) and not isinstance(value, bool):
        check_grid_size(value, 0.5)
    elif isinstance(value, bool) or np.ndim(value) == 0:
        raise ValueError(
            f"alphas must be an integer (the number of alphas, e.g. 100) or a sequence of "
            f"alphas; got {value!r}. For a single alpha pass a list, e.g. [{value!r}]."
        )
    else:
        check_alphas(value)


def _check_rule_param(value: Any) -> None:
    check_rule(value)


def _check_eps(value: Any) -> None:
    check_grid_size(1, value)


def _check_gammas(value: Any) -> None:
    if isinstance(value, bool):
        raise ValueError(f"gammas must be a list of values in [0, 1], got {value!r}.")
    grid = np.atleast_1d(np.asarray(value, dtype=np.float64))
    if grid.ndim != 1 or grid.size == 0 or np.any(~((grid >= 0) & (grid <= 1))):
        raise ValueError(f"gammas must be a non-empty list of values in [0, 1], got {value!r}.")


def _check_l1_ratios(value: Any) -> None:
    for ratio in np.atleast_1d(np.asarray(value, dtype=object)):
        check_l1_ratio(ratio)


class ElasticNetCV(PenalizedLinearModel):
    """Elastic-Net with alpha and l1_ratio chosen by cross-validation.

    For every ``l1_ratio`` the whole path is fitted on each fold's training
    part (over one grid computed on all the data) and scored on its
    held-out part; the chosen model is then read off the path refitted on
    all the data. The objective is :class:`shrinkage.ElasticNet`'s.

    Parameters
    ----------
    l1_ratio : float or list of float, default=0.5
        Values in [0, 1] to try (1 is the Lasso). For 0, the grid follows
        glmnet: it starts at the alpha_max of l1_ratio=1e-3.
    eps : float, default=1e-3
        ``alpha_min / alpha_max`` of the default grids.
    alphas : int or array-like, default=100
        Number of alphas per default grid, or the grid itself (scikit-learn
        1.9's convention).
    fit_intercept, max_iter, tol, positive, penalty_factor, lower_bounds,
    upper_bounds, standardize
        As in :class:`shrinkage.ElasticNet`.
    cv : int, splitter or iterable, default=None
        5-fold by default; an int is ``KFold(cv)``; any scikit-learn
        splitter (pass ``groups`` to ``fit`` for group splitters).
    rule : {"min", "1se"}, default="min"
        ``"min"``: the alpha with the smallest mean CV error. ``"1se"``: the
        largest alpha whose mean error is within one standard error of that
        minimum (glmnet's ``lambda.1se``), taken on the l1_ratio of the
        minimum. Both are always reported.
    scoring : str, callable or None, default=None
        None is the (weighted) mean squared error; any scikit-learn scorer
        name or callable is accepted (its score is negated into an error).
    n_jobs : int or None, default=None
        Folds and l1_ratios run in parallel threads (joblib).
    relax : bool, default=False
        Also cross-validate glmnet's relaxed fits: each support refitted
        without penalty and mixed with weight ``1 - gamma``.
    gammas : list of float, default=(0, 0.25, 0.5, 0.75, 1)
        Mixing values tried when ``relax=True``.

    Attributes
    ----------
    alpha_, l1_ratio_ : float
        The chosen penalty (by ``rule``).
    gamma_ : float
        The chosen relaxed mixing (1 when ``relax=False``).
    alpha_min_, alpha_1se_ : float
        The minimising and the one-standard-error alpha.
    cv_results_ : dict
        ``l1_ratio``, ``gamma``, ``alphas`` (n_settings, n_alphas),
        ``fold_errors`` (n_settings, n_alphas, n_folds), ``mean_error``,
        ``standard_error``, ``fold_sizes``, ``scoring``.
    alphas_ : ndarray
        The grids, shaped as scikit-learn's (1-D for one l1_ratio).
    mse_path_ : ndarray
        ``fold_errors`` in scikit-learn's shape (when scoring is the MSE
        and ``relax=False``).
    path_ : Path
        The path of the chosen l1_ratio refitted on all the data.
    coef_, intercept_, dual_gap_, n_iter_
        Of the chosen model.
    """

    _parameter_checks: ClassVar[dict[str, Callable[[Any], None]]] = {
        "fit_intercept": _check_bool("fit_intercept"),
        "max_iter": _check_positive_int("max_iter"),
        "tol": _check_tol,
        "positive": _check_bool("positive"),
        "standardize": _check_bool("standardize"),
        "relax": _check_bool("relax"),
        "alphas": _check_alphas_param,
        "eps": _check_eps,
        "rule": _check_rule_param,
        "gammas": _check_gammas,
        "l1_ratio": _check_l1_ratios,
        "n_jobs": _check_n_jobs,
    }

    def __init__(
        self,
        *,
        l1_ratio: float | list[float] = 0.5,
        eps: float = 1e-3,
        alphas: int | Any = 100,
        fit_intercept: bool = True,
        max_iter: int = 1000,
        tol: float = 1e-4,
        cv: Any = None,
        rule: str = "min",
        scoring: Any = None,
        n_jobs: int | None = None,
        positive: bool = False,
        penalty_factor: Any = None,
        lower_bounds: Any = None,
        upper_bounds: Any = None,
        standardize: bool = False,
        relax: bool = False,
        gammas: Any = (0.0, 0.25, 0.5, 0.75, 1.0),
    ) -> None:
        store_params(self, locals())

    def _validate_params(self) -> None:
        check_declared_params(self)

    def _l1_ratios(self) -> Vector:
        return np.atleast_1d(np.asarray(self.l1_ratio, dtype=np.float64))

    def _options(self) -> dict[str, Any]:
        return {
            "penalty_factor": self.penalty_factor, "lower_bounds": self.lower_bounds,
            "upper_bounds": self.upper_bounds, "positive": self.positive,
            "standardize": self.standardize, "tol": float(self.tol),
            "max_iter": int(self.max_iter), "relax": False,
        }

    def fit(self, X: Any, y: Any, sample_weight: Any = None, groups: Any = None) -> ElasticNetCV:
        """Cross-validate the paths, then refit the chosen one on all the data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
            Used in every fold's fit and in its held-out error.
        groups : array-like of shape (n_samples,), optional
            Group labels for group splitters (``GroupKFold``...).

        Returns
        -------
        self
        """
        self._validate_params()
        X, y = self._validate_data_1d(X, y)
        sw = check_sample_weight(sample_weight, X.shape[0])
        scoring_name, error = error_function(self.scoring)
        folds = make_folds(self.cv, X, y, groups, X.shape[0])
        options = self._options()
        problem = center_problem(
            X, y, sw, fit_intercept=self.fit_intercept, standardize=self.standardize
        )
        l1_ratios = self._l1_ratios()
        grids = self._grids(problem, l1_ratios, options)
        gammas = (
            np.unique(np.asarray(self.gammas, dtype=np.float64))[::-1]
            if self.relax else np.ones(1)
        )
        result = cross_validate_path(
            X, y, sample_weight=sw, folds=folds, l1_ratios=l1_ratios, gammas=gammas,
            alphas=grids, fit_intercept=self.fit_intercept, options=options, error=error,
            scoring=scoring_name, n_jobs=self.n_jobs,
        )
        self._choose(result)
        self.path_: Path = path_from_problem(
            problem, l1_ratio=self.l1_ratio_, alphas=grids[self._l1_index],
            n_alphas=grids.shape[1], eps=0.5, fit_intercept=self.fit_intercept,
            options={**options, "relax": self.relax},
            feature_names=getattr(self, "feature_names_in_", None),
        )
        self._set_from_path(X.dtype, scoring_name, grids)
        return self

    def _validate_data_1d(self, X: Any, y: Any) -> tuple[Any, Vector]:
        return validate_one_target(self, X, y)

    def _grids(self, problem: Any, l1_ratios: Vector, options: dict[str, Any]) -> Vector:
        n_features = problem.x_mean.shape[0]
        if not (isinstance(self.alphas, Integral) and not isinstance(self.alphas, bool)):
            grid = check_alphas(self.alphas)
            return np.tile(grid, (l1_ratios.size, 1))
        rows = []
        for l1 in l1_ratios:
            unit = unit_penalty(problem, n_features, float(l1), options)
            amax = alpha_max(problem, unit, float(l1))
            rows.append(default_alphas(amax, int(self.alphas), self.eps))
        return np.asarray(rows)

    def _choose(self, result: CVResult) -> None:
        rule = check_rule(self.rule)
        choices = [
            choose(result.mean_error[s], result.standard_error[s], result.alphas[s])
            for s in range(result.mean_error.shape[0])
        ]
        best = min(
            range(len(choices)),
            key=lambda s: (result.mean_error[s][choices[s].index_min], -result.gammas[s]),
        )
        choice = choices[best]
        self.cv_results_ = result.as_dict()
        self.l1_ratio_ = float(result.l1_ratios[best])
        self.gamma_ = float(result.gammas[best])
        self.alpha_min_ = float(result.alphas[best][choice.index_min])
        self.alpha_1se_ = float(result.alphas[best][choice.index_1se])
        self.alpha_ = self.alpha_min_ if rule == "min" else self.alpha_1se_
        self._alpha_index = choice.index_min if rule == "min" else choice.index_1se
        self._l1_index = int(np.flatnonzero(self._l1_ratios() == self.l1_ratio_)[0])
        self._result = result

    def _set_from_path(self, dtype: Any, scoring_name: str, grids: Vector) -> None:
        path, k = self.path_, self._alpha_index
        coef, intercept = path.coefs[:, k], float(path.intercepts[k])
        if self.gamma_ < 1:
            assert path.relaxed_coefs is not None and path.relaxed_intercepts is not None
            coef = self.gamma_ * coef + (1 - self.gamma_) * path.relaxed_coefs[:, k]
            intercept = self.gamma_ * intercept + (1 - self.gamma_) * path.relaxed_intercepts[k]
        self.coef_ = np.asarray(coef, dtype=dtype)
        self.intercept_ = dtype.type(intercept) if self.fit_intercept else dtype.type(0.0)
        self.dual_gap_ = float(path.dual_gaps[k])
        self.n_iter_ = int(path.n_iter[k])
        self.certificate_kind_ = "duality_gap"
        self.alphas_ = grids[0] if grids.shape[0] == 1 else grids
        result = self._result
        if scoring_name == "mse" and not self.relax:
            errors = result.fold_errors
            self.mse_path_ = errors[0] if errors.shape[0] == 1 else errors

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = False
        return tags


class LassoCV(ElasticNetCV):
    """The Lasso with alpha chosen by cross-validation.

    :class:`ElasticNetCV` with ``l1_ratio=1``; parameters and attributes are
    the same without ``l1_ratio``. The objective is
    :class:`shrinkage.Lasso`'s.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = LassoCV(cv=5, rule="1se").fit(X, y)
    >>> bool(model.alpha_1se_ >= model.alpha_min_)
    True
    """

    def __init__(
        self,
        *,
        eps: float = 1e-3,
        alphas: int | Any = 100,
        fit_intercept: bool = True,
        max_iter: int = 1000,
        tol: float = 1e-4,
        cv: Any = None,
        rule: str = "min",
        scoring: Any = None,
        n_jobs: int | None = None,
        positive: bool = False,
        penalty_factor: Any = None,
        lower_bounds: Any = None,
        upper_bounds: Any = None,
        standardize: bool = False,
        relax: bool = False,
        gammas: Any = (0.0, 0.25, 0.5, 0.75, 1.0),
    ) -> None:
        store_params(self, locals())

    def _l1_ratios(self) -> Vector:
        return np.ones(1)

