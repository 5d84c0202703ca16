"""Dask input: arrays and DataFrames as row-aligned Dask arrays.

Every blockwise computation pairs block ``i`` of X with block ``i`` of y
(and of the weights). Two Dask collections of the same length can still be
chunked differently, and pairing them block by block would then silently
match the wrong rows; so y and the weights are rechunked to X's row chunks
here, once, and X gets one chunk across its columns (a block's statistics
need all of its features). DataFrames have unknown partition lengths; they
are measured (``compute_chunk_sizes``) so the blocks' global row
positions, which seed the CV folds, are known.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

# Rows per block when numpy input is wrapped (about 8 MiB of float64 at p = 100).
_WRAP_ROWS = 10_000

# Above this many features a block's Gram statistics ((p + 1)^2 floats per
# fold) and their local Cholesky stop being cheap next to the pass itself;
# wider data go to distributed FISTA (_wide.py), which reads this module
# attribute at call time (a test may lower it).
MAX_GRAM_FEATURES = 4000


@dataclass(frozen=True, eq=False)
class RowData:
    """X, y and weights as Dask arrays with the same, known row chunks."""

    X: da.Array
    y: da.Array
    weights: da.Array | None
    feature_names: NDArray[np.object_] | None
    dtype: np.dtype

    @property
    def n_rows(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        return int(self.X.shape[1])

    @property
    def starts(self) -> list[int]:
        """Global position of each block's first row."""
        return [int(s) for s in np.cumsum((0, *self.X.chunks[0][:-1]))]

    @cached_property
    def blocks(self) -> list[tuple[Any, Any, Any]]:
        """``(X_i, y_i, w_i)`` as delayed objects, built (and optimised) once per data set.

        An iterative fit makes one pass per step over the same blocks.
        """
        xs = list(self.X.to_delayed().ravel())
        ys = list(self.y.to_delayed().ravel())
        ws = [None] * len(xs) if self.weights is None else list(self.weights.to_delayed().ravel())
        return list(zip(xs, ys, ws, strict=True))


def _non_numeric(dtypes: Any) -> list[str]:
    """Columns whose dtype is not a number (strings, categories, dates, objects)."""
    numeric = pd.api.types.is_numeric_dtype
    return [str(name) for name, dtype in dtypes.items()
            if not numeric(dtype) or pd.api.types.is_complex_dtype(dtype)]


def frame_to_array(frame: dd.DataFrame | dd.Series) -> da.Array:
    """A frame's values as a Dask array with measured chunk sizes (one pass).

    ``to_dask_array(lengths=True)`` is not used: dask-expr may measure the
    lengths on an optimised graph whose partitions were fused, and then
    refuses them ("lengths does not match the number of partitions").
    """
    return frame.to_dask_array().compute_chunk_sizes()


def _frame_to_array(frame: dd.DataFrame) -> da.Array:
    bad = _non_numeric(frame.dtypes)
    if bad:
        raise TypeError(
            f"X has non-numeric columns {bad[:5]}: the models need numbers. Encode them "
            "(e.g. dd.get_dummies after .categorize()) or drop them before fitting."
        )
    return frame_to_array(frame)


def as_dask_matrix(X: Any) -> tuple[da.Array, NDArray[np.object_] | None]:
    """X as a 2-D Dask array with known chunk sizes, and its column names."""
    names = None
    if isinstance(X, dd.DataFrame):
        if all(isinstance(c, str) for c in X.columns):
            names = np.array(list(X.columns), dtype=object)
        X = _frame_to_array(X)
    elif isinstance(X, dd.Series):
        raise ValueError("X is a single column (a Series); pass a DataFrame: X.to_frame().")
    elif not isinstance(X, da.Array):
        if hasattr(X, "columns") and all(isinstance(c, str) for c in X.columns):
            names = np.array(list(X.columns), dtype=object)
        try:
            values = np.asarray(X)
        except (TypeError, ValueError):
            raise TypeError(
                f"X must be a Dask array or DataFrame (or a numpy array), got {type(X).__name__}."
            ) from None
        X = da.from_array(values, chunks=(_WRAP_ROWS, -1))
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features), got {X.ndim} dimension(s).")
    if X.dtype.kind not in "biuf":
        raise TypeError(
            f"X has dtype {X.dtype}, not numbers; convert it (X.astype(float)) or encode "
            "its categories first."
        )
    if any(np.isnan(c) for c in X.chunks[0]):
        X = X.compute_chunk_sizes()
    if min(X.shape) < 1:
        raise ValueError(f"X is empty (shape {X.shape}); it needs at least one row and column.")
    return X.rechunk({1: -1}), names


