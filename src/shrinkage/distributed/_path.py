"""``regularization_path`` on Dask data: one pass, then the in-memory path."""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any

from numpy.typing import ArrayLike

from .._path_input import check_alphas, check_grid_size, feature_names_of
from .._validation import check_l1_ratio
from ..linear_model._base import _check_bool, _check_positive_int, _check_tol
from ..path import Path, path_from_problem
from ..path import regularization_path as in_memory_path
from . import _data
from ._data import row_data
from ._passes import stats_pass
from ._problem import regression_problem
from ._qr import QRFallback


def regularization_path(X: Any, y: Any, **options: Any) -> Path:
    """:func:`shrinkage.regularization_path` on Dask arrays and DataFrames.

    One pass over the data computes the centred statistics of ``[X, y]``;
    the whole path (standardisation, intercept, every alpha's duality gap)
    is then solved locally on them, and the result is the same
    :class:`shrinkage.path.Path` the in-memory function returns, up to
    rounding.

    Parameters
    ----------
    X : dask array or dask DataFrame of shape (n_samples, n_features)
    y : dask array or Series of shape (n_samples,)
    **options
        The keyword arguments of :func:`shrinkage.regularization_path`
        (``l1_ratio``, ``alphas``, ``n_alphas``, ``eps``, ``fit_intercept``,
        ``sample_weight`` (a Dask array or Series), ``penalty_factor``,
        ``lower_bounds``, ``upper_bounds``, ``positive``, ``standardize``,
        ``tol``, ``max_iter``, ``relax``, ``feature_names``, ``loss``), with
        the same defaults. ``loss="logistic"`` fits two classes, one
        weighted-Gram pass per proximal Newton step; the multinomial loss is
        not available on Dask data.

    Returns
    -------
    Path
    """
    try:
        bound = _IN_MEMORY.bind(X, y, **options)
    except TypeError as exc:
        raise TypeError(f"regularization_path: {exc}") from None
    bound.apply_defaults()
    args = dict(bound.arguments)
    if args.pop("multinomial_penalty") != "ungrouped":
        raise ValueError("multinomial_penalty='grouped' is not available on Dask data.")
    return _path(**args)


# The in-memory signature is the one list of parameters and defaults.
_IN_MEMORY = inspect.signature(in_memory_path)
regularization_path.__signature__ = _IN_MEMORY  # type: ignore[attr-defined]


def _path(
    X: Any, y: Any, *, l1_ratio: float, alphas: ArrayLike | None, n_alphas: int,
    eps: float | None, fit_intercept: bool, sample_weight: Any,
    penalty_factor: ArrayLike | None, lower_bounds: ArrayLike | None,
    upper_bounds: ArrayLike | None, positive: bool, standardize: bool, tol: float,
    max_iter: int, relax: bool, feature_names: ArrayLike | None, loss: str,
) -> Path:
    if loss not in ("squared", "logistic"):
        raise ValueError(f"loss must be 'squared' or 'logistic', got {loss!r}.")
    l1_ratio = check_l1_ratio(l1_ratio)
    n_alphas, _ = check_grid_size(n_alphas, 1e-3 if eps is None else eps)
    grid = None if alphas is None else check_alphas(alphas)
    for name, value in (("fit_intercept", fit_intercept), ("positive", positive),
                        ("standardize", standardize), ("relax", relax)):
        _check_bool(name)(value)
    _check_tol(tol)
    _check_positive_int("max_iter")(max_iter)
    options = {
        "penalty_factor": penalty_factor, "lower_bounds": lower_bounds,
        "upper_bounds": upper_bounds, "positive": positive, "standardize": standardize,
        "tol": float(tol), "max_iter": int(max_iter), "relax": relax,
    }
    if loss == "logistic":
        if relax:
            raise ValueError("relax=True is for loss='squared' paths only; drop relax.")
        from ._logistic_path import logistic_path

        return logistic_path(
            X, y, l1_ratio=l1_ratio, alphas=grid, n_alphas=n_alphas, eps=eps,
            fit_intercept=fit_intercept, sample_weight=sample_weight,
            feature_names=feature_names, options=options,
        )
    data = row_data(X, y, sample_weight, wide=True)
    names = (
        data.feature_names if feature_names is None
        else feature_names_of(None, feature_names, data.n_features)
    )
    if data.n_features > _data.MAX_GRAM_FEATURES:
        from ._wide_path import wide_path

        return wide_path(
            data, l1_ratio=l1_ratio, alphas=grid, n_alphas=n_alphas,
            eps=1e-3 if eps is None else float(eps), fit_intercept=fit_intercept,
            options=options, feature_names=names,
        )
    [total] = stats_pass(data, centre=fit_intercept)
    problem = regression_problem(
        total, fit_intercept=fit_intercept, standardize=standardize,
        weighted=data.weights is not None, dtype=data.dtype,
        qr=QRFallback(data, centre=fit_intercept),
    )
    path = path_from_problem(
        problem, l1_ratio=l1_ratio, alphas=grid, n_alphas=n_alphas,
        eps=1e-3 if eps is None else float(eps), fit_intercept=fit_intercept,
        options=options, feature_names=names,
    )
    return full_size(path, data.n_rows)


def full_size(path: Path, n_rows: int) -> Path:
    """The path with the data's row count (the reduced problem has only p + 1 rows)."""
    return dataclasses.replace(path, n_samples=int(n_rows))
