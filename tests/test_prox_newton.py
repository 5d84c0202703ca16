"""Proximal Newton against the FISTA oracle; its certificate; degenerate data."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_classes
from shrinkage._logistic_problem import (
    logistic_alpha_max,
    make_logistic_problem,
    solve_logistic,
)
from shrinkage.penalties import L1, L2, ElasticNet
from shrinkage.solvers.logistic_fista import logistic_fista
from shrinkage.solvers.prox_newton import ProxNewton

OBJECTIVE_RTOL = 1e-8


def make_penalty(kind, alpha, p, *, factor=None, bounds=None):
    kw = {}
    if factor == "zeros":
        f = np.ones(p)
        f[[0, p // 2]] = 0.0
        kw["penalty_factor"] = f
    if bounds == "positive":
        kw["positive"] = True
    elif bounds == "box":
        kw["lower_bounds"] = -0.2
        kw["upper_bounds"] = np.linspace(0.0, 0.5, p)
    penalty = {"l1": L1(alpha, **kw), "l2": L2(alpha, **kw),
               "enet": ElasticNet(alpha, l1_ratio=0.5, **kw)}[kind]
    return penalty.per_feature(p)


def solve(X, labels, K, pen, *, sw=None, fit_intercept=True, tol=1e-10, max_iter=200,
          **kw):
    solver = ProxNewton(tol=tol, max_iter=max_iter)
    if K == 2:
        y = np.where(labels == 1, 1.0, -1.0)
        return solver.solve(X, y, pen, sample_weight=sw, fit_intercept=fit_intercept, **kw)
    return solver.solve_multinomial(X, labels, K, pen, sample_weight=sw,
                                    fit_intercept=fit_intercept, **kw)


def oracle(X, labels, K, pen, *, sw=None, fit_intercept=True):
    if K == 2:
        y = np.where(labels == 1, 1.0, -1.0)
        return logistic_fista(X, y, pen, sample_weight=sw, fit_intercept=fit_intercept)
    return logistic_fista(X, labels, pen, n_classes=K, sample_weight=sw,
                          fit_intercept=fit_intercept)


# (K, penalty, fit_intercept, weighted, sparse, factor, bounds)
GRID = [
    (K, kind, fi, (i % 2 == 0), (i % 3 == 0), None, None)
    for i, (K, kind, fi) in enumerate(
        (K, kind, fi) for K in (2, 3) for kind in ("l1", "l2", "enet") for fi in (True, False)
    )
] + [
    (2, "l1", True, True, False, "zeros", None),
    (3, "enet", True, False, True, "zeros", None),
    (2, "l1", True, False, False, None, "positive"),
    (2, "enet", False, True, True, "zeros", "box"),
    (3, "l1", True, True, False, None, "positive"),
    (3, "enet", True, False, True, "zeros", "box"),
]


def _id(case):
    K, kind, fi, w, s, f, b = case
    return f"K{K}-{kind}-{'b' if fi else 'nob'}{'-w' if w else ''}{'-csc' if s else ''}" \
        f"{'-' + f if f else ''}{'-' + b if b else ''}"


@pytest.mark.parametrize("case", GRID, ids=_id)
def test_matches_the_oracle(case):
    K, kind, fit_intercept, weighted, sparse, factor, bounds = case
    n, p = 50, 8
    X, labels = make_classes(n, p, K, density=0.5 if sparse else 1.0, seed=K + p)
    sw = np.random.default_rng(3).uniform(0.1, 3.0, n) if weighted else None
    pen = make_penalty(kind, 0.02, p, factor=factor, bounds=bounds)
    sol = solve(X, labels, K, pen, sw=sw, fit_intercept=fit_intercept)
    assert sol.converged and sol.certificate <= sol.tol
    ref = oracle(X, labels, K, pen, sw=sw, fit_intercept=fit_intercept)
    assert ref.converged
    assert np.all(sol.coef >= pen.lower[:, None] if K > 2 else sol.coef >= pen.lower)
    assert np.all(sol.coef <= pen.upper[:, None] if K > 2 else sol.coef <= pen.upper)
    assert sol.primal == pytest.approx(ref.objective, rel=OBJECTIVE_RTOL)
    # The gap is a true bound on the suboptimality.
    assert sol.primal - ref.objective <= sol.certificate + 1e-13


@pytest.mark.parametrize("K", [2, 4])
@pytest.mark.parametrize("tol", [1e-2, 1e-4, 1e-6])
def test_loose_gap_bounds_the_suboptimality(K, tol):
    X, labels = make_classes(80, 20, K, seed=21)
    pen = make_penalty("enet", 0.005, 20)
    ref = oracle(X, labels, K, pen)
    sol = solve(X, labels, K, pen, tol=tol)
    assert sol.certificate <= sol.tol
    assert sol.primal - ref.objective <= sol.certificate + 1e-13


@pytest.mark.parametrize("K", [2, 3])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("factor", [None, "zeros"])
def test_alpha_max_gives_exact_zeros(K, sparse, factor):
    p = 12
    X, labels = make_classes(60, p, K, density=0.4 if sparse else 1.0, seed=5)
    problem = make_logistic_problem(X, labels, K, None, fit_intercept=True, standardize=False)
    unit = make_penalty("l1", 1.0, p, factor=factor)
    alpha_max = logistic_alpha_max(problem, unit)
    penalised = unit.l1 > 0
    for scale in (1.0, 2.0):
        pen = make_penalty("l1", scale * alpha_max, p, factor=factor)
        sol = solve_logistic(problem, pen, tol=1e-8, max_iter=100)
        assert sol.certificate <= sol.tol
        assert np.all(sol.coef[penalised] == 0.0)
    sol = solve_logistic(problem, make_penalty("l1", 0.95 * alpha_max, p, factor=factor),
                         tol=1e-8, max_iter=100)
    assert np.any(sol.coef[penalised] != 0.0)


@pytest.mark.parametrize("K", [2, 3])
@pytest.mark.parametrize("sparse", [False, True])
def test_dense_equals_sparse(K, sparse):
    X, labels = make_classes(60, 15, K, density=0.3, seed=8)
    pen = make_penalty("enet", 0.01, 15)
    a = solve(X.toarray(), labels, K, pen, tol=1e-12)
    b = solve(X if sparse else np.asfortranarray(X.toarray()), labels, K, pen, tol=1e-12)
    # Dense X is solved on centred columns, CSC X as stored: two routes to
    # one optimum, each certified. The certificates bound how far apart they
    # can be: objectives within the sum of the gaps, and (the penalty has an
    # L2 part, so the objective is mu-strongly convex in the coefficients)
    # ||a - b|| <= sqrt(2 gap_a / mu) + sqrt(2 gap_b / mu).
    assert a.converged and b.converged
    assert abs(a.primal - b.primal) <= a.certificate + b.certificate + 1e-15
    mu = float(pen.l2.min())
    bound = np.sqrt(2 * a.certificate / mu) + np.sqrt(2 * b.certificate / mu) + 1e-12
    assert np.linalg.norm(a.coef - b.coef) <= bound


@pytest.mark.parametrize("K", [2, 3])
@pytest.mark.parametrize("kind", ["l1", "enet"])
def test_warm_start_from_the_solution(K, kind):
    X, labels = make_classes(70, 12, K, seed=13)
    pen = make_penalty(kind, 0.01, 12, factor="zeros")
    sol = solve(X, labels, K, pen, tol=1e-8)
    again = solve(X, labels, K, pen, tol=1e-8, coef_init=sol.coef,
                  intercept_init=sol.intercept)
    assert again.n_iter <= 1
    assert again.certificate <= again.tol


# -- properties on random and degenerate problems ---------------------------
@st.composite
def problems(draw):
    n = draw(st.integers(1, 20) | st.sampled_from([60, 150]))
    p = draw(st.integers(1, 30))
    K = draw(st.sampled_from([2, 2, 3, 4]))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * draw(st.sampled_from([1e-3, 1.0, 1e3]))
    if p > 1 and draw(st.booleans()):
        X[:, 0] = draw(st.sampled_from([0.0, 1.0, -7.5]))  # constant column
    if p > 2 and draw(st.booleans()):
        X[:, 2] = X[:, 1]  # duplicated column
    labels = rng.integers(0, K, n).astype(np.int64)
    lone = n >= K and draw(st.booleans())
    if lone:
        labels[:] = 0  # all of one class except one sample of each other class
        labels[n - K + 1:] = np.arange(1, K)
    elif n >= K:
        labels[:K] = np.arange(K)
    fit_intercept = draw(st.booleans()) and n >= K  # else a class is absent: b_k -> -inf
    weights = None
    if draw(st.booleans()):
        weights = rng.uniform(0.0, 1.0, n) * draw(st.sampled_from([1e-6, 1.0, 1e6]))
        weights[rng.integers(0, n)] = draw(st.sampled_from([1e-8, 1.0, 1e8]))
    kind = draw(st.sampled_from(["l1", "l2", "enet"]))
    alpha = draw(st.sampled_from([1e-4, 1e-2, 1.0]))
    # Unpenalised features that separate the classes leave the objective
    # without a minimiser (coefficients run off to infinity): nothing to
    # certify. Random rows in general position are separable by the two
    # unpenalised directions with probability about 2^(1-n) n, so those
    # problems get at least 20 rows and no lone samples.
    factor = "zeros" if p > 1 and n >= 20 and not lone and draw(st.booleans()) else None
    bounds = draw(st.sampled_from([None, None, "positive", "box"]))
    sparse = draw(st.booleans())
    return X, labels, K, weights, kind, alpha, factor, bounds, sparse, fit_intercept


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_random_and_degenerate_problems_are_certified(args):
    X, labels, K, weights, kind, alpha, factor, bounds, sparse, fit_intercept = args
    p = X.shape[1]
    pen = make_penalty(kind, alpha, p, factor=factor, bounds=bounds)
    Xs = sp.csc_matrix(X) if sparse else X
    sol = solve(Xs, labels, K, pen, sw=weights, fit_intercept=fit_intercept, tol=1e-6,
                max_iter=200, warn=False)
    assert np.all(np.isfinite(sol.coef))
    assert np.all(np.isfinite(sol.intercept))
    assert np.isfinite(sol.certificate)
    assert sol.certificate >= 0.0
    # With a class of few rows for the p + 1 parameters that separate it and
    # a tiny penalty the classes are (nearly) separable: the optimum lies at
    # coefficients in the tens or hundreds and proximal Newton may need
    # thousands of iterations (n=4, p=1, K=4, L1(1e-4): gap 5e-6 after 5000;
    # n=15, p=6, K=3: 410; a lone sample of a class among 150 rows, p=10: 504).
    # Those must fail cleanly (a finite, valid gap and converged=False);
    # every other problem must be certified. An extreme weight can make the
    # null loss (the tolerance's unit) ~1e-19; the gap is then held to its
    # floor (64 eps), which sol.tol is.
    smallest_class = np.bincount(labels, minlength=K).min()
    if alpha >= 1e-2 or smallest_class >= 3 * (p + 1):
        assert sol.certificate <= sol.tol, (sol.certificate, sol.tol)
    else:
        assert sol.converged == (sol.certificate <= sol.tol)


def test_multinomial_unpenalised_positive_feature():
    """Unpenalised features with a one-sided bound are certified (once a bug:
    class-by-class solves left x_j' theta above the rounding margin, t = 0)."""
    X, labels = make_classes(50, 8, 3, seed=0)
    factor = np.ones(8)
    factor[[0, 4]] = 0.0
    pen = L1(0.02, penalty_factor=factor, positive=True).per_feature(8)
    sol = solve(X, labels, 3, pen, tol=1e-6, max_iter=100, warn=False)
    assert sol.certificate <= sol.tol

