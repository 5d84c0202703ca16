"""The binary logistic path in compiled code: proximal Newton with certificates.

One call minimises, at every alpha of a decreasing grid (warm-started)::

    sum_i omega_i log(1 + exp(-y_i eta_i)) + sum_j alpha (l1u_j |w_j| + l2u_j / 2 w_j^2)

with ``eta = X w + b``, ``y`` in {-1, +1}, ``omega`` summing to 1 and
``w`` within bounds. It is the algorithm of ``solvers/prox_newton.py``
(the Python driver, which stays for unpenalised features) with no Python
between its steps: on a 500 x 5000 path the interpreter's bookkeeping
around each Newton step (working sets, line searches, penalty values over
every feature) cost as much as the arithmetic. At each alpha:

1. the working set is the support and the features nearest their KKT
   bound at the last alpha's solution (celer's priority, ``(l1_j -
   |x_j' theta|) / ||x_j||``), twice the support and at least ten;
2. proximal Newton runs on it. Each iteration recomputes ``eta`` from
   ``w``, makes the intercept optimal (1-D Newton with Armijo
   backtracking: the dual's constraint ``sum theta = 0`` needs it), and
   takes the duality gap of the problem restricted to the working set,
   which costs ``X' theta`` over those columns only. While that gap is
   above the tolerance, it solves the quadratic model by weighted
   coordinate descent (mostly over the nonzero coefficients, with Anderson
   extrapolation) until the model's own gap is a tenth of the outer one,
   then backtracks until the true objective decreases enough;
3. one product ``X' theta`` over every feature gives the full gap of
   ``solvers/_logistic_gap.py``: the certificate. The alpha is done when
   ``gap <= tol * null_loss`` (floored at the rounding of the sums);
   otherwise the KKT violators, the worst first, join the working set and
   step 2 resumes.

Every feature must carry some penalty (``l1u_j > 0`` or ``l2u_j > 0``):
unpenalised features need the Newton polish of ``_logistic_gap.polish_free``.
"""

import numpy as np
from numba import njit

from .anderson import anderson_candidate
from .gap import conjugate_sum, dual_scale, duality_gap
from .kkt import add_violators, pull
from .storage import correlations, subtract_columns, weighted_epochs, weighted_sq_norms

_INNER_FRACTION = 0.1  # each quadratic model to this fraction of the outer gap
_INNER_CHECK_EVERY = 5  # epochs between two gaps of the quadratic model
_MAX_INNER_EPOCHS = 1000
_CURVATURE_FLOOR = 1e-12  # p (1 - p) is held at least here: the step stays finite
_ANDERSON_K = 5
_BOUND_SNAP = 1e-12
_ARMIJO = 1e-4
POLISH_FRACTION = 1e-8  # the polishing step's model, to this share of the usual target
_ROUNDING = 1e-13  # relative change of the objective below which Armijo sees noise
_MAX_BACKTRACKS = 50
_MIN_WORKING_SET = 10
_POLISH_STEPS = 50
_TIGHTEN = 0.3  # the working set's target shrinks by this when only its own gap passed
# The gap is a difference of sums of order log 2 (the weights sum to 1):
# below 64 eps (1 + max |eta|) it measures rounding (_logistic_gap.GAP_FLOOR).
_GAP_FLOOR = 64.0 * 2.220446049250313e-16


@njit(cache=True, nogil=True)
def _sigmoid(e):
    if e >= 0.0:
        return 1.0 / (1.0 + np.exp(-e))
    z = np.exp(e)
    return z / (1.0 + z)


@njit(cache=True, nogil=True)
def _log1pexp(m):
    """``log(1 + exp(m))`` without overflow."""
    if m > 0.0:
        return m + np.log1p(np.exp(-m))
    return np.log1p(np.exp(m))


@njit(cache=True, nogil=True)
def _loss(eta, y, omega):
    acc = 0.0
    for i in range(eta.shape[0]):
        acc += omega[i] * _log1pexp(-y[i] * eta[i])
    return acc


@njit(cache=True, nogil=True)
def _entropy(a):
    """``-a log a`` (0 at 0), scipy's ``entr`` on [0, 1]."""
    if a <= 0.0:
        return 0.0
    return -a * np.log(a)


@njit(cache=True, nogil=True)
def _penalty(w, l1, l2, idx):
    acc = 0.0
    for k in range(idx.shape[0]):
        j = idx[k]
        acc += l1[j] * abs(w[j]) + 0.5 * l2[j] * w[j] * w[j]
    return acc


