"""Tests of the certified coordinate-descent solver.

scikit-learn is the oracle for the plain Lasso / Elastic-Net (same objective
after centring); the duality gap and the KKT conditions are the oracle for
everything scikit-learn does not have (factors, bounds, degenerate data).
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet as SkElasticNet
from sklearn.linear_model import Lasso as SkLasso

from shrinkage._design import as_design, center_problem
from shrinkage.penalties import L1, L2, ElasticNet, PenaltyArrays
from shrinkage.solvers import CoordinateDescent, Solution

TOL = 1e-10
# Property tests on random data use a looser, still tight, tolerance. With a
# 1e8-scaled column the residual is nearly orthogonal to it, so x_j' theta
# comes out of a cancellation with a relative error ~1e-16 * ||x_j|| ||r|| /
# |x_j' r|, up to ~1e-6 with a 1e-8 column next to it; the gap can not be
# certified below that floor, whence HUGE_TOL for those problems (a limit of
# floating point, not of the solver); the same goes for 1e-8-scaled columns,
# whose coefficients reach 1e8.
PROPERTY_TOL = 1e-8
HUGE_TOL = 1e-5
OBJECTIVE_RTOL = 1e-7


# ---------------------------------------------------------------------------
# problems and helpers
# ---------------------------------------------------------------------------


def _regression(n, p, *, density=1.0, seed=0):
    rng = np.random.default_rng(seed)
    if density < 1.0:
        X = sp.random(n, p, density=density, format="csc", random_state=seed)
        X.data = rng.standard_normal(X.data.shape[0]) + 1.0  # nonzero column means
        Xd = X.toarray()
    else:
        X = Xd = rng.standard_normal((n, p)) + rng.uniform(-1, 1, p)
    beta = np.zeros(p)
    k = min(5, p)
    beta[:k] = rng.choice([-1.0, 1.0], k) * rng.uniform(1.0, 3.0, k)
    y = Xd @ beta + 2.0 + rng.standard_normal(n)
    return X, y


PROBLEMS = {
    "diabetes": lambda: load_diabetes(return_X_y=True),
    "dense_tall": lambda: _regression(120, 15, seed=1),
    "dense_wide": lambda: _regression(40, 120, seed=2),
    "sparse_tall": lambda: _regression(150, 30, density=0.2, seed=3),
    "sparse_wide": lambda: _regression(50, 200, density=0.1, seed=4),
}


@functools.cache
def _centred(name):
    X, y = PROBLEMS[name]()
    prob = center_problem(X, y, None, fit_intercept=True, standardize=False)
    C = prob.design.columns(np.arange(prob.design.n_features, dtype=np.int64))
    return prob, C


def _objective(C, y, w, pen_arrays):
    n = C.shape[0]
    r = y - C @ w
    return r @ r / (2 * n) + np.sum(pen_arrays.l1 * np.abs(w) + 0.5 * pen_arrays.l2 * w * w)


def _alpha_max(C, y):
    return L1(1.0).alpha_max(-C.T @ y / C.shape[0])


@functools.cache
def _sklearn(name, kind, frac, positive=False):
    prob, C = _centred(name)
    alpha = frac * _alpha_max(C, prob.y)
    if kind == "lasso":
        est = SkLasso(alpha=alpha, fit_intercept=False, tol=1e-13, max_iter=200_000,
                      positive=positive)
    else:
        est = SkElasticNet(alpha=alpha, l1_ratio=0.5, fit_intercept=False, tol=1e-13,
                           max_iter=200_000, positive=positive)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(C, prob.y)
    return alpha, est.coef_.copy()


def _penalty(kind, alpha, **kw):
    return L1(alpha, **kw) if kind == "lasso" else ElasticNet(alpha, l1_ratio=0.5, **kw)


def _kkt(design, y, w, pa, n):
    grad = -design.rmatvec(y - design.matvec(w)) / n
    return pa.kkt_violation(w, grad)


def _kkt_scale(design, y, n):
    """Per-feature scale of the gradient: ||x_j|| ||y|| / n (Cauchy-Schwarz)."""
    return np.sqrt(design.norms2) * np.linalg.norm(y) / n


def _kkt_bound(design, pa, y, n, gap, w, tol=TOL):
    """The largest KKT violation a solution certified by ``gap`` may have.

    With a violation v_j, one step on coordinate j in the descent direction
    follows ``phi(d) = -v_j d + L_j d^2 / 2`` (L_j = ||x_j||^2 / n + l2_j) until
    it meets a bound or the kink at 0, at distance ``room_j``; it lowers the
    objective by at least ``min(v_j^2 / (2 L_j), v_j room_j / 2)``, which can
    not exceed the suboptimality, hence the gap. So
    ``v_j <= max(sqrt(2 L_j gap), 2 gap / room_j)``, plus rounding. The gap
    itself is floored at 1e-3 tol ||y||^2 / n, its own rounding level.
    """
    grad = -design.rmatvec(y - design.matvec(w)) / n
    s = grad + pa.l2 * w + pa.l1 * np.sign(w)
    # at w_j = 0 the descent direction leaves the kink against the gradient
    s = np.where(w == 0, np.where(grad < 0, grad + pa.l1, grad - pa.l1), s)
    up = s < 0  # descending means increasing w_j
    with np.errstate(invalid="ignore"):
        room = np.where(up, pa.upper - w, w - pa.lower)
        kink = np.where((w != 0) & (up == (w < 0)), np.abs(w), np.inf)
    room = np.minimum(room, kink)
    curvature = design.norms2 / n + pa.l2
    gap = max(gap, 1e-3 * tol * (y @ y) / n)
    capped = np.divide(2.0 * gap, room, out=np.zeros_like(room), where=room > 0)
    bound = np.maximum(np.sqrt(2.0 * curvature * gap), capped)
    # x_j' r is a cancellation when the coefficients are large (tiny columns)
    # or the column is (huge columns): its rounding is ~ eps |x_j|' (|y| + |X||w|)
    absX = np.abs(design.columns(np.arange(design.n_features, dtype=np.int64)))
    rounding = 1e-10 * absX.T @ (np.abs(y) + absX @ np.abs(w)) / n
    return 1.01 * bound + rounding + 1e-9 * _kkt_scale(design, y, n) + 1e-12


def _assert_bounds_exact(w, pa, viol, scale):
    """A coefficient within rounding of a finite nonzero bound that the
    gradient pushes against must sit on it.

    (Coordinate updates clip exactly onto a bound; a point a few ulps inside
    it keeps the whole gradient as KKT violation, and the bound is not seen
    as active.)
    """
    for bound, inside in ((pa.upper, pa.upper - w), (pa.lower, w - pa.lower)):
        near = np.isfinite(bound) & (bound != 0) & (inside > 0) & (
            inside <= 1e-12 * np.abs(bound)) & (viol > 1e-6 * scale)
        assert not near.any(), {
            "features": np.flatnonzero(near), "distance_to_bound": inside[near],
            "bound": bound[near], "kkt_violation": viol[near],
        }


def _best_coordinate_decrease(design, y, w, pa, n):
    """The largest decrease of the objective one exact coordinate step gives.

    It can never exceed the suboptimality, hence never the duality gap: a
    check of the certificate that does not use the gap code.
    """
    r = y - design.matvec(w)
    norms2 = design.norms2
    ok = norms2 > 0
    safe = np.where(ok, norms2, 1.0)
    xr = design.rmatvec(r)
    w_new = np.where(ok, pa.prox(w + np.where(ok, xr / safe, 0.0), n / safe), w)
    d = w_new - w
    pen_old = pa.l1 * np.abs(w) + 0.5 * pa.l2 * w * w
    pen_new = pa.l1 * np.abs(w_new) + 0.5 * pa.l2 * w_new * w_new
    terms = (norms2 * d * d / (2 * n), -d * xr / n, pen_new, -pen_old)
    change = sum(terms)
    rounding = 1e-12 * sum(np.abs(t) for t in terms)
    return float(np.max(-change - rounding, initial=0.0))


CONFIGS = {
    "default": {},
    "no_ws": {"working_set": False},
    "no_screening": {"screening": False},
    "plain": {"working_set": False, "screening": False, "anderson": False},
    "random": {"selection": "random", "random_state": 0},
}


# ---------------------------------------------------------------------------
# scikit-learn oracle
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("config", sorted(CONFIGS))
@pytest.mark.parametrize(("kind", "frac"), [("lasso", 0.1), ("lasso", 0.01), ("enet", 0.05)])
@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_matches_sklearn(name, kind, frac, config):
    prob, C = _centred(name)
    y, n = prob.y, prob.n_samples
    alpha, sk_coef = _sklearn(name, kind, frac)
    pen = _penalty(kind, alpha)
    pa = pen.per_feature(C.shape[1])
    solver = CoordinateDescent(tol=TOL, max_iter=20_000, **CONFIGS[config])
    sol = solver.solve(prob.design, y, pen)
    assert isinstance(sol, Solution)
    assert sol.converged
    assert sol.certificate_kind == "duality_gap"
    tol_abs = TOL * (y @ y) / n
    assert sol.tol == pytest.approx(tol_abs)
    assert 0 <= sol.certificate <= tol_abs
    assert sol.coef.dtype == np.float64 and not np.any(np.isnan(sol.coef))

    ours = _objective(C, y, sol.coef, pa)
    theirs = _objective(C, y, sk_coef, pa)
    assert sol.primal == pytest.approx(ours, rel=1e-10)
    assert abs(ours - theirs) <= OBJECTIVE_RTOL * theirs
    # the certificate bounds the suboptimality w.r.t. the best known point
    best = min(ours, theirs)
    assert ours - best <= sol.certificate + 1e-12
    np.testing.assert_allclose(sol.coef, sk_coef, atol=1e-3 * np.abs(sk_coef).max())
    viol = _kkt(prob.design, y, sol.coef, pa, n)
    assert np.all(viol <= _kkt_bound(prob.design, pa, y, n, sol.certificate, sol.coef))
    decrease = _best_coordinate_decrease(prob.design, y, sol.coef, pa, n)
    assert decrease <= sol.certificate + 1e-11 * (y @ y) / n


@pytest.mark.parametrize("kind", ["lasso", "enet"])
@pytest.mark.parametrize("name", ["diabetes", "dense_wide", "sparse_tall"])
def test_positive_matches_sklearn(name, kind):
    prob, C = _centred(name)
    alpha, sk_coef = _sklearn(name, kind, 0.05, positive=True)
    pen = _penalty(kind, alpha, positive=True)
    sol = CoordinateDescent(tol=TOL, max_iter=20_000).solve(prob.design, prob.y, pen)
    assert sol.converged
    assert np.all(sol.coef >= 0)
    pa = pen.per_feature(C.shape[1])
    ours, theirs = _objective(C, prob.y, sol.coef, pa), _objective(C, prob.y, sk_coef, pa)
    assert abs(ours - theirs) <= OBJECTIVE_RTOL * theirs
    assert ours - min(ours, theirs) <= sol.certificate + 1e-12


@pytest.mark.parametrize("name", ["dense_tall", "diabetes"])
def test_float32_design_matches_sklearn_on_the_same_values(name):
    X, y = PROBLEMS[name]()
    X32 = np.asarray(X, dtype=np.float32)
    prob = center_problem(X32, y, None, fit_intercept=True, standardize=False)
    assert prob.design.X.dtype == np.float32
    C = prob.design.X.astype(np.float64)
    alpha = 0.05 * _alpha_max(C, prob.y)
    sol = CoordinateDescent(tol=TOL).solve(prob.design, prob.y, L1(alpha))
    assert sol.converged
    sk = SkLasso(alpha=alpha, fit_intercept=False, tol=1e-13, max_iter=100_000).fit(C, prob.y)
    pa = L1(alpha).per_feature(C.shape[1])
    ours, theirs = _objective(C, prob.y, sol.coef, pa), _objective(C, prob.y, sk.coef_, pa)
    assert abs(ours - theirs) <= OBJECTIVE_RTOL * theirs


def test_sparse_and_dense_give_the_same_solution():
    prob, C = _centred("sparse_wide")
    alpha = 0.02 * _alpha_max(C, prob.y)
    solver = CoordinateDescent(tol=1e-12)
    s_sparse = solver.solve(prob.design, prob.y, ElasticNet(alpha, l1_ratio=0.7))
    s_dense = solver.solve(C, prob.y, ElasticNet(alpha, l1_ratio=0.7))
    assert s_sparse.converged and s_dense.converged
    # The L2 part makes the objective mu-strongly convex, mu = alpha (1 - l1_ratio),
    # so each certified iterate lies within sqrt(2 gap / mu) of the optimum.
    mu = alpha * 0.3
    bound = np.sqrt(2 * s_sparse.certificate / mu) + np.sqrt(2 * s_dense.certificate / mu)
    assert np.linalg.norm(s_sparse.coef - s_dense.coef) <= bound + 1e-12
    assert s_sparse.primal == pytest.approx(s_dense.primal, rel=1e-10)


def test_plain_sparse_matrix_and_penalty_arrays_are_accepted():
    rng = np.random.default_rng(0)
    X = sp.random(30, 12, density=0.3, format="csr", random_state=0)
    y = rng.standard_normal(30)
    alpha = 0.1 * L1(1.0).alpha_max(-(X.T @ y) / 30)
    pa = L1(alpha).per_feature(12)
    s1 = CoordinateDescent(tol=TOL).solve(X, y, pa)
    s2 = CoordinateDescent(tol=TOL).solve(X.toarray(), y, L1(alpha))
    assert s1.converged and s2.converged
    np.testing.assert_allclose(s1.coef, s2.coef, atol=1e-7)
    with pytest.raises(ValueError, match="features"):
        CoordinateDescent().solve(X, y, L1(alpha).per_feature(11))
    with pytest.raises(TypeError, match="penalty"):
        CoordinateDescent().solve(X, y, "l1")


# ---------------------------------------------------------------------------
# properties on random and degenerate problems
# ---------------------------------------------------------------------------


@st.composite
def problems(draw, unpenalised=False):
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(4, 30))
    p = draw(st.sampled_from([1, 3, 8, 25, 60]))
    if n <= 5:
        # a rank <= 4 centred design with many nearly collinear columns can
        # take coordinate descent ~5e5 epochs (n = 2: seen): slow, not wrong
        p = min(p, 8)
    sparse = draw(st.booleans())
    if sparse:
        A = sp.random(n, p, density=draw(st.sampled_from([0.2, 0.6])), format="csc",
                      random_state=rng)
        A.data = rng.standard_normal(A.data.shape[0]) + 0.5
        X = A.toarray()
    else:
        X = rng.standard_normal((n, p)) + rng.uniform(-2, 2, p)
    degeneracies = draw(st.sets(st.sampled_from(
        ["constant", "duplicate", "tiny", "huge", "zero_y", "zero_column"]), max_size=3))
    if "constant" in degeneracies:
        X[:, 0] = 3.7
    if "duplicate" in degeneracies and p > 1:
        X[:, -1] = X[:, 0] if "constant" not in degeneracies else X[:, p // 2]
    if "tiny" in degeneracies and p > 2:
        X[:, 1] *= 1e-8
    if "huge" in degeneracies and p > 3:
        X[:, 2] *= 1e8
    if "zero_column" in degeneracies and p > 4:
        X[:, 3] = 0.0
    beta = rng.standard_normal(p) * (rng.random(p) < 0.3)
    y = X @ beta + rng.standard_normal(n) + 1.0
    if "zero_y" in degeneracies:
        y = np.zeros(n)
    Xin = sp.csc_matrix(X) if sparse else X
    prob = center_problem(Xin, y, None, fit_intercept=True, standardize=False)
    # scale of X'y/n before centring: what rounding errors are relative to
    raw_scale = np.sqrt(n) * np.abs(X).max(axis=0) * np.linalg.norm(prob.y) / n

    kind = draw(st.sampled_from(["lasso", "enet"]))
    l1_ratio = 1.0 if kind == "lasso" else draw(st.sampled_from([0.1, 0.5, 0.9]))
    kw = {}
    if draw(st.booleans()):
        kw["positive"] = True
    if draw(st.booleans()):
        lo = np.where(rng.random(p) < 0.5, -rng.uniform(0, 2, p), -np.inf)
        hi = np.where(rng.random(p) < 0.5, rng.uniform(0, 2, p), np.inf)
        kw["lower_bounds"], kw["upper_bounds"] = lo, hi
    factor = rng.choice([0.5, 1.0, 2.0], p)
    if unpenalised:
        # a few unpenalised features (glmnet's use): when they span the
        # centred space the problem is so ill-conditioned that coordinate
        # descent needs ~1e6 epochs, which says nothing about correctness
        k = max(1, min(p, (n - 1) // 3))
        factor[rng.choice(p, size=int(rng.integers(1, k + 1)), replace=False)] = 0.0
    kw["penalty_factor"] = factor
    # alpha relative to alpha_max of the penalised problem
    unit = ElasticNet(1.0, l1_ratio=l1_ratio, **{**kw, "penalty_factor": np.where(
        factor == 0, 1.0, factor)})
    grad0 = -prob.design.rmatvec(prob.y) / prob.n_samples
    amax = unit.alpha_max(grad0)
    # (alpha = 1e-3 alpha_max with p > n can take plain cyclic CD > 2e5 epochs)
    frac = draw(st.sampled_from([0.01, 0.05, 0.3, 0.9]))
    alpha = frac * amax if np.isfinite(amax) and amax > 0 else 0.1
    pen = ElasticNet(alpha, l1_ratio=l1_ratio, **kw)
    config = draw(st.sampled_from(sorted(CONFIGS)))
    return prob, pen, CONFIGS[config], degeneracies, raw_scale


def _tol_for(degeneracies):
    extreme = "huge" in degeneracies or "tiny" in degeneracies
    return HUGE_TOL if extreme else PROPERTY_TOL


def _check_solution(prob, pen, config, tol):
    y, n = prob.y, prob.n_samples
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        sol = CoordinateDescent(tol=tol, max_iter=200_000, **config).solve(
            prob.design, y, pen)
    pa = pen.per_feature(prob.design.n_features)
    assert sol.converged
    assert not np.any(np.isnan(sol.coef)) and np.isfinite(sol.primal)
    assert sol.certificate <= tol * (y @ y) / n
    assert np.all(sol.coef >= pa.lower) and np.all(sol.coef <= pa.upper)
    decrease = _best_coordinate_decrease(prob.design, y, sol.coef, pa, n)
    assert decrease <= sol.certificate + 1e-3 * tol * (y @ y) / n, (decrease, sol.certificate)
    viol = _kkt(prob.design, y, sol.coef, pa, n)
    _assert_bounds_exact(sol.coef, pa, viol, _kkt_scale(prob.design, y, n))
    bad = viol > _kkt_bound(prob.design, pa, y, n, sol.certificate, sol.coef, tol)
    assert not bad.any(), {"features": np.flatnonzero(bad), "violation": viol[bad],
                           "coef": sol.coef[bad], "lower": pa.lower[bad],
                           "upper": pa.upper[bad], "gap": sol.certificate}
    r = y - prob.design.matvec(sol.coef)
    primal = r @ r / (2 * n) + np.sum(pa.l1 * np.abs(sol.coef) + 0.5 * pa.l2 * sol.coef**2)
    assert sol.primal == pytest.approx(primal, rel=1e-8, abs=1e-12 * (y @ y) / n + 1e-300)
    return sol


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=problems())
def test_converges_on_random_and_degenerate_problems(case):
    prob, pen, config, degeneracies, _ = case
    sol = _check_solution(prob, pen, config, _tol_for(degeneracies))
    if "zero_y" in degeneracies:
        np.testing.assert_array_equal(sol.coef, 0.0)
    # a column that centres to (numerically) zero cannot enter the model
    zero_cols = prob.design.norms2 == 0
    np.testing.assert_array_equal(sol.coef[zero_cols], 0.0)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=problems(unpenalised=True))
def test_converges_with_unpenalised_features(case):
    prob, pen, config, degeneracies, _ = case
    _check_solution(prob, pen, config, _tol_for(degeneracies))


def test_unpenalised_feature_small_example():
    """A zero penalty factor (glmnet's penalty.factor = 0) must still let the
    duality gap reach the tolerance: the dual point is the residual projected
    away from the free columns, so X_free' theta is zero up to rounding."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 8))
    y = rng.standard_normal(50)
    X -= X.mean(0)
    y -= y.mean()
    factor = np.ones(8)
    factor[0] = 0.0
    pen = L1(0.1, penalty_factor=factor)
    sol = CoordinateDescent(tol=TOL).solve(X, y, pen, warn=False)
    assert sol.converged, (sol.certificate, sol.tol)
    # and it agrees with the reference: regress out the free column first
    q = X[:, 0] / np.linalg.norm(X[:, 0])
    Xp, yp = X[:, 1:] - np.outer(q, q @ X[:, 1:]), y - q * (q @ y)
    sk = SkLasso(alpha=0.1, fit_intercept=False, tol=1e-13, max_iter=100_000).fit(Xp, yp)
    np.testing.assert_allclose(sol.coef[1:], sk.coef_, atol=1e-6)


@pytest.mark.parametrize("seed", [0, 9, 19])
def test_unpenalised_duplicate_at_its_bound_is_certified(seed):
    """An unpenalised feature resting on its bound (positive=True, w_j = 0)
    whose column lies in the span of the free unpenalised columns (here a
    duplicate) has x_j' theta = 0 up to rounding; a positive rounding error
    with l1_j = 0 and an open upper side must not drive the dual scale t to 0
    (the gap then equals the primal and never reaches tol)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((20, 4))
    X[:, 3] = X[:, 0]
    X -= X.mean(0)
    y = X[:, 0] * 2 + rng.standard_normal(20)
    y -= y.mean()
    pen = L1(0.1, penalty_factor=[0.0, 1.0, 1.0, 0.0], positive=True)
    sol = CoordinateDescent(tol=TOL, max_iter=2000).solve(X, y, pen, warn=False)
    assert sol.converged, (sol.certificate, sol.tol)
    # the fit is right all the same: only the certificate is lost
    ref = CoordinateDescent(tol=TOL).solve(X[:, :3], y, L1(0.1, penalty_factor=[0, 1, 1],
                                                           positive=True))
    assert sol.primal == pytest.approx(ref.primal, rel=1e-9)


@pytest.mark.parametrize("seed", [6, 16, 28])
def test_nnls_with_constant_and_duplicate_columns_is_certified(seed):
    """Non-negative least squares (L1(0, positive=True)) with a constant and
    a duplicated column: the duplicate rests on its bound 0 with
    x_j' theta = 0 up to rounding, and every other correlation is exactly 0
    (the free column is projected out, the constant one is zero), so a
    rounding tolerance relative to the largest correlation is relative to
    that very rounding error; the tolerance must come from ||x_j|| ||theta||."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, 30))
    X = rng.standard_normal((n, 3)) + rng.uniform(-2, 2, 3)
    X[:, 0] = 3.7
    X[:, 2] = X[:, 1]
    y = X @ rng.standard_normal(3) + rng.standard_normal(n) + 1
    prob = center_problem(X, y, None, fit_intercept=True, standardize=False)
    pen = L1(0.0, positive=True)
    sol = CoordinateDescent(tol=PROPERTY_TOL, max_iter=2000).solve(
        prob.design, prob.y, pen, warn=False)
    assert sol.converged, (sol.certificate, sol.tol)
    # the coefficients are right: one column carries the (clipped) OLS fit
    C = prob.design.columns(np.arange(3, dtype=np.int64))
    beta = max(float(C[:, 1] @ prob.y / (C[:, 1] @ C[:, 1])), 0.0)
    assert sol.coef[1] + sol.coef[2] == pytest.approx(beta, rel=1e-8, abs=1e-12)


@pytest.mark.parametrize(("seed", "working_set"), [(10, True), (25, True), (349, False)])
def test_coefficients_on_active_bounds_are_exact(seed, working_set):
    """Coordinate updates clip exactly onto a bound. An Anderson step mixes
    iterates of a coordinate that reached its bound during the last K epochs
    and can land a few ulps inside it; returned as is, that coefficient has
    its whole gradient as KKT violation and its bound does not look active."""
    rng = np.random.default_rng(seed)
    n, p = 20, 30
    X = rng.standard_normal((n, p))
    X -= X.mean(0)
    y = X[:, :8] @ rng.standard_normal(8) + rng.standard_normal(n)
    y -= y.mean()
    alpha = 0.02 * np.abs(X.T @ y).max() / n
    pen = L1(alpha, lower_bounds=-0.3, upper_bounds=0.3)
    sol = CoordinateDescent(tol=TOL, working_set=working_set).solve(X, y, pen)
    assert sol.converged
    pa = pen.per_feature(p)
    viol = _kkt(as_design(X), y, sol.coef, pa, float(n))
    _assert_bounds_exact(sol.coef, pa, viol, _kkt_scale(as_design(X), y, float(n)))
    assert viol.max() <= 1e-6


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=problems(), factor=st.sampled_from([1.0 + 1e-9, 1.5, 10.0]))
def test_alpha_above_alpha_max_gives_zero(case, factor):
    prob, pen, config, degeneracies, raw_scale = case
    tol = _tol_for(degeneracies)
    grad0 = -prob.design.rmatvec(prob.y) / prob.n_samples
    kw = {"penalty_factor": pen.penalty_factor, "lower_bounds": pen.lower_bounds,
          "upper_bounds": pen.upper_bounds, "positive": pen.positive}
    amax = L1(1.0, **kw).alpha_max(grad0)
    assert np.isfinite(amax)
    alpha = amax * factor / pen.l1_ratio
    big = ElasticNet(alpha, l1_ratio=pen.l1_ratio, **kw)
    assert big.alpha_max(grad0) == pytest.approx(amax / pen.l1_ratio, rel=1e-12)
    sol = CoordinateDescent(tol=tol, **config).solve(prob.design, prob.y, big)
    assert sol.converged
    np.testing.assert_array_equal(sol.coef, 0.0)
    # ... and clearly below alpha_max some coefficient is nonzero (when the
    # correlations are not rounding noise, zero is then more than tol away
    # from optimal, so the solver cannot certify it)
    if amax > 1e-6 * np.max(raw_scale):
        small = ElasticNet(0.9 * amax / pen.l1_ratio, l1_ratio=pen.l1_ratio, **kw)
        sol = CoordinateDescent(tol=tol, **config).solve(prob.design, prob.y, small)
        assert np.any(sol.coef != 0)


