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
from ._qr import QRFallback
from ._stats import BlockStats

Vector = NDArray[np.float64]


def check_weight(total: BlockStats) -> None:
    if not total.weight > 0:
        raise ValueError(
            "all sample weights are zero; give at least one sample a positive weight."
        )


def regression_problem(
    total: BlockStats, *, fit_intercept: bool, standardize: bool, weighted: bool,
    dtype: np.dtype, x_scale: Vector | None = None, qr: QRFallback | None = None,
    exclude: int | None = None, names: NDArray[np.object_] | None = None,
) -> CenteredProblem:
    """The reduced least-squares problem of the rows ``total`` summarises.

    From the Cholesky factor of their Gram; when that would lose too many
    digits (collinear columns), from ``qr``'s factor of the same rows (all
    of them, or every fold but ``exclude``), as the in-memory tall path falls
    back to QR. Without ``qr`` the error names the collinear columns.
    """
    check_weight(total)
    p = total.mean.size - 1
    if total.rows <= p:
        raise ValueError(
            f"the data have {total.rows} rows and {p} features: shrinkage.distributed "
            "solves from Gram statistics, which needs more rows than features. Data this "
            "small fit in memory: use the in-memory estimators (shrinkage.Lasso...)."
        )
    problem = problem_from_stats(
        total, standardize=standardize, fit_intercept=fit_intercept, weighted=weighted,
        dtype=dtype, x_scale=x_scale, exact_fit=True,
    )
    if problem is not None:
        return problem
    if qr is not None:
        return qr.problem(total, exclude, standardize=standardize,
                          fit_intercept=fit_intercept, weighted=weighted, dtype=dtype,
                          x_scale=x_scale)
    label = (lambda j: str(names[j])) if names is not None else (lambda j: f"column {j}")
    found = [f"{label(j)} = a combination of {', '.join(label(k) for k in of)}" if of
             else f"{label(j)} is constant" for j, of in dependent_columns(total)]
    raise ValueError(
        "the Gram matrix of X is singular or too ill-conditioned for a Cholesky factor: "
        f"collinear or duplicated columns ({'; '.join(found) or 'ill-conditioned as a whole'}"
        "). Drop the columns named first in each group (or combine them) and fit again; the "
        "squared-loss estimators solve such data by QR, the logistic ones need full-rank "
        "columns."
    )


def dependent_columns(total: BlockStats, threshold: float = 1e-8) -> list[tuple[int, list[int]]]:
    """Each column (nearly) in the span of the columns before it, with those it combines.

    Columns are taken in order; one whose share of variance unexplained by
    the independent columns kept so far is below ``threshold`` is reported
    with the kept columns of visible weight in its regression on them.
    """
    p = total.mean.size - 1
    scatter = total.scatter[:p, :p]
    sd = np.sqrt(np.maximum(np.diag(scatter), 0.0))
    out: list[tuple[int, list[int]]] = []
    kept: list[int] = []
    for j in range(p):
        if not sd[j] > 0:
            out.append((j, []))
            continue
        if kept:
            corr = scatter[np.ix_(kept, kept)] / np.outer(sd[kept], sd[kept])
            link = scatter[kept, j] / (sd[kept] * sd[j])
            coef = np.linalg.lstsq(corr, link, rcond=None)[0]
            if 1.0 - link @ coef < threshold:
                out.append((j, [kept[i] for i in np.flatnonzero(np.abs(coef) > 1e-6)]))
                continue
        kept.append(j)
    return out


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