@njit(cache=True, nogil=True)
def _linear_predictor(Xs, w, b, eta):
    """``eta = X w + b``, summing the columns of the nonzero coefficients."""
    eta[:] = b
    nonzero = np.flatnonzero(w != 0.0)
    if nonzero.shape[0] > 0:
        subtract_columns(Xs, nonzero, -w[nonzero], eta)


@njit(cache=True, nogil=True)
def _polish_intercept(y, y01, omega, eta, trial):
    """Newton on the intercept alone, the rest fixed; returns its change.

    As ``_logistic_gap.polish_free``: stop when the derivative is exactly 0
    or no longer shrinks; full steps once the predicted decrease is below
    what the loss can show, Armijo backtracking before. ``eta`` is updated.
    """
    current = _loss(eta, y, omega)
    previous = np.inf
    total = 0.0
    for _ in range(_POLISH_STEPS):
        g = 0.0
        curv = 0.0
        for i in range(eta.shape[0]):
            prob = _sigmoid(eta[i])
            g += omega[i] * (prob - y01[i])
            curv += omega[i] * prob * (1.0 - prob)
        if g == 0.0 or abs(g) >= previous or not curv > 0.0:
            break
        previous = abs(g)
        step = -g / curv
        decrease = g * g / curv
        t = 1.0
        accepted = False
        for _ in range(40):
            for i in range(eta.shape[0]):
                trial[i] = eta[i] + t * step
            value = _loss(trial, y, omega)
            if decrease <= 1e-10 * abs(current) or value <= current - 1e-4 * t * decrease:
                accepted = True
                break
            t *= 0.5
        if not accepted:
            break
        total += t * step
        eta[:] = trial
        current = value
    return total


@njit(cache=True, nogil=True)
def _gap(y, omega, prob, corr, w, l1, l2, lower, upper, all_idx, noise, loss):
    """The duality gap at the point whose probabilities are ``prob``.

    ``corr = X' theta`` with ``theta = omega (y01 - prob)``; the dual point
    is ``t theta`` with ``t`` the largest scale keeping every conjugate finite.
    """
    t = dual_scale(corr, l1, l2, lower, upper, all_idx, 1.0, noise)
    conj = conjugate_sum(corr, t, l1, l2, lower, upper, all_idx)
    dual = 0.0
    for i in range(y.shape[0]):
        a = t * (1.0 - prob[i] if y[i] > 0.0 else prob[i])
        dual += omega[i] * (_entropy(a) + _entropy(1.0 - a))
    dual -= conj
    primal = loss + _penalty(w, l1, l2, all_idx)
    return max(primal - dual, 0.0)


@njit(cache=True, nogil=True)
def _working_set(w, corr, l1, lower, upper, norms, use, score):
    """The support, the features without L1, and those nearest their KKT bound.

    At least twice the support and ``_MIN_WORKING_SET`` features, in index
    order; ``score`` is scratch space (p).
    """
    p = w.shape[0]
    n_support = 0
    for j in range(p):
        if w[j] != 0.0 or l1[j] == 0.0:
            n_support += 1
    size = max(_MIN_WORKING_SET, 2 * n_support)
    if not use or p <= size:
        return np.arange(p)
    for j in range(p):
        if w[j] != 0.0 or l1[j] == 0.0:
            score[j] = -np.inf
        else:
            score[j] = (l1[j] - pull(corr[j], lower[j], upper[j])) / max(norms[j], 1e-300)
    threshold = np.partition(score, size - 1)[size - 1]
    below = 0
    for j in range(p):
        if score[j] < threshold:
            below += 1
    ties = size - below
    ws = np.empty(size, dtype=np.int64)
    m = 0
    for j in range(p):
        if score[j] < threshold:
            ws[m] = j
            m += 1
        elif score[j] == threshold and ties > 0:
            ws[m] = j
            m += 1
            ties -= 1
    return ws[:m]


@njit(cache=True, nogil=True)
def _model_value(h, r, v, l1, l2, ws):
    fit = 0.0
    for i in range(r.shape[0]):
        fit += h[i] * r[i] * r[i]
    pen = 0.0
    for k in range(ws.shape[0]):
        j = ws[k]
        pen += l1[j] * abs(v[k]) + 0.5 * l2[j] * v[k] * v[k]
    return 0.5 * fit + pen


