"""Proximal Newton (IRLS) for L1 / L2 / Elastic-Net logistic regression.

Minimises, with weights ``omega_i = s_i / sum s`` and ``eta = X w + b``::

    sum_i omega_i loss_i(eta_i) + sum_j l1_j |w_j| + l2_j / 2 w_j^2,  lower <= w <= upper

for the binary logistic loss (labels -1/+1) and the multinomial (softmax)
loss. Each outer iteration (glmnet's and skglm's scheme):

1. makes the intercept and the free unpenalised features optimal for the
   rest (a few Newton steps on those coordinates) and computes the duality
   gap (:mod:`._logistic_gap`); stops when ``gap <= tol * P_null``, with
   ``P_null`` the loss of the intercept-only model (``log 2`` without an
   intercept and balanced classes): ``tol`` is relative, as scikit-learn's
   ``||y||^2 / n`` scale for the quadratic loss;
2. builds the quadratic model of the loss at ``eta``: weights
   ``h = omega p (1 - p)`` and working residual ``(y01 - p) / (p (1 - p))``;
3. runs compiled coordinate-descent epochs on it (``_kernels/cd_weighted``,
   with Anderson extrapolation) over a working set of features, until the
   model's own duality gap is below a fraction of the outer gap;
4. backtracks along the resulting direction until the true objective has
   decreased enough (Armijo's rule on ``F + pen``), which makes every step a
   descent step however poor the quadratic model is.

Dense X is solved on centred columns (``StoredX.centred``): the intercept
is a coordinate here, and uncentred columns would couple every feature to
it. The multinomial loss has its own proximal Newton with every sample's
full K x K Hessian (:mod:`.multinomial_newton`), and the "grouped" penalty
(a Euclidean norm over each feature's row of coefficients) its own block
coordinate descent (:mod:`.group_cd`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit

from .._kernels.anderson import anderson_candidate
from .._kernels.gap import duality_gap
from .._kernels.path_logistic import POLISH_FRACTION
from ..penalties import PenaltyArrays
from ._logistic_data import StoredX, normalised_weights, working_set
from ._logistic_gap import (
    below_floor_polish,
    binary_gap,
    binary_loss,
    gap_tolerance,
    null_loss,
    polish_free,
)
from .base import lower_penalty, warn_not_converged

__all__ = ["LogisticSolution", "ProxNewton", "StoredX", "normalised_weights", "working_set"]

Vector = NDArray[np.float64]

_INNER_FRACTION = 0.1  # solve each quadratic model to this fraction of the outer gap
_INNER_CHECK_EVERY = 5  # epochs between two gaps of the quadratic model
_MAX_INNER_EPOCHS = 1000
_CURVATURE_FLOOR = 1e-12  # p (1 - p) below this is held here: the step stays finite
_ANDERSON = True  # Anderson extrapolation of the inner CD iterates
_ANDERSON_K = 5
_BOUND_SNAP = 1e-12
_ARMIJO = 1e-4
_ROUNDING = 1e-13  # relative change of the objective below which Armijo sees only noise
_MAX_BACKTRACKS = 50


@dataclass(frozen=True, eq=False)
class LogisticSolution:
    """The result of one logistic solve, with its duality gap.

    Attributes
    ----------
    coef : ndarray of shape (n_features,) or (n_features, n_classes)
    intercept : float or ndarray of shape (n_classes,)
    certificate : float
        The duality gap at ``(coef, intercept)``.
    certificate_kind : str
        ``"duality_gap"``.
    tol : float
        The absolute tolerance the gap was compared with.
    primal : float
        The objective at ``(coef, intercept)``.
    n_iter : int
        Outer (Newton) iterations.
    n_epochs : int
        Coordinate-descent epochs, summed over the outer iterations.
    converged : bool
    """

    coef: Vector
    intercept: Any
    certificate: float
    certificate_kind: str
    tol: float
    primal: float
    n_iter: int
    n_epochs: int
    converged: bool


@dataclass(frozen=True)
class ProxNewton:
    """Certified proximal Newton for penalised logistic and multinomial losses.

    Parameters
    ----------
    tol : float, default=1e-4
        Stop when the duality gap is below ``tol`` times the intercept-only
        model's loss.
    max_iter : int, default=100
        Outer iterations (proximal Newton steps).
    working_set : bool, default=True
        Restrict the inner coordinate descent to the most promising features.
    """

    tol: float = 1e-4
    max_iter: int = 100
    working_set: bool = True

    # -- binary -------------------------------------------------------------
    def solve(
        self,
        X: Any,
        y: Vector,
        penalty: Any,
        *,
        sample_weight: Any = None,
        fit_intercept: bool = True,
        coef_init: Vector | None = None,
        intercept_init: float = 0.0,
        warn: bool = True,
    ) -> LogisticSolution:
        """Minimise the penalised binary logistic loss; ``y`` holds -1 and +1."""
        data = X if isinstance(X, StoredX) else StoredX(X)
        pen = lower_penalty(penalty, data.n_features)
        y = np.asarray(y, dtype=np.float64)
        omega = normalised_weights(sample_weight, data.n_rows)
        y01 = 0.5 * (y + 1.0)
        w = _start(coef_init, pen, data.n_features)
        b = float(intercept_init) if fit_intercept else 0.0
        mean = np.zeros(data.n_features)
        if fit_intercept:
            # Solve on centred columns; b is the centred model's intercept.
            data, mean = data.centred(omega)
            b += float(mean @ w)
        eta = np.empty(0)  # _polish computes X w + b before anything reads it
        null_loss = _null_binary_loss(y01, omega, fit_intercept)
        tol_abs = gap_tolerance(self.tol, null_loss)

        def loss(e: Vector) -> float:
            return binary_loss(e, y, omega)

        def grad_hess(e: Vector) -> tuple[Vector, Any]:
            prob = expit(e)
            curv = omega * prob * (1.0 - prob)
            return omega * (prob - y01), lambda C: C.T @ (curv[:, None] * C)

        epochs = 0
        n_iter = 0
        polished = False
        while True:
            w, b, eta = _polish(data, eta, w, b, pen, fit_intercept, grad_hess, loss, 1)
            gap, primal, corr = binary_gap(data, y, omega, eta, w, pen, data.max_norm)
            tol_abs = gap_tolerance(self.tol, null_loss, eta)
            if below_floor_polish(gap, tol_abs, self.tol * null_loss, polished, n_iter,
                                  self.max_iter):
                polished = True
            elif gap <= tol_abs or n_iter >= self.max_iter:
                break
            n_iter += 1
            prob = expit(eta)
            curv = np.maximum(prob * (1.0 - prob), _CURVATURE_FLOOR)
            h = omega * curv
            r = (y01 - prob) / curv
            ws = working_set(w, corr, pen, data.col_norms, self.working_set)
            w, b, eta, used = _newton_step(
                data, w, b, eta, h, r, pen, ws, fit_intercept,
                gap * POLISH_FRACTION if polished else gap, loss,
                -omega * (y01 - prob), anderson=True,
            )
            epochs += used
        return _finish(
            LogisticSolution(
                coef=w, intercept=b - float(mean @ w), certificate=float(gap),
                certificate_kind="duality_gap", tol=tol_abs, primal=float(primal),
                n_iter=n_iter, n_epochs=epochs, converged=bool(gap <= tol_abs),
            ),
            warn, self.max_iter,
        )

    # -- multinomial --------------------------------------------------------
    def solve_multinomial(
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
        """Minimise the penalised softmax loss; ``labels`` are ``0 .. n_classes - 1``.

        The penalty applies to every coefficient ``W_jk`` with feature
        ``j``'s weights (glmnet's "ungrouped" multinomial, scikit-learn's).
        """
        from .multinomial_newton import solve_multinomial_newton

        data = X if isinstance(X, StoredX) else StoredX(X)
        pen = lower_penalty(penalty, data.n_features)
        solution = solve_multinomial_newton(
            data, np.asarray(labels, dtype=np.int64), int(n_classes), pen,
            omega=normalised_weights(sample_weight, data.n_rows),
            fit_intercept=fit_intercept, coef_init=coef_init, intercept_init=intercept_init,
            tol=self.tol, max_iter=self.max_iter, use_working_set=self.working_set,
        )
        return _finish(solution, warn, self.max_iter)


def _start(coef_init: Vector | None, pen: PenaltyArrays, p: int) -> Vector:
    if coef_init is None:
        return np.zeros(p)
    w = np.array(coef_init, dtype=np.float64).ravel()
    if w.shape[0] != p:
        raise ValueError(f"coef_init has {w.shape[0]} entries; X has {p} features.")
    return np.clip(w, pen.lower, pen.upper)


def _null_binary_loss(y01: Vector, omega: Vector, fit_intercept: bool) -> float:
    """The loss of the best constant model (``log 2`` without an intercept)."""
    share = float(np.clip(np.dot(omega, y01), 0.0, 1.0))
    return null_loss(np.array([share, 1.0 - share]), fit_intercept)


def _null_multinomial_loss(Y: Vector, omega: Vector, fit_intercept: bool) -> float:
    return null_loss(omega @ Y, fit_intercept)


def _polish(
    data: StoredX, eta: Vector, w: Vector, b: Any, pen: PenaltyArrays,
    fit_intercept: bool, grad_hess: Any, loss: Any, n_classes: int,
) -> tuple[Vector, Any, Vector]:
    """Recompute ``eta`` exactly, then make the unpenalised coordinates optimal.

    Those are the intercept(s) and every unpenalised feature whose
    coefficients lie strictly inside their bounds: the dual requires
    ``x_j' theta = 0`` of them, which only their exact optimum gives (a
    residual violation above rounding would zero the dual scale). A Newton
    step that crosses a bound is clipped back onto it, where the dual asks
    only for a sign.
    """
    W = w.reshape(data.n_features, n_classes)
    eta = np.column_stack([data.matvec(W[:, k]) for k in range(n_classes)]) + b
    eta = eta.ravel() if n_classes == 1 else eta
    inside = np.all((pen.lower[:, None] < W) & (pen.upper[:, None] > W), axis=1)
    free_idx = np.flatnonzero((pen.l1 == 0) & (pen.l2 == 0) & inside).astype(np.int64)
    if not fit_intercept and free_idx.size == 0:
        return w, b, eta
    start = (w, b, eta)
    delta, eta = polish_free(
        data.X, eta, free_idx, fit_intercept, grad_hess, loss, n_classes=n_classes
    )
    w = w.copy()
    W = w.reshape(data.n_features, n_classes)
    offset = 0
    if fit_intercept:
        b = float(b + delta[0, 0]) if n_classes == 1 else b + delta[0]
        offset = 1
    moved = W[free_idx] + delta[offset:]
    clipped = np.clip(moved, pen.lower[free_idx, None], pen.upper[free_idx, None])
    W[free_idx] = clipped
    if np.any(clipped != moved):
        eta = np.column_stack([data.matvec(W[:, k]) for k in range(n_classes)]) + b
        eta = eta.ravel() if n_classes == 1 else eta
        if loss(eta) > loss(start[2]):
            # Clipping undid more than the Newton steps gained: leave those
            # features to the solver's own steps, polish the intercept alone.
            w0, b0, eta0 = start
            if not fit_intercept:
                return w0, b0, eta0
            delta, eta = polish_free(
                data.X, eta0, np.zeros(0, dtype=np.int64), True, grad_hess, loss,
                n_classes=n_classes,
            )
            b = float(b0 + delta[0, 0]) if n_classes == 1 else b0 + delta[0]
            return w0, b, eta
    return w, b, eta


def _newton_step(
    data: StoredX, w: Vector, b: float, eta: Vector, h: Vector, r: Vector,
    pen: PenaltyArrays, ws: NDArray[np.int64], fit_intercept: bool, gap: float,
    loss: Any, raw_grad: Vector, anderson: bool = False,
) -> tuple[Vector, float, Vector, int]:
    """Solve the weighted least-squares model on ``ws``, then line-search it.

    ``anderson`` extrapolates the CD iterates every ``_ANDERSON_K + 1``
    epochs (binary loss only: the multinomial classes keep plain CD).
    """
    hdiag = data.sq_norms(h, ws)
    h_sum = float(h.sum())
    w_new = w.copy()
    r_new = r.copy()
    db = 0.0
    used = 0
    target = _INNER_FRACTION * gap
    history = np.empty((_ANDERSON_K + 1, ws.shape[0])) if anderson and _ANDERSON else None
    filled = 0
    while used < _MAX_INNER_EPOCHS:
        decrease, change = data.epochs(w_new, r_new, h, hdiag, pen, ws, 1, fit_intercept, h_sum)
        db += change
        used += 1
        if history is not None:
            history[filled] = w_new[ws]
            filled += 1
            if filled == _ANDERSON_K + 1:
                filled = 0
                db += _extrapolate(data, w_new, r_new, h, h_sum, pen, ws, history,
                                   fit_intercept)
        if used % _INNER_CHECK_EVERY != 1:
            continue  # the gap after the first epoch, then every _INNER_CHECK_EVERY
        # An epoch's decrease says little about how far the model's optimum
        # is when CD crawls along correlated features: only its gap does.
        if decrease == 0.0 or _model_gap(data, h, r_new, eta + r, w_new, pen, ws) <= target:
            break
    # The model's residual moved from r to r_new: eta moved by r - r_new.
    d_eta = r - r_new
    d_w = w_new - w
    pen_old = pen.value(w)
    pen_new = pen.value(w_new)  # finite: w_new is within its bounds, the clip keeps it
    slope = float(np.dot(raw_grad, d_eta)) + pen_new - pen_old
    current = loss(eta) + pen_old
    if -_ROUNDING * abs(current) <= slope <= 0.0:
        # The model predicts a decrease too small to see in the objective
        # (which the gap, first order in the coefficients, may still need):
        # Newton's region, where the full step is safe.
        return np.clip(w_new, pen.lower, pen.upper), b + db, eta + d_eta, used
    t = 1.0
    for _ in range(_MAX_BACKTRACKS):
        if t < 1.0:
            w_try = np.clip(w + t * d_w, pen.lower, pen.upper)
            pen_try = pen.value(w_try)
        else:
            w_try = np.clip(w_new, pen.lower, pen.upper)
            pen_try = pen_new if np.isfinite(pen_new) else pen.value(w_try)
        eta_try = eta + t * d_eta
        value = loss(eta_try) + pen_try
        if value <= current + _ARMIJO * t * min(slope, 0.0):
            return w_try, b + t * db, eta_try, used
        t *= 0.5
    return w, b, eta, used  # no decrease found: keep the point (rounding level)


def _extrapolate(
    data: StoredX, w: Vector, r: Vector, h: Vector, h_sum: float, pen: PenaltyArrays,
    ws: NDArray[np.int64], history: Vector, fit_intercept: bool,
) -> float:
    """Anderson extrapolation of the last CD iterates on ``ws``, kept if it lowers the model.

    Updates ``w`` and ``r`` in place on success (the intercept re-made
    optimal, so ``sum h r = 0`` still holds) and returns the intercept's change.
    """
    cand = np.empty(ws.shape[0])
    lower, upper = pen.lower[ws], pen.upper[ws]
    if not anderson_candidate(history, lower, upper, _BOUND_SNAP, cand):
        return 0.0
    cand = np.clip(cand, lower, upper)
    current = w[ws]
    delta = cand - current
    if not np.any(delta) or not np.all(np.isfinite(cand)):
        return 0.0
    r_try = r.copy()
    data.subtract(ws, delta, r_try)
    step = float(np.dot(h, r_try)) / h_sum if fit_intercept and h_sum > 0.0 else 0.0
    if step != 0.0:
        r_try -= step
    l1, l2 = pen.l1[ws], pen.l2[ws]

    def model(res: Vector, v: Vector) -> float:
        return 0.5 * float(np.dot(h, res * res)) + float(
            np.dot(l1, np.abs(v)) + 0.5 * np.dot(l2, v * v)
        )

    if not model(r_try, cand) < model(r, current):
        return 0.0
    w[ws] = cand
    r[:] = r_try
    return step


def _model_gap(
    data: StoredX, h: Vector, r: Vector, z: Vector, w: Vector, pen: PenaltyArrays,
    ws: NDArray[np.int64],
) -> float:
    """Duality gap of the quadratic model ``1/2 sum h (z - X w - b)^2 + pen(w)`` on ``ws``.

    With ``sqrt(h)`` folded into the rows it is a least-squares problem with
    ``n = 1``, whose gap ``_kernels.gap.duality_gap`` computes; the intercept
    was updated last, so ``sum h r = 0`` (its dual constraint) holds.
    """
    root = np.sqrt(h)
    corr = data.correlations(h * r, ws)
    gap = duality_gap(root * z, root * r, root * r, corr, w, pen.l1, pen.l2, pen.lower,
                      pen.upper, ws, 1.0, 0.0)[0]
    return max(float(gap), 0.0)


def _finish(solution: LogisticSolution, warn: bool, max_iter: int) -> LogisticSolution:
    if warn and not solution.converged:
        warn_not_converged("Proximal Newton", solution, max_iter)  # type: ignore[arg-type]
    return solution
