"""Regularization paths: fit once along a grid of alphas, use any alpha.

:func:`regularization_path` warm-starts the solver along a decreasing grid
and returns a frozen :class:`Path`, which estimators, cross-validation and
plots consume. The objective at each alpha is the one of
:class:`shrinkage.ElasticNet` (``l1_ratio=1`` is the Lasso, ``0`` ridge)::

    1 / (2 n) * sum_i s_i (y_i - x_i'w - b)^2
        + alpha * sum_j f_j (l1_ratio |w_j| + (1 - l1_ratio) / 2 w_j^2)

or, with ``loss="logistic"``, :class:`shrinkage.LogisticRegression`'s
(the loop lives in :mod:`shrinkage._logistic_path`).
"""

from __future__ import annotations

import warnings
from contextlib import nullcontext
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit, softmax

from ._design import CenteredProblem, DenseDesign, center_problem, reduce_tall
from ._path_input import (
    check_alphas,
    check_finite_after_reduction,
    check_grid_size,
    feature_names_of,
    is_tall_array,
    validate_regression_data,
)
from ._path_solve import (
    alpha_max,
    default_alphas,
    relaxed_coefs,
    solve_path,
    unpenalised_fit,
)
from ._validation import check_l1_ratio
from .penalties import ElasticNet as ElasticNetPenalty
from .penalties import PenaltyArrays
from .solvers.base import convergence_warning

Vector = NDArray[np.float64]
SPARSE_FORMATS = ["csc", "csr", "coo", "lil", "dok", "bsr", "dia"]


