"""Tests of shrinkage.penalties: values, prox, subgradients, KKT, alpha_max.

The oracles are written from the documented formulas (DESIGN.md section 1),
not from the ``l1``/``l2`` lowering, so a wrong lowering shows up here.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar

from shrinkage.penalties import L1, L2, ElasticNet, PenaltyArrays, norm

SETTINGS = settings(max_examples=60, deadline=None)

# ---------------------------------------------------------------------------
# strategies and oracles
# ---------------------------------------------------------------------------

finite = st.floats(-50.0, 50.0, allow_nan=False, allow_infinity=False)
# (subnormal factors overflow need / factor; they are out of scope)
factor_el = st.sampled_from([0.0, 0.25, 1.0, 2.5]) | st.floats(1e-3, 3.0)
lower_el = st.just(-np.inf) | st.just(0.0) | st.floats(-5.0, 0.0)
upper_el = st.just(np.inf) | st.just(0.0) | st.floats(0.0, 5.0)


@st.composite
def penalties(draw, kinds=("l1", "l2", "enet"), n_features=None):
    """A user-facing penalty with random factors, bounds and ``positive``."""
    p = draw(st.integers(1, 6)) if n_features is None else n_features
    kind = draw(st.sampled_from(kinds))
    alpha = draw(st.floats(0.0, 10.0))
    kw = {}
    if draw(st.booleans()):
        kw["penalty_factor"] = np.array(draw(st.lists(factor_el, min_size=p, max_size=p)))
    if draw(st.booleans()):
        kw["lower_bounds"] = np.array(draw(st.lists(lower_el, min_size=p, max_size=p)))
        kw["upper_bounds"] = np.array(draw(st.lists(upper_el, min_size=p, max_size=p)))
    kw["positive"] = draw(st.booleans())
    if kind == "l1":
        pen = L1(alpha, **kw)
    elif kind == "l2":
        pen = L2(alpha, **kw)
    else:
        l1_ratio = draw(st.sampled_from([0.0, 0.5, 1.0]) | st.floats(1e-3, 1.0))
        pen = ElasticNet(alpha, l1_ratio=l1_ratio, **kw)
    return pen, p


def abs_sq_coefs(pen, p):
    """``(c_abs, c_sq)`` with pen(w) = sum c_abs |w| + c_sq w^2, from the docs."""
    f = np.ones(p) if pen.penalty_factor is None else np.asarray(pen.penalty_factor)
    f = np.broadcast_to(f, (p,)).astype(float)
    if isinstance(pen, L1):
        return pen.alpha * f, np.zeros(p)
    if isinstance(pen, L2):
        return np.zeros(p), pen.alpha * f
    r = pen.l1_ratio
    return pen.alpha * r * f, pen.alpha * (1 - r) / 2 * f


def bounds_of(pen, p):
    lo = np.full(p, -np.inf) if pen.lower_bounds is None else pen.lower_bounds
    hi = np.full(p, np.inf) if pen.upper_bounds is None else pen.upper_bounds
    lo = np.broadcast_to(np.asarray(lo, float), (p,)).copy()
    hi = np.broadcast_to(np.asarray(hi, float), (p,)).copy()
    if pen.positive:
        lo = np.maximum(lo, 0.0)
    return lo, hi


def brute_prox_1d(z, step, c_abs, c_sq, lo, hi):
    """argmin over [lo, hi] of (w - z)^2 / (2 step) + c_abs |w| + c_sq w^2.

    The objective is convex on [lo, 0] and on [0, hi] separately; the
    minimiser lies in [-|z|, |z|], so each half is searched with a bounded
    scalar minimiser and the best candidate (endpoints and 0 included) wins.
    """

    def f(w):
        return (w - z) ** 2 / (2 * step) + c_abs * abs(w) + c_sq * w * w

    reach = abs(z) + 1.0
    a, b = max(lo, -reach), min(hi, reach)
    cands = [0.0, a, b]
    for left, right in ((a, 0.0), (0.0, b)):
        if right > left:
            res = minimize_scalar(
                f, bounds=(left, right), method="bounded",
                options={"xatol": 1e-13, "maxiter": 2000},
            )
            cands.append(float(res.x))
    best = min(cands, key=f)
    return best, f


# ---------------------------------------------------------------------------
# values
# ---------------------------------------------------------------------------


def test_value_formulas_by_hand():
    w = np.array([1.0, -2.0, 0.0, 3.0])
    f = np.array([1.0, 0.0, 2.0, 0.5])
    assert L1(0.5).value(w) == pytest.approx(0.5 * 6.0)
    assert L1(0.5, penalty_factor=f).value(w) == pytest.approx(0.5 * (1 + 0 + 0 + 1.5))
    assert L2(0.5).value(w) == pytest.approx(0.5 * 14.0)  # no 1/2
    assert L2(0.5, penalty_factor=f).value(w) == pytest.approx(0.5 * (1 + 0 + 0 + 4.5))
    en = ElasticNet(0.5, l1_ratio=0.3)
    assert en.value(w) == pytest.approx(0.5 * (0.3 * 6.0 + 0.7 / 2 * 14.0))
    en_f = ElasticNet(0.5, l1_ratio=0.3, penalty_factor=f)
    expected = 0.5 * np.sum(f * (0.3 * np.abs(w) + 0.35 * w**2))
    assert en_f.value(w) == pytest.approx(expected)
    # scikit-learn's convention: l1_ratio=1 is the Lasso, 0 is ridge / 2
    assert ElasticNet(0.7, l1_ratio=1.0).value(w) == pytest.approx(L1(0.7).value(w))
    assert ElasticNet(0.7, l1_ratio=0.0).value(w) == pytest.approx(L2(0.35).value(w))


@SETTINGS
@given(data=st.data())
def test_value_matches_formula(data):
    pen, p = data.draw(penalties())
    lo, hi = bounds_of(pen, p)
    w = np.array(data.draw(st.lists(finite, min_size=p, max_size=p)))
    c_abs, c_sq = abs_sq_coefs(pen, p)
    value = pen.value(w)
    if np.any(w < lo) or np.any(w > hi):
        assert value == np.inf
    else:
        expected = np.sum(c_abs * np.abs(w) + c_sq * w * w)
        assert value == pytest.approx(expected, rel=1e-12, abs=1e-12)
    # inside the bounds the value is finite and agrees with the lowered arrays
    wc = np.clip(w, lo, hi)
    assert np.isfinite(pen.value(wc))
    assert pen.per_feature(p).value(wc) == pytest.approx(
        np.sum(c_abs * np.abs(wc) + c_sq * wc * wc), rel=1e-12, abs=1e-12
    )


def test_positive_value_is_inf_for_negative_entries():
    for pen in (L1(1.0, positive=True), L2(1.0, positive=True),
                ElasticNet(1.0, positive=True)):
        assert pen.value([1.0, -1e-12]) == np.inf
        assert pen.value([1.0, 0.0]) < np.inf


def test_bounds_value_inf_outside():
    pen = L1(1.0, lower_bounds=[-1.0, -np.inf], upper_bounds=[2.0, 0.0])
    assert pen.value([-1.0, -5.0]) == pytest.approx(6.0)
    assert pen.value([-1.0001, 0.0]) == np.inf
    assert pen.value([2.0001, 0.0]) == np.inf
    assert pen.value([0.0, 1e-300]) == np.inf


def test_lowering_arrays():
    f = np.array([0.0, 1.0, 3.0])
    pa = ElasticNet(2.0, l1_ratio=0.25, penalty_factor=f).per_feature(3)
    np.testing.assert_allclose(pa.l1, 2.0 * 0.25 * f)
    np.testing.assert_allclose(pa.l2, 2.0 * 0.75 * f)
    pa = L2(2.0, penalty_factor=f).per_feature(3)
    np.testing.assert_allclose(pa.l1, 0.0)
    np.testing.assert_allclose(pa.l2, 4.0 * f)
    pa = L1(2.0, positive=True, upper_bounds=[1.0, np.inf, 0.0]).per_feature(3)
    np.testing.assert_array_equal(pa.lower, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(pa.upper, [1.0, np.inf, 0.0])
    assert pa.n_features == 3


# ---------------------------------------------------------------------------
# prox
# ---------------------------------------------------------------------------


@SETTINGS
@given(data=st.data(), step=st.floats(1e-3, 10.0))
def test_prox_matches_brute_force(data, step):
    pen, p = data.draw(penalties())
    lo, hi = bounds_of(pen, p)
    z = np.array(data.draw(st.lists(finite, min_size=p, max_size=p)))
    c_abs, c_sq = abs_sq_coefs(pen, p)
    got = pen.prox(z, step)
    got_arrays = pen.per_feature(p).prox(z, step)
    np.testing.assert_array_equal(got, got_arrays)
    for j in range(p):
        best, f = brute_prox_1d(z[j], step, c_abs[j], c_sq[j], lo[j], hi[j])
        assert lo[j] <= got[j] <= hi[j]
        # objective no worse than the brute force, and argmin close
        assert f(got[j]) <= f(best) + 1e-10 * (1.0 + abs(f(best)))
        assert got[j] == pytest.approx(best, abs=1e-6 * (1.0 + abs(z[j])))


@SETTINGS
@given(data=st.data())
def test_penalty_arrays_prox_with_per_feature_steps(data):
    p = data.draw(st.integers(1, 6))
    l1 = np.array(data.draw(st.lists(st.floats(0, 5), min_size=p, max_size=p)))
    l2 = np.array(data.draw(st.lists(st.floats(0, 5), min_size=p, max_size=p)))
    lo = np.array(data.draw(st.lists(lower_el, min_size=p, max_size=p)))
    hi = np.array(data.draw(st.lists(upper_el, min_size=p, max_size=p)))
    steps = np.array(data.draw(st.lists(st.floats(1e-3, 10), min_size=p, max_size=p)))
    z = np.array(data.draw(st.lists(finite, min_size=p, max_size=p)))
    pa = PenaltyArrays(l1=l1, l2=l2, lower=lo, upper=hi)
    got = pa.prox(z, steps)
    for j in range(p):
        best, f = brute_prox_1d(z[j], steps[j], l1[j], l2[j] / 2, lo[j], hi[j])
        assert f(got[j]) <= f(best) + 1e-10 * (1.0 + abs(f(best)))
        assert got[j] == pytest.approx(best, abs=1e-6 * (1.0 + abs(z[j])))


def test_prox_by_hand():
    z = np.array([3.0, -0.5, -4.0, 0.2])
    np.testing.assert_allclose(L1(1.0).prox(z, 1.0), [2.0, 0.0, -3.0, 0.0])
    np.testing.assert_allclose(L1(1.0).prox(z, 0.5), [2.5, 0.0, -3.5, 0.0])
    np.testing.assert_allclose(L2(1.0).prox(z, 1.0), z / 3.0)  # 1 + 2 * alpha * step
    np.testing.assert_allclose(
        ElasticNet(1.0, l1_ratio=0.5).prox(z, 1.0), [2.5 / 1.5, 0.0, -3.5 / 1.5, 0.0]
    )
    f = np.array([0.0, 1.0, 1.0, 0.0])
    np.testing.assert_allclose(L1(1.0, penalty_factor=f).prox(z, 1.0), [3.0, 0.0, -3.0, 0.2])
    np.testing.assert_allclose(L1(1.0, positive=True).prox(z, 1.0), [2.0, 0.0, 0.0, 0.0])
    pen = L1(1.0, lower_bounds=-1.0, upper_bounds=1.5)
    np.testing.assert_allclose(pen.prox(z, 1.0), [1.5, 0.0, -1.0, 0.0])


@pytest.mark.parametrize("step", [0.0, -1.0, float("nan")])
def test_prox_rejects_bad_step(step):
    with pytest.raises(ValueError, match="step"):
        L1(1.0).prox(np.ones(2), step)


# ---------------------------------------------------------------------------
# subgradient and KKT
# ---------------------------------------------------------------------------


@SETTINGS
@given(data=st.data())
def test_subgradient_is_in_subdifferential(data):
    pen, p = data.draw(penalties())
    lo, hi = bounds_of(pen, p)
    w = np.clip(np.array(data.draw(st.lists(finite, min_size=p, max_size=p))), lo, hi)
    if data.draw(st.booleans()):
        w[: p // 2] = 0.0
    g = pen.subgradient(w)
    assert g.shape == (p,)
    c_abs, c_sq = abs_sq_coefs(pen, p)
    # at w_j != 0 it is the derivative
    nz = w != 0
    np.testing.assert_allclose(
        g[nz], c_abs[nz] * np.sign(w[nz]) + 2 * c_sq[nz] * w[nz], rtol=1e-12, atol=1e-12
    )
    # subgradient inequality pen(v) >= pen(w) + g'(v - w) for random feasible v
    pw = pen.value(w)
    for _ in range(5):
        v = np.clip(np.array(data.draw(st.lists(finite, min_size=p, max_size=p))), lo, hi)
        assert pen.value(v) >= pw + g @ (v - w) - 1e-9 * (1 + abs(pw) + abs(g @ (v - w)))


@st.composite
def penalty_arrays(draw, p=None):
    p = draw(st.integers(1, 6)) if p is None else p
    l1 = np.array(draw(st.lists(st.sampled_from([0.0, 1.0]) | st.floats(0, 5),
                                min_size=p, max_size=p)))
    l2 = np.array(draw(st.lists(st.sampled_from([0.0]) | st.floats(0, 5),
                                min_size=p, max_size=p)))
    lo = np.array(draw(st.lists(lower_el, min_size=p, max_size=p)))
    hi = np.array(draw(st.lists(upper_el, min_size=p, max_size=p)))
    return PenaltyArrays(l1=l1, l2=l2, lower=lo, upper=hi)


@SETTINGS
@given(pa=penalty_arrays(), data=st.data(), step=st.floats(1e-2, 10.0))
def test_kkt_zero_at_prox_fixed_point(pa, data, step):
    p = pa.n_features
    z = np.array(data.draw(st.lists(finite, min_size=p, max_size=p)))
    w = pa.prox(z, step)
    g = (w - z) / step  # then w = prox(w - step * g, step)
    assert np.all(np.abs(pa.prox(w - step * g, step) - w) <= 1e-10 * (1 + np.abs(z)))
    viol = pa.kkt_violation(w, g)
    assert viol.shape == (p,)
    assert np.all(viol >= 0)
    scale = 1.0 + np.abs(z) / step + np.abs(g) + pa.l1 + pa.l2 * np.abs(w)
    assert np.all(viol <= 1e-9 * scale), viol


@SETTINGS
@given(pa=penalty_arrays(), data=st.data(), step=st.floats(1e-2, 10.0))
def test_kkt_positive_away_from_fixed_point(pa, data, step):
    p = pa.n_features
    w = np.array(data.draw(st.lists(finite, min_size=p, max_size=p)))
    w = np.clip(w, pa.lower, pa.upper)
    if data.draw(st.booleans()):  # put some coefficients at 0 or on a bound
        w[0] = 0.0
        if p > 1 and np.isfinite(pa.upper[1]):
            w[1] = pa.upper[1]
    g = np.array(data.draw(st.lists(finite, min_size=p, max_size=p)))
    viol = pa.kkt_violation(w, g)
    residual = np.abs(pa.prox(w - step * g, step) - w)
    assert np.all(viol >= 0)
    # the prox is 1-Lipschitz: |prox(w - step g) - w| <= step * dist(-g, subdiff)
    assert np.all(residual <= step * viol + 1e-9 * (1 + np.abs(w) + step * np.abs(g)))
    # ... so a point that the prox moves has a positive violation, and a
    # positive violation means the prox moves it
    moved = residual > 1e-9 * (1 + np.abs(w) + step * np.abs(g))
    assert np.all(viol[moved] > 0)
    fixed = residual == 0
    tol = 1e-9 * (1 + np.abs(g) + np.abs(w) / step + pa.l1 + pa.l2 * np.abs(w))
    assert np.all(viol[fixed] <= tol[fixed])


def test_kkt_by_hand():
    pa = PenaltyArrays(
        l1=np.array([1.0, 1.0, 1.0, 1.0, 0.0]),
        l2=np.zeros(5),
        lower=np.array([-np.inf, 0.0, -np.inf, -np.inf, -np.inf]),
        upper=np.array([np.inf, np.inf, 2.0, np.inf, np.inf]),
    )
    w = np.array([0.0, 0.0, 2.0, 1.0, 0.5])
    # feature 0: |g| <= 1 fine at 0; feature 1 positive: only -g > 1 violates;
    # feature 2 at its upper bound: pushed up is fine; feature 3 interior.
    g = np.array([0.5, 3.0, -5.0, -1.0, 0.0])
    np.testing.assert_allclose(pa.kkt_violation(w, g), 0.0)
    g = np.array([1.5, -3.0, 5.0, 0.0, 0.25])
    np.testing.assert_allclose(pa.kkt_violation(w, g), [0.5, 2.0, 6.0, 1.0, 0.25])


# ---------------------------------------------------------------------------
# alpha_max and zero_threshold
# ---------------------------------------------------------------------------


def _with_alpha(pen, alpha):
    kw = {"penalty_factor": pen.penalty_factor, "lower_bounds": pen.lower_bounds,
          "upper_bounds": pen.upper_bounds, "positive": pen.positive}
    if isinstance(pen, ElasticNet):
        return ElasticNet(alpha, l1_ratio=pen.l1_ratio, **kw)
    return type(pen)(alpha, **kw)


@SETTINGS
@given(data=st.data(), step=st.floats(1e-2, 10.0))
def test_alpha_max_is_the_zeroing_threshold(data, step):
    pen, p = data.draw(penalties(kinds=("l1", "enet")))
    # pure L2 is tested apart; a subnormal l1_ratio overflows alpha_max to inf
    if isinstance(pen, ElasticNet) and pen.l1_ratio < 1e-300:
        pen = ElasticNet(pen.alpha, l1_ratio=0.5, penalty_factor=pen.penalty_factor,
                         lower_bounds=pen.lower_bounds, upper_bounds=pen.upper_bounds,
                         positive=pen.positive)
    # alpha_max must not depend on pen.alpha; a dedicated test checks that,
    # so this property is stated at alpha=1.
    pen = _with_alpha(pen, 1.0)
    g = np.array(data.draw(st.lists(finite, min_size=p, max_size=p)))
    # the documented contract: unpenalised features have a zero gradient
    f = abs_sq_coefs(_with_alpha(pen, 1.0), p)[0]
    g[f == 0] = 0.0
    am = pen.alpha_max(g)
    assert np.isfinite(am) and am >= 0

    def prox_zero(alpha):
        return _with_alpha(pen, alpha).prox(-step * g, step)

    assert np.all(prox_zero(am * (1 + 1e-9)) == 0.0)
    assert np.all(prox_zero(2 * am + 1.0) == 0.0)
    assert np.all(np.abs(prox_zero(am)) <= 1e-12 * step * (1 + np.abs(g)))
    if am > 0:
        assert np.any(prox_zero(am * (1 - 1e-6)) != 0.0)


@pytest.mark.parametrize("alpha", [0.0, 0.3, 7.0])
def test_alpha_max_does_not_depend_on_alpha(alpha):
    g = np.array([0.5, -2.0, 1.0])
    assert L1(alpha).alpha_max(g) == pytest.approx(2.0)
    assert L1(alpha, positive=True).alpha_max(g) == pytest.approx(2.0)
    assert ElasticNet(alpha, l1_ratio=0.5).alpha_max(g) == pytest.approx(4.0)


def test_alpha_max_by_hand():
    g = np.array([0.5, -2.0, 1.0, 3.0])
    assert L1(1.0).alpha_max(g) == pytest.approx(3.0)
    # positive=True: only negative gradients can push a coefficient up
    assert L1(1.0, positive=True).alpha_max(g) == pytest.approx(2.0)
    # factors divide; a zero factor with a zero gradient is ignored
    f = np.array([1.0, 4.0, 0.5, 0.0])
    g0 = g.copy()
    g0[3] = 0.0
    assert L1(1.0, penalty_factor=f).alpha_max(g0) == pytest.approx(2.0)
    # a zero factor with a nonzero gradient: no alpha zeroes the model
    assert L1(1.0, penalty_factor=f).alpha_max(g) == np.inf
    # bounds closing one side: upper=0 only lets positive gradients act
    assert L1(1.0, upper_bounds=0.0).alpha_max(g) == pytest.approx(3.0)
    assert L1(1.0, upper_bounds=0.0).alpha_max(-g) == pytest.approx(2.0)
    assert L1(1.0, lower_bounds=0.0, upper_bounds=0.0).alpha_max(g) == 0.0
    assert L1(1.0).alpha_max(np.zeros(4)) == 0.0


@SETTINGS
@given(data=st.data(), l1_ratio=st.floats(1e-3, 1.0))
def test_elastic_net_alpha_max_is_l1_over_ratio(data, l1_ratio):
    pen, p = data.draw(penalties(kinds=("l1",)))
    g = np.array(data.draw(st.lists(finite, min_size=p, max_size=p)))
    en = ElasticNet(pen.alpha, l1_ratio=l1_ratio, penalty_factor=pen.penalty_factor,
                    lower_bounds=pen.lower_bounds, upper_bounds=pen.upper_bounds,
                    positive=pen.positive)
    base = L1(1.0, penalty_factor=pen.penalty_factor, lower_bounds=pen.lower_bounds,
              upper_bounds=pen.upper_bounds, positive=pen.positive).alpha_max(g)
    assert en.alpha_max(g) == pytest.approx(base / l1_ratio, rel=1e-12)


def test_l2_alpha_max():
    assert L2(1.0).alpha_max([0.0, 1e-12]) == np.inf
    assert L2(1.0).alpha_max([0.0, 0.0]) == 0.0
    assert ElasticNet(1.0, l1_ratio=0.0).alpha_max([1.0, 0.0]) == np.inf
    # positive=True and a positive gradient: zero is already optimal
    assert L2(1.0, positive=True).alpha_max([1.0, 2.0]) == 0.0
    assert L2(1.0, positive=True).alpha_max([1.0, -2.0]) == np.inf


@SETTINGS
@given(pa=penalty_arrays(), data=st.data())
def test_zero_threshold_characterises_zero_optimality(pa, data):
    p = pa.n_features
    g = np.array(data.draw(st.lists(finite, min_size=p, max_size=p)))
    need = pa.zero_threshold(g)
    assert np.all(need >= 0)
    viol = pa.kkt_violation(np.zeros(p), g)
    # w_j = 0 optimal iff l1_j >= need_j; the violation is the shortfall
    np.testing.assert_allclose(viol, np.maximum(need - pa.l1, 0.0), atol=1e-12)


# ---------------------------------------------------------------------------
# norm
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("p", [1, 1.5, 2, 3, np.inf])
@settings(max_examples=40, deadline=None)
@given(w=st.lists(st.floats(-1e3, 1e3), min_size=0, max_size=8))
def test_norm_matches_numpy(p, w):
    w = np.array(w, dtype=float)
    # numpy.linalg.norm underflows for tiny entries (1e-200 ** 2 == 0): scale
    # the oracle by the largest entry
    big = np.abs(w).max() if w.size else 0.0
    expected = big * np.linalg.norm(w / big, p) if big > 0 else 0.0
    assert norm(w, p) == pytest.approx(expected, rel=1e-12, abs=1e-300)
    assert isinstance(norm(w, p), float)


@pytest.mark.parametrize("p", [1, 1.5, 2, 3, np.inf])
def test_norm_huge_entries_do_not_overflow(p):
    w = np.array([1e200, -3e200, 2e200])
    expected = 1e200 * np.linalg.norm(w / 1e200, p)
    got = norm(w, p)
    assert np.isfinite(got)
    assert got == pytest.approx(expected, rel=1e-12)
    tiny = np.array([1e-200, -3e-200])
    assert norm(tiny, p) == pytest.approx(1e-200 * np.linalg.norm(tiny / 1e-200, p))


def test_norm_examples_and_matrix_input():
    assert norm([3.0, -4.0], 1) == 7.0
    assert norm([3.0, -4.0]) == 5.0
    assert norm([3.0, -4.0], np.inf) == 4.0
    assert norm(np.zeros(3), 1.5) == 0.0
    assert norm(np.array([[3.0], [-4.0]]), 2) == pytest.approx(5.0)  # flattened


@pytest.mark.parametrize("p", [1, 2, np.inf])
def test_norm_with_infinite_entry_is_inf(p):
    # numpy.linalg.norm gives inf; dividing by the largest entry must not
    # turn it into inf / inf = nan
    assert norm([np.inf, 1.0], p) == np.inf


@pytest.mark.parametrize("p", [0.5, 0, -1, float("nan"), True])
def test_norm_rejects_p_below_one(p):
    with pytest.raises(ValueError, match="p must be"):
        norm([1.0, 2.0], p)


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("cls", [L1, L2, ElasticNet])
@pytest.mark.parametrize(
    ("alpha", "exc"),
    [(-0.1, ValueError), (float("nan"), ValueError), (float("inf"), ValueError),
     ("0.1", TypeError), (None, TypeError), (True, TypeError)],
)
def test_bad_alpha(cls, alpha, exc):
    with pytest.raises(exc, match="alpha"):
        cls(alpha)


@pytest.mark.parametrize(
    ("l1_ratio", "exc"),
    [(-0.01, ValueError), (1.01, ValueError), (float("nan"), ValueError),
     ("0.5", TypeError)],
)
def test_bad_l1_ratio(l1_ratio, exc):
    with pytest.raises(exc, match="l1_ratio"):
        ElasticNet(1.0, l1_ratio=l1_ratio)


@pytest.mark.parametrize("cls", [L1, L2, ElasticNet])
@pytest.mark.parametrize(
    "factor",
    [[1.0, -1.0, 1.0], [1.0, np.nan, 1.0], [1.0, np.inf, 1.0], [1.0, 1.0], -1.0,
     [[1.0, 1.0, 1.0]]],
)
def test_bad_penalty_factor(cls, factor):
    pen = cls(1.0, penalty_factor=factor)
    with pytest.raises(ValueError, match="penalty_factor"):
        pen.per_feature(3)
    with pytest.raises(ValueError, match="penalty_factor"):
        pen.value(np.zeros(3))
    with pytest.raises(ValueError, match="penalty_factor"):
        pen.prox(np.zeros(3), 1.0)


def test_penalty_factor_not_numeric():
    with pytest.raises((TypeError, ValueError), match="penalty_factor"):
        L1(1.0, penalty_factor=["a", "b"]).per_feature(2)


@pytest.mark.parametrize(
    "kw",
    [
        {"lower_bounds": -1.0, "upper_bounds": -2.0},           # lower > upper
        {"lower_bounds": [0.0, 0.5], "upper_bounds": 1.0},      # excludes 0
        {"lower_bounds": -1.0, "upper_bounds": [1.0, -0.5]},    # excludes 0
        {"upper_bounds": -1.0, "positive": True},               # positive vs upper
        {"lower_bounds": [np.nan, 0.0]},
        {"lower_bounds": [-1.0, -1.0, -1.0]},                   # wrong length
    ],
)
def test_bad_bounds(kw):
    with pytest.raises(ValueError, match="bounds"):
        L1(1.0, **kw).per_feature(2)


def test_bounds_error_messages_name_the_feature():
    with pytest.raises(ValueError, match=r"feature 1"):
        L1(1.0, lower_bounds=[-1.0, 0.5]).per_feature(2)
    with pytest.raises(ValueError, match="lower_bounds"):
        L1(1.0, lower_bounds=[-1.0, 2.0], upper_bounds=[1.0, 1.0]).per_feature(2)


def test_penalties_are_frozen():
    pen = L1(1.0)
    with pytest.raises(AttributeError):
        pen.alpha = 2.0  # type: ignore[misc]
    assert isinstance(L1(np.float32(0.5)).alpha, float)
    assert L1(3).alpha == 3.0