@njit(cache=True, nogil=True)
def _extrapolate(Xs, w, r, h, h_sum, l1, l2, ws, history, lo, hi, fit_intercept, r_try):
    """Anderson's point of the last CD iterates on ``ws``, kept if it lowers the model.

    Updates ``w`` and ``r`` in place on success (the intercept re-made
    optimal, so ``sum h r = 0`` still holds); returns the intercept's change.
    """
    m = ws.shape[0]
    cand = np.empty(m)
    if not anderson_candidate(history, lo, hi, _BOUND_SNAP, cand):
        return 0.0
    current = np.empty(m)
    delta = np.empty(m)
    moved = False
    for k in range(m):
        c = min(max(cand[k], lo[k]), hi[k])
        if not np.isfinite(c):
            return 0.0
        cand[k] = c
        current[k] = w[ws[k]]
        delta[k] = c - current[k]
        moved = moved or delta[k] != 0.0
    if not moved:
        return 0.0
    r_try[:] = r
    subtract_columns(Xs, ws, delta, r_try)
    step = 0.0
    if fit_intercept and h_sum > 0.0:
        step = np.dot(h, r_try) / h_sum
        if step != 0.0:
            r_try -= step
    if not _model_value(h, r_try, cand, l1, l2, ws) < _model_value(h, r, current, l1, l2, ws):
        return 0.0
    for k in range(m):
        w[ws[k]] = cand[k]
    r[:] = r_try
    return step


@njit(cache=True, nogil=True)
def _model_gap(Xs, h, r, z, w, l1, l2, lower, upper, ws, scratch, corr):
    """Duality gap of ``1/2 sum h (z - X w - b)^2 + pen(w)`` restricted to ``ws``.

    With ``sqrt(h)`` folded into the rows it is least squares with ``n = 1``;
    the intercept was updated last, so its dual constraint holds.
    """
    n = h.shape[0]
    hr, rz, rr = scratch[0], scratch[1], scratch[2]
    for i in range(n):
        root = np.sqrt(h[i])
        hr[i] = h[i] * r[i]
        rz[i] = root * z[i]
        rr[i] = root * r[i]
    m = ws.shape[0]
    correlations(Xs, hr, ws, corr[:m])
    gap = duality_gap(rz, rr, rr, corr[:m], w, l1, l2, lower, upper, ws, 1.0, 0.0)[0]
    return max(gap, 0.0)


