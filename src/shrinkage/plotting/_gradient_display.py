"""Why subgradient descent never zeroes a coefficient and a prox step does.

On a 2-feature least-squares problem, the trajectories of textbook
(sub)gradient descent (no penalty, L1, L2) are drawn over the loss contours
beside proximal gradient (ISTA) and coordinate descent for the same L1
penalty. The coefficient the Lasso sets to 0 is then followed step by
step: ``w - eta (grad + alpha sign(w))`` keeps jumping across 0, while the
soft-threshold of the prox lands on 0 exactly and stays there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..penalties import L1, L2
from ..solvers import CoordinateDescent, gradient_descent_trajectory
from ._common import pyplot
from ._norm_ball_display import check_two_features

__all__ = ["GradientDescentDisplay"]

_STYLES: dict[str, dict[str, Any]] = {
    "gd": {"color": "black", "label": "gradient descent, no penalty"},
    "gd_l2": {"color": "tab:blue", "label": "gradient descent, L2"},
    "gd_l1": {"color": "tab:red", "label": "subgradient descent, L1"},
    "prox_l1": {"color": "tab:green", "label": "proximal gradient (ISTA), L1"},
    "cd_l1": {"color": "tab:purple", "label": "coordinate descent, L1", "linestyle": "--"},
}


def ista_trajectory(
    X: NDArray[np.float64],
    y: NDArray[np.float64],
    penalty: Any,
    learning_rate: float,
    n_steps: int,
    coef_init: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Iterates ``w <- prox(w - eta grad(w), eta)`` of ISTA, row 0 the start."""
    n = X.shape[0]
    w = coef_init.copy()
    out = [w]
    for _ in range(n_steps):
        grad = -X.T @ (y - X @ w) / n
        w = penalty.prox(w - learning_rate * grad, learning_rate)
        out.append(w)
    return np.array(out)


