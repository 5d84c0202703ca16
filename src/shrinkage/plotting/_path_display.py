"""The regularization path: every coefficient as the penalty loosens (glmnet's ``plot``)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..path import Path
from ._common import axes_or_new, path_of

X_OPTIONS = ("alpha", "l1_norm", "deviance_ratio")
X_LABELS = {
    "alpha": "alpha (log scale)",
    "l1_norm": "L1 norm of coefficients",
    "deviance_ratio": "fraction of deviance explained",
}
N_TOP_TICKS = 6


def _check_x(x: Any) -> str:
    if not isinstance(x, str) or x not in X_OPTIONS:
        raise ValueError(f"x must be one of {', '.join(map(repr, X_OPTIONS))}; got {x!r}.")
    return x


def _selected_alphas(estimator: Any) -> tuple[float | None, float | None]:
    """``alpha_min_`` and ``alpha_1se_`` of a CV estimator, on its ``path_``'s scale.

    RidgeCV reports alphas on its own scale (``cv_results_["alphas"]``),
    its path on the Elastic-Net one; both grids are proportional, so the
    chosen values are rescaled by the ratio of the grids' first values.
    """
    values = []
    for name in ("alpha_min_", "alpha_1se_"):
        value = getattr(estimator, name, None)
        values.append(None if value is None or not np.isfinite(value) else float(value))
    if values == [None, None] or isinstance(estimator, Path):
        return None, None
    path: Path = estimator.path_
    results = getattr(estimator, "cv_results_", None) or {}
    grid = np.asarray(results.get("alphas", path.alphas), dtype=np.float64)
    if grid.ndim == 2:
        ratios = np.asarray(results.get("l1_ratio", np.zeros(grid.shape[0])))
        matching = np.flatnonzero(np.isclose(ratios, path.l1_ratio))
        grid = grid[matching[0] if matching.size else 0]
    scale = float(path.alphas[0] / grid[0]) if grid.size and grid[0] > 0 else 1.0
    alpha_min, alpha_1se = (None if v is None else v * scale for v in values)
    return alpha_min, alpha_1se


def _spread(y: NDArray[np.float64], gap: float) -> NDArray[np.float64]:
    """``y`` moved apart (keeping their order) so neighbours are at least ``gap`` apart."""
    order = np.argsort(y)
    placed = y[order].astype(np.float64).copy()
    for k in range(1, placed.size):
        placed[k] = max(placed[k], placed[k - 1] + gap)
    # centre the shifted block on the original positions
    placed -= (placed - y[order]).mean() if placed.size else 0.0
    out = np.empty_like(placed)
    out[order] = placed
    return out


class PathDisplay:
    """Coefficients along a regularization path, as glmnet's ``plot(fit)``.

    One line per feature against ``log(alpha)`` (alpha decreasing to the
    right, as glmnet), the L1 norm of the coefficient vector, or the
    fraction of deviance explained. The top axis counts the nonzero
    coefficients (``df``) at its ticks; the largest coefficients at the
    smallest alpha are labelled with their feature names. Built from a CV
    estimator, dashed vertical lines mark ``alpha_min_`` and ``alpha_1se_``.

    Use :meth:`from_estimator` or :meth:`from_path` to build and draw one.

    Parameters
    ----------
    path : Path
        The regularization path to draw.
    alpha_min, alpha_1se : float, optional
        Alphas to mark with vertical lines (on the path's alpha scale).
    estimator_name : str, optional
        Used in the title.

    Attributes
    ----------
    lines_ : list of matplotlib.lines.Line2D
        One per feature drawn (for a multinomial path, the features of
        the class ``class_index``).
    labels_ : list of matplotlib.text.Text
        Feature names at the end of the ``n_labels`` lines with the largest
        ``|coef|`` at the smallest alpha (nonzero ones only).
    alpha_lines_ : dict of str to matplotlib.lines.Line2D
        ``"alpha_min"`` and ``"alpha_1se"`` vertical lines (those given).
    ax_top_ : matplotlib.axes.Axes
        The secondary top axis; its tick labels are ``df`` at its ticks.
    x_ : ndarray of shape (n_alphas,)
        The x coordinate of each grid alpha, as plotted.
    ax_ : matplotlib.axes.Axes
    figure_ : matplotlib.figure.Figure

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from shrinkage import LassoCV
    >>> from shrinkage.plotting import PathDisplay
    >>> X, y = load_diabetes(return_X_y=True, as_frame=True)
    >>> model = LassoCV(cv=3, alphas=20).fit(X, y)
    >>> display = PathDisplay.from_estimator(model)  # doctest: +SKIP
    """

    def __init__(
        self,
        path: Path,
        *,
        alpha_min: float | None = None,
        alpha_1se: float | None = None,
        estimator_name: str | None = None,
    ) -> None:
        self.path = path
        self.alpha_min = alpha_min
        self.alpha_1se = alpha_1se
        self.estimator_name = estimator_name

    # -- coordinates ---------------------------------------------------------
    def _coefs(self, class_index: int) -> NDArray[np.float64]:
        coefs = np.asarray(self.path.coefs, dtype=np.float64)
        if coefs.ndim == 3:
            n_classes = coefs.shape[1]
            if (
                isinstance(class_index, bool)
                or not isinstance(class_index, int | np.integer)
                or not -n_classes <= class_index < n_classes
            ):
                raise ValueError(
                    f"class_index must be an integer in [0, {n_classes}) for this "
                    f"multinomial path; got {class_index!r}."
                )
            coefs = coefs[:, int(class_index), :]
        return coefs

    def _x_of_alpha(self, x: str, coefs: NDArray[np.float64], alpha: float) -> float:
        """Where ``alpha`` sits on the x axis (interpolated between grid points)."""
        if x == "alpha":
            return float(alpha)
        grid = self.path.alphas
        if x == "l1_norm":
            values = np.abs(coefs).sum(axis=0)
        else:
            values = np.asarray(self.path.deviance_ratio, dtype=np.float64)
        # np.interp needs increasing abscissae: the grid decreases.
        return float(np.interp(alpha, grid[::-1], values[::-1]))

    # -- drawing -------------------------------------------------------------
    def plot(
        self,
        ax: Any = None,
        *,
        x: str = "alpha",
        class_index: int = 0,
        n_labels: int = 10,
        **kwargs: Any,
    ) -> PathDisplay:
        """Draw the path.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; a new figure by default.
        x : {"alpha", "l1_norm", "deviance_ratio"}, default="alpha"
            The x axis: alpha on a log scale (decreasing to the right), the
            L1 norm of the coefficients, or the fraction of deviance explained.
        class_index : int, default=0
            For a multinomial path (coefs of shape ``(n_features, n_classes,
            n_alphas)``), the class whose coefficients are drawn (position in
            ``path.classes``). Ignored for other paths.
        n_labels : int, default=10
            How many lines to label with their feature name (those with the
            largest ``|coef|`` at the smallest alpha); 0 for none.
        **kwargs
            Passed to every coefficient line (``matplotlib.axes.Axes.plot``).

        Returns
        -------
        PathDisplay
            ``self``, with ``figure_``, ``ax_`` and the artists set.
        """
        x = _check_x(x)
        if isinstance(n_labels, bool) or not isinstance(n_labels, int | np.integer) or n_labels < 0:
            raise ValueError(f"n_labels must be an integer >= 0; got {n_labels!r}.")
        coefs = self._coefs(class_index)
        path = self.path
        if x == "alpha":
            xs = np.asarray(path.alphas, dtype=np.float64)
        elif x == "l1_norm":
            xs = np.abs(coefs).sum(axis=0)
        else:
            xs = np.asarray(path.deviance_ratio, dtype=np.float64)
        self.x_ = xs
        fig, ax = axes_or_new(ax)

        kwargs.setdefault("linewidth", 1.2)
        self.lines_ = [ax.plot(xs, coefs[j], **kwargs)[0] for j in range(coefs.shape[0])]
        ax.axhline(0.0, color="0.6", linewidth=0.6, zorder=0)
        self._set_limits(ax, x, xs)
        self.labels_ = self._draw_labels(ax, coefs, xs, int(n_labels))
        self.alpha_lines_ = self._draw_alpha_lines(ax, x, coefs)
        self.ax_top_ = self._draw_df_axis(ax, xs)

        ax.set_xlabel(X_LABELS[x])
        ax.set_ylabel("coefficient")
        title = "regularization path"
        if self.estimator_name:
            title = f"{self.estimator_name}: {title}"
        ax.set_title(title, pad=22)
        self.ax_, self.figure_ = ax, fig
        return self

    @staticmethod
    def _set_limits(ax: Any, x: str, xs: NDArray[np.float64]) -> None:
        """Log/inverted axis for alpha, with room at the right end for the labels."""
        lo, hi = float(np.min(xs)), float(np.max(xs))
        if x == "alpha":
            ax.set_xscale("log")
            if hi > lo:
                span = np.log10(hi / lo)
                ax.set_xlim(hi * 10 ** (0.02 * span), lo / 10 ** (0.18 * span))
            else:
                ax.set_xlim(hi * 1.1, lo / 1.1)
        else:
            span = hi - lo if hi > lo else max(abs(hi), 1.0)
            ax.set_xlim(lo - 0.02 * span, hi + 0.18 * span)

    def _draw_labels(
        self, ax: Any, coefs: NDArray[np.float64], xs: NDArray[np.float64], n_labels: int
    ) -> list[Any]:
        if n_labels == 0 or coefs.shape[0] == 0:
            return []
        last = coefs[:, -1]
        chosen = np.argsort(-np.abs(last), kind="stable")[:n_labels]
        chosen = chosen[last[chosen] != 0]  # a zero coefficient has no line end to name
        ys = last[chosen]
        low, high = float(coefs.min()), float(coefs.max())
        gap = 0.04 * (high - low if high > low else 1.0)
        placed = _spread(ys.astype(np.float64), gap)
        names = self.path.names(chosen)
        labels = []
        for j, y, name in zip(chosen, placed, names, strict=True):
            labels.append(
                ax.annotate(
                    name, xy=(xs[-1], y), xytext=(4, 0), textcoords="offset points",
                    ha="left", va="center", fontsize="small",
                    color=self.lines_[j].get_color(), annotation_clip=False,
                )
            )
        return labels

    def _draw_alpha_lines(self, ax: Any, x: str, coefs: NDArray[np.float64]) -> dict[str, Any]:
        lines = {}
        for key, alpha in (("alpha_min", self.alpha_min), ("alpha_1se", self.alpha_1se)):
            if alpha is None or not np.isfinite(alpha):
                continue
            pos = self._x_of_alpha(x, coefs, float(alpha))
            lines[key] = ax.axvline(
                pos, color="0.25", linestyle="--" if key == "alpha_min" else ":",
                linewidth=1.0, label=f"{key} = {alpha:.3g}",
            )
        if lines:
            ax.legend(handles=list(lines.values()), loc="best", fontsize="small")
        return lines

    def _draw_df_axis(self, ax: Any, xs: NDArray[np.float64]) -> Any:
        """Top axis: ticks at grid points spread over the x range, labelled with df."""
        top = ax.secondary_xaxis("top")
        df = np.asarray(self.path.df)
        if xs.size:
            lo, hi = float(np.min(xs)), float(np.max(xs))
            if ax.get_xscale() == "log" and lo > 0:
                targets = np.geomspace(lo, hi, N_TOP_TICKS)
                distance = np.abs(np.log(xs)[:, None] - np.log(targets)[None, :])
            else:
                targets = np.linspace(lo, hi, N_TOP_TICKS)
                distance = np.abs(xs[:, None] - targets[None, :])
            index = np.unique(np.argmin(distance, axis=0))
            # one tick per distinct position (several grid points can share one)
            _, first = np.unique(xs[index], return_index=True)
            index = index[np.sort(first)]
            top.set_xticks(xs[index], labels=[str(int(df[k])) for k in index])
        top.set_xlabel("nonzero coefficients")
        return top

    # -- constructors --------------------------------------------------------
    @classmethod
    def from_estimator(
        cls,
        estimator: Any,
        *,
        ax: Any = None,
        x: str = "alpha",
        class_index: int = 0,
        n_labels: int = 10,
        **kwargs: Any,
    ) -> PathDisplay:
        """Draw the path a fitted estimator holds (``path_``).

        Parameters
        ----------
        estimator : fitted estimator with a ``path_``
            LassoCV, ElasticNetCV, LogisticRegressionCV, RidgeCV...; their
            ``alpha_min_`` and ``alpha_1se_`` are marked.
        ax, x, class_index, n_labels, **kwargs
            As in :meth:`plot`.

        Returns
        -------
        PathDisplay
        """
        _check_x(x)
        path = path_of(estimator, "PathDisplay")
        alpha_min, alpha_1se = _selected_alphas(estimator)
        display = cls(
            path, alpha_min=alpha_min, alpha_1se=alpha_1se,
            estimator_name=type(estimator).__name__,
        )
        return display.plot(ax, x=x, class_index=class_index, n_labels=n_labels, **kwargs)

    @classmethod
    def from_path(
        cls,
        path: Path,
        *,
        alpha_min: float | None = None,
        alpha_1se: float | None = None,
        ax: Any = None,
        x: str = "alpha",
        class_index: int = 0,
        n_labels: int = 10,
        **kwargs: Any,
    ) -> PathDisplay:
        """Draw a :class:`shrinkage.Path` (from :func:`shrinkage.regularization_path`).

        Parameters
        ----------
        path : Path
        alpha_min, alpha_1se : float, optional
            Alphas to mark with vertical lines.
        ax, x, class_index, n_labels, **kwargs
            As in :meth:`plot`.

        Returns
        -------
        PathDisplay
        """
        _check_x(x)
        if not isinstance(path, Path):
            raise ValueError(
                f"from_path needs a shrinkage.Path, got {type(path).__name__}; "
                "use from_estimator for a fitted estimator."
            )
        display = cls(path, alpha_min=alpha_min, alpha_1se=alpha_1se)
        return display.plot(ax, x=x, class_index=class_index, n_labels=n_labels, **kwargs)
