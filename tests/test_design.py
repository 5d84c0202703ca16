"""Tests of shrinkage._design: centring, weighting and scaling of a problem."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp

from shrinkage._design import DenseDesign, SparseDesign, as_design, center_problem
from shrinkage.penalties import L1, PenaltyArrays

FLAGS = list(itertools.product([False, True], repeat=3))  # intercept, standardize, weighted


def _data(seed=0, n=40, p=6, density=0.5):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 3.0, p) + rng.uniform(-2, 2, p)
    X[rng.random((n, p)) > density] = 0.0
    X[:, 0] = 0.0                      # an empty column
    y = rng.standard_normal(n) * 3 + 1.0
    sw = rng.uniform(0.1, 4.0, n)
    sw[:3] = 0.0                       # zero weights are allowed
    return X, y, sw


def _explicit(X, y, sw, fit_intercept, standardize):
    """The dense matrix and target the solver should see, written out."""
    X = np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    s = np.ones(n) if sw is None else sw * n / sw.sum()
    x_mean = s @ X / n if fit_intercept else np.zeros(X.shape[1])
    y_mean = s @ y / n if fit_intercept else 0.0
    Xc = X - x_mean
    if standardize:
        scale = np.sqrt(s @ (Xc**2) / n)
        scale[scale == 0] = 1.0
    else:
        scale = np.ones(X.shape[1])
    M = np.sqrt(s)[:, None] * Xc / scale
    yc = np.sqrt(s) * (y - y_mean)
    return M, yc, x_mean, scale, y_mean, s


def _check_design(prob, M, yc, rtol=1e-10):
    n, p = M.shape
    rng = np.random.default_rng(42)
    w = rng.standard_normal(p)
    u = rng.standard_normal(n)
    design = prob.design
    atol = rtol * (1 + np.abs(M).max()) * (1 + np.abs(w).max())
    np.testing.assert_allclose(design.matvec(w), M @ w, rtol=rtol, atol=atol)
    np.testing.assert_allclose(design.rmatvec(u), M.T @ u, rtol=rtol,
                               atol=rtol * (1 + np.abs(M).max() * np.abs(u).sum()))
    np.testing.assert_allclose(design.norms2, (M**2).sum(0), rtol=rtol, atol=rtol)
    idx = np.array([p - 1, 0, 2], dtype=np.int64)
    np.testing.assert_allclose(design.correlations(u, idx), M[:, idx].T @ u, rtol=rtol,
                               atol=rtol * (1 + np.abs(M).max() * np.abs(u).sum()))
    np.testing.assert_allclose(design.columns(idx), M[:, idx], rtol=rtol, atol=atol)
    np.testing.assert_allclose(prob.y, yc, rtol=rtol, atol=rtol * (1 + np.abs(yc).max()))
    assert design.n_rows == n and design.n_features == p


@pytest.mark.parametrize("storage", ["dense", "csc", "csr"])
@pytest.mark.parametrize(("fit_intercept", "standardize", "weighted"), FLAGS)
def test_center_problem_equals_explicit_matrix(storage, fit_intercept, standardize, weighted):
    X, y, sw = _data()
    sw = sw if weighted else None
    Xin = X if storage == "dense" else (sp.csc_matrix(X) if storage == "csc"
                                        else sp.csr_matrix(X))
    prob = center_problem(Xin, y, sw, fit_intercept=fit_intercept, standardize=standardize)
    M, yc, x_mean, scale, y_mean, s = _explicit(X, y, sw, fit_intercept, standardize)
    assert isinstance(prob.design, DenseDesign if storage == "dense" else SparseDesign)
    _check_design(prob, M, yc)
    np.testing.assert_allclose(prob.x_mean, x_mean, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(prob.x_scale, scale, rtol=1e-10)
    np.testing.assert_allclose(prob.y_mean, y_mean, rtol=1e-12, atol=1e-14)
    assert prob.n_samples == X.shape[0]
    assert prob.weight_sum == pytest.approx(X.shape[0] if sw is None else sw.sum())
    if fit_intercept:
        # the sparse kernel relies on v'y = 0 and v'C = 0
        v = np.sqrt(s)
        assert abs(v @ prob.y) <= 1e-10 * np.abs(prob.y).sum()
        np.testing.assert_allclose(prob.design.rmatvec(v), 0.0, atol=1e-10 * X.shape[0])
    assert not np.any(np.isnan(prob.design.norms2))


@pytest.mark.parametrize("storage", ["dense", "csc"])
@pytest.mark.parametrize(("fit_intercept", "standardize", "weighted"),
                         [f for f in FLAGS if f[0]])
def test_large_column_offset_no_cancellation(storage, fit_intercept, standardize, weighted):
    rng = np.random.default_rng(7)
    n, p = 80, 3
    noise = rng.standard_normal((n, p))
    X = noise.copy()
    X[:, 1] += 1e7                      # fully stored, tiny variance vs its mean
    X[:, 2] = np.where(rng.random(n) < 0.5, 0.0, 1e7 + noise[:, 2])
    y = rng.standard_normal(n)
    sw = rng.uniform(0.1, 3.0, n) if weighted else None
    # reference from exactly representable pieces: X - 1e7 is exact
    Xr = X.copy()
    Xr[:, 1] = X[:, 1] - 1e7
    M, _yc, _, scale, _, _ = _explicit(Xr, y, sw, fit_intercept, standardize)
    M2, _, _, scale2, _, _ = _explicit(X[:, 2:], y, sw, fit_intercept, standardize)
    M[:, 2:] = M2
    scale[2:] = scale2
    Xin = X if storage == "dense" else sp.csc_matrix(X)
    prob = center_problem(Xin, y, sw, fit_intercept=fit_intercept, standardize=standardize)
    np.testing.assert_allclose(prob.x_scale, scale, rtol=1e-6)
    np.testing.assert_allclose(prob.design.norms2, (M**2).sum(0), rtol=1e-6)
    if standardize:
        np.testing.assert_allclose(prob.design.norms2, n, rtol=1e-6)
    w = rng.standard_normal(p)
    np.testing.assert_allclose(prob.design.matvec(w), M @ w, rtol=1e-5,
                               atol=1e-5 * np.abs(M @ w).max())


@pytest.mark.parametrize("storage", ["dense", "csc"])
@pytest.mark.parametrize(("fit_intercept", "standardize", "weighted"), FLAGS)
def test_to_original_recovers_coefficients_and_intercept(storage, fit_intercept,
                                                         standardize, weighted):
    X, y, sw = _data(seed=3)
    sw = sw if weighted else None
    Xin = X if storage == "dense" else sp.csc_matrix(X)
    prob = center_problem(Xin, y, sw, fit_intercept=fit_intercept, standardize=standardize)
    w = np.random.default_rng(1).standard_normal(X.shape[1])
    coef, intercept = prob.to_original(w)
    if not fit_intercept:
        assert intercept == 0.0
    n = X.shape[0]
    s = np.ones(n) if sw is None else sw * n / sw.sum()
    # the fitted residual is the original residual, weighted
    np.testing.assert_allclose(
        prob.y - prob.design.matvec(w), np.sqrt(s) * (y - X @ coef - intercept),
        rtol=1e-10, atol=1e-10,
    )
    # and the coefficients are w on the original column scale
    np.testing.assert_allclose(coef * prob.x_scale, w, rtol=1e-12)


def test_to_original_multi_target():
    X, y, _ = _data(seed=4)
    Y = np.column_stack([y, 2 * y - 1])
    prob = center_problem(X, Y, None, fit_intercept=True, standardize=False)
    assert prob.y.shape == Y.shape
    w = np.ones(X.shape[1])
    _, b0 = prob.to_original(w, target=0)
    _, b1 = prob.to_original(w, target=1)
    assert b0 == pytest.approx(Y[:, 0].mean() - X.mean(0) @ w)
    assert b1 == pytest.approx(Y[:, 1].mean() - X.mean(0) @ w)


def _snapshot(obj):
    if sp.issparse(obj):
        return (obj.format, obj.data.copy(), obj.indices.copy(), obj.indptr.copy(),
                obj.data.dtype, obj.nnz)
    return obj.copy(), obj.flags["F_CONTIGUOUS"], obj.dtype


def _same(a, b):
    assert len(a) == len(b)
    for u, v in zip(a, b, strict=True):
        if isinstance(u, np.ndarray):
            np.testing.assert_array_equal(u, v)
        else:
            assert u == v


def _non_canonical_csc():
    # unsorted row indices and a duplicate entry (row 0 stored twice)
    data = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    indices = np.array([2, 0, 0, 1, 3, 1], dtype=np.int32)
    indptr = np.array([0, 3, 5, 6], dtype=np.int32)
    return sp.csc_matrix((data, indices, indptr), shape=(4, 3))


@pytest.mark.parametrize(
    "make_X",
    [
        lambda X: X.copy(),
        lambda X: np.asfortranarray(X),
        lambda X: X.astype(np.float32),
        lambda X: sp.csc_matrix(X),
        lambda X: sp.csr_matrix(X),
        lambda X: _non_canonical_csc(),
    ],
)
@pytest.mark.parametrize(("fit_intercept", "standardize", "weighted"), FLAGS)
def test_inputs_are_not_modified(make_X, fit_intercept, standardize, weighted):
    X0, y0, sw0 = _data(seed=5, n=4, p=3)
    X = make_X(X0)
    y = y0.copy()
    sw = sw0.copy() + 1.0 if weighted else None
    before = (_snapshot(X), y.copy(), None if sw is None else sw.copy())
    prob = center_problem(X, y, sw, fit_intercept=fit_intercept, standardize=standardize)
    # using the design (as a solver does) must not touch the caller's data either
    w = np.ones(X.shape[1])
    r = prob.y - prob.design.matvec(w)
    pa = PenaltyArrays(l1=np.full(3, 0.1), l2=np.zeros(3), lower=np.full(3, -np.inf),
                       upper=np.full(3, np.inf))
    prob.design.cd_epochs(w, r, pa, prob.n_samples, np.arange(3, dtype=np.int64), 2)
    _same(_snapshot(X), before[0])
    np.testing.assert_array_equal(y, before[1])
    if sw is not None:
        np.testing.assert_array_equal(sw, before[2])


@pytest.mark.parametrize("make", [lambda: _non_canonical_csc(),
                                  lambda: _non_canonical_csc().T.tocsr().T])
def test_wrapping_a_sparse_matrix_does_not_modify_it(make):
    """``as_design`` (what CoordinateDescent.solve calls) must not sort or sum
    the caller's index arrays in place."""
    X = make()
    before = _snapshot(X)
    dense_before = X.toarray()
    design = as_design(X)
    np.testing.assert_array_equal(design.columns(np.arange(3, dtype=np.int64)),
                                  dense_before)
    np.testing.assert_array_equal(X.toarray(), dense_before)
    _same(_snapshot(X), before)