@dataclass(frozen=True, eq=False)
class Path:
    """A fitted regularization path (returned by :func:`regularization_path`).

    Attributes
    ----------
    alphas : ndarray of shape (n_alphas,)
        The grid, decreasing.
    coefs : ndarray of shape (n_features, n_alphas) or (n_features, n_classes, n_alphas)
        Coefficients on the original scale of X, one column per alpha; the
        second shape for a multinomial path.
    intercepts : ndarray of shape (n_alphas,) or (n_classes, n_alphas)
    dual_gaps : ndarray of shape (n_alphas,)
        Duality gap (the certificate) of each solve, on the fitted scale.
    tols : ndarray of shape (n_alphas,)
        The absolute tolerance each gap was held to.
    n_iter : ndarray of shape (n_alphas,)
        Epochs (or 1 for a direct ridge solve) at each alpha.
    df : ndarray of shape (n_alphas,)
        Number of nonzero coefficients at each alpha (multinomial: features
        nonzero in any class).
    deviance : ndarray of shape (n_alphas,)
        Weighted residual sum of squares on the training data (logistic:
        ``2 * sum_i s_i loss_i``), weights normalised to sum to n.
    null_deviance : float
        The same for the model without penalised features (the intercept
        and unpenalised features only).
    l1_ratio : float
    alpha_max : float
        Smallest alpha at which every penalised coefficient is zero (for a
        pure ridge path, glmnet's stand-in: the value for l1_ratio=1e-3).
    feature_names : ndarray of str or None
        Column names when X was a DataFrame or names were given.
    relaxed_coefs, relaxed_intercepts : ndarray or None
        With ``relax=True``: unpenalised refits on each alpha's support.
    loss : {"squared", "logistic"}
    classes : ndarray or None
        The class labels of a logistic path (``coefs`` model the second
        class against the first when there are two).
    """

    alphas: Vector
    coefs: Vector
    intercepts: Vector
    dual_gaps: Vector
    tols: Vector
    n_iter: NDArray[np.int64]
    df: NDArray[np.int64]
    deviance: Vector
    null_deviance: float
    l1_ratio: float
    alpha_max: float
    n_samples: int
    fit_intercept: bool
    feature_names: NDArray[np.object_] | None = None
    relaxed_coefs: Vector | None = None
    relaxed_intercepts: Vector | None = None
    x_scale: Vector | None = None
    options: dict[str, Any] = field(default_factory=dict, repr=False)
    loss: str = "squared"
    classes: NDArray[Any] | None = None

    # -- summaries --------------------------------------------------------
    @property
    def n_alphas(self) -> int:
        return int(self.alphas.shape[0])

    @property
    def n_features(self) -> int:
        return int(self.coefs.shape[0])

    @property
    def deviance_ratio(self) -> Vector:
        """Fraction of the null deviance explained (glmnet's ``dev.ratio``)."""
        if self.null_deviance <= 0:
            return np.zeros_like(self.deviance)
        return 1.0 - self.deviance / self.null_deviance

    @property
    def converged(self) -> NDArray[np.bool_]:
        """Whether each alpha's gap is within its tolerance."""
        return np.asarray(self.dual_gaps <= self.tols)

    def entry_order(self) -> NDArray[np.int64]:
        """Features in the order they first become nonzero, as alpha decreases.

        Features that enter at the same grid point are ordered by the size
        of their standardised coefficient there (the one that entered
        earlier between the two grid points has grown more); features that
        never enter are left out. Use :meth:`names` to read them.
        """
        magnitude = np.abs(self.coefs)
        if magnitude.ndim == 3:  # multinomial: a feature's largest class
            magnitude = magnitude.max(axis=1)
        nonzero = magnitude != 0
        entered = nonzero.any(axis=1)
        first = np.where(entered, np.argmax(nonzero, axis=1), self.n_alphas)
        scale = np.ones(self.n_features) if self.x_scale is None else self.x_scale
        size = magnitude[np.arange(self.n_features), np.minimum(first, self.n_alphas - 1)]
        order = np.lexsort((-size * scale, first))
        return order[entered[order]].astype(np.int64)

    def names(self, idx: ArrayLike) -> list[str]:
        """Feature names (or ``"x<j>"``) for the indices ``idx``."""
        idx = np.asarray(idx, dtype=np.int64)
        if self.feature_names is None:
            return [f"x{j}" for j in idx]
        return [str(self.feature_names[j]) for j in idx]

    def active_set(self, alpha: float) -> NDArray[np.int64]:
        """Indices of the nonzero coefficients at ``alpha`` (interpolated)."""
        return np.flatnonzero(self.coef_at(alpha)).astype(np.int64)

    def information_criterion(
        self, criterion: str, noise_variance: float, *, n_effective: float | None = None
    ) -> Vector:
        """AIC or BIC at each alpha, as scikit-learn's ``LassoLarsIC``.

        ``n log(2 pi sigma^2) + RSS / sigma^2 + k df`` with ``k = 2`` (AIC)
        or ``log n`` (BIC), ``df`` the number of nonzero coefficients (an
        unbiased estimate of the Lasso's degrees of freedom, Zou et al. 2007).
        With sample weights, ``n_effective`` (their sum: weights count as
        frequencies) replaces ``n``, and RSS is rescaled to weights that sum
        to it, so weight 2 is the same as the sample twice.
        """
        if self.loss != "squared":
            raise ValueError("information_criterion is defined for loss='squared' paths only.")
        if criterion not in ("aic", "bic"):
            raise ValueError(f"criterion must be 'aic' or 'bic', got {criterion!r}.")
        if not (isinstance(noise_variance, Real) and noise_variance > 0):
            raise ValueError(f"noise_variance must be a number > 0, got {noise_variance!r}.")
        n = self.n_samples if n_effective is None else float(n_effective)
        k = 2.0 if criterion == "aic" else np.log(n)
        sigma2 = float(noise_variance)
        rss = self.deviance * (n / self.n_samples)
        return np.asarray(n * np.log(2 * np.pi * sigma2) + rss / sigma2 + k * self.df)

    # -- any alpha ----------------------------------------------------------
    def _weights(self, alpha: float) -> tuple[int, int, float]:
        """Grid neighbours ``(k, k + 1)`` of ``alpha`` and the interpolation weight."""
        if isinstance(alpha, bool) or not isinstance(alpha, Real) or not np.isfinite(alpha):
            raise ValueError(f"alpha must be a finite number, got {alpha!r}.")
        a = self.alphas
        if alpha >= a[0]:
            if alpha > a[0] and a[0] < self.alpha_max * (1 - 1e-12):
                raise ValueError(
                    f"alpha={alpha:g} lies above the path's largest alpha {a[0]:g}, "
                    f"which is below alpha_max={self.alpha_max:g}; refit with a grid "
                    "that starts higher, or pass exact=True with X and y."
                )
            return 0, 0, 0.0
        if alpha < a[-1]:
            raise ValueError(
                f"alpha={alpha:g} lies below the path's smallest alpha {a[-1]:g}; "
                "extend the grid (smaller eps) or pass exact=True with X and y."
            )
        # alphas decrease: the first index with a[k] <= alpha is the right end.
        right = int(np.argmax(a <= alpha))
        left = right - 1
        t = (a[left] - alpha) / (a[left] - a[right])
        return left, right, float(t)

    def _mix(self, alpha: float, gamma: float) -> tuple[Vector, Any]:
        if not (isinstance(gamma, Real) and 0.0 <= gamma <= 1.0):
            raise ValueError(f"gamma must lie in [0, 1] (1 is the penalised fit), got {gamma!r}.")
        left, right, t = self._weights(alpha)
        coef = (1 - t) * self.coefs[..., left] + t * self.coefs[..., right]
        intercept = (1 - t) * self.intercepts[..., left] + t * self.intercepts[..., right]
        if gamma < 1.0:
            if self.relaxed_coefs is None or self.relaxed_intercepts is None:
                raise ValueError("gamma < 1 needs a relaxed path: regularization_path(relax=True).")
            rc = (1 - t) * self.relaxed_coefs[:, left] + t * self.relaxed_coefs[:, right]
            ri = (1 - t) * self.relaxed_intercepts[left] + t * self.relaxed_intercepts[right]
            coef = gamma * coef + (1 - gamma) * rc
            intercept = gamma * intercept + (1 - gamma) * ri
        # A multinomial path has one intercept per class.
        return coef, intercept if np.ndim(intercept) else float(intercept)

    def coef_at(
        self,
        alpha: float,
        *,
        gamma: float = 1.0,
        exact: bool = False,
        X: Any = None,
        y: Any = None,
        sample_weight: Any = None,
    ) -> Vector:
        """Coefficients at any ``alpha``: ``(n_features,)``, or ``(n_features, n_classes)``.

        By default the two neighbouring grid solutions are interpolated
        linearly in alpha. For the Lasso this is exact wherever no feature
        enters or leaves between the two grid points (the Lasso path is
        piecewise linear in alpha); otherwise it is an approximation whose
        error shrinks with the grid spacing. ``exact=True`` refits at
        ``alpha`` on the training data ``X, y`` (which the path does not
        keep), warm-started from the interpolation, as glmnet's
        ``coef(..., exact=TRUE)``.

        ``gamma`` mixes with the relaxed fit (``relax=True`` paths only):
        ``gamma * penalised + (1 - gamma) * relaxed``, as glmnet.
        """
        return self._at(alpha, gamma, exact, X, y, sample_weight)[0]

    def intercept_at(
        self, alpha: float, *, gamma: float = 1.0, exact: bool = False,
        X: Any = None, y: Any = None, sample_weight: Any = None,
    ) -> Any:
        """The intercept at ``alpha`` (one per class when multinomial); see :meth:`coef_at`."""
        return self._at(alpha, gamma, exact, X, y, sample_weight)[1]

    def _at(
        self, alpha: float, gamma: float, exact: bool, X: Any, y: Any, sample_weight: Any
    ) -> tuple[Vector, Any]:
        if not exact:
            return self._mix(alpha, gamma)
        if X is None or y is None:
            raise ValueError(
                "exact=True refits at alpha and needs the training data: pass X and y."
            )
        if gamma != 1.0:
            raise ValueError("exact=True refits the penalised model only; use gamma=1.")
        if isinstance(alpha, bool) or not isinstance(alpha, Real) or not alpha > 0:
            raise ValueError(f"alpha must be a number > 0, got {alpha!r}.")
        options = dict(self.options)
        refit = regularization_path(
            X, y, alphas=[float(alpha)], sample_weight=sample_weight, loss=self.loss,
            l1_ratio=self.l1_ratio, fit_intercept=self.fit_intercept, **options,
        )
        intercept = refit.intercepts[..., 0]
        return refit.coefs[..., 0], intercept if intercept.ndim else float(intercept)

    def predict(self, X: Any, alpha: float | ArrayLike | None = None, *, gamma: float = 1.0):
        """Predictions at ``alpha`` (interpolated as in :meth:`coef_at`).

        ``alpha=None`` predicts at every grid alpha, giving
        ``(n_samples, n_alphas)``; a scalar gives ``(n_samples,)``; an array
        of alphas gives ``(n_samples, len(alpha))``. For a logistic path
        these are linear predictors (log-odds of the second class), and a
        multinomial path inserts the class axis: ``(n_samples, n_classes,
        ...)``; :meth:`predict_proba` gives probabilities.
        """
        from sklearn.utils.validation import check_array

        X = check_array(X, accept_sparse=SPARSE_FORMATS, dtype=[np.float64, np.float32])
        if X.shape[1] != self.n_features:
            raise ValueError(
                f"X has {X.shape[1]} features but the path was fitted on {self.n_features}."
            )
        if alpha is None and gamma == 1.0:
            coefs, intercepts = self.coefs, self.intercepts
        elif alpha is None or np.ndim(alpha) > 0:
            grid = self.alphas if alpha is None else np.asarray(alpha, dtype=np.float64)
            pairs = [self._mix(float(a), gamma) for a in grid]
            coefs = np.stack([c for c, _ in pairs], axis=-1)
            intercepts = np.stack([np.asarray(b) for _, b in pairs], axis=-1)
        else:
            coefs, intercepts = self._mix(float(alpha), gamma)  # type: ignore[arg-type]
        flat = coefs.reshape(coefs.shape[0], -1)
        eta = np.asarray(X @ flat).reshape(X.shape[:1] + coefs.shape[1:])
        return eta + intercepts

    def predict_proba(self, X: Any, alpha: float | ArrayLike | None = None):
        """Class probabilities of a logistic path at ``alpha``.

        ``(n_samples, n_classes)`` for a scalar alpha, with a last axis of
        alphas for ``alpha=None`` (every grid alpha) or an array; columns
        follow :attr:`classes`, and each row sums to 1.
        """
        if self.loss != "logistic":
            raise ValueError(
                "predict_proba needs a classification path: "
                "regularization_path(X, y, loss='logistic')."
            )
        eta = self.predict(X, alpha)
        if self.coefs.ndim == 2:  # binary: eta is the log-odds of classes[1]
            p1 = expit(eta)
            return np.stack([1.0 - p1, p1], axis=1)
        return softmax(eta, axis=1)


