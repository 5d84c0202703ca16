"""Why the Lasso zeroes coefficients: loss contours meeting the norm balls.

For a 2-feature least-squares problem, the penalised solution at ``alpha``
is also the solution of the problem constrained to the ball of the penalty
through it (the ball whose size is the penalty of that solution). The
loss contour through the solution touches that ball there. The L1 ball is
a diamond, so a contour often first touches it at a corner, where one
coefficient is exactly 0; the L2 ball is round and has no corners.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.utils import check_X_y

from ..penalties import L1, L2, ElasticNet
from ..solvers import CoordinateDescent
from ._common import axes_or_new

__all__ = ["NormBallDisplay"]

_NAMES = ("l1", "l2", "elasticnet")
_COLORS = {"l1": "tab:red", "l2": "tab:blue", "elasticnet": "tab:green"}
_SOLVER = CoordinateDescent(tol=1e-12, max_iter=100_000)


def check_two_features(
    X: ArrayLike, y: ArrayLike, display: str
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``(X, y)`` centred, float64, with a clear error unless X has 2 columns."""
    X_arr = np.asarray(X) if not hasattr(X, "toarray") else X
    shape: tuple[int, ...] = tuple(getattr(X_arr, "shape", ()))
    if len(shape) != 2 or shape[1] != 2:
        raise ValueError(
            f"{display} draws a 2-feature problem: X must have exactly 2 columns "
            f"(one per axis), got shape {shape}. Select two features first, "
            "e.g. X[:, [0, 1]]."
        )
    Xc, yc = check_X_y(X_arr, y, dtype=np.float64, y_numeric=True)
    Xc = Xc - Xc.mean(axis=0)
    yc = yc - yc.mean()
    return np.asarray(Xc, dtype=np.float64), np.asarray(yc, dtype=np.float64)


def _ball_curve(name: str, coef: NDArray[np.float64], l1_ratio: float) -> NDArray[np.float64]:
    """Closed curve ``(m, 2)``: the boundary of the penalty's ball through ``coef``."""
    if name == "l1":
        t = float(np.sum(np.abs(coef)))
        return np.array([[t, 0.0], [0.0, t], [-t, 0.0], [0.0, -t], [t, 0.0]])
    theta = np.linspace(0.0, 2.0 * np.pi, 721)
    u = np.column_stack([np.cos(theta), np.sin(theta)])
    if name == "l2":
        return float(np.linalg.norm(coef)) * u
    # Elastic net: r |w|_1 + (1 - r) / 2 ||w||^2 = c along each direction u.
    r = l1_ratio
    c = r * float(np.sum(np.abs(coef))) + 0.5 * (1.0 - r) * float(np.dot(coef, coef))
    a = r * np.sum(np.abs(u), axis=1)
    b = 0.5 * (1.0 - r)
    t = c / a if b == 0 else (-a + np.sqrt(a * a + 4.0 * b * c)) / (2.0 * b)
    return t[:, None] * u


