"""Training and validation loss along the regularization path.

The overfitting / underfitting picture: a strong penalty (large alpha, left)
underfits both sets; a weak one (small alpha, right) fits the training data
ever better while the validation loss turns back up.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import clone
from sklearn.utils.validation import check_array

from ..linear_model import ElasticNet, Lasso, LogisticRegression, Ridge
from ..model_selection import ElasticNetCV, LassoCV, RidgeCV
from ..path import Path, regularization_path
from ._common import axes_or_new

Vector = NDArray[np.float64]

_LOSS_LABELS = {"squared": "mean squared error", "logistic": "log-loss"}
_SUPPORTED = (ElasticNet, ElasticNetCV, LogisticRegression, Ridge, RidgeCV)
# Probabilities are clipped to [_EPS, 1 - _EPS] so that the log-loss stays finite.
_EPS = 1e-15
# Grid depth of a pure ridge path (its alpha_max is glmnet's l1_ratio=1e-3 stand-in).
_RIDGE_EPS = 1e-6


def _check_features(X: Any, n_features: int, name: str) -> Any:
    X = check_array(X, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32])
    if X.shape[1] != n_features:
        raise ValueError(
            f"{name} has {X.shape[1]} features but the path was fitted on {n_features}; "
            "training and validation data must have the same columns."
        )
    return X


def _check_target(y: Any, n_samples: int, name: str) -> NDArray[Any]:
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one target), got shape {y.shape}.")
    if y.shape[0] != n_samples:
        raise ValueError(f"{name} has {y.shape[0]} samples but its X has {n_samples}.")
    return y


def path_loss(path: Path, X: Any, y: Any) -> Vector:
    """Mean loss of ``path`` on ``(X, y)`` at every grid alpha.

    Parameters
    ----------
    path : Path
        A squared-loss or logistic regularization path.
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)

    Returns
    -------
    loss : ndarray of shape (n_alphas,)
        Mean squared error (``loss="squared"``) or mean log-loss
        (``loss="logistic"``, natural log) at each of ``path.alphas``.
    """
    if path.loss == "squared":
        pred = path.predict(X)
        if pred.ndim != 2:
            raise ValueError("LossDisplay supports paths with a single target only.")
        return np.asarray(np.mean((y[:, None] - pred) ** 2, axis=0), dtype=np.float64)
    if path.loss == "logistic":
        if path.classes is None:  # pragma: no cover - logistic paths always have classes
            raise ValueError("a logistic path without classes cannot score labels.")
        classes = np.asarray(path.classes)
        idx = np.searchsorted(classes, y)
        unknown = (idx >= classes.size) | (classes[np.minimum(idx, classes.size - 1)] != y)
        if np.any(unknown):
            raise ValueError(
                f"y holds labels the path was not fitted on: {np.unique(y[unknown])!r}; "
                f"the path's classes are {classes!r}."
            )
        proba = path.predict_proba(X)  # (n_samples, n_classes, n_alphas)
        p_true = proba[np.arange(y.shape[0]), idx, :]
        return np.asarray(-np.mean(np.log(np.clip(p_true, _EPS, 1.0)), axis=0))
    raise ValueError(f"LossDisplay does not know the loss {path.loss!r}.")


def _l1_ratio_of(estimator: Any, X_train: Any, y_train: Any) -> float:
    """The estimator's mixing parameter: fitted ``l1_ratio_``, else its setting."""
    if hasattr(estimator, "l1_ratio_"):
        return float(estimator.l1_ratio_)
    if isinstance(estimator, Lasso | LassoCV):
        return 1.0
    if isinstance(estimator, Ridge | RidgeCV):
        return 0.0
    ratios = np.atleast_1d(np.asarray(estimator.l1_ratio, dtype=np.float64))
    if ratios.size == 1:
        return float(ratios[0])
    # An unfitted CV estimator with a grid of l1_ratios: let it choose on the
    # training data (never on the validation data).
    return float(clone(estimator).fit(X_train, y_train).l1_ratio_)


