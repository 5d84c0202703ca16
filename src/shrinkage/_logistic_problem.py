"""A classification problem as the logistic solvers see it, and its path.

Shared by :class:`shrinkage.LogisticRegression`, ``regularization_path(...,
loss="logistic")`` and :class:`shrinkage.LogisticRegressionCV`. Labels are
already encoded (``0 .. K-1``); two classes give the binary loss (one
coefficient vector, class 1 positive, as scikit-learn), more give the
multinomial loss. X is never centred (the intercept is a coordinate of the
solver); with ``standardize`` its columns are divided by their weighted
standard deviations, and coefficients and bounds are mapped between the two
scales here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.special import expit, logsumexp

from ._kernels.column_stats import weighted_column_std
from .penalties import PenaltyArrays
from .solvers.base import warn_not_converged
from .solvers.group_cd import GroupCD
from .solvers.prox_newton import LogisticSolution, ProxNewton, StoredX, normalised_weights

Vector = NDArray[np.float64]

# The grouped solver counts block coordinate-descent epochs, each far cheaper
# (and less effective) than a proximal Newton iteration: a ``max_iter`` given
# in Newton iterations allows this many epochs per iteration.
GROUPED_EPOCHS_PER_ITER = 100


@dataclass(frozen=True, eq=False)
class LogisticProblem:
    """Encoded labels, weights and the (maybe standardised) X.

    Attributes
    ----------
    data : StoredX
        X on the fitted scale (columns divided by ``x_scale``).
    labels : ndarray of int64, shape (n_samples,)
        Class codes ``0 .. n_classes - 1``.
    n_classes : int
    sample_weight : ndarray or None
        Raw weights (the loss normalises them to sum to 1).
    x_scale : ndarray of shape (n_features,)
        Column scales (1 without ``standardize``).
    fit_intercept : bool
    """

    data: StoredX
    labels: NDArray[np.int64]
    n_classes: int
    sample_weight: Vector | None
    x_scale: Vector
    fit_intercept: bool

    @property
    def binary(self) -> bool:
        return self.n_classes == 2

    @property
    def n_features(self) -> int:
        return self.data.n_features

    @property
    def y_pm(self) -> Vector:
        """Labels as -1 / +1 (class 1 positive) for the binary loss."""
        return np.where(self.labels == 1, 1.0, -1.0)

    def omega(self) -> Vector:
        return normalised_weights(self.sample_weight, self.labels.shape[0])

    def scale_bounds(self, pen: PenaltyArrays) -> PenaltyArrays:
        """Bounds on original-scale coefficients, expressed on the fitted scale."""
        if np.all(self.x_scale == 1.0):
            return pen
        return PenaltyArrays(
            l1=pen.l1, l2=pen.l2, lower=pen.lower * self.x_scale, upper=pen.upper * self.x_scale
        )

    def to_original(self, coef: Vector) -> Vector:
        """Fitted-scale coefficients (``(p,)`` or ``(p, K)``) on the scale of X."""
        scale = self.x_scale if coef.ndim == 1 else self.x_scale[:, None]
        return coef / scale

    def to_fitted(self, coef: Vector) -> Vector:
        scale = self.x_scale if coef.ndim == 1 else self.x_scale[:, None]
        return coef * scale

    def deviance(self, coef: Vector, intercept: Any) -> float:
        """``2 * sum_i s_i loss_i`` on the fitted scale (weights summing to n).

        glmnet's deviance of a binomial or multinomial fit; with the null
        deviance it gives the deviance ratio of a path.
        """
        n = float(self.labels.shape[0])
        omega = self.omega()
        if self.binary:
            eta = self.data.matvec(coef) + intercept
            per = np.logaddexp(0.0, -self.y_pm * eta)
        else:
            eta = np.column_stack(
                [self.data.matvec(coef[:, k]) for k in range(self.n_classes)]
            ) + intercept
            per = logsumexp(eta, axis=1) - eta[np.arange(eta.shape[0]), self.labels]
        return float(2.0 * n * np.dot(omega, per))


def make_logistic_problem(
    X: Any,
    labels: NDArray[np.int64],
    n_classes: int,
    sample_weight: Vector | None,
    *,
    fit_intercept: bool,
    standardize: bool,
) -> LogisticProblem:
    """Scale X (a copy when dense and ``standardize``; never modified)."""
    n_features = X.shape[1]
    x_scale = np.ones(n_features)
    if standardize:
        x_scale = _weighted_std(X, sample_weight, fit_intercept)
        if sp.issparse(X):
            X = sp.csc_matrix(X @ sp.diags(1.0 / x_scale))
        else:
            X = np.asfortranarray(X / x_scale.astype(X.dtype))
    return LogisticProblem(
        data=StoredX(X),
        labels=np.asarray(labels, dtype=np.int64),
        n_classes=int(n_classes),
        sample_weight=None if sample_weight is None else np.asarray(sample_weight, np.float64),
        x_scale=x_scale,
        fit_intercept=fit_intercept,
    )


def _weighted_std(X: Any, sample_weight: Vector | None, centred: bool) -> Vector:
    """Weighted standard deviation of each column (1 where it is 0)."""
    n = X.shape[0]
    s = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    s = s / s.sum()
    if sp.issparse(X):
        mean = np.asarray(X.T @ s).ravel() if centred else np.zeros(X.shape[1])
        sq = np.asarray(X.multiply(X).T @ s).ravel()
        var = np.maximum(sq - mean**2, 0.0)
    else:
        sd = np.empty(X.shape[1])
        weighted_column_std(np.asarray(X), s, bool(centred), sd)
        return np.where(sd > 0, sd, 1.0)
    sd = np.sqrt(var)
    return np.where(sd > 0, sd, 1.0)


def solve_logistic(
    problem: LogisticProblem,
    pen: PenaltyArrays,
    *,
    tol: float,
    max_iter: int,
    coef_init: Vector | None = None,
    intercept_init: Any = None,
    warn: bool = True,
    grouped: bool = False,
) -> LogisticSolution:
    """One certified solve on the fitted scale (``pen``'s bounds already scaled).

    ``grouped`` applies the multinomial penalty to each feature's row of
    coefficients (glmnet's ``type.multinomial = "grouped"``, solved by
    :class:`~shrinkage.solvers.group_cd.GroupCD`, ``max_iter`` its epochs);
    it changes nothing for two classes.
    """
    if grouped and not problem.binary:
        return GroupCD(tol=tol, max_iter=max_iter).solve(
            problem.data, problem.labels, problem.n_classes, pen,
            sample_weight=problem.sample_weight, fit_intercept=problem.fit_intercept,
            coef_init=coef_init, intercept_init=intercept_init, warn=warn,
        )
    if problem.binary:
        # Imported here: the compiled driver builds on this module's problem.
        from ._logistic_compiled import compiled_logistic_applies, compiled_logistic_path

        if compiled_logistic_applies(problem, pen):
            p = problem.n_features
            w0 = np.zeros(p) if coef_init is None else np.asarray(coef_init, np.float64).ravel()
            if w0.shape[0] != p:
                raise ValueError(f"coef_init has {w0.shape[0]} entries; X has {p} features.")
            b0 = 0.0 if intercept_init is None else float(intercept_init)
            solutions, _ = compiled_logistic_path(
                problem, pen, np.ones(1), np.zeros(1, dtype=np.bool_), None, tol=tol,
                max_iter=max_iter, start=(w0, b0),
            )
            solution = solutions[0]
            if warn and not solution.converged:
                warn_not_converged("Proximal Newton", solution, max_iter)  # type: ignore[arg-type]
            return solution
    solver = ProxNewton(tol=tol, max_iter=max_iter)
    if problem.binary:
        return solver.solve(
            problem.data, problem.y_pm, pen, sample_weight=problem.sample_weight,
            fit_intercept=problem.fit_intercept, coef_init=coef_init,
            intercept_init=0.0 if intercept_init is None else float(intercept_init),
            warn=warn,
        )
    return solver.solve_multinomial(
        problem.data, problem.labels, problem.n_classes, pen,
        sample_weight=problem.sample_weight, fit_intercept=problem.fit_intercept,
        coef_init=coef_init, intercept_init=intercept_init, warn=warn,
    )


def unpenalised_logistic_fit(problem: LogisticProblem, unit: PenaltyArrays) -> LogisticSolution:
    """The model on the intercept and the unpenalised features alone.

    The solution for every ``alpha >= alpha_max``: penalised coefficients
    are pinned at 0 by bounds ``[0, 0]``.
    """
    p = unit.n_features
    free = (unit.l1 == 0) & (unit.l2 == 0)
    if problem.binary and not free.any():
        # The intercept alone: its optimum is the log-odds of the weighted
        # share of class 1, with no solve (and no product with X).
        share = float(np.dot(problem.omega(), problem.labels == 1))
        if 0.0 < share < 1.0 or not problem.fit_intercept:
            b = float(np.log(share) - np.log1p(-share)) if problem.fit_intercept else 0.0
            return LogisticSolution(
                coef=np.zeros(p), intercept=b, certificate=0.0, certificate_kind="duality_gap",
                tol=0.0, primal=float("nan"), n_iter=0, n_epochs=0, converged=True,
            )
    pinned = PenaltyArrays(
        l1=np.zeros(p), l2=np.zeros(p),
        lower=np.where(free, unit.lower, 0.0), upper=np.where(free, unit.upper, 0.0),
    )
    return solve_logistic(problem, pinned, tol=1e-12, max_iter=200, warn=False)


def logistic_gradient(problem: LogisticProblem, coef: Vector, intercept: Any) -> Vector:
    """Gradient of the loss in the coefficients (fitted scale), ``(p,)`` or ``(p, K)``."""
    omega = problem.omega()
    X = problem.data.X
    if problem.binary:
        eta = problem.data.matvec(coef) + intercept
        y01 = (problem.labels == 1).astype(np.float64)
        return np.asarray(X.T @ (omega * (expit(eta) - y01)), dtype=np.float64)
    K = problem.n_classes
    eta = np.column_stack([problem.data.matvec(coef[:, k]) for k in range(K)]) + intercept
    eta -= eta.max(axis=1, keepdims=True)
    P = np.exp(eta)
    P /= P.sum(axis=1, keepdims=True)
    Y = np.zeros_like(P)
    Y[np.arange(P.shape[0]), problem.labels] = 1.0
    return np.asarray(X.T @ (omega[:, None] * (P - Y)), dtype=np.float64)


def logistic_zero_thresholds(
    problem: LogisticProblem, unit: PenaltyArrays, base: LogisticSolution,
    grouped: bool = False, grad: Vector | None = None,
) -> Vector:
    """Per feature, the L1 weight above which 0 is optimal at ``base``.

    The largest over the classes of a multinomial model (ungrouped); with
    ``grouped``, the Euclidean norm of the feature's gradient row (the row
    is zero when that norm is at most the group's weight; no bounds apply).
    ``grad`` is the loss's gradient at ``base`` when the caller has it.
    """
    if grad is None:
        grad = logistic_gradient(problem, base.coef, base.intercept)
    grads = grad[:, None] if grad.ndim == 1 else grad
    if grouped and not problem.binary:
        return np.asarray(np.linalg.norm(grads, axis=1))
    return np.max(
        np.column_stack([unit.zero_threshold(grads[:, k]) for k in range(grads.shape[1])]),
        axis=1,
    )


def logistic_alpha_max(
    problem: LogisticProblem, unit: PenaltyArrays, base: LogisticSolution | None = None,
    grouped: bool = False, grad: Vector | None = None,
) -> float:
    """Smallest alpha at which every penalised coefficient is zero (``unit`` at alpha=1).

    See :func:`logistic_zero_thresholds` for multinomial and grouped models.
    A pure L2 penalty (``unit.l1 == 0``) never zeroes a model: glmnet's
    convention is then applied by the caller (the grid of l1_ratio=1e-3).
    """
    if base is None:
        base = unpenalised_logistic_fit(problem, unit)
    need = logistic_zero_thresholds(problem, unit, base, grouped, grad)
    penalised = unit.l1 > 0
    if not penalised.any():
        return 0.0
    return float(np.max(need[penalised] / unit.l1[penalised]))