def test_ridge_penalty_is_solved():
    prob, C = _centred("dense_tall")
    alpha = 0.3
    sol = CoordinateDescent(tol=1e-12).solve(prob.design, prob.y, L2(alpha))
    assert sol.converged
    n = prob.n_samples
    # L2(alpha) = alpha ||w||^2: normal equations (C'C/n + 2 alpha I) w = C'y/n
    w = np.linalg.solve(C.T @ C / n + 2 * alpha * np.eye(C.shape[1]), C.T @ prob.y / n)
    np.testing.assert_allclose(sol.coef, w, rtol=1e-6, atol=1e-8)


# ---------------------------------------------------------------------------
# convergence warning, warm starts
# ---------------------------------------------------------------------------


def test_convergence_warning_names_gap_and_tolerance():
    prob, C = _centred("dense_wide")
    alpha = 0.001 * _alpha_max(C, prob.y)
    solver = CoordinateDescent(tol=1e-12, max_iter=3)
    with pytest.warns(ConvergenceWarning) as record:
        sol = solver.solve(prob.design, prob.y, L1(alpha))
    assert not sol.converged
    assert sol.n_iter <= 3
    assert sol.certificate > sol.tol
    message = str(record[0].message)
    assert "duality gap" in message
    assert "tol" in message
    assert f"{sol.certificate:.3e}" in message
    assert f"{sol.tol:.3e}" in message
    assert "max_iter=3" in message
    # warn=False silences it
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        solver.solve(prob.design, prob.y, L1(alpha), warn=False)


