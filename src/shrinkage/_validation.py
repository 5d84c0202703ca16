"""Input checks shared by penalties, solvers and estimators.

Every check raises a ``ValueError`` or ``TypeError`` whose message names the
problem *and* the fix, so that a user never meets a numba traceback or silent
NaN coefficients.
"""

from __future__ import annotations

import warnings
from numbers import Real
from typing import Any

import numpy as np
import scipy.sparse as sp
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


# Integers up to 2**53 are exact in float64; beyond, neighbouring values merge.
_EXACT_INTEGER_LIMIT = 2**53
_INF_HINT = (
    " Replace or drop the infinite values (np.isfinite finds them); if they come from "
    "an overflow, rescale that column first."
)
_STRING_HINT = (
    " Every entry must be a number: encode text or categorical columns as numbers "
    "(e.g. sklearn.preprocessing.OneHotEncoder) or drop them."
)


def _stored_values(values: Any) -> Any:
    """The array holding the values of ``values``: a sparse matrix's nonzeros, else itself."""
    if sp.issparse(values):
        return values.tocoo().data  # LIL and DOK keep no flat data array
    return values


def check_real_values(values: Any, name: str = "X") -> None:
    """Refuse complex numbers, and integers that float64 cannot hold exactly.

    Only inputs that already are arrays (NumPy, sparse, pandas) are
    inspected, by dtype first: a float array costs nothing here. Lists go
    to scikit-learn's conversion, whose errors :func:`validate_estimator_data`
    completes with a fix.

    Raises
    ------
    ValueError
        Complex values (scikit-learn's own message prints the whole array),
        or integers beyond ``2**53`` that do not survive the conversion to
        float64 (``2**62 + 1`` would silently become ``2**62``, and a column
        of such values would look constant).
    """
    dtypes = getattr(values, "dtypes", None)  # a DataFrame: one dtype per column
    if dtypes is not None and not isinstance(dtypes, np.dtype):
        kinds = {np.dtype(d).kind for d in dtypes if isinstance(d, np.dtype)}
    else:
        dtype = getattr(values, "dtype", None)
        kinds = {dtype.kind} if isinstance(dtype, np.dtype) else set()
    if "c" in kinds:
        raise ValueError(
            f"Complex data not supported: {name} has complex values; shrinkage fits "
            f"real-valued data. Pass {name}.real "
            "if the imaginary parts are zero, or put the real and imaginary parts in "
            "separate columns."
        )
    if kinds & {"i", "u"}:
        _check_exact_integers(_stored_values(values), name)


def _check_exact_integers(stored: Any, name: str) -> None:
    arrays = (
        [np.asarray(stored[c]) for c in stored.columns]
        if hasattr(stored, "columns") else [np.asarray(stored)]
    )
    for arr in arrays:
        if arr.dtype.kind not in "iu" or arr.size == 0:
            continue
        largest = max(abs(int(arr.max())), abs(int(arr.min())))
        if largest <= _EXACT_INTEGER_LIMIT:
            continue
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            back = arr.astype(np.float64).astype(arr.dtype)
        if not np.array_equal(back, arr):
            raise ValueError(
                f"{name} holds integers as large as {largest:.3g}, beyond 2**53 = 9.0e15: "
                "float64, in which the model is fitted, cannot hold them exactly, and "
                "neighbouring values would merge. Subtract an offset first (e.g. each "
                "column's minimum) or rescale, then fit."
            )


def _with_fix(exc: ValueError) -> ValueError:
    """scikit-learn's validation error completed with what to do about it."""
    message = str(exc)
    if "Complex data not supported" in message:
        return ValueError(
            "Complex data not supported: the data has complex values; shrinkage fits "
            "real-valued data. Pass the real "
            "part if the imaginary parts are zero, or put real and imaginary parts in "
            "separate columns."
        )
    if message.startswith("Expected 2D array, got 1D array"):
        return ValueError(
            "Expected 2D array, got 1D array: X must have shape (n_samples, n_features). "
            "Reshape your data with X.reshape(-1, 1) if it is one feature, or "
            "X.reshape(1, -1) if it is one sample."
        )
    if "could not convert" in message or "dtype='numeric' is not compatible" in message:
        return ValueError(f"non-numeric values in the data ({message}).{_STRING_HINT}")
    if "contains infinity" in message and "Replace or drop" not in message:
        return ValueError(message + _INF_HINT)
    return exc


