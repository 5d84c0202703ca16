"""LassoIC: choose the Lasso's alpha by AIC or BIC along one path.

No refits: one path on all the data, and at each alpha
``n log(2 pi sigma^2) + RSS / sigma^2 + k df`` with ``k = 2`` (AIC) or
``log n`` (BIC), as scikit-learn's ``LassoLarsIC`` (Zou, Hastie and
Tibshirani 2007: the number of nonzero coefficients is an unbiased
estimate of the Lasso's degrees of freedom).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
import scipy.optimize
import scipy.sparse.linalg
from numpy.typing import NDArray
from sklearn.model_selection import KFold

from .._design import CenteredProblem, DenseDesign, center_problem
from ..linear_model._base import (
    _check_choice,
    check_sample_weight,
    store_params,
)
from ..path import Path, path_from_problem, unit_penalty
from ._enet_cv import ElasticNetCV

Vector = NDArray[np.float64]


def _check_noise_variance(value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating):
        raise TypeError(f"noise_variance must be a number > 0 or None, got {value!r}.")
    if not (np.isfinite(value) and value > 0):
        raise ValueError(
            f"noise_variance must be a finite number > 0, got {value!r}; leave it None "
            "to estimate it from the data."
        )


class LassoIC(ElasticNetCV):
    """The Lasso with alpha chosen by AIC or BIC.

    Minimises :class:`shrinkage.Lasso`'s objective along one path and picks
    the alpha with the smallest criterion; cheaper than cross-validation
    (one path instead of K + 1), and BIC tends to select sparser models.

    Parameters
    ----------
    criterion : {"aic", "bic"}, default="aic"
    noise_variance : float, optional
        The noise variance ``sigma^2``. By default it is estimated: from
        the least-squares residuals when ``n > p + fit_intercept`` (as
        scikit-learn's ``LassoLarsIC``), otherwise, where least squares
        interpolates the data, by the cross-validated Lasso estimator of
        Reid, Tibshirani and Friedman (2016),
        ``RSS(alpha_cv) / (n - df(alpha_cv) - fit_intercept)`` with 10-fold
        CV (fewer folds when n < 10).
    eps, alphas, fit_intercept, max_iter, tol, positive, penalty_factor,
    lower_bounds, upper_bounds, standardize
        As in :class:`LassoCV`.

    Attributes
    ----------
    alpha_ : float
    criterion_ : ndarray of shape (n_alphas,)
        The criterion at each alpha of ``alphas_``.
    alphas_ : ndarray of shape (n_alphas,)
    noise_variance_ : float
    path_ : Path
    coef_, intercept_, dual_gap_, n_iter_
        Of the chosen model.
    """

    _parameter_checks: ClassVar[dict[str, Callable[[Any], None]]] = {
        **ElasticNetCV._parameter_checks,
        "criterion": _check_choice("criterion", ("aic", "bic")),
        "noise_variance": _check_noise_variance,
    }

    def __init__(
        self,
        criterion: str = "aic",
        *,
        noise_variance: float | None = None,
        eps: float = 1e-3,
        alphas: int | Any = 100,
        fit_intercept: bool = True,
        max_iter: int = 1000,
        tol: float = 1e-4,
        positive: bool = False,
        penalty_factor: Any = None,
        lower_bounds: Any = None,
        upper_bounds: Any = None,
        standardize: bool = False,
    ) -> None:
        store_params(self, locals())

    relax = False

    def _l1_ratios(self) -> Vector:
        return np.ones(1)

    def fit(self, X: Any, y: Any, sample_weight: Any = None, groups: Any = None) -> LassoIC:
        """Fit the path and choose alpha by the criterion.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
        groups : ignored
            Accepted for API symmetry with :class:`LassoCV`.

        Returns
        -------
        self
        """
        self._validate_params()
        X, y = self._validate_data_1d(X, y)
        sw = check_sample_weight(sample_weight, X.shape[0])
        options = self._options()
        problem = center_problem(
            X, y, sw, fit_intercept=self.fit_intercept, standardize=self.standardize
        )
        grid = self._grids(problem, np.ones(1), options)[0]
        self.path_: Path = path_from_problem(
            problem, l1_ratio=1.0, alphas=grid, n_alphas=grid.size, eps=0.5,
            fit_intercept=self.fit_intercept, options=options,
            feature_names=getattr(self, "feature_names_in_", None),
        )
        # Weights count as frequencies (scikit-learn's convention): weight 2 is
        # the sample twice, weight 0 the sample removed.
        n_eff = float(X.shape[0]) if sw is None else float(np.sum(sw))
        if self.noise_variance is None:
            self.noise_variance_ = self._estimate_noise_variance(
                X, y, sw, problem, options, n_eff
            )
        else:
            self.noise_variance_ = float(self.noise_variance)
        self.criterion_ = self.path_.information_criterion(
            self.criterion, self.noise_variance_, n_effective=n_eff
        )
        k = int(np.argmin(self.criterion_))
        self.alpha_ = float(grid[k])
        self.alphas_ = grid
        path = self.path_
        self.coef_ = np.asarray(path.coefs[:, k], dtype=X.dtype)
        intercept = float(path.intercepts[k]) if self.fit_intercept else 0.0
        self.intercept_ = X.dtype.type(intercept)
        self.dual_gap_ = float(path.dual_gaps[k])
        self.n_iter_ = int(path.n_iter[k])
        self.certificate_kind_ = "duality_gap"
        return self

    def _estimate_noise_variance(
        self, X: Any, y: Vector, sw: Vector | None, problem: CenteredProblem,
        options: dict[str, Any], n_eff: float,
    ) -> float:
        n, p = n_eff, X.shape[1]
        # The weighted RSS below uses weights summing to the number of rows.
        to_effective = n_eff / X.shape[0]
        dof = n - p - int(self.fit_intercept)
        if dof <= 0 and X.shape[0] < 2:
            raise ValueError(
                "LassoIC cannot estimate the noise variance from 1 sample; pass "
                "noise_variance or use more samples."
            )
        if dof > 0:
            unit = unit_penalty(problem, p, 1.0, options)
            return _least_squares_rss(problem, unit) * to_effective / dof
        return self._cv_lasso_variance(X, y, sw, n_eff)

    def _cv_lasso_variance(
        self, X: Any, y: Vector, sw: Vector | None, n_eff: float
    ) -> float:
        """Reid, Tibshirani and Friedman's (2016) estimator for p >= n.

        ``RSS(alpha_cv) / (n - df(alpha_cv) - fit_intercept)`` at the alpha
        a 10-fold cross-validated Lasso chooses (fewer folds when n < 10);
        their study found it the most reliable of the estimators compared.
        Folds are consecutive blocks (no shuffling), so the estimate is
        deterministic; unlike the least-squares estimate it depends on the
        order of the samples.
        """
        from ._enet_cv import LassoCV

        n_rows = X.shape[0]
        cv = LassoCV(
            cv=KFold(min(10, n_rows)), eps=self.eps, alphas=self.alphas,
            fit_intercept=self.fit_intercept, max_iter=self.max_iter, tol=self.tol,
            positive=self.positive, penalty_factor=self.penalty_factor,
            lower_bounds=self.lower_bounds, upper_bounds=self.upper_bounds,
            standardize=self.standardize,
        ).fit(X, y, sample_weight=sw)
        k = int(np.flatnonzero(cv.path_.alphas == cv.alpha_min_)[0])
        df = int(cv.path_.df[k])
        denominator = n_eff - df - int(self.fit_intercept)
        if denominator <= 0:
            raise ValueError(
                "cannot estimate the noise variance: the cross-validated Lasso uses "
                f"{df} features for {n_eff:g} samples. Pass noise_variance explicitly."
            )
        return float(cv.path_.deviance[k]) * (n_eff / n_rows) / denominator


def _least_squares_rss(problem: CenteredProblem, unit: Any) -> float:
    """Residual sum of squares of the unpenalised fit (within the bounds).

    Dense designs are solved directly; a sparse design stays sparse: LSMR
    on its implicitly centred columns (``design.columns`` would make a
    dense ``n x p`` copy), iterated to a relative tolerance of 1e-12.
    """
    design = problem.design
    bounded = bool(np.isfinite(unit.lower).any() or np.isfinite(unit.upper).any())
    if isinstance(design, DenseDesign):
        A: Any = np.asarray(design.X, dtype=np.float64)
        if bounded:
            w = scipy.optimize.lsq_linear(A, problem.y, bounds=(unit.lower, unit.upper)).x
        else:
            w = np.linalg.lstsq(A, problem.y, rcond=None)[0]
        r = problem.y - A @ w
        return float(r @ r)
    shape = (int(design.n_rows), int(design.n_features))
    operator = scipy.sparse.linalg.LinearOperator(
        shape, matvec=design.matvec, rmatvec=design.rmatvec, dtype=np.float64
    )
    if bounded:
        w = scipy.optimize.lsq_linear(
            operator, problem.y, bounds=(unit.lower, unit.upper), method="trf", tol=1e-12,
            lsmr_tol=1e-12,
        ).x
    else:
        w = scipy.sparse.linalg.lsmr(
            operator, problem.y, atol=1e-12, btol=1e-12, maxiter=20 * shape[1] + 100
        )[0]
    r = problem.y - design.matvec(w)
    return float(r @ r)