@njit(cache=True, nogil=True)
def _newton_step(Xs, y, y01, omega, w, b, eta, prob, l1, l2, lower, upper, ws,
                 fit_intercept, gap, scratch, corr):
    """Solve the quadratic model on ``ws``, then line-search it.

    Updates ``w`` and ``eta`` in place; returns ``(b, epochs)``.
    """
    n = eta.shape[0]
    m = ws.shape[0]
    h, r, r_new, d_eta, z = scratch[3], scratch[4], scratch[5], scratch[6], scratch[7]
    h_sum = 0.0
    for i in range(n):
        c = max(prob[i] * (1.0 - prob[i]), _CURVATURE_FLOOR)
        h[i] = omega[i] * c
        r[i] = (y01[i] - prob[i]) / c
        r_new[i] = r[i]
        z[i] = eta[i] + r[i]
        h_sum += h[i]
    hdiag = np.empty(m)
    weighted_sq_norms(Xs, h, ws, hdiag)
    w_old = np.empty(m)
    lo = np.empty(m)
    hi = np.empty(m)
    for k in range(m):
        w_old[k] = w[ws[k]]
        lo[k] = lower[ws[k]]
        hi[k] = upper[ws[k]]
    history = np.empty((_ANDERSON_K + 1, m))
    active = np.empty(m, dtype=np.int64)
    hdiag_active = np.empty(m)
    n_active = 0
    filled = 0
    db = 0.0
    used = 0
    target = _INNER_FRACTION * gap
    while used < _MAX_INNER_EPOCHS:
        # As glmnet, most epochs sweep the nonzero coefficients only; the
        # whole working set is swept before every gap of the model (which
        # follows the sweep), so a feature can still enter.
        if used % _INNER_CHECK_EVERY == 0 or n_active == 0:
            decrease, change = weighted_epochs(
                Xs, w, r_new, h, hdiag, l1, l2, lower, upper, ws, 1, fit_intercept, h_sum
            )
            n_active = 0
            for k in range(m):
                if w[ws[k]] != 0.0 or l1[ws[k]] == 0.0:
                    active[n_active] = ws[k]
                    hdiag_active[n_active] = hdiag[k]
                    n_active += 1
        else:
            decrease, change = weighted_epochs(
                Xs, w, r_new, h, hdiag_active[:n_active], l1, l2, lower, upper,
                active[:n_active], 1, fit_intercept, h_sum,
            )
        db += change
        used += 1
        for k in range(m):
            history[filled, k] = w[ws[k]]
        filled += 1
        if filled == _ANDERSON_K + 1:
            filled = 0
            db += _extrapolate(Xs, w, r_new, h, h_sum, l1, l2, ws, history, lo, hi,
                               fit_intercept, d_eta)
        if used % _INNER_CHECK_EVERY != 1:
            continue  # the model's gap after the first epoch, then every few
        if decrease == 0.0 or _model_gap(Xs, h, r_new, z, w, l1, l2, lower, upper, ws,
                                         scratch, corr) <= target:
            break
    # The model's residual moved from r to r_new: eta moved by r - r_new.
    slope = 0.0
    for i in range(n):
        d_eta[i] = r[i] - r_new[i]
        slope -= omega[i] * (y01[i] - prob[i]) * d_eta[i]
    w_new = np.empty(m)
    pen_old = 0.0
    pen_new = 0.0
    for k in range(m):
        j = ws[k]
        w_new[k] = w[j]
        pen_old += l1[j] * abs(w_old[k]) + 0.5 * l2[j] * w_old[k] * w_old[k]
        pen_new += l1[j] * abs(w_new[k]) + 0.5 * l2[j] * w_new[k] * w_new[k]
    slope += pen_new - pen_old
    current = _loss(eta, y, omega) + pen_old
    trial = scratch[0]
    if -_ROUNDING * abs(current) <= slope <= 0.0:
        # A decrease too small to see in the objective (which the gap, first
        # order in the coefficients, may still need): Newton's region, where
        # the full step is safe.
        for i in range(n):
            eta[i] += d_eta[i]
        return b + db, used
    t = 1.0
    for _ in range(_MAX_BACKTRACKS):
        pen_try = 0.0
        for k in range(m):
            j = ws[k]
            v = w_old[k] + t * (w_new[k] - w_old[k]) if t < 1.0 else w_new[k]
            v = min(max(v, lower[j]), upper[j])
            w[j] = v
            pen_try += l1[j] * abs(v) + 0.5 * l2[j] * v * v
        for i in range(n):
            trial[i] = eta[i] + t * d_eta[i]
        if _loss(trial, y, omega) + pen_try <= current + _ARMIJO * t * min(slope, 0.0):
            eta[:] = trial
            return b + t * db, used
        t *= 0.5
    for k in range(m):  # no decrease found: keep the point (rounding level)
        w[ws[k]] = w_old[k]
    return b, used


@njit(cache=True, nogil=True)
def _point_gap(Xs, y, y01, omega, w, b, eta, prob, theta, l1, l2, lower, upper, idx, corr,
               fit_intercept, max_norm, scratch):
    """Recompute ``eta = X w + b``, polish the intercept, and take the gap over ``idx``.

    ``corr[:m]`` receives ``X[:, idx]' theta``. Returns ``(b, gap, loss)``.
    """
    n = eta.shape[0]
    _linear_predictor(Xs, w, b, eta)
    if fit_intercept:
        b += _polish_intercept(y, y01, omega, eta, scratch[0])
    norm2 = 0.0
    for i in range(n):
        prob[i] = _sigmoid(eta[i])
        theta[i] = omega[i] * (y01[i] - prob[i])
        norm2 += theta[i] * theta[i]
    m = idx.shape[0]
    correlations(Xs, theta, idx, corr[:m])
    loss = _loss(eta, y, omega)
    noise = 1e-12 * max_norm * np.sqrt(norm2)
    gap = _gap(y, omega, prob, corr[:m], w, l1, l2, lower, upper, idx, noise, loss)
    return b, gap, loss


