"""The covariance-update path (_kernels/path_gram.py) against independent checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shrinkage._design import TriangularDesign, center_problem, reduce_tall
from shrinkage._kernels.gap import duality_gap
from shrinkage._kernels.path_cd import enet_path
from shrinkage._kernels.path_gram import _running_gap
from shrinkage._path_solve import compiled_path
from shrinkage.penalties import ElasticNet
from shrinkage.solvers.cd import certify


def _tall(n: int, p: int, seed: int, *, rho: float = 0.5, offset: float = 2.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + rho * rng.standard_normal((n, 1)) + offset
    beta = np.zeros(p)
    beta[: max(1, p // 3)] = rng.standard_normal(max(1, p // 3)) * 3
    y = X @ beta + rng.standard_normal(n)
    return X, y


def _path(X, y, pen_kwargs, n_alphas=12, tol=1e-8, fraction=1e-3):
    """The compiled path of the reduced tall problem, and what it was run on."""
    centred = center_problem(X, y, None, fit_intercept=True, standardize=False)
    problem = reduce_tall(centred)
    assert isinstance(problem.design, TriangularDesign)
    p = X.shape[1]
    unit = ElasticNet(1.0, **pen_kwargs).per_feature(p)
    grad = problem.design.rmatvec(problem.y) / problem.n_samples
    amax = float(np.max(unit.zero_threshold(-grad)[unit.l1 > 0] / unit.l1[unit.l1 > 0]))
    alphas = np.geomspace(amax, amax * fraction, n_alphas)
    fitted = compiled_path(problem, unit, alphas, np.zeros(p), tol=tol, max_iter=100_000,
                           null_rss=1.0)
    return centred, problem, unit, alphas, fitted


def _check_certified(centred, pen_kwargs, alphas, fitted, tol):
    """Every alpha's point has an independent gap within 30% of the tolerance,
    computed on the centred n-row data (not the triangle the kernel saw)."""
    for k, alpha in enumerate(alphas):
        w = fitted.coefs[:, k]
        check = certify(centred.design, centred.y, ElasticNet(alpha, **pen_kwargs), w,
                        n_samples=centred.n_samples, tol=tol)
        assert check.certificate <= 0.3 * check.tol * (1 + 1e-6) + 1e-13 * check.tol / tol
        r = centred.y - centred.design.matvec(w)
        assert fitted.rss[k] == pytest.approx(float(r @ r), rel=1e-9)


@pytest.mark.parametrize(
    "pen_kwargs",
    [
        {},
        {"l1_ratio": 0.3},
        {"penalty_factor": np.linspace(0.2, 3.0, 25)},
        {"positive": True},
        {"lower_bounds": np.where(np.arange(25) % 2 == 0, -0.05, -np.inf),
         "upper_bounds": np.where(np.arange(25) % 3 == 0, 0.1, np.inf), "l1_ratio": 0.7},
    ],
    ids=["lasso", "enet", "factors", "positive", "bounds"],
)
def test_every_alpha_is_certified_on_the_original_rows(pen_kwargs):
    X, y = _tall(300, 25, seed=3)
    tol = 1e-8
    centred, _, _, alphas, fitted = _path(X, y, pen_kwargs, tol=tol)
    assert fitted.converged.all()
    _check_certified(centred, pen_kwargs, alphas, fitted, tol)
    assert not fitted.coefs[:, 0].any()  # alpha_max: exact zeros
    assert fitted.coefs[:, 1].any()
    if pen_kwargs.get("positive"):
        assert np.all(fitted.coefs >= 0)


def test_objective_matches_the_triangle_kernel_to_the_tolerance():
    X, y = _tall(500, 40, seed=5, rho=0.9)
    tol = 1e-9
    _, problem, unit, alphas, fitted = _path(X, y, {"l1_ratio": 0.8}, n_alphas=30, tol=tol)
    design = problem.design
    p, k = unit.n_features, len(alphas)
    coefs, gaps, rss = np.empty((p, k)), np.empty(k), np.empty(k)
    n_iter = np.zeros(k, dtype=np.int64)
    n = problem.n_samples
    tol_abs = tol * float(problem.y @ problem.y) / n
    enet_path((design.X, design.col_end), problem.y, alphas, unit.l1, unit.l2, unit.lower,
              unit.upper, design.norms2, n, tol_abs, 100_000, np.zeros(p), coefs, gaps, rss,
              n_iter)

    def objective(w, alpha):
        r = problem.y - design.matvec(w)
        return float(r @ r) / (2 * n) + ElasticNet(alpha, l1_ratio=0.8).value(w)

    for j, alpha in enumerate(alphas):
        # Both are within 30% of tol_abs of the optimum, so of each other.
        assert objective(fitted.coefs[:, j], alpha) == pytest.approx(
            objective(coefs[:, j], alpha), abs=0.3 * tol_abs)


@pytest.mark.parametrize("bounded", [False, True])
def test_running_gap_is_the_gap_of_gap_py(bounded):
    """The O(p) gap from ||r||^2, y'r and X'r equals ``duality_gap`` on r."""
    rng = np.random.default_rng(1)
    n, p = 9, 8
    X = rng.standard_normal((n, p))
    y = rng.standard_normal(n)
    w = np.where(rng.random(p) < 0.5, 0.0, rng.standard_normal(p))
    r = y - X @ w
    corr = X.T @ r
    l1 = rng.uniform(0.0, 0.5, p)
    l2 = np.where(np.arange(p) % 2 == 0, 0.0, rng.uniform(0.1, 1.0, p))
    l1[l2 == 0] += 0.1  # every feature penalised
    lower = np.full(p, -np.inf)
    upper = np.full(p, np.inf)
    if bounded:
        lower[::3] = 0.0
        upper[1::3] = 0.4
        w = np.clip(w, lower, upper)
        r = y - X @ w
        corr = X.T @ r
    idx = np.arange(p)
    sums = np.array([r @ r, y @ r])
    for noise in (0.0, 1e-3):
        expected = duality_gap(y, r, r, corr, w, l1, l2, lower, upper, idx, float(n), noise)[0]
        got = _running_gap(sums, corr, w, l1, l2, lower, upper, idx, float(n), noise,
                           not bounded)
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-14)


def test_ill_conditioned_columns_are_still_certified():
    """Near-duplicate columns: covariance updates drift by cond^2 eps, and the
    triangle's certificate (not the running gap) decides."""
    rng = np.random.default_rng(7)
    X, y = _tall(400, 12, seed=7)
    X[:, 1] = X[:, 0] + 1e-6 * rng.standard_normal(400)
    tol = 1e-10
    centred, _, _, alphas, fitted = _path(X, y, {"l1_ratio": 0.5}, tol=tol, fraction=1e-4)
    assert fitted.converged.all()
    _check_certified(centred, {"l1_ratio": 0.5}, alphas, fitted, tol)