@pytest.mark.parametrize("name", ["dense_tall", "dense_wide", "sparse_wide"])
def test_warm_start_needs_fewer_epochs(name):
    prob, C = _centred(name)
    amax = _alpha_max(C, prob.y)
    # Certify after every epoch, so that epochs are counted one by one.
    solver = CoordinateDescent(tol=TOL, check_every=1)
    first = solver.solve(prob.design, prob.y, L1(0.05 * amax))
    cold = solver.solve(prob.design, prob.y, L1(0.045 * amax))
    init = first.coef.copy()
    warm = solver.solve(prob.design, prob.y, L1(0.045 * amax), coef_init=init)
    assert cold.converged and warm.converged
    assert warm.n_iter <= cold.n_iter
    np.testing.assert_array_equal(init, first.coef)  # coef_init is not modified
    # Along a short path, warm starts save epochs in total.
    fractions = [0.04, 0.035, 0.03, 0.025, 0.02]
    cold_total = sum(solver.solve(prob.design, prob.y, L1(f * amax)).n_iter for f in fractions)
    warm_total, w = 0, cold.coef
    for f in fractions:
        step = solver.solve(prob.design, prob.y, L1(f * amax), coef_init=w)
        warm_total, w = warm_total + step.n_iter, step.coef
    assert warm_total < cold_total
    np.testing.assert_allclose(warm.coef, cold.coef, atol=1e-5 * np.abs(cold.coef).max())
    # starting at the solution: certified at once (at most the one epoch run
    # before certifying again)
    again = solver.solve(prob.design, prob.y, L1(0.045 * amax), coef_init=cold.coef)
    assert again.converged and again.n_iter <= 1


