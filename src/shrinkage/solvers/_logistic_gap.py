"""Duality gaps of the penalised logistic and multinomial losses.

Primal, with weights ``omega_i = s_i / sum s`` and linear predictor
``eta = X w + b``::

    P(w, b) = sum_i omega_i loss_i(eta_i) + sum_j pen_j(w_j)

Dual, for ``theta`` with ``sum_i theta_i = 0`` (the free intercept) and
``x_j' theta = 0`` for the free unpenalised features::

    D(theta) = sum_i omega_i H(q_i) - sum_j pen_j*(x_j' theta)

with ``H`` the entropy of the class probabilities ``q_i`` that ``theta``
implies. The dual point is the scaled residual ``theta = t omega (Y - P)``
(``P`` the fitted probabilities), ``t`` in [0, 1] the largest scale that
keeps every conjugate finite (:func:`~shrinkage._kernels.gap.dual_scale`);
then ``q_i = (1 - t) e_{y_i} + t P_i`` is a probability vector for every
``t``. The equality constraints hold once the intercept and the free
features are optimal for the rest, which :func:`polish_free` makes so (to
rounding) before every gap.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.special import entr, expit, logsumexp, softmax

from .._kernels.gap import conjugate_sum, dual_scale
from ..penalties import PenaltyArrays

Vector = NDArray[np.float64]


def free_features(pen: PenaltyArrays) -> NDArray[np.bool_]:
    """Unpenalised features with no bound: their dual constraint is ``x_j' theta = 0``."""
    return (pen.l1 == 0) & (pen.l2 == 0) & np.isinf(pen.lower) & np.isinf(pen.upper)


# The gap is a difference of sums of order log(2) (the weights sum to 1):
# below this it measures rounding, not suboptimality.
GAP_FLOOR = 64 * float(np.finfo(np.float64).eps)


def gap_tolerance(tol: float, null_loss: float, eta: Vector | None = None) -> float:
    """The absolute tolerance of the gap: ``tol`` times the null loss, floored.

    With extreme weights the intercept-only loss can be 1e-19, far below
    what the gap, computed in floating point, can resolve: the primal and
    dual sums carry rounding of about ``eps * max |eta|`` (the loss of a
    sample grows like its linear predictor), so the floor is 64 ``eps``
    times ``1 + max |eta|``.
    """
    scale = 1.0 if eta is None or eta.size == 0 else 1.0 + float(np.max(np.abs(eta)))
    return max(float(tol) * null_loss, GAP_FLOOR * scale)


def below_floor_polish(
    gap: float, tol_abs: float, asked: float, polished: bool, n_iter: int, max_iter: int
) -> bool:
    """Whether a certified Newton solve should take one more step.

    When the tolerance asked for (``asked = tol * null loss``) is below the
    floor the gap can resolve, the certificate passes about
    ``sqrt(gap / curvature)`` from the optimum; one more Newton step (once,
    within ``max_iter``) lands at rounding, as Newton converges
    quadratically. ``path_logistic.py`` does the same in compiled code.
    """
    return gap <= tol_abs and asked < tol_abs and not polished and n_iter < max_iter


def null_loss(shares: Vector, fit_intercept: bool) -> float:
    """Loss of the best constant model: the entropy of the class shares.

    ``log K`` without an intercept (the model with every ``eta = 0``); never
    exactly 0, since it is the unit of the gap's tolerance.
    """
    if not fit_intercept:
        return float(np.log(max(shares.shape[0], 2)))
    positive = shares[shares > 0]
    return float(max(-np.sum(positive * np.log(positive)), np.finfo(np.float64).tiny))


def binary_loss(eta: Vector, y: Vector, omega: Vector) -> float:
    """``sum_i omega_i log(1 + exp(-y_i eta_i))``."""
    return float(np.dot(omega, np.logaddexp(0.0, -y * eta)))


def multinomial_loss(eta: Vector, labels: NDArray[np.int64], omega: Vector) -> float:
    """``sum_i omega_i (logsumexp(eta_i) - eta_{i, y_i})``."""
    own = eta[np.arange(eta.shape[0]), labels]
    return float(np.dot(omega, logsumexp(eta, axis=1) - own))


