"""The cross-validation curve: mean held-out error against alpha (glmnet's ``plot(cvfit)``)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._common import axes_or_new

SCORING_LABELS = {
    "mse": "mean squared error",
    "deviance": "deviance",
    "accuracy": "misclassification error",
}


def scoring_label(scoring: Any) -> str:
    """The y label for a ``cv_results_["scoring"]`` name (errors: lower is better)."""
    name = str(scoring)
    if name in SCORING_LABELS:
        return SCORING_LABELS[name]
    if name.startswith("neg_"):  # minus a negated score: the error itself
        return name[len("neg_"):].replace("_", " ")
    return f"-{name} (negated score)"


def _results_of(estimator: Any) -> dict[str, Any]:
    """``cv_results_`` of a fitted CV estimator, with clear errors otherwise."""
    results = getattr(estimator, "cv_results_", None)
    if isinstance(results, dict) and {"alphas", "mean_error"} <= results.keys():
        return results
    name = type(estimator).__name__
    fitted = any(
        attr.endswith("_") and not attr.startswith("_") for attr in vars(estimator)
    ) if hasattr(estimator, "__dict__") else False
    if not fitted:
        raise ValueError(
            f"CVDisplay needs a fitted estimator; this {name} is not fitted yet: "
            "call fit(X, y) first."
        )
    raise ValueError(
        f"CVDisplay needs cross-validation results (cv_results_); a fitted {name} has "
        "none. Use a CV estimator: LassoCV, ElasticNetCV, LogisticRegressionCV or RidgeCV."
    )


class CVDisplay:
    """Mean cross-validation error with standard-error bars against alpha.

    As glmnet's ``plot(cv.glmnet(...))``: alpha on a log scale decreasing
    to the right, one curve per setting (an ElasticNetCV with several
    ``l1_ratio`` values draws one per value, with a legend), and vertical
    lines at ``alpha_min`` and ``alpha_1se``.

    Use :meth:`from_estimator` to build and draw one.

    Parameters
    ----------
    alphas : array-like of shape (n_alphas,) or (n_settings, n_alphas)
        The grid of each setting.
    mean_error, standard_error : array-like, same shape as ``alphas``
        Mean CV error and its standard error (NaN where none exists: no bars).
    alpha_min, alpha_1se : float, optional
        The chosen alphas to mark (NaN or None: not drawn).
    scoring : str, default="mse"
        ``cv_results_["scoring"]``; gives the y label.
    setting_labels : list of str, optional
        Legend entries, one per setting (by default none for one setting,
        ``"setting k"`` for several).
    estimator_name : str, optional
        Used in the title.

    Attributes
    ----------
    curves_ : list of matplotlib.container.ErrorbarContainer
        One per setting (per ``l1_ratio``).
    alpha_lines_ : dict of str to matplotlib.lines.Line2D
        ``"alpha_min"`` and ``"alpha_1se"`` vertical lines (those that exist;
        RidgeCV with GCV has no ``alpha_1se``).
    legend_ : matplotlib.legend.Legend or None
        None when nothing is labelled (one setting, no chosen alphas).
    ax_ : matplotlib.axes.Axes
    figure_ : matplotlib.figure.Figure

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from shrinkage import LassoCV
    >>> from shrinkage.plotting import CVDisplay
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = LassoCV(cv=3, alphas=20).fit(X, y)
    >>> display = CVDisplay.from_estimator(model)  # doctest: +SKIP
    """

    def __init__(
        self,
        alphas: ArrayLike,
        mean_error: ArrayLike,
        standard_error: ArrayLike,
        *,
        alpha_min: float | None = None,
        alpha_1se: float | None = None,
        scoring: str = "mse",
        setting_labels: list[str] | None = None,
        estimator_name: str | None = None,
    ) -> None:
        self.alphas = np.atleast_2d(np.asarray(alphas, dtype=np.float64))
        self.mean_error = np.atleast_2d(np.asarray(mean_error, dtype=np.float64))
        self.standard_error = np.atleast_2d(np.asarray(standard_error, dtype=np.float64))
        if not self.alphas.shape == self.mean_error.shape == self.standard_error.shape:
            raise ValueError(
                "alphas, mean_error and standard_error must have the same shape; got "
                f"{self.alphas.shape}, {self.mean_error.shape}, {self.standard_error.shape}."
            )
        if setting_labels is not None and len(setting_labels) != self.alphas.shape[0]:
            raise ValueError(
                f"setting_labels needs one label per setting ({self.alphas.shape[0]}); "
                f"got {len(setting_labels)}."
            )
        self.alpha_min = alpha_min
        self.alpha_1se = alpha_1se
        self.scoring = scoring
        self.setting_labels = setting_labels
        self.estimator_name = estimator_name

    def plot(self, ax: Any = None, **kwargs: Any) -> CVDisplay:
        """Draw the CV curves.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; a new figure by default.
        **kwargs
            Passed to every ``matplotlib.axes.Axes.errorbar`` call.

        Returns
        -------
        CVDisplay
            ``self``, with ``figure_``, ``ax_`` and the artists set.
        """
        fig, ax = axes_or_new(ax)
        n_settings = self.alphas.shape[0]
        labels = self.setting_labels
        if labels is None and n_settings > 1:
            labels = [f"setting {k}" for k in range(n_settings)]
        style = {"marker": "o", "markersize": 3, "capsize": 2, "linewidth": 1.0,
                 "elinewidth": 0.7}
        style.update(kwargs)
        self.curves_: list[Any] = []
        for s in range(n_settings):
            se: NDArray[np.float64] | None = self.standard_error[s]
            if se is not None and not np.any(np.isfinite(se)):
                se = None
            self.curves_.append(
                ax.errorbar(
                    self.alphas[s], self.mean_error[s], yerr=se,
                    label=None if labels is None else labels[s], **style,
                )
            )
        ax.set_xscale("log")
        lo, hi = float(np.min(self.alphas)), float(np.max(self.alphas))
        pad = 10 ** (0.03 * np.log10(hi / lo)) if hi > lo else 1.1
        ax.set_xlim(hi * pad, lo / pad)  # alpha decreasing to the right

        self.alpha_lines_: dict[str, Any] = {}
        for key, alpha in (("alpha_min", self.alpha_min), ("alpha_1se", self.alpha_1se)):
            if alpha is None or not np.isfinite(alpha):
                continue
            self.alpha_lines_[key] = ax.axvline(
                float(alpha), color="0.25", linestyle="--" if key == "alpha_min" else ":",
                linewidth=1.0, label=f"{key} = {alpha:.3g}",
            )
        handles = (self.curves_ if labels is not None else []) + list(self.alpha_lines_.values())
        self.legend_ = ax.legend(handles=handles, loc="best", fontsize="small") if handles else None
        ax.set_xlabel("alpha (log scale)")
        ax.set_ylabel(scoring_label(self.scoring))
        title = "cross-validation"
        if self.estimator_name:
            title = f"{self.estimator_name}: {title}"
        ax.set_title(title)
        self.ax_, self.figure_ = ax, fig
        return self

    @classmethod
    def from_estimator(cls, estimator: Any, *, ax: Any = None, **kwargs: Any) -> CVDisplay:
        """Draw a fitted CV estimator's ``cv_results_``.

        Parameters
        ----------
        estimator : fitted LassoCV, ElasticNetCV, LogisticRegressionCV or RidgeCV
            One curve per ``cv_results_`` setting (``l1_ratio``, and
            ``gamma`` for relaxed fits); its ``alpha_min_`` and
            ``alpha_1se_`` are marked.
        ax : matplotlib.axes.Axes, optional
        **kwargs
            Passed to ``matplotlib.axes.Axes.errorbar``.

        Returns
        -------
        CVDisplay
        """
        results = _results_of(estimator)
        alphas = np.atleast_2d(np.asarray(results["alphas"], dtype=np.float64))
        n_settings = alphas.shape[0]
        labels = None
        if n_settings > 1:
            l1 = np.atleast_1d(results.get("l1_ratio", np.full(n_settings, np.nan)))
            gamma = np.atleast_1d(results.get("gamma", np.ones(n_settings)))
            several_gammas = np.unique(gamma).size > 1
            labels = [
                f"l1_ratio={l1[s]:g}" + (f", gamma={gamma[s]:g}" if several_gammas else "")
                for s in range(n_settings)
            ]
        se = results.get("standard_error")
        if se is None:
            se = np.full(alphas.shape, np.nan)
        display = cls(
            alphas, results["mean_error"], se,
            alpha_min=getattr(estimator, "alpha_min_", None),
            alpha_1se=getattr(estimator, "alpha_1se_", None),
            scoring=str(results.get("scoring", "mse")), setting_labels=labels,
            estimator_name=type(estimator).__name__,
        )
        return display.plot(ax, **kwargs)