def test_coef_init_is_clipped_to_bounds():
    prob, C = _centred("dense_tall")
    pen = L1(0.01 * _alpha_max(C, prob.y), positive=True)
    init = -np.ones(C.shape[1])
    sol = CoordinateDescent(tol=TOL).solve(prob.design, prob.y, pen, coef_init=init)
    assert sol.converged and np.all(sol.coef >= 0)
    np.testing.assert_array_equal(init, -1.0)


def test_coef_init_wrong_length_is_named():
    prob, C = _centred("dense_tall")
    with pytest.raises(ValueError, match="coef_init"):
        CoordinateDescent().solve(prob.design, prob.y, L1(0.1),
                                  coef_init=np.zeros(C.shape[1] + 1))


def test_inputs_not_modified_by_solve():
    prob, C = _centred("dense_tall")
    X = np.asfortranarray(C.copy())
    y = prob.y.copy()
    Xb, yb = X.copy(), y.copy()
    pa = L1(0.1, lower_bounds=-1.0).per_feature(C.shape[1])
    l1b = pa.l1.copy()
    CoordinateDescent(tol=TOL).solve(X, y, pa)
    np.testing.assert_array_equal(X, Xb)
    np.testing.assert_array_equal(y, yb)
    np.testing.assert_array_equal(pa.l1, l1b)


