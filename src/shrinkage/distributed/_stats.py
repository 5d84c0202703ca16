"""Engine-agnostic sufficient statistics of row blocks (no Dask here).

A block of rows of ``[X, y]`` (a Dask chunk, a DataFrame partition, or
anything another engine hands over as numpy arrays) is summarised by
:func:`partition_stats` into one :class:`BlockStats` per cross-validation
fold: weight, row count, weighted means and the scatter centred at those
means (``model_selection._fold_gram``). Statistics of disjoint blocks are
combined by :func:`merge` (Chan, Golub and LeVeque's pairwise update), in any
order and tree shape. Raw uncentred moments are never accumulated: with
feature offsets of 1e7 they lose every digit.

The fold of a row is a seeded hash of its global position (:func:`fold_ids`),
so that it does not depend on how the rows are chunked and ordered data
(sorted by time or by target) still gives folds that look alike.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from ..model_selection._fold_gram import BlockStats, block_stats
from ..model_selection._fold_gram import merge as merge_nonempty

Vector = NDArray[np.float64]

__all__ = ["BlockStats", "fold_ids", "hash_folds", "merge", "merge_all", "partition_stats"]


def _splitmix64(values: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """Steele, Lea and Flood's SplitMix64 finaliser: a bijective mix of 64-bit words."""
    z = values + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def fold_ids(start: int, stop: int, n_folds: int, seed: int) -> NDArray[np.int64]:
    """Fold (0 .. n_folds - 1) of each global row position in ``[start, stop)``."""
    positions = np.arange(start, stop, dtype=np.uint64)
    with np.errstate(over="ignore"):  # unsigned wrap-around is the hash
        keyed = _splitmix64(positions ^ _splitmix64(np.array([seed], dtype=np.uint64)))
    return (keyed % np.uint64(n_folds)).astype(np.int64)


def hash_folds(
    n_rows: int, n_folds: int, seed: int = 0
) -> list[tuple[NDArray[np.int64], NDArray[np.int64]]]:
    """The ``(train, test)`` index pairs of the hashed folds of ``n_rows`` rows.

    The folds the distributed CV estimators use, as a list any in-memory
    estimator accepts as ``cv=``, e.g. to check a distributed result.
    """
    fold = fold_ids(0, n_rows, n_folds, seed)
    rows = np.arange(n_rows, dtype=np.int64)
    return [(rows[fold != k], rows[fold == k]) for k in range(n_folds)]


def _empty(p: int, rows: int) -> BlockStats:
    """A block that weighs nothing (no rows of the fold, or all weights 0)."""
    return BlockStats(
        weight=0.0, rows=rows, mean=np.zeros(p + 1), scatter=np.zeros((p + 1, p + 1))
    )


def merge(a: BlockStats, b: BlockStats) -> BlockStats:
    """Statistics of the union of two disjoint blocks; a weightless block adds only rows."""
    if b.weight == 0:
        return BlockStats(weight=a.weight, rows=a.rows + b.rows, mean=a.mean, scatter=a.scatter)
    if a.weight == 0:
        return BlockStats(weight=b.weight, rows=a.rows + b.rows, mean=b.mean, scatter=b.scatter)
    return merge_nonempty(a, b)


def merge_all(stats: Sequence[BlockStats]) -> BlockStats:
    """Merge a non-empty sequence of disjoint blocks, pairwise as a balanced tree."""
    items = list(stats)
    while len(items) > 1:
        items = [
            merge(items[i], items[i + 1]) if i + 1 < len(items) else items[i]
            for i in range(0, len(items), 2)
        ]
    return items[0]


def check_finite_block(
    X: NDArray[np.floating], y: Vector, weights: Vector | None, partition: int, start: int
) -> None:
    """Raise a ValueError naming the partition and row when a block holds NaN or inf."""
    for name, values in (("X", X), ("y", y), ("sample_weight", weights)):
        if values is None:
            continue
        finite = np.isfinite(values)
        if not finite.all():
            bad = np.argwhere(~finite)[0]
            where = f"row {start + int(bad[0])}"
            if values.ndim == 2:
                where += f", column {int(bad[1])}"
            raise ValueError(
                f"{name} contains NaN or inf in partition {partition} ({where}); "
                "drop or impute those rows (e.g. df.dropna() or df.fillna(...)) before fitting."
            )
    if weights is not None and np.any(weights < 0):
        row = start + int(np.argmax(weights < 0))
        raise ValueError(
            f"sample_weight is negative in partition {partition} (row {row}); weights "
            "must be >= 0: drop samples instead of weighting them negatively."
        )


def partition_stats(
    X: NDArray[np.floating],
    y: NDArray[np.floating],
    weights: NDArray[np.floating] | None = None,
    *,
    start: int = 0,
    n_folds: int = 1,
    seed: int = 0,
    centre: bool = True,
    partition: int = 0,
) -> list[BlockStats]:
    """Per-fold statistics of one block of rows of ``[X, y]``.

    Parameters
    ----------
    X : ndarray of shape (n_rows, n_features)
    y : ndarray of shape (n_rows,)
    weights : ndarray of shape (n_rows,), optional
        Sample weights (all ones when None).
    start : int
        Global position of the block's first row (it seeds the folds).
    n_folds : int
        Number of folds; 1 gives the statistics of the whole block.
    seed : int
        Seed of the fold hash.
    centre : bool
        Centre each fold's scatter at its mean (with an intercept); False
        keeps the scatter about zero (no intercept).
    partition : int
        Index of the block, to name it in errors.

    Returns
    -------
    list of BlockStats
        One per fold, in fold order (a fold absent from the block has zero
        weight and rows).
    """
    X = np.asarray(X)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    w = None if weights is None else np.asarray(weights, dtype=np.float64).reshape(-1)
    if X.ndim != 2 or y.shape[0] != X.shape[0] or (w is not None and w.shape[0] != X.shape[0]):
        raise ValueError(
            f"partition {partition} has X of shape {X.shape}, y of {y.shape[0]} rows"
            + ("" if w is None else f" and {w.shape[0]} weights")
            + "; their row chunks must line up. Rechunk y (and sample_weight) to X's chunks."
        )
    check_finite_block(X, y, w, partition, start)
    p = X.shape[1]
    if n_folds == 1:
        groups = [np.arange(X.shape[0], dtype=np.int64)]
    else:
        fold = fold_ids(start, start + X.shape[0], n_folds, seed)
        groups = [np.flatnonzero(fold == k) for k in range(n_folds)]
    out = []
    for rows in groups:
        if rows.size == 0 or (w is not None and not w[rows].sum() > 0):
            out.append(_empty(p, int(rows.size)))
        else:
            out.append(block_stats(X, y, w, rows, centre=centre))
    return out
