"""Working-set coordinate descent with gap-safe screening.

Solves ``min_w ||y - X w||^2 / (2 n) + pen(w)`` for any penalty lowered to
``(l1, l2, lower, upper)`` arrays, on dense or CSC X, and certifies the
result with the duality gap (``_kernels/gap.py``).

The outer loop (celer, Massias et al. 2018):

1. compute ``X' theta`` for the current dual point and the duality gap;
   stop when ``gap <= tol * ||y||^2 / n`` (scikit-learn's criterion);
2. gap-safe screening (Ndiaye et al. 2017): a feature whose dual constraint
   cannot be tight inside the ball of radius ``sqrt(2 gap / n)`` around
   ``theta`` is zero at the optimum; it is zeroed and never visited again;
3. the working set: the support, the unpenalised features and the features
   closest to violating their constraint, at least twice the support;
4. compiled coordinate-descent epochs on the working set until its own gap
   falls below a fraction of the outer gap.

With few features the working set is all of them and this is plain cyclic
coordinate descent with a gap check every ``check_every`` epochs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg
from numpy.typing import NDArray

from .._design import Design
from .._kernels.anderson import anderson_candidate
from .._kernels.gap import duality_gap, primal_value
from ..penalties import PenaltyArrays
from .base import Solution, prepare_least_squares, warn_not_converged

_INNER_GAP_FRACTION = 0.3  # celer's choice: solve the subproblem to 30% of the gap
_MIN_WORKING_SET = 10
_BOUND_SNAP = 1e-12  # relative distance at which an extrapolated value is on its bound
_ANDERSON_K = 10  # iterates per extrapolation: fewer, longer windows measured faster than 5


@dataclass(frozen=True)
class CoordinateDescent:
    """Certified coordinate descent for penalised least squares.

    Parameters
    ----------
    tol : float, default=1e-4
        Stop when the duality gap is below ``tol * ||y||^2 / n``.
    max_iter : int, default=1000
        Maximum number of epochs (passes over the working set).
    working_set : bool, default=True
        Grow a working set of features instead of sweeping all of them.
    screening : bool, default=True
        Discard features proven zero by the gap-safe rule.
    selection : {"cyclic", "random"}, default="cyclic"
        Order of the coordinates in an epoch.
    random_state : int or None
        Seed for ``selection="random"``.
    check_every : int, default=10
        Epochs between two gap evaluations inside the working set.
    anderson : bool, default=True
        Anderson extrapolation of the iterates, kept only when it lowers
        the objective.
    """

    tol: float = 1e-4
    max_iter: int = 1000
    working_set: bool = True
    screening: bool = True
    selection: str = "cyclic"
    random_state: int | None = None
    check_every: int = 10
    anderson: bool = True

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
            Warm start (clipped to the bounds).
        n_samples : float, optional
            The ``n`` of the loss; defaults to the number of rows.
        warn : bool, default=True
            Emit a ``ConvergenceWarning`` when ``max_iter`` is reached.
        """
        design, pen, y64, n = prepare_least_squares(X, y, penalty, n_samples)
        state = _State.start(design, y64, pen, coef_init)
        tol_abs = self.tol * float(np.dot(y64, y64)) / n
        rng = np.random.default_rng(self.random_state)
        epochs = 0
        while True:
            gap, primal, t, corr = state.gap(design, y64, pen, n, state.all_idx)
            if gap <= tol_abs and epochs == 0:
                # Already optimal (a warm start): one epoch, as scikit-learn
                # always runs, then certify again.
                design.cd_epochs(state.w, state.r, pen, n, state.all_idx, 1)
                epochs = 1
                continue
            if gap <= tol_abs or epochs >= self.max_iter:
                break
            if self.screening:
                state.screen(design, pen, corr * (t / n), gap, n)
            ws = state.working_set(pen, corr / n, design.norms2, self.working_set)
            epochs = self._solve_subproblem(
                design, y64, pen, n, state, ws, gap, tol_abs, epochs, rng
            )
        solution = Solution(
            coef=state.w,
            certificate=float(gap),
            certificate_kind="duality_gap",
            tol=tol_abs,
            primal=float(primal),
            n_iter=epochs,
            converged=bool(gap <= tol_abs),
        )
        if warn and not solution.converged:
            warn_not_converged("Coordinate descent", solution, self.max_iter)
        return solution

    def _solve_subproblem(
        self,
        design: Design,
        y: NDArray[np.float64],
        pen: PenaltyArrays,
        n: float,
        state: _State,
        ws: NDArray[np.int64],
        outer_gap: float,
        tol_abs: float,
        epochs: int,
        rng: np.random.Generator,
    ) -> int:
        """Epochs on ``ws`` until its gap is a fraction of the outer gap.

        Every ``_ANDERSON_K`` epochs the last iterates are extrapolated
        (Anderson acceleration, Bertrand & Massias 2021) and the result is
        kept when it lowers the objective: on ill-conditioned problems this
        cuts the epochs by an order of magnitude, and it never hurts since a
        worse point is rejected.
        """
        target = max(_INNER_GAP_FRACTION * outer_gap, tol_abs)
        if ws.shape[0] == state.all_idx.shape[0]:
            target = tol_abs  # the subproblem is the problem
        history = np.empty((_ANDERSON_K + 1, ws.shape[0]))
        history[0] = state.w[ws]
        filled = 1
        since_check = 0
        while epochs < self.max_iter:
            order = rng.permutation(ws) if self.selection == "random" else ws
            design.cd_epochs(state.w, state.r, pen, n, order, 1)
            epochs += 1
            since_check += 1
            if self.anderson:
                history[filled] = state.w[ws]
                filled += 1
                if filled == _ANDERSON_K + 1:
                    state.try_extrapolation(design, pen, n, ws, history)
                    history[0] = state.w[ws]
                    filled = 1
            if since_check >= self.check_every:
                since_check = 0
                if state.gap(design, y, pen, n, ws)[0] <= target:
                    break
        return epochs