@pytest.mark.parametrize(("fit_intercept", "standardize", "weighted"), FLAGS)
def test_float32_dense_stays_float32(fit_intercept, standardize, weighted):
    X, y, sw = _data(seed=6)
    X32 = X.astype(np.float32)
    sw = sw if weighted else None
    prob = center_problem(X32, y, sw, fit_intercept=fit_intercept, standardize=standardize)
    assert prob.design.X.dtype == np.float32
    assert prob.design.X.flags["F_CONTIGUOUS"]
    assert prob.y.dtype == np.float64
    assert prob.design.norms2.dtype == np.float64
    M, yc, *_ = _explicit(X32.astype(np.float64), y, sw, fit_intercept, standardize)
    np.testing.assert_allclose(prob.design.X, M, rtol=1e-5, atol=1e-5 * np.abs(M).max())
    np.testing.assert_allclose(prob.y, yc, rtol=1e-10, atol=1e-10)
    # norms2 are those of the stored float32 matrix, accumulated in float64
    X64 = prob.design.X.astype(np.float64)
    np.testing.assert_allclose(prob.design.norms2, (X64**2).sum(0), rtol=1e-12)


@pytest.mark.parametrize(("fit_intercept", "standardize", "weighted"), FLAGS)
def test_float32_sparse_matches_dense(fit_intercept, standardize, weighted):
    X, y, sw = _data(seed=8)
    X32 = X.astype(np.float32)
    sw = sw if weighted else None
    dense = center_problem(X32, y, sw, fit_intercept=fit_intercept, standardize=standardize)
    sparse = center_problem(sp.csc_matrix(X32), y, sw, fit_intercept=fit_intercept,
                            standardize=standardize)
    assert sparse.design.A.dtype == np.float32
    w = np.random.default_rng(0).standard_normal(X.shape[1])
    np.testing.assert_allclose(sparse.design.matvec(w), dense.design.matvec(w),
                               rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(sparse.design.norms2, dense.design.norms2, rtol=1e-5,
                               atol=1e-5 * dense.design.norms2.max())


@pytest.mark.parametrize("value", [0.1, 2.5, 1000.7])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("storage", ["dense", "csc"])
def test_constant_and_empty_columns_are_safe_to_standardize(storage, weighted, value):
    """A constant column centres to rounding noise (~1e-16); standardising must
    not divide that noise by its own tiny standard deviation and turn it into
    a unit-variance column of garbage (scikit-learn treats such a column as
    constant, with scale 1)."""
    X, y, sw = _data(seed=9)
    X[:, 1] = value
    Xin = X if storage == "dense" else sp.csc_matrix(X)
    prob = center_problem(Xin, y, sw if weighted else None, fit_intercept=True,
                          standardize=True)
    assert prob.x_scale[0] == 1.0
    assert prob.x_scale[1] == 1.0
    assert np.all(np.isfinite(prob.design.norms2))
    np.testing.assert_allclose(prob.design.norms2[:2], 0.0, atol=1e-20)
    cols = prob.design.columns(np.array([0, 1], dtype=np.int64))
    np.testing.assert_allclose(cols, 0.0, atol=1e-12)
    # every other column has unit weighted variance
    np.testing.assert_allclose(prob.design.norms2[2:], X.shape[0], rtol=1e-10)
    coef, _ = prob.to_original(np.ones(X.shape[1]))
    assert np.all(np.abs(coef) < 1e6)


def test_scale_bounds():
    X, y, _ = _data(seed=10)
    prob = center_problem(X, y, None, fit_intercept=True, standardize=True)
    p = X.shape[1]
    pa = PenaltyArrays(l1=np.ones(p), l2=np.zeros(p), lower=np.full(p, -2.0),
                       upper=np.full(p, np.inf))
    scaled = prob.scale_bounds(pa)
    np.testing.assert_allclose(scaled.lower, -2.0 * prob.x_scale)
    assert np.all(np.isinf(scaled.upper))
    np.testing.assert_array_equal(scaled.l1, pa.l1)
    unscaled = center_problem(X, y, None, fit_intercept=True, standardize=False)
    assert unscaled.scale_bounds(pa) is pa


def test_sparse_design_norms_with_explicit_weights_and_means():
    rng = np.random.default_rng(11)
    n, p = 50, 5
    A0 = rng.standard_normal((n, p)) * (rng.random((n, p)) < 0.4)
    A0[:, 3] = 1e7 + rng.standard_normal(n)  # fully stored, large mean
    v = np.sqrt(rng.uniform(0.2, 3.0, n))
    A = v[:, None] * A0
    means = A.T @ v / (v @ v)
    design = SparseDesign(sp.csc_matrix(A), means=means, v=v)
    # reference: the centred column computed without the large offset
    C = A - np.outer(v, means)
    Cref = C.copy()
    dev = A0[:, 3] - 1e7
    Cref[:, 3] = v * (dev - (v * v) @ dev / (v @ v))
    np.testing.assert_allclose(design.norms2, (Cref**2).sum(0), rtol=1e-6)


@pytest.mark.parametrize("kind", ["well_conditioned", "duplicate_and_zero_columns", "exact_fit"])
def test_tall_reduction_keeps_objective_and_gap(kind):
    from shrinkage._design import center_problem, reduce_tall
    from shrinkage.solvers.cd import certify

    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 8))
    y = X @ rng.standard_normal(8) + rng.standard_normal(300)
    if kind == "duplicate_and_zero_columns":
        X[:, 3] = X[:, 2]
        X[:, 5] = 0.0
    if kind == "exact_fit":
        y = X @ np.arange(8.0)
    problem = center_problem(X, y, None, fit_intercept=True, standardize=False)
    reduced = reduce_tall(problem)
    assert reduced.design.n_rows == 9
    np.testing.assert_allclose(reduced.design.norms2, problem.design.norms2, rtol=1e-10)
    assert reduced.y @ reduced.y == pytest.approx(problem.y @ problem.y, rel=1e-12)
    pen = L1(0.05).per_feature(8)
    for _ in range(3):
        w = rng.standard_normal(8)
        full = certify(problem.design, problem.y, pen, w, n_samples=300)
        small = certify(reduced.design, reduced.y, pen, w, n_samples=300)
        assert small.primal == pytest.approx(full.primal, rel=1e-10)
        assert small.certificate == pytest.approx(full.certificate, rel=1e-8, abs=1e-10)
