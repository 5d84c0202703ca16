"""Proximal gradient descent (ISTA / FISTA) for penalised least squares.

Solves ``min_w ||y - X w||^2 / (2 n) + pen(w)`` for any penalty lowered to
``(l1, l2, lower, upper)`` arrays, using only the penalty's prox and the
products ``X w`` and ``X' r``. It is the general solver and the test oracle
for the faster coordinate descent: each iteration is one gradient step on
the loss and one prox, with no structure to get wrong.

* ``accelerated=False`` is ISTA: ``w+ = prox(w - step grad(w), step)``.
* ``accelerated=True`` is FISTA (Beck & Teboulle 2009) with the gradient
  adaptive restart of O'Donoghue & Candès (2015): the momentum is reset
  whenever it points against the last step, which keeps FISTA monotone in
  practice and restores linear convergence on strongly convex problems.

The step is ``1/L`` with ``L = ||X||_2^2 / n`` estimated by power iteration
(:func:`lipschitz_constant`). The power method approaches ``L`` from below,
so every step is also checked against the descent lemma, which for the
quadratic loss is exact and free: ``||X d||^2 / n <= L ||d||^2`` with
``d = w+ - z`` (both products are already known). A failed check raises
``L`` and redoes the step (backtracking).

The certificate is the duality gap of ``_kernels/gap.py``, computed every
``check_every`` iterations as coordinate descent computes it (the
projection of :meth:`shrinkage.solvers.cd._State.dual_residual` is reused):
the dual point is the residual projected away from the free unpenalised
columns, so features with ``l1 == l2 == 0`` keep the gap finite and
meaningful.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .._design import Design
from ..penalties import PenaltyArrays
from .base import Solution, prepare_least_squares, warn_not_converged
from .cd import _State

__all__ = ["ProximalGradient", "lipschitz_constant"]

_POWER_ITERATIONS = 30
_LIPSCHITZ_SAFETY = 1.05  # the power method underestimates L; stay above it
_MAX_BACKTRACKS = 64  # each one at least doubles L


def lipschitz_constant(
    design: Design, n_samples: float, *, n_iter: int = _POWER_ITERATIONS
) -> float:
    """Estimate ``L = ||X||_2^2 / n``, the Lipschitz constant of the gradient.

    Parameters
    ----------
    design : DenseDesign or SparseDesign
        Only ``matvec`` and ``rmatvec`` are used, so implicit centring of a
        sparse design is respected.
    n_samples : float
        The ``n`` of the loss.
    n_iter : int, default=30
        Power iterations on ``X' X`` from a seeded random start.

    Returns
    -------
    float
        The Rayleigh-quotient estimate times a safety factor of 1.05; 0 when
        ``X`` is zero. The power method converges from below, so callers that
        need a guarantee must check the step (as :class:`ProximalGradient`
        does).
    """
    p = design.n_features
    if p == 0:
        return 0.0
    v = np.random.default_rng(0).standard_normal(size=(p,))
    v /= np.linalg.norm(v)
    estimate = 0.0
    for _ in range(n_iter):
        xv = design.matvec(v)
        previous, estimate = estimate, float(np.dot(xv, xv))
        v = design.rmatvec(xv)
        norm = float(np.linalg.norm(v))
        if norm == 0.0:
            return 0.0
        v /= norm
        if abs(estimate - previous) <= 1e-6 * estimate:
            break
    return _LIPSCHITZ_SAFETY * estimate / n_samples


@dataclass(frozen=True)
class ProximalGradient:
    """ISTA / FISTA with adaptive restart, certified by the duality gap.

    Minimises ``||y - X w||^2 / (2 n) + pen(w)`` for any penalty through its
    prox: L1, L2, Elastic-Net, penalty factors (including 0) and bounds.

    Parameters
    ----------
    tol : float, default=1e-4
        Stop when the duality gap is below ``tol * ||y||^2 / n`` (as
        scikit-learn and :class:`~shrinkage.solvers.CoordinateDescent`).
    max_iter : int, default=10_000
        Maximum number of proximal gradient iterations.
    accelerated : bool, default=True
        FISTA with gradient restart (O'Donoghue & Candès); ``False`` gives
        ISTA, slower but monotone by construction.
    step : float or None, default=None
        Fixed step size, used as given (it must be at most ``1/L`` for the
        method to converge). ``None`` uses ``1/L`` from
        :func:`lipschitz_constant`, checked and raised by backtracking.
    check_every : int, default=10
        Iterations between two duality-gap evaluations (each costs one
        extra ``X' r``).

    Notes
    -----
    Unpenalised features (``l1 == l2 == 0``) are handled in the gap by
    projecting the residual away from their columns, as coordinate descent
    does; no KKT fallback is needed. One degenerate case remains: an
    unpenalised coefficient sitting exactly on a bound at 0 whose gradient
    is exactly 0 at the optimum may leave the gap large until the iterate
    moves off the bound.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.penalties import L1
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> y = np.array([1.0, -1.0, 0.0])
    >>> sol = ProximalGradient(tol=1e-10).solve(X, y, L1(0.1))
    >>> np.round(sol.coef, 4), sol.converged
    (array([ 0.7, -0.7]), True)
    """

    tol: float = 1e-4
    max_iter: int = 10_000
    accelerated: bool = True
    step: float | None = None
    check_every: int = 10

    def __post_init__(self) -> None:
        if not self.tol >= 0:
            raise ValueError(f"tol must be >= 0, got {self.tol!r}.")
        if self.max_iter < 0:
            raise ValueError(f"max_iter must be >= 0, got {self.max_iter!r}.")
        if self.step is not None and not (self.step > 0 and math.isfinite(self.step)):
            raise ValueError(f"step must be a finite number > 0 or None, got {self.step!r}.")
        if self.check_every < 1:
            raise ValueError(f"check_every must be >= 1, got {self.check_every!r}.")

    def solve(
        self,
        X: object,
        y: NDArray[np.floating],
        penalty: object,
        *,
        coef_init: NDArray[np.floating] | None = None,
        n_samples: float | None = None,
        warn: bool = True,
    ) -> Solution:
        """Minimise ``||y - X w||^2 / (2 n) + penalty(w)``.

        Parameters
        ----------
        X : ndarray, sparse matrix or a design from preprocessing
            No intercept column: centre beforehand (estimators do).
        y : ndarray of shape (n_rows,)
        penalty : L1, L2, ElasticNet or PenaltyArrays
        coef_init : ndarray of shape (n_features,), optional
            Warm start (clipped to the bounds; never modified).
        n_samples : float, optional
            The ``n`` of the loss; defaults to the number of rows.
        warn : bool, default=True
            Emit a ``ConvergenceWarning`` when ``max_iter`` is reached.

        Returns
        -------
        Solution
            With ``certificate_kind="duality_gap"``.
        """
        design, pen, y64, n = prepare_least_squares(X, y, penalty, n_samples)
        state = _State.start(design, y64, pen, coef_init)
        tol_abs = self.tol * float(np.dot(y64, y64)) / n
        if self.step is not None:
            lipschitz = 1.0 / self.step
        else:
            # X == 0 makes the loss constant: any step is exact.
            lipschitz = lipschitz_constant(design, n) or 1.0

        w, xw = state.w, y64 - state.r
        z, xz = w, xw
        momentum = 1.0
        n_iter = 0
        while True:
            if n_iter % self.check_every == 0 or n_iter >= self.max_iter:
                state.w, state.r = w, y64 - xw
                gap, primal, _, _ = state.gap(design, y64, pen, n, state.all_idx)
                if not math.isfinite(primal):
                    raise FloatingPointError(
                        f"ProximalGradient diverged (objective {primal}) with step "
                        f"{1.0 / lipschitz:.3e}: the step is too large for this X. "
                        "Leave step=None to use 1/L with backtracking."
                    )
                if gap <= tol_abs or n_iter >= self.max_iter:
                    break
            grad = -design.rmatvec(y64 - xz) / n
            w_new, xw_new, lipschitz = self._prox_step(design, pen, z, xz, grad, lipschitz, n)
            if self.accelerated:
                if np.dot(z - w_new, w_new - w) > 0:
                    momentum = 1.0  # restart: the momentum points uphill
                next_momentum = 0.5 * (1.0 + math.sqrt(1.0 + 4.0 * momentum**2))
                beta = (momentum - 1.0) / next_momentum
                z = w_new + beta * (w_new - w)
                xz = xw_new + beta * (xw_new - xw)
                momentum = next_momentum
            else:
                z, xz = w_new, xw_new
            w, xw = w_new, xw_new
            n_iter += 1

        solution = Solution(
            coef=w,
            certificate=float(gap),
            certificate_kind="duality_gap",
            tol=tol_abs,
            primal=float(primal),
            n_iter=n_iter,
            converged=bool(gap <= tol_abs),
        )
        if warn and not solution.converged:
            warn_not_converged("Proximal gradient", solution, self.max_iter)
        return solution

    def _prox_step(
        self,
        design: Design,
        pen: PenaltyArrays,
        z: NDArray[np.float64],
        xz: NDArray[np.float64],
        grad: NDArray[np.float64],
        lipschitz: float,
        n: float,
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
        """One prox step from ``z``; returns ``(w+, X w+, L)`` with ``L`` checked.

        The quadratic loss satisfies the descent lemma at ``L`` exactly when
        ``||X d||^2 / n <= L ||d||^2`` for the step ``d = w+ - z``. ``X d`` is
        first taken as ``X w+ - X z`` (free, but it loses digits when ``d``
        is tiny); a failure is confirmed with one exact product before ``L``
        is raised.
        """
        for _ in range(_MAX_BACKTRACKS):
            step = 1.0 / lipschitz
            w_new = pen.prox(z - step * grad, step)
            xw_new = design.matvec(w_new)
            if self.step is not None:
                return w_new, xw_new, lipschitz
            d = w_new - z
            dd = float(np.dot(d, d))
            xd = xw_new - xz
            if float(np.dot(xd, xd)) <= lipschitz * n * dd:
                return w_new, xw_new, lipschitz
            xd = design.matvec(d)
            curvature = float(np.dot(xd, xd)) / n
            if curvature <= lipschitz * dd:
                return w_new, xw_new, lipschitz
            lipschitz = max(2.0 * lipschitz, _LIPSCHITZ_SAFETY * curvature / dd)
        raise FloatingPointError(
            "ProximalGradient: backtracking could not find a step satisfying the "
            f"descent lemma (L reached {lipschitz:.3e}); X or y holds values too "
            "large or not finite."
        )
