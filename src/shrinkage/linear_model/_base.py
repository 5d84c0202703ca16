"""The shared base of the penalised least-squares estimators.

A subclass only says which penalty it builds and which solvers it offers;
validation, centring, the solve for each target and the fitted attributes
live here once (scikit-learn's and celer's pattern: the estimator hands the
math to a solver).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.extmath import safe_sparse_dot
from sklearn.utils.validation import check_is_fitted

from .._design import CenteredProblem, center_problem
from .._validation import (
    check_alpha,
    check_l1_ratio,
    check_sample_weight,
    validate_estimator_data,
)
from ..penalties import PenaltyArrays, _SeparablePenalty
from ..solvers.base import Solution

SPARSE_FORMATS = ["csc", "csr", "coo", "lil", "dok", "bsr", "dia"]


def store_params(estimator: BaseEstimator, params: dict[str, Any]) -> None:
    """Store ``__init__``'s arguments unchanged, as scikit-learn requires.

    Called as ``store_params(self, locals())`` so that the signature stays
    the single list of parameters.
    """
    for name, value in params.items():
        if name not in ("self", "__class__"):
            setattr(estimator, name, value)


def _check_bool(name: str) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        if not isinstance(value, bool | np.bool_):
            raise TypeError(f"{name} must be True or False, got {value!r}.")

    return check


def _check_positive_int(name: str) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {value!r}.")

    return check


def _check_alpha_param(value: Any) -> None:
    check_alpha(value)


def _check_tol(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, Real) or not 0 <= float(value) < np.inf:
        raise ValueError(
            f"tol must be a number >= 0 (and finite), got {value!r}; the default is 1e-4."
        )


def _check_random_state(value: Any) -> None:
    ok = value is None or isinstance(value, np.random.RandomState | np.random.Generator) or (
        isinstance(value, Integral) and not isinstance(value, bool) and 0 <= int(value) < 2**32
    )
    if not ok:
        raise ValueError(
            f"random_state must be None, an integer in [0, 2**32) or a numpy RandomState; "
            f"got {value!r}. It seeds the coordinate order of selection='random'."
        )


def _check_n_jobs(value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, Integral) or value == 0:
        raise ValueError(
            f"n_jobs must be None (one thread), a positive number of threads, or -1 for one "
            f"per core; got {value!r}."
        )


def _check_choice(name: str, choices: tuple[str, ...]) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        if value not in choices:
            options = ", ".join(map(repr, choices))
            raise ValueError(f"{name} must be one of {options}; got {value!r}.")

    return check


def check_declared_params(estimator: Any) -> None:
    """Run an estimator's ``_parameter_checks`` (name -> check) on its parameters."""
    params = estimator.get_params(deep=False)
    for name, check in estimator._parameter_checks.items():
        if name in params:
            check(params[name])


