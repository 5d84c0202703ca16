"""One pass over the blocks of a Dask data set: map a function, merge as a tree.

Each task receives block ``i`` of X, y and the weights (aligned by
``_data.row_data``) as numpy arrays, with the block's index and global start
row, and returns a small summary (statistics of size ``(p + 1)^2`` per fold,
never rows); the summaries are merged pairwise in a balanced tree of tasks,
so memory on any worker stays one block plus a few summaries.

On a ``dask.distributed`` client the pass runs with task retries: a task
that fails (a worker lost mid-pass, a transient error) is run again, and if
it keeps failing its error is raised here; a pass never returns a partial
result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dask
from dask.delayed import Delayed, delayed

from ._data import RowData
from ._stats import BlockStats, merge, partition_stats

# How often a failing task is run again before its error is raised.
TASK_RETRIES = 2


def compute(obj: Any) -> Any:
    """Compute a Dask object, on the current distributed client when there is one."""
    try:
        from distributed import get_client

        client = get_client()
    except (ImportError, ValueError):
        return dask.compute(obj)[0]
    return client.compute(obj, retries=TASK_RETRIES).result()


def tree_reduce(parts: list[Delayed], combine: Callable[[Any, Any], Any]) -> Delayed:
    """Combine delayed summaries pairwise, ``log2(len(parts))`` levels deep."""
    while len(parts) > 1:
        parts = [
            delayed(combine, pure=True)(parts[i], parts[i + 1]) if i + 1 < len(parts) else parts[i]
            for i in range(0, len(parts), 2)
        ]
    return parts[0]


def blockwise(
    data: RowData, func: Callable[..., Any], combine: Callable[[Any, Any], Any], **kwargs: Any
) -> Any:
    """``combine`` over ``func(X_i, y_i, w_i, start=..., partition=i, **kwargs)``."""
    parts = [
        delayed(func, pure=True)(x, y, w, start=start, partition=i, **kwargs)
        for i, ((x, y, w), start) in enumerate(zip(data.blocks, data.starts, strict=True))
    ]
    return compute(tree_reduce(parts, combine))


def merge_lists(a: list[BlockStats], b: list[BlockStats]) -> list[BlockStats]:
    """Merge two per-fold lists of statistics fold by fold."""
    return [merge(x, z) for x, z in zip(a, b, strict=True)]


def stats_pass(
    data: RowData, *, n_folds: int = 1, seed: int = 0, centre: bool = True
) -> list[BlockStats]:
    """Per-fold statistics of ``[X, y]`` in one pass (one entry when ``n_folds`` is 1)."""
    return blockwise(
        data, partition_stats, merge_lists, n_folds=n_folds, seed=seed, centre=centre
    )