def _numeric_target(y: Any) -> Any:
    """A target of strings as float64 (scikit-learn converts only object arrays)."""
    dtype = getattr(y, "dtype", None)
    if not isinstance(dtype, np.dtype) or dtype.kind not in "US":
        return y
    try:
        return np.asarray(y, dtype=np.float64)
    except ValueError as exc:
        raise ValueError(
            f"non-numeric values in y ({exc}); a regression needs numbers. For class "
            "labels use shrinkage.LogisticRegression; otherwise fix the values."
        ) from None


def validate_estimator_data(
    estimator: Any, X: Any, y: Any = "no_validation", *, y_numeric: bool = False,
    **kwargs: Any,
) -> Any:
    """scikit-learn's ``validate_data`` with clearer messages for what it refuses.

    Complex values and inexact huge integers are refused first (see
    :func:`check_real_values`; ``y`` only when ``y_numeric``: class labels
    are compared, never converted); a non-numeric or infinite entry gets
    scikit-learn's message plus the fix. Returns what ``validate_data`` returns.
    """
    from sklearn.utils.validation import validate_data

    check_real_values(X, "X")
    if y_numeric and not isinstance(y, str):
        check_real_values(y, "y")
        y = _numeric_target(y)
    if not isinstance(y, str) or y != "no_validation":
        kwargs["y_numeric"] = y_numeric
    try:
        return validate_data(estimator, X, y, **kwargs)
    except ValueError as exc:
        fixed = _with_fix(exc)
        if fixed is exc:
            raise
        raise fixed from None


def check_sample_weight(sample_weight: Any, n_samples: int) -> NDArray[np.float64] | None:
    """Validate sample weights: real, finite, non-negative, right length, positive sum.

    Parameters
    ----------
    sample_weight : None, scalar or array-like of shape (n_samples,)
        A scalar is the same weight for every sample.
    n_samples : int
        The number of rows of X.

    Returns
    -------
    ndarray of float64 or None
        None when ``sample_weight`` is None.
    """
    if sample_weight is None:
        return None
    if np.isscalar(sample_weight):
        sample_weight = np.full(n_samples, sample_weight)
    raw = np.asarray(sample_weight)
    if raw.dtype.kind == "c":
        raise TypeError("sample_weight has complex values; give one real weight >= 0 per sample.")
    try:
        sw = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError("sample_weight must be numeric: one number per sample.") from None
    if sw.ndim != 1 or sw.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight must have shape ({n_samples},), one weight per sample; "
            f"got shape {sw.shape}."
        )
    if not np.all(np.isfinite(sw)):
        raise ValueError("sample_weight contains NaN or inf; give a finite weight to every sample.")
    if np.any(sw < 0):
        raise ValueError(
            "sample_weight must be >= 0; drop samples instead of weighting them negatively."
        )
    total = sw.sum()
    if not total > 0:
        raise ValueError(
            "all sample weights are zero; give at least one sample a positive weight."
        )
    if not np.isfinite(total):
        raise ValueError(
            f"sample_weight sums to more than float64 can hold (largest weight "
            f"{sw.max():.3g}); divide every weight by the same number, e.g. the largest (for "
            "Ridge, whose objective uses the raw weights, divide alpha by it too)."
        )
    return sw


def check_X_y_clearly(X: Any, y: Any, *, y_numeric: bool, **kwargs: Any) -> Any:
    """scikit-learn's ``check_X_y`` with the checks and messages of :func:`validate_estimator_data`.

    For functions without an estimator (``regularization_path``); ``kwargs``
    go to ``check_X_y``.
    """
    from sklearn.utils.validation import check_X_y

    check_real_values(X, "X")
    if y_numeric:
        check_real_values(y, "y")
        y = _numeric_target(y)
    try:
        return check_X_y(X, y, y_numeric=y_numeric, **kwargs)
    except ValueError as exc:
        fixed = _with_fix(exc)
        if fixed is exc:
            raise
        raise fixed from None