def test_zero_tolerance_takes_the_triangle_kernel_and_stops():
    X, y = _tall(200, 10, seed=2)
    _, problem, _, _, fitted = _path(X, y, {}, n_alphas=4, tol=0.0)
    assert np.all(fitted.n_iter < 100_000)
    assert np.all(fitted.gaps <= 1e-12 * float(problem.y @ problem.y))


@settings(max_examples=60, deadline=None)
@given(
    n_extra=st.integers(1, 40),
    p=st.integers(1, 12),
    seed=st.integers(0, 10_000),
    l1_ratio=st.sampled_from([1.0, 0.5, 0.05]),
    rho=st.sampled_from([0.0, 0.5, 0.99]),
    zero_column=st.booleans(),
)
def test_random_tall_paths_are_certified_with_exact_zeros(n_extra, p, seed, l1_ratio, rho,
                                                          zero_column):
    X, y = _tall(p + n_extra + 1, p, seed=seed, rho=rho)
    if zero_column and p > 1:
        X[:, -1] = 3.0  # constant: zero after centring
    tol = 1e-10
    pen = {"l1_ratio": l1_ratio}
    centred, problem, unit, alphas, fitted = _path(X, y, pen, n_alphas=8, tol=tol)
    assert fitted.converged.all()
    _check_certified(centred, pen, alphas, fitted, tol)
    assert not fitted.coefs[:, 0].any()
    # A nonzero coefficient sits where its optimality condition holds with
    # equality; one whose pull is clearly below its L1 weight is exactly 0
    # (an extrapolated 1e-13 left unswept would break supports and df).
    n = problem.n_samples
    for k, alpha in enumerate(alphas):
        w = fitted.coefs[:, k]
        r = problem.y - problem.design.matvec(w)
        pull = np.abs(problem.design.rmatvec(r) / n - alpha * unit.l2 * w)
        l1 = alpha * unit.l1
        assert not np.any((w != 0) & (pull < 0.99 * l1))


def _lasso_problem(seed=4, n=300, p=20, rho=0.95):
    X, y = _tall(n, p, seed=seed, rho=rho)
    Xc = X - X.mean(axis=0)
    yc = y - y.mean()
    return Xc, yc, Xc.T @ Xc, Xc.T @ yc


