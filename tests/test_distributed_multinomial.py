"""shrinkage.distributed.LogisticRegression with more than two classes (the softmax loss).

The same objective as the in-memory estimator (over-parametrised: every
coefficient of every class penalised, intercepts free and reported summing
to 0), solved by proximal Newton with the whole Hessian from one pass per
step. Checked as the binary models are (``test_distributed_logistic``): at
the optimum to rounding (proximal-gradient residual below 1e-11), equal to
scikit-learn's Newton solution where it solves the same problem (L2), and to
the in-memory estimator to 1e-8 (which takes one last Newton step too when
``tol`` is below its gap floor).
"""

from __future__ import annotations

import functools

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from scipy.special import softmax
from sklearn.linear_model import LogisticRegression as SklearnLogistic

import shrinkage as sk
from shrinkage import distributed as sd
from test_distributed_logistic import (
    client,  # noqa: F401 (the module's LocalCluster)
    fit_both,
    marked_indices,
    param_dict,
)

RTOL = 1e-8
TOL = 1e-15


def make_data(n=1500, p=5, K=3, seed=0, offset=10.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2.0, p)
    B = rng.standard_normal((p, K))
    B[3:] = 0.0
    P = softmax(X @ B + np.linspace(0.2, -0.2, K), axis=1)
    y = (P.cumsum(axis=1) < rng.uniform(size=(n, 1))).sum(axis=1)
    return X + offset, y, rng.uniform(0.3, 2.0, n)


def dask_of(X, y, w):
    return (da.from_array(X, chunks=(400, X.shape[1])), da.from_array(y, chunks=300),
            da.from_array(w, chunks=333))


def close(a, b, scale=1.0):
    np.testing.assert_allclose(a, b, rtol=RTOL, atol=RTOL * scale)


def weights_of(y, w, params):
    if params.get("class_weight") != "balanced":
        return w
    totals = np.bincount(y, weights=w)
    return w * (totals.sum() / (totals.size * totals))[y]


def residual(X, y, s, coef, intercept, params):
    """``max |z - prox(z - grad f(z))|`` on the fitted scale: 0 only at the optimum."""
    alpha, l1_ratio = params.get("alpha", 1.0), params.get("l1_ratio", 0.0)
    sd_ = np.ones(X.shape[1])
    if params.get("standardize"):
        sd_ = np.sqrt(s @ (X - s @ X / s.sum()) ** 2 / s.sum())
    W = coef.T * sd_[:, None]
    P = softmax(X @ coef.T + intercept, axis=1)
    R = s[:, None] * (P - np.eye(P.shape[1])[y]) / s.sum()
    step = W - ((X / sd_).T @ R + alpha * (1 - l1_ratio) * W)
    moved = np.sign(step) * np.maximum(np.abs(step) - alpha * l1_ratio, 0.0)
    out = np.abs(W - moved).max()
    return max(out, np.abs(R.sum(axis=0)).max()) if params.get("fit_intercept", True) else out


PARAMS = [
    {"alpha": 0.01, "l1_ratio": 1.0},
    {"alpha": 0.02, "l1_ratio": 0.5, "standardize": True},
    {"alpha": 0.01},
    {"alpha": 0.005, "l1_ratio": 1.0, "fit_intercept": False},
    {"alpha": 0.01, "l1_ratio": 0.7, "class_weight": "balanced"},
]


@functools.cache
def fits(index):
    X, y, w = make_data()
    return fit_both(param_dict(PARAMS[index]), X, y, w, dask_of(X, y, w))


@pytest.mark.parametrize("index", range(len(PARAMS)))
def test_multinomial_is_the_optimum(index):
    params = param_dict(PARAMS[index])
    X, y, w = make_data()
    memory, model = fits(index)
    s = weights_of(y, w, params)
    # Rounding of the residual itself: offsets of 10, intercepts up to 13.
    assert residual(X, y, s, model.coef_, model.intercept_, params) < 1e-11
    assert model.coef_.shape == memory.coef_.shape == (3, X.shape[1])
    np.testing.assert_array_equal(model.classes_, [0, 1, 2])
    assert abs(model.intercept_.sum()) < 1e-12  # reported summing to 0, as in memory
    assert model.null_loss_ == pytest.approx(memory.null_loss_, rel=1e-12)
    assert model.dual_gap_ <= 1e-13
    Xd = dask_of(X, y, w)[0]
    proba = model.predict_proba(Xd)
    assert isinstance(proba, da.Array)
    np.testing.assert_allclose(proba.compute(), memory.predict_proba(X), rtol=1e-6, atol=1e-9)
    np.testing.assert_array_equal(model.predict(Xd).compute(), memory.predict(X))


@pytest.mark.parametrize("index", marked_indices(PARAMS))
def test_multinomial_equals_in_memory_to_1e8(index):
    memory, model = fits(index)
    close(model.coef_, memory.coef_)
    close(model.intercept_, memory.intercept_, scale=10.0)


def test_multinomial_l2_equals_scikit_learn():
    X, y, w = make_data(seed=1)
    model = sd.LogisticRegression(alpha=0.01, tol=TOL).fit(*dask_of(X, y, w))
    oracle = SklearnLogistic(C=1.0 / (0.01 * w.sum()), tol=1e-14, solver="newton-cg",
                             max_iter=10_000).fit(X, y, sample_weight=w)
    close(model.coef_, oracle.coef_)
    close(model.intercept_, oracle.intercept_ - oracle.intercept_.mean(), scale=10.0)


def test_multinomial_string_labels_from_a_dataframe_and_what_is_refused():
    X, y, w = make_data(n=900, seed=2, offset=0.0)
    labels = np.array(["ant", "bee", "cat"])[y]
    frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])])
    frame["label"] = labels
    df = dd.from_pandas(frame, npartitions=3)
    model = sd.LogisticRegression(alpha=0.01, l1_ratio=1.0, tol=TOL).fit(
        df[list(frame.columns[:-1])], df["label"])
    memory = sk.LogisticRegression(alpha=0.01, l1_ratio=1.0, tol=TOL).fit(
        frame[frame.columns[:-1]], labels)
    assert list(model.classes_) == ["ant", "bee", "cat"]
    close(model.coef_, memory.coef_)
    close(model.intercept_, memory.intercept_)
    assert list(model.predict(df[list(frame.columns[:-1])]).compute()[:5]) == list(
        memory.predict(frame[frame.columns[:-1]])[:5])
    Xd, yd, _ = dask_of(X, y, w)
    with pytest.raises(ValueError, match="not in its path or CV"):
        sd.LogisticRegressionCV(cv=2, alphas=3).fit(Xd, yd)
    with pytest.raises(ValueError, match="grouped"):
        sd.LogisticRegression(multinomial_penalty="grouped").fit(Xd, yd)
