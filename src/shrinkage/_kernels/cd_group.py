"""Block coordinate descent for the grouped multinomial penalty (raw X).

Minimises, with ``eta = X W + b`` (``W`` of shape ``(p, K)``)::

    sum_i omega_i (logsumexp(eta_i) - eta_{i, y_i})
        + sum_j l1_j ||W_j||_2 + l2_j / 2 ||W_j||^2

one feature's row ``W_j`` (a K-vector) at a time. The softmax Hessian of a
sample is ``diag(P_i) - P_i P_i' <= I / 2`` (Böhning's bound), so the loss
along row ``j`` is majorised by its linearisation plus
``c_j / 2 ||delta||^2`` with ``c_j = 1/2 sum_i omega_i x_ij^2``, whatever
``W``: the exact minimiser of the majoriser, the group prox of
``W_j - g_j / c_j``, never increases the objective and lowers it by at least
``c_j / 2 ||delta||^2`` (the majoriser is ``c_j``-strongly convex). The
unpenalised intercept is a block of its own with ``c = 1/2 sum omega``.

``eta`` (``(n, K)``) and the probabilities ``P`` are updated in place, only
on the rows a step touches (a column's nonzeros for CSC).
"""

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def group_prox(z, threshold, shrink, out):
    """``out = argmin_w 1/2 ||w - z||^2 + threshold ||w|| + (shrink - 1)/2 ||w||^2``.

    The block soft-threshold ``max(0, 1 - threshold / ||z||) z / shrink``:
    the minimiser lies along ``z`` (both penalties are radial), and its norm
    solves a 1-D problem. Returns the norm of the result.
    """
    norm = 0.0
    for k in range(z.shape[0]):
        norm += z[k] * z[k]
    norm = np.sqrt(norm)
    if norm <= threshold:
        for k in range(z.shape[0]):
            out[k] = 0.0
        return 0.0
    scale = (1.0 - threshold / norm) / shrink
    for k in range(z.shape[0]):
        out[k] = scale * z[k]
    return scale * norm


@njit(cache=True, nogil=True)
def _softmax_row(eta, P, i):
    K = eta.shape[1]
    top = eta[i, 0]
    for k in range(1, K):
        if eta[i, k] > top:
            top = eta[i, k]
    total = 0.0
    for k in range(K):
        e = np.exp(eta[i, k] - top)
        P[i, k] = e
        total += e
    for k in range(K):
        P[i, k] /= total


@njit(cache=True, nogil=True)
def softmax_rows(eta, P):
    """``P = softmax(eta)`` row by row (stable)."""
    for i in range(eta.shape[0]):
        _softmax_row(eta, P, i)


@njit(cache=True, nogil=True)
def _intercept_block(b, eta, P, omega, labels, omega_sum):
    """Böhning step on the intercept; returns ``c / 2 ||delta||^2``."""
    n, K = eta.shape
    c = 0.5 * omega_sum
    if c == 0.0:
        return 0.0
    g = np.zeros(K)
    for i in range(n):
        for k in range(K):
            g[k] += omega[i] * P[i, k]
        g[labels[i]] -= omega[i]
    change = 0.0
    for k in range(K):
        g[k] = -g[k] / c
        b[k] += g[k]
        change += g[k] * g[k]
    if change == 0.0:
        return 0.0
    for i in range(n):
        for k in range(K):
            eta[i, k] += g[k]
        _softmax_row(eta, P, i)
    return 0.5 * c * change


@njit(cache=True, nogil=True)
def group_epochs_dense(
    X, W, b, eta, P, omega, labels, curv, l1, l2, ws, n_epochs, fit_intercept, omega_sum
):
    """``n_epochs`` passes over the rows ``ws`` of ``W`` (then the intercept).

    ``X`` is Fortran-ordered, ``curv[j] = 1/2 sum_i omega_i X[i, j]^2``.
    Updates ``W``, ``b``, ``eta`` and ``P`` in place; returns the guaranteed
    decrease of the objective over the last epoch (``sum c/2 ||delta||^2``).
    """
    n, K = eta.shape
    g = np.empty(K)
    z = np.empty(K)
    new = np.empty(K)
    decrease = 0.0
    for _ in range(n_epochs):
        decrease = 0.0
        for t in range(ws.shape[0]):
            j = ws[t]
            c = curv[j]
            if c == 0.0:
                continue
            for k in range(K):
                g[k] = 0.0
            for i in range(n):
                x = X[i, j]
                if x != 0.0:
                    wx = omega[i] * x
                    for k in range(K):
                        g[k] += wx * P[i, k]
                    g[labels[i]] -= wx
            for k in range(K):
                z[k] = W[j, k] - g[k] / c
            group_prox(z, l1[j] / c, 1.0 + l2[j] / c, new)
            change = 0.0
            for k in range(K):
                z[k] = new[k] - W[j, k]  # z now holds delta
                change += z[k] * z[k]
            if change == 0.0:
                continue
            for k in range(K):
                W[j, k] = new[k]
            for i in range(n):
                x = X[i, j]
                if x != 0.0:
                    for k in range(K):
                        eta[i, k] += x * z[k]
                    _softmax_row(eta, P, i)
            decrease += 0.5 * c * change
        if fit_intercept:
            decrease += _intercept_block(b, eta, P, omega, labels, omega_sum)
    return decrease


@njit(cache=True, nogil=True)
def group_epochs_sparse(
    data, indices, indptr, W, b, eta, P, omega, labels, curv, l1, l2, ws, n_epochs,
    fit_intercept, omega_sum,
):
    """Sparse (CSC) twin of ``group_epochs_dense``."""
    K = eta.shape[1]
    g = np.empty(K)
    z = np.empty(K)
    new = np.empty(K)
    decrease = 0.0
    for _ in range(n_epochs):
        decrease = 0.0
        for t in range(ws.shape[0]):
            j = ws[t]
            c = curv[j]
            if c == 0.0:
                continue
            start, end = indptr[j], indptr[j + 1]
            for k in range(K):
                g[k] = 0.0
            for q in range(start, end):
                i = indices[q]
                wx = omega[i] * data[q]
                for k in range(K):
                    g[k] += wx * P[i, k]
                g[labels[i]] -= wx
            for k in range(K):
                z[k] = W[j, k] - g[k] / c
            group_prox(z, l1[j] / c, 1.0 + l2[j] / c, new)
            change = 0.0
            for k in range(K):
                z[k] = new[k] - W[j, k]
                change += z[k] * z[k]
            if change == 0.0:
                continue
            for k in range(K):
                W[j, k] = new[k]
            for q in range(start, end):
                i = indices[q]
                x = data[q]
                for k in range(K):
                    eta[i, k] += x * z[k]
                _softmax_row(eta, P, i)
            decrease += 0.5 * c * change
        if fit_intercept:
            decrease += _intercept_block(b, eta, P, omega, labels, omega_sum)
    return decrease
