"""Sparse input in every SciPy format, canonical or not, for every public estimator.

Each format is checked against the same estimator fitted on the canonical
CSC matrix (the format the kernels read) and that one against the dense
copy, so a format that is read wrongly (duplicates not summed, unsorted
indices, explicit zeros counted) shows up as a different model.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

import shrinkage
from conftest import CLASSIFIERS, PUBLIC_ESTIMATORS

NAMES = sorted(PUBLIC_ESTIMATORS)


def _data(name):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 6))
    X[rng.random(X.shape) < 0.5] = 0.0
    X[:, 5] = 0.0  # an empty column
    y = X @ np.array([1.0, -2.0, 0.0, 0.5, 1.0, 0.0]) + 0.2 * rng.standard_normal(40)
    if name in CLASSIFIERS:
        y = (y > 0).astype(np.int64)
    return X, y


def _reversed_indices(A):
    """The same matrix with each row's (CSR) or column's (CSC) entries stored backwards."""
    A = A.copy()
    for k in range(A.indptr.size - 1):
        s, e = A.indptr[k], A.indptr[k + 1]
        A.indices[s:e] = A.indices[s:e][::-1].copy()
        A.data[s:e] = A.data[s:e][::-1].copy()
    A.has_sorted_indices = False
    return A


def _duplicated_csc(X):
    """CSC storing every entry as two halves (not canonical: duplicates not summed)."""
    C = sp.coo_matrix(X)
    rows, cols = np.r_[C.row, C.row], np.r_[C.col, C.col]
    order = np.lexsort((rows, cols))
    indptr = np.searchsorted(cols[order], np.arange(X.shape[1] + 1))
    A = sp.csc_matrix((np.r_[C.data, C.data][order] / 2, rows[order], indptr), shape=X.shape)
    A.has_canonical_format = False
    return A


def _duplicated_coo(X):
    C = sp.coo_matrix(X)
    return sp.coo_matrix((np.r_[C.data, C.data] / 2, (np.r_[C.row, C.row], np.r_[C.col, C.col])),
                         shape=X.shape)


def _explicit_zeros(X):
    A = sp.csc_matrix(X)
    A.data[::3] = 0.0  # stored, but zero: the dense copy has zeros there too
    return A


def _int64_indices(X):
    A = sp.csc_matrix(X)
    A.indices = A.indices.astype(np.int64)
    A.indptr = A.indptr.astype(np.int64)
    return A


FORMATS = {
    **{f"{fmt}_matrix": getattr(sp, f"{fmt}_matrix")
       for fmt in ("csr", "coo", "lil", "dok", "bsr", "dia")},
    **{f"{fmt}_array": getattr(sp, f"{fmt}_array")
       for fmt in ("csc", "csr", "coo", "lil", "dok", "bsr", "dia")},
    "csr unsorted indices": lambda X: _reversed_indices(sp.csr_matrix(X)),
    "csc unsorted indices": lambda X: _reversed_indices(sp.csc_matrix(X)),
    "csc duplicate entries": _duplicated_csc,
    "coo duplicate entries": _duplicated_coo,
    "csc explicit zeros": _explicit_zeros,
    "csc int64 indices": _int64_indices,
}


def _fit(name, X, y, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return PUBLIC_ESTIMATORS[name]().set_params(**params).fit(X, y)


def _assert_same(model, reference, X_model, X_reference, rtol):
    scale = max(1.0, float(np.abs(reference.coef_).max()))
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=rtol, atol=rtol * scale)
    np.testing.assert_allclose(model.predict(X_model), reference.predict(X_reference),
                               rtol=rtol, atol=rtol * scale)


# Tight tolerances where an estimator has one: sparse and dense solvers differ.
_TIGHT = {"Lasso": {"tol": 1e-12}, "ElasticNet": {"tol": 1e-12}, "Ridge": {"tol": 1e-12},
          "LogisticRegression": {"tol": 1e-12}, "LassoCV": {"tol": 1e-12},
          "ElasticNetCV": {"tol": 1e-12}, "LogisticRegressionCV": {"tol": 1e-12},
          "LassoIC": {"tol": 1e-12}, "RidgeCV": {}}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("name", NAMES)
def test_every_format_gives_the_model_of_canonical_csc(name, fmt):
    X, y = _data(name)
    A = FORMATS[fmt](X)
    canonical = sp.csc_matrix(A.toarray())  # no explicit zeros, sorted, summed
    model = _fit(name, A, y, **_TIGHT[name])
    reference = _fit(name, canonical, y, **_TIGHT[name])
    _assert_same(model, reference, A, canonical, rtol=1e-9)
    assert not (sp.issparse(model.coef_))


@pytest.mark.parametrize("name", NAMES)
def test_canonical_csc_gives_the_model_of_the_dense_copy(name):
    X, y = _data(name)
    sparse = _fit(name, sp.csc_matrix(X), y, **_TIGHT[name])
    dense = _fit(name, X, y, **_TIGHT[name])
    _assert_same(sparse, dense, sp.csc_matrix(X), X, rtol=1e-5)


@pytest.mark.parametrize(("name", "case", "message"), [
    (n, c, m)
    for n in NAMES
    for c, m in [("NaN", r"Input X contains NaN"),
                 ("inf", r"Input X contains infinity.*Replace or drop")]
])
def test_sparse_non_finite_is_named(name, case, message):
    X, y = _data(name)
    A = sp.csc_matrix(X)
    A.data[3] = np.nan if case == "NaN" else np.inf
    with pytest.raises(ValueError, match=message):
        _fit(name, A, y)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("fmt", ["csc_matrix", "coo_array", "lil_matrix"])
def test_sparse_complex_is_named(name, fmt):
    X, y = _data(name)
    A = getattr(sp, fmt)(X.astype(complex) * 1j)
    with pytest.raises(ValueError, match=r"Complex data not supported: X has complex values"):
        _fit(name, A, y)


@pytest.mark.parametrize("name", NAMES)
def test_sparse_integers_and_booleans_are_exact(name):
    X, y = _data(name)
    counts = np.round(3 * np.abs(X)).astype(np.int64)
    for A, dense in [(sp.csc_matrix(counts), counts.astype(float)),
                     (sp.csr_matrix(X != 0), (X != 0).astype(float))]:
        _assert_same(_fit(name, A, y), _fit(name, sp.csc_matrix(dense), y), A,
                     sp.csc_matrix(dense), rtol=1e-9)


@pytest.mark.parametrize("name", [n for n in NAMES if n not in CLASSIFIERS])
def test_sparse_huge_integers_are_refused(name):
    X, y = _data(name)
    A = sp.csc_matrix(np.where(X != 0, np.int64(2**62) + np.round(10 * X).astype(np.int64), 0))
    with pytest.raises(ValueError, match=r"beyond 2\*\*53"):
        _fit(name, A, y)


@pytest.mark.parametrize("name", NAMES)
def test_sparse_predict_checks_the_features(name):
    X, y = _data(name)
    model = _fit(name, sp.csc_matrix(X), y)
    with pytest.raises(ValueError, match=r"X has 5 features, but \w+ is expecting 6"):
        model.predict(sp.csr_matrix(X[:, :5]))
    np.testing.assert_allclose(model.predict(sp.coo_array(X)), model.predict(X), rtol=1e-12,
                               atol=1e-12)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_regularization_path_reads_every_format(fmt):
    X, y = _data("Lasso")
    A = FORMATS[fmt](X)
    path = shrinkage.regularization_path(A, y, n_alphas=10, tol=1e-10)
    canonical = sp.csc_matrix(A.toarray())
    reference = shrinkage.regularization_path(canonical, y, n_alphas=10, tol=1e-10)
    np.testing.assert_allclose(path.coefs, reference.coefs, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(path.alphas, reference.alphas, rtol=1e-12)
    logistic = shrinkage.regularization_path(A, (y > 0).astype(int), loss="logistic",
                                             n_alphas=5)
    assert np.all(np.isfinite(logistic.coefs))
