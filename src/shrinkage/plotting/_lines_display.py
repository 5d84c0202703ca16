"""Fitted lines of a 1-D regression for several penalty strengths.

The penalty pulls the slope toward zero: with ``alpha=0`` the line is least
squares, and the larger alpha, the flatter the line over the same scatter.
"""

from __future__ import annotations

from numbers import Real
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import clone

from ..linear_model import Lasso, Ridge
from ._common import axes_or_new

Vector = NDArray[np.float64]

_PENALTIES = ("l2", "l1")


def _check_1d(X: Any, y: Any) -> tuple[Vector, Vector]:
    """``X`` as an ``(n, 1)`` array and ``y`` as ``(n,)``, or a clear ValueError."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[1] != 1:
        raise ValueError(
            "RegressionLinesDisplay draws a line over a scatter and needs 1-D data: "
            f"X with exactly one column, got shape {X.shape}."
        )
    y = np.asarray(y, dtype=np.float64)
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        raise ValueError(
            f"y must be 1-D with one value per row of X ({X.shape[0]}), got shape {y.shape}."
        )
    if X.shape[0] < 2:
        raise ValueError("RegressionLinesDisplay needs at least 2 samples.")
    return X, y


def _check_alphas(alphas: Any) -> list[float]:
    values: list[Any] = list(np.atleast_1d(np.asarray(alphas, dtype=object)))
    if not values:
        raise ValueError("alphas must hold at least one penalty strength.")
    out = []
    for a in values:
        if isinstance(a, bool) or not isinstance(a, Real) or not np.isfinite(float(a)) or a < 0:
            raise ValueError(f"every alpha must be a finite number >= 0, got {a!r}.")
        out.append(float(a))
    return out


class RegressionLinesDisplay:
    """Fitted regression lines for several alphas over a 1-D scatter.

    Build it with :meth:`from_data` or :meth:`from_estimator`; the
    constructor only stores the fits.

    Parameters
    ----------
    X : array-like of shape (n_samples, 1)
        The single feature.
    y : array-like of shape (n_samples,)
    alphas : array-like of shape (n_lines,)
        Penalty strength of each line.
    coefs, intercepts : array-like of shape (n_lines,)
        Slope and intercept fitted at each alpha.
    estimator_name : str, optional
        Shown in the title (``"Ridge"``, ``"Lasso"``).

    Attributes
    ----------
    alphas_, coefs_, intercepts_ : ndarray of shape (n_lines,)
        The stored fits; ``coefs_`` are the slopes.
    lines_ : list of matplotlib.lines.Line2D
        One line per alpha, labelled ``"alpha=<value>"`` (after :meth:`plot`).
    scatter_ : matplotlib.collections.PathCollection
        The data.
    ax_ : matplotlib.axes.Axes
    figure_ : matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from shrinkage.plotting import RegressionLinesDisplay
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=20)
    >>> display = RegressionLinesDisplay.from_data(x[:, None], 3 * x + rng.normal(size=20))
    >>> [line.get_label() for line in display.lines_]
    ['alpha=0', 'alpha=1', 'alpha=10', 'alpha=100']
    """

    def __init__(
        self,
        X: ArrayLike,
        y: ArrayLike,
        alphas: ArrayLike,
        coefs: ArrayLike,
        intercepts: ArrayLike,
        *,
        estimator_name: str | None = None,
    ) -> None:
        self.X, self.y = _check_1d(X, y)
        self.alphas_ = np.asarray(alphas, dtype=np.float64)
        self.coefs_ = np.asarray(coefs, dtype=np.float64)
        self.intercepts_ = np.asarray(intercepts, dtype=np.float64)
        if not (self.alphas_.ndim == 1 and self.coefs_.shape == self.alphas_.shape
                and self.intercepts_.shape == self.alphas_.shape):
            raise ValueError(
                "alphas, coefs and intercepts must be 1-D with one value per line; got shapes "
                f"{self.alphas_.shape}, {self.coefs_.shape}, {self.intercepts_.shape}."
            )
        self.estimator_name = estimator_name

    def plot(
        self,
        ax: Any = None,
        *,
        scatter_kwargs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> RegressionLinesDisplay:
        """Draw the scatter and one line per alpha.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Where to draw; a new figure by default.
        scatter_kwargs : dict, optional
            Passed to ``ax.scatter``.
        **kwargs
            Passed to every ``ax.plot`` call.

        Returns
        -------
        self : RegressionLinesDisplay
        """
        fig, ax = axes_or_new(ax)
        x = self.X[:, 0]
        self.scatter_ = ax.scatter(
            x, self.y, **{"color": "0.3", "s": 18, "label": "data", **(scatter_kwargs or {})}
        )
        grid = np.linspace(x.min(), x.max(), 100)
        self.lines_ = []
        for alpha, coef, intercept in zip(self.alphas_, self.coefs_, self.intercepts_, strict=True):
            (line,) = ax.plot(grid, intercept + coef * grid, label=f"alpha={alpha:g}", **kwargs)
            self.lines_.append(line)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        name = self.estimator_name or "penalised"
        ax.set_title(f"{name} fits: a larger alpha flattens the line")
        ax.legend()
        self.ax_ = ax
        self.figure_ = fig
        return self

    @classmethod
    def _fit(
        cls,
        make: Any,
        X: Any,
        y: Any,
        alphas: Any,
        name: str,
        ax: Any,
        kwargs: dict[str, Any],
    ) -> RegressionLinesDisplay:
        X, y = _check_1d(X, y)
        values = _check_alphas(alphas)
        coefs, intercepts = [], []
        for alpha in values:
            model = make(alpha).fit(X, y)
            coefs.append(float(np.ravel(model.coef_)[0]))
            intercepts.append(float(np.ravel(model.intercept_)[0]))
        display = cls(X, y, values, coefs, intercepts, estimator_name=name)
        return display.plot(ax=ax, **kwargs)

    @classmethod
    def from_data(
        cls,
        X: Any,
        y: Any,
        alphas: ArrayLike = (0, 1, 10, 100),
        penalty: str = "l2",
        *,
        fit_intercept: bool = True,
        ax: Any = None,
        **kwargs: Any,
    ) -> RegressionLinesDisplay:
        """Fit :class:`shrinkage.Ridge` (``"l2"``) or :class:`shrinkage.Lasso` at each alpha.

        Parameters
        ----------
        X : array-like of shape (n_samples, 1)
            The single feature (a 1-D array is taken as that column).
        y : array-like of shape (n_samples,)
        alphas : array-like, default=(0, 1, 10, 100)
            Penalty strengths, each >= 0, on the estimator's own scale
            (Ridge: ``sum (y - Xw - b)^2 + alpha w^2``; Lasso:
            ``1/(2n) sum (y - Xw - b)^2 + alpha |w|``). ``alpha=0`` is least
            squares (fitted by ``Ridge(alpha=0)`` for either penalty).
        penalty : {"l2", "l1"}, default="l2"
        fit_intercept : bool, default=True
        ax : matplotlib.axes.Axes, optional
        **kwargs
            Passed to :meth:`plot`.

        Returns
        -------
        display : RegressionLinesDisplay
        """
        if penalty not in _PENALTIES:
            raise ValueError(f"penalty must be 'l2' or 'l1', got {penalty!r}.")

        def make(alpha: float) -> Any:
            if penalty == "l2" or alpha == 0:
                return Ridge(alpha=alpha, fit_intercept=fit_intercept)
            return Lasso(alpha=alpha, fit_intercept=fit_intercept)

        name = "Ridge" if penalty == "l2" else "Lasso"
        return cls._fit(make, X, y, alphas, name, ax, kwargs)

    @classmethod
    def from_estimator(
        cls,
        estimator: Any,
        X: Any,
        y: Any,
        alphas: ArrayLike = (0, 1, 10, 100),
        *,
        ax: Any = None,
        **kwargs: Any,
    ) -> RegressionLinesDisplay:
        """Clone ``estimator`` with each alpha, fit it on ``(X, y)`` and draw the lines.

        Parameters
        ----------
        estimator : estimator
            A regressor with an ``alpha`` parameter and a ``coef_`` after
            fitting (``shrinkage.Ridge``, ``Lasso``, ``ElasticNet``); fitted
            or not, it is cloned.
        X : array-like of shape (n_samples, 1)
        y : array-like of shape (n_samples,)
        alphas : array-like, default=(0, 1, 10, 100)
            Penalty strengths on the estimator's own scale.
        ax : matplotlib.axes.Axes, optional
        **kwargs
            Passed to :meth:`plot`.

        Returns
        -------
        display : RegressionLinesDisplay
        """
        if not (hasattr(estimator, "get_params") and "alpha" in estimator.get_params()):
            raise TypeError(
                "RegressionLinesDisplay.from_estimator needs an estimator with an 'alpha' "
                f"parameter (shrinkage.Ridge, Lasso, ElasticNet); got {type(estimator).__name__}."
            )

        def make(alpha: float) -> Any:
            return clone(estimator).set_params(alpha=alpha)

        return cls._fit(make, X, y, alphas, type(estimator).__name__, ax, kwargs)
