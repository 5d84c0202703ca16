"""The whole Elastic-Net path in compiled code: strong rules, working sets, gaps.

One call solves ``min_w ||y - X w||^2 / (2 n) + sum_j alpha (l1u_j |w_j| +
l2u_j / 2 w_j^2)`` (``w`` within bounds) at every alpha of a decreasing
grid, warm-started, and certifies each solution with the duality gap of
``gap.py``. No Python runs between alphas: on small problems the
interpreter's per-alpha bookkeeping cost more than the arithmetic.

At each alpha (glmnet's strategy, certified as celer's):

1. the working set is the support, the features without an L1 part and
   those the sequential strong rule keeps (Tibshirani et al. 2012):
   ``|x_j' r| / n >= (2 alpha - alpha_prev) l1u_j`` with ``r`` the residual
   at the previous alpha;
2. coordinate descent on the working set, with Anderson extrapolation
   (kept only when it lowers the objective), until the gap of the
   restricted problem is below a fraction of the tolerance;
3. one product ``X' r`` over all features gives the full duality gap. The
   features that violate their optimality condition join the working set
   (the worst first) and step 2 resumes. The alpha is done when the full
   gap is below that fraction of the tolerance: the certificate has a
   margin, so that what callers compute from the coefficients (CV errors,
   criteria) is as close to the optimum as the tolerance promises, not
   just under it.

Features with neither L1 nor L2 and an open side are not handled here (the
dual constraint ``x_j' theta = 0`` needs the projected residual of
``solvers/cd.py``); the caller routes those problems to that solver.
"""

import numpy as np
from numba import njit

from .anderson import anderson_candidate
from .gap import duality_gap, primal_value
from .kkt import KKT_SLACK, add_violators, pull
from .storage import column_gram, correlations, epochs, mean_column_length, subtract_columns
from .support_newton import (
    newton_pays,
    signs_changed,
    support_newton_point,
    support_positions,
)

_ANDERSON_K = 10  # iterates per extrapolation window (as solvers/cd.py)
_BOUND_SNAP = 1e-12
_INNER_FRACTION = 0.3  # an alpha is solved to 30% of the tolerance
_CHECK_EVERY = 10  # epochs between two restricted gaps at most
_MIN_GROWTH = 10  # violators added at least, when there are that many


