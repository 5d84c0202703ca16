"""FISTA for the penalised logistic and multinomial losses: a test oracle.

Minimises ``F(w, b) + pen(w)`` with ``F`` the loss of
:class:`~shrinkage.datafits.Logistic` (labels -1/+1, ``w`` of shape
``(p,)``) or :class:`~shrinkage.datafits.Multinomial` (labels 0..K-1, ``W``
of shape ``(p, K)``), the intercept an unpenalised coordinate (a column of
ones), and ``pen`` any :class:`~shrinkage.penalties.PenaltyArrays` applied
entry by entry (``grouped=True``: ``l1_j`` times the norm of row ``W_j``
plus ``l2_j / 2 ||W_j||^2``, bounds unsupported).

Plain accelerated proximal gradient: step ``1 / L`` with backtracking on
the sufficient-decrease condition ``F(x) <= F(y) + <g, x - y> + L/2 ||x -
y||^2``, momentum restarted whenever the objective goes up (O'Donoghue and
Candès' adaptive restart), stopped when the gradient mapping is below
``tol``. Simple and obviously correct; slow. Nothing in the package calls
it; the tests compare the fast solvers against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from ..datafits import Logistic, Multinomial
from ..penalties import PenaltyArrays

Vector = NDArray[np.float64]

_STALL = 50  # iterations without a decrease of the objective: rounding level


@dataclass(frozen=True, eq=False)
class FistaResult:
    """``coef``, ``intercept`` (0 without one) and the objective reached.

    ``converged``: the gradient mapping reached ``tol``, or the objective
    stopped decreasing (the rounding floor).
    """

    coef: Vector
    intercept: Any
    objective: float
    n_iter: int
    converged: bool


def _group_prox(Z: Vector, step: float, pen: PenaltyArrays) -> Vector:
    norms = np.linalg.norm(Z, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        keep = np.where(norms > 0, np.maximum(1.0 - step * pen.l1 / norms, 0.0), 0.0)
    return Z * (keep / (1.0 + step * pen.l2))[:, None]


def logistic_fista(
    X: Any,
    y: Any,
    penalty: PenaltyArrays,
    *,
    n_classes: int | None = None,
    sample_weight: Any = None,
    fit_intercept: bool = True,
    grouped: bool = False,
    tol: float = 1e-9,
    max_iter: int = 20000,
) -> FistaResult:
    """Penalised logistic (``n_classes=None``, y in {-1, +1}) or softmax regression.

    Stops when the gradient mapping ``L ||x - prox(y - g / L)||`` (max norm)
    is below ``tol``, or when the objective has not decreased for a while
    (rounding: an objective within ``1e-16`` of the minimum has a gradient
    mapping near ``1e-8``, which objective comparisons cannot resolve).
    """
    p = X.shape[1]
    ones = np.ones((X.shape[0], 1))
    Xa = sp.hstack([X, ones], format="csr") if sp.issparse(X) else np.hstack([X, ones])
    if not fit_intercept:
        Xa = Xa[:, :p]
    cols = () if n_classes is None else (n_classes,)
    fit: Any = (Logistic(sample_weight) if n_classes is None
                else Multinomial(n_classes, sample_weight))
    if grouped and (np.isfinite(penalty.lower).any() or np.isfinite(penalty.upper).any()):
        raise ValueError("bounds are not supported with grouped=True.")

    def prox(Z: Vector, step: float) -> Vector:
        out = Z.copy()
        if grouped:
            out[:p] = _group_prox(Z[:p], step, penalty)
        elif Z.ndim == 1:
            out[:p] = penalty.prox(Z[:p], step)
        else:
            out[:p] = penalty.prox(Z[:p].T, step).T
        return out

    def pen_value(Z: Vector) -> float:
        if grouped:
            sq = (Z[:p] ** 2).sum(axis=1)
            return float(penalty.l1 @ np.sqrt(sq) + 0.5 * penalty.l2 @ sq)
        if Z.ndim == 1:
            return penalty.value(Z[:p])
        return float(sum(penalty.value(Z[:p, k]) for k in range(Z.shape[1])))

    def smooth(Z: Vector) -> tuple[float, Vector]:
        eta = np.asarray(Xa @ Z)
        return fit.value_eta(y, eta), np.asarray(Xa.T @ fit.raw_grad(y, eta))

    x = prox(np.zeros((Xa.shape[1], *cols)), 1.0)
    f_x = smooth(x)[0] + pen_value(x)
    z, t, L = x.copy(), 1.0, 1.0
    mapping, it, stalled = np.inf, 0, 0
    for it in range(1, max_iter + 1):  # noqa: B007
        f_z, g_z = smooth(z)
        while True:
            x_new = prox(z - g_z / L, 1.0 / L)
            d = x_new - z
            f_new = smooth(x_new)[0]
            if f_new <= f_z + np.sum(g_z * d) + 0.5 * L * np.sum(d * d) + 1e-15 * abs(f_z):
                break
            L *= 2.0
        mapping = float(L * np.max(np.abs(d), initial=0.0))
        obj_new = f_new + pen_value(x_new)
        stalled = stalled + 1 if obj_new >= f_x else 0
        if obj_new > f_x:  # adaptive restart: momentum went uphill
            z, t = x.copy(), 1.0
        else:
            t_new = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
            z = x_new + ((t - 1.0) / t_new) * (x_new - x)
            x, f_x, t = x_new, obj_new, t_new
        if mapping <= tol or stalled >= _STALL:
            break
        L *= 0.9  # let the step grow back
    intercept = (x[p] if fit_intercept else (0.0 if n_classes is None else np.zeros(n_classes)))
    return FistaResult(
        coef=x[:p].copy(), intercept=intercept if n_classes is not None else float(intercept),
        objective=float(f_x), n_iter=it, converged=mapping <= tol or stalled >= _STALL,
    )
