"""Fit shrinkage's models on data larger than memory, with Dask.

Needs the ``dask`` extra (``pip install shrinkage[dask]``); ``import
shrinkage`` alone never imports Dask.

The estimators (:class:`Lasso`, :class:`ElasticNet`, :class:`Ridge`,
:class:`LogisticRegression` and their CV variants) and
:func:`regularization_path` take Dask arrays and DataFrames (numpy input is
wrapped) and have the in-memory estimators' parameters, objectives and
fitted attributes. The squared loss costs one pass over the data: per-block
centred statistics (count, weighted means, centred ``X'WX``, ``X'Wy``,
``y'Wy``) merged pairwise (:func:`partition_stats`, :func:`merge`, which know
nothing of Dask); the path, standardisation, intercept, cross-validation and
duality gaps are then solved locally on them (from a tall-skinny QR of
the rows, in a second pass, when collinear columns make the Gram's Cholesky
factor lose digits). Cross-validation folds are a seeded hash of each row's
position (:class:`HashFolds`), computed in the same pass. The logistic loss
takes one weighted-Gram pass per proximal Newton step (for more than two
classes, :class:`LogisticRegression` fits the multinomial loss the same way). Data wider than
:data:`MAX_GRAM_FEATURES` are fitted (Lasso, ElasticNet, their paths) by
distributed FISTA with gap-safe screening, then a Gram of the surviving
columns.
"""

try:
    import dask.array
    import dask.dataframe  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "shrinkage.distributed needs Dask, which is not installed: pip install shrinkage[dask]"
    ) from exc

from ._cv import ElasticNetCV, HashFolds, LassoCV, RidgeCV
from ._data import MAX_GRAM_FEATURES
from ._logistic import LogisticRegression
from ._logistic_cv import LogisticRegressionCV
from ._path import regularization_path
from ._regression import ElasticNet, Lasso, Ridge, to_in_memory
from ._stats import BlockStats, fold_ids, hash_folds, merge, merge_all, partition_stats

__all__ = [
    "MAX_GRAM_FEATURES",
    "BlockStats",
    "ElasticNet",
    "ElasticNetCV",
    "HashFolds",
    "Lasso",
    "LassoCV",
    "LogisticRegression",
    "LogisticRegressionCV",
    "Ridge",
    "RidgeCV",
    "fold_ids",
    "hash_folds",
    "merge",
    "merge_all",
    "partition_stats",
    "regularization_path",
    "to_in_memory",
]
