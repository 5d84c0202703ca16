"""L1, L2 and Elastic-Net penalties with penalty factors and bounds.

Penalties are data (DESIGN.md, decision 1). Every penalty here lowers to
four per-feature arrays, :class:`PenaltyArrays`::

    pen(w) = sum_j  l1[j] * |w_j| + l2[j] / 2 * w_j**2,   lower[j] <= w_j <= upper[j]

so that one coordinate update and one duality gap serve all of them. The
user-facing classes only say how ``alpha`` and the penalty factors map onto
``l1`` and ``l2``:

==================  ==============================  ===========================
class               value                           lowered
==================  ==============================  ===========================
``L1(alpha)``       ``alpha * sum f_j |w_j|``        ``l1 = alpha f``, ``l2 = 0``
``L2(alpha)``       ``alpha * sum f_j w_j**2``       ``l1 = 0``, ``l2 = 2 alpha f``
``ElasticNet``      ``alpha * sum f_j (r |w_j|``     ``l1 = alpha r f``,
                    ``+ (1 - r) / 2 w_j**2)``        ``l2 = alpha (1 - r) f``
==================  ==============================  ===========================

``L2`` has no 1/2, as in the textbook update ``w - eta * (grad + 2 alpha w)``
and in Keras; ``ElasticNet`` keeps scikit-learn's 1/2 so that its ``alpha``
and ``l1_ratio`` are scikit-learn's.

Bounds must contain 0, as in glmnet: the all-zero model is then always
feasible, which is what ``alpha_max`` and the regularization path start from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import check_alpha, check_l1_ratio, per_feature_array

__all__ = ["L1", "L2", "ElasticNet", "PenaltyArrays", "norm"]


def norm(w: ArrayLike, p: float = 2.0) -> float:
    """The p-norm ``||w||_p = (sum_j |w_j|**p) ** (1/p)`` for ``p >= 1``.

    ``p=1`` is the norm the L1 (Lasso) penalty sums, ``p=2`` the Euclidean
    norm whose square the L2 (ridge) penalty sums, ``p=np.inf`` the largest
    absolute entry. Values of ``p`` below 1 are rejected because they do not
    give a norm (the unit ball is not convex).

    Examples
    --------
    >>> norm([3.0, -4.0], 1), norm([3.0, -4.0], 2), norm([3.0, -4.0], np.inf)
    (7.0, 5.0, 4.0)
    """
    if isinstance(p, bool) or not isinstance(p, int | float | np.number) or not p >= 1:
        raise ValueError(f"p must be a number >= 1 (or np.inf), got {p!r}.")
    arr = np.abs(np.asarray(w, dtype=np.float64)).ravel()
    if arr.size == 0:
        return 0.0
    if np.isinf(p):
        return float(arr.max())
    scale = float(arr.max())
    if scale == 0 or np.isinf(scale):
        return scale
    # Dividing by the largest entry first keeps |w|**p from overflowing.
    return float(scale * np.sum((arr / scale) ** p) ** (1.0 / p))


@dataclass(frozen=True, eq=False)
class PenaltyArrays:
    """A separable penalty lowered to per-feature arrays (see module doc).

    Attributes
    ----------
    l1, l2 : ndarray of shape (n_features,)
        Non-negative L1 and L2 weights: ``l1[j] |w_j| + l2[j] / 2 w_j**2``.
    lower, upper : ndarray of shape (n_features,)
        Bounds on each coefficient; ``lower <= 0 <= upper``; may be infinite.
    """

    l1: NDArray[np.float64]
    l2: NDArray[np.float64]
    lower: NDArray[np.float64]
    upper: NDArray[np.float64]

    @property
    def n_features(self) -> int:
        return int(self.l1.shape[0])

    @cached_property
    def unbounded(self) -> bool:
        """Whether no coefficient has a finite bound (most paths: the fast case)."""
        return not (np.isfinite(self.lower).any() or np.isfinite(self.upper).any())

    def value(self, w: ArrayLike) -> float:
        """Penalty value; ``inf`` when ``w`` violates a bound."""
        w = np.asarray(w, dtype=np.float64)
        if np.any(w < self.lower) or np.any(w > self.upper):
            return float("inf")
        return float(np.sum(self.l1 * np.abs(w)) + 0.5 * np.sum(self.l2 * w * w))

    def subgradient(self, w: ArrayLike) -> NDArray[np.float64]:
        """One subgradient: ``l1 * sign(w) + l2 * w`` (0 from L1 at ``w_j = 0``)."""
        w = np.asarray(w, dtype=np.float64)
        return self.l1 * np.sign(w) + self.l2 * w

    def prox(self, z: ArrayLike, step: float | ArrayLike) -> NDArray[np.float64]:
        """``argmin_w 1/(2 step) ||w - z||^2 + pen(w)``, coordinate-wise.

        Equal to ``clip(S(z, step l1) / (1 + step l2), lower, upper)`` with
        ``S`` the soft-threshold: the 1-D objective is strongly convex, so
        its minimiser on an interval is the clipped unconstrained minimiser.
        """
        z = np.asarray(z, dtype=np.float64)
        step = np.asarray(step, dtype=np.float64)
        shrunk = np.sign(z) * np.maximum(np.abs(z) - step * self.l1, 0.0)
        return np.clip(shrunk / (1.0 + step * self.l2), self.lower, self.upper)

    def kkt_violation(self, w: ArrayLike, grad: ArrayLike) -> NDArray[np.float64]:
        """Per-feature distance of ``-grad`` to the subdifferential at ``w``.

        ``grad`` is the datafit gradient at ``w``. All entries are 0 exactly
        at a minimiser of ``datafit + pen``; this is the certificate used
        where no duality gap is available. The normal cone of the bounds is
        included, so a coefficient pushed against its bound is not counted.
        """
        w = np.asarray(w, dtype=np.float64)
        s = np.asarray(grad, dtype=np.float64) + self.l2 * w
        l1 = self.l1
        at_upper = (w >= self.upper) & (w != 0)
        at_lower = (w <= self.lower) & (w != 0)
        zero = w == 0
        viol = np.abs(s + l1 * np.sign(w))
        viol = np.where(at_upper, np.maximum(s + l1 * np.sign(w), 0.0), viol)
        viol = np.where(at_lower, np.maximum(-(s + l1 * np.sign(w)), 0.0), viol)
        # At zero: -s must lie in [-l1, l1] widened by the normal cone of a
        # bound that sits at 0 (e.g. positive=True leaves only s >= -l1).
        lo_open = self.lower < 0
        hi_open = self.upper > 0
        above = np.where(hi_open, np.maximum(-s - l1, 0.0), 0.0)
        below = np.where(lo_open, np.maximum(s - l1, 0.0), 0.0)
        return np.where(zero, np.maximum(above, below), viol)

    def zero_threshold(self, grad: ArrayLike) -> NDArray[np.float64]:
        """Per-feature ``l1`` needed for ``w_j = 0`` to be optimal at ``grad``.

        ``w_j = 0`` is optimal iff ``l1[j] >= zero_threshold(grad)[j]``: the
        part of ``-grad`` that an open side of the bounds lets act.
        """
        g = np.asarray(grad, dtype=np.float64)
        if self.unbounded:
            return np.abs(g)
        up = np.where(self.upper > 0, np.maximum(-g, 0.0), 0.0)
        down = np.where(self.lower < 0, np.maximum(g, 0.0), 0.0)
        return np.maximum(up, down)


@dataclass(frozen=True, eq=False)
class _SeparablePenalty:
    """Shared fields of the user-facing penalties: factors and bounds."""

    alpha: float = 1.0
    penalty_factor: ArrayLike | None = field(default=None, kw_only=True)
    lower_bounds: ArrayLike | None = field(default=None, kw_only=True)
    upper_bounds: ArrayLike | None = field(default=None, kw_only=True)
    positive: bool = field(default=False, kw_only=True)

    def __post_init__(self) -> None:
        object.__setattr__(self, "alpha", check_alpha(self.alpha))

    # -- lowering -------------------------------------------------------
    def _l1_l2_weights(self) -> tuple[float, float]:
        """``(a1, a2)`` so that ``l1 = a1 * f`` and ``l2 = a2 * f``."""
        raise NotImplementedError

    def per_feature(self, n_features: int) -> PenaltyArrays:
        """Lower to :class:`PenaltyArrays` for ``n_features`` coefficients."""
        a1, a2 = self._l1_l2_weights()
        if (self.penalty_factor is None and self.lower_bounds is None
                and self.upper_bounds is None and not self.positive):
            # Nothing to check: on a small path the checks below cost more
            # than a tenth of the whole fit.
            return PenaltyArrays(
                l1=np.full(n_features, a1), l2=np.full(n_features, a2),
                lower=np.full(n_features, -np.inf), upper=np.full(n_features, np.inf),
            )
        factor = per_feature_array(self.penalty_factor, n_features, "penalty_factor", 1.0)
        if np.any(factor < 0) or not np.all(np.isfinite(factor)):
            raise ValueError(
                "penalty_factor must be finite and >= 0 for every feature "
                "(0 leaves a feature unpenalised); got "
                f"min={factor.min():g}, max={factor.max():g}."
            )
        lower = per_feature_array(self.lower_bounds, n_features, "lower_bounds", -np.inf)
        upper = per_feature_array(self.upper_bounds, n_features, "upper_bounds", np.inf)
        if self.positive:
            lower = np.maximum(lower, 0.0)
        if np.any(lower > upper):
            j = int(np.argmax(lower > upper))
            raise ValueError(
                f"lower_bounds must not exceed upper_bounds; feature {j} has "
                f"lower={lower[j]:g} > upper={upper[j]:g}. Swap or widen them."
            )
        if np.any(lower > 0) or np.any(upper < 0):
            j = int(np.argmax((lower > 0) | (upper < 0)))
            raise ValueError(
                "bounds must contain 0 (lower_bounds <= 0 <= upper_bounds, as in "
                f"glmnet); feature {j} has [{lower[j]:g}, {upper[j]:g}]. Shift the "
                "feature or the target instead of excluding 0."
            )
        return PenaltyArrays(l1=a1 * factor, l2=a2 * factor, lower=lower, upper=upper)

    # -- convenience on raw coefficient vectors --------------------------
    def value(self, w: ArrayLike) -> float:
        """Penalty value at ``w`` (``inf`` outside the bounds)."""
        w = np.asarray(w, dtype=np.float64)
        return self.per_feature(w.shape[0]).value(w)

    def subgradient(self, w: ArrayLike) -> NDArray[np.float64]:
        """A subgradient at ``w``; the L1 part is taken as 0 where ``w_j = 0``."""
        w = np.asarray(w, dtype=np.float64)
        return self.per_feature(w.shape[0]).subgradient(w)

    def prox(self, z: ArrayLike, step: float = 1.0) -> NDArray[np.float64]:
        """Proximal operator ``argmin_w 1/(2 step) ||w - z||^2 + pen(w)``."""
        z = np.asarray(z, dtype=np.float64)
        if not step > 0:
            raise ValueError(f"step must be > 0, got {step!r}.")
        return self.per_feature(z.shape[0]).prox(z, step)

    def alpha_max(self, grad: ArrayLike) -> float:
        """Smallest ``alpha`` at which ``w = 0`` is optimal.

        ``grad`` is the datafit gradient at ``w = 0`` (with unpenalised
        features, at the model fitted on those features alone). Features
        with a zero penalty factor are left out. Returns ``inf`` when no
        finite ``alpha`` zeroes the model (pure L2 with a nonzero gradient).
        """
        g = np.asarray(grad, dtype=np.float64)
        unit = self.__class__(
            1.0,
            penalty_factor=self.penalty_factor,
            lower_bounds=self.lower_bounds,
            upper_bounds=self.upper_bounds,
            positive=self.positive,
        ).per_feature(g.shape[0])
        need = unit.zero_threshold(g)
        penalised = unit.l1 > 0
        if np.any(need[~penalised] > 0):
            return float("inf")
        if not penalised.any():
            return 0.0
        return float(np.max(need[penalised] / unit.l1[penalised]))


@dataclass(frozen=True, eq=False)
class L1(_SeparablePenalty):
    """The Lasso penalty ``alpha * sum_j f_j |w_j|``.

    Parameters
    ----------
    alpha : float, default=1.0
        Strength, >= 0.
    penalty_factor : float or array-like of shape (n_features,), optional
        Per-feature factors ``f_j >= 0`` (glmnet's ``penalty.factor``); 0
        leaves a feature unpenalised. Not rescaled.
    lower_bounds, upper_bounds : float or array-like, optional
        Bounds on each coefficient; they must contain 0.
    positive : bool, default=False
        Shorthand for ``lower_bounds=0``.

    Examples
    --------
    >>> L1(0.5).prox(np.array([2.0, -0.2]), step=1.0)
    array([1.5, 0. ])
    """

    def _l1_l2_weights(self) -> tuple[float, float]:
        return self.alpha, 0.0


@dataclass(frozen=True, eq=False)
class L2(_SeparablePenalty):
    """The ridge penalty ``alpha * sum_j f_j w_j**2`` (no 1/2).

    Parameters are those of :class:`L1`. Its gradient is ``2 alpha f w``,
    the textbook weight-decay term; no finite ``alpha`` zeroes a coefficient,
    so :meth:`alpha_max` is ``inf`` unless the gradient is already 0.

    Examples
    --------
    >>> L2(0.5).prox(np.array([2.0, -0.2]), step=1.0)
    array([ 1. , -0.1])
    """

    def _l1_l2_weights(self) -> tuple[float, float]:
        return 0.0, 2.0 * self.alpha


@dataclass(frozen=True, eq=False)
class ElasticNet(_SeparablePenalty):
    """scikit-learn's Elastic-Net ``alpha sum f_j (r |w_j| + (1 - r)/2 w_j**2)``.

    Parameters
    ----------
    alpha : float, default=1.0
        Strength, >= 0.
    l1_ratio : float, default=0.5
        The mix ``r`` in [0, 1]: 1 is :class:`L1`, 0 is ``L2(alpha / 2)``.
    penalty_factor, lower_bounds, upper_bounds, positive
        As in :class:`L1`.
    """

    l1_ratio: float = 0.5

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "l1_ratio", check_l1_ratio(self.l1_ratio))

    def _l1_l2_weights(self) -> tuple[float, float]:
        return self.alpha * self.l1_ratio, self.alpha * (1.0 - self.l1_ratio)

    def alpha_max(self, grad: ArrayLike) -> float:
        if self.l1_ratio == 0:
            return L2(
                1.0,
                penalty_factor=self.penalty_factor,
                lower_bounds=self.lower_bounds,
                upper_bounds=self.upper_bounds,
                positive=self.positive,
            ).alpha_max(grad)
        base = L1(
            1.0,
            penalty_factor=self.penalty_factor,
            lower_bounds=self.lower_bounds,
            upper_bounds=self.upper_bounds,
            positive=self.positive,
        ).alpha_max(grad)
        return base / self.l1_ratio
