"""Coordinate descent on the quadratic model of the softmax loss (raw X).

The model of ``W -> loss(X W + b)`` around the current ``eta`` in the
displacement ``D = X dW + db`` (``(n, K)``)::

    sum_i g_i' D_i + 1/2 D_i' H_i D_i,   H_i = omega_i (diag(P_i) - P_i P_i')

with the full K x K Hessian of every sample, so that the classes are
coupled as in Newton's method (solving it class by class converges only
linearly). The kernels keep ``U = g + H D``, the model's gradient in
``eta``: a step ``delta`` on coefficient ``(j, k)`` moves ``D[:, k]`` by
``delta x_j`` and ``U_il`` by ``delta x_ij omega_i P_ik (1[l = k] - P_il)``.
Each coordinate is minimised exactly (its curvature is
``sum_i omega_i P_ik (1 - P_ik) x_ij^2``) with the penalty's prox.
"""

from numba import njit

from .prox import coordinate_update

_REASSOC = {"reassoc", "contract"}


@njit(cache=True, nogil=True)
def _move_row(U, P, omega, i, k, step):
    """``U_i += step omega_i P_ik (e_k - P_i)``: the model gradient after D_ik += step."""
    scale = step * omega[i] * P[i, k]
    for m in range(U.shape[1]):
        U[i, m] -= scale * P[i, m]
    U[i, k] += scale


@njit(cache=True, nogil=True)
def _intercepts(U, D, P, omega, b_delta):
    """Exact Newton coordinate steps on every intercept; returns the model decrease."""
    n, K = U.shape
    decrease = 0.0
    for k in range(K):
        grad = 0.0
        curv = 0.0
        for i in range(n):
            grad += U[i, k]
            curv += omega[i] * P[i, k] * (1.0 - P[i, k])
        if curv <= 0.0:
            continue
        step = -grad / curv
        if step == 0.0:
            continue
        for i in range(n):
            D[i, k] += step
            _move_row(U, P, omega, i, k, step)
        b_delta[k] += step
        decrease += 0.5 * curv * step * step
    return decrease


@njit(cache=True, nogil=True, fastmath=_REASSOC)
def multinomial_epochs_dense(
    X, W, U, D, P, omega, curv, l1, l2, lower, upper, ws, n_epochs, fit_intercept, b_delta
):
    """``n_epochs`` passes over ``ws`` x classes (and the intercepts).

    ``W`` holds the model's coefficients (the current point plus the
    displacement so far) and is updated in place, as are ``U``, ``D`` and
    ``b_delta``. ``curv[q, k]`` is the curvature of ``(ws[q], k)``.
    Returns the model decrease of the last epoch.
    """
    n, K = U.shape
    decrease = 0.0
    for _ in range(n_epochs):
        decrease = 0.0
        for q in range(ws.shape[0]):
            j = ws[q]
            for k in range(K):
                c = curv[q, k]
                if c <= 0.0:
                    continue
                grad = 0.0
                for i in range(n):
                    grad += X[i, j] * U[i, k]
                old = W[j, k]
                new = coordinate_update(old - grad / c, 1.0 / c, l1[j], l2[j], lower[j], upper[j])
                if new != old:
                    delta = new - old
                    for i in range(n):
                        x = X[i, j]
                        if x != 0.0:
                            D[i, k] += delta * x
                            _move_row(U, P, omega, i, k, delta * x)
                    W[j, k] = new
                    decrease += 0.5 * c * delta * delta
        if fit_intercept:
            decrease += _intercepts(U, D, P, omega, b_delta)
    return decrease


@njit(cache=True, nogil=True)
def multinomial_epochs_sparse(
    data, indices, indptr, W, U, D, P, omega, curv, l1, l2, lower, upper, ws, n_epochs,
    fit_intercept, b_delta,
):
    """CSC twin of ``multinomial_epochs_dense``."""
    K = U.shape[1]
    decrease = 0.0
    for _ in range(n_epochs):
        decrease = 0.0
        for q in range(ws.shape[0]):
            j = ws[q]
            start, end = indptr[j], indptr[j + 1]
            for k in range(K):
                c = curv[q, k]
                if c <= 0.0:
                    continue
                grad = 0.0
                for p in range(start, end):
                    grad += data[p] * U[indices[p], k]
                old = W[j, k]
                new = coordinate_update(old - grad / c, 1.0 / c, l1[j], l2[j], lower[j], upper[j])
                if new != old:
                    delta = new - old
                    for p in range(start, end):
                        i = indices[p]
                        D[i, k] += delta * data[p]
                        _move_row(U, P, omega, i, k, delta * data[p])
                    W[j, k] = new
                    decrease += 0.5 * c * delta * delta
        if fit_intercept:
            decrease += _intercepts(U, D, P, omega, b_delta)
    return decrease


@njit(cache=True, nogil=True, fastmath=_REASSOC)
def class_curvatures_dense(X, P, omega, ws, out):
    """``out[q, k] = sum_i omega_i P_ik (1 - P_ik) X[i, ws[q]]^2``."""
    n, K = P.shape
    for q in range(ws.shape[0]):
        j = ws[q]
        for k in range(K):
            acc = 0.0
            for i in range(n):
                acc += omega[i] * P[i, k] * (1.0 - P[i, k]) * X[i, j] * X[i, j]
            out[q, k] = acc


@njit(cache=True, nogil=True)
def class_curvatures_sparse(data, indices, indptr, P, omega, ws, out):
    """CSC twin of ``class_curvatures_dense``."""
    K = P.shape[1]
    for q in range(ws.shape[0]):
        j = ws[q]
        for k in range(K):
            acc = 0.0
            for p in range(indptr[j], indptr[j + 1]):
                i = indices[p]
                acc += omega[i] * P[i, k] * (1.0 - P[i, k]) * data[p] * data[p]
            out[q, k] = acc
