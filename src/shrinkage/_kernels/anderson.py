"""Anderson extrapolation of coordinate-descent iterates (compiled).

One call per window instead of a dozen small numpy operations: on a
(p+1)-row reduced problem an epoch takes tens of microseconds, and the
Python bookkeeping around the extrapolation cost as much as the epochs
(and held the GIL, serialising cross-validation threads).
"""

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def _solve_in_place(a, b):
    """Solve ``a x = b`` by Gaussian elimination with partial pivoting.

    ``a`` (overwritten) is the small Gram matrix of one window; the answer
    replaces ``b``. A LAPACK call through numpy costs microseconds of
    copying and checking around a 10 x 10 solve, as much as the epochs of a
    small problem. Returns False when a pivot is exactly zero (singular).
    """
    k = b.shape[0]
    for c in range(k):
        pivot = c
        for i in range(c + 1, k):
            if abs(a[i, c]) > abs(a[pivot, c]):
                pivot = i
        if a[pivot, c] == 0.0:
            return False
        if pivot != c:
            for j in range(k):
                a[c, j], a[pivot, j] = a[pivot, j], a[c, j]
            b[c], b[pivot] = b[pivot], b[c]
        for i in range(c + 1, k):
            f = a[i, c] / a[c, c]
            if f != 0.0:
                for j in range(c, k):
                    a[i, j] -= f * a[c, j]
                b[i] -= f * b[c]
    for c in range(k - 1, -1, -1):
        acc = b[c]
        for j in range(c + 1, k):
            acc -= a[c, j] * b[j]
        b[c] = acc / a[c, c]
    return True


@njit(cache=True, nogil=True)
def anderson_candidate(history, lower, upper, snap, out):
    """Write the extrapolated point of ``history[0..K]`` into ``out``.

    ``out = sum_k c_k history[k + 1]`` with ``c = z / sum(z)``, ``U'U z = 1``
    and ``U`` the successive differences (Bertrand and Massias 2021).
    Coordinates that did not move keep their exact value (an affine
    combination of equal numbers is off by rounding), and values within
    ``snap`` (relative) of a bound are put on it, so that an active bound
    still looks active; so are values within ``snap`` (relative to the
    window) of 0 whose last iterate is exactly 0, the kink of the L1
    penalty. Returns False when the system is singular.
    """
    n_rows, m = history.shape
    k_max = n_rows - 1
    diffs = np.empty((k_max, m))
    for k in range(k_max):
        for j in range(m):
            diffs[k, j] = history[k + 1, j] - history[k, j]
    gram = np.zeros((k_max, k_max))
    for a in range(k_max):
        for b in range(a, k_max):
            acc = 0.0
            for j in range(m):
                acc += diffs[a, j] * diffs[b, j]
            gram[a, b] = acc
            gram[b, a] = acc
    z = np.ones(k_max)
    if not _solve_in_place(gram, z):
        return False  # singular: the iterates have stalled along a line
    total = z.sum()
    if not np.isfinite(total) or total == 0.0:
        return False
    for j in range(m):
        last = history[k_max, j]
        moved = False
        for k in range(k_max):
            if history[k, j] != last:
                moved = True
                break
        if not moved:
            out[j] = last
            continue
        value = 0.0
        size = 0.0
        for k in range(k_max):
            value += z[k] * history[k + 1, j]
            size = max(size, abs(history[k + 1, j]))
        value /= total
        if last == 0.0 and abs(value) <= snap * size:
            # Zero is the kink of the L1 penalty: a coordinate that coordinate
            # descent has put at exactly 0 stays there, not at 1e-17 (a tiny
            # weight on an earlier nonzero iterate), so exact zeros and df
            # do not depend on rounding.
            value = 0.0
        elif value >= upper[j] - snap * abs(upper[j]):
            value = upper[j]
        elif value <= lower[j] + snap * abs(lower[j]):
            value = lower[j]
        out[j] = value
    return True
