"""Coordinate descent on a CSC X with implicit centring.

The centred column is ``c_j = a_j - m_j v``: ``a_j`` the stored sparse
column (rows scaled by the square-root sample weights, column by its
standardisation scale), ``m_j`` its mean and ``v`` the square-root weights.
Centring explicitly would make X dense; instead the residual is stored as
``r_true = r + c v`` with one scalar ``c``, so an update costs O(nnz_j) and
not O(n). Because ``v' r_true = 0`` whenever y and the columns are centred,
``c_j' r_true = a_j' r + c (a_j' v)``.
"""

from numba import njit

from .prox import coordinate_update

# Reassociation only (see cd_dense): vectorised reductions, inf bounds intact.
_REASSOC = {"reassoc", "contract"}


@njit(cache=True, nogil=True, fastmath=_REASSOC)
def cd_epochs_sparse(
    data, indices, indptr, means, v, av, w, r, l1, l2, lower, upper, norms2,
    n_samples, ws, n_epochs,
):
    """Sparse twin of ``cd_epochs_dense``; ``av[j] = a_j' v``.

    On return ``r`` holds the true residual (the scalar offset is folded in).
    """
    shift = 0.0
    max_change = 0.0
    for _ in range(n_epochs):
        max_change = 0.0
        for k in range(ws.shape[0]):
            j = ws[k]
            nrm = norms2[j]
            if nrm == 0.0:
                continue
            start, end = indptr[j], indptr[j + 1]
            xr = shift * av[j]
            for p in range(start, end):
                xr += data[p] * r[indices[p]]
            old = w[j]
            new = coordinate_update(
                old + xr / nrm, n_samples / nrm, l1[j], l2[j], lower[j], upper[j]
            )
            if new != old:
                delta = new - old
                for p in range(start, end):
                    r[indices[p]] -= delta * data[p]
                shift += delta * means[j]
                w[j] = new
                max_change = max(max_change, abs(delta))
    if shift != 0.0:
        for i in range(r.shape[0]):
            r[i] += shift * v[i]
    return max_change


@njit(cache=True, nogil=True, fastmath=_REASSOC)
def correlations_sparse(data, indices, indptr, means, v, theta, idx, out):
    """``out[k] = c_j' theta`` for ``j = idx[k]`` (centred columns)."""
    vt = 0.0
    for i in range(theta.shape[0]):
        vt += v[i] * theta[i]
    for k in range(idx.shape[0]):
        j = idx[k]
        acc = -means[j] * vt
        for p in range(indptr[j], indptr[j + 1]):
            acc += data[p] * theta[indices[p]]
        out[k] = acc


@njit(cache=True, nogil=True, fastmath=_REASSOC)
def subtract_columns_sparse(data, indices, indptr, means, v, idx, delta, r):
    """``r -= C[:, idx] @ delta`` with ``C`` the implicitly centred matrix."""
    shift = 0.0
    for k in range(idx.shape[0]):
        d = delta[k]
        if d != 0.0:
            j = idx[k]
            for p in range(indptr[j], indptr[j + 1]):
                r[indices[p]] -= d * data[p]
            shift += d * means[j]
    if shift != 0.0:
        for i in range(r.shape[0]):
            r[i] += shift * v[i]


@njit(cache=True)
def centred_sq_sums_sparse(data, indices, indptr, means, v, out):
    """``out[j] = ||a_j - means[j] v||^2`` for a canonical CSC matrix.

    Stored entries contribute ``(a_ij - m_j v_i)^2``; rows without one
    contribute ``m_j^2 v_i^2``. Their sum over the missing rows is taken as
    ``v'v`` minus the stored rows only for sparse columns: for a mostly
    stored column that difference cancels (a fully stored constant column
    with mean 1e3 would get a variance of 1e-8 instead of 0), so those rows
    are summed directly.
    """
    n = v.shape[0]
    vv = 0.0
    for i in range(n):
        vv += v[i] * v[i]
    for j in range(out.shape[0]):
        start, end = indptr[j], indptr[j + 1]
        m = means[j]
        stored = 0.0
        stored_v2 = 0.0
        for p in range(start, end):
            vi = v[indices[p]]
            dev = data[p] - m * vi
            stored += dev * dev
            stored_v2 += vi * vi
        if m == 0.0:
            out[j] = stored
            continue
        if 2 * (end - start) > n:
            missing = 0.0
            p = start
            for i in range(n):
                if p < end and indices[p] == i:
                    p += 1
                else:
                    missing += v[i] * v[i]
        else:
            missing = max(vv - stored_v2, 0.0)
        out[j] = stored + m * m * missing


@njit(cache=True, nogil=True, fastmath=_REASSOC)
def column_gram_sparse(data, indices, indptr, means, v, av, idx, out, scratch):
    """``out[a, b] = c_ja' c_jb`` for the centred columns ``c_j = a_j - m_j v``.

    ``a_j' a_k`` by scattering column ``a`` into ``scratch`` (length n, left
    zeroed), then ``c_j' c_k = a_j' a_k - m_k a_j'v - m_j a_k'v + m_j m_k v'v``.
    For a Newton candidate that is checked on the objective before it is
    kept, so the cancellation of large means costs at most a rejected step.
    """
    vv = 0.0
    for i in range(v.shape[0]):
        vv += v[i] * v[i]
    m = idx.shape[0]
    for a in range(m):
        ja = idx[a]
        for p in range(indptr[ja], indptr[ja + 1]):
            scratch[indices[p]] = data[p]
        for b in range(a, m):
            jb = idx[b]
            acc = 0.0
            for p in range(indptr[jb], indptr[jb + 1]):
                acc += data[p] * scratch[indices[p]]
            acc += -means[jb] * av[ja] - means[ja] * av[jb] + means[ja] * means[jb] * vv
            out[a, b] = acc
            out[b, a] = acc
        for p in range(indptr[ja], indptr[ja + 1]):
            scratch[indices[p]] = 0.0