@njit(cache=True, nogil=True)
def _solve_working_set(Xs, y, r, w, l1, l2, lower, upper, norms2, n, ws, target,
                       epochs_left, work, history, active, signs, support, col_len):
    """Coordinate descent on ``ws`` until its gap is at most ``target``.

    Returns the number of epochs run. As glmnet does, most
    epochs sweep only the coefficients that are nonzero (or unpenalised by
    L1); the whole working set is swept first, before every gap check and
    at the end of every extrapolation window, so a feature can still enter
    and the gap is only taken after a full sweep. Every ``_ANDERSON_K``
    epochs the iterates are extrapolated and the point kept when it lowers
    the objective, which cuts the epochs on correlated designs several fold.
    When the support and signs stay the same between two gaps and the rate
    of the gap says the epochs still to come cost more, the support's exact
    minimiser is tried (``support_newton.py``). ``work`` (5 x p), ``history``
    (K + 1 x p), ``active``, ``signs`` and ``support`` (p) are scratch space:
    nothing is allocated per alpha but the trial residual (and a Newton
    step's system). ``col_len`` is the entries an epoch reads per column.
    """
    m = ws.shape[0]
    if m == 0:
        return 0
    corr, candidate, delta, lo, hi = work[0, :m], work[1, :m], work[2, :m], work[3, :m], work[4, :m]
    for k in range(m):
        history[0, k] = w[ws[k]]
        lo[k] = lower[ws[k]]
        hi[k] = upper[ws[k]]
    filled = 1
    done = 0
    since_check = 0
    n_active = 0
    gap_prev = 0.0  # the restricted gap at the last check, 0 for a new support
    tried = False
    for k in range(m):
        signs[k] = 2
    while done < epochs_left:
        full = done == 0 or since_check + 1 >= _CHECK_EVERY or filled == _ANDERSON_K
        if full or n_active == 0:
            epochs(Xs, w, r, l1, l2, lower, upper, norms2, n, ws, 1)
            n_active = 0
            for k in range(m):
                if w[ws[k]] != 0.0 or l1[ws[k]] == 0.0:
                    active[n_active] = ws[k]
                    n_active += 1
        else:
            epochs(Xs, w, r, l1, l2, lower, upper, norms2, n, active[:n_active], 1)
        done += 1
        since_check += 1
        for k in range(m):
            history[filled, k] = w[ws[k]]
        filled += 1
        if filled == _ANDERSON_K + 1:
            if anderson_candidate(history[:, :m], lo, hi, _BOUND_SNAP, candidate):
                _try_point(Xs, r, w, l1, l2, n, ws, candidate, delta)
            for k in range(m):
                history[0, k] = w[ws[k]]
            filled = 1
            # An extrapolated point is a good moment to look at the gap, after
            # one full sweep: extrapolation brings a leaving coefficient to
            # 1e-13, not to 0, and only soft-thresholding makes the zero exact.
            since_check = _CHECK_EVERY - 1
            continue
        if since_check >= _CHECK_EVERY or done == 1:
            since_check = 0
            correlations(Xs, r, ws, corr)
            gap = duality_gap(y, r, r, corr, w, l1, l2, lower, upper, ws, n, 0.0)[0]
            if gap <= target:
                break
            if signs_changed(w, ws, signs):
                tried = False
                gap_prev = 0.0
            elif not tried and gap_prev > 0.0:
                m_support = support_positions(w, ws, support)
                windows_left = np.inf  # no progress: coordinate descent has stalled
                if gap < gap_prev:
                    windows_left = np.log(target / gap) / np.log(gap / gap_prev)
                if newton_pays(windows_left, _CHECK_EVERY, n_active, col_len, m_support,
                               epochs_left - done):
                    tried = True
                    idx = ws[support[:m_support]]
                    M = np.empty((m_support, m_support))
                    column_gram(Xs, idx, M, np.zeros(r.shape[0]))
                    if support_newton_point(M, corr, w, l1, l2, lower, upper, n, ws, support,
                                            m_support, candidate):
                        _try_point(Xs, r, w, l1, l2, n, ws, candidate, delta)
                        # Sweep the point before its gap (see the extrapolation),
                        # and extrapolate only from iterates after the jump.
                        since_check = _CHECK_EVERY - 1
                        for k in range(m):
                            history[0, k] = w[ws[k]]
                        filled = 1
            gap_prev = gap
    return done


@njit(cache=True, nogil=True)
def _try_point(Xs, r, w, l1, l2, n, ws, candidate, delta):
    """Move ``w[ws]`` to ``candidate`` if that lowers the objective.

    ``w`` is not touched unless the point is kept: restoring it by
    subtracting the step again would leave it off by the rounding of the
    step, and an extrapolation far into the null space of a wide X (steps
    of 1e12) then moved ``w`` by 1e-4 with ``r`` unchanged, a residual no
    longer ``y - X w``, where coordinate descent stalls at a positive gap.
    """
    m = ws.shape[0]
    r_new = r.copy()
    for k in range(m):
        delta[k] = candidate[k] - w[ws[k]]
    subtract_columns(Xs, ws, delta, r_new)
    before = primal_value(r, w, l1, l2, ws, n)
    fit = 0.0
    for i in range(r_new.shape[0]):
        fit += r_new[i] * r_new[i]
    pen = 0.0
    for k in range(m):
        j = ws[k]
        pen += l1[j] * abs(candidate[k]) + 0.5 * l2[j] * candidate[k] * candidate[k]
    if 0.5 * fit / n + pen < before:
        r[:] = r_new
        for k in range(m):
            w[ws[k]] = candidate[k]