def unit_penalty(
    problem: Any, n_features: int, l1_ratio: float, options: dict[str, Any]
) -> PenaltyArrays:
    """The penalty at ``alpha = 1`` on the fitted scale (bounds rescaled).

    ``problem`` is a centred least-squares or a logistic problem: anything
    with ``scale_bounds`` (standardisation moves the bounds with the columns).
    """
    pen = ElasticNetPenalty(
        1.0,
        l1_ratio=l1_ratio,
        penalty_factor=options.get("penalty_factor"),
        lower_bounds=options.get("lower_bounds"),
        upper_bounds=options.get("upper_bounds"),
        positive=bool(options.get("positive", False)),
    )
    return problem.scale_bounds(pen.per_feature(n_features))


def path_from_problem(
    problem: CenteredProblem,
    *,
    l1_ratio: float,
    alphas: Vector | None,
    n_alphas: int,
    eps: float,
    fit_intercept: bool,
    options: dict[str, Any],
    feature_names: NDArray[np.object_] | None = None,
    warn: bool = True,
    n_rows: int | None = None,
) -> Path:
    """:func:`regularization_path` on an already centred problem.

    ``n_rows`` is the data's number of rows when ``problem`` was already
    reduced to its triangle (default: the design's).
    """
    n_features = problem.x_mean.shape[0]
    if n_rows is None:
        n_rows = int(problem.design.n_rows)
    if problem.design.n_rows > n_features:
        # Tall and dense: solve on the (p + 1)-row QR reduction, which has the
        # same objective and duality gap at every w (see reduce_tall).
        problem = reduce_tall(problem)
    unit = unit_penalty(problem, n_features, l1_ratio, options)
    w0 = unpenalised_fit(problem, unit)
    amax = alpha_max(problem, unit, l1_ratio, w0)
    grid = default_alphas(amax, n_alphas, eps) if alphas is None else alphas
    fitted = solve_path(
        problem, unit, grid, tol=float(options.get("tol", 1e-4)),
        max_iter=int(options.get("max_iter", 1000)), w0=w0,
    )
    if warn and not fitted.converged.all():
        bad = np.flatnonzero(~fitted.converged)
        warnings.warn(
            f"the solver did not converge at {bad.size} of {grid.size} alphas "
            f"(smallest unconverged alpha {grid[bad[-1]]:.3g}, duality gap "
            f"{fitted.gaps[bad[-1]]:.3g} > {fitted.tols[bad[-1]]:.3g}). Increase max_iter, "
            "loosen tol, shorten the grid (larger eps) or standardize=True.",
            convergence_warning(),
            stacklevel=3,
        )
    coefs = fitted.coefs / problem.x_scale[:, None]
    intercepts = np.asarray(problem.y_mean - problem.x_mean @ coefs, dtype=np.float64)
    relaxed = relaxed_i = None
    if options.get("relax", False):
        relaxed = relaxed_coefs(problem, unit, fitted.coefs) / problem.x_scale[:, None]
        relaxed_i = np.asarray(problem.y_mean - problem.x_mean @ relaxed, dtype=np.float64)
    return Path(
        alphas=np.asarray(grid, dtype=np.float64),
        coefs=coefs,
        intercepts=intercepts,
        dual_gaps=fitted.gaps,
        tols=fitted.tols,
        n_iter=fitted.n_iter,
        df=(coefs != 0).sum(axis=0, dtype=np.int64),
        deviance=fitted.rss,
        null_deviance=fitted.null_rss,
        l1_ratio=l1_ratio,
        alpha_max=amax,
        n_samples=n_rows,
        fit_intercept=fit_intercept,
        feature_names=feature_names,
        relaxed_coefs=relaxed,
        relaxed_intercepts=relaxed_i,
        x_scale=_column_scale(problem),
        options=options,
    )


