"""LassoCV / ElasticNetCV: scikit-learn as the oracle, the selection rules
by hand, and the options scikit-learn does not have."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import linear_model as skl
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GroupKFold, KFold

from conftest import make_regression
from shrinkage import ElasticNetCV, Lasso, LassoCV, regularization_path
from shrinkage.model_selection import choose, standard_error

TIGHT = {"tol": 1e-12, "max_iter": 100_000}


def _sklearn(cls, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return cls(**kwargs)


@pytest.mark.parametrize("sparse", [False, True])
def test_lasso_cv_reproduces_sklearn(sparse):
    X, y = load_diabetes(return_X_y=True) if not sparse else make_regression(
        150, 30, density=0.2, seed=3
    )
    folds = KFold(5, shuffle=True, random_state=0)
    ours = LassoCV(cv=folds, **TIGHT).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = skl.LassoCV(cv=folds, tol=1e-12, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(ours.alphas_, ref.alphas_, rtol=1e-12)
    np.testing.assert_allclose(ours.mse_path_, ref.mse_path_, rtol=1e-6)
    # The same grid point is chosen (the grids agree to rtol=1e-12, not bit for bit).
    (index,) = np.flatnonzero(ours.alphas_ == ours.alpha_)
    assert np.flatnonzero(ref.alphas_ == ref.alpha_).tolist() == [index]
    assert ours.alpha_ == pytest.approx(ref.alpha_, rel=1e-12)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6 * np.abs(ref.coef_).max())
    assert ours.intercept_ == pytest.approx(ref.intercept_, rel=1e-6)
    assert ours.cv_results_["fold_errors"].shape == (1, 100, 5)


def test_elastic_net_cv_reproduces_sklearn_over_l1_ratio_grid():
    X, y = make_regression(120, 15, seed=1)
    folds = KFold(4, shuffle=True, random_state=1)
    l1_ratios = [0.1, 0.5, 0.9, 1.0]
    ours = ElasticNetCV(l1_ratio=l1_ratios, cv=folds, alphas=40, **TIGHT).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = skl.ElasticNetCV(
            l1_ratio=l1_ratios, cv=folds, alphas=40, tol=1e-12, max_iter=100_000
        ).fit(X, y)
    np.testing.assert_allclose(ours.alphas_, ref.alphas_, rtol=1e-12)
    np.testing.assert_allclose(ours.mse_path_, ref.mse_path_, rtol=1e-6)
    assert (ours.alpha_, ours.l1_ratio_) == (ref.alpha_, ref.l1_ratio_)
    assert ours.path_.l1_ratio == ours.l1_ratio_


def test_sample_weights_enter_every_fold_like_sklearn():
    X, y = make_regression(90, 10, seed=4)
    sw = np.random.default_rng(0).uniform(0.5, 2.0, len(y))
    folds = KFold(3, shuffle=True, random_state=2)
    ours = LassoCV(cv=folds, alphas=20, **TIGHT).fit(X, y, sample_weight=sw)
    ref = skl.LassoCV(cv=folds, alphas=20, tol=1e-12, max_iter=100_000).fit(
        X, y, sample_weight=sw
    )
    np.testing.assert_allclose(ours.mse_path_, ref.mse_path_, rtol=1e-6)
    # The grids agree to rounding (weights normalised before, not after, X'y).
    assert ours.alpha_ == pytest.approx(ref.alpha_, rel=1e-13)


def test_one_standard_error_rule_on_a_hand_computed_curve():
    alphas = np.array([10.0, 5.0, 2.0, 1.0, 0.5])
    mean = np.array([5.0, 3.0, 2.2, 2.0, 2.1])
    se = np.array([0.3, 0.3, 0.3, 0.25, 0.3])
    choice = choose(mean, se, alphas)
    # The minimum is at alpha=1; within 2.0 + 0.25 lie alpha=2, 1 and 0.5.
    # The rule takes the LARGEST of them (the simplest model): alpha=2, not 0.5.
    assert alphas[choice.index_min] == 1.0
    assert alphas[choice.index_1se] == 2.0
    # Ties at the minimum go to the larger alpha.
    assert choose(np.array([1.0, 1.0, 2.0]), np.zeros(3), np.array([3.0, 2.0, 1.0])).index_min == 0


def test_standard_error_is_sd_over_sqrt_k_and_skips_empty_folds():
    errors = np.array([[1.0, 2.0, 3.0, 6.0]])
    assert standard_error(errors)[0] == pytest.approx(np.std(errors, ddof=1) / 2.0)
    with_nan = np.array([[1.0, 2.0, np.nan, 6.0]])
    assert standard_error(with_nan)[0] == pytest.approx(np.std([1, 2, 6], ddof=1) / np.sqrt(3))


def test_rule_1se_estimator_agrees_with_its_cv_results():
    X, y = load_diabetes(return_X_y=True)
    model = LassoCV(cv=KFold(10, shuffle=True, random_state=0), rule="1se").fit(X, y)
    res = model.cv_results_
    mean, se, alphas = res["mean_error"][0], res["standard_error"][0], res["alphas"][0]
    k_min = int(np.argmin(mean))
    within = mean <= mean[k_min] + se[k_min]
    assert model.alpha_min_ == alphas[k_min]
    assert model.alpha_1se_ == alphas[within].max()
    assert model.alpha_ == model.alpha_1se_ > model.alpha_min_
    k = int(np.flatnonzero(model.path_.alphas == model.alpha_)[0])
    np.testing.assert_array_equal(model.coef_, model.path_.coefs[:, k])
    # The 1-SE model is sparser than (or as sparse as) the minimum's.
    assert np.count_nonzero(model.coef_) <= model.path_.df[k_min]


def test_groups_are_passed_to_the_splitter():
    X, y = make_regression(60, 8, seed=2)
    groups = np.repeat(np.arange(6), 10)
    model = LassoCV(cv=GroupKFold(3), alphas=10).fit(X, y, groups=groups)
    assert model.cv_results_["fold_errors"].shape == (1, 10, 3)
    np.testing.assert_array_equal(model.cv_results_["fold_sizes"], [20, 20, 20])
    with pytest.raises(ValueError, match="groups"):
        LassoCV(cv=GroupKFold(3)).fit(X, y)


def test_any_sklearn_scorer_and_brute_force_fold_errors():
    X, y = make_regression(80, 10, seed=6)
    folds = list(KFold(4, shuffle=True, random_state=3).split(X))
    model = LassoCV(cv=folds, alphas=8, scoring="r2", **TIGHT).fit(X, y)
    errors = model.cv_results_["fold_errors"][0]
    for f, (train, test) in enumerate(folds):
        path = regularization_path(X[train], y[train], alphas=model.alphas_, **TIGHT)
        for k in (0, 4, 7):
            pred = path.predict(X[test], path.alphas[k])
            r2 = 1 - ((y[test] - pred) ** 2).sum() / ((y[test] - y[test].mean()) ** 2).sum()
            assert errors[k, f] == pytest.approx(-r2, rel=1e-8)
    assert model.cv_results_["scoring"] == "r2"
    assert not hasattr(model, "mse_path_")


def test_parallel_folds_give_the_same_answer():
    X, y = make_regression(100, 40, seed=8)
    one = ElasticNetCV(l1_ratio=[0.5, 1.0], cv=4, n_jobs=1).fit(X, y)
    two = ElasticNetCV(l1_ratio=[0.5, 1.0], cv=4, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(one.cv_results_["fold_errors"], two.cv_results_["fold_errors"])
    np.testing.assert_array_equal(one.coef_, two.coef_)


def test_sparse_and_dense_cv_agree():
    X, y = make_regression(100, 30, density=0.3, seed=9)
    dense = LassoCV(cv=3, alphas=15, **TIGHT).fit(X.toarray(), y)
    sparse = LassoCV(cv=3, alphas=15, **TIGHT).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(sparse.mse_path_, dense.mse_path_, rtol=1e-8)
    assert sparse.alpha_ == dense.alpha_


def test_relaxed_cv_chooses_gamma_and_uses_the_mix():
    X, y = make_regression(120, 40, n_informative=4, noise=0.5, seed=10)
    model = LassoCV(cv=5, relax=True, gammas=[0.0, 0.5, 1.0]).fit(X, y)
    res = model.cv_results_
    assert res["fold_errors"].shape[0] == 3
    assert set(res["gamma"]) == {0.0, 0.5, 1.0}
    best = int(np.argmin(res["mean_error"].min(axis=1)))
    assert model.gamma_ == res["gamma"][best]
    expected = model.path_.coef_at(model.alpha_, gamma=model.gamma_)
    np.testing.assert_allclose(model.coef_, expected)
    # With few strong features, relaxing removes the shrinkage bias.
    assert model.gamma_ < 1.0


def test_standardize_and_penalty_factors_reach_the_folds():
    X, y = make_regression(80, 10, seed=11)
    X = X * np.linspace(0.1, 10, 10)
    factor = np.r_[0.0, np.ones(9)]
    model = LassoCV(cv=3, standardize=True, penalty_factor=factor, **TIGHT).fit(X, y)
    ref = Lasso(alpha=model.alpha_, standardize=True, penalty_factor=factor, **TIGHT).fit(X, y)
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-8)
    assert model.coef_[0] != 0


@pytest.mark.parametrize(
    ("estimator", "match"),
    [
        (LassoCV(cv=200), "cv=200 folds need at least 200 samples"),
        (LassoCV(cv=1), "at least 2 folds"),
        (LassoCV(rule="best"), "rule must be 'min'"),
        (ElasticNetCV(l1_ratio=[0.5, 1.2]), r"\[0, 1\]"),
        (ElasticNetCV(l1_ratio=[-0.1]), r"\[0, 1\]"),
        (LassoCV(alphas=[1.0, -1.0]), "> 0"),
        (LassoCV(alphas=0), "n_alphas"),
        (LassoCV(eps=2.0), "strictly between 0 and 1"),
        (LassoCV(scoring="not_a_scorer"), "not a scikit-learn scorer"),
        (LassoCV(relax=True, gammas=[1.5]), "gammas"),
    ],
)
def test_bad_parameters_name_the_fix(estimator, match):
    X, y = make_regression(30, 5, seed=0)
    with pytest.raises(ValueError, match=match):
        estimator.fit(X, y)


def test_multi_target_y_is_refused():
    X, y = make_regression(30, 5, seed=0)
    with pytest.raises(ValueError, match="one target"):
        LassoCV().fit(X, np.c_[y, y])