@njit(cache=True, nogil=True)
def enet_path(Xs, y, alphas, l1u, l2u, lower, upper, norms2, n, tol_abs, max_epochs,
              w, coefs, gaps, rss, n_iter):
    """Solve along ``alphas`` (decreasing) from the warm start ``w`` (updated).

    ``Xs`` describes X (see ``storage.py``); ``y`` is centred. Writes the
    solution at ``alphas[k]`` to ``coefs[:, k]``, its duality gap, residual
    sum of squares and epochs to ``gaps[k]``, ``rss[k]`` and ``n_iter[k]``.
    """
    p = l1u.shape[0]
    all_idx = np.arange(p)
    max_norm = np.sqrt(np.max(norms2)) if p > 0 else 0.0
    r = y.astype(np.float64)
    nonzero = np.flatnonzero(w != 0.0)
    if nonzero.shape[0] > 0:
        subtract_columns(Xs, nonzero, w[nonzero], r)
    corr = np.empty(p)
    correlations(Xs, r, all_idx, corr)
    work = np.empty((5, p))
    history = np.empty((_ANDERSON_K + 1, p))
    active = np.empty(p, dtype=np.int64)
    signs = np.empty(p, dtype=np.int64)
    support = np.empty(p, dtype=np.int64)
    col_len = mean_column_length(Xs)
    l1 = np.empty(p)
    l2 = np.empty(p)
    in_ws = np.zeros(p, dtype=np.bool_)
    score = np.empty(p)
    violators = np.empty(p, dtype=np.int64)
    alpha_prev = alphas[0]
    for k in range(alphas.shape[0]):
        alpha = alphas[k]
        for j in range(p):
            l1[j] = alpha * l1u[j]
            l2[j] = alpha * l2u[j]
        # The strong rule's threshold, from the residual at the last alpha.
        # A pull equal to it up to rounding does not count: at alpha_max the
        # largest pull equals alpha exactly, and the top of the path must
        # hold exact zeros, not rounding noise.
        strong = max(2.0 * alpha - alpha_prev, 0.0) * KKT_SLACK
        for j in range(p):
            keep = w[j] != 0.0 or l1u[j] == 0.0
            keep = keep or pull(corr[j] / n, lower[j], upper[j]) > strong * l1u[j]
            in_ws[j] = keep and norms2[j] > 0.0
        ws = np.flatnonzero(in_ws)
        # With the strong set complete the full gap equals the restricted one.
        target = _INNER_FRACTION * tol_abs
        done = 0
        while True:
            ran = _solve_working_set(
                Xs, y, r, w, l1, l2, lower, upper, norms2, n, ws, target,
                max_epochs - done, work, history, active, signs, support, col_len,
            )
            done += ran
            correlations(Xs, r, all_idx, corr)
            # Rounding in x_j' r is about eps ||x_j|| ||r||: a violation below
            # 1e-12 of that scale is not one (the margin of solvers/cd.py's
            # certificate; without it a column at 1e150 reads its own
            # rounding as an infeasible dual point).
            noise = 1e-12 * np.sqrt(np.dot(r, r)) * max_norm
            gap = duality_gap(
                y, r, r, corr, w, l1, l2, lower, upper, all_idx, n, noise
            )[0]
            gap = max(gap, 0.0)
            if gap <= _INNER_FRACTION * tol_abs or done >= max_epochs:
                break
            # Optimality at w_j = 0 needs pull_j <= l1_j: the violators join.
            n_viol = add_violators(corr, n, l1, lower, upper, norms2, in_ws, _MIN_GROWTH,
                                   violators, score)
            if n_viol == 0:
                # The working set holds every feature the optimality
                # conditions ask for, so the full gap is the restricted one.
                if ran == 0:
                    break  # nothing moves: rounding is the floor
                target = _INNER_FRACTION * min(target, _INNER_FRACTION * tol_abs)
                continue
            ws = np.flatnonzero(in_ws)
            # Straight to the final target: the strong rule leaves out few
            # features, so the grown set is nearly always complete, and every
            # intermediate target (celer's fraction of the gap) would cost a
            # product over all features, which on wide data is what an alpha
            # costs. Epochs on the working set are far cheaper.
            target = _INNER_FRACTION * tol_abs
        for j in range(p):
            coefs[j, k] = w[j]
        gaps[k] = gap
        rss[k] = np.dot(r, r)
        n_iter[k] = done
        alpha_prev = alpha