class _State:
    """Coefficients, residual and screening status of one solve."""

    def __init__(
        self, w: NDArray[np.float64], r: NDArray[np.float64], n_features: int
    ) -> None:
        self.w = w
        self.r = r
        self.all_idx = np.arange(n_features, dtype=np.int64)
        self.screened = np.zeros(n_features, dtype=bool)
        self._basis_key: bytes | None = None
        self._basis: NDArray[np.float64] | None = None
        self._max_column_norm: float | None = None

    @classmethod
    def start(
        cls,
        design: Design,
        y: NDArray[np.float64],
        pen: PenaltyArrays,
        coef_init: NDArray[np.floating] | None,
    ) -> _State:
        p = design.n_features
        if coef_init is None:
            w = np.zeros(p)
        else:
            w = np.asarray(coef_init, dtype=np.float64).ravel()
            if w.shape[0] != p:
                raise ValueError(f"coef_init has {w.shape[0]} entries; X has {p} features.")
            w = np.clip(w, pen.lower, pen.upper)
        r = y - design.matvec(w) if np.any(w) else y.copy()
        return cls(w, r, p)

    def dual_residual(
        self, design: Design, pen: PenaltyArrays
    ) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
        """The residual projected away from free unpenalised columns, and them.

        A feature with no L1, no L2 and room on both sides of its value
        forces ``x_j' theta = 0`` in the dual; the raw residual satisfies it
        only at the exact optimum, so we project it onto the orthogonal
        complement of those columns to keep the gap finite and meaningful.
        """
        free = (pen.l1 == 0) & (pen.l2 == 0) & (self.w > pen.lower) & (self.w < pen.upper)
        if not free.any():
            return self.r, free
        key = free.tobytes()
        if key != self._basis_key:
            cols = design.columns(np.flatnonzero(free).astype(np.int64))
            self._basis = scipy.linalg.orth(cols) if cols.any() else np.zeros((cols.shape[0], 0))
            self._basis_key = key
        Q = self._basis
        assert Q is not None
        return self.r - Q @ (Q.T @ self.r), free

    def gap(
        self,
        design: Design,
        y: NDArray[np.float64],
        pen: PenaltyArrays,
        n: float,
        idx: NDArray[np.int64],
    ) -> tuple[float, float, float, NDArray[np.float64]]:
        """Gap restricted to ``idx``: ``(gap, primal, t, X[:, idx]' theta_raw)``."""
        theta_raw, free = self.dual_residual(design, pen)
        if idx is self.all_idx:
            corr = design.rmatvec(theta_raw)  # one BLAS product for all columns
        else:
            corr = design.correlations(theta_raw, idx)
        # After the projection these correlations are 0 up to rounding, and
        # a rounding error of either sign (l1 = 0, open side) would drive the
        # dual scale t to 0: set them to their exact value.
        corr[free[idx]] = 0.0
        # Rounding in x_j' theta is about eps ||x_j|| ||theta||; a margin of
        # 1e-12 of that scale is not a violation of the dual constraints.
        noise = 1e-12 * float(np.linalg.norm(theta_raw)) * self.max_column_norm(design)
        gap, primal, _, t = duality_gap(
            y, self.r, theta_raw, corr, self.w, pen.l1, pen.l2, pen.lower, pen.upper,
            idx, n, noise,
        )
        return max(gap, 0.0), primal, t, corr

    def max_column_norm(self, design: Design) -> float:
        if self._max_column_norm is None:
            self._max_column_norm = float(np.sqrt(np.max(design.norms2, initial=0.0)))
        return self._max_column_norm

    def try_extrapolation(
        self,
        design: Design,
        pen: PenaltyArrays,
        n: float,
        ws: NDArray[np.int64],
        history: NDArray[np.float64],
    ) -> None:
        """Replace ``w`` by the Anderson point when it lowers the objective."""
        candidate = np.empty(ws.shape[0])
        if not anderson_candidate(history, pen.lower[ws], pen.upper[ws], _BOUND_SNAP, candidate):
            return
        r_new = self.r.copy()
        design.subtract_columns(ws, candidate - self.w[ws], r_new)
        w_new = self.w.copy()
        w_new[ws] = candidate
        if primal_value(r_new, w_new, pen.l1, pen.l2, ws, n) < primal_value(
            self.r, self.w, pen.l1, pen.l2, ws, n
        ):
            self.w = w_new
            self.r = r_new

    def screen(
        self,
        design: Design,
        pen: PenaltyArrays,
        u: NDArray[np.float64],
        gap: float,
        n: float,
    ) -> None:
        """Gap-safe rule: zero features whose constraint cannot be tight."""
        radius = np.sqrt(2.0 * gap / n) * np.sqrt(design.norms2)
        # w_j* = 0 when x_j' theta* cannot reach +l1 (if w_j may grow) nor
        # -l1 (if it may shrink) anywhere in the safe ball.
        ok_up = (pen.upper <= 0) | (u + radius < pen.l1)
        ok_down = (pen.lower >= 0) | (u - radius > -pen.l1)
        newly = ok_up & ok_down & (pen.l1 > 0) & ~self.screened
        if not newly.any():
            return
        idx = np.flatnonzero(newly & (self.w != 0))
        if idx.size:
            self.r += design.matvec(np.where(newly, self.w, 0.0))
            self.w[idx] = 0.0
        self.screened |= newly

    def working_set(
        self,
        pen: PenaltyArrays,
        u: NDArray[np.float64],
        norms2: NDArray[np.float64],
        use_working_set: bool,
    ) -> NDArray[np.int64]:
        """Unscreened features, limited to the most promising when asked."""
        candidates = np.flatnonzero(~self.screened)
        if not use_working_set:
            return candidates.astype(np.int64)
        support = (self.w != 0) | (pen.l1 == 0)
        size = max(_MIN_WORKING_SET, 2 * int(np.count_nonzero(support)))
        if candidates.shape[0] <= size:
            return candidates.astype(np.int64)
        # Distance of each dual constraint to being tight, in units of the
        # column norm (celer's priority); the support always goes in.
        pull = np.maximum(
            np.where(pen.upper > 0, u, 0.0), np.where(pen.lower < 0, -u, 0.0)
        )
        score = (pen.l1 - pull) / np.sqrt(np.maximum(norms2, 1e-300))
        score = np.where(support, -np.inf, score)[candidates]
        chosen = candidates[np.argpartition(score, size - 1)[:size]]
        return np.sort(chosen).astype(np.int64)


def certify(
    X: object,
    y: NDArray[np.floating],
    penalty: object,
    coef: NDArray[np.floating],
    *,
    n_samples: float | None = None,
    tol: float = 1e-4,
) -> Solution:
    """The duality gap of a given ``coef``, without moving it.

    Used where the solution is known in closed form (``w = 0`` above
    ``alpha_max``) and an epoch of coordinate descent would only add
    rounding noise to exact zeros.
    """
    design, pen, y64, n = prepare_least_squares(X, y, penalty, n_samples)
    state = _State.start(design, y64, pen, coef)
    gap, primal, _, _ = state.gap(design, y64, pen, n, state.all_idx)
    tol_abs = tol * float(np.dot(y64, y64)) / n
    return Solution(
        coef=state.w, certificate=float(gap), certificate_kind="duality_gap", tol=tol_abs,
        primal=float(primal), n_iter=0, converged=bool(gap <= tol_abs),
    )
