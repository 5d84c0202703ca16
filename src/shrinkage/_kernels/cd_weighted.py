"""Coordinate descent on weighted least squares with a free intercept (raw X).

The inner problem of every proximal-Newton (IRLS) step of the logistic
losses::

    min_{w, b}  1/2 sum_i h_i (r_i)^2 + sum_j l1_j |w_j| + l2_j / 2 w_j^2,
    r = z - X w - b,   lower <= w <= upper

``h`` are the Newton weights (the loss's diagonal Hessian), ``z`` the
working response. X is used as stored (not centred: the weights change at
every Newton step, so centring would copy X each time); the intercept is a
coordinate of its own, updated after every pass over the features. Each
call returns the decrease of the objective the epochs achieved, which the
solver compares with the duality gap to stop the inner loop.
"""

from numba import njit

from .prox import coordinate_update

# Reassociation only (see cd_dense): vectorised reductions, inf bounds intact.
_REASSOC = {"reassoc", "contract"}


@njit(cache=True, nogil=True, fastmath=_REASSOC)
def weighted_sq_norms_dense(X, h, idx, out):
    """``out[k] = sum_i h_i X[i, idx[k]]^2``."""
    n = X.shape[0]
    for k in range(idx.shape[0]):
        j = idx[k]
        acc = 0.0
        for i in range(n):
            acc += h[i] * X[i, j] * X[i, j]
        out[k] = acc


@njit(cache=True, nogil=True, fastmath=_REASSOC)
def weighted_sq_norms_sparse(data, indices, indptr, h, idx, out):
    """Sparse twin of ``weighted_sq_norms_dense`` (CSC)."""
    for k in range(idx.shape[0]):
        j = idx[k]
        acc = 0.0
        for p in range(indptr[j], indptr[j + 1]):
            acc += h[indices[p]] * data[p] * data[p]
        out[k] = acc


@njit(cache=True, nogil=True)
def _intercept_step(h, r, h_sum):
    """Exact update of the intercept: the weighted mean of the residual."""
    acc = 0.0
    for i in range(r.shape[0]):
        acc += h[i] * r[i]
    step = acc / h_sum
    if step != 0.0:
        for i in range(r.shape[0]):
            r[i] -= step
    return step


@njit(cache=True, nogil=True, fastmath=_REASSOC)
def wls_epochs_dense(
    X, w, r, h, hdiag, l1, l2, lower, upper, ws, n_epochs, fit_intercept, h_sum
):
    """``n_epochs`` passes over ``ws`` (and the intercept); ``hdiag[k]`` is
    ``sum_i h_i X[i, ws[k]]^2``. Updates ``w`` and ``r`` in place.

    Returns ``(decrease, intercept_change)``: the objective decrease of the
    last epoch (each coordinate step lowers it by ``H_jj delta^2 / 2`` plus
    the penalty's share, which ``H_jj delta^2 / 2`` bounds from below) and
    the total change of the intercept.
    """
    n = X.shape[0]
    decrease = 0.0
    db_total = 0.0
    for _ in range(n_epochs):
        decrease = 0.0
        for k in range(ws.shape[0]):
            hj = hdiag[k]
            if hj == 0.0:
                continue
            j = ws[k]
            g = 0.0
            for i in range(n):
                g += h[i] * X[i, j] * r[i]
            old = w[j]
            new = coordinate_update(old + g / hj, 1.0 / hj, l1[j], l2[j], lower[j], upper[j])
            if new != old:
                delta = new - old
                for i in range(n):
                    r[i] -= delta * X[i, j]
                w[j] = new
                decrease += 0.5 * hj * delta * delta
        if fit_intercept and h_sum > 0.0:
            db = _intercept_step(h, r, h_sum)
            db_total += db
            decrease += 0.5 * h_sum * db * db
    return decrease, db_total


@njit(cache=True, nogil=True, fastmath=_REASSOC)
def wls_epochs_sparse(
    data, indices, indptr, w, r, h, hdiag, l1, l2, lower, upper, ws, n_epochs,
    fit_intercept, h_sum,
):
    """Sparse (CSC) twin of ``wls_epochs_dense``."""
    decrease = 0.0
    db_total = 0.0
    for _ in range(n_epochs):
        decrease = 0.0
        for k in range(ws.shape[0]):
            hj = hdiag[k]
            if hj == 0.0:
                continue
            j = ws[k]
            start, end = indptr[j], indptr[j + 1]
            g = 0.0
            for p in range(start, end):
                i = indices[p]
                g += h[i] * data[p] * r[i]
            old = w[j]
            new = coordinate_update(old + g / hj, 1.0 / hj, l1[j], l2[j], lower[j], upper[j])
            if new != old:
                delta = new - old
                for p in range(start, end):
                    r[indices[p]] -= delta * data[p]
                w[j] = new
                decrease += 0.5 * hj * delta * delta
        if fit_intercept and h_sum > 0.0:
            db = _intercept_step(h, r, h_sum)
            db_total += db
            decrease += 0.5 * h_sum * db * db
    return decrease, db_total
