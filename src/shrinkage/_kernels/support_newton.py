"""The exact minimiser on a fixed support and sign pattern (compiled).

Once coordinate descent has found which coefficients are nonzero and their
signs, what is left of the Elastic-Net is a smooth quadratic on those
coordinates: with ``A`` the support and ``s`` its signs,
``(G_AA + n diag(l2_A)) w_A = c_A - n l1_A s`` (``G = X'X``, ``c = X'y``).
On correlated designs coordinate descent creeps towards that point for
hundreds of epochs (each direction of the correlated block is corrected a
little per sweep); one Cholesky solve of ``|A|^3 / 6`` flops lands on it.
The point is a candidate only: it is kept when its signs and bounds agree
and it lowers the objective, and a full sweep then checks that the zeros
are still optimal. Both compiled squared-loss paths use it: ``path_gram.py``
reads ``X_A'X_A`` off its Gram matrix, ``path_cd.py`` computes it from the
columns (``storage.column_gram``).
"""

import numpy as np
from numba import njit

# Reassociation lets LLVM vectorise the factorisation's dot products (see
# cd_dense.py); no other fast-math assumption.
_REASSOC = {"reassoc", "contract"}


@njit(cache=True, nogil=True, fastmath=_REASSOC)
def _cholesky_solve(M, b):
    """Solve ``M x = b`` for symmetric positive definite ``M`` (overwritten).

    ``b`` becomes ``x``. Returns False when a pivot is not clearly positive
    (a support whose columns are collinear): the caller keeps its point.
    """
    m = b.shape[0]
    for j in range(m):
        d = M[j, j]
        for k in range(j):
            d -= M[j, k] * M[j, k]
        if not d > 1e-12 * M[j, j] or not d > 0.0:
            return False
        d = np.sqrt(d)
        M[j, j] = d
        for i in range(j + 1, m):
            acc = M[i, j]
            for k in range(j):
                acc -= M[i, k] * M[j, k]
            M[i, j] = acc / d
    for i in range(m):  # L z = b
        acc = b[i]
        for k in range(i):
            acc -= M[i, k] * b[k]
        b[i] = acc / M[i, i]
    for i in range(m - 1, -1, -1):  # L' x = z
        acc = b[i]
        for k in range(i + 1, m):
            acc -= M[k, i] * b[k]
        b[i] = acc / M[i, i]
    return True


@njit(cache=True, nogil=True)
def signs_changed(w, ws, signs):
    """Whether the signs of ``w[ws]`` differ from ``signs`` (which are then updated).

    Both kernels try the support's step only once its support and signs held
    between two looks; ``signs`` holds the last look (2: none yet).
    """
    changed = False
    for q in range(ws.shape[0]):
        wq = w[ws[q]]
        now = 0 if wq == 0.0 else (1 if wq > 0.0 else -1)
        if now != signs[q]:
            changed = True
            signs[q] = now
    return changed


@njit(cache=True, nogil=True)
def support_positions(w, ws, out):
    """Write the positions ``q`` with ``w[ws[q]] != 0`` into ``out``; return how many."""
    m = 0
    for q in range(ws.shape[0]):
        if w[ws[q]] != 0.0:
            out[m] = q
            m += 1
    return m


@njit(cache=True, nogil=True, fastmath=_REASSOC)
def support_newton_point(M, corr, w, l1, l2, lower, upper, n, ws, support, m, out):
    """Write into ``out`` (over ``ws``) the minimiser on ``w``'s support and signs.

    ``support[:m]`` are the positions in ``ws`` of the nonzero coefficients
    (:func:`support_positions`), ``M`` their ``X_A'X_A`` (overwritten) and
    ``corr[q] = x_{ws[q]}' r`` at the current residual. The step solves
    ``(X_A'X_A + n diag(l2_A)) d = X_A'r - n (l1_A s + l2_A w_A)``, the
    gradient form (no ``X'y`` needed). Returns False, leaving ``out``
    unspecified, when there is no support, the system is singular, or the
    minimiser leaves the sign pattern or a bound (then it is not the
    minimiser of the actual problem, and coordinate descent carries on).
    """
    if m == 0:
        return False
    b = np.empty(m)
    for a in range(m):
        q = support[a]
        j = ws[q]
        sign = 1.0 if w[j] > 0.0 else -1.0
        b[a] = corr[q] - n * (l1[j] * sign + l2[j] * w[j])
        M[a, a] += n * l2[j]
    if not _cholesky_solve(M, b):
        return False
    for q in range(ws.shape[0]):
        out[q] = w[ws[q]]
    for a in range(m):
        q = support[a]
        j = ws[q]
        value = w[j] + b[a]
        if (value > 0.0) != (w[j] > 0.0) or value == 0.0:
            return False
        if value < lower[j] or value > upper[j]:
            return False
        out[q] = value
    return True


MAX_SUPPORT = 2048  # a larger support's m x m system (32 MB and m^3 / 3 flops) is not tried


@njit(cache=True, nogil=True)
def newton_pays(windows_left, window, n_active, col_len, m, epochs_left):
    """Whether the epochs still to come cost more than the support's solve.

    ``windows_left`` windows of ``window`` epochs (at most the ``epochs_left``
    of the budget: a stalled descent, whose rate says never, spends no more
    than that) over about ``n_active + 1`` columns of ``col_len`` entries
    each (a product and an update), against building ``X_A'X_A``
    (``m^2 col_len / 2``) and factoring it (``m^3 / 6``), with a factor 2 for
    the solve's scalar loops. Never for a support above ``MAX_SUPPORT``.
    """
    if m > MAX_SUPPORT:
        return False
    epochs = min(windows_left * window, float(epochs_left)) * (n_active + 1) * 2.0 * col_len
    solve = 2.0 * (0.5 * m * m * col_len + m * m * m / 6.0)
    return epochs >= solve
