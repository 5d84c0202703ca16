"""What every solver returns, and how it says it did not converge."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .._design import Design, as_design
from ..penalties import PenaltyArrays, _SeparablePenalty


@dataclass(frozen=True, eq=False)
class Solution:
    """The result of one solve, with its certificate of optimality.

    Attributes
    ----------
    coef : ndarray of shape (n_features,)
        The coefficients (float64).
    certificate : float
        The duality gap (``certificate_kind == "duality_gap"``) or the largest
        KKT violation (``"kkt"``) at ``coef``.
    certificate_kind : str
        ``"duality_gap"`` or ``"kkt"``.
    tol : float
        The absolute tolerance the certificate was compared with.
    primal : float
        The objective value at ``coef``.
    n_iter : int
        Epochs (coordinate descent) or iterations (gradient methods) run.
    converged : bool
        Whether ``certificate <= tol``.
    """

    coef: NDArray[np.float64]
    certificate: float
    certificate_kind: str
    tol: float
    primal: float
    n_iter: int
    converged: bool


def lower_penalty(penalty: object, n_features: int) -> PenaltyArrays:
    """Accept a penalty object or already lowered arrays."""
    if isinstance(penalty, PenaltyArrays):
        if penalty.n_features != n_features:
            raise ValueError(
                f"the penalty has {penalty.n_features} features but X has {n_features}."
            )
        return penalty
    if isinstance(penalty, _SeparablePenalty):
        return penalty.per_feature(n_features)
    raise TypeError(
        "penalty must be shrinkage.penalties.L1, L2, ElasticNet or PenaltyArrays, "
        f"got {type(penalty).__name__}."
    )


def prepare_least_squares(
    X: object, y: object, penalty: object, n_samples: float | None
) -> tuple[Design, PenaltyArrays, NDArray[np.float64], float]:
    """What every quadratic solver starts from: design, penalty arrays, y, n."""
    design = as_design(X)
    pen = lower_penalty(penalty, design.n_features)
    y64: NDArray[np.float64] = np.ascontiguousarray(y, dtype=np.float64)
    if y64.shape != (design.n_rows,):
        raise ValueError(f"y must have shape ({design.n_rows},), got {y64.shape}.")
    n = float(design.n_rows if n_samples is None else n_samples)
    return design, pen, y64, n


def convergence_warning() -> type[Warning]:
    """scikit-learn's ``ConvergenceWarning``, imported only when one is emitted.

    Importing scikit-learn costs about a second (it loads pandas and
    scipy.stats): a regularization path that converges never pays it.
    """
    from sklearn.exceptions import ConvergenceWarning

    return ConvergenceWarning


def warn_not_converged(solver: str, solution: Solution, max_iter: int) -> None:
    """Emit sklearn's ``ConvergenceWarning`` naming the certificate reached."""
    what = "duality gap" if solution.certificate_kind == "duality_gap" else "KKT violation"
    warnings.warn(
        f"{solver} did not converge in max_iter={max_iter} iterations: the "
        f"{what} is {solution.certificate:.3e}, above the tolerance "
        f"{solution.tol:.3e}. Increase max_iter, loosen tol, or standardize "
        "the features (standardize=True) to make the problem better conditioned.",
        convergence_warning(),
        stacklevel=3,
    )
