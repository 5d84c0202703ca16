"""The Quadratic datafit: values and derivatives against finite differences."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import approx_fprime

from conftest import make_regression
from shrinkage._design import center_problem
from shrinkage.datafits import Quadratic
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
