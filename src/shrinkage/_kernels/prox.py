"""The one coordinate update every coordinate-descent kernel shares."""

import numpy as np
from numba import njit


@njit(cache=True, inline="always")
def soft_threshold(z, threshold):
    """``sign(z) * max(|z| - threshold, 0)``."""
    if z > threshold:
        return z - threshold
    if z < -threshold:
        return z + threshold
    return 0.0


@njit(cache=True, inline="always")
def coordinate_update(z, step, l1, l2, lower, upper):
    """``clip(S(z, step l1) / (1 + step l2), lower, upper)``.

    The exact minimiser of ``1/(2 step) (w - z)^2 + l1 |w| + l2/2 w^2`` over
    ``lower <= w <= upper``: a strongly convex 1-D function, so clipping its
    unconstrained minimiser is exact.
    """
    w = soft_threshold(z, step * l1) / (1.0 + step * l2)
    if w < lower:
        return lower
    if w > upper:
        return upper
    return w


@njit(cache=True)
def penalty_conjugate(u, l1, l2, lower, upper):
    """Fenchel conjugate of ``l1 |w| + l2/2 w^2`` restricted to the bounds.

    ``sup_w u w - l1 |w| - l2/2 w^2`` over ``lower <= w <= upper``; ``inf``
    when the supremum is unbounded (no L2, an open side, ``|u| > l1``).
    """
    if l2 > 0.0:
        # The maximiser minimises l2/2 (w - u/l2)^2 + l1 |w| on the bounds:
        # a coordinate update with z = u/l2, step = 1/l2 and no extra L2.
        w = coordinate_update(u / l2, 1.0 / l2, l1, 0.0, lower, upper)
        return u * w - l1 * abs(w) - 0.5 * l2 * w * w
    best = 0.0
    if u > l1:
        if np.isinf(upper):
            return np.inf
        best = (u - l1) * upper
    elif u < -l1:
        if np.isinf(lower):
            return np.inf
        best = (u + l1) * lower
    return best
