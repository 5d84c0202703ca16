"""shrinkage.distributed on wide data (more features than the Gram limit): FISTA passes,
gap-safe screening and a Gram of the survivors, equal to the in-memory estimators.

The limit is lowered to 40 features (``_data.MAX_GRAM_FEATURES`` is read at call
time) so the data stay small; one test runs at the real limit. Both sides are
solved with tol=1e-14: the in-memory solution is then within 1e-8 of the optimum.
"""

from __future__ import annotations

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

import shrinkage as sk
from shrinkage import distributed as sd
from shrinkage.distributed import _data, _wide
from test_distributed_logistic import client  # noqa: F401 (the module's LocalCluster)

RTOL = 1e-8
TOL = 1e-14
CAP = 40


@pytest.fixture
def low_cap(monkeypatch):
    monkeypatch.setattr(_data, "MAX_GRAM_FEATURES", CAP)


def make_data(n=600, p=150, offset=1e3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 3.0, p) + offset
    beta = np.zeros(p)
    beta[:5] = [2.0, -1.5, 1.0, 0.5, -0.7]
    y = (X - offset) @ beta + 3.0 + rng.standard_normal(n)
    return X, y, rng.uniform(0.2, 2.0, n)


def as_dask(X, y, w):
    """Row chunks of y and the weights unlike X's (they are aligned before the passes)."""
    return (da.from_array(X, chunks=(150, X.shape[1])), da.from_array(y, chunks=200),
            da.from_array(w, chunks=257))


def close(a, b, scale=1.0):
    np.testing.assert_allclose(a, b, rtol=RTOL, atol=RTOL * scale)


@pytest.mark.parametrize(("name", "params", "offset"), [
    ("Lasso", {"alpha": 0.3}, 1e3),
    ("ElasticNet", {"alpha": 0.2, "l1_ratio": 0.7, "standardize": True}, 1e3),
    ("Lasso", {"alpha": 0.15, "penalty_factor": np.r_[0.0, np.ones(149)]}, 0.0),
    ("Lasso", {"alpha": 0.3, "fit_intercept": False, "positive": True}, 0.0),
])
def test_wide_estimator_equals_in_memory(low_cap, name, params, offset):
    X, y, w = make_data(offset=offset)
    memory = getattr(sk, name)(tol=TOL, **params).fit(X, y, sample_weight=w)
    model = getattr(sd, name)(tol=TOL, **params).fit(*as_dask(X, y, w))
    assert np.count_nonzero(memory.coef_) < CAP < X.shape[1]
    close(model.coef_, memory.coef_)
    close(model.intercept_, memory.intercept_, scale=max(offset, 1.0))
    # The certificate is the full problem's duality gap, within the tolerance.
    yc = y - (w @ y / w.sum() if params.get("fit_intercept", True) else 0.0)
    assert 0 <= model.dual_gap_ <= TOL * (w @ yc**2) / w.sum()
    # Moments, the start's sums, then a Gram and a certificate per working-set round.
    assert 4 <= model.n_passes_ <= 12
    prediction = model.predict(da.from_array(X, chunks=(150, X.shape[1])))
    close(prediction.compute(), memory.predict(X), scale=10.0)


def test_wide_dataframe_with_feature_names(low_cap):
    X, y, _ = make_data(seed=1)
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    df = dd.from_pandas(frame, npartitions=3)
    model = sd.Lasso(alpha=0.3, tol=TOL).fit(df, dd.from_pandas(pd.Series(y), npartitions=2))
    memory = sk.Lasso(alpha=0.3, tol=TOL).fit(X, y)
    close(model.coef_, memory.coef_)
    close(model.intercept_, memory.intercept_, scale=1e3)
    assert list(model.feature_names_in_[:2]) == ["f0", "f1"]


def test_wide_path_equals_in_memory(low_cap):
    X, y, w = make_data(seed=2)
    options = {"l1_ratio": 1.0, "n_alphas": 10, "eps": 0.1, "tol": TOL,
               "penalty_factor": np.r_[0.0, np.ones(X.shape[1] - 1)], "standardize": True}
    memory = sk.regularization_path(X, y, sample_weight=w, **options)
    path = sd.regularization_path(*as_dask(X, y, w)[:2], sample_weight=as_dask(X, y, w)[2],
                                  **options)
    close(path.alphas, memory.alphas, scale=memory.alphas[0])
    close(path.coefs, memory.coefs)
    close(path.intercepts, memory.intercepts, scale=1e3)
    np.testing.assert_array_equal(path.df, memory.df)
    close(path.deviance, memory.deviance, scale=memory.null_deviance)
    assert path.null_deviance == pytest.approx(memory.null_deviance, rel=1e-12)
    np.testing.assert_allclose(path.x_scale, memory.x_scale, rtol=1e-10)
    assert path.converged.all() and path.n_samples == X.shape[0]


