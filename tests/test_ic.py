"""LassoIC: scikit-learn's LassoLarsIC as the oracle of the criterion."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Lasso as SkLasso
from sklearn.linear_model import LassoLarsIC

from conftest import make_regression
from shrinkage import LassoIC


@pytest.mark.parametrize("criterion", ["aic", "bic"])
def test_noise_variance_and_criterion_match_lasso_lars_ic(criterion):
    X, y = load_diabetes(return_X_y=True)
    ref = LassoLarsIC(criterion=criterion).fit(X, y)
    # Between two lars breakpoints the support is unambiguous: compare there.
    knots = ref.alphas_[ref.alphas_ > 0]
    mids = np.sqrt(knots[:-1] * knots[1:])
    ours = LassoIC(criterion, alphas=mids, tol=1e-12, max_iter=100_000).fit(X, y)
    assert ours.noise_variance_ == pytest.approx(ref.noise_variance_, rel=1e-10)
    n = len(y)
    k = 2.0 if criterion == "aic" else np.log(n)
    for j, alpha in enumerate(ours.alphas_):
        fit = SkLasso(alpha=alpha, tol=1e-12, max_iter=100_000).fit(X, y)
        rss = np.sum((y - fit.predict(X)) ** 2)
        df = np.count_nonzero(fit.coef_)
        expected = n * np.log(2 * np.pi * ref.noise_variance_) + rss / ref.noise_variance_ + k * df
        assert ours.criterion_[j] == pytest.approx(expected, rel=1e-9)
    assert ours.alpha_ == ours.alphas_[np.argmin(ours.criterion_)]
    np.testing.assert_array_equal(ours.coef_, ours.path_.coefs[:, np.argmin(ours.criterion_)])


def test_bic_is_sparser_than_aic_on_a_sparse_truth():
    X, y = make_regression(200, 30, n_informative=4, noise=1.0, seed=3)
    aic = LassoIC("aic").fit(X, y)
    bic = LassoIC("bic").fit(X, y)
    assert bic.alpha_ >= aic.alpha_
    assert np.count_nonzero(bic.coef_) <= np.count_nonzero(aic.coef_)
    assert set(np.flatnonzero(bic.coef_)) >= {0, 1, 2, 3}


def test_wide_data_uses_the_cross_validated_variance_estimate():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 200))
    y = X[:, :5] @ np.ones(5) + 0.5 * rng.standard_normal(60)
    model = LassoIC("bic").fit(X, y)
    # The true noise variance is 0.25: the estimate is the right size, where
    # least squares (which interpolates) would give 0.
    assert 0.05 < model.noise_variance_ < 1.0
    assert set(np.flatnonzero(model.coef_)) >= {0, 1, 2, 3, 4}


def test_given_noise_variance_is_used_and_checked():
    X, y = load_diabetes(return_X_y=True)
    model = LassoIC(noise_variance=3000.0, alphas=20).fit(X, y)
    assert model.noise_variance_ == 3000.0
    expected = model.path_.information_criterion("aic", 3000.0)
    np.testing.assert_allclose(model.criterion_, expected)
    for bad in (-1.0, 0.0, np.nan):
        with pytest.raises(ValueError, match="noise_variance"):
            LassoIC(noise_variance=bad).fit(X, y)
    with pytest.raises(ValueError, match="criterion"):
        LassoIC("cp").fit(X, y)


def test_integer_weights_are_repetitions():
    X, y = make_regression(40, 5, seed=1)
    w = np.random.default_rng(1).integers(0, 3, len(y))
    weighted = LassoIC("bic", tol=1e-12).fit(X, y, sample_weight=w)
    repeated = LassoIC("bic", tol=1e-12).fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    assert weighted.noise_variance_ == pytest.approx(repeated.noise_variance_, rel=1e-9)
    np.testing.assert_allclose(weighted.criterion_, repeated.criterion_, rtol=1e-9)
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-8)
