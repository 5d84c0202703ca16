"""Ridge regression with scikit-learn's objective and scaling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from ..penalties import L2, PenaltyArrays, _SeparablePenalty
from ._base import PenalizedLinearModel, _check_choice, iterative_solver, store_params

_CLOSED_FORM = ("cholesky", "svd", "cg")
_SOLVERS = ("auto", *_CLOSED_FORM, "cd", "prox_grad", "gradient")


class Ridge(PenalizedLinearModel):
    """Linear regression with an L2 penalty.

    Minimises, exactly as :class:`sklearn.linear_model.Ridge`::

        sum_i s_i (y_i - x_i'w - b)^2 + alpha * sum_j f_j w_j^2

    with raw (not normalised) sample weights ``s`` and penalty factors
    ``f``, subject to ``lower_bounds <= w <= upper_bounds``. Internally this
    is divided by ``2 sum_i s_i`` so that every solver sees the same
    ``||y - X w||^2 / (2 n) + pen(w)`` as the Lasso.

    Parameters
    ----------
    alpha : float, default=1.0
        Penalty strength, >= 0.
    fit_intercept : bool, default=True
        Fit an unpenalised intercept.
    max_iter : int or None, default=None
        Iteration cap of the iterative solvers (1000 epochs for ``"cd"``).
    tol : float, default=1e-4
        Tolerance of the certificate (duality gap, scaled as in
        :class:`ElasticNet`).
    solver : {"auto", "cholesky", "svd", "cg", "cd", "prox_grad", "gradient"}
        ``"auto"`` is a closed form (Cholesky for dense X, conjugate
        gradients for sparse X) unless bounds are set, then ``"cd"``.
    positive : bool, default=False
        Constrain the coefficients to be >= 0 (uses ``"cd"``).
    random_state : int or None
        Unused by the closed forms; kept for scikit-learn compatibility.
    penalty_factor, lower_bounds, upper_bounds, standardize
        As in :class:`ElasticNet`.

    Attributes
    ----------
    coef_, intercept_, n_iter_, dual_gap_, sparse_coef_, n_features_in_,
    feature_names_in_
        As in :class:`ElasticNet`. ``n_iter_`` is 1 for a direct solve.
    solver_ : str
        The solver ``"auto"`` chose.
    """

    _parameter_checks: ClassVar[dict[str, Callable[[Any], None]]] = {
        **PenalizedLinearModel._parameter_checks,
        "max_iter": lambda v: None
        if v is None
        else PenalizedLinearModel._parameter_checks["max_iter"](v),
        "solver": _check_choice("solver", _SOLVERS),
    }

    def __init__(
        self,
        alpha: float = 1.0,
        *,
        fit_intercept: bool = True,
        max_iter: int | None = None,
        tol: float = 1e-4,
        solver: str = "auto",
        positive: bool = False,
        random_state: Any = None,
        penalty_factor: Any = None,
        lower_bounds: Any = None,
        upper_bounds: Any = None,
        standardize: bool = False,
    ) -> None:
        store_params(self, locals())

    warm_start = False

    def _penalty(self, weight_sum: float) -> _SeparablePenalty:
        return L2(
            self.alpha / (2.0 * weight_sum),
            penalty_factor=self.penalty_factor,
            lower_bounds=self.lower_bounds,
            upper_bounds=self.upper_bounds,
            positive=self.positive,
        )

    def _make_solver(self, pen: PenaltyArrays, sparse: bool) -> Any:
        bounded = bool(np.isfinite(pen.lower).any() or np.isfinite(pen.upper).any())
        solver = self.solver
        if solver == "auto":
            solver = "cd" if bounded else ("cg" if sparse else "cholesky")
        if solver in _CLOSED_FORM:
            if bounded:
                raise ValueError(
                    f"solver={self.solver!r} cannot handle positive=True or bounds; "
                    "use solver='auto' or 'cd'."
                )
            from ..solvers.closed_form import ClosedFormRidge

            self.solver_ = solver
            return ClosedFormRidge(method=solver, tol=self.tol, max_iter=self.max_iter)
        self.solver_ = solver
        max_iter = 1000 if self.max_iter is None else self.max_iter
        return iterative_solver(
            solver, tol=self.tol, max_iter=max_iter, random_state=self.random_state
        )
