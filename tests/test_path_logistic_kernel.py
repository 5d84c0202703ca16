"""The compiled binary logistic path (``_kernels/path_logistic.py``).

Every solution it returns is checked against a duality gap recomputed here
by the Python code of ``solvers/_logistic_gap.py`` (not the kernel's own
arithmetic), and against the Python proximal-Newton loop on the same
problem.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

from shrinkage import regularization_path
from shrinkage._logistic_compiled import compiled_logistic_applies, compiled_logistic_path
from shrinkage._logistic_path import (
    _python_path,
    logistic_path_alpha_max,
    logistic_unit_penalty,
    logistic_zero_thresholds,
)
from shrinkage._logistic_problem import make_logistic_problem, unpenalised_logistic_fit
from shrinkage._path_solve import default_alphas, scaled
from shrinkage.solvers._logistic_gap import binary_gap


def _data(n, p, seed, sparse=False, offset=0.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + offset
    if sparse:
        X[rng.random((n, p)) < 0.7] = 0.0
    w = np.zeros(p)
    w[: min(3, p)] = [2.0, -1.5, 1.0][: min(3, p)]
    y = (X @ w + rng.logistic(size=n) > 0).astype(np.int64)
    if y.min() == y.max():
        y[0] = 1 - y[0]
    return (sp.csc_matrix(X) if sparse else X), y


def _setup(X, y, *, fit_intercept=True, l1_ratio=1.0, options=None, sample_weight=None,
           n_alphas=12, eps=1e-2):
    options = options or {}
    problem = make_logistic_problem(X, y, 2, sample_weight, fit_intercept=fit_intercept,
                                    standardize=False)
    unit = logistic_unit_penalty(problem, l1_ratio, options)
    base = unpenalised_logistic_fit(problem, unit)
    need = logistic_zero_thresholds(problem, unit, base)
    grid = default_alphas(logistic_path_alpha_max(problem, l1_ratio, options, base), n_alphas,
                          eps)
    free = (unit.l1 == 0) & (unit.l2 == 0)
    at_top = np.array([bool(np.all((need <= a * unit.l1 * (1 + 1e-12)) | free)) for a in grid])
    return problem, unit, base, grid, at_top


def _independent_gap(problem, unit, alpha, solution):
    """The gap at a returned point, from the Python gap code on uncentred X."""
    data = problem.data
    omega = problem.omega()
    eta = np.asarray(data.X @ solution.coef).ravel() + solution.intercept
    pen = scaled(unit, alpha)
    gap, primal, _ = binary_gap(data.X, problem.y_pm, omega, eta, solution.coef, pen,
                                data.max_norm)
    return gap, primal


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(8, 60), p=st.integers(1, 40), seed=st.integers(0, 10_000),
    sparse=st.booleans(), fit_intercept=st.booleans(),
    l1_ratio=st.sampled_from([1.0, 0.5, 0.0]), weighted=st.booleans(),
    positive=st.booleans(),
)
def test_every_solution_is_certified_by_an_independent_gap(
    n, p, seed, sparse, fit_intercept, l1_ratio, weighted, positive
):
    X, y = _data(n, p, seed, sparse=sparse)
    sw = np.random.default_rng(seed).uniform(0.2, 3.0, n) if weighted else None
    options = {"positive": True} if positive else {}
    problem, unit, base, grid, at_top = _setup(
        X, y, fit_intercept=fit_intercept, l1_ratio=l1_ratio, options=options, sample_weight=sw
    )
    assert compiled_logistic_applies(problem, unit)
    solutions, losses = compiled_logistic_path(problem, unit, grid, at_top, base, tol=1e-8,
                                               max_iter=200)
    for alpha, solution, loss in zip(grid, solutions, losses, strict=True):
        gap, primal = _independent_gap(problem, unit, alpha, solution)
        assert solution.converged
        # The kernel's gap and this one differ by the rounding of X' theta
        # on centred against uncentred columns.
        assert gap <= solution.tol + 1e-12 * (1 + abs(primal))
        assert solution.primal == pytest.approx(primal, rel=1e-9, abs=1e-12)
        assert loss <= primal + 1e-12
        if positive:
            assert np.all(solution.coef >= 0)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_compiled_and_python_loops_reach_the_same_objective(sparse, fit_intercept):
    X, y = _data(200, 60, 3, sparse=sparse)
    problem, unit, base, grid, at_top = _setup(X, y, fit_intercept=fit_intercept, l1_ratio=0.7)
    compiled, _ = compiled_logistic_path(problem, unit, grid, at_top, base, tol=1e-9,
                                         max_iter=200)
    python = _python_path(problem, unit, grid, at_top, base, 1e-9, 200, False)
    for a, b in zip(compiled, python, strict=True):
        assert abs(a.primal - b.primal) <= a.tol + b.tol
        np.testing.assert_allclose(a.coef, b.coef, atol=1e-3)


def test_the_top_of_the_path_holds_exact_zeros_and_the_null_model():
    X, y = _data(150, 20, 5)
    problem, unit, base, grid, at_top = _setup(X, y)
    assert at_top[0] and not at_top[-1]
    solutions, _ = compiled_logistic_path(problem, unit, grid, at_top, base, tol=1e-6,
                                          max_iter=100)
    top = solutions[0]
    assert np.all(top.coef == 0.0) and top.n_iter == 0
    share = y.mean()
    assert top.intercept == pytest.approx(np.log(share / (1 - share)), rel=1e-12)


def test_large_feature_offsets_are_centred_away():
    """Columns with mean 1e4 and unit spread: the intercept absorbs the offset."""
    X, y = _data(300, 10, 7, offset=1e4)
    path = regularization_path(X, y, loss="logistic", n_alphas=10, eps=1e-2, tol=1e-8)
    assert np.all(path.converged)
    Xc, _ = _data(300, 10, 7)
    centred = regularization_path(Xc, y, loss="logistic", alphas=path.alphas, tol=1e-8)
    np.testing.assert_allclose(path.coefs, centred.coefs, atol=1e-5)


def test_unpenalised_features_use_the_python_solver():
    X, y = _data(120, 8, 2)
    factor = np.ones(8)
    factor[0] = 0.0
    problem, unit, *_ = _setup(X, y, options={"penalty_factor": factor})
    assert not compiled_logistic_applies(problem, unit)
    path = regularization_path(X, y, loss="logistic", penalty_factor=factor, n_alphas=8,
                               tol=1e-8)
    assert np.all(path.converged)
    assert np.all(path.coefs[0, 1:] != 0)


def test_zero_tol_stops_at_the_rounding_floor():
    X, y = _data(100, 30, 9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        path = regularization_path(X, y, loss="logistic", n_alphas=6, tol=0.0, max_iter=30)
    # tol = 0 leaves only the floor 64 eps (1 + max |eta|): reached or
    # stopped by max_iter, never an endless loop, never a non-finite gap.
    assert np.all(np.isfinite(path.dual_gaps))
    assert np.all(path.dual_gaps <= 1e-12)


def test_separable_data_grow_without_overflow():
    """Separable classes: the coefficients grow as alpha falls, every gap finite."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 5))
    y = (X[:, 0] > 0).astype(int)
    path = regularization_path(X, y, loss="logistic", n_alphas=20, eps=1e-4, tol=1e-6)
    assert np.all(np.isfinite(path.coefs)) and np.all(np.isfinite(path.dual_gaps))
    assert np.all(path.dual_gaps <= path.tols)
    assert abs(path.coefs[0, -1]) > abs(path.coefs[0, len(path.alphas) // 2])


@pytest.mark.parametrize("sparse", [False, True])
def test_float32_data_run_compiled_and_match_float64(sparse):
    X, y = _data(150, 25, 11, sparse=sparse)
    X32 = X.astype(np.float32)
    p32 = regularization_path(X32, y, loss="logistic", n_alphas=10, tol=1e-8)
    p64 = regularization_path(X32.astype(np.float64), y, loss="logistic", alphas=p32.alphas,
                              tol=1e-8)
    problem = make_logistic_problem(X32, y, 2, None, fit_intercept=True, standardize=False)
    assert problem.data.X.dtype == np.float32
    assert compiled_logistic_applies(problem, logistic_unit_penalty(problem, 1.0, {}))
    assert np.all(p32.converged)
    # The same float32 values in float64: the same problem up to the
    # rounding of the centred float32 copy.
    np.testing.assert_allclose(p32.coefs, p64.coefs, atol=1e-4)
    np.testing.assert_array_equal(p32.df, p64.df)


def test_an_alpha_the_kernel_cannot_certify_is_solved_again_from_its_point():
    """A hypothesis case: weighted, positive and nearly separable, where the
    kernel's intercept stayed 1e-7 from optimal (gap 8x the tolerance) for 200
    Newton steps at the last alpha; the Python solver, started there, certifies
    it, and every alpha of the path is certified by the independent gap."""
    n, p, seed = 34, 17, 1571
    X, y = _data(n, p, seed)
    sw = np.random.default_rng(seed).uniform(0.2, 3.0, n)
    problem, unit, base, grid, at_top = _setup(X, y, options={"positive": True},
                                               sample_weight=sw)
    solutions, _ = compiled_logistic_path(problem, unit, grid, at_top, base, tol=1e-8,
                                          max_iter=200)
    for alpha, solution in zip(grid, solutions, strict=True):
        assert solution.converged
        gap, primal = _independent_gap(problem, unit, alpha, solution)
        assert gap <= solution.tol + 1e-12 * (1 + abs(primal))
        assert np.all(solution.coef >= 0)
