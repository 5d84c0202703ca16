"""Elastic-Net and Lasso regression with scikit-learn's objective."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from ..penalties import L1, PenaltyArrays, _SeparablePenalty
from ..penalties import ElasticNet as ElasticNetPenalty
from ._base import (
    PenalizedLinearModel,
    _check_choice,
    iterative_solver,
    store_params,
    warn_alpha_zero,
)

_SOLVERS = ("cd", "prox_grad", "gradient")


class ElasticNet(PenalizedLinearModel):
    """Linear regression with a combined L1 and L2 penalty.

    Minimises, exactly as :class:`sklearn.linear_model.ElasticNet`::

        1 / (2 n) * sum_i s_i (y_i - x_i'w - b)^2
            + alpha * sum_j f_j (l1_ratio |w_j| + (1 - l1_ratio) / 2 w_j^2)

    with sample weights ``s`` normalised to sum to ``n`` and penalty factors
    ``f`` (default 1), subject to ``lower_bounds <= w <= upper_bounds``.

    Parameters
    ----------
    alpha : float, default=1.0
        Penalty strength, >= 0.
    l1_ratio : float, default=0.5
        Mix in [0, 1]: 1 is the Lasso, 0 is ridge.
    fit_intercept : bool, default=True
        Fit an unpenalised intercept ``b``.
    max_iter : int, default=1000
        Maximum number of epochs.
    tol : float, default=1e-4
        Stop when the duality gap is below ``tol * ||y||^2 / n``
        (scikit-learn's criterion; y centred and weighted).
    warm_start : bool, default=False
        Start from the previous ``coef_``.
    positive : bool, default=False
        Constrain the coefficients to be >= 0.
    selection : {"cyclic", "random"}, default="cyclic"
        Coordinate order in each epoch.
    random_state : int or None, default=None
        Seed for ``selection="random"``.
    solver : {"cd", "prox_grad", "gradient"}, default="cd"
        Working-set coordinate descent with screening; proximal gradient
        (FISTA); or plain subgradient descent (teaching only: no exact zeros).
    penalty_factor : array-like of shape (n_features,), optional
        Per-feature multipliers ``f_j >= 0`` of the penalty (glmnet's
        ``penalty.factor``); 0 leaves a feature unpenalised.
    lower_bounds, upper_bounds : float or array-like, optional
        Bounds on the coefficients (original scale); they must contain 0.
    standardize : bool, default=False
        Fit on columns scaled to unit weighted variance, report coefficients
        on the original scale (glmnet's default behaviour).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    dual_gap_ : float or ndarray
        The certificate: duality gap of the fitted scale's objective.
    n_iter_ : int or list of int
        Epochs run.
    sparse_coef_ : scipy.sparse matrix
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when X has string column names.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = ElasticNet(alpha=0.01, l1_ratio=0.7).fit(X, y)
    >>> model.dual_gap_ <= model.tol * ((y - y.mean()) ** 2).mean()
    True
    """

    _parameter_checks: ClassVar[dict[str, Callable[[Any], None]]] = {
        **PenalizedLinearModel._parameter_checks,
        "solver": _check_choice("solver", _SOLVERS),
    }

    def __init__(
        self,
        alpha: float = 1.0,
        *,
        l1_ratio: float = 0.5,
        fit_intercept: bool = True,
        max_iter: int = 1000,
        tol: float = 1e-4,
        warm_start: bool = False,
        positive: bool = False,
        selection: str = "cyclic",
        random_state: Any = None,
        solver: str = "cd",
        penalty_factor: Any = None,
        lower_bounds: Any = None,
        upper_bounds: Any = None,
        standardize: bool = False,
    ) -> None:
        store_params(self, locals())

    def _penalty(self, weight_sum: float) -> _SeparablePenalty:
        return ElasticNetPenalty(
            self.alpha,
            l1_ratio=self.l1_ratio,
            penalty_factor=self.penalty_factor,
            lower_bounds=self.lower_bounds,
            upper_bounds=self.upper_bounds,
            positive=self.positive,
        )

    def _make_solver(self, pen: PenaltyArrays, sparse: bool) -> Any:
        if self.alpha == 0 and self.solver == "cd":
            warn_alpha_zero(type(self).__name__)
        return iterative_solver(
            self.solver,
            tol=self.tol,
            max_iter=self.max_iter,
            selection=self.selection,
            random_state=self.random_state,
        )


class Lasso(ElasticNet):
    """Linear regression with an L1 penalty (the Lasso).

    Minimises, exactly as :class:`sklearn.linear_model.Lasso`::

        1 / (2 n) * sum_i s_i (y_i - x_i'w - b)^2 + alpha * sum_j f_j |w_j|

    subject to ``lower_bounds <= w <= upper_bounds``. Parameters and
    attributes are those of :class:`ElasticNet` without ``l1_ratio``.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> X, y = load_diabetes(return_X_y=True)
    >>> int((Lasso(alpha=1.0).fit(X, y).coef_ != 0).sum())
    3
    """

    def __init__(
        self,
        alpha: float = 1.0,
        *,
        fit_intercept: bool = True,
        max_iter: int = 1000,
        tol: float = 1e-4,
        warm_start: bool = False,
        positive: bool = False,
        selection: str = "cyclic",
        random_state: Any = None,
        solver: str = "cd",
        penalty_factor: Any = None,
        lower_bounds: Any = None,
        upper_bounds: Any = None,
        standardize: bool = False,
    ) -> None:
        store_params(self, locals())

    def _penalty(self, weight_sum: float) -> _SeparablePenalty:
        return L1(
            self.alpha,
            penalty_factor=self.penalty_factor,
            lower_bounds=self.lower_bounds,
            upper_bounds=self.upper_bounds,
            positive=self.positive,
        )