def test_fista_with_screening_then_the_survivors_gram(low_cap):
    # The stage that runs when a working set outgrows the Gram: FISTA from 0
    # until at most CAP columns survive (or its support settles), then the
    # Gram of those columns, certified on all of them.
    X, y, w = make_data(seed=6)
    data = _data.row_data(*as_dask(X, y, w), wide=True)
    wd = _wide.wide_data(data, fit_intercept=True, standardize=False)
    model = sk.Lasso(alpha=0.3, tol=TOL)
    pen = wd.scale_bounds(model._penalty(wd.weight).per_feature(X.shape[1]))
    state = _wide.start_state(wd)
    start_gap, _, t = _wide.duality_gap(wd, state.beta, state.sums, pen)
    assert _wide.survivors(wd, state.sums, start_gap, t, pen).size > CAP
    beta, cols, passes = _wide.fista(wd, state, wd.usable, pen, tol_abs=0.0, max_passes=500)
    memory = model.fit(X, y, sample_weight=w)
    assert passes > 3 and cols.size <= CAP
    assert set(np.flatnonzero(memory.coef_)) <= set(cols)
    state.beta = beta
    result, _ = _wide._gram_rounds(wd, state, pen, None, cols, solver=model._make_solver(
        pen, False), tol_abs=TOL * wd.yy)
    close(result.beta / wd.x_scale, memory.coef_)
    assert result.gap <= TOL * wd.yy


def test_screening_is_safe_and_keeps_the_support():
    X, y, w = make_data(n=400, p=60, offset=0.0, seed=3)
    data = _data.row_data(*as_dask(X, y, w), wide=True)
    wd = _wide.wide_data(data, fit_intercept=True, standardize=False)
    alpha = 0.05
    pen = wd.scale_bounds(sk.Lasso(alpha=alpha)._penalty(wd.weight).per_feature(X.shape[1]))
    memory = sk.Lasso(alpha=alpha, tol=TOL).fit(X, y, sample_weight=w)
    support = set(np.flatnonzero(memory.coef_))
    # From zero (a large gap) and from the optimum (gap ~ 0): never a support column.
    for beta in (np.zeros(X.shape[1]), np.asarray(memory.coef_, dtype=np.float64)):
        [sums] = _wide.residual_pass(wd, [beta], wd.usable)
        gap, _, t = _wide.duality_gap(wd, beta, sums, pen)
        kept = set(_wide.survivors(wd, sums, gap, t, pen))
        assert support <= kept
    assert gap < 1e-12 and len(kept) == len(support)  # at the optimum all else goes


def test_too_dense_and_unsupported_wide_fits_are_refused(low_cap):
    X, y, w = make_data(n=300, p=90, seed=4)
    Xd, yd, _ = as_dask(X, y, w)
    with pytest.raises(ValueError, match="too dense for wide data"):
        sd.Lasso(alpha=1e-4, max_iter=10).fit(Xd, yd)
    with pytest.raises(ValueError, match="Lasso, ElasticNet and regularization_path"):
        sd.Ridge().fit(Xd, yd)
    with pytest.raises(ValueError, match="Lasso, ElasticNet and regularization_path"):
        sd.LassoCV().fit(Xd, yd)
    with pytest.raises(ValueError, match="l1_ratio=0"):
        sd.regularization_path(Xd, yd, l1_ratio=0.0)


def test_wide_at_the_real_limit():
    rng = np.random.default_rng(5)
    n, p = 1000, sd.MAX_GRAM_FEATURES + 1
    X = rng.standard_normal((n, p))
    y = X[:, :5] @ [2.0, -1.5, 1.0, 0.5, -0.7] + 3.0 + rng.standard_normal(n)
    memory = sk.Lasso(alpha=0.15, tol=TOL).fit(X, y)
    model = sd.Lasso(alpha=0.15, tol=TOL).fit(da.from_array(X, chunks=(250, p)),
                                              da.from_array(y, chunks=250))
    close(model.coef_, memory.coef_)
    close(model.intercept_, memory.intercept_)
    assert model.dual_gap_ <= TOL * np.var(y)