def _newton(G, c, w, l1, l2, lower=None, upper=None, n=1.0):
    """support_newton_point at ``w`` as a kernel calls it (r = y - X w)."""
    from shrinkage._kernels.support_newton import support_newton_point, support_positions

    p = w.shape[0]
    lower = np.full(p, -np.inf) if lower is None else lower
    upper = np.full(p, np.inf) if upper is None else upper
    ws = np.arange(p)
    support = np.empty(p, dtype=np.int64)
    m = support_positions(w, ws, support)
    A = ws[support[:m]]
    M = np.ascontiguousarray(G[np.ix_(A, A)])
    corr = c - G @ w  # X'r
    out = np.empty(p)
    ok = support_newton_point(M, corr, w, l1, l2, lower, upper, float(n), ws, support, m, out)
    return ok, out


def test_support_newton_lands_on_the_minimiser_of_its_support():
    """Given the right support and signs, one solve gives the exact solution
    (the stationarity conditions on the support, checked directly)."""
    Xc, _, G, c = _lasso_problem()
    n, p = Xc.shape
    support = np.array([0, 2, 3, 7, 11])
    A = np.ix_(support, support)
    # A small L1 weight keeps the signs of least squares on the support.
    signs = np.sign(np.linalg.solve(G[A], c[support]))
    l1 = np.full(p, 1e-4 * np.max(np.abs(c)) / n)
    l2 = np.full(p, 0.01)
    w = np.zeros(p)
    w[support] = signs * np.random.default_rng(0).uniform(0.1, 1.0, support.size)
    ok, out = _newton(G, c, w, l1, l2, n=n)
    assert ok
    # Stationary on the support with the given signs, zero elsewhere.
    grad = -(c - G @ out) / n + l2 * out
    np.testing.assert_allclose(grad[support], -l1[support] * signs, atol=1e-10)
    assert np.array_equal(np.sign(out[support]), signs)
    assert not out[np.setdiff1d(np.arange(p), support)].any()


def test_support_newton_refuses_a_wrong_sign_a_bound_and_a_collinear_support():
    Xc, yc, G, c = _lasso_problem(p=6, rho=0.0)
    n, p = Xc.shape
    zeros = np.zeros(p)
    exact = np.linalg.solve(G, c)  # no penalty: least squares
    ok, out = _newton(G, c, exact * 2, zeros, zeros, n=n)
    assert ok
    np.testing.assert_allclose(out, exact, rtol=1e-10)
    flipped = exact.copy()
    flipped[0] *= -1  # the minimiser keeps its own sign: refused
    assert not _newton(G, c, flipped, zeros, zeros, n=n)[0]
    upper = np.full(p, np.inf)
    upper[np.argmax(exact)] = 0.5 * exact.max()  # the minimiser is out of bounds
    assert not _newton(G, c, exact * 0.1, zeros, zeros, upper=upper, n=n)[0]
    Xd = np.column_stack([Xc[:, 0], Xc[:, 0]])  # a duplicated column: singular
    assert not _newton(Xd.T @ Xd, Xd.T @ yc, np.array([1.0, 1.0]), np.zeros(2), np.zeros(2),
                       n=n)[0]


def test_correlated_tall_paths_are_certified_to_a_tight_tolerance():
    """rho 0.95: where coordinate descent creeps and the support's Newton step
    takes over; every alpha still certified on the original rows."""
    X, y = _tall(400, 40, seed=11, rho=0.95)
    tol = 1e-11
    centred, _, _, alphas, fitted = _path(X, y, {"l1_ratio": 0.9}, n_alphas=25, tol=tol,
                                          fraction=1e-4)
    assert fitted.converged.all()
    _check_certified(centred, {"l1_ratio": 0.9}, alphas, fitted, tol)


def test_the_newton_cost_rule_is_bounded_by_the_budget_and_the_support_size():
    """A stalled descent (no rate: infinitely many windows) spends at most its
    epoch budget, so a large support is not factored for a few epochs' worth;
    and no support above MAX_SUPPORT is ever factored."""
    from shrinkage._kernels.support_newton import MAX_SUPPORT, newton_pays

    m = 1000
    assert newton_pays(np.inf, 5, m, 100.0, m, 100_000)
    assert not newton_pays(np.inf, 5, m, 100.0, m, 10)  # ten epochs are cheaper
    assert not newton_pays(np.inf, 5, MAX_SUPPORT + 1, 100.0, MAX_SUPPORT + 1, 10**12)
    assert newton_pays(50.0, 5, 10, 100.0, 10, 100_000)  # a slow rate and a small support
    assert not newton_pays(0.5, 5, 200, 10.0, 200, 100_000)  # nearly there: not worth it
