"""RidgeCV: exact leave-one-out, GCV and K-fold against brute force and sklearn."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_diabetes
from sklearn.linear_model import RidgeCV as SkRidgeCV
from sklearn.model_selection import GroupKFold, KFold
from sklearn.utils.estimator_checks import parametrize_with_checks

from shrinkage import Ridge
from shrinkage.model_selection import RidgeCV

ALPHAS = [30.0, 1.0, 0.03]


def _problem(n, p, *, seed=0, offset=3.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) + rng.uniform(-2, 2, p)
    y = X @ rng.standard_normal(p) + offset + rng.standard_normal(n)
    return X, y


def _brute_loo(X, y, alphas, sw=None, **ridge):
    """Squared held-out residuals from n separate refits per alpha."""
    n = len(y)
    out = np.empty((n, len(alphas)))
    for i in range(n):
        keep = np.arange(n) != i
        w = None if sw is None else sw[keep]
        for k, alpha in enumerate(alphas):
            model = Ridge(alpha=alpha, **ridge).fit(X[keep], y[keep], w)
            out[i, k] = (y[i] - model.predict(X[i : i + 1])[0]) ** 2
    return out


def _loo_case(name):
    rng = np.random.default_rng(42)
    X, y = _problem(20, 4, seed=1)
    sw, ridge = None, {}
    if name == "no_intercept":
        ridge = {"fit_intercept": False}
    elif name == "wide":
        X, y = _problem(12, 30, seed=2)
    elif name == "wide_no_intercept_weighted":
        X, y = _problem(12, 30, seed=3)
        sw, ridge = rng.uniform(0.2, 3.0, 12), {"fit_intercept": False}
    elif name == "weights":
        sw = rng.uniform(0.2, 3.0, 20)
    elif name == "zero_weights":
        sw = rng.uniform(0.2, 3.0, 20)
        sw[[3, 7]] = 0.0
    elif name == "penalty_factor":
        ridge = {"penalty_factor": rng.uniform(0.3, 3.0, 4)}
    elif name == "rank_deficient":
        X = np.column_stack([X, X[:, 0], X[:, 1] - X[:, 2], np.full(20, 5.0)])
    return X, y, sw, ridge


@pytest.mark.parametrize(
    "name",
    ["intercept", "no_intercept", "wide", "wide_no_intercept_weighted", "weights",
     "zero_weights", "penalty_factor", "rank_deficient"],
)
def test_loo_errors_equal_brute_force_refits(name):
    X, y, sw, ridge = _loo_case(name)
    model = RidgeCV(alphas=ALPHAS, **ridge).fit(X, y, sample_weight=sw)
    alphas = model.cv_results_["alphas"]
    expected = _brute_loo(X, y, alphas, sw, **ridge)
    got = model.cv_results_["loo_errors"]
    assert got.shape == (len(y), len(ALPHAS))
    np.testing.assert_allclose(got, expected, rtol=1e-8, atol=1e-12 * expected.max())
    # The reported error is the weighted mean of the squared held-out residuals.
    weights = np.ones(len(y)) if sw is None else sw
    np.testing.assert_allclose(model.cv_results_["mean_error"], weights @ expected / weights.sum(),
                               rtol=1e-8)


def test_standardize_holds_full_data_scales_fixed():
    X, y = _problem(20, 4, seed=4)
    X[:, 1] *= 50.0
    scale = X.std(axis=0)
    model = RidgeCV(alphas=ALPHAS, standardize=True).fit(X, y)
    expected = _brute_loo(X / scale, y, model.cv_results_["alphas"])
    np.testing.assert_allclose(model.cv_results_["loo_errors"], expected, rtol=1e-8)


@pytest.mark.parametrize("weighted", [False, True])
def test_gcv_equals_formula_with_explicit_hat_matrix(weighted):
    X, y = _problem(25, 6, seed=5)
    rng = np.random.default_rng(5)
    sw = rng.uniform(0.5, 2.0, 25) if weighted else None
    model = RidgeCV(alphas=ALPHAS, criterion="gcv").fit(X, y, sample_weight=sw)
    s = np.ones(25) if sw is None else sw
    root = np.sqrt(s)
    Z = root[:, None] * np.column_stack([np.ones(25), X])  # intercept column unpenalised
    expected = []
    for alpha in model.cv_results_["alphas"]:
        penalty = alpha * np.diag([0.0] + [1.0] * 6)
        H = Z @ np.linalg.solve(Z.T @ Z + penalty, Z.T)
        residual = root * y - H @ (root * y)  # = sqrt(s) (y - yhat)
        mse = residual @ residual / s.sum()
        expected.append(mse / (1.0 - np.trace(H) / 25) ** 2)
    np.testing.assert_allclose(model.cv_results_["mean_error"], expected, rtol=1e-10)
    assert "loo_errors" not in model.cv_results_
    assert np.isnan(model.alpha_1se_)


@pytest.mark.parametrize("data", ["diabetes", "seeded"])
def test_alpha_and_cv_results_match_sklearn(data):
    X, y = load_diabetes(return_X_y=True) if data == "diabetes" else _problem(80, 12, seed=6)
    alphas = np.logspace(-4, 3, 40)
    ours = RidgeCV(alphas=alphas).fit(X, y)
    theirs = SkRidgeCV(alphas=alphas, store_cv_results=True).fit(X, y)
    assert ours.alpha_ == theirs.alpha_
    np.testing.assert_allclose(ours.best_score_, theirs.best_score_, rtol=1e-10)
    # sklearn's cv_results_ is (n_samples, n_alphas) squared LOO residuals,
    # columns in the order given (increasing); ours are decreasing.
    assert theirs.cv_results_.shape == ours.cv_results_["loo_errors"].shape
    np.testing.assert_allclose(ours.cv_results_["loo_errors"][:, ::-1], theirs.cv_results_,
                               rtol=1e-8, atol=1e-12 * theirs.cv_results_.max())
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-8)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-8)


def test_weighted_loo_is_sklearns_rescaled():
    # sklearn stores s_i e_i^2 (raw weights) and averages over n; ours stores
    # e_i^2 and averages with the weights: the same alpha, the same residuals.
    X, y = _problem(60, 8, seed=7)
    sw = np.random.default_rng(7).uniform(0.2, 4.0, 60)
    alphas = np.logspace(-3, 3, 30)
    ours = RidgeCV(alphas=alphas).fit(X, y, sample_weight=sw)
    theirs = SkRidgeCV(alphas=alphas, store_cv_results=True).fit(X, y, sample_weight=sw)
    assert ours.alpha_ == theirs.alpha_
    np.testing.assert_allclose(sw[:, None] * ours.cv_results_["loo_errors"][:, ::-1],
                               theirs.cv_results_, rtol=1e-8)


def test_scorer_on_loo_predictions_matches_sklearn():
    X, y = load_diabetes(return_X_y=True)
    alphas = np.logspace(-4, 3, 40)
    ours = RidgeCV(alphas=alphas, scoring="neg_mean_absolute_error").fit(X, y)
    theirs = SkRidgeCV(alphas=alphas, scoring="neg_mean_absolute_error").fit(X, y)
    assert ours.alpha_ == theirs.alpha_
    np.testing.assert_allclose(ours.best_score_, theirs.best_score_, rtol=1e-10)


def _brute_kfold(X, y, alphas, folds, sw=None, **ridge):
    errors = np.empty((len(alphas), len(folds)))
    for f, (train, test) in enumerate(folds):
        for k, alpha in enumerate(alphas):
            w = None if sw is None else sw[train]
            pred = Ridge(alpha=alpha, **ridge).fit(X[train], y[train], w).predict(X[test])
            errors[k, f] = np.average((y[test] - pred) ** 2,
                                      weights=None if sw is None else sw[test])
    return errors


@pytest.mark.parametrize("setting", ["plain", "weights", "unpenalised_feature", "wide"])
def test_kfold_errors_equal_brute_force(setting):
    X, y = _problem(40, 30 if setting == "wide" else 5, seed=8)
    sw, ridge = None, {}
    if setting == "weights":
        sw = np.random.default_rng(8).uniform(0.3, 3.0, 40)
    if setting == "unpenalised_feature":
        ridge = {"penalty_factor": [0.0, 1.0, 2.0, 0.5, 1.0]}
    cv = KFold(5, shuffle=True, random_state=0)
    model = RidgeCV(alphas=ALPHAS, cv=cv, **ridge).fit(X, y, sample_weight=sw)
    folds = list(cv.split(X))
    expected = _brute_kfold(X, y, model.cv_results_["alphas"], folds, sw, **ridge)
    np.testing.assert_allclose(model.cv_results_["fold_errors"], expected, rtol=1e-8)
    np.testing.assert_allclose(model.cv_results_["mean_error"], expected.mean(axis=1), rtol=1e-8)
    assert model.cv_results_["criterion"] == "kfold"


def test_group_kfold_uses_the_groups():
    X, y = _problem(36, 4, seed=9)
    groups = np.repeat(np.arange(6), 6)
    cv = GroupKFold(3)
    model = RidgeCV(alphas=ALPHAS, cv=cv, n_jobs=2).fit(X, y, groups=groups)
    folds = list(cv.split(X, y, groups))
    for _, test in folds:  # no group is split between train and test
        assert len(np.unique(groups[test])) == 2
    expected = _brute_kfold(X, y, model.cv_results_["alphas"], folds)
    np.testing.assert_allclose(model.cv_results_["fold_errors"], expected, rtol=1e-8)


@pytest.mark.parametrize("cv", [None, 5])
def test_one_se_rule_picks_the_largest_alpha_within_one_se(cv):
    X, y = _problem(50, 10, seed=10)
    alphas = np.logspace(-3, 3, 60)
    model = RidgeCV(alphas=alphas, cv=cv, rule="1se").fit(X, y)
    res = model.cv_results_
    if cv is None:  # the SE of the mean of the per-sample squared LOO errors
        loo = res["loo_errors"]
        np.testing.assert_allclose(res["standard_error"],
                                   loo.std(axis=0, ddof=1) / np.sqrt(50), rtol=1e-12)
    else:
        folds = res["fold_errors"]
        np.testing.assert_allclose(res["standard_error"],
                                   folds.std(axis=1, ddof=1) / np.sqrt(5), rtol=1e-12)
    best = int(np.argmin(res["mean_error"]))
    threshold = res["mean_error"][best] + res["standard_error"][best]
    expected = max(a for a, e in zip(res["alphas"], res["mean_error"], strict=True)
                   if e <= threshold)
    assert model.alpha_1se_ == expected == model.alpha_
    assert model.alpha_min_ == res["alphas"][best] < model.alpha_1se_
    assert model.best_score_ == -res["mean_error"][res["alphas"] == model.alpha_][0]


@pytest.mark.parametrize(
    ("setting", "fit_args"),
    [({}, {}), ({"standardize": True, "penalty_factor": [1.0, 2.0, 0.5, 1.0, 3.0]}, {"w": 1}),
     ({"fit_intercept": False, "cv": 4}, {}), ({"cv": 3, "penalty_factor": [0, 1, 1, 1, 1]}, {})],
)
def test_final_model_equals_ridge_at_alpha(setting, fit_args):
    X, y = _problem(40, 5, seed=11)
    sw = np.random.default_rng(11).uniform(0.5, 2.0, 40) if fit_args else None
    model = RidgeCV(**setting).fit(X, y, sample_weight=sw)
    options = {k: v for k, v in setting.items() if k != "cv"}
    ridge = Ridge(alpha=model.alpha_, **options).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(model.coef_, ridge.coef_, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(model.intercept_, ridge.intercept_, rtol=1e-8, atol=1e-12)
    # path_ is stored on the Elastic-Net scale: alpha / sum of the weights.
    weight_sum = 40.0 if sw is None else sw.sum()
    np.testing.assert_allclose(model.path_.alphas, model.cv_results_["alphas"] / weight_sum)
    k = int(np.flatnonzero(model.cv_results_["alphas"] == model.alpha_)[0])
    np.testing.assert_allclose(model.path_.coefs[:, k], model.coef_)


@pytest.mark.parametrize("weighted", [False, True])
def test_default_grid_spans_from_null_to_least_squares(weighted):
    X, y = _problem(30, 6, seed=12)
    sw = np.random.default_rng(12).uniform(0.5, 2.0, 30) if weighted else None
    s = np.ones(30) if sw is None else sw
    mean = s @ X / s.sum()
    top = np.linalg.svd(np.sqrt(s)[:, None] * (X - mean), compute_uv=False)[0] ** 2
    for cv in (None, 3):
        alphas = RidgeCV(n_alphas=9, cv=cv).fit(X, y, sample_weight=sw).cv_results_["alphas"]
        np.testing.assert_allclose(alphas, top * np.logspace(2, -6, 9), rtol=1e-9)
    null = Ridge(alpha=top * 100).fit(X, y, sw)
    assert np.linalg.norm(null.coef_) < 0.02 * np.linalg.norm(Ridge(alpha=0).fit(X, y, sw).coef_)


def test_sparse_input():
    rng = np.random.default_rng(13)
    Xs = sp.random(60, 15, density=0.3, format="csr", random_state=13)
    y = Xs @ rng.standard_normal(15) + 1.0 + 0.1 * rng.standard_normal(60)
    dense = RidgeCV(alphas=ALPHAS).fit(Xs.toarray(), y)
    loo = RidgeCV(alphas=ALPHAS).fit(Xs, y)  # small: densified for the SVD
    np.testing.assert_allclose(loo.cv_results_["loo_errors"], dense.cv_results_["loo_errors"],
                               rtol=1e-10)
    cv = KFold(4, shuffle=True, random_state=1)
    kfold_dense = RidgeCV(alphas=ALPHAS, cv=cv).fit(Xs.toarray(), y)
    kfold_sparse = RidgeCV(alphas=ALPHAS, cv=cv).fit(Xs, y)  # conjugate gradients
    np.testing.assert_allclose(kfold_sparse.cv_results_["fold_errors"],
                               kfold_dense.cv_results_["fold_errors"], rtol=1e-7)
    exact = Ridge(alpha=kfold_sparse.alpha_, solver="cholesky").fit(Xs, y)
    np.testing.assert_allclose(kfold_sparse.coef_, exact.coef_, rtol=1e-7, atol=1e-10)


def test_large_sparse_loo_asks_for_kfold():
    X = sp.random(20_000, 600, density=1e-4, format="csc", random_state=0)
    y = np.arange(20_000.0)
    with pytest.raises(ValueError, match="cv=5"):
        RidgeCV().fit(X, y)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"alphas": [1.0, 0.0]}, "finite number > 0"),
        ({"alphas": [1.0, -2.0]}, "finite number > 0"),
        ({"alphas": [1.0, np.nan]}, "finite number > 0"),
        ({"cv": 50}, "cv <= 20"),
        ({"rule": "best"}, "rule must be 'min'"),
        ({"criterion": "aic"}, "criterion must be one of"),
        ({"criterion": "gcv", "rule": "1se"}, "K-fold cv"),
        ({"scoring": "r2", "rule": "1se"}, "K-fold cv"),
        ({"criterion": "gcv", "cv": 5}, "cv=None"),
        ({"penalty_factor": [0.0, 1.0, 1.0]}, "cv=5"),
        ({"penalty_factor": [1.0, -1.0, 1.0]}, "penalty_factor must be finite and >= 0"),
        ({"n_alphas": 0}, "n_alphas must be an integer >= 1"),
        ({"scoring": "not_a_scorer"}, "not a scikit-learn scorer"),
    ],
)
def test_bad_input_names_the_fix(params, match):
    X, y = _problem(20, 3, seed=14)
    with pytest.raises(ValueError, match=match):
        RidgeCV(**params).fit(X, y)


def test_one_target_only():
    X, y = _problem(20, 3, seed=15)
    with pytest.raises(ValueError, match="one target"):
        RidgeCV().fit(X, np.column_stack([y, y]))
    with pytest.warns(UserWarning, match="column-vector"):
        column = RidgeCV().fit(X, y[:, None])
    np.testing.assert_allclose(column.coef_, RidgeCV().fit(X, y).coef_)


# GCV's 1 - tr(H) / n_+ counts samples of positive weight, so a sample
# repeated twice is not the same as one weighted 2 (the LOO and K-fold
# instances pass that check on sklearn's data; their choice could move too).
_GCV_COUNTS_ROWS = {
    "check_sample_weight_equivalence_on_dense_data": "GCV: n_+ counts rows, not weight",
    "check_sample_weight_equivalence_on_sparse_data": "GCV: n_+ counts rows, not weight",
}


def _expected_failures(estimator):
    return _GCV_COUNTS_ROWS if estimator.criterion == "gcv" else {}


@parametrize_with_checks(
    [RidgeCV(), RidgeCV(cv=3), RidgeCV(criterion="gcv", standardize=True)],
    expected_failed_checks=_expected_failures,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