class NormBallDisplay:
    """Least-squares contours and the L1, L2 and elastic-net balls in 2-D.

    Build it with :meth:`from_data` or :meth:`from_estimator`; the
    constructor only stores what is drawn.

    Parameters
    ----------
    gram : ndarray of shape (2, 2)
        ``X' X / n`` of the centred data.
    ols : ndarray of shape (2,)
        The unpenalised least-squares coefficients.
    solutions : dict of str to ndarray of shape (2,)
        The penalised solutions, keys ``"l1"``, ``"l2"``, ``"elasticnet"``.
    alpha : float
        The penalty strength the solutions were computed at.
    l1_ratio : float
        The elastic-net mix.

    Attributes
    ----------
    contours_ : matplotlib.contour.QuadContourSet
        The loss contours; the levels through each solution are included.
    balls_ : dict of str to matplotlib.lines.Line2D
        The boundary of each ball, scaled to pass through its solution.
    solutions_ : dict of str to tuple of float
        Where each solution lies, ``(w1, w2)``.
    markers_ : dict of str to matplotlib.lines.Line2D
        The marker of each solution and of ``"ols"``.
    ols_ : tuple of float
        The least-squares point ``(w1, w2)``.
    ax_ : matplotlib.axes.Axes
    figure_ : matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.multivariate_normal([0, 0], [[1, 0.7], [0.7, 1]], size=100)
    >>> y = X @ [2.0, 0.3] + 0.5 * rng.standard_normal(100)
    >>> display = NormBallDisplay.from_data(X, y, alpha=0.6)  # doctest: +SKIP
    >>> display.solutions_["l1"]  # doctest: +SKIP
    (1.6179..., 0.0)
    """

    def __init__(
        self,
        *,
        gram: ArrayLike,
        ols: ArrayLike,
        solutions: Mapping[str, ArrayLike],
        alpha: float,
        l1_ratio: float,
    ) -> None:
        self.gram = np.asarray(gram, dtype=np.float64)
        self.ols = np.asarray(ols, dtype=np.float64)
        self.solutions = {k: np.asarray(v, dtype=np.float64) for k, v in solutions.items()}
        self.alpha = float(alpha)
        self.l1_ratio = float(l1_ratio)

    def _excess_loss(self, w1: NDArray[np.float64], w2: NDArray[np.float64]) -> NDArray[Any]:
        """Loss minus its minimum: ``(w - ols)' G (w - ols) / 2`` on a grid."""
        d1, d2 = w1 - self.ols[0], w2 - self.ols[1]
        g = self.gram
        return 0.5 * (g[0, 0] * d1 * d1 + 2.0 * g[0, 1] * d1 * d2 + g[1, 1] * d2 * d2)

    def plot(self, ax: Any = None, **kwargs: Any) -> NormBallDisplay:
        """Draw the contours, the balls and the solutions.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; a new figure when ``None``.
        **kwargs
            Passed to ``ax.plot`` for every ball (e.g. ``linewidth``).

        Returns
        -------
        NormBallDisplay
            ``self``, with the artists set.
        """
        fig, ax = axes_or_new(ax)
        curves = {name: _ball_curve(name, self.solutions[name], self.l1_ratio) for name in _NAMES}
        radius = max(float(np.max(np.abs(c))) for c in curves.values())
        points = np.vstack([self.ols, *self.solutions.values()])
        lo = np.minimum(points.min(axis=0), -radius)
        hi = np.maximum(points.max(axis=0), radius)
        margin = 0.15 * float(np.max(hi - lo))
        lo, hi = lo - margin, hi + margin

        g1, g2 = np.meshgrid(np.linspace(lo[0], hi[0], 300), np.linspace(lo[1], hi[1], 300))
        excess = self._excess_loss(g1, g2)
        at_solutions = [
            float(self._excess_loss(np.asarray(w[0]), np.asarray(w[1])))
            for w in self.solutions.values()
        ]
        positive = [v for v in at_solutions if v > 0]
        if positive:
            levels = np.unique(
                [min(positive) / 16, min(positive) / 4, *positive, 2 * max(positive)]
            )
        else:  # alpha = 0: every solution is the least-squares point
            levels = np.geomspace(1e-3, 1.0, 5) * float(excess.max())
        self.contours_ = ax.contour(
            g1, g2, excess, levels=levels, colors="0.55", linewidths=0.9, zorder=1
        )

        labels = {
            "l1": "L1 ball (Lasso)",
            "l2": "L2 ball (ridge)",
            "elasticnet": f"elastic-net ball (l1_ratio={self.l1_ratio:g})",
        }
        self.balls_ = {}
        self.markers_ = {}
        self.solutions_ = {}
        for name in _NAMES:
            style = {"color": _COLORS[name], "linewidth": 1.8, "label": labels[name], **kwargs}
            (self.balls_[name],) = ax.plot(curves[name][:, 0], curves[name][:, 1], **style)
            w = self.solutions[name]
            self.solutions_[name] = (float(w[0]), float(w[1]))
            (self.markers_[name],) = ax.plot(
                w[0],
                w[1],
                "o",
                color=_COLORS[name],
                markersize=7,
                zorder=4,
                markeredgecolor="black",
            )
        self.ols_ = (float(self.ols[0]), float(self.ols[1]))
        (self.markers_["ols"],) = ax.plot(
            *self.ols_, "*", color="black", markersize=12, zorder=4, label="least squares"
        )
        ax.axhline(0.0, color="0.8", linewidth=0.8, zorder=0)
        ax.axvline(0.0, color="0.8", linewidth=0.8, zorder=0)
        ax.set_xlim(lo[0], hi[0])
        ax.set_ylim(lo[1], hi[1])
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel("w1")
        ax.set_ylabel("w2")
        ax.set_title(f"Loss contours meet the penalty balls (alpha={self.alpha:g})")
        ax.legend(loc="best", fontsize="small")
        self.ax_ = ax
        self.figure_ = fig
        return self

    @classmethod
    def from_data(
        cls,
        X: ArrayLike,
        y: ArrayLike,
        *,
        alpha: float = 1.0,
        l1_ratio: float = 0.5,
        ax: Any = None,
        **kwargs: Any,
    ) -> NormBallDisplay:
        """Solve the three penalised problems on ``(X, y)`` and draw them.

        The data are centred (the intercept is not penalised), then
        coordinate descent solves ``||y - X w||^2 / (2 n) + pen(w)`` for
        ``L1(alpha)`` (the Lasso), ``L2(alpha)`` (``alpha ||w||^2``: ridge
        with scikit-learn's ``alpha`` equal to ``2 n alpha``) and
        ``ElasticNet(alpha, l1_ratio)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, 2)
            Exactly two features, one per axis.
        y : array-like of shape (n_samples,)
        alpha : float, default=1.0
            Penalty strength, as in :class:`shrinkage.Lasso`.
        l1_ratio : float, default=0.5
            The elastic-net mix, as in :class:`shrinkage.ElasticNet`.
        ax : matplotlib.axes.Axes, optional
        **kwargs
            Passed to :meth:`plot`.

        Returns
        -------
        NormBallDisplay

        Raises
        ------
        ValueError
            If ``X`` does not have exactly two columns.
        """
        Xc, yc = check_two_features(X, y, "NormBallDisplay")
        n = Xc.shape[0]
        penalties = {
            "l1": L1(alpha),
            "l2": L2(alpha),
            "elasticnet": ElasticNet(alpha, l1_ratio=l1_ratio),
        }
        solutions = {
            name: _SOLVER.solve(Xc, yc, pen, warn=False).coef for name, pen in penalties.items()
        }
        ols = np.linalg.lstsq(Xc, yc, rcond=None)[0]
        display = cls(
            gram=Xc.T @ Xc / n,
            ols=ols,
            solutions=solutions,
            alpha=alpha,
            l1_ratio=l1_ratio,
        )
        return display.plot(ax=ax, **kwargs)

    @classmethod
    def from_estimator(
        cls, estimator: Any, X: ArrayLike, y: ArrayLike, *, ax: Any = None, **kwargs: Any
    ) -> NormBallDisplay:
        """As :meth:`from_data` with the ``alpha`` and ``l1_ratio`` of an estimator.

        Parameters
        ----------
        estimator : shrinkage.Lasso or shrinkage.ElasticNet
            Only its parameters are read (it need not be fitted); a Lasso,
            which has no ``l1_ratio``, draws the elastic-net ball at 0.5.
        X : array-like of shape (n_samples, 2)
        y : array-like of shape (n_samples,)
        ax : matplotlib.axes.Axes, optional
        **kwargs
            Passed to :meth:`plot`.

        Returns
        -------
        NormBallDisplay
        """
        from ..linear_model import ElasticNet as ElasticNetModel

        if not isinstance(estimator, ElasticNetModel):
            raise TypeError(
                "NormBallDisplay.from_estimator needs a shrinkage Lasso or ElasticNet "
                f"(their alpha is the one drawn), got {type(estimator).__name__}. "
                "Use from_data(X, y, alpha=...) otherwise."
            )
        params = estimator.get_params()
        extras = [
            key
            for key in ("standardize", "positive", "penalty_factor", "lower_bounds", "upper_bounds")
            if params.get(key) not in (None, False)
        ]
        if extras:
            raise ValueError(
                "NormBallDisplay draws the plain penalties; this estimator also sets "
                f"{', '.join(extras)}, which the balls do not show."
            )
        l1_ratio = float(params.get("l1_ratio", 0.5))
        return cls.from_data(X, y, alpha=params["alpha"], l1_ratio=l1_ratio, ax=ax, **kwargs)
