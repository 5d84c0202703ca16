"""Column operations of X, dispatched at compile time on how X is stored.

The compiled path (``path_cd.py``) is written once against three operations
and numba picks the dense or the CSC kernel from the type of the tuple that
describes X, so the path logic has no sparse twin and no runtime switch:

- dense: ``(X, col_end)``, X column-major, column ``j`` read in rows
  ``0 .. col_end[j] - 1`` (all rows, or the triangle of a reduced tall problem);
- CSC: ``(data, indices, indptr, means, v, av)``, the implicitly centred
  columns ``a_j - means[j] v`` of ``cd_sparse.py``.

The logistic path (``path_logistic.py``) adds the weighted operations of
``cd_weighted.py``; it stores X as it is (``col_end`` empty, ``means`` 0).
"""

from numba import types
from numba.extending import overload

from .cd_dense import (
    cd_epochs_dense,
    column_gram_rows,
    correlations_rows,
    subtract_columns_rows,
)
from .cd_sparse import (
    cd_epochs_sparse,
    column_gram_sparse,
    correlations_sparse,
    subtract_columns_sparse,
)
from .cd_weighted import (
    weighted_sq_norms_dense,
    weighted_sq_norms_sparse,
    wls_epochs_dense,
    wls_epochs_sparse,
)

_DENSE, _SPARSE = 2, 6  # lengths of the two descriptions


def epochs(Xs, w, r, l1, l2, lower, upper, norms2, n_samples, ws, n_epochs):
    """``n_epochs`` passes of coordinate descent over ``ws`` (compiled only)."""
    raise NotImplementedError("only callable from compiled code")


def correlations(Xs, v, idx, out):
    """``out[k] = x_{idx[k]}' v`` (compiled only)."""
    raise NotImplementedError("only callable from compiled code")


def subtract_columns(Xs, idx, delta, r):
    """``r -= X[:, idx] @ delta`` (compiled only)."""
    raise NotImplementedError("only callable from compiled code")


def column_gram(Xs, idx, out, scratch):
    """``out[a, b] = x_{idx[a]}' x_{idx[b]}``; ``scratch`` is n zeros (compiled only)."""
    raise NotImplementedError("only callable from compiled code")


def mean_column_length(Xs):
    """Entries an epoch reads per column on average (compiled only)."""
    raise NotImplementedError("only callable from compiled code")


def weighted_epochs(Xs, w, r, h, hdiag, l1, l2, lower, upper, ws, n_epochs, fit_intercept,
                    h_sum):
    """Coordinate descent on weighted least squares with an intercept (compiled only)."""
    raise NotImplementedError("only callable from compiled code")


def weighted_sq_norms(Xs, h, idx, out):
    """``out[k] = sum_i h_i X[i, idx[k]]^2`` (compiled only)."""
    raise NotImplementedError("only callable from compiled code")


def _kind(Xs):
    if isinstance(Xs, types.BaseTuple) and len(Xs) in (_DENSE, _SPARSE):
        return len(Xs)
    return None


@overload(epochs)
def _epochs(Xs, w, r, l1, l2, lower, upper, norms2, n_samples, ws, n_epochs):
    if _kind(Xs) == _DENSE:
        def dense(Xs, w, r, l1, l2, lower, upper, norms2, n_samples, ws, n_epochs):
            return cd_epochs_dense(
                Xs[0], w, r, l1, l2, lower, upper, norms2, n_samples, ws, n_epochs, Xs[1]
            )
        return dense
    if _kind(Xs) == _SPARSE:
        def sparse(Xs, w, r, l1, l2, lower, upper, norms2, n_samples, ws, n_epochs):
            return cd_epochs_sparse(
                Xs[0], Xs[1], Xs[2], Xs[3], Xs[4], Xs[5], w, r, l1, l2, lower, upper,
                norms2, n_samples, ws, n_epochs,
            )
        return sparse
    return None


@overload(correlations)
def _correlations(Xs, v, idx, out):
    if _kind(Xs) == _DENSE:
        def dense(Xs, v, idx, out):
            correlations_rows(Xs[0], v, idx, out, Xs[1])
        return dense
    if _kind(Xs) == _SPARSE:
        def sparse(Xs, v, idx, out):
            correlations_sparse(Xs[0], Xs[1], Xs[2], Xs[3], Xs[4], v, idx, out)
        return sparse
    return None


@overload(subtract_columns)
def _subtract_columns(Xs, idx, delta, r):
    if _kind(Xs) == _DENSE:
        def dense(Xs, idx, delta, r):
            subtract_columns_rows(Xs[0], idx, delta, r, Xs[1])
        return dense
    if _kind(Xs) == _SPARSE:
        def sparse(Xs, idx, delta, r):
            subtract_columns_sparse(Xs[0], Xs[1], Xs[2], Xs[3], Xs[4], idx, delta, r)
        return sparse
    return None


@overload(weighted_epochs)
def _weighted_epochs(Xs, w, r, h, hdiag, l1, l2, lower, upper, ws, n_epochs, fit_intercept,
                     h_sum):
    if _kind(Xs) == _DENSE:
        def dense(Xs, w, r, h, hdiag, l1, l2, lower, upper, ws, n_epochs, fit_intercept,
                  h_sum):
            return wls_epochs_dense(
                Xs[0], w, r, h, hdiag, l1, l2, lower, upper, ws, n_epochs, fit_intercept,
                h_sum,
            )
        return dense
    if _kind(Xs) == _SPARSE:
        def sparse(Xs, w, r, h, hdiag, l1, l2, lower, upper, ws, n_epochs, fit_intercept,
                   h_sum):
            return wls_epochs_sparse(
                Xs[0], Xs[1], Xs[2], w, r, h, hdiag, l1, l2, lower, upper, ws, n_epochs,
                fit_intercept, h_sum,
            )
        return sparse
    return None


@overload(weighted_sq_norms)
def _weighted_sq_norms(Xs, h, idx, out):
    if _kind(Xs) == _DENSE:
        def dense(Xs, h, idx, out):
            weighted_sq_norms_dense(Xs[0], h, idx, out)
        return dense
    if _kind(Xs) == _SPARSE:
        def sparse(Xs, h, idx, out):
            weighted_sq_norms_sparse(Xs[0], Xs[1], Xs[2], h, idx, out)
        return sparse
    return None


@overload(column_gram)
def _column_gram(Xs, idx, out, scratch):
    if _kind(Xs) == _DENSE:
        def dense(Xs, idx, out, scratch):
            column_gram_rows(Xs[0], idx, out, Xs[1])
        return dense
    if _kind(Xs) == _SPARSE:
        def sparse(Xs, idx, out, scratch):
            column_gram_sparse(Xs[0], Xs[1], Xs[2], Xs[3], Xs[4], Xs[5], idx, out, scratch)
        return sparse
    return None


@overload(mean_column_length)
def _mean_column_length(Xs):
    if _kind(Xs) == _DENSE:
        def dense(Xs):
            ends = Xs[1]
            if ends.shape[0] == 0:
                return float(Xs[0].shape[0])
            return float(ends.sum()) / max(ends.shape[0], 1)
        return dense
    if _kind(Xs) == _SPARSE:
        def sparse(Xs):
            indptr = Xs[2]
            return float(indptr[-1]) / max(indptr.shape[0] - 1, 1) + 1.0
        return sparse
    return None