def _rmatvec(X: Any, v: Vector) -> Vector:
    """``X' v``; a ``StoredX`` (anything with ``rmatvec``) may reuse its last product."""
    rmatvec = getattr(X, "rmatvec", None)
    if rmatvec is not None:
        return np.asarray(rmatvec(v), dtype=np.float64)
    return np.asarray(X.T @ v, dtype=np.float64)


def _noise(X_norm_max: float, theta: Vector) -> float:
    """Rounding margin of ``x_j' theta`` (see ``dual_scale``)."""
    return 1e-12 * X_norm_max * float(np.linalg.norm(theta))


def binary_gap(
    X: Any, y: Vector, omega: Vector, eta: Vector, w: Vector, pen: PenaltyArrays,
    X_norm_max: float,
) -> tuple[float, float, Vector]:
    """``(gap, primal, X' theta_raw)`` of the binary problem; ``y`` in {-1, +1}."""
    y01 = 0.5 * (y + 1.0)
    prob = expit(eta)
    theta = omega * (y01 - prob)
    corr = _rmatvec(X, theta)
    corr_gap = np.where(free_features(pen), 0.0, corr)
    idx = np.arange(w.shape[0], dtype=np.int64)
    t = dual_scale(corr_gap, pen.l1, pen.l2, pen.lower, pen.upper, idx, 1.0,
                   _noise(X_norm_max, theta))
    conj = conjugate_sum(corr_gap, t, pen.l1, pen.l2, pen.lower, pen.upper, idx)
    # q_i: the dual's probability of sample i's own class being wrong.
    a = t * np.where(y > 0, 1.0 - prob, prob)
    dual = float(np.dot(omega, entr(a) + entr(1.0 - a))) - conj
    primal = binary_loss(eta, y, omega) + pen.value(w)
    return max(primal - dual, 0.0), primal, corr


