"""Proximal Newton for the penalised multinomial (softmax) loss.

Each outer iteration:

1. re-centres each penalised feature's row of coefficients: adding the
   same ``c_j`` to every class of feature ``j`` moves every class's linear
   predictor by the same ``c_j x_j`` and leaves the softmax loss unchanged,
   so the best ``c_j`` minimises the penalty alone (a 1-D piecewise
   quadratic, solved exactly). This is the direction along which the
   over-parametrised model is flat but for the penalty, where coordinate
   descent would crawl;
2. makes the intercepts and free features optimal and computes the duality
   gap (:func:`._logistic_gap.multinomial_gap`);
3. solves the quadratic model with every sample's full K x K Hessian by
   compiled coordinate descent over (feature, class) pairs of a working set
   (``_kernels/cd_multinomial``), so the classes move together as in
   Newton's method;
4. backtracks along the direction until the objective decreases (Armijo).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import softmax

from .._kernels.anderson import anderson_candidate
from .._kernels.cd_multinomial import (
    class_curvatures_dense,
    class_curvatures_sparse,
    multinomial_epochs_dense,
    multinomial_epochs_sparse,
)
from .._kernels.path_logistic import POLISH_FRACTION
from ..penalties import PenaltyArrays
from ._logistic_gap import (
    below_floor_polish,
    gap_tolerance,
    multinomial_gap,
    multinomial_loss,
    softmax_gradient_hessian,
)

Vector = NDArray[np.float64]

_INNER_RELATIVE = 1e-3  # stop when an epoch lowers the model by this share of the total
_MAX_INNER_EPOCHS = 200
_ANDERSON = True
_ANDERSON_K = 5
_ARMIJO = 1e-4
_ROUNDING = 1e-13  # relative change of the objective below which Armijo sees only noise
_MAX_BACKTRACKS = 50


def recentre_rows(W: Vector, pen: PenaltyArrays) -> Vector:
    """Shift each penalised row of ``W`` to the penalty's minimiser along ``1``.

    For row ``a = W_j`` the shift ``c`` minimises
    ``sum_k l1_j |a_k - c| + l2_j / 2 (a_k - c)^2`` subject to the bounds
    staying satisfied (``lower_j <= a_k - c <= upper_j``, an interval of
    ``c`` that contains 0). The minimiser is a breakpoint ``a_k``, the
    stationary point of one of the K + 1 pieces, or an end of the interval,
    each clipped into it, so evaluating the objective at those candidates
    is exact.
    """
    rows = np.flatnonzero((pen.l1 > 0) | (pen.l2 > 0))
    if rows.size == 0 or W.shape[1] < 2:
        return W
    A = W[rows]
    K = A.shape[1]
    l1 = pen.l1[rows][:, None]
    l2 = pen.l2[rows][:, None]
    c_lo = (A.max(axis=1) - pen.upper[rows])[:, None]  # a_k - c <= upper
    c_hi = (A.min(axis=1) - pen.lower[rows])[:, None]  # a_k - c >= lower
    S = np.sort(A, axis=1)
    below = np.arange(K + 1)[None, :]  # m classes below c on piece m
    with np.errstate(divide="ignore", invalid="ignore"):
        stationary = (A.sum(axis=1, keepdims=True) - l1 * (2 * below - K) / l2) / K
    lo = np.concatenate([np.full((A.shape[0], 1), -np.inf), S], axis=1)
    hi = np.concatenate([S, np.full((A.shape[0], 1), np.inf)], axis=1)
    stationary = np.clip(np.where(l2 > 0, stationary, S[:, :1]), lo, hi)
    ends = np.concatenate([c_lo, c_hi], axis=1)
    ends = np.where(np.isfinite(ends), ends, 0.0)
    candidates = np.clip(np.concatenate([S, stationary, ends], axis=1), c_lo, c_hi)
    diff = A[:, None, :] - candidates[:, :, None]
    values = (l1[:, :, None] * np.abs(diff) + 0.5 * l2[:, :, None] * diff**2).sum(axis=2)
    best = candidates[np.arange(A.shape[0]), np.argmin(values, axis=1)]
    current = (l1 * np.abs(A) + 0.5 * l2 * A**2).sum(axis=1)
    # Only move a row when that strictly lowers its penalty (no ulp drift).
    shift = np.where(values.min(axis=1) < current, best, 0.0)
    out = W.copy()
    out[rows] = np.clip(A - shift[:, None], pen.lower[rows, None], pen.upper[rows, None])
    return out


def class_curvatures(data: Any, P: Vector, omega: Vector, ws: NDArray[np.int64]) -> Vector:
    out = np.empty((ws.shape[0], P.shape[1]))
    if data.sparse:
        A = data.X
        class_curvatures_sparse(A.data, A.indices, A.indptr, P, omega, ws, out)
    else:
        class_curvatures_dense(data.X, P, omega, ws, out)
    return out


def newton_direction(
    data: Any, W: Vector, P: Vector, G: Vector, omega: Vector, pen: PenaltyArrays,
    ws: NDArray[np.int64], fit_intercept: bool, relative: float | None = None,
) -> tuple[Vector, Vector, Vector, int]:
    """Minimise the quadratic model on ``ws``; returns ``(W_model, db, D, epochs)``.

    ``G`` is the loss's gradient in ``eta`` (``omega (P - Y)``); ``D`` the
    displacement of ``eta`` the model's solution implies. The epochs stop
    when one adds less than ``relative`` (default ``_INNER_RELATIVE``) of
    what the model has gained.
    """
    relative = _INNER_RELATIVE if relative is None else relative
    curv = class_curvatures(data, P, omega, ws)
    W_model = np.array(W, dtype=np.float64, order="C")
    U = np.array(G, dtype=np.float64, order="C")
    D = np.zeros_like(U)
    b_delta = np.zeros(P.shape[1])
    total = 0.0
    used = 0
    accel = _Extrapolation(data, W_model, b_delta, pen, ws) if _ANDERSON else None
    while used < _MAX_INNER_EPOCHS:
        if data.sparse:
            A = data.X
            decrease = multinomial_epochs_sparse(
                A.data, A.indices, A.indptr, W_model, U, D, P, omega, curv, pen.l1, pen.l2,
                pen.lower, pen.upper, ws, 1, fit_intercept, b_delta,
            )
        else:
            decrease = multinomial_epochs_dense(
                data.X, W_model, U, D, P, omega, curv, pen.l1, pen.l2, pen.lower,
                pen.upper, ws, 1, fit_intercept, b_delta,
            )
        used += 1
        total += decrease
        if accel is not None and accel.record(W_model, b_delta):
            accel.apply(W_model, b_delta, D, U, P, G, omega, pen)
        # Coordinate descent's decrease shrinks geometrically: once an epoch
        # adds a small share of what the model has gained, the rest is small
        # too. (Not "below the tolerance": the objective is second order in
        # the coefficients' error, the gap first order, so a model gain far
        # below tol can still be what the certificate needs.)
        if decrease <= relative * total:
            break
    return W_model, b_delta, D, used


class _Extrapolation:
    """Anderson extrapolation of the inner iterates (coefficients on ``ws``, intercepts).

    The quadratic model of an ill-conditioned problem (correlated features,
    a nearly separable class) makes coordinate descent crawl; every
    ``_ANDERSON_K + 1`` epochs the iterates are extrapolated (Bertrand and
    Massias 2021) and the point is kept only if it lowers the model.
    """

    def __init__(
        self, data: Any, W: Vector, b: Vector, pen: PenaltyArrays, ws: NDArray[np.int64]
    ) -> None:
        K = W.shape[1]
        self.data, self.ws, self.K = data, ws, K
        size = ws.shape[0] * K + K
        self.history = np.empty((_ANDERSON_K + 1, size))
        self.lower = np.concatenate([np.repeat(pen.lower[ws], K), np.full(K, -np.inf)])
        self.upper = np.concatenate([np.repeat(pen.upper[ws], K), np.full(K, np.inf)])
        self.filled = 0

    def _flat(self, W: Vector, b: Vector) -> Vector:
        return np.concatenate([W[self.ws].ravel(), b])

    def record(self, W: Vector, b: Vector) -> bool:
        """Store the iterate; True when a window is full."""
        self.history[self.filled] = self._flat(W, b)
        self.filled += 1
        if self.filled < _ANDERSON_K + 1:
            return False
        self.filled = 0
        return True

    def apply(
        self, W: Vector, b: Vector, D: Vector, U: Vector, P: Vector, G: Vector,
        omega: Vector, pen: PenaltyArrays,
    ) -> None:
        out = np.empty(self.history.shape[1])
        if not anderson_candidate(self.history, self.lower, self.upper, 1e-12, out):
            return
        if not np.all(np.isfinite(out)):
            return
        K, ws = self.K, self.ws
        dW = out[:-K].reshape(ws.shape[0], K) - W[ws]
        db = out[-K:] - b
        if not (np.any(dW) or np.any(db)):
            return
        D_new = D + np.asarray(self.data.X[:, ws] @ dW) + db
        W_new = W.copy()
        W_new[ws] += dW
        if _model_value(D_new, W_new, P, G, omega, pen, ws) < _model_value(
            D, W, P, G, omega, pen, ws
        ):
            W[ws] = W_new[ws]
            b += db
            D[:] = D_new
            PD = P * D_new
            U[:] = G + omega[:, None] * (PD - P * PD.sum(axis=1, keepdims=True))


def _model_value(
    D: Vector, W: Vector, P: Vector, G: Vector, omega: Vector, pen: PenaltyArrays,
    ws: NDArray[np.int64],
) -> float:
    """The quadratic model at displacement ``D`` plus the penalty of ``W`` on ``ws``."""
    PD = P * D
    quad = 0.5 * float(np.dot(omega, (PD * D).sum(axis=1) - PD.sum(axis=1) ** 2))
    Wws = W[ws]
    l1, l2 = pen.l1[ws][:, None], pen.l2[ws][:, None]
    return float(np.sum(G * D)) + quad + float(np.sum(l1 * np.abs(Wws) + 0.5 * l2 * Wws**2))


def line_search(
    W: Vector, b: Vector, eta: Vector, W_model: Vector, b_delta: Vector, D: Vector,
    G: Vector, pen_value: Any, loss: Any,
) -> tuple[Vector, Vector, Vector, bool]:
    """Armijo backtracking along the model's direction; ``False`` if none decreased."""
    pen_old = pen_value(W)
    slope = float(np.sum(G * D)) + pen_value(W_model) - pen_old
    current = loss(eta) + pen_old
    if -_ROUNDING * abs(current) <= slope <= 0.0:
        # A decrease too small to see in the objective (the gap, first order
        # in the coefficients, may still need it): take the full step.
        return W_model, b + b_delta, eta + D, True
    dW = W_model - W
    t = 1.0
    for _ in range(_MAX_BACKTRACKS):
        W_try = W_model if t == 1.0 else W + t * dW
        eta_try = eta + t * D
        value = loss(eta_try) + pen_value(W_try)
        if value <= current + _ARMIJO * t * min(slope, 0.0):
            return W_try, b + t * b_delta, eta_try, True
        t *= 0.5
    return W, b, eta, False


