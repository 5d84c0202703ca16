"""Tests of the numba kernels: coordinate update, conjugate, gap, dense == CSC."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar

from shrinkage._design import DenseDesign, SparseDesign
from shrinkage._kernels.cd_dense import cd_epochs_dense
from shrinkage._kernels.cd_sparse import cd_epochs_sparse
from shrinkage._kernels.gap import dual_scale, duality_gap, primal_value
from shrinkage._kernels.prox import coordinate_update, penalty_conjugate, soft_threshold
from shrinkage.penalties import PenaltyArrays

SETTINGS = settings(max_examples=60, deadline=None)

finite = st.floats(-50.0, 50.0, allow_nan=False, allow_infinity=False)
lower_el = st.just(-np.inf) | st.just(0.0) | st.floats(-5.0, 0.0)
upper_el = st.just(np.inf) | st.just(0.0) | st.floats(0.0, 5.0)
# subnormal weights (l2 = 5e-324 gives 1/l2 = inf) are out of scope
weight_el = st.just(0.0) | st.floats(1e-6, 5.0)


def _best_on_halves(f, lo, hi):
    """Minimise f on [lo, 0] and [0, hi] (convex on each) -> (argmin, min)."""
    cands = [0.0, lo, hi]
    for left, right in ((lo, 0.0), (0.0, hi)):
        if right > left:
            res = minimize_scalar(
                f, bounds=(left, right), method="bounded",
                options={"xatol": 1e-13, "maxiter": 2000},
            )
            cands.append(float(res.x))
    best = min(cands, key=f)
    return best, f(best)


# ---------------------------------------------------------------------------
# soft_threshold / coordinate_update
# ---------------------------------------------------------------------------


@SETTINGS
@given(z=finite, t=st.floats(0.0, 60.0))
def test_soft_threshold(z, t):
    got = soft_threshold(z, t)
    assert got == pytest.approx(np.sign(z) * max(abs(z) - t, 0.0), abs=1e-12)
    assert abs(got) <= abs(z)


@SETTINGS
@given(z=finite, step=st.floats(1e-3, 10.0), l1=weight_el, l2=weight_el,
       lo=lower_el, hi=upper_el)
def test_coordinate_update_is_the_1d_minimiser(z, step, l1, l2, lo, hi):
    def f(w):
        return (w - z) ** 2 / (2 * step) + l1 * abs(w) + 0.5 * l2 * w * w

    got = coordinate_update(z, step, l1, l2, lo, hi)
    reach = abs(z) + 1.0
    best, fbest = _best_on_halves(f, max(lo, -reach), min(hi, reach))
    assert lo <= got <= hi
    assert f(got) <= fbest + 1e-10 * (1 + abs(fbest))
    assert got == pytest.approx(best, abs=1e-6 * (1 + abs(z)))


def test_coordinate_update_by_hand():
    assert coordinate_update(3.0, 1.0, 1.0, 0.0, -np.inf, np.inf) == 2.0
    assert coordinate_update(3.0, 0.5, 1.0, 2.0, -np.inf, np.inf) == pytest.approx(2.5 / 2)
    assert coordinate_update(-3.0, 1.0, 1.0, 0.0, 0.0, np.inf) == 0.0
    assert coordinate_update(3.0, 1.0, 0.0, 0.0, -1.0, 1.5) == 1.5
    assert coordinate_update(0.5, 1.0, 1.0, 0.0, -np.inf, np.inf) == 0.0


# ---------------------------------------------------------------------------
# penalty_conjugate
# ---------------------------------------------------------------------------


def _brute_conjugate(u, l1, l2, lo, hi, reach):
    """sup over [lo, hi] ∩ [-reach, reach] of u w - l1 |w| - l2/2 w^2."""

    def neg(w):
        return -(u * w - l1 * abs(w) - 0.5 * l2 * w * w)

    _, val = _best_on_halves(neg, max(lo, -reach), min(hi, reach))
    return -val


@SETTINGS
@given(u=finite, l1=weight_el, l2=weight_el, lo=lower_el, hi=upper_el)
def test_penalty_conjugate_matches_brute_force(u, l1, l2, lo, hi):
    got = penalty_conjugate(u, l1, l2, lo, hi)
    unbounded = l2 == 0 and ((u > l1 and hi == np.inf) or (u < -l1 and lo == -np.inf))
    if unbounded:
        assert got == np.inf
        # the brute-force supremum really grows without bound
        assert _brute_conjugate(u, l1, l2, lo, hi, 1e6) > _brute_conjugate(
            u, l1, l2, lo, hi, 1e3
        ) + 0.5 * (abs(u) - l1) * 1e6
        return
    reach = abs(u) / l2 + 1.0 if l2 > 0 else 1e3
    expected = _brute_conjugate(u, l1, l2, lo, hi, reach)
    assert np.isfinite(got)
    assert got >= -1e-12
    assert got == pytest.approx(expected, rel=1e-7, abs=1e-7)


@SETTINGS
@given(u=finite, w=finite, l1=weight_el, l2=weight_el, lo=lower_el, hi=upper_el)
def test_fenchel_young_inequality(u, w, l1, l2, lo, hi):
    w = min(max(w, lo), hi)
    conj = penalty_conjugate(u, l1, l2, lo, hi)
    pen = l1 * abs(w) + 0.5 * l2 * w * w
    assert conj + pen >= u * w - 1e-9 * (1 + abs(u * w) + pen)


def test_penalty_conjugate_by_hand():
    assert penalty_conjugate(0.5, 1.0, 0.0, -np.inf, np.inf) == 0.0
    assert penalty_conjugate(2.0, 1.0, 0.0, -np.inf, np.inf) == np.inf
    assert penalty_conjugate(-2.0, 1.0, 0.0, -np.inf, np.inf) == np.inf
    assert penalty_conjugate(2.0, 1.0, 0.0, -np.inf, 3.0) == pytest.approx(3.0)
    assert penalty_conjugate(-2.0, 1.0, 0.0, -np.inf, 3.0) == np.inf
    assert penalty_conjugate(-2.0, 1.0, 0.0, 0.0, np.inf) == 0.0
    # pure ridge l2/2 w^2: conjugate u^2 / (2 l2)
    assert penalty_conjugate(3.0, 0.0, 2.0, -np.inf, np.inf) == pytest.approx(9.0 / 4)
    # elastic net: (|u| - l1)_+^2 / (2 l2)
    assert penalty_conjugate(-3.0, 1.0, 2.0, -np.inf, np.inf) == pytest.approx(1.0)


# ---------------------------------------------------------------------------
# duality gap
# ---------------------------------------------------------------------------


def _primal(X, y, w, pa, n):
    r = y - X @ w
    return r @ r / (2 * n) + np.sum(pa.l1 * np.abs(w) + 0.5 * pa.l2 * w * w)


def _ista(X, y, pa, n, n_iter=20000):
    """Reference solution by proximal gradient (independent of the gap kernel)."""
    lip = np.linalg.norm(X, 2) ** 2 / n
    step = 1.0 / lip
    w = np.zeros(X.shape[1])
    for _ in range(n_iter):
        w_new = pa.prox(w - step * (X.T @ (X @ w - y)) / n, step)
        if np.array_equal(w_new, w):
            break
        w = w_new
    return w


@st.composite
def gap_problems(draw, allow_free=True):
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(8, 25))
    p = draw(st.integers(1, 6))
    X = rng.standard_normal((n, p))
    y = rng.standard_normal(n) * draw(st.sampled_from([0.1, 1.0, 10.0]))
    l1 = rng.uniform(0, 1, p) * (rng.random(p) < 0.8)
    l2 = rng.uniform(0, 1, p) * (rng.random(p) < 0.4)
    lo = np.where(rng.random(p) < 0.3, -rng.uniform(0, 1, p), -np.inf)
    hi = np.where(rng.random(p) < 0.3, rng.uniform(0, 1, p), np.inf)
    lo = np.where(rng.random(p) < 0.15, 0.0, lo)
    if not allow_free:
        # a feature with no penalty and an open side needs the projected
        # residual (the solver's job); keep the raw-kernel problems simple
        free = (l1 == 0) & (l2 == 0) & (np.isinf(lo) | np.isinf(hi))
        l1 = np.where(free, 0.5, l1)
    pa = PenaltyArrays(l1=l1, l2=l2, lower=lo, upper=hi)
    return X, y, pa, float(n), rng


def _gap(X, y, w, pa, n, theta_raw=None):
    r = y - X @ w
    theta_raw = r if theta_raw is None else theta_raw
    idx = np.arange(X.shape[1], dtype=np.int64)
    corr = X.T @ theta_raw
    return duality_gap(y, r, theta_raw, corr, w, pa.l1, pa.l2, pa.lower, pa.upper, idx, n)


@settings(max_examples=40, deadline=None)
@given(prob=gap_problems())
def test_weak_duality_for_random_points(prob):
    X, y, pa, n, rng = prob
    p = X.shape[1]
    w = np.clip(rng.standard_normal(p) * 2, pa.lower, pa.upper)
    gap, primal, dual, t = _gap(X, y, w, pa, n)
    assert 0.0 <= t <= 1.0
    assert primal == pytest.approx(_primal(X, y, w, pa, n), rel=1e-12)
    assert gap == pytest.approx(primal - dual, rel=1e-12, abs=1e-12)
    assert np.isfinite(dual)
    scale = 1e-12 * (1 + abs(primal) + y @ y / n)
    assert gap >= -scale
    # any dual point (here a random theta_raw) also gives a lower bound
    gap2, _, dual2, _ = _gap(X, y, w, pa, n, theta_raw=rng.standard_normal(X.shape[0]))
    assert gap2 >= -scale
    # ... and no dual value exceeds the optimum (from an independent solver)
    w_star = _ista(X, y, pa, n)
    p_star = _primal(X, y, w_star, pa, n)
    assert dual <= p_star + scale
    assert dual2 <= p_star + scale
    assert primal - p_star <= gap + scale


@settings(max_examples=40, deadline=None)
@given(prob=gap_problems(allow_free=False))
def test_gap_vanishes_at_the_solution(prob):
    X, y, pa, n, _ = prob
    w_star = _ista(X, y, pa, n)
    gap, _primal, _dual, t = _gap(X, y, w_star, pa, n)
    assert 0 <= t <= 1
    assert abs(gap) <= 1e-9 * (1 + y @ y / n)


def test_gap_by_hand_lasso_at_zero():
    # at w = 0 with alpha >= alpha_max the gap is 0: P = D = ||y||^2 / (2n)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 4))
    y = rng.standard_normal(20)
    n = 20.0
    alpha_max = np.max(np.abs(X.T @ y)) / n
    pa = PenaltyArrays(l1=np.full(4, alpha_max), l2=np.zeros(4),
                       lower=np.full(4, -np.inf), upper=np.full(4, np.inf))
    gap, primal, _dual, t = _gap(X, y, np.zeros(4), pa, n)
    assert primal == pytest.approx(y @ y / (2 * n))
    assert t == pytest.approx(1.0)
    assert gap == pytest.approx(0.0, abs=1e-14)
    # below alpha_max the dual point must be scaled: t < 1, gap > 0
    pa_half = PenaltyArrays(l1=pa.l1 / 2, l2=pa.l2, lower=pa.lower, upper=pa.upper)
    gap, _, _, t = _gap(X, y, np.zeros(4), pa_half, n)
    assert t == pytest.approx(0.5)
    assert gap > 0


def test_dual_scale_and_primal_value_by_hand():
    corr = np.array([4.0, -6.0, 10.0])
    l1 = np.array([1.0, 1.0, 1.0])
    l2 = np.array([0.0, 0.0, 1.0])  # the ridge feature never limits t
    lo = np.array([-np.inf, -np.inf, -np.inf])
    hi = np.array([np.inf, np.inf, np.inf])
    idx = np.arange(3, dtype=np.int64)
    assert dual_scale(corr, l1, l2, lo, hi, idx, 2.0) == pytest.approx(1.0 / 3.0)
    hi_box = np.array([np.inf, np.inf, np.inf])
    lo_box = np.array([-np.inf, -1.0, -np.inf])  # a bounded side never limits t
    assert dual_scale(corr, l1, l2, lo_box, hi_box, idx, 2.0) == pytest.approx(0.5)
    w = np.array([1.0, -2.0, 3.0])
    r = np.array([1.0, 2.0])
    got = primal_value(r, w, l1, l2, idx, 2.0)
    assert got == pytest.approx(5.0 / 4 + 6.0 + 4.5)
    # only the features in idx are penalised
    sub = np.array([0], dtype=np.int64)
    assert primal_value(r, w, l1, l2, sub, 2.0) == pytest.approx(5.0 / 4 + 1.0)


# ---------------------------------------------------------------------------
# dense == CSC
# ---------------------------------------------------------------------------


def _sparse_case(seed, dtype, centred, weighted):
    """(A csc, means, v, y, C dense explicit) with v'y = 0 and v'C = 0 if centred.

    For float32 with centring, entries are small integers and n = 16 rows with
    unit weights, so the column means and ``A - outer(v, means)`` are exact
    in float32 and the dense matrix is exactly the implicit one.
    """
    rng = np.random.default_rng(seed)
    exact32 = dtype == np.float32 and centred
    n, p = (16, 7) if exact32 else (30, 9)
    mask = rng.random((n, p)) < 0.4
    if exact32:
        A0 = rng.integers(-3, 4, size=(n, p)).astype(float) * mask
    else:
        A0 = rng.standard_normal((n, p)) * mask
    A0[:, 0] = 0.0  # an empty column
    v = np.sqrt(rng.uniform(0.2, 3.0, n)) if weighted and not exact32 else np.ones(n)
    A = (v[:, None] * A0).astype(dtype)
    A64 = A.astype(np.float64)
    means = A64.T @ v / (v @ v) if centred else np.zeros(p)
    y = rng.standard_normal(n) * v
    if centred:
        y = y - v * (v @ y) / (v @ v)
    C = A64 - np.outer(v, means)
    if dtype == np.float32:
        assert np.array_equal(C.astype(np.float32).astype(np.float64), C)
    return sp.csc_matrix(A), means, v, y, C.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("centred", "weighted"),
                         [(False, False), (False, True), (True, False), (True, True)])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dense_and_csc_epochs_agree(dtype, centred, weighted, seed):
    A, means, v, y, C = _sparse_case(seed, dtype, centred, weighted)
    n, p = C.shape
    dense = DenseDesign(C)
    sparse = SparseDesign(A, means=means, v=v)
    assert dense.X.dtype == dtype
    np.testing.assert_allclose(sparse.norms2, dense.norms2, rtol=1e-12, atol=1e-12)
    wv = np.random.default_rng(seed + 100).standard_normal(p)
    np.testing.assert_allclose(sparse.matvec(wv), dense.matvec(wv), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(sparse.rmatvec(y), dense.rmatvec(y), rtol=1e-12, atol=1e-12)
    idx = np.array([3, 0, 5, 1], dtype=np.int64)
    np.testing.assert_allclose(sparse.correlations(y, idx), dense.correlations(y, idx),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(sparse.columns(idx), dense.columns(idx), atol=1e-12)
    delta = np.array([0.5, -1.0, 0.0, 2.0])
    r_d, r_s = y.copy(), y.copy()
    dense.subtract_columns(idx, delta, r_d)
    sparse.subtract_columns(idx, delta, r_s)
    np.testing.assert_allclose(r_d, y - C.astype(np.float64)[:, idx] @ delta, atol=1e-12)
    np.testing.assert_allclose(r_s, r_d, rtol=1e-12, atol=1e-12)

    rng = np.random.default_rng(seed + 7)
    alpha_max = np.max(np.abs(dense.rmatvec(y))) / n
    pa = PenaltyArrays(
        l1=alpha_max * rng.uniform(0.0, 0.3, p),
        l2=rng.uniform(0.0, 0.1, p) * (rng.random(p) < 0.5),
        lower=np.where(rng.random(p) < 0.3, -0.2, -np.inf),
        upper=np.where(rng.random(p) < 0.3, 0.3, np.inf),
    )
    w0 = np.clip(0.1 * rng.standard_normal(p), pa.lower, pa.upper)
    ws = rng.permutation(p).astype(np.int64)
    w_d, w_s = w0.copy(), w0.copy()
    r_d = y - dense.matvec(w0)
    r_s = r_d.copy()
    ch_d = dense.cd_epochs(w_d, r_d, pa, float(n), ws, 5)
    ch_s = sparse.cd_epochs(w_s, r_s, pa, float(n), ws, 5)
    np.testing.assert_allclose(w_s, w_d, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(r_s, r_d, rtol=1e-10, atol=1e-10)
    assert ch_s == pytest.approx(ch_d, rel=1e-8, abs=1e-12)
    # the residual is still the true residual of the explicit matrix
    np.testing.assert_allclose(r_d, y - C.astype(np.float64) @ w_d, atol=1e-10)
    np.testing.assert_allclose(r_s, y - C.astype(np.float64) @ w_s, atol=1e-10)
    assert np.any(w_d != w0)


def test_raw_kernels_agree_and_update_in_place():
    A, means, v, y, C = _sparse_case(5, np.float64, True, True)
    n, p = C.shape
    Cf = np.asfortranarray(C)
    norms2 = np.einsum("ij,ij->j", C, C)
    l1 = np.full(p, 0.05)
    l2 = np.zeros(p)
    lo = np.full(p, -np.inf)
    hi = np.full(p, np.inf)
    ws = np.arange(p, dtype=np.int64)
    w_d, w_s = np.zeros(p), np.zeros(p)
    r_d, r_s = y.copy(), y.copy()
    av = np.asarray(A.T @ v).ravel()
    cd_epochs_dense(
        Cf, w_d, r_d, l1, l2, lo, hi, norms2, float(n), ws, 3, np.full(Cf.shape[1], n)
    )
    cd_epochs_sparse(A.data, A.indices, A.indptr, means, v, av, w_s, r_s, l1, l2, lo, hi,
                     norms2, float(n), ws, 3)
    assert np.any(w_d != 0)
    np.testing.assert_allclose(w_s, w_d, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(r_s, r_d, rtol=1e-10, atol=1e-12)


def test_cd_epochs_decrease_the_objective_and_skip_zero_columns():
    rng = np.random.default_rng(3)
    X = np.asfortranarray(rng.standard_normal((25, 6)))
    X[:, 2] = 0.0
    y = rng.standard_normal(25)
    d = DenseDesign(X)
    pa = PenaltyArrays(l1=np.full(6, 0.05), l2=np.full(6, 0.01),
                       lower=np.full(6, -np.inf), upper=np.full(6, np.inf))
    w = np.zeros(6)
    r = y.copy()
    ws = np.arange(6, dtype=np.int64)
    prev = _primal(X, y, w, pa, 25.0)
    for _ in range(5):
        d.cd_epochs(w, r, pa, 25.0, ws, 1)
        cur = _primal(X, y, w, pa, 25.0)
        assert cur <= prev + 1e-14
        prev = cur
    assert w[2] == 0.0
    assert not np.any(np.isnan(w))
    # the epochs converge to the reference solution
    d.cd_epochs(w, r, pa, 25.0, ws, 500)
    np.testing.assert_allclose(w, _ista(X, y, pa, 25.0), atol=1e-8)