class LossDisplay:
    """Training and validation loss against alpha, on one axes.

    Use :meth:`from_estimator` or :meth:`from_path` to build it; the
    constructor only stores the curves. The x axis is the path's alpha, on
    the scale of :class:`shrinkage.ElasticNet` (and
    :class:`shrinkage.LogisticRegression`), log-scaled and inverted so that
    less regularisation is to the right. For ridge (``l1_ratio=0``) this is
    *not* :class:`shrinkage.Ridge`'s alpha: ``Ridge(alpha=a)`` on ``n``
    samples is the path's ``alpha = a / n``.

    Parameters
    ----------
    alphas : array-like of shape (n_alphas,)
        The grid (the path's ``alphas``).
    train_loss, val_loss : array-like of shape (n_alphas,)
        Mean loss on the training and validation data at each alpha.
    loss : {"squared", "logistic"}, default="squared"
        Which loss the curves are: mean squared error or mean log-loss.
    estimator_name : str, optional
        Shown in the title.

    Attributes
    ----------
    alphas_, train_loss_, val_loss_ : ndarray of shape (n_alphas,)
        The stored curves.
    best_alpha_ : float
        The alpha with the smallest validation loss (the largest such alpha
        on ties).
    train_line_, val_line_ : matplotlib.lines.Line2D
        The two curves (after :meth:`plot`).
    best_line_ : matplotlib.lines.Line2D
        The vertical line at ``best_alpha_``.
    ax_ : matplotlib.axes.Axes
    figure_ : matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import make_regression
    >>> from shrinkage import Lasso
    >>> from shrinkage.plotting import LossDisplay
    >>> X, y = make_regression(n_samples=80, n_features=10, noise=5, random_state=0)
    >>> display = LossDisplay.from_estimator(Lasso(), X[:60], y[:60], X[60:], y[60:])
    >>> display.ax_.get_ylabel()
    'mean squared error'
    """

    def __init__(
        self,
        alphas: ArrayLike,
        train_loss: ArrayLike,
        val_loss: ArrayLike,
        *,
        loss: str = "squared",
        estimator_name: str | None = None,
    ) -> None:
        if loss not in _LOSS_LABELS:
            raise ValueError(f"loss must be 'squared' or 'logistic', got {loss!r}.")
        self.alphas_ = np.asarray(alphas, dtype=np.float64)
        self.train_loss_ = np.asarray(train_loss, dtype=np.float64)
        self.val_loss_ = np.asarray(val_loss, dtype=np.float64)
        if not (self.alphas_.ndim == 1 and self.alphas_.size > 0):
            raise ValueError("alphas must be a non-empty 1-D array.")
        shape = self.alphas_.shape
        if self.train_loss_.shape != shape or self.val_loss_.shape != shape:
            raise ValueError(
                f"train_loss and val_loss must have one value per alpha ({self.alphas_.size}); "
                f"got shapes {self.train_loss_.shape} and {self.val_loss_.shape}."
            )
        self.loss = loss
        self.estimator_name = estimator_name
        self.best_alpha_ = float(self.alphas_[int(np.argmin(self.val_loss_))])

    def plot(self, ax: Any = None, *, name: str | None = None, **kwargs: Any) -> LossDisplay:
        """Draw both curves and the best alpha.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Where to draw; a new figure by default.
        name : str, optional
            Title prefix; defaults to ``estimator_name``.
        **kwargs
            Passed to both ``ax.plot`` calls (``linewidth=...``).

        Returns
        -------
        self : LossDisplay
        """
        fig, ax = axes_or_new(ax)
        (self.train_line_,) = ax.plot(self.alphas_, self.train_loss_, label="training", **kwargs)
        (self.val_line_,) = ax.plot(self.alphas_, self.val_loss_, label="validation", **kwargs)
        self.best_line_ = ax.axvline(
            self.best_alpha_, color="0.4", linestyle="--", linewidth=1,
            label=f"best alpha={self.best_alpha_:.3g}",
        )
        ax.set_xscale("log")
        lo, hi = float(self.alphas_.min()), float(self.alphas_.max())
        if hi > lo:
            ax.set_xlim(hi, lo)  # inverted: less regularisation to the right
        ax.set_xlabel("alpha (log scale)")
        ax.set_ylabel(_LOSS_LABELS[self.loss])
        title = name if name is not None else self.estimator_name
        ax.set_title(
            f"{title}: training vs validation loss" if title else "training vs validation loss"
        )
        ax.legend(handles=[self.train_line_, self.val_line_, self.best_line_])
        self.ax_ = ax
        self.figure_ = fig
        return self

    @classmethod
    def from_path(
        cls,
        path: Path,
        X_train: Any,
        y_train: Any,
        X_val: Any,
        y_val: Any,
        *,
        ax: Any = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> LossDisplay:
        """Loss of every alpha of ``path`` on the training and validation data.

        Parameters
        ----------
        path : Path
            From :func:`shrinkage.regularization_path`, fitted on
            ``X_train, y_train`` (``loss="squared"`` or ``"logistic"``).
        X_train, y_train : array-like
            The training data.
        X_val, y_val : array-like
            Held-out data with the same columns.
        ax : matplotlib.axes.Axes, optional
        name : str, optional
            Title prefix.
        **kwargs
            Passed to :meth:`plot`.

        Returns
        -------
        display : LossDisplay
        """
        if not isinstance(path, Path):
            raise TypeError(f"from_path needs a shrinkage.Path, got {type(path).__name__}.")
        if path.loss not in _LOSS_LABELS:
            raise ValueError(f"LossDisplay does not know the loss {path.loss!r}.")
        X_train = _check_features(X_train, path.n_features, "X_train")
        X_val = _check_features(X_val, path.n_features, "X_val")
        y_train = _check_target(y_train, X_train.shape[0], "y_train")
        y_val = _check_target(y_val, X_val.shape[0], "y_val")
        display = cls(
            path.alphas,
            path_loss(path, X_train, y_train),
            path_loss(path, X_val, y_val),
            loss=path.loss,
            estimator_name=name,
        )
        return display.plot(ax=ax, **kwargs)

    @classmethod
    def from_estimator(
        cls,
        estimator: Any,
        X_train: Any,
        y_train: Any,
        X_val: Any,
        y_val: Any,
        *,
        n_alphas: int = 50,
        eps: float | None = None,
        ax: Any = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> LossDisplay:
        """Fit a path with the estimator's settings on the training data and draw it.

        Parameters
        ----------
        estimator : estimator
            A shrinkage ``Lasso``, ``ElasticNet``, ``Ridge``, ``LassoCV``,
            ``ElasticNetCV``, ``RidgeCV``, ``LogisticRegression`` or
            ``LogisticRegressionCV``, fitted or not. Its ``l1_ratio`` (the
            fitted ``l1_ratio_`` of a CV estimator), ``fit_intercept`` and
            ``standardize`` are used; its ``alpha`` is not (the whole path
            is drawn). Classifiers use the logistic loss.
        X_train, y_train : array-like
            Data the path is fitted on.
        X_val, y_val : array-like
            Held-out data with the same columns.
        n_alphas : int, default=50
            Size of the path's default grid.
        eps : float, optional
            ``alpha_min / alpha_max`` of the grid. By default the path's own
            (1e-3 for the Lasso and Elastic-Net), and 1e-6 for ridge
            (``l1_ratio=0``), whose ``alpha_max`` is a stand-in about 1000
            times the Lasso's: the grid then reaches as weak a penalty.
        ax : matplotlib.axes.Axes, optional
        name : str, optional
            Title prefix; defaults to the estimator's class name.
        **kwargs
            Passed to :meth:`plot`.

        Returns
        -------
        display : LossDisplay
        """
        if not isinstance(estimator, _SUPPORTED):
            raise TypeError(
                f"LossDisplay.from_estimator supports shrinkage's Lasso, ElasticNet, Ridge, "
                f"LassoCV, ElasticNetCV, RidgeCV, LogisticRegression and LogisticRegressionCV; "
                f"got {type(estimator).__name__}. Fit shrinkage.regularization_path yourself "
                "and use LossDisplay.from_path."
            )
        loss = "logistic" if isinstance(estimator, LogisticRegression) else "squared"
        X_train = check_array(X_train, accept_sparse=["csr", "csc"])
        X_val = check_array(X_val, accept_sparse=["csr", "csc"])
        if X_val.shape[1] != X_train.shape[1]:
            raise ValueError(
                f"X_val has {X_val.shape[1]} features but X_train has {X_train.shape[1]}; "
                "training and validation data must have the same columns."
            )
        y_train = _check_target(y_train, X_train.shape[0], "y_train")
        l1_ratio = _l1_ratio_of(estimator, X_train, y_train)
        if eps is None and l1_ratio == 0:
            eps = _RIDGE_EPS
        path = regularization_path(
            X_train,
            y_train,
            l1_ratio=l1_ratio,
            n_alphas=n_alphas,
            eps=eps,
            fit_intercept=bool(getattr(estimator, "fit_intercept", True)),
            standardize=bool(getattr(estimator, "standardize", False)),
            loss=loss,
        )
        return cls.from_path(
            path, X_train, y_train, X_val, y_val, ax=ax,
            name=type(estimator).__name__ if name is None else name, **kwargs,
        )