def cd_trajectory(
    X: NDArray[np.float64],
    y: NDArray[np.float64],
    penalty: Any,
    n_steps: int,
    coef_init: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Cyclic coordinate descent, one row per coordinate update (a staircase).

    Each update is the exact minimiser along one coordinate, the prox of the
    penalty at step ``1 / G_jj``; row 0 is the start, ``n_steps`` updates.
    """
    n = X.shape[0]
    gram, xty = X.T @ X / n, X.T @ y / n
    w = coef_init.copy()
    out = [w.copy()]
    for k in range(n_steps):
        j = k % w.shape[0]
        if gram[j, j] > 0:
            rho = xty[j] - gram[j] @ w + gram[j, j] * w[j]
            w[j] = penalty.prox(np.array([rho / gram[j, j]]), 1.0 / gram[j, j])[0]
        out.append(w.copy())
    return np.array(out)


class GradientDescentDisplay:
    """Trajectories of (sub)gradient, proximal and coordinate descent in 2-D.

    Build it with :meth:`from_data`; the constructor only stores what is
    drawn.

    Parameters
    ----------
    trajectories : dict of str to ndarray of shape (n_steps + 1, 2)
        Keys among ``"gd"`` (no penalty), ``"gd_l2"``, ``"gd_l1"``
        (textbook updates), ``"prox_l1"`` (ISTA) and ``"cd_l1"``.
    gram : ndarray of shape (2, 2)
        ``X' X / n`` of the centred data (for the contours).
    ols : ndarray of shape (2,)
        The least-squares coefficients (the centre of the contours).
    lasso : ndarray of shape (2,)
        The Lasso solution at ``alpha``.
    zero_index : int
        The coordinate followed in the second panel (the one the Lasso
        sets to 0, else the smallest).
    alpha : float
    learning_rate : float

    Attributes
    ----------
    trajectories_ : dict of str to ndarray of shape (n_steps + 1, 2)
    lines_ : dict of str to matplotlib.lines.Line2D
        The trajectories of the first panel.
    coef_lines_ : dict of str to matplotlib.lines.Line2D
        ``w[zero_index]`` against the step, for ``"gd_l1"`` and ``"prox_l1"``.
    contours_ : matplotlib.contour.QuadContourSet
    axes_ : ndarray of 2 matplotlib.axes.Axes
    ax_ : matplotlib.axes.Axes
        The first panel.
    figure_ : matplotlib.figure.Figure
    """

    def __init__(
        self,
        *,
        trajectories: Mapping[str, ArrayLike],
        gram: ArrayLike,
        ols: ArrayLike,
        lasso: ArrayLike,
        zero_index: int,
        alpha: float,
        learning_rate: float,
    ) -> None:
        self.trajectories = {k: np.asarray(v, dtype=np.float64) for k, v in trajectories.items()}
        self.gram = np.asarray(gram, dtype=np.float64)
        self.ols = np.asarray(ols, dtype=np.float64)
        self.lasso = np.asarray(lasso, dtype=np.float64)
        self.zero_index = int(zero_index)
        self.alpha = float(alpha)
        self.learning_rate = float(learning_rate)

    def plot(self, ax: Sequence[Any] | None = None, **kwargs: Any) -> GradientDescentDisplay:
        """Draw the two panels.

        Parameters
        ----------
        ax : pair of matplotlib.axes.Axes, optional
            The trajectory panel and the coefficient panel; a new figure
            with two panels when ``None``.
        **kwargs
            Passed to ``ax.plot`` for every trajectory (e.g. ``linewidth``).

        Returns
        -------
        GradientDescentDisplay
            ``self``, with the artists set.
        """
        if ax is None:
            fig, axes = pyplot().subplots(1, 2, figsize=(12, 5.2))
        else:
            axes = np.asarray(ax, dtype=object).ravel()
            if axes.shape != (2,):
                raise ValueError(f"ax must be a pair of Axes, got {axes.shape[0]}.")
            fig = axes[0].figure
        ax_path, ax_coef = axes[0], axes[1]

        points = np.vstack([*self.trajectories.values(), self.ols[None, :], np.zeros((1, 2))])
        lo, hi = points.min(axis=0), points.max(axis=0)
        margin = 0.12 * float(np.max(hi - lo)) + 1e-12
        lo, hi = lo - margin, hi + margin
        g1, g2 = np.meshgrid(np.linspace(lo[0], hi[0], 250), np.linspace(lo[1], hi[1], 250))
        d1, d2 = g1 - self.ols[0], g2 - self.ols[1]
        g = self.gram
        excess = 0.5 * (g[0, 0] * d1 * d1 + 2 * g[0, 1] * d1 * d2 + g[1, 1] * d2 * d2)
        top = float(excess.max())
        levels = np.geomspace(top * 1e-4, top * 0.5, 9) if top > 0 else None
        self.contours_ = ax_path.contour(
            g1, g2, excess, levels=levels, colors="0.6", linewidths=0.8, zorder=1
        )

        self.trajectories_ = dict(self.trajectories)
        self.lines_ = {}
        for name, path in self.trajectories.items():
            style = {"marker": ".", "markersize": 3, "linewidth": 1.3, **_STYLES.get(name, {})}
            style.update(kwargs)
            (self.lines_[name],) = ax_path.plot(path[:, 0], path[:, 1], **style)
        ax_path.plot(*self.ols, "*", color="black", markersize=12, zorder=4)
        ax_path.plot(
            *self.lasso,
            "o",
            color="tab:green",
            markeredgecolor="black",
            zorder=4,
            label="Lasso solution",
        )
        ax_path.axhline(0.0, color="0.8", linewidth=0.8, zorder=0)
        ax_path.axvline(0.0, color="0.8", linewidth=0.8, zorder=0)
        ax_path.set_xlim(lo[0], hi[0])
        ax_path.set_ylim(lo[1], hi[1])
        ax_path.set_aspect("equal", adjustable="box")
        ax_path.set_xlabel("w1")
        ax_path.set_ylabel("w2")
        ax_path.set_title(f"(a) trajectories over the loss (alpha={self.alpha:g})")
        ax_path.legend(loc="best", fontsize="small")

        j = self.zero_index
        self.coef_lines_ = {}
        for name in ("gd_l1", "prox_l1"):
            if name in self.trajectories:
                path = self.trajectories[name]
                (self.coef_lines_[name],) = ax_coef.plot(
                    np.arange(path.shape[0]),
                    path[:, j],
                    marker=".",
                    markersize=3,
                    linewidth=1.0,
                    color=_STYLES[name]["color"],
                    label=_STYLES[name]["label"],
                )
        ax_coef.axhline(0.0, color="black", linewidth=0.8)
        ax_coef.set_yscale("symlog", linthresh=self._linthresh(), linscale=3.0)
        ax_coef.set_xlabel("iteration")
        ax_coef.set_ylabel(f"w{j + 1} (symlog scale)")
        ax_coef.set_title(f"(b) w{j + 1}: subgradient jumps across 0, the prox lands on it")
        ax_coef.legend(loc="best", fontsize="small")

        self.axes_ = np.array([ax_path, ax_coef], dtype=object)
        self.ax_ = ax_path
        self.figure_ = fig
        return self

    def _linthresh(self) -> float:
        """Linear range of the symlog axis: below the subgradient's oscillation."""
        path = self.trajectories.get("gd_l1")
        if path is None:
            return 1e-3
        tail = np.abs(path[path.shape[0] // 2 :, self.zero_index])
        tail = tail[tail > 0]
        if not tail.size:
            return 1e-3
        return float(10.0 ** np.floor(np.log10(float(tail.min()) / 2)))

    @classmethod
    def from_data(
        cls,
        X: ArrayLike,
        y: ArrayLike,
        *,
        alpha: float,
        learning_rate: float | None = None,
        n_steps: int = 200,
        coef_init: ArrayLike | None = None,
        ax: Sequence[Any] | None = None,
        **kwargs: Any,
    ) -> GradientDescentDisplay:
        """Run every method on the centred ``(X, y)`` and draw them.

        Parameters
        ----------
        X : array-like of shape (n_samples, 2)
            Exactly two features.
        y : array-like of shape (n_samples,)
        alpha : float
            Strength of ``L1(alpha)`` and ``L2(alpha)``, for the loss
            ``||y - X w||^2 / (2 n)``.
        learning_rate : float, optional
            The constant step of every gradient method; ``None`` uses
            ``1 / L`` with ``L`` the largest eigenvalue of ``X' X / n``.
        n_steps : int, default=200
            Steps of each method (coordinate updates for coordinate descent).
        coef_init : array-like of shape (2,), optional
            Common starting point; default 0.
        ax : pair of matplotlib.axes.Axes, optional
        **kwargs
            Passed to :meth:`plot`.

        Returns
        -------
        GradientDescentDisplay

        Raises
        ------
        ValueError
            If ``X`` does not have exactly two columns.
        """
        Xc, yc = check_two_features(X, y, "GradientDescentDisplay")
        n = Xc.shape[0]
        gram = Xc.T @ Xc / n
        if learning_rate is None:
            top = float(np.linalg.eigvalsh(gram)[-1])
            learning_rate = 1.0 / top if top > 0 else 1.0
        w0 = np.zeros(2) if coef_init is None else np.asarray(coef_init, dtype=np.float64)
        if w0.shape != (2,):
            raise ValueError(f"coef_init must have shape (2,), got {w0.shape}.")
        l1 = L1(alpha)
        trajectories = {
            "gd": gradient_descent_trajectory(Xc, yc, None, learning_rate, n_steps, w0),
            "gd_l2": gradient_descent_trajectory(Xc, yc, L2(alpha), learning_rate, n_steps, w0),
            "gd_l1": gradient_descent_trajectory(Xc, yc, l1, learning_rate, n_steps, w0),
            "prox_l1": ista_trajectory(Xc, yc, l1, learning_rate, n_steps, w0),
            "cd_l1": cd_trajectory(Xc, yc, l1, n_steps, w0),
        }
        lasso = CoordinateDescent(tol=1e-12, max_iter=100_000).solve(Xc, yc, l1, warn=False).coef
        zeros = np.flatnonzero(lasso == 0)
        zero_index = int(zeros[0]) if zeros.size else int(np.argmin(np.abs(lasso)))
        display = cls(
            trajectories=trajectories,
            gram=gram,
            ols=np.linalg.lstsq(Xc, yc, rcond=None)[0],
            lasso=lasso,
            zero_index=zero_index,
            alpha=alpha,
            learning_rate=learning_rate,
        )
        return display.plot(ax=ax, **kwargs)