def group_conjugate_sum(U: Vector, scale: float, l1: Vector, l2: Vector) -> float:
    """``sum_j G_j*(scale U_j)`` for ``G_j(v) = l1_j ||v||_2 + l2_j / 2 ||v||^2``."""
    norms = scale * np.linalg.norm(U, axis=1)
    excess = np.maximum(norms - l1, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(l2 > 0, excess**2 / (2.0 * np.where(l2 > 0, l2, 1.0)), 0.0)
    return float(terms.sum())


def group_dual_scale(U: Vector, l1: Vector, l2: Vector, noise: float) -> float:
    """Largest ``t <= 1`` with ``t ||U_j|| <= l1_j`` wherever ``l2_j = 0``."""
    norms = np.linalg.norm(U, axis=1)
    hard = (l2 == 0) & (norms > l1 + noise)
    if not hard.any():
        return 1.0
    return float(min(1.0, np.min(l1[hard] / norms[hard])))


def multinomial_gap(
    X: Any, Y: Vector, labels: NDArray[np.int64], omega: Vector, eta: Vector, W: Vector,
    pen: PenaltyArrays, X_norm_max: float, grouped: bool = False,
) -> tuple[float, float, Vector]:
    """``(gap, primal, X' theta_raw)`` of the softmax problem, ``W`` ``(p, K)``.

    Ungrouped, the penalty applies to every entry ``W_jk`` with feature
    ``j``'s weights; grouped, ``l1_j`` multiplies the Euclidean norm of the
    row ``W_j`` (glmnet's ``type.multinomial = "grouped"``).
    """
    prob = softmax(eta, axis=1)
    theta = omega[:, None] * (Y - prob)
    corr = _rmatvec(X, theta)
    free = free_features(pen)
    corr_gap = np.where(free[:, None], 0.0, corr)
    noise = _noise(X_norm_max, theta.ravel())
    if grouped:
        t = group_dual_scale(corr_gap, pen.l1, pen.l2, noise)
        conj = group_conjugate_sum(corr_gap, t, pen.l1, pen.l2)
        pen_value = float(
            np.sum(pen.l1 * np.linalg.norm(W, axis=1)) + 0.5 * np.sum(pen.l2 * (W * W).sum(1))
        )
    else:
        idx = np.arange(W.shape[0], dtype=np.int64)
        t = min(
            dual_scale(np.ascontiguousarray(corr_gap[:, k]), pen.l1, pen.l2, pen.lower,
                       pen.upper, idx, 1.0, noise)
            for k in range(W.shape[1])
        )
        conj = sum(
            conjugate_sum(np.ascontiguousarray(corr_gap[:, k]), t, pen.l1, pen.l2, pen.lower,
                          pen.upper, idx)
            for k in range(W.shape[1])
        )
        pen_value = sum(pen.value(W[:, k]) for k in range(W.shape[1]))
    q = (1.0 - t) * Y + t * prob
    dual = float(np.dot(omega, entr(q).sum(axis=1))) - conj
    primal = multinomial_loss(eta, labels, omega) + pen_value
    return max(primal - dual, 0.0), primal, corr


def softmax_gradient_hessian(Y: Vector, omega: Vector) -> Any:
    """``grad_hess(eta)`` of the softmax loss, as :func:`polish_free` takes it.

    Returns the gradient in ``eta``, ``omega (P - Y)``, and the Hessian
    restricted to the span of ``C``: ``d^2 / d eta_ik d eta_il = omega_i
    (P_ik delta_kl - P_ik P_il)``, as a ``(m K, m K)`` matrix.
    """
    K = Y.shape[1]

    def grad_hess(eta: Vector) -> tuple[Vector, Any]:
        P = softmax(eta, axis=1)

        def hessian(C: Vector) -> Vector:
            m = C.shape[1]
            Cw = C * omega[:, None]
            H = np.einsum("ia,ib,ik,kl->akbl", C, Cw, P, np.eye(K), optimize=True)
            H -= np.einsum("ia,ib,ik,il->akbl", C, Cw, P, P, optimize=True)
            return np.asarray(H.reshape(m * K, m * K))

        return omega[:, None] * (P - Y), hessian

    return grad_hess


def polish_free(
    X: Any, eta: Vector, free_idx: NDArray[np.int64], fit_intercept: bool,
    gradient_hessian: Any, loss: Any, n_classes: int = 1, max_iter: int = 50,
) -> tuple[Vector, Vector]:
    """Newton on the intercept(s) and the free features, the rest fixed.

    ``gradient_hessian(eta)`` returns the loss's ``(G, Hfun)``: ``G`` the
    derivative with respect to ``eta`` (``(n,)`` or ``(n, K)``) and
    ``Hfun(C)`` the Hessian of ``eta -> loss`` restricted to the span of
    ``C`` (``(m K, m K)``). Returns the change of these coordinates,
    ``(m, K)`` with row 0 the intercept when fitted, and the new ``eta``.
    Newton converges quadratically on this small smooth problem, so the
    constraints of the dual hold to rounding afterwards; it stops when the
    gradient is exactly 0 or no longer shrinks.
    """
    cols = []
    if fit_intercept:
        cols.append(np.ones((eta.shape[0], 1)))
    if free_idx.size:
        block = X[:, free_idx]
        cols.append(block.toarray() if sp.issparse(block) else np.asarray(block, dtype=np.float64))
    if not cols:
        return np.zeros((0, n_classes)), eta
    C = np.hstack(cols)
    m = C.shape[1]
    total = np.zeros((m, n_classes))
    current = loss(eta)
    previous_norm = np.inf
    for _ in range(max_iter):
        G, hessian = gradient_hessian(eta)
        grad = (C.T @ G.reshape(eta.shape[0], n_classes)).ravel()
        grad_norm = float(np.max(np.abs(grad)))
        if grad_norm == 0.0 or grad_norm >= previous_norm:
            break  # exact, or rounding has stopped further progress
        previous_norm = grad_norm
        step = -scipy.linalg.lstsq(hessian(C), grad, check_finite=False)[0]
        decrease = -float(grad @ step)
        if not decrease > 0:
            break
        delta = step.reshape(m, n_classes)
        if decrease <= 1e-10 * abs(current):
            # Too small a change to see in the loss: Newton's region of
            # quadratic convergence, where the full step is safe.
            candidate = eta + (C @ delta).reshape(eta.shape)
            value = loss(candidate)
        else:
            t, accepted = 1.0, False
            for _ in range(40):
                candidate = eta + (C @ (t * delta)).reshape(eta.shape)
                value = loss(candidate)
                if value <= current - 1e-4 * t * decrease:
                    accepted = True
                    break
                t *= 0.5
            if not accepted:
                break
            delta = t * delta
        total += delta
        eta, current = candidate, value
    return total, eta
