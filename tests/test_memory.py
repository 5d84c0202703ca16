"""float32 stays float32 and sparse stays sparse, for every public estimator.

The dense figures at scale (peak memory of a 200,000 x 500 Lasso path
relative to the size of X) are measured by ``benchmarks/bench_memory.py``;
here the peak is measured with ``tracemalloc`` (numpy reports its
allocations to it) on data small enough for CI.
"""

from __future__ import annotations

import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

import shrinkage
from conftest import CLASSIFIERS, PUBLIC_ESTIMATORS, bad_input_data

NAMES = sorted(PUBLIC_ESTIMATORS)


def _fit(name, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return PUBLIC_ESTIMATORS[name]().fit(X, y)


def _float32_case(name, storage):
    return pytest.param(name, storage)


@pytest.mark.parametrize(("name", "storage"), [
    _float32_case(n, s) for n in NAMES for s in ("dense", "csc", "csr")])
def test_float32_stays_float32(name, storage):
    X, y = bad_input_data(name)
    X32 = X.astype(np.float32)
    given = X32 if storage == "dense" else getattr(sp, f"{storage}_matrix")(X32)
    model = _fit(name, given, y)
    assert model.coef_.dtype == np.float32
    assert np.asarray(model.intercept_).dtype == np.float32
    if name not in CLASSIFIERS:
        assert model.predict(given).dtype == np.float32
    # The same model as from the same data in float64, to float32's precision.
    reference = _fit(name, given.astype(np.float64), y)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-4, atol=1e-4)


def _peak(run):
    tracemalloc.start()
    try:
        result = run()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def wide_sparse():
    """10,000 x 2,000 CSC with 0.1% of entries: 240 KB stored, 160 MB if densified."""
    rng = np.random.default_rng(0)
    X = sp.random(10_000, 2_000, density=0.001, format="csc", random_state=0)
    X.data = rng.standard_normal(X.data.size)
    y = np.asarray(X[:, :5] @ np.ones(5)).ravel() + 0.1 * rng.standard_normal(10_000)
    return X, y


_SPARSE_LIMIT = 0.1  # of the dense size: a densified copy (even in float32) would exceed it
_SPARSE_FITS = {
    "Lasso": lambda: shrinkage.Lasso(alpha=0.01),
    "ElasticNet": lambda: shrinkage.ElasticNet(alpha=0.01),
    "Ridge": lambda: shrinkage.Ridge(alpha=1.0),
    "LogisticRegression": lambda: shrinkage.LogisticRegression(alpha=0.01, l1_ratio=1.0),
    "LassoCV": lambda: shrinkage.LassoCV(cv=3, alphas=5),
    "ElasticNetCV": lambda: shrinkage.ElasticNetCV(cv=3, alphas=5),
    "RidgeCV": lambda: shrinkage.RidgeCV(cv=3, n_alphas=5),
    "LogisticRegressionCV": lambda: shrinkage.LogisticRegressionCV(cv=3, alphas=5),
    "LassoIC": lambda: shrinkage.LassoIC(alphas=5),
}


def test_the_sparse_list_covers_every_estimator():
    assert set(_SPARSE_FITS) == set(PUBLIC_ESTIMATORS)


@pytest.mark.parametrize("name", NAMES)
def test_sparse_stays_sparse(name, wide_sparse):
    X, y = wide_sparse
    target = (y > np.median(y)).astype(int) if name in CLASSIFIERS else y
    estimator = _SPARSE_FITS[name]()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model, peak = _peak(lambda: estimator.fit(X, target))
    dense_bytes = 8 * X.shape[0] * X.shape[1]
    assert peak < _SPARSE_LIMIT * dense_bytes, f"peak {peak / 1e6:.0f} MB: densified?"
    assert sp.issparse(X) and X.format == "csc"  # and the input is untouched
    assert np.all(np.isfinite(model.coef_))


def test_ridge_cv_leave_one_out_refuses_to_densify_a_large_sparse_matrix():
    X = sp.random(20_000, 1_000, density=1e-4, format="csr", random_state=1)
    with pytest.raises(ValueError, match=r"cv=None densifies sparse X.*use a K-fold cv"):
        shrinkage.RidgeCV().fit(X, np.arange(20_000.0))


@pytest.mark.parametrize("loss", ["squared", "logistic"])
def test_sparse_paths_stay_sparse(loss, wide_sparse):
    X, y = wide_sparse
    target = (y > np.median(y)).astype(int) if loss == "logistic" else y
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path, peak = _peak(lambda: shrinkage.regularization_path(
            X, target, loss=loss, n_alphas=5))
    assert peak < _SPARSE_LIMIT * 8 * X.shape[0] * X.shape[1]
    assert np.all(np.isfinite(path.coefs))


def test_dense_path_copies_X_at_most_once():
    """The 1.5x target of the benchmark, on a tall problem small enough for CI."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20_000, 50))
    y = X[:, :5].sum(axis=1) + rng.standard_normal(20_000)
    shrinkage.regularization_path(X[:100], y[:100], n_alphas=5)  # compile first
    _, peak = _peak(lambda: shrinkage.regularization_path(X, y, n_alphas=20))
    assert peak <= 1.5 * X.nbytes


def test_float32_path_copies_X_at_most_once():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20_000, 50)).astype(np.float32)
    y = X[:, :5].sum(axis=1) + rng.standard_normal(20_000)
    shrinkage.regularization_path(X[:100], y[:100], n_alphas=5)
    _, peak = _peak(lambda: shrinkage.regularization_path(X, y, n_alphas=20))
    assert peak <= 1.5 * X.nbytes


def test_float32_path_has_the_exact_zeros_of_the_float64_path():
    X, y = bad_input_data("LassoIC")
    X32 = X.astype(np.float32)
    path32 = shrinkage.regularization_path(X32, y, n_alphas=5)
    path64 = shrinkage.regularization_path(X32.astype(np.float64), y, n_alphas=5)
    assert np.array_equal(path32.df, path64.df)


def test_lasso_ic_on_sparse_data_equals_the_dense_fit(wide_sparse):
    """Its least-squares noise variance by LSMR on the sparse design, not a dense copy."""
    X, y = wide_sparse
    X, y = X[:3000, :200], y[:3000]
    sparse = shrinkage.LassoIC(alphas=10).fit(X, y)
    dense = shrinkage.LassoIC(alphas=10).fit(X.toarray(), y)
    np.testing.assert_allclose(sparse.noise_variance_, dense.noise_variance_, rtol=1e-9)
    assert sparse.alpha_ == dense.alpha_
    for bounded in ({"positive": True},):
        s = shrinkage.LassoIC(alphas=10, **bounded).fit(X, y)
        d = shrinkage.LassoIC(alphas=10, **bounded).fit(X.toarray(), y)
        np.testing.assert_allclose(s.noise_variance_, d.noise_variance_, rtol=1e-6)


def test_float32_fit_copies_X_at_most_once():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20_000, 50)).astype(np.float32)
    y = X[:, :5].sum(axis=1) + rng.standard_normal(20_000)
    shrinkage.Lasso(alpha=0.01).fit(X[:100], y[:100])
    _, peak = _peak(lambda: shrinkage.Lasso(alpha=0.01).fit(X, y))
    assert peak <= 1.5 * X.nbytes
