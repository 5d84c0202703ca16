"""Duality gap of the penalised least-squares problem (any storage of X).

Primal, with ``n`` the number of samples and ``r = y - X w``::

    P(w) = ||r||^2 / (2 n) + sum_j l1_j |w_j| + l2_j / 2 w_j^2   (w within bounds)

Dual, for any ``theta``::

    D(theta) = theta'y - n/2 ||theta||^2 - sum_j G_j*(x_j' theta)

with ``G_j*`` the conjugate of the 1-D penalty on its bounds. The dual point
is ``theta = t * theta_raw / n`` with ``theta_raw`` the residual (or the
residual projected away from unpenalised columns), and ``t`` in [0, 1] the
largest scale that makes every conjugate finite. Only ``X' theta_raw``
depends on how X is stored, so the caller computes it and this kernel is
shared by dense, sparse and Gram solvers.
"""

import numpy as np
from numba import njit

from .prox import penalty_conjugate


@njit(cache=True)
def dual_scale(corr, l1, l2, lower, upper, idx, n_samples, noise=0.0):
    """Largest ``t`` in [0, 1] with every ``G_j*(t corr_j / n)`` finite.

    Violations of ``corr`` below ``noise`` are rounding and are clipped away
    by the caller rather than scaled: an unpenalised feature whose column
    lies in the span of others has ``x_j' theta = 0`` only up to rounding,
    and with ``l1_j = 0`` that alone would give ``t = 0`` and a gap equal
    to the primal value. Callers pass ``1e-12 ||x_j|| ||theta_raw||``.
    """
    noise = noise / n_samples
    t = 1.0
    for k in range(idx.shape[0]):
        j = idx[k]
        if l2[j] > 0.0:
            continue
        u = corr[k] / n_samples
        if u > l1[j] + noise and np.isinf(upper[j]):
            t = min(t, l1[j] / u)
        elif u < -l1[j] - noise and np.isinf(lower[j]):
            t = min(t, -l1[j] / u)
    return t


@njit(cache=True)
def primal_value(r, w, l1, l2, idx, n_samples):
    """``P(w)`` summing the penalty over ``idx`` (w is 0 elsewhere)."""
    fit = 0.0
    for i in range(r.shape[0]):
        fit += r[i] * r[i]
    pen = 0.0
    for k in range(idx.shape[0]):
        j = idx[k]
        pen += l1[j] * abs(w[j]) + 0.5 * l2[j] * w[j] * w[j]
    return 0.5 * fit / n_samples + pen


@njit(cache=True)
def duality_gap(y, r, theta_raw, corr, w, l1, l2, lower, upper, idx, n_samples, noise=0.0):
    """Return ``(gap, primal, dual, t)``; ``corr[k] = x_{idx[k]}' theta_raw``.

    ``noise`` bounds the rounding error of ``corr`` (see ``dual_scale``).
    """
    primal = primal_value(r, w, l1, l2, idx, n_samples)
    t = dual_scale(corr, l1, l2, lower, upper, idx, n_samples, noise)
    scale = t / n_samples
    ty = 0.0
    tt = 0.0
    for i in range(y.shape[0]):
        th = scale * theta_raw[i]
        ty += th * y[i]
        tt += th * th
    conj = conjugate_sum(corr, scale, l1, l2, lower, upper, idx)
    dual = ty - 0.5 * n_samples * tt - conj
    return primal - dual, primal, dual, t


@njit(cache=True)
def conjugate_sum(corr, scale, l1, l2, lower, upper, idx):
    """``sum_k G_j*(scale * corr[k])`` over ``j = idx[k]``, any datafit's dual.

    ``scale`` comes from :func:`dual_scale`, which makes every term finite
    up to rounding; the rounding is clipped away here.
    """
    conj = 0.0
    for k in range(idx.shape[0]):
        j = idx[k]
        u = scale * corr[k]
        if l2[j] == 0.0:
            # t makes |u| <= l1 on unbounded sides up to rounding (see
            # dual_scale); clip it so the conjugate is not +inf by accident.
            if np.isinf(upper[j]):
                u = min(u, l1[j])
            if np.isinf(lower[j]):
                u = max(u, -l1[j])
        conj += penalty_conjugate(u, l1[j], l2[j], lower[j], upper[j])
    return conj
