"""Plain (sub)gradient descent with the textbook update rules: a teaching solver.

Solves ``min_w ||y - X w||^2 / (2 n) + pen(w)`` by the updates found in
every course, with ``grad = -X' (y - X w) / n`` the gradient of the loss:

======================  ===================================================
penalty                 update
======================  ===================================================
none (``None``)         ``w - eta * grad``
``L1(alpha)``           ``w - eta * (grad + alpha * sign(w))``
``L2(alpha)``           ``w - eta * (grad + 2 * alpha * w)``
``ElasticNet`` or any   ``clip(w - eta * (grad + l1 * sign(w) + l2 * w),
``PenaltyArrays``       lower, upper)`` (projected subgradient)
======================  ===================================================

The first three rows are the last one for the lowered arrays (``L1``:
``l1 = alpha f``; ``L2``: ``l2 = 2 alpha f``): :func:`subgradient_step`.

For teaching only: ``|w|`` has no gradient at 0 and ``sign(w)`` pushes a
small coefficient across 0 at every step, so the iterates oscillate around
0 and **never produce exact zeros** (a decaying step damps the oscillation,
like ``1/sqrt(k)``). The soft-threshold of the proximal solvers
(:class:`~shrinkage.solvers.prox_grad.ProximalGradient`,
:class:`~shrinkage.solvers.CoordinateDescent`) gives exact zeros.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from numbers import Integral

import numpy as np
from numpy.typing import NDArray

from .._design import Design, as_design
from ..penalties import PenaltyArrays
from .base import Solution, convergence_warning, lower_penalty, warn_not_converged
from .prox_grad import lipschitz_constant

__all__ = ["GradientDescent", "gradient_descent_trajectory", "subgradient_step"]

_SCHEDULES = ("auto", "constant", "inverse_sqrt")


def subgradient_step(
    w: NDArray[np.float64],
    grad: NDArray[np.float64],
    pen: PenaltyArrays,
    learning_rate: float,
) -> NDArray[np.float64]:
    """``clip(w - eta * (grad + l1 * sign(w) + l2 * w), lower, upper)``.

    The textbook (projected) subgradient step; ``sign(0) = 0``, so a
    coefficient exactly at 0 moves by ``-eta * grad`` alone. Returns a new
    array.
    """
    return np.clip(w - learning_rate * (grad + pen.subgradient(w)), pen.lower, pen.upper)


@dataclass(frozen=True)
class GradientDescent:
    """Textbook (sub)gradient descent; for teaching, not for fitting models.

    Minimises ``||y - X w||^2 / (2 n) + pen(w)`` with the updates of the
    module docstring. On smooth problems (no L1) it converges to the
    solution. With L1 it **never produces exact zeros**: the coefficients
    that should be 0 oscillate around 0, and the KKT certificate stays of
    the order of ``alpha``. Use
    :class:`~shrinkage.solvers.prox_grad.ProximalGradient` or
    :class:`~shrinkage.solvers.CoordinateDescent` for real fits.

    Parameters
    ----------
    learning_rate : float or None, default=None
        The step ``eta0``; ``None`` uses ``1/L`` with ``L = ||X||_2^2 / n``.
    max_iter : int, default=10_000
        Maximum number of steps.
    tol : float, default=1e-4
        Stop when the largest KKT violation is below
        ``tol * ||X' y||_inf / n``. The violation is in gradient units, and
        ``||X' y||_inf / n`` is the largest gradient entry at ``w = 0`` (the
        ``alpha_max`` of the Lasso), so ``tol`` is relative, like the
        duality-gap tolerance of the other solvers.
    schedule : {"auto", "constant", "inverse_sqrt"}, default="auto"
        ``"constant"``: ``eta_k = eta0``, linear convergence without L1, a
        never-ending oscillation with it. ``"inverse_sqrt"``:
        ``eta_k = eta0 / sqrt(k + 1)``, the decreasing step the subgradient
        method needs to converge with L1 (slowly: the objective error
        decays like ``1/sqrt(k)``). ``"auto"``: decay only when some
        ``l1 > 0``.
    record_every : int or None, default=None
        :meth:`solve_with_trajectory` keeps every ``record_every``-th
        iterate (``None``: every one). :meth:`solve` ignores it, as a
        :class:`Solution` holds no trajectory.

    Notes
    -----
    The certificate is the largest KKT violation (``certificate_kind="kkt"``).
    Subgradient steps do not decrease the objective monotonically, so the
    best iterate seen (lowest objective) is returned, or the first iterate
    that meets the certificate.
    """

    learning_rate: float | None = None
    max_iter: int = 10_000
    tol: float = 1e-4
    schedule: str = "auto"
    record_every: int | None = None

    def __post_init__(self) -> None:
        lr = self.learning_rate
        if lr is not None and not (lr > 0 and math.isfinite(lr)):
            raise ValueError(f"learning_rate must be finite and > 0, got {lr!r}.")
        if self.schedule not in _SCHEDULES:
            raise ValueError(f"schedule must be in {_SCHEDULES}, got {self.schedule!r}.")
        if self.max_iter < 0 or not self.tol >= 0:
            raise ValueError(f"max_iter and tol must be >= 0, got {self.max_iter!r}, {self.tol!r}.")
        if self.record_every is not None and self.record_every < 1:
            raise ValueError(f"record_every must be >= 1, got {self.record_every!r}.")

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
        """Minimise ``||y - X w||^2 / (2 n) + penalty(w)`` by (sub)gradient steps.

        Parameters
        ----------
        X : ndarray, sparse matrix or a design from preprocessing
            No intercept column: centre beforehand.
        y : ndarray of shape (n_rows,)
        penalty : L1, L2, ElasticNet, PenaltyArrays or None
            ``None`` means no penalty (least squares).
        coef_init : ndarray of shape (n_features,), optional
            Starting point (clipped to the bounds; never modified).
        n_samples : float, optional
            The ``n`` of the loss; defaults to the number of rows.
        warn : bool, default=True
            Emit a ``ConvergenceWarning`` when ``max_iter`` is reached.

        Returns
        -------
        Solution
            With ``certificate_kind="kkt"``.
        """
        run = _Run.start(X, y, penalty, coef_init, n_samples)
        solution, _ = self._iterate(run, record_every=0)
        if warn and not solution.converged:
            if np.any(run.pen.l1 > 0):
                _warn_l1(solution, self.max_iter)
            else:
                warn_not_converged("Gradient descent", solution, self.max_iter)
        return solution

    def solve_with_trajectory(
        self,
        X: object,
        y: NDArray[np.floating],
        penalty: object,
        *,
        coef_init: NDArray[np.floating] | None = None,
        n_samples: float | None = None,
        warn: bool = True,
    ) -> tuple[Solution, NDArray[np.float64]]:
        """As :meth:`solve`, also returning the iterates.

        Returns
        -------
        solution : Solution
        trajectory : ndarray of shape (n_recorded, n_features)
            The starting point, then every ``record_every``-th iterate.
        """
        run = _Run.start(X, y, penalty, coef_init, n_samples)
        solution, trajectory = self._iterate(run, record_every=self.record_every or 1)
        if warn and not solution.converged:
            if np.any(run.pen.l1 > 0):
                _warn_l1(solution, self.max_iter)
            else:
                warn_not_converged("Gradient descent", solution, self.max_iter)
        return solution, trajectory

    def _iterate(self, run: _Run, record_every: int) -> tuple[Solution, NDArray[np.float64]]:
        scale = float(np.max(np.abs(run.design.rmatvec(run.y)), initial=0.0)) / run.n
        eta0 = run.learning_rate(self.learning_rate)
        decay = run.decays(self.schedule)
        return run.iterate(eta0, decay, self.max_iter, self.tol * scale, record_every)


def gradient_descent_trajectory(
    X: object,
    y: NDArray[np.floating],
    penalty: object,
    learning_rate: float | None,
    n_steps: int,
    coef_init: NDArray[np.floating] | None = None,
    *,
    schedule: str = "constant",
    n_samples: float | None = None,
) -> NDArray[np.float64]:
    """The first ``n_steps`` (sub)gradient-descent iterates, for plots.

    Parameters
    ----------
    X, y, penalty
        As in :meth:`GradientDescent.solve` (``penalty=None``: no penalty).
    learning_rate : float or None
        The step ``eta0``; ``None`` uses ``1/L``.
    n_steps : int
        Number of steps; no early stopping.
    coef_init : ndarray of shape (n_features,), optional
        Starting point (default 0; clipped to the bounds).
    schedule : {"constant", "inverse_sqrt", "auto"}, default="constant"
        As in :class:`GradientDescent`; constant shows the oscillation of
        L1 coefficients around 0.
    n_samples : float, optional
        The ``n`` of the loss; defaults to the number of rows.

    Returns
    -------
    ndarray of shape (n_steps + 1, n_features)
        Row 0 is the starting point, row ``k`` the iterate after ``k`` steps.

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [0.0, 2.0]])
    >>> gradient_descent_trajectory(X, np.array([2.0, 2.0]), None, 1.0, 2)
    array([[0. , 0. ],
           [1. , 2. ],
           [1.5, 0. ]])
    """
    if isinstance(n_steps, bool) or not isinstance(n_steps, Integral) or n_steps < 0:
        raise ValueError(f"n_steps must be an int >= 0, got {n_steps!r}.")
    GradientDescent(learning_rate, schedule=schedule)  # validates both
    run = _Run.start(X, y, penalty, coef_init, n_samples)
    eta0 = run.learning_rate(learning_rate)
    # A negative tolerance is never met: exactly n_steps steps are taken.
    return run.iterate(eta0, run.decays(schedule), int(n_steps), -1.0, 1)[1]


@dataclass(frozen=True, eq=False)
class _Run:
    """The validated problem of one gradient-descent run."""

    design: Design
    y: NDArray[np.float64]
    pen: PenaltyArrays
    n: float
    w0: NDArray[np.float64]

    @classmethod
    def start(
        cls,
        X: object,
        y: NDArray[np.floating],
        penalty: object,
        coef_init: NDArray[np.floating] | None,
        n_samples: float | None,
    ) -> _Run:
        design = as_design(X)
        p = design.n_features
        zero, inf = np.zeros(p), np.full(p, np.inf)
        if penalty is None:
            pen = PenaltyArrays(l1=zero, l2=zero, lower=-inf, upper=inf)
        else:
            pen = lower_penalty(penalty, p)
        w0 = zero if coef_init is None else np.asarray(coef_init, dtype=np.float64)
        if w0.shape != (p,):
            raise ValueError(f"coef_init has shape {w0.shape}; X has {p} features.")
        n = float(design.n_rows if n_samples is None else n_samples)
        y64: NDArray[np.float64] = np.ascontiguousarray(y, dtype=np.float64)
        return cls(design, y64, pen, n, np.clip(w0, pen.lower, pen.upper))

    def learning_rate(self, learning_rate: float | None) -> float:
        """The given step, or ``1/L`` (1 when X is zero: the loss is constant)."""
        if learning_rate is not None:
            return float(learning_rate)
        return 1.0 / (lipschitz_constant(self.design, self.n) or 1.0)

    def decays(self, schedule: str) -> bool:
        """Whether ``eta_k = eta0 / sqrt(k + 1)`` (``"auto"``: when some l1 > 0)."""
        if schedule == "auto":
            return bool(np.any(self.pen.l1 > 0))
        return schedule == "inverse_sqrt"

    def iterate(
        self,
        eta0: float,
        decay: bool,
        max_steps: int,
        tol_abs: float,
        record_every: int,
    ) -> tuple[Solution, NDArray[np.float64]]:
        """Step until the KKT violation is ``<= tol_abs`` or ``max_steps``.

        Returns the best iterate (or the certified one) and the recorded
        iterates (``record_every=0`` records nothing).
        """
        w = self.w0
        trajectory = [w] if record_every else []
        best: tuple[float, NDArray[np.float64], float] = (math.inf, w, math.inf)
        for k in range(max_steps + 1):
            r = self.y - self.design.matvec(w)
            grad = -self.design.rmatvec(r) / self.n
            primal = 0.5 * float(np.dot(r, r)) / self.n + self.pen.value(w)
            kkt = float(np.max(self.pen.kkt_violation(w, grad), initial=0.0))
            if kkt <= tol_abs:
                best = (primal, w, kkt)
                break
            if primal < best[0]:
                best = (primal, w, kkt)
            if k == max_steps:
                break
            eta = eta0 / math.sqrt(k + 1) if decay else eta0
            w = subgradient_step(w, grad, self.pen, eta)
            if record_every and (k + 1) % record_every == 0:
                trajectory.append(w)
        primal, coef, kkt = best
        solution = Solution(
            coef=coef,
            certificate=kkt,
            certificate_kind="kkt",
            tol=max(tol_abs, 0.0),
            primal=primal,
            n_iter=k,
            converged=bool(kkt <= tol_abs),
        )
        p = self.pen.n_features
        return solution, np.array(trajectory).reshape(len(trajectory), p)


def _warn_l1(solution: Solution, max_iter: int) -> None:
    """The non-convergence warning for L1, which says it is expected."""
    warnings.warn(
        f"Gradient descent did not converge in max_iter={max_iter} iterations: "
        f"the KKT violation is {solution.certificate:.3e}, above the tolerance "
        f"{solution.tol:.3e}. This is expected for subgradient descent on an L1 "
        "penalty: the coefficients that should be 0 oscillate around 0 and never "
        "reach it exactly, so the KKT violation stays of the order of alpha. Use "
        "a proximal solver (ProximalGradient or CoordinateDescent) for exact zeros.",
        convergence_warning(),
        stacklevel=3,
    )