class PenalizedLinearModel(RegressorMixin, BaseEstimator):
    """Base of Lasso, ElasticNet and Ridge; not for direct use.

    Subclasses define ``_penalty(weight_sum)`` and ``_solver(...)``.
    """

    # name -> check; constraints declared once, checked at the start of fit.
    _parameter_checks: ClassVar[dict[str, Callable[[Any], None]]] = {
        "alpha": _check_alpha_param,
        "fit_intercept": _check_bool("fit_intercept"),
        "max_iter": _check_positive_int("max_iter"),
        "tol": _check_tol,
        "warm_start": _check_bool("warm_start"),
        "positive": _check_bool("positive"),
        "standardize": _check_bool("standardize"),
        "selection": _check_choice("selection", ("cyclic", "random")),
        "random_state": _check_random_state,
    }

    def _validate_params(self) -> None:
        check_declared_params(self)
        if "l1_ratio" in self.get_params(deep=False):
            check_l1_ratio(self.l1_ratio)

    # -- subclass hooks ------------------------------------------------
    def _penalty(self, weight_sum: float) -> _SeparablePenalty:
        raise NotImplementedError

    def _make_solver(self, pen: PenaltyArrays, sparse: bool) -> Any:
        raise NotImplementedError

    # -- fit / predict -------------------------------------------------
    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> PenalizedLinearModel:
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; float32 stays float32, sparse stays sparse.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values; each target is fitted independently.
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weights; only their ratios matter.

        Returns
        -------
        self
        """
        self._validate_params()
        X, y = validate_estimator_data(
            self,
            X,
            y,
            accept_sparse=SPARSE_FORMATS,
            dtype=[np.float64, np.float32],
            y_numeric=True,
            multi_output=True,
        )
        if sp.issparse(X):
            X = sp.csc_matrix(X)
        sw = check_sample_weight(sample_weight, X.shape[0])
        problem = center_problem(
            X, y, sw, fit_intercept=self.fit_intercept, standardize=self.standardize
        )
        return self._fit_problem(problem, y.ndim, X.dtype, sparse=sp.issparse(X))

    def _fit_problem(
        self, problem: CenteredProblem, y_ndim: int, dtype: np.dtype[Any], *, sparse: bool
    ) -> PenalizedLinearModel:
        """Solve an already centred problem and set the fitted attributes.

        The rest of :meth:`fit`, shared with estimators that build the
        problem another way (``shrinkage.distributed``: from statistics).
        """
        n_features = problem.x_mean.shape[0]
        pen = problem.scale_bounds(self._penalty(problem.weight_sum).per_feature(n_features))
        solver = self._make_solver(pen, sparse)
        Y = problem.y if problem.y.ndim > 1 else problem.y[:, None]
        init = self._warm_start_coef(n_features, Y.shape[1], problem)
        coefs, intercepts, solutions = [], [], []
        for k in range(Y.shape[1]):
            solution: Solution = solver.solve(
                problem.design, Y[:, k], pen, coef_init=init[k], n_samples=problem.n_samples
            )
            coef, intercept = problem.to_original(solution.coef, None if y_ndim == 1 else k)
            coefs.append(coef)
            intercepts.append(intercept)
            solutions.append(solution)
        self._set_fitted(y_ndim, dtype, coefs, intercepts, solutions)
        return self

    def _warm_start_coef(
        self, n_features: int, n_targets: int, problem: CenteredProblem
    ) -> list[NDArray[np.float64] | None]:
        previous = getattr(self, "coef_", None) if self.warm_start else None
        if previous is None:
            return [None] * n_targets
        previous = np.atleast_2d(previous)
        if previous.shape != (n_targets, n_features):
            return [None] * n_targets
        return [row.astype(np.float64) * problem.x_scale for row in previous]

    def _set_fitted(
        self,
        y_ndim: int,
        dtype: np.dtype[Any],
        coefs: list[NDArray[np.float64]],
        intercepts: list[float],
        solutions: list[Solution],
    ) -> None:
        coef = np.asarray(coefs, dtype=dtype)
        intercept = np.asarray(intercepts, dtype=dtype)
        gaps = np.array([s.certificate for s in solutions])
        n_iter = [s.n_iter for s in solutions]
        # One target: scalars, as scikit-learn; several: one entry each.
        self.dual_gap_: float | NDArray[np.float64]
        self.n_iter_: int | list[int]
        if y_ndim == 1:
            self.coef_ = coef[0]
            self.intercept_ = intercept[0] if self.fit_intercept else dtype.type(0.0)
            self.dual_gap_ = float(gaps[0])
            self.n_iter_ = n_iter[0]
        else:
            self.coef_ = coef
            self.intercept_ = intercept if self.fit_intercept else np.zeros(len(coefs), dtype)
            self.dual_gap_ = gaps
            self.n_iter_ = n_iter
        self.certificate_kind_ = solutions[0].certificate_kind

    @property
    def sparse_coef_(self) -> sp.csr_matrix:
        """``coef_`` as a sparse matrix (rows are targets)."""
        check_is_fitted(self)
        return sp.csr_matrix(np.atleast_2d(self.coef_))

    def predict(self, X: Any) -> NDArray[np.floating]:
        """Predict with the fitted linear model: ``X @ coef_.T + intercept_``."""
        check_is_fitted(self)
        X = validate_estimator_data(
            self, X, accept_sparse=SPARSE_FORMATS, dtype=[np.float64, np.float32], reset=False
        )
        return safe_sparse_dot(X, self.coef_.T, dense_output=True) + self.intercept_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        return tags


def warn_alpha_zero(name: str) -> None:
    """Coordinate descent without a penalty is least squares done slowly."""
    warnings.warn(
        f"{name} with alpha=0 is ordinary least squares: coordinate descent "
        "converges slowly on it. Use shrinkage.Ridge(alpha=0) or "
        "sklearn.linear_model.LinearRegression instead.",
        UserWarning,
        stacklevel=3,
    )


def iterative_solver(
    name: str, *, tol: float, max_iter: int, selection: str = "cyclic", random_state: Any = None
) -> Any:
    """The iterative solver called ``name``, configured from estimator params."""
    if name == "cd":
        from ..solvers.cd import CoordinateDescent

        seed = int(random_state) if isinstance(random_state, Integral) else None
        if isinstance(random_state, np.random.RandomState):
            seed = int(random_state.randint(2**31))
        elif isinstance(random_state, np.random.Generator):
            seed = int(random_state.integers(2**31))
        return CoordinateDescent(
            tol=tol, max_iter=max_iter, selection=selection, random_state=seed
        )
    if name == "prox_grad":
        from ..solvers.prox_grad import ProximalGradient

        return ProximalGradient(tol=tol, max_iter=max_iter)
    if name == "gradient":
        from ..solvers.gradient import GradientDescent

        return GradientDescent(tol=tol, max_iter=max_iter)
    raise ValueError(f"unknown solver {name!r}")