def multinomial_probabilities(eta: Vector) -> Vector:
    return np.asarray(softmax(eta, axis=1), order="C")


def solve_multinomial_newton(
    data: Any,
    labels: NDArray[np.int64],
    n_classes: int,
    pen: PenaltyArrays,
    *,
    omega: Vector,
    fit_intercept: bool,
    coef_init: Vector | None,
    intercept_init: Vector | None,
    tol: float,
    max_iter: int,
    use_working_set: bool,
) -> Any:
    """The outer loop (see the module docstring); returns a ``LogisticSolution``.

    ``data`` is a :class:`~._logistic_data.StoredX`; with an intercept the
    solve runs on its centred copy and the intercepts are mapped back.
    """
    from .prox_newton import LogisticSolution, _null_multinomial_loss, _polish, working_set

    K = n_classes
    n, p = data.n_rows, data.n_features
    Y = np.zeros((n, K))
    Y[np.arange(n), labels] = 1.0
    W = np.zeros((p, K))
    if coef_init is not None:
        W = np.clip(np.array(coef_init, dtype=np.float64).reshape(p, K),
                    pen.lower[:, None], pen.upper[:, None])
    b = np.zeros(K)
    mean = np.zeros(p)
    if fit_intercept:
        if intercept_init is not None:
            b = np.array(intercept_init, dtype=np.float64).reshape(K)
        data, mean = data.centred(omega)
        b = b + mean @ W
    null_loss = _null_multinomial_loss(Y, omega, fit_intercept)
    tol_abs = gap_tolerance(tol, null_loss)  # refined at each gap, from eta

    def loss(e: Vector) -> float:
        return multinomial_loss(e, labels, omega)

    def pen_value(M: Vector) -> float:
        return float(sum(pen.value(M[:, k]) for k in range(K)))

    grad_hess = softmax_gradient_hessian(Y, omega)

    eta = np.empty(0)
    epochs = 0
    n_iter = 0
    polished = False
    while True:
        W = recentre_rows(W, pen)
        W, b, eta = _polish(data, eta, W, b, pen, fit_intercept, grad_hess, loss, K)
        gap, primal, corr = multinomial_gap(data, Y, labels, omega, eta, W, pen, data.max_norm)
        tol_abs = gap_tolerance(tol, null_loss, eta)
        if below_floor_polish(gap, tol_abs, tol * null_loss, polished, n_iter, max_iter):
            polished = True
        elif gap <= tol_abs or n_iter >= max_iter:
            break
        n_iter += 1
        P = multinomial_probabilities(eta)
        G = omega[:, None] * (P - Y)
        # A feature enters the working set by its largest pull over the classes.
        ws = working_set(np.abs(W).max(axis=1), np.abs(corr).max(axis=1), pen,
                         data.col_norms, use_working_set)
        W_model, b_delta, D, used = newton_direction(
            data, W, P, G, omega, pen, ws, fit_intercept,
            relative=_INNER_RELATIVE * POLISH_FRACTION if polished else None,
        )
        epochs += used
        W, b, eta, _ = line_search(W, b, eta, W_model, b_delta, D, G, pen_value, loss)
    return LogisticSolution(
        coef=W, intercept=b - mean @ W, certificate=float(gap), certificate_kind="duality_gap",
        tol=tol_abs, primal=float(primal), n_iter=n_iter, n_epochs=epochs,
        converged=bool(gap <= tol_abs),
    )