def _column_scale(problem: CenteredProblem) -> Vector:
    """Weighted standard deviation of each column (1 where it is 0)."""
    sd = np.sqrt(problem.design.norms2 / problem.n_samples) * problem.x_scale
    return np.where(sd > 0, sd, 1.0)


def _centred_problem(
    X: Any, y: Any, sample_weight: Any, fit_intercept: bool, standardize: bool
) -> tuple[CenteredProblem, Any]:
    """Validated, centred and (when tall and dense) reduced; and the checked X.

    The finiteness of a tall dense X is read off its triangle rather than a
    pass over X (see ``validate_regression_data(tall_unchecked=True)``);
    until then a NaN may pass through the centring, whose floating-point
    warnings would only precede the error that names it.
    """
    deferred = is_tall_array(X)
    X, y, sw = validate_regression_data(X, y, sample_weight, tall_unchecked=True)
    with np.errstate(invalid="ignore", over="ignore") if deferred else nullcontext():
        problem = center_problem(X, y, sw, fit_intercept=fit_intercept, standardize=standardize)
        reduced = reduce_tall(problem) if X.shape[0] > X.shape[1] else problem
    if deferred and isinstance(reduced.design, DenseDesign):
        check_finite_after_reduction(X, y, reduced.design.X)
    return reduced, X


