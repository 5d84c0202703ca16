"""The Elastic-Net path on a Gram matrix: covariance updates, certified exactly.

For a tall dense problem reduced to its triangle ``R`` (``_design.reduce_tall``:
``(p + 1) x p`` design, target ``z`` with ``||z||^2 = ||y||^2``), coordinate
descent is run on ``G = R'R`` as glmnet's "covariance" mode does: the
kernel keeps ``g = X'r`` itself, so a coefficient update costs one column
of ``G`` (``p``), a coefficient that stays at zero costs a comparison, and
``||r||^2`` and ``y'r`` follow from ``g`` in O(1) per update. A duality gap
then costs O(p) instead of the O(p^2) product ``R'r``, so it is taken after
every epoch, and no working set or strong rule is needed: a full sweep is
cheap.

Those running quantities drift by rounding, so they only decide *when* to
look. Each alpha is certified as in ``path_cd.py``: the residual and ``R'r``
are recomputed from the triangle (O(p^2), every digit the triangle holds)
and the gap of ``gap.py`` must be at most 30% of the tolerance; if it is
not, the running quantities are reset from the exact ones and the epochs
go on with a tighter target. Anderson extrapolation every ``_ANDERSON_K``
epochs is kept only when it lowers the objective, evaluated through ``G``.

On diabetes (p = 10) an epoch takes about a fifth of the triangle's, and a
gap a tenth; callers route tolerances of 0 (the rounding floor) to
``path_cd.py``.
"""

import numpy as np
from numba import njit

from .anderson import anderson_candidate
from .cd_dense import correlations_rows, subtract_columns_rows
from .gap import conjugate_sum, dual_scale
from .kkt import KKT_SLACK
from .support_newton import (
    newton_pays,
    signs_changed,
    support_newton_point,
    support_positions,
)

_ANDERSON_K = 5  # path_cd.py uses 10; 5 took fewer epochs on diabetes and rho 0.95
_BOUND_SNAP = 1e-12
_INNER_FRACTION = 0.3  # an alpha is solved to 30% of the tolerance, as in path_cd.py
_FULL_EVERY = 5  # epochs over the nonzero coefficients between two full sweeps at most

# Only reassociation and contraction (see cd_dense.py): vectorised column updates
# without fast-math's no-inf assumption, which the infinite bounds rely on.
_REASSOC = {"reassoc", "contract"}


@njit(cache=True, nogil=True, fastmath=_REASSOC)
def _gram_epoch(G, c, g, w, thr, shrink, inv_d, lower, upper, idx, m, sums):
    """One cyclic pass of covariance updates over ``idx[:m]``.

    ``g = X'r`` is updated in place, ``sums[0] = ||r||^2`` and
    ``sums[1] = y'r`` by their O(1) changes. Returns how many coefficients moved.
    """
    p = g.shape[0]
    moved = 0
    for k in range(m):
        j = idx[k]
        d = inv_d[j]
        if d == 0.0:
            continue
        old = w[j]
        gj = g[j]
        z = old + gj * d
        t = thr[j]
        if old == 0.0:
            # A pull equal to the threshold up to rounding does not move a
            # zero (path_cd.py's strong rule has the same slack): at
            # alpha_max the path must hold exact zeros, not 1e-16.
            t *= KKT_SLACK
        if z > t:
            new = (z - t) * shrink[j]
        elif z < -t:
            new = (z + t) * shrink[j]
        else:
            new = 0.0
        if new < lower[j]:
            new = lower[j]
        elif new > upper[j]:
            new = upper[j]
        if new != old:
            delta = new - old
            # ||r - delta x_j||^2 and y'(r - delta x_j), from g before the update.
            sums[0] += delta * (delta * G[j, j] - 2.0 * gj)
            sums[1] -= delta * c[j]
            for i in range(p):
                g[i] -= delta * G[j, i]
            w[j] = new
            moved += 1
    return moved


@njit(cache=True, nogil=True)
def _running_gap(sums, g, w, l1, l2, lower, upper, all_idx, n, noise, unbounded):
    """The duality gap of ``gap.py`` from ``||r||^2``, ``y'r`` and ``g`` (O(p)).

    ``unbounded`` (no finite bound anywhere) takes one loop with the
    conjugates in closed form: the generic route through ``dual_scale`` and
    ``conjugate_sum`` cost more than an epoch on small problems.
    """
    rr, yr = sums[0], sums[1]
    p = w.shape[0]
    pen = 0.0
    for j in range(p):
        pen += l1[j] * abs(w[j]) + 0.5 * l2[j] * w[j] * w[j]
    primal = 0.5 * rr / n
    primal += pen
    if unbounded:
        # t = min(1, min_j n l1_j / |g_j|) over the features without L2
        # (violations below the rounding margin ``noise`` do not count).
        t = 1.0
        any_l2 = False
        for j in range(p):
            if l2[j] > 0.0:
                any_l2 = True
                continue
            a = abs(g[j])
            if a > n * l1[j] + noise and n * l1[j] < t * a:
                t = n * l1[j] / a
        scale = t / n
        conj = 0.0
        if any_l2:
            for j in range(p):
                if l2[j] > 0.0:
                    excess = abs(scale * g[j]) - l1[j]
                    if excess > 0.0:
                        conj += 0.5 * excess * excess / l2[j]
    else:
        t = dual_scale(g, l1, l2, lower, upper, all_idx, n, noise)
        scale = t / n
        conj = conjugate_sum(g, scale, l1, l2, lower, upper, all_idx)
    dual = scale * yr - 0.5 * n * scale * scale * rr - conj
    return primal - dual


