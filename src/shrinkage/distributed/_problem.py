"""From merged statistics to the problems the in-memory solvers take.

The statistics of all the rows (or of a training set: the merge of the other
folds) give the Cholesky-reduced least-squares problem the in-memory path
solves on tall data (``model_selection._fold_gram.problem_from_stats``), and
the statistics of a held-out fold give its prediction error for any
coefficients, so cross-validation needs no second pass over the data.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .._design import CenteredProblem
from ..model_selection._fold_gram import problem_from_stats
from ._stats import BlockStats

Vector = NDArray[np.float64]


def check_weight(total: BlockStats) -> None:
    if not total.weight > 0:
        raise ValueError(
            "all sample weights are zero; give at least one sample a positive weight."
        )


def regression_problem(
    total: BlockStats, *, fit_intercept: bool, standardize: bool, weighted: bool,
    dtype: np.dtype, x_scale: Vector | None = None,
) -> CenteredProblem:
    """The reduced least-squares problem of the rows ``total`` summarises."""
    check_weight(total)
    p = total.mean.size - 1
    if total.rows <= p:
        raise ValueError(
            f"the data have {total.rows} rows and {p} features: shrinkage.distributed "
            "solves from Gram statistics, which needs more rows than features. Data this "
            "small fit in memory: use the in-memory estimators (shrinkage.Lasso, ...)."
        )
    problem = problem_from_stats(
        total, standardize=standardize, fit_intercept=fit_intercept, weighted=weighted,
        dtype=dtype, x_scale=x_scale, exact_fit=True,
    )
    if problem is None:
        raise ValueError(
            "the Gram matrix of X is singular or too ill-conditioned for a Cholesky factor "
            "(duplicated, collinear or constant-up-to-rounding columns): it would lose "
            "about cond(X)^2 * eps. Drop the duplicated or collinear columns (e.g. check "
            "np.linalg.matrix_rank on a sample of rows) and fit again."
        )
    return problem


def held_out_errors(stats: BlockStats, coefs: Vector, intercepts: Vector) -> Vector:
    """Weighted mean squared error of each column of ``coefs`` on the rows of ``stats``.

    With ``m`` the block's weighted means of ``[X, y]`` and ``S`` its centred
    scatter, ``sum_i s_i (y_i - x_i'w - b)^2 = u'S u + W (m_y - m_x'w - b)^2``
    for ``u = [-w; 1]``; a fold with no weight measures nothing (NaN), as
    in memory.
    """
    if not stats.weight > 0:
        return np.full(coefs.shape[1], np.nan)
    p = coefs.shape[0]
    u = np.vstack([-coefs, np.ones((1, coefs.shape[1]))])
    quadratic = np.einsum("ia,ia->a", u, stats.scatter @ u)
    offset = stats.mean[p] - stats.mean[:p] @ coefs - intercepts
    return np.asarray((quadratic + stats.weight * offset**2) / stats.weight)