def as_dask_vector(v: Any, name: str, numeric: bool = True) -> da.Array:
    """A 1-D Dask array (a Series, a one-column frame or array) with known chunks."""
    if isinstance(v, dd.DataFrame):
        if len(v.columns) != 1:
            raise ValueError(f"{name} must be one column; got {len(v.columns)} columns.")
        v = v[v.columns[0]]
    if isinstance(v, dd.Series):
        if numeric and _non_numeric({name: v.dtype}):
            raise TypeError(f"{name} has dtype {v.dtype}, not numbers; convert it first.")
        v = frame_to_array(v)
    elif not isinstance(v, da.Array):
        v = da.from_array(np.asarray(v), chunks=_WRAP_ROWS)
    if v.ndim == 2 and v.shape[1] == 1:
        v = v[:, 0]
    if v.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D (one value per sample), got shape {v.shape}; a path fits "
            "one target at a time."
        )
    if numeric and v.dtype.kind not in "biuf":
        raise TypeError(f"{name} has dtype {v.dtype}, not numbers; convert it first.")
    if any(np.isnan(c) for c in v.chunks[0]):
        v = v.compute_chunk_sizes()
    return v


def row_data(
    X: Any, y: Any, sample_weight: Any = None, *, numeric_y: bool = True, wide: bool = False
) -> RowData:
    """Validate and align X, y and the weights (see the module docstring).

    ``wide``: the caller solves data wider than ``MAX_GRAM_FEATURES``
    (``_wide.py``); other callers refuse them here.
    """
    Xd, names = as_dask_matrix(X)
    if Xd.shape[1] > MAX_GRAM_FEATURES and not wide:
        raise ValueError(
            f"X has {Xd.shape[1]} features, above shrinkage.distributed's limit of "
            f"{MAX_GRAM_FEATURES} for this estimator: it solves from (p + 1)^2 Gram "
            "statistics per block. Wider data are solved by distributed FISTA with "
            "screening for Lasso, ElasticNet and regularization_path (squared loss) only; "
            "otherwise select or hash features first, or, if the data fit in memory, use "
            "the in-memory estimators (shrinkage.Lasso...) on a numpy or sparse matrix."
        )
    yd = as_dask_vector(y, "y", numeric=numeric_y)
    n = Xd.shape[0]
    if yd.shape[0] != n:
        raise ValueError(
            f"X has {n} rows but y has {yd.shape[0]}; give one target value per row "
            "(if they come from one DataFrame, select both from the same frame)."
        )
    wd = None
    if sample_weight is not None:
        if np.isscalar(sample_weight):
            wd = da.full(n, float(sample_weight), chunks=(Xd.chunks[0],))  # type: ignore[arg-type]
        else:
            wd = as_dask_vector(sample_weight, "sample_weight")
            if wd.shape[0] != n:
                raise ValueError(
                    f"sample_weight has {wd.shape[0]} entries but X has {n} rows; give "
                    "one weight per row."
                )
            wd = wd.rechunk((Xd.chunks[0],))
    dtype = Xd.dtype if Xd.dtype in (np.float32, np.float64) else np.dtype(np.float64)
    return RowData(
        X=Xd, y=yd.rechunk((Xd.chunks[0],)), weights=wd, feature_names=names, dtype=dtype
    )