@njit(cache=True, nogil=True, fastmath=_REASSOC)
def _resync(R, col_end, y, r, g, w, all_idx, sums):
    """``r = y - R w``, ``g = R'r``, ``||r||^2`` and ``y'r`` from the triangle.

    Every digit the triangle holds, and no allocation (it runs at every alpha).
    """
    r[:] = y
    subtract_columns_rows(R, all_idx, w, r, col_end)  # skips the zeros of w
    correlations_rows(R, r, all_idx, g, col_end)
    rr = 0.0
    yr = 0.0
    for i in range(y.shape[0]):
        rr += r[i] * r[i]
        yr += y[i] * r[i]
    sums[0] = rr
    sums[1] = yr


@njit(cache=True, nogil=True, fastmath=_REASSOC)
def _try_point(G, c, g, w, l1, l2, n, ws, candidate, delta, gdelta, sums):
    """Move ``w[ws]`` to ``candidate`` if that lowers the objective (through G).

    Nothing is written unless the point is kept (see ``path_cd._try_point``).
    """
    m = ws.shape[0]
    p = g.shape[0]
    for i in range(p):
        gdelta[i] = 0.0
    change_g = 0.0
    change_c = 0.0
    pen_old = 0.0
    pen_new = 0.0
    for k in range(m):
        j = ws[k]
        dk = candidate[k] - w[j]
        delta[k] = dk
        pen_old += l1[j] * abs(w[j]) + 0.5 * l2[j] * w[j] * w[j]
        pen_new += l1[j] * abs(candidate[k]) + 0.5 * l2[j] * candidate[k] * candidate[k]
        if dk != 0.0:
            change_g += dk * g[j]
            change_c += dk * c[j]
            for i in range(p):
                gdelta[i] += dk * G[j, i]
    quad = 0.0
    for k in range(m):
        quad += delta[k] * gdelta[ws[k]]
    rr_new = sums[0] - 2.0 * change_g + quad
    if 0.5 * rr_new / n + pen_new < 0.5 * sums[0] / n + pen_old:
        sums[0] = rr_new
        sums[1] -= change_c
        for i in range(p):
            g[i] -= gdelta[i]
        for k in range(m):
            w[ws[k]] = candidate[k]


