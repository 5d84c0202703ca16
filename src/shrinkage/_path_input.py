"""Checks of what a regularization path is asked for: grids, names, data."""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from ._validation import check_sample_weight, check_X_y_clearly

Vector = NDArray[np.float64]
SPARSE_FORMATS = ["csc", "csr", "coo", "lil", "dok", "bsr", "dia"]

__all__ = [
    "check_alphas",
    "check_finite_after_reduction",
    "check_grid_size",
    "feature_names_of",
    "is_tall_array",
    "validate_regression_data",
]


def check_alphas(alphas: ArrayLike) -> Vector:
    """A user-given grid as a decreasing float array; each value must be > 0."""
    try:
        grid = np.asarray(alphas, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError("alphas must be a sequence of numbers, e.g. [1.0, 0.1, 0.01].") from None
    grid = np.atleast_1d(grid)
    if grid.ndim != 1 or grid.size == 0:
        raise ValueError(f"alphas must be a non-empty 1-D sequence, got shape {grid.shape}.")
    bad = ~(np.isfinite(grid) & (grid > 0))
    if bad.any():
        raise ValueError(
            "every alpha in the grid must be a finite number > 0; got "
            f"{', '.join(f'{v:g}' for v in grid[bad][:3])}. For no penalty use "
            "shrinkage.Ridge(alpha=0) or sklearn's LinearRegression."
        )
    return np.sort(grid)[::-1].copy()


def check_grid_size(n_alphas: Any, eps: Any) -> tuple[int, float]:
    """Validate ``n_alphas >= 1`` and ``0 < eps < 1``."""
    if isinstance(n_alphas, bool) or not isinstance(n_alphas, Integral) or int(n_alphas) < 1:
        raise ValueError(f"n_alphas must be an integer >= 1, got {n_alphas!r}.")
    if isinstance(eps, bool) or not isinstance(eps, Real) or not 0 < float(eps) < 1:
        raise ValueError(
            f"eps must lie strictly between 0 and 1 (the grid ends at eps * alpha_max), "
            f"got {eps!r}; the default is 1e-3."
        )
    return int(n_alphas), float(eps)


def feature_names_of(
    X: Any, names: ArrayLike | None, n_features: int
) -> NDArray[np.object_] | None:
    """Names given explicitly, else a DataFrame's string column names, else None."""
    if names is None:
        columns = getattr(X, "columns", None)
        if columns is None or not all(isinstance(c, str) for c in columns):
            return None
        names = list(columns)
    out: NDArray[np.object_] = np.empty(len(list(names)), dtype=object)  # type: ignore[arg-type]
    out[:] = list(names)  # type: ignore[arg-type]
    if out.shape != (n_features,):
        raise ValueError(f"feature_names must have {n_features} entries, got {out.shape[0]}.")
    return out


def validate_regression_data(X: Any, y: Any, sample_weight: Any, *, tall_unchecked: bool = False):
    """Checked ``X`` (float, CSC when sparse), 1-D float ``y`` and weights.

    With ``tall_unchecked``, a plain dense float array with more rows than
    columns is returned without the pass over it that proves every entry
    finite: the caller reduces it to its Gram matrix, whose diagonal is
    finite exactly when X is (or a square overflows), and must call
    :func:`check_finite_after_reduction` on the result. On tall data that
    pass cost a tenth of the whole path.
    """
    plain = _already_valid(X, y, check_finite=not (tall_unchecked and is_tall_array(X)))
    if plain is not None:
        X, y = plain
    else:
        X, y = check_X_y_clearly(
            X, y, accept_sparse=SPARSE_FORMATS, dtype=[np.float64, np.float32],
            y_numeric=True, multi_output=True,
        )
    if y.ndim == 2:
        if y.shape[1] != 1:
            raise ValueError(
                f"y has {y.shape[1]} targets; a path fits one target at a time: "
                "loop over the columns of y."
            )
        y = y[:, 0]
    if sp.issparse(X):
        X = sp.csc_matrix(X)
    return X, np.asarray(y, dtype=np.float64), check_sample_weight(sample_weight, X.shape[0])


def is_tall_array(X: Any) -> bool:
    """Whether X is a 2-D ndarray with more rows than columns (reduced by a path)."""
    return type(X) is np.ndarray and X.ndim == 2 and X.shape[0] > X.shape[1]


def check_finite_after_reduction(X: Any, y: Any, reduced: NDArray[np.floating]) -> None:
    """The deferred check of ``validate_regression_data(tall_unchecked=True)``.

    ``reduced`` is what the path computed from X (its triangular factor): if
    it is finite, so was X. Otherwise X gets scikit-learn's full check, whose
    message names the NaN or inf; a finite X whose squares overflowed passes.
    """
    if np.isfinite(reduced).all():
        return
    check_X_y_clearly(X, y, dtype=[np.float64, np.float32], y_numeric=True, multi_output=True)


def _already_valid(
    X: Any, y: Any, check_finite: bool = True
) -> tuple[NDArray[np.floating], NDArray[np.floating]] | None:
    """``(X, y)`` when they are already what ``check_X_y`` would return.

    On small data ``check_X_y`` costs more than the whole compiled path (it
    asks every DataFrame library whether X is theirs): plain finite float
    arrays of matching lengths skip it. Anything else returns None and gets
    scikit-learn's checks and messages. ``check_finite=False`` leaves the
    finiteness of X to the caller (see :func:`validate_regression_data`).
    """
    if not plain_float_matrix(X, (np.float64, np.float32), check_finite=check_finite):
        return None
    if type(y) is not np.ndarray:
        return None
    if y.ndim != 1 or y.dtype.kind not in "fiu" or y.shape[0] != X.shape[0]:
        return None
    if not np.isfinite(y.sum()):
        return None
    return X, y


def plain_float_matrix(X: Any, dtypes: tuple[type, ...], *, check_finite: bool = True) -> bool:
    """Whether ``X`` is a finite, non-empty 2-D ndarray of one of ``dtypes``.

    Such an X passes scikit-learn's ``check_array`` unchanged, so callers
    may skip it (see :func:`_already_valid`). ``check_finite=False`` skips
    the one test that reads all of X.
    """
    if type(X) is not np.ndarray or X.ndim != 2 or X.dtype not in dtypes:
        return False
    if min(X.shape) < 1:
        return False
    # The sum of finite values is finite unless it overflows; then (and for
    # NaN or inf) scikit-learn's check finds and names the culprit.
    return not check_finite or bool(np.isfinite(X.sum()))
