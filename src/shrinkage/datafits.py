"""Datafits (losses) as plain numpy objects.

``Quadratic`` is the least-squares loss of Lasso, ElasticNet and Ridge::

    F(w) = 1 / (2 sum_i s_i) * sum_i s_i (y_i - x_i'w)^2

with sample weights ``s`` (only their ratios matter, as in scikit-learn's
ElasticNet). The compiled solvers do not call it: for this loss they fold
``sqrt(s)`` into X and y (``_design.center_problem``) and work on the
residual directly. It is the reference the solvers are tested against, and
the shape every datafit takes: the logistic loss adds a sibling class.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.utils.extmath import safe_sparse_dot

__all__ = ["Quadratic"]


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
        if self.sample_weight is None:
            return np.full(n, 1.0 / n)
        s = np.asarray(self.sample_weight, dtype=np.float64)
        if s.shape != (n,) or np.any(s < 0) or not s.sum() > 0:
            raise ValueError(
                f"sample_weight must be {n} non-negative numbers with a positive sum."
            )
        return s / s.sum()

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
        r = y - np.asarray(safe_sparse_dot(X, np.asarray(w)), dtype=np.float64)
        return float(0.5 * np.sum(self._weights(y.shape[0]) * r * r))

    def gradient(self, X: Any, y: ArrayLike, w: ArrayLike) -> NDArray[np.float64]:
        """``grad F(w) = X' raw_grad``."""
        Xw = safe_sparse_dot(X, np.asarray(w))
        return np.asarray(safe_sparse_dot(X.T, self.raw_grad(y, Xw)), dtype=np.float64)

    def lipschitz(self, X: Any) -> NDArray[np.float64]:
        """Per-coordinate Lipschitz constants ``sum_i s_i x_ij^2 / sum s``."""
        s = self._weights(X.shape[0])
        sq = X.multiply(X) if hasattr(X, "multiply") else np.asarray(X) ** 2
        return np.asarray(safe_sparse_dot(sq.T, s), dtype=np.float64).ravel()
