"""Input checks shared by penalties, solvers and estimators.

Every check raises a ``ValueError`` or ``TypeError`` whose message names the
problem *and* the fix, so that a user never meets a numba traceback or silent
NaN coefficients.
"""

from __future__ import annotations

from numbers import Real

import numpy as np
from numpy.typing import ArrayLike, NDArray


def check_alpha(alpha: object, name: str = "alpha") -> float:
    """Return ``alpha`` as a float after checking it is finite and >= 0."""
    if isinstance(alpha, bool) or not isinstance(alpha, Real):
        raise TypeError(
            f"{name} must be a real number, got {type(alpha).__name__}; "
            f"pass a float such as {name}=0.1."
        )
    value = float(alpha)
    if not np.isfinite(value) or value < 0:
        raise ValueError(
            f"{name} must be a finite number >= 0, got {alpha!r}; "
            f"use {name}=0 for no penalty or a positive value for more shrinkage."
        )
    return value


def check_l1_ratio(l1_ratio: object) -> float:
    """Return ``l1_ratio`` as a float after checking it lies in [0, 1]."""
    if isinstance(l1_ratio, bool) or not isinstance(l1_ratio, Real):
        raise TypeError(
            f"l1_ratio must be a real number in [0, 1], got "
            f"{type(l1_ratio).__name__}."
        )
    value = float(l1_ratio)
    if not 0.0 <= value <= 1.0:
        raise ValueError(
            f"l1_ratio must lie in [0, 1] (1 is the Lasso, 0 is ridge), got "
            f"{l1_ratio!r}."
        )
    return value


def per_feature_array(
    values: ArrayLike | None,
    n_features: int,
    name: str,
    default: float,
) -> NDArray[np.float64]:
    """Broadcast a scalar or a length-``n_features`` array to float64.

    ``None`` gives ``default`` everywhere. NaN is rejected; infinities are
    left to the caller, which knows whether they are meaningful (bounds).
    """
    if values is None:
        return np.full(n_features, default, dtype=np.float64)
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must be a number or an array of {n_features} numbers; "
            f"could not convert it: {exc}"
        ) from None
    if arr.ndim == 0:
        arr = np.full(n_features, float(arr), dtype=np.float64)
    if arr.ndim != 1 or arr.shape[0] != n_features:
        raise ValueError(
            f"{name} must be a scalar or have one entry per feature "
            f"({n_features}), got shape {np.shape(values)}."
        )
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN; give a number for every feature.")
    return arr