@njit(cache=True, nogil=True)
def logistic_path(Xs, y, omega, alphas, l1u, l2u, lower, upper, norms, max_norm,
                  fit_intercept, at_top, w_top, b_top, w, b, tol, null_loss, max_iter,
                  use_working_set, coefs, intercepts, gaps, tols, losses, n_iter, n_epochs):
    """Solve along ``alphas`` from the warm start ``(w, b)`` (``w`` updated).

    ``Xs`` describes X (``storage.py``); with an intercept, dense X is
    centred and ``b`` is the centred model's intercept. Where ``at_top[k]``
    the point ``(w_top, b_top)`` (the unpenalised fit, optimal there) is
    certified without a Newton step, so the zeros at the top are exact.
    Writes per alpha the coefficients, intercept, gap, absolute tolerance,
    loss, Newton iterations and coordinate-descent epochs.

    The steps at each alpha are those of the module's docstring.
    """
    n = y.shape[0]
    p = l1u.shape[0]
    all_idx = np.arange(p)
    y01 = 0.5 * (y + 1.0)
    eta = np.empty(n)
    prob = np.empty(n)
    theta = np.empty(n)
    corr = np.empty(p)
    corr_ws = np.empty(p)
    score = np.empty(p)
    violators = np.empty(p, dtype=np.int64)
    in_ws = np.zeros(p, dtype=np.bool_)
    l1 = np.empty(p)
    l2 = np.empty(p)
    norms2 = norms * norms
    scratch = np.empty((8, n))
    # The gradient at the start, for the first strong rule.
    b, gap, loss = _point_gap(Xs, y, y01, omega, w, b, eta, prob, theta, l1u, l2u, lower,
                              upper, all_idx, corr, fit_intercept, max_norm, scratch)
    for k in range(alphas.shape[0]):
        alpha = alphas[k]
        for j in range(p):
            l1[j] = alpha * l1u[j]
            l2[j] = alpha * l2u[j]
        limit = max_iter
        if at_top[k]:
            for j in range(p):
                w[j] = min(max(w_top[j], lower[j]), upper[j])
            b = b_top
            limit = 0
        ws = _working_set(w, corr, l1, lower, upper, norms, use_working_set, score)
        in_ws[:] = False
        in_ws[ws] = True
        target = 1.0
        it = 0
        used = 0
        polished = False
        while True:
            # Newton on the working set, certified by its own gap.
            while True:
                b, gap_ws, loss = _point_gap(
                    Xs, y, y01, omega, w, b, eta, prob, theta, l1, l2, lower, upper, ws,
                    corr_ws, fit_intercept, max_norm, scratch,
                )
                tol_abs = max(tol * null_loss, _GAP_FLOOR * (1.0 + np.max(np.abs(eta))))
                if gap_ws <= target * tol_abs or it >= limit or ws.shape[0] == 0:
                    break
                it += 1
                b, ran = _newton_step(Xs, y, y01, omega, w, b, eta, prob, l1, l2, lower,
                                      upper, ws, fit_intercept, gap_ws, scratch, score)
                used += ran
            # One product over every feature: the certificate.
            correlations(Xs, theta, all_idx, corr)
            noise = 1e-12 * max_norm * np.sqrt(np.dot(theta, theta))
            gap = _gap(y, omega, prob, corr, w, l1, l2, lower, upper, all_idx, noise, loss)
            if gap <= tol_abs and tol * null_loss < tol_abs and not polished and it < limit:
                # tol asks for more than the gap can resolve (its rounding
                # floor): one more Newton step, which from a gap at the floor
                # lands at rounding (Newton converges quadratically), instead
                # of stopping about sqrt(gap / curvature) from the optimum.
                # The model solved far past the usual fraction of the gap: an
                # inexact direction converges only linearly.
                polished = True
                it += 1
                b, ran = _newton_step(Xs, y, y01, omega, w, b, eta, prob, l1, l2, lower,
                                      upper, ws, fit_intercept, gap * POLISH_FRACTION,
                                      scratch, score)
                used += ran
                continue
            if gap <= tol_abs or it >= limit:
                break
            n_viol = add_violators(corr, 1.0, l1, lower, upper, norms2, in_ws,
                                   _MIN_WORKING_SET, violators, score)
            if n_viol == 0:
                # Every feature the optimality conditions ask for is in:
                # the full gap is the restricted one, up to the dual scale.
                target *= _TIGHTEN
                if target < 1e-6:
                    break  # nothing moves: rounding is the floor
                continue
            ws = np.flatnonzero(in_ws)
        for j in range(p):
            coefs[j, k] = w[j]
        intercepts[k] = b
        gaps[k] = gap
        tols[k] = tol_abs
        losses[k] = loss
        n_iter[k] = it
        n_epochs[k] = used