def test_explicit_n_samples_scales_the_loss():
    prob, C = _centred("dense_tall")
    n = prob.n_samples
    alpha = 0.05 * _alpha_max(C, prob.y)
    # ||y - Xw||^2 / (2 * 2n) + alpha |w|  ==  (||y - Xw||^2 / (2n) + 2 alpha |w|) / 2
    s1 = CoordinateDescent(tol=TOL).solve(C, prob.y, L1(alpha), n_samples=2 * n)
    s2 = CoordinateDescent(tol=TOL).solve(C, prob.y, L1(2 * alpha))
    np.testing.assert_allclose(s1.coef, s2.coef, atol=1e-7)


def test_penalty_arrays_with_zero_l1_and_box_bounds():
    """Unpenalised but boxed features: the conjugate is finite, so the gap is."""
    prob, C = _centred("dense_tall")
    p = C.shape[1]
    pa = PenaltyArrays(l1=np.r_[0.0, np.full(p - 1, 0.05)], l2=np.zeros(p),
                       lower=np.full(p, -0.1), upper=np.full(p, 0.1))
    sol = CoordinateDescent(tol=TOL).solve(prob.design, prob.y, pa)
    assert sol.converged
    viol = _kkt(prob.design, prob.y, sol.coef, pa, prob.n_samples)
    assert np.all(viol <= _kkt_bound(prob.design, pa, prob.y, prob.n_samples,
                                     sol.certificate, sol.coef))
    _assert_bounds_exact(sol.coef, pa, viol, _kkt_scale(prob.design, prob.y, prob.n_samples))
