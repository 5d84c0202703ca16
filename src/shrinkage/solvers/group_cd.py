"""Block coordinate descent for the grouped multinomial penalty.

glmnet's ``type.multinomial = "grouped"``: with ``eta = X W + b``, ``W`` of
shape ``(n_features, K)`` and weights ``omega_i = s_i / sum s``::

    sum_i omega_i (logsumexp(eta_i) - eta_{i, y_i})
        + sum_j l1_j ||W_j||_2 + l2_j / 2 ||W_j||^2

The Euclidean norm over a feature's row of coefficients selects features
for all classes at once: a row is either entirely zero or entirely
nonzero. Each block step minimises Böhning's global quadratic majoriser of
the loss along one row (:mod:`.._kernels.cd_group`), so every step is a
descent step without a line search. Every ``check_every`` epochs the
intercept and the free unpenalised features are made optimal for the rest
(a few Newton steps, which the dual's equality constraints need) and the
duality gap is computed (:func:`._logistic_gap.multinomial_gap` with
``grouped=True``); the solver stops when it is below ``tol`` times the
intercept-only model's loss, as :class:`.ProxNewton` does.

Bounds are not supported: a box does not commute with the row norm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._kernels.anderson import anderson_candidate
from .._kernels.cd_group import group_epochs_dense, group_epochs_sparse, softmax_rows
from ..penalties import PenaltyArrays
from ._logistic_gap import (
    free_features,
    gap_tolerance,
    multinomial_gap,
    multinomial_loss,
    softmax_gradient_hessian,
)
from .base import lower_penalty, warn_not_converged
from .prox_newton import (
    LogisticSolution,
    StoredX,
    _null_multinomial_loss,
    _polish,
    normalised_weights,
)

Vector = NDArray[np.float64]


def group_penalty_value(W: Vector, pen: PenaltyArrays) -> float:
    """``sum_j l1_j ||W_j|| + l2_j / 2 ||W_j||^2``."""
    sq = np.einsum("jk,jk->j", W, W)
    return float(np.dot(pen.l1, np.sqrt(sq)) + 0.5 * np.dot(pen.l2, sq))


def check_no_bounds(pen: PenaltyArrays) -> None:
    if np.any(np.isfinite(pen.lower)) or np.any(np.isfinite(pen.upper)):
        raise ValueError(
            "bounds (lower_bounds, upper_bounds, positive) are not supported with "
            "grouped=True (the grouped multinomial penalty); drop them or use the "
            "ungrouped penalty (grouped=False)."
        )


@dataclass(frozen=True)
class GroupCD:
    """Certified block coordinate descent for the grouped multinomial penalty.

    Parameters
    ----------
    tol : float, default=1e-4
        Stop when the duality gap is below ``tol`` times the intercept-only
        model's loss.
    max_iter : int, default=10000
        Epochs (passes over the features).
    check_every : int, default=10
        Epochs between two duality gaps.
    """

    tol: float = 1e-4
    max_iter: int = 10000
    check_every: int = 10

    def solve(
        self,
        X: Any,
        labels: NDArray[np.int64],
        n_classes: int,
        penalty: Any,
        *,
        sample_weight: Any = None,
        fit_intercept: bool = True,
        coef_init: Vector | None = None,
        intercept_init: Vector | None = None,
        warn: bool = True,
    ) -> LogisticSolution:
        """Minimise the grouped penalised softmax loss; ``labels`` are ``0 .. K-1``."""
        data = X if isinstance(X, StoredX) else StoredX(X)
        pen = lower_penalty(penalty, data.n_features)
        check_no_bounds(pen)
        labels = np.ascontiguousarray(labels, dtype=np.int64)
        K, n, p = int(n_classes), data.n_rows, data.n_features
        omega = normalised_weights(sample_weight, n)
        Y = np.zeros((n, K))
        Y[np.arange(n), labels] = 1.0
        W = np.zeros((p, K)) if coef_init is None else np.array(
            coef_init, dtype=np.float64).reshape(p, K)
        b = np.zeros(K)
        if fit_intercept and intercept_init is not None:
            b = np.array(intercept_init, dtype=np.float64).reshape(K)
        mean = np.zeros(p)
        if fit_intercept:
            # Centred columns decouple the intercept from the features (see
            # _logistic_data); b is the centred model's intercept inside.
            data, mean = data.centred(omega)
            b = b + mean @ W
        everything = np.arange(p, dtype=np.int64)
        curv = 0.5 * data.sq_norms(omega, everything)
        omega_sum = float(omega.sum())
        null_loss = _null_multinomial_loss(Y, omega, fit_intercept)
        tol_abs = gap_tolerance(self.tol, null_loss)
        free_idx = np.flatnonzero(free_features(pen)).astype(np.int64)
        l1, l2 = np.ascontiguousarray(pen.l1), np.ascontiguousarray(pen.l2)

        def loss(e: Vector) -> float:
            return multinomial_loss(e, labels, omega)

        grad_hess = softmax_gradient_hessian(Y, omega)

        epochs = 0
        while True:
            W, b, eta = _polish(data, np.empty(0), W, b, pen, fit_intercept, grad_hess, loss, K)
            eta = np.ascontiguousarray(eta)  # the kernels update it in place, row by row
            gap, primal, _ = multinomial_gap(
                data.X, Y, labels, omega, eta, W, pen, data.max_norm, grouped=True
            )
            tol_abs = gap_tolerance(self.tol, null_loss, eta)
            if gap <= tol_abs or epochs >= self.max_iter:
                break
            P = np.empty_like(eta)
            softmax_rows(eta, P)
            run = min(self.check_every, self.max_iter - epochs)
            history = np.empty((run + 1, W.size + K))
            history[0] = np.concatenate([W.ravel(), b])
            for k in range(run):
                if data.sparse:
                    A = data.X
                    group_epochs_sparse(A.data, A.indices, A.indptr, W, b, eta, P, omega,
                                        labels, curv, l1, l2, everything, 1, fit_intercept,
                                        omega_sum)
                else:
                    group_epochs_dense(data.X, W, b, eta, P, omega, labels, curv, l1, l2,
                                       everything, 1, fit_intercept, omega_sum)
                history[k + 1] = np.concatenate([W.ravel(), b])
            epochs += run
            if run >= 3:
                W, b = _extrapolate(data, W, b, eta, history, pen, loss)
        # The softmax ignores a shift of eta_i by a constant: the intercept and
        # the free rows are defined up to one; report the centred one (the
        # penalised rows of a minimiser are centred already).
        if fit_intercept:
            b = b - mean @ W
            b = b - b.mean()
        W[free_idx] -= W[free_idx].mean(axis=1, keepdims=True)
        solution = LogisticSolution(
            coef=W, intercept=b if fit_intercept else np.zeros(K),
            certificate=float(gap), certificate_kind="duality_gap", tol=tol_abs,
            primal=float(primal), n_iter=epochs, n_epochs=epochs,
            converged=bool(gap <= tol_abs),
        )
        if warn and not solution.converged:
            warn_not_converged("Group coordinate descent", solution, self.max_iter)  # type: ignore[arg-type]
        return solution


def _extrapolate(
    data: StoredX, W: Vector, b: Vector, eta: Vector, history: Vector, pen: PenaltyArrays,
    loss: Any,
) -> tuple[Vector, Vector]:
    """Anderson extrapolation of a window of epochs, kept when it lowers the objective.

    Böhning's bound makes every block step a sure but short one (the bound
    is loose wherever a class's probability is far from 1/2); the iterates
    then drift along a few directions, which extrapolation (Bertrand and
    Massias 2021) jumps along. Rows that did not move keep their exact value,
    so rows at zero stay exactly zero.
    """
    K = W.shape[1]
    out = np.empty(history.shape[1])
    unbounded = np.full(history.shape[1], np.inf)
    if not anderson_candidate(history, -unbounded, unbounded, 0.0, out):
        return W, b
    if not np.all(np.isfinite(out)):
        return W, b
    W_new, b_new = out[:-K].reshape(W.shape), out[-K:]
    eta_new = np.column_stack([data.matvec(W_new[:, k]) for k in range(K)]) + b_new
    current = loss(eta) + group_penalty_value(W, pen)
    # A clear decrease only: a choice made on rounding would make two fits of
    # the same problem (weights or repeated rows, say) part ways.
    if loss(eta_new) + group_penalty_value(W_new, pen) < current * (1.0 - 1e-10):
        return np.ascontiguousarray(W_new), np.array(b_new)
    return W, b