def regularization_path(
    X: Any,
    y: Any,
    *,
    l1_ratio: float = 1.0,
    alphas: ArrayLike | None = None,
    n_alphas: int = 100,
    eps: float | None = None,
    fit_intercept: bool = True,
    sample_weight: ArrayLike | None = None,
    penalty_factor: ArrayLike | None = None,
    lower_bounds: ArrayLike | None = None,
    upper_bounds: ArrayLike | None = None,
    positive: bool = False,
    standardize: bool = False,
    tol: float = 1e-4,
    max_iter: int = 1000,
    relax: bool = False,
    feature_names: ArrayLike | None = None,
    loss: str = "squared",
    multinomial_penalty: str = "ungrouped",
) -> Path:
    """Fit the Elastic-Net (Lasso, ridge) at every alpha of a grid.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data; never modified. Sparse X stays sparse.
    y : array-like of shape (n_samples,)
        The target; class labels of any type for ``loss="logistic"``.
    l1_ratio : float, default=1.0
        1 is the Lasso, 0 ridge (then every alpha comes from one SVD of
        dense X), in between the Elastic-Net.
    alphas : array-like, optional
        The grid (sorted decreasing; every value > 0). By default
        ``n_alphas`` values log-spaced from ``alpha_max`` (all penalised
        coefficients zero) down to ``eps * alpha_max``.
    n_alphas : int, default=100
    eps : float, optional
        ``alpha_min / alpha_max`` of the default grid, in (0, 1). Default
        1e-3; for ``loss="logistic"`` with more features than samples 1e-2
        (glmnet's choice: separable classes make the far end costly and
        uninformative).
    fit_intercept, sample_weight, penalty_factor, lower_bounds, upper_bounds,
    positive, standardize, tol, max_iter
        As in :class:`shrinkage.ElasticNet` (:class:`shrinkage.LogisticRegression`
        for the logistic loss, where ``max_iter`` counts Newton steps);
        ``tol`` applies at every alpha.
    relax : bool, default=False
        Also refit each alpha's support without penalty (glmnet's relaxed
        lasso); mix with ``Path.coef_at(alpha, gamma=...)``. Squared loss only.
    feature_names : sequence of str, optional
        Defaults to a DataFrame's column names.
    loss : {"squared", "logistic"}, default="squared"
        ``"logistic"`` fits :class:`shrinkage.LogisticRegression`'s objective
        along the grid: binary for two classes (``coefs`` of shape
        ``(n_features, n_alphas)``), multinomial for more
        (``(n_features, n_classes, n_alphas)``).
    multinomial_penalty : {"ungrouped", "grouped"}, default="ungrouped"
        For a multinomial path: penalise every coefficient (scikit-learn's
        and glmnet's default) or each feature's row of coefficients as a
        group, so a feature enters or leaves for every class at once
        (glmnet's ``type.multinomial = "grouped"``; no bounds).

    Returns
    -------
    Path
        Coefficients warm-started from one alpha to the next, each with its
        duality gap.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> X, y = load_diabetes(return_X_y=True)
    >>> path = regularization_path(X, y, n_alphas=50)
    >>> int(path.df[0]), int(path.df[-1])
    (0, 10)
    >>> bool(path.converged.all())
    True
    """
    if loss not in ("squared", "logistic"):
        raise ValueError(f"loss must be 'squared' or 'logistic', got {loss!r}.")
    l1_ratio = check_l1_ratio(l1_ratio)
    n_alphas, _ = check_grid_size(n_alphas, 1e-3 if eps is None else eps)
    grid = None if alphas is None else check_alphas(alphas)
    names = feature_names_of(X, feature_names, np.shape(X)[1] if np.ndim(X) == 2 else -1)
    for name, value in (("fit_intercept", fit_intercept), ("positive", positive),
                        ("standardize", standardize), ("relax", relax)):
        if not isinstance(value, bool | np.bool_):
            raise TypeError(f"{name} must be True or False, got {value!r}.")
    if isinstance(tol, bool) or not isinstance(tol, Real) or not 0 <= tol < np.inf:
        raise ValueError(f"tol must be a number >= 0 (and finite), got {tol!r}.")
    if isinstance(max_iter, bool) or not isinstance(max_iter, Integral) or max_iter < 1:
        raise ValueError(f"max_iter must be an integer >= 1, got {max_iter!r}.")
    if multinomial_penalty not in ("ungrouped", "grouped"):
        raise ValueError(
            "multinomial_penalty must be 'ungrouped' or 'grouped', got "
            f"{multinomial_penalty!r}."
        )
    if multinomial_penalty == "grouped" and loss != "logistic":
        raise ValueError("multinomial_penalty='grouped' is for loss='logistic' paths only.")
    if loss == "logistic":
        if relax:
            raise ValueError("relax=True is for loss='squared' paths only; drop relax.")
        from ._logistic_path import logistic_regularization_path

        return logistic_regularization_path(
            X, y, l1_ratio=l1_ratio, alphas=grid, n_alphas=n_alphas, eps=eps,
            fit_intercept=bool(fit_intercept), sample_weight=sample_weight,
            feature_names=names, options={
                "penalty_factor": penalty_factor, "lower_bounds": lower_bounds,
                "upper_bounds": upper_bounds, "positive": positive,
                "standardize": standardize, "tol": float(tol), "max_iter": int(max_iter),
                "grouped": multinomial_penalty == "grouped",
            },
        )
    eps = 1e-3 if eps is None else float(eps)
    problem, X = _centred_problem(X, y, sample_weight, fit_intercept, standardize)
    options = {
        "penalty_factor": penalty_factor, "lower_bounds": lower_bounds,
        "upper_bounds": upper_bounds, "positive": positive, "standardize": standardize,
        "tol": float(tol), "max_iter": int(max_iter), "relax": relax,
    }
    return path_from_problem(
        problem, l1_ratio=l1_ratio, alphas=grid, n_alphas=n_alphas, eps=eps,
        fit_intercept=fit_intercept, options=options, feature_names=names,
        n_rows=X.shape[0],
    )