@njit(cache=True, nogil=True)
def enet_path_gram(R, col_end, y, G, alphas, l1u, l2u, lower, upper, norms2, n, tol_abs,
                   max_epochs, w, coefs, gaps, rss, n_iter):
    """Solve along ``alphas`` (decreasing) from the warm start ``w`` (updated).

    ``R`` is the triangle (column ``j`` read in rows ``< col_end[j]``), ``y``
    its target and ``G = R'R`` in C order, of which only the lower triangle
    is read (and mirrored into the upper one, so that an update reads a row).
    Outputs as ``path_cd.enet_path``.
    """
    p = l1u.shape[0]
    for a in range(p):
        for b in range(a + 1, p):
            G[a, b] = G[b, a]
    all_idx = np.arange(p)
    max_norm = np.sqrt(np.max(norms2)) if p > 0 else 0.0
    unbounded = np.all(np.isinf(lower)) and np.all(np.isinf(upper))
    ws = np.flatnonzero(norms2 > 0.0)
    m_ws = ws.shape[0]
    inv_d = np.zeros(p)
    for j in range(p):
        if norms2[j] > 0.0 and G[j, j] > 0.0:
            inv_d[j] = 1.0 / G[j, j]
    c = np.empty(p)
    r = np.empty(y.shape[0])
    g = np.empty(p)
    sums = np.empty(2)
    _resync(R, col_end, y, r, c, np.zeros(p), all_idx, sums)  # c = X'y
    l1 = np.empty(p)
    l2 = np.empty(p)
    thr = np.empty(p)
    shrink = np.empty(p)
    active = np.empty(p, dtype=np.int64)
    history = np.empty((_ANDERSON_K + 1, m_ws))
    candidate = np.empty(m_ws)
    delta = np.empty(m_ws)
    gdelta = np.empty(p)
    signs = np.empty(m_ws, dtype=np.int64)
    support = np.empty(m_ws, dtype=np.int64)
    corr_ws = np.empty(m_ws)
    lo = lower[ws]  # the bounds of the extrapolated coordinates
    hi = upper[ws]
    _resync(R, col_end, y, r, g, w, all_idx, sums)
    for k in range(alphas.shape[0]):
        alpha = alphas[k]
        for j in range(p):
            l1[j] = alpha * l1u[j]
            l2[j] = alpha * l2u[j]
            thr[j] = n * l1[j] * inv_d[j]
            shrink[j] = 1.0 / (1.0 + n * l2[j] * inv_d[j])
        target = _INNER_FRACTION * tol_abs
        done = 0
        gap = np.inf
        tried = False
        gap_window = 0.0  # the running gap at the end of the last window
        for q in range(m_ws):
            signs[q] = 2  # no window seen yet at this alpha
        while True:
            # Epochs until the running gap is below the target.
            filled = 1
            for q in range(m_ws):
                history[0, q] = w[ws[q]]
            n_active = 0
            since_full = _FULL_EVERY
            moved_total = 0
            while done < max_epochs:
                if since_full >= _FULL_EVERY or n_active == 0:
                    moved = _gram_epoch(G, c, g, w, thr, shrink, inv_d, lower, upper, ws,
                                        m_ws, sums)
                    since_full = 0
                    n_active = 0
                    for q in range(m_ws):
                        j = ws[q]
                        if w[j] != 0.0 or l1[j] == 0.0:
                            active[n_active] = j
                            n_active += 1
                else:
                    moved = _gram_epoch(G, c, g, w, thr, shrink, inv_d, lower, upper, active,
                                        n_active, sums)
                    since_full += 1
                done += 1
                moved_total += moved
                for q in range(m_ws):
                    history[filled, q] = w[ws[q]]
                filled += 1
                if filled == _ANDERSON_K + 1:
                    if anderson_candidate(history, lo, hi, _BOUND_SNAP, candidate):
                        _try_point(G, c, g, w, l1, l2, n, ws, candidate, delta, gdelta, sums)
                    # A support (and signs) unchanged over a whole window, and
                    # still no certificate: jump to its exact minimiser, when
                    # the epochs still to come at the rate the gap fell over
                    # the last window (K epochs of about m p flops each) would
                    # cost more than the solve (about m^3 / 3 to build and
                    # factor). One attempt per support.
                    if signs_changed(w, ws, signs):
                        tried = False
                        gap_window = 0.0  # a new support: its rate is yet unknown
                    elif not tried:
                        gap_now = _running_gap(sums, g, w, l1, l2, lower, upper, all_idx, n,
                                               0.0, unbounded)
                        if gap_window > 0.0 and gap_now > target:
                            m = support_positions(w, ws, support)
                            windows_left = np.inf  # no progress: CD has stalled
                            if gap_now < gap_window:
                                windows_left = np.log(target / gap_now) / np.log(
                                    gap_now / gap_window
                                )
                            # An update reads a row of G (p); nothing else.
                            if newton_pays(windows_left, _ANDERSON_K, m, 0.5 * p, m,
                                           max_epochs - done):
                                tried = True
                                M = np.empty((m, m))
                                for a in range(m):
                                    for b in range(m):
                                        M[a, b] = G[ws[support[a]], ws[support[b]]]
                                for q in range(m_ws):
                                    corr_ws[q] = g[ws[q]]
                                if support_newton_point(M, corr_ws, w, l1, l2, lower, upper,
                                                        n, ws, support, m, candidate):
                                    _try_point(G, c, g, w, l1, l2, n, ws, candidate, delta,
                                               gdelta, sums)
                        gap_window = gap_now
                    for q in range(m_ws):
                        history[0, q] = w[ws[q]]
                    filled = 1
                    # A full sweep before the next gap: extrapolation brings a
                    # leaving coefficient to 1e-13, soft-thresholding to 0.
                    since_full = _FULL_EVERY
                    continue
                if moved == 0 and since_full == 0:
                    break  # a full sweep moved nothing: CD is at its fixed point
                if _running_gap(sums, g, w, l1, l2, lower, upper, all_idx, n, 0.0,
                                unbounded) <= target:
                    break
            # The certificate: everything again from the triangle.
            _resync(R, col_end, y, r, g, w, all_idx, sums)
            noise = 1e-12 * np.sqrt(sums[0]) * max_norm
            gap = max(_running_gap(sums, g, w, l1, l2, lower, upper, all_idx, n, noise,
                                   unbounded), 0.0)
            if gap <= _INNER_FRACTION * tol_abs or done >= max_epochs or moved_total == 0:
                break
            # The running quantities had drifted: go on from the exact ones, aiming lower.
            target = _INNER_FRACTION * min(target, _INNER_FRACTION * tol_abs)
        for j in range(p):
            coefs[j, k] = w[j]
        gaps[k] = gap
        rss[k] = sums[0]
        n_iter[k] = done
