"""The grouped multinomial penalty: block prox, certified block CD, alpha_max."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import minimize
from sklearn.exceptions import ConvergenceWarning

from conftest import make_classes
from shrinkage._kernels.cd_group import group_prox
from shrinkage._logistic_problem import (
    logistic_alpha_max,
    make_logistic_problem,
    solve_logistic,
)
from shrinkage.penalties import L1, ElasticNet, PenaltyArrays
from shrinkage.solvers.group_cd import GroupCD, group_penalty_value
from shrinkage.solvers.logistic_fista import logistic_fista


def grouped_objective(X, labels, K, W, b, pen, sample_weight=None):
    Xd = X.toarray() if sp.issparse(X) else X
    eta = Xd @ W + b
    s = np.ones(len(labels)) if sample_weight is None else sample_weight
    s = s / s.sum()
    top = eta.max(1)
    lse = top + np.log(np.exp(eta - top[:, None]).sum(1))
    return float(s @ (lse - eta[np.arange(len(labels)), labels]) + group_penalty_value(W, pen))


# -- the block prox ---------------------------------------------------------
@pytest.mark.parametrize("seed", range(12))
def test_group_prox_is_the_argmin(seed):
    rng = np.random.default_rng(seed)
    K = int(rng.integers(1, 6))
    z = rng.standard_normal(K) * rng.choice([0.1, 1.0, 10.0])
    threshold = float(rng.uniform(0.0, 2.0)) * (seed % 4 != 0)
    shrink = 1.0 + float(rng.uniform(0.0, 3.0)) * (seed % 3 != 0)
    out = np.empty(K)
    group_prox(z, threshold, shrink, out)

    def f(w):
        return 0.5 * np.sum((w - z) ** 2) + threshold * np.linalg.norm(w) \
            + 0.5 * (shrink - 1.0) * np.sum(w * w)

    # Smooth away from 0: BFGS from several starts, and 0 itself.
    runs = [minimize(f, w0, method="BFGS", options={"gtol": 1e-12})
            for w0 in (z, 0.5 * z + 0.1, rng.standard_normal(K))]
    best = min(runs, key=lambda r: r.fun)
    if f(np.zeros(K)) <= best.fun:
        best.x, best.fun = np.zeros(K), f(np.zeros(K))
    assert f(out) <= best.fun + 1e-12
    np.testing.assert_allclose(out, best.x, atol=1e-5)
    if np.linalg.norm(z) <= threshold:
        assert np.all(out == 0.0)


# -- the solver ---------------------------------------------------------------
CASES = [
    # (n, p, K, density, penalty, fit_intercept, weighted, penalty_factor)
    (60, 8, 3, 1.0, "l1", True, False, None),
    (60, 8, 3, 0.4, "l1", True, False, None),
    (50, 12, 4, 1.0, "enet", False, True, None),
    (50, 12, 4, 0.3, "enet", True, True, None),
    (40, 30, 3, 1.0, "l1", True, False, "zeros"),
    (60, 15, 5, 0.3, "enet", True, True, "zeros"),
    (30, 6, 3, 1.0, "l2", True, False, None),
]


def _penalty(kind, alpha, p, factor):
    pf = None
    if factor == "zeros":
        pf = np.ones(p)
        pf[[0, 3]] = 0.0
    if kind == "l1":
        return L1(alpha, penalty_factor=pf).per_feature(p)
    if kind == "l2":
        return ElasticNet(alpha, l1_ratio=0.0, penalty_factor=pf).per_feature(p)
    return ElasticNet(alpha, l1_ratio=0.6, penalty_factor=pf).per_feature(p)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}x{c[1]}K{c[2]}d{c[3]}{c[4]}")
def test_certified_and_matches_the_oracle(case):
    n, p, K, density, kind, fit_intercept, weighted, factor = case
    X, labels = make_classes(n, p, K, density=density, seed=n + p, intercept_scale=1.0)
    sw = np.random.default_rng(1).uniform(0.2, 3.0, n) if weighted else None
    pen = _penalty(kind, 0.03, p, factor)
    sol = GroupCD(tol=1e-10).solve(X, labels, K, pen, sample_weight=sw,
                                   fit_intercept=fit_intercept)
    assert sol.converged and sol.certificate <= sol.tol
    assert np.all(np.isfinite(sol.coef))
    ours = grouped_objective(X, labels, K, sol.coef, sol.intercept, pen, sw)
    assert ours == pytest.approx(sol.primal, rel=1e-12)
    oracle = logistic_fista(X, labels, pen, n_classes=K, sample_weight=sw,
                            fit_intercept=fit_intercept, grouped=True)
    assert oracle.converged
    # The gap bounds the distance to the optimum; the oracle cannot beat it.
    assert ours - oracle.objective <= sol.certificate + 1e-13
    assert ours == pytest.approx(oracle.objective, rel=1e-8)
    # Rows are selected as a whole.
    norms = np.linalg.norm(sol.coef, axis=1)
    zero_rows = norms == 0
    assert np.all((sol.coef == 0).all(axis=1) == zero_rows)
    assert np.all((sol.coef != 0).all(axis=1) | zero_rows)


def test_loose_tolerance_gap_is_a_bound():
    X, labels = make_classes(80, 15, 3, seed=7, intercept_scale=1.0)
    pen = _penalty("enet", 0.01, 15, None)
    oracle = logistic_fista(X, labels, pen, n_classes=3, grouped=True)
    for tol in (1e-2, 1e-4, 1e-6):
        sol = GroupCD(tol=tol).solve(X, labels, 3, pen)
        assert sol.certificate <= sol.tol
        assert sol.primal - oracle.objective <= sol.certificate + 1e-13


@pytest.mark.parametrize("sparse", [False, True])
def test_dense_equals_sparse(sparse):
    X, labels = make_classes(70, 20, 4, density=0.3, seed=11, intercept_scale=1.0)
    pen = _penalty("enet", 0.02, 20, "zeros")
    sw = np.random.default_rng(5).uniform(0.5, 2.0, 70)
    a = GroupCD(tol=1e-12).solve(X.toarray(), labels, 4, pen, sample_weight=sw)
    b = GroupCD(tol=1e-12).solve(X if sparse else np.asfortranarray(X.toarray()), labels, 4,
                                 pen, sample_weight=sw)
    # Dense X is solved on centred columns, CSC X as stored; each fit is
    # certified, and the certificates bound the distance between them: the
    # objectives differ by at most the sum of the gaps and, the objective
    # being mu-strongly convex in W (mu = the smallest L2 weight),
    # ||a - b|| <= sqrt(2 gap_a / mu) + sqrt(2 gap_b / mu).
    assert a.converged and b.converged
    assert abs(a.primal - b.primal) <= a.certificate + b.certificate + 1e-15
    mu = float(pen.l2[pen.l2 > 0].min())
    penalised = pen.l2 > 0
    bound = np.sqrt(2 * a.certificate / mu) + np.sqrt(2 * b.certificate / mu) + 1e-12
    assert np.linalg.norm(a.coef[penalised] - b.coef[penalised]) <= bound


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("factor", [None, "zeros"])
def test_alpha_max_zeroes_every_row(sparse, factor):
    X, labels = make_classes(60, 10, 3, density=0.5 if sparse else 1.0, seed=3, intercept_scale=1.0)
    problem = make_logistic_problem(X, labels, 3, None, fit_intercept=True, standardize=False)
    unit = _penalty("l1", 1.0, 10, factor)
    alpha_max = logistic_alpha_max(problem, unit, grouped=True)
    penalised = unit.l1 > 0
    for scale in (1.0, 1.5):
        pen = _penalty("l1", scale * alpha_max, 10, factor)
        sol = solve_logistic(problem, pen, tol=1e-8, max_iter=5000, grouped=True)
        assert sol.certificate <= sol.tol
        assert np.all(sol.coef[penalised] == 0.0)
    # Just below alpha_max a row enters.
    pen = _penalty("l1", 0.97 * alpha_max, 10, factor)
    sol = solve_logistic(problem, pen, tol=1e-8, max_iter=5000, grouped=True)
    assert np.any(sol.coef[penalised] != 0.0)
    # The ungrouped alpha_max is the largest entry, at most the row norm.
    assert logistic_alpha_max(problem, unit) <= alpha_max


def test_solve_logistic_dispatches_and_binary_is_unchanged():
    X, labels = make_classes(50, 6, 3, seed=2, intercept_scale=1.0)
    problem = make_logistic_problem(X, labels, 3, None, fit_intercept=True, standardize=True)
    pen = _penalty("l1", 0.05, 6, None)
    grouped = solve_logistic(problem, pen, tol=1e-8, max_iter=5000, grouped=True)
    ungrouped = solve_logistic(problem, pen, tol=1e-8, max_iter=100)
    zero_rows = (grouped.coef == 0).all(axis=1)
    assert np.all(zero_rows | (grouped.coef != 0).all(axis=1))
    assert not np.allclose(grouped.coef, ungrouped.coef)
    binary = make_logistic_problem(X, (labels == 1).astype(np.int64), 2, None,
                                   fit_intercept=True, standardize=False)
    a = solve_logistic(binary, pen, tol=1e-8, max_iter=100, grouped=True)
    b = solve_logistic(binary, pen, tol=1e-8, max_iter=100)
    np.testing.assert_array_equal(a.coef, b.coef)


def test_warm_start_is_immediate():
    X, labels = make_classes(60, 10, 3, seed=4, intercept_scale=1.0)
    pen = _penalty("enet", 0.02, 10, None)
    sol = GroupCD(tol=1e-8).solve(X, labels, 3, pen)
    again = GroupCD(tol=1e-8).solve(X, labels, 3, pen, coef_init=sol.coef,
                                    intercept_init=sol.intercept)
    assert again.n_iter == 0
    assert again.certificate <= again.tol


def test_bounds_are_refused():
    X, labels = make_classes(20, 4, 3, seed=1, intercept_scale=1.0)
    pen = L1(0.1, positive=True).per_feature(4)
    with pytest.raises(ValueError, match="grouped"):
        GroupCD().solve(X, labels, 3, pen)
    problem = make_logistic_problem(X, labels, 3, None, fit_intercept=True, standardize=False)
    with pytest.raises(ValueError, match="bounds"):
        solve_logistic(problem, pen, tol=1e-4, max_iter=10, grouped=True)


def test_not_converged_warns():
    X, labels = make_classes(60, 10, 3, seed=6, intercept_scale=1.0)
    pen = _penalty("l1", 0.001, 10, None)
    with pytest.warns(ConvergenceWarning, match="duality gap"):
        sol = GroupCD(tol=1e-14, max_iter=2, check_every=1).solve(X, labels, 3, pen)
    assert not sol.converged and sol.n_iter == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        GroupCD(tol=1e-14, max_iter=2).solve(X, labels, 3, pen, warn=False)


def test_degenerate_columns():
    """Constant, zero and duplicated columns; one sample of one class."""
    rng = np.random.default_rng(9)
    X = rng.standard_normal((25, 6))
    X[:, 1] = 3.0
    X[:, 2] = 0.0
    X[:, 4] = X[:, 3]
    labels = np.zeros(25, dtype=np.int64)
    labels[0], labels[1:6] = 2, 1
    pen = PenaltyArrays(l1=np.full(6, 0.01), l2=np.full(6, 0.05), lower=np.full(6, -np.inf),
                        upper=np.full(6, np.inf))
    sol = GroupCD(tol=1e-10).solve(X, labels, 3, pen)
    assert sol.converged and np.all(np.isfinite(sol.coef))
    assert np.all(sol.coef[2] == 0.0)
    # Duplicated columns share their row equally (strictly convex with L2).
    np.testing.assert_allclose(sol.coef[3], sol.coef[4], atol=1e-4)
