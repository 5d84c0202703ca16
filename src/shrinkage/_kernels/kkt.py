"""Optimality at zero: which features a working set is missing.

Shared by the compiled paths (``path_cd.py``, ``path_logistic.py``): after
the product ``X' theta`` over every feature, a coefficient at 0 outside the
working set is optimal only if the data's pull on it is at most its L1
weight; the features that violate this join the working set, the worst
first (in units of their column norm, celer's priority).
"""

import numpy as np
from numba import njit

KKT_SLACK = 1.0 + 1e-12  # a pull this close to its threshold is rounding


@njit(cache=True, nogil=True)
def pull(u, lower, upper):
    """How hard the data pull a coefficient at zero away from it: ``|u|``
    restricted to the directions its bounds allow."""
    up = u if upper > 0.0 else 0.0
    down = -u if lower < 0.0 else 0.0
    return max(up, down)


@njit(cache=True, nogil=True)
def add_violators(corr, n, l1, lower, upper, norms2, in_ws, min_growth, violators, score):
    """Add the worst KKT violators (``pull(corr_j / n) > l1_j``) to ``in_ws``.

    At least ``min_growth`` of them (when there are that many) and as many
    as the working set already holds, so that it at most doubles.
    ``violators`` and ``score`` are scratch space (p). Returns how many
    features violated.
    """
    n_viol = 0
    n_in = 0
    for j in range(l1.shape[0]):
        if in_ws[j]:
            n_in += 1
        elif norms2[j] > 0.0:
            excess = pull(corr[j] / n, lower[j], upper[j]) - l1[j] * KKT_SLACK
            if excess > 0.0:
                violators[n_viol] = j
                score[n_viol] = -excess / np.sqrt(norms2[j])
                n_viol += 1
    if n_viol == 0:
        return 0
    grow = min(n_viol, max(min_growth, n_in))
    # Sort the violators only: a sort of all p scores per check cost more
    # than the check itself on wide sparse data.
    order = np.argsort(score[:n_viol])
    for i in range(grow):
        in_ws[violators[order[i]]] = True
    return n_viol
