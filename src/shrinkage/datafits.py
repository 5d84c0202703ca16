"""Datafits (losses) as plain numpy objects.

``Quadratic`` is the least-squares loss of Lasso, ElasticNet and Ridge::

    F(w) = 1 / (2 sum_i s_i) * sum_i s_i (y_i - x_i'w)^2

with sample weights ``s`` (only their ratios matter, as in scikit-learn's
ElasticNet). The compiled solvers do not call it: for this loss they fold
``sqrt(s)`` into X and y (``_design.center_problem``) and work on the
residual directly. It is the reference the solvers are tested against, and
the shape every datafit takes.

``Logistic`` (labels -1/+1) and ``Multinomial`` (labels 0..K-1, softmax) are
the classification losses, as weighted means over the samples; their
derivatives are taken with respect to the linear predictor ``eta``. The
proximal-Newton solver uses ``raw_grad`` and ``raw_hessian`` to build each
weighted least-squares step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import expit, logsumexp, softmax

__all__ = ["Logistic", "Multinomial", "Quadratic"]


@dataclass(frozen=True, eq=False)
class Quadratic:
    """Weighted least squares ``sum_i s_i (y_i - x_i'w)^2 / (2 sum_i s_i)``.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative weights; ``None`` weighs every sample 1.

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.eye(2), np.array([1.0, 3.0])
    >>> Quadratic().value(X, y, np.zeros(2))
    2.5
    """

    sample_weight: ArrayLike | None = None

    def _weights(self, n: int) -> NDArray[np.float64]:
        return _normalised_weights(self.sample_weight, n)

    def raw_grad(self, y: ArrayLike, Xw: ArrayLike) -> NDArray[np.float64]:
        """Derivative with respect to the predictions ``Xw``: ``-s (y - Xw) / sum s``."""
        y, Xw = np.asarray(y, dtype=np.float64), np.asarray(Xw, dtype=np.float64)
        return -self._weights(y.shape[0]) * (y - Xw)

    def raw_hessian(self, y: ArrayLike, Xw: ArrayLike) -> NDArray[np.float64]:
        """Second derivative with respect to ``Xw`` (diagonal): ``s / sum s``."""
        return self._weights(np.asarray(y).shape[0])

    def value(self, X: Any, y: ArrayLike, w: ArrayLike) -> float:
        """``F(w)``."""
        y = np.asarray(y, dtype=np.float64)
        r = y - np.asarray(X @ np.asarray(w), dtype=np.float64)
        return float(0.5 * np.sum(self._weights(y.shape[0]) * r * r))

    def gradient(self, X: Any, y: ArrayLike, w: ArrayLike) -> NDArray[np.float64]:
        """``grad F(w) = X' raw_grad``."""
        Xw = np.asarray(X @ np.asarray(w))
        return np.asarray(X.T @ self.raw_grad(y, Xw), dtype=np.float64)

    def lipschitz(self, X: Any) -> NDArray[np.float64]:
        """Per-coordinate Lipschitz constants ``sum_i s_i x_ij^2 / sum s``."""
        s = self._weights(X.shape[0])
        sq = X.multiply(X) if hasattr(X, "multiply") else np.asarray(X) ** 2
        return np.asarray(sq.T @ s, dtype=np.float64).ravel()


def _normalised_weights(sample_weight: ArrayLike | None, n: int) -> NDArray[np.float64]:
    """Weights ``s / sum(s)`` (or ``1/n``); the losses are weighted means."""
    if sample_weight is None:
        return np.full(n, 1.0 / n)
    s = np.asarray(sample_weight, dtype=np.float64)
    if s.shape != (n,) or np.any(s < 0) or not s.sum() > 0:
        raise ValueError(f"sample_weight must be {n} non-negative numbers with a positive sum.")
    return s / s.sum()


def log1pexp(t: NDArray[np.float64]) -> NDArray[np.float64]:
    """``log(1 + exp(t))`` without overflow for large ``t`` nor loss for small."""
    return np.logaddexp(0.0, t)


def _weighted_sq_norms(X: Any, sample_weight: ArrayLike | None) -> NDArray[np.float64]:
    """``sum_i s_i x_ij^2 / sum s`` for every column."""
    s = _normalised_weights(sample_weight, X.shape[0])
    sq = X.multiply(X) if hasattr(X, "multiply") else np.asarray(X) ** 2
    return np.asarray(sq.T @ s, dtype=np.float64).ravel()


class _LinearPredictorLoss:
    """Values and gradients in ``w`` from those in the linear predictor ``X w``."""

    def value_eta(self, y: ArrayLike, eta: ArrayLike) -> float:
        raise NotImplementedError

    def raw_grad(self, y: ArrayLike, eta: ArrayLike) -> NDArray[np.float64]:
        raise NotImplementedError

    def value(self, X: Any, y: ArrayLike, w: ArrayLike) -> float:
        """The loss at ``w`` (``(n_features,)``, or ``(n_features, K)`` for softmax)."""
        return self.value_eta(y, np.asarray(X @ np.asarray(w, dtype=np.float64)))

    def gradient(self, X: Any, y: ArrayLike, w: ArrayLike) -> NDArray[np.float64]:
        """``X' raw_grad(y, X w)``, shaped as ``w``."""
        eta = np.asarray(X @ np.asarray(w, dtype=np.float64))
        return np.asarray(X.T @ self.raw_grad(y, eta), dtype=np.float64)


@dataclass(frozen=True, eq=False)
class Logistic(_LinearPredictorLoss):
    """Binary logistic loss ``sum_i s_i log(1 + exp(-y_i x_i'w)) / sum_i s_i``.

    Labels ``y`` are ``-1`` and ``+1``. Derivatives are with respect to the
    linear predictor ``eta = X w`` (an intercept is a column of ones).

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative weights; ``None`` weighs every sample 1.

    Examples
    --------
    >>> import numpy as np
    >>> round(Logistic().value(np.eye(2), np.array([1.0, -1.0]), np.zeros(2)), 6)
    0.693147
    """

    sample_weight: ArrayLike | None = None

    def value_eta(self, y: ArrayLike, eta: ArrayLike) -> float:
        """The loss at the linear predictor ``eta``."""
        y, eta = np.asarray(y, dtype=np.float64), np.asarray(eta, dtype=np.float64)
        return float(np.dot(_normalised_weights(self.sample_weight, y.shape[0]),
                            log1pexp(-y * eta)))

    def raw_grad(self, y: ArrayLike, eta: ArrayLike) -> NDArray[np.float64]:
        """``d loss / d eta_i = -s_i y_i sigmoid(-y_i eta_i) / sum s``."""
        y, eta = np.asarray(y, dtype=np.float64), np.asarray(eta, dtype=np.float64)
        return -_normalised_weights(self.sample_weight, y.shape[0]) * y * expit(-y * eta)

    def raw_hessian(self, y: ArrayLike, eta: ArrayLike) -> NDArray[np.float64]:
        """Diagonal second derivative ``s_i p_i (1 - p_i) / sum s``."""
        y, eta = np.asarray(y, dtype=np.float64), np.asarray(eta, dtype=np.float64)
        p = expit(eta)
        return _normalised_weights(self.sample_weight, y.shape[0]) * p * (1.0 - p)

    def lipschitz(self, X: Any) -> NDArray[np.float64]:
        """Per-coordinate Lipschitz constants ``sum_i s_i x_ij^2 / (4 sum s)``."""
        return _weighted_sq_norms(X, self.sample_weight) / 4.0


@dataclass(frozen=True, eq=False)
class Multinomial(_LinearPredictorLoss):
    """Softmax cross-entropy ``sum_i s_i (logsumexp(eta_i) - eta_{i, y_i}) / sum s``.

    Labels ``y`` are integers ``0 .. K-1``; coefficients ``W`` have shape
    ``(n_features, K)`` and ``eta = X W`` shape ``(n_samples, K)``, one
    column per class (the over-parametrised form scikit-learn and glmnet
    use: with a penalty the minimiser is unique).

    Parameters
    ----------
    n_classes : int
    sample_weight : array-like of shape (n_samples,), optional
    """

    n_classes: int
    sample_weight: ArrayLike | None = None

    def _onehot(self, y: ArrayLike) -> NDArray[np.float64]:
        labels = np.asarray(y).astype(np.int64)
        out = np.zeros((labels.shape[0], self.n_classes))
        out[np.arange(labels.shape[0]), labels] = 1.0
        return out

    def probabilities(self, eta: ArrayLike) -> NDArray[np.float64]:
        """Row-wise softmax of ``eta``."""
        return np.asarray(softmax(np.asarray(eta, dtype=np.float64), axis=1))

    def value_eta(self, y: ArrayLike, eta: ArrayLike) -> float:
        eta = np.asarray(eta, dtype=np.float64)
        labels = np.asarray(y).astype(np.int64)
        per_sample = logsumexp(eta, axis=1) - eta[np.arange(eta.shape[0]), labels]
        return float(np.dot(_normalised_weights(self.sample_weight, eta.shape[0]), per_sample))

    def raw_grad(self, y: ArrayLike, eta: ArrayLike) -> NDArray[np.float64]:
        """``d loss / d eta_ik = s_i (P_ik - Y_ik) / sum s``."""
        eta = np.asarray(eta, dtype=np.float64)
        s = _normalised_weights(self.sample_weight, eta.shape[0])
        return s[:, None] * (self.probabilities(eta) - self._onehot(y))

    def raw_hessian(self, y: ArrayLike, eta: ArrayLike) -> NDArray[np.float64]:
        """The diagonal of each sample's Hessian: ``s_i P_ik (1 - P_ik) / sum s``."""
        eta = np.asarray(eta, dtype=np.float64)
        s = _normalised_weights(self.sample_weight, eta.shape[0])
        P = self.probabilities(eta)
        return s[:, None] * P * (1.0 - P)

    def lipschitz(self, X: Any) -> NDArray[np.float64]:
        """Per-feature bound ``sum_i s_i x_ij^2 / (2 sum s)`` (Böhning's bound)."""
        return _weighted_sq_norms(X, self.sample_weight) / 2.0
