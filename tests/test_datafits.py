"""The datafits: values and derivatives against finite differences."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import approx_fprime

from conftest import make_regression
from shrinkage._design import center_problem
from shrinkage.datafits import Logistic, Multinomial, Quadratic
from shrinkage.penalties import L1
from shrinkage.solvers import CoordinateDescent


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("sparse", [False, True])
def test_value_and_gradient(weighted, sparse):
    X, y = make_regression(30, 5, density=0.5 if sparse else 1.0, seed=3)
    sw = np.random.default_rng(0).uniform(0.1, 2.0, 30) if weighted else None
    fit = Quadratic(sample_weight=sw)
    w = np.random.default_rng(1).standard_normal(5)
    Xd = X.toarray() if sp.issparse(X) else X
    s = np.ones(30) if sw is None else sw
    expected = 0.5 * np.sum(s * (y - Xd @ w) ** 2) / s.sum()
    assert fit.value(X, y, w) == pytest.approx(expected, rel=1e-12)
    numeric = approx_fprime(w, lambda v: fit.value(Xd, y, v), 1e-6)
    np.testing.assert_allclose(fit.gradient(X, y, w), numeric, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(fit.lipschitz(X), (s[:, None] * Xd**2).sum(0) / s.sum())
    np.testing.assert_allclose(fit.raw_hessian(y, Xd @ w), s / s.sum())


def test_scaling_the_weights_changes_nothing():
    X, y = make_regression(20, 4, seed=5)
    sw = np.random.default_rng(2).uniform(0.1, 2.0, 20)
    w = np.ones(4)
    assert Quadratic(sw).value(X, y, w) == pytest.approx(Quadratic(7.0 * sw).value(X, y, w))


def test_matches_what_the_solver_minimises():
    """The centred, sqrt-weighted problem the solvers see has the same loss."""
    X, y = make_regression(40, 6, seed=8)
    sw = np.random.default_rng(4).uniform(0.1, 2.0, 40)
    prob = center_problem(X, y, sw, fit_intercept=False, standardize=False)
    sol = CoordinateDescent(tol=1e-12).solve(prob.design, prob.y, L1(0.05))
    data_term = sol.primal - 0.05 * np.abs(sol.coef).sum()
    assert Quadratic(sw).value(X, y, sol.coef) == pytest.approx(data_term, rel=1e-10)


def test_bad_weights():
    with pytest.raises(ValueError, match="non-negative"):
        Quadratic(sample_weight=-np.ones(3)).value(np.eye(3), np.ones(3), np.zeros(3))


# -- the classification losses ----------------------------------------------
def _classification(n, p, K, sparse, seed):
    rng = np.random.default_rng(seed)
    X, _ = make_regression(n, p, density=0.5 if sparse else 1.0, seed=seed)
    labels = rng.integers(0, K, n)
    return X, labels, rng


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("sparse", [False, True])
def test_logistic_value_and_derivatives(weighted, sparse):
    X, labels, rng = _classification(30, 5, 2, sparse, 11)
    y = np.where(labels == 1, 1.0, -1.0)
    sw = rng.uniform(0.1, 2.0, 30) if weighted else None
    fit = Logistic(sample_weight=sw)
    w = rng.standard_normal(5)
    Xd = X.toarray() if sp.issparse(X) else X
    s = np.ones(30) if sw is None else sw
    eta = Xd @ w
    expected = np.sum(s * np.log1p(np.exp(-y * eta))) / s.sum()
    assert fit.value(X, y, w) == pytest.approx(expected, rel=1e-12)
    numeric = approx_fprime(w, lambda v: fit.value(Xd, y, v), 1e-6)
    np.testing.assert_allclose(fit.gradient(X, y, w), numeric, rtol=1e-5, atol=1e-7)
    # raw_grad and raw_hessian are derivatives in eta (one sample at a time).
    raw = approx_fprime(eta, lambda e: fit.value_eta(y, e), 1e-7)
    np.testing.assert_allclose(fit.raw_grad(y, eta), raw, rtol=1e-5, atol=1e-8)
    h = 1e-4
    second = np.array([
        (fit.raw_grad(y, eta + h * np.eye(30)[i])[i] - fit.raw_grad(y, eta - h * np.eye(30)[i])[i])
        / (2 * h) for i in range(30)
    ])
    np.testing.assert_allclose(fit.raw_hessian(y, eta), second, rtol=1e-6, atol=1e-10)
    # The Lipschitz bound dominates the curvature of every coordinate.
    curvature = (Xd**2).T @ fit.raw_hessian(y, eta)
    assert np.all(fit.lipschitz(X) >= curvature - 1e-15)
    np.testing.assert_allclose(fit.lipschitz(X), (s[:, None] * Xd**2).sum(0) / (4 * s.sum()))


def test_logistic_is_stable_at_large_margins():
    y = np.array([1.0, -1.0, 1.0])
    eta = np.array([800.0, 800.0, -800.0])
    fit = Logistic()
    assert fit.value_eta(y, eta) == pytest.approx((0.0 + 800.0 + 800.0) / 3)
    assert np.all(np.isfinite(fit.raw_grad(y, eta)))
    assert np.all(np.isfinite(fit.raw_hessian(y, eta)))


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("sparse", [False, True])
def test_multinomial_value_and_derivatives(weighted, sparse):
    K = 3
    X, labels, rng = _classification(25, 4, K, sparse, 12)
    sw = rng.uniform(0.1, 2.0, 25) if weighted else None
    fit = Multinomial(K, sample_weight=sw)
    W = rng.standard_normal((4, K))
    Xd = X.toarray() if sp.issparse(X) else X
    s = np.ones(25) if sw is None else sw
    eta = Xd @ W
    lse = np.log(np.exp(eta).sum(1))
    expected = np.sum(s * (lse - eta[np.arange(25), labels])) / s.sum()
    assert fit.value(X, labels, W) == pytest.approx(expected, rel=1e-12)
    numeric = approx_fprime(W.ravel(), lambda v: fit.value(Xd, labels, v.reshape(4, K)), 1e-6)
    np.testing.assert_allclose(fit.gradient(X, labels, W).ravel(), numeric, rtol=1e-5,
                               atol=1e-7)
    raw = approx_fprime(eta.ravel(), lambda e: fit.value_eta(labels, e.reshape(25, K)), 1e-7)
    np.testing.assert_allclose(fit.raw_grad(labels, eta).ravel(), raw, rtol=1e-5, atol=1e-8)
    h = 1e-4
    second = np.zeros((25, K))
    for k in range(K):
        step = np.zeros((25, K))
        step[:, k] = h
        # Row i of eta only moves sample i's gradient: all diagonals at once.
        second[:, k] = (fit.raw_grad(labels, eta + step)[:, k]
                        - fit.raw_grad(labels, eta - step)[:, k]) / (2 * h)
    np.testing.assert_allclose(fit.raw_hessian(labels, eta), second, rtol=1e-6, atol=1e-10)
    # Böhning's bound: each sample's full Hessian diag(P) - P P' is below I / 2.
    P = fit.probabilities(eta)
    top = max(np.linalg.eigvalsh(np.diag(P[i]) - np.outer(P[i], P[i])).max() for i in range(25))
    assert top <= 0.5
    np.testing.assert_allclose(fit.lipschitz(X), (s[:, None] * Xd**2).sum(0) / (2 * s.sum()))
    curvature = (Xd**2).T @ fit.raw_hessian(labels, eta)
    assert np.all(fit.lipschitz(X)[:, None] >= curvature - 1e-15)


def test_multinomial_ignores_a_shift_of_every_class():
    rng = np.random.default_rng(3)
    eta = rng.standard_normal((10, 4))
    labels = rng.integers(0, 4, 10)
    fit = Multinomial(4)
    assert fit.value_eta(labels, eta + 5.0) == pytest.approx(fit.value_eta(labels, eta))
    np.testing.assert_allclose(fit.raw_grad(labels, eta).sum(1), 0.0, atol=1e-15)
    assert np.isfinite(fit.value_eta(labels, 1e3 * eta))
