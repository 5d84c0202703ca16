"""Bad input gets a clear error that names the problem (and the fix)."""

from __future__ import annotations

import numpy as np
import pytest

import shrinkage

ESTIMATORS = [shrinkage.Lasso, shrinkage.ElasticNet, shrinkage.Ridge]


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 4))
    y = X @ np.array([1.0, -2.0, 0.0, 0.5]) + 0.1 * rng.standard_normal(20)
    return X, y


def _with(arr, index, value):
    out = np.array(arr, dtype=float)
    out[index] = value
    return out


@pytest.mark.parametrize("Est", ESTIMATORS)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_X_and_y(Est, bad, data):
    X, y = data
    with pytest.raises(ValueError, match=r"Input X contains (NaN|infinity)"):
        Est().fit(_with(X, (3, 1), bad), y)
    with pytest.raises(ValueError, match=r"Input y contains (NaN|infinity)"):
        Est().fit(X, _with(y, 5, bad))


@pytest.mark.parametrize("Est", ESTIMATORS)
@pytest.mark.parametrize(
    ("weights", "message"),
    [
        (lambda n: _with(np.ones(n), 0, np.nan), "NaN or inf"),
        (lambda n: _with(np.ones(n), 0, -1.0), ">= 0"),
        (lambda n: np.zeros(n), "all sample weights are zero"),
        (lambda n: np.ones(n + 1), r"shape \(20,\)"),
        (lambda n: np.array(["a"] * n), "numeric"),
    ],
)
def test_bad_sample_weight(Est, weights, message, data):
    X, y = data
    with pytest.raises((ValueError, TypeError), match=message):
        Est().fit(X, y, sample_weight=weights(len(y)))


@pytest.mark.parametrize("Est", ESTIMATORS)
def test_mismatched_lengths_and_empty(Est, data):
    X, y = data
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        Est().fit(X, y[:-1])
    with pytest.raises(ValueError, match="0 sample"):
        Est().fit(X[:0], y[:0])
    with pytest.raises(ValueError, match="0 feature"):
        Est().fit(X[:, :0], y)
    with pytest.raises(ValueError, match=r"could not convert|must be numeric|dtype"):
        Est().fit(np.array([["a", "b"]] * 20), y)


@pytest.mark.parametrize("Est", ESTIMATORS)
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"alpha": -1.0}, "alpha must be a finite number >= 0"),
        ({"alpha": np.nan}, "alpha must be a finite number >= 0"),
        ({"alpha": "big"}, "alpha must be a real number"),
        ({"tol": -1e-3}, "tol must be a number >= 0"),
        ({"max_iter": 0}, "max_iter must be an integer >= 1"),
        ({"penalty_factor": [1.0, -1.0, 1.0, 1.0]}, "penalty_factor must be finite and >= 0"),
        ({"penalty_factor": [1.0, 1.0]}, r"penalty_factor must be a scalar or have one entry"),
        ({"penalty_factor": [1.0, np.nan, 1.0, 1.0]}, "penalty_factor contains NaN"),
        ({"lower_bounds": 1.0, "upper_bounds": 0.5}, "must not exceed upper_bounds"),
        ({"lower_bounds": [0.5, -1, -1, -1]}, "bounds must contain 0"),
        ({"fit_intercept": "yes"}, "fit_intercept must be True or False"),
        ({"solver": "magic"}, "solver must be one of"),
    ],
)
def test_bad_parameters(Est, params, message, data):
    X, y = data
    with pytest.raises((ValueError, TypeError), match=message):
        Est(**params).fit(X, y)


@pytest.mark.parametrize("l1_ratio", [-0.1, 1.5, np.nan])
def test_l1_ratio_outside_unit_interval(l1_ratio, data):
    X, y = data
    with pytest.raises(ValueError, match=r"l1_ratio must lie in \[0, 1\]"):
        shrinkage.ElasticNet(l1_ratio=l1_ratio).fit(X, y)


@pytest.mark.parametrize("Est", ESTIMATORS)
def test_predict_checks_features(Est, data):
    X, y = data
    model = Est().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :3])


@pytest.mark.parametrize("Est", ESTIMATORS)
def test_degenerate_data_gives_finite_coefficients(Est):
    """Constant and duplicated columns, all-zero y, n=1: no NaN anywhere."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((15, 5))
    X[:, 1] = 3.0  # constant
    X[:, 2] = X[:, 0]  # duplicate
    for y in [np.zeros(15), X[:, 0] * 2.0]:
        for standardize in [False, True]:
            model = Est(alpha=0.1, standardize=standardize).fit(X, y)
            assert np.all(np.isfinite(model.coef_))
            assert np.isfinite(model.intercept_)
            assert model.coef_[1] == 0.0
    one = Est(alpha=0.1).fit(X[:1], np.array([2.0]))
    assert np.all(one.coef_ == 0) and one.intercept_ == 2.0
