"""GradientDescent: textbook updates, closed forms, and no exact zeros with L1."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from shrinkage.penalties import L1, L2, ElasticNet
from shrinkage.solvers import CoordinateDescent
from shrinkage.solvers.gradient import (
    GradientDescent,
    gradient_descent_trajectory,
    subgradient_step,
)
from shrinkage.solvers.prox_grad import ProximalGradient


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(0)
    n, p = 60, 8
    X = rng.standard_normal((n, p))
    y = X @ np.r_[2.0, -1.5, 1.0, np.zeros(p - 3)] + 0.5 * rng.standard_normal(n)
    return X, y


def _objective(X, y, w, penalty) -> float:
    r = y - X @ w
    return 0.5 * float(r @ r) / X.shape[0] + penalty.value(w)


# -- smooth problems: the closed form ------------------------------------------


@pytest.mark.parametrize("sparse", [False, True])
def test_no_penalty_reaches_least_squares(problem, sparse):
    X, y = problem
    sol = GradientDescent(tol=1e-10).solve(sp.csc_matrix(X) if sparse else X, y, None)
    assert sol.converged and sol.certificate_kind == "kkt"
    assert sol.certificate <= sol.tol
    np.testing.assert_allclose(sol.coef, np.linalg.solve(X.T @ X, X.T @ y), rtol=1e-8)


@pytest.mark.parametrize("alpha", [0.01, 0.5])
def test_l2_reaches_the_normal_equations(problem, alpha):
    X, y = problem
    n, p = X.shape
    sol = GradientDescent(tol=1e-10).solve(X, y, L2(alpha))
    # L2(alpha) is alpha * ||w||^2 (no 1/2): its gradient is 2 alpha w.
    expected = np.linalg.solve(X.T @ X / n + 2 * alpha * np.eye(p), X.T @ y / n)
    assert sol.converged
    np.testing.assert_allclose(sol.coef, expected, rtol=1e-8)
    assert sol.primal == pytest.approx(_objective(X, y, sol.coef, L2(alpha)))


def test_kkt_tolerance_is_relative_to_the_gradient_at_zero(problem):
    X, y = problem
    sol = GradientDescent(tol=1e-6).solve(X, y, L2(0.1))
    assert sol.tol == pytest.approx(1e-6 * np.max(np.abs(X.T @ y)) / X.shape[0])
    assert sol.converged and sol.certificate <= sol.tol


# -- L1: close in objective, never exactly zero (the teaching point) ------------


@pytest.mark.parametrize("alpha", [0.1, 0.3])
def test_l1_approaches_the_optimum_without_exact_zeros(problem, alpha):
    X, y = problem
    ref = CoordinateDescent(tol=1e-12, max_iter=10_000).solve(X, y, L1(alpha))
    zero = ref.coef == 0
    assert zero.sum() >= 2  # the problem must have zeros to teach anything
    with pytest.warns(ConvergenceWarning, match="expected for subgradient descent"):
        sol = GradientDescent(max_iter=2000).solve(X, y, L1(alpha))
    assert not sol.converged
    assert sol.primal == pytest.approx(ref.primal, rel=1e-3)
    assert sol.primal >= ref.primal * (1 - 1e-12)
    # Small but not exactly 0, where the proximal solvers give exact zeros.
    assert np.all(np.abs(sol.coef[zero]) < 1e-2)
    assert np.all(sol.coef[zero] != 0)
    prox = ProximalGradient(tol=1e-10).solve(X, y, L1(alpha))
    np.testing.assert_array_equal(prox.coef == 0, zero)


def test_constant_step_keeps_oscillating_around_zero(problem):
    X, y = problem
    alpha = 0.3
    zero = CoordinateDescent(tol=1e-12).solve(X, y, L1(alpha)).coef == 0
    path = gradient_descent_trajectory(X, y, L1(alpha), None, 400)
    tail = path[200:, zero]
    assert np.all(tail != 0)
    # Each zero coefficient keeps changing sign instead of settling.
    assert np.all(np.any(np.diff(np.sign(tail), axis=0) != 0, axis=0))


def test_returns_the_best_iterate(problem):
    X, y = problem
    solver = GradientDescent(max_iter=300, schedule="constant", record_every=1)
    sol, path = solver.solve_with_trajectory(X, y, L1(0.3), warn=False)
    objectives = [_objective(X, y, w, L1(0.3)) for w in path]
    assert path.shape == (301, X.shape[1])
    assert sol.primal == pytest.approx(min(objectives), rel=1e-12)
    assert sol.primal == pytest.approx(_objective(X, y, sol.coef, L1(0.3)))
    assert sol.primal < objectives[-1]  # not monotone: the last is not the best


def test_record_every_thins_the_trajectory(problem):
    X, y = problem
    solver = GradientDescent(max_iter=100, record_every=10)
    sol, path = solver.solve_with_trajectory(X, y, L1(0.3), warn=False)
    full = gradient_descent_trajectory(X, y, L1(0.3), None, 100, schedule="auto")
    assert sol.n_iter == 100 and path.shape == (11, X.shape[1])
    np.testing.assert_allclose(path, full[::10], rtol=1e-12)


# -- the exact update rules on one hand-computed step -----------------------------

# X = I (n = 2), y = (2, -2), w0 = (0, -1), eta = 0.5:
# r = y - w0 = (2, -1), grad = -X'r / n = (-1, 0.5); sign(w0) = (0, -1).
HAND_STEPS = [
    (None, [0.5, -1.25]),  # w - eta grad
    (L1(0.25), [0.5, -1.125]),  # + alpha sign(w) = (0, -0.25)
    (L2(0.25), [0.5, -1.0]),  # + 2 alpha w = (0, -0.5)
    (ElasticNet(1.0, l1_ratio=0.5), [0.5, -0.75]),  # + 0.5 sign(w) + 0.5 w
    (ElasticNet(1.0, l1_ratio=0.5, upper_bounds=0.25), [0.25, -0.75]),  # clipped
]


@pytest.mark.parametrize(("penalty", "expected"), HAND_STEPS)
def test_one_step_by_hand(penalty, expected):
    X, y, w0 = np.eye(2), np.array([2.0, -2.0]), np.array([0.0, -1.0])
    path = gradient_descent_trajectory(X, y, penalty, 0.5, 1, coef_init=w0)
    np.testing.assert_array_equal(path, [w0, expected])
    solver = GradientDescent(learning_rate=0.5, max_iter=1, schedule="constant")
    _, recorded = solver.solve_with_trajectory(X, y, penalty, coef_init=w0, warn=False)
    np.testing.assert_array_equal(recorded[-1], expected)


def test_decaying_step_divides_by_sqrt_k(problem):
    X, y = problem
    pen = L1(0.3).per_feature(X.shape[1])
    path = gradient_descent_trajectory(X, y, L1(0.3), 0.1, 2, schedule="inverse_sqrt")
    w1 = path[1]
    grad = -X.T @ (y - X @ w1) / X.shape[0]
    np.testing.assert_allclose(path[2], subgradient_step(w1, grad, pen, 0.1 / np.sqrt(2)))


def test_trajectory_shape_and_start(problem):
    X, y = problem
    w0 = np.linspace(-1, 1, X.shape[1])
    path = gradient_descent_trajectory(X, y, L1(0.1), 0.05, 25, coef_init=w0)
    assert path.shape == (26, X.shape[1])
    np.testing.assert_array_equal(path[0], w0)
    assert not np.shares_memory(path, w0)
    assert gradient_descent_trajectory(X, y, None, None, 0).shape == (1, X.shape[1])


# -- warnings and the contract -----------------------------------------------------


def test_smooth_non_convergence_warns_without_the_l1_note(problem):
    X, y = problem
    with pytest.warns(ConvergenceWarning, match="KKT violation") as record:
        sol = GradientDescent(max_iter=2, tol=1e-12).solve(X, y, L2(0.1))
    assert not sol.converged and sol.n_iter == 2
    assert "subgradient" not in str(record[0].message)


def test_no_warning_when_warn_is_false(problem):
    X, y = problem
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        GradientDescent(max_iter=50).solve(X, y, L1(0.3), warn=False)


def test_inputs_are_not_modified(problem):
    X, y = problem
    w0 = np.full(X.shape[1], 3.0)
    copies = X.copy(), y.copy(), w0.copy()
    GradientDescent(max_iter=20).solve(X, y, L1(0.1, upper_bounds=1.0), coef_init=w0, warn=False)
    for before, after in zip(copies, (X, y, w0), strict=True):
        np.testing.assert_array_equal(before, after)


def test_rejects_bad_parameters(problem):
    X, y = problem
    with pytest.raises(ValueError, match="learning_rate"):
        GradientDescent(learning_rate=-1.0)
    with pytest.raises(ValueError, match="schedule"):
        GradientDescent(schedule="cosine")
    with pytest.raises(ValueError, match="n_steps"):
        gradient_descent_trajectory(X, y, None, 0.1, -1)
    with pytest.raises(ValueError, match="coef_init"):
        GradientDescent().solve(X, y, None, coef_init=np.zeros(3))
