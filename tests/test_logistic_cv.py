"""LogisticRegressionCV: fold errors recomputed by hand, the min and 1-SE
rules, scorers, the refit, multiclass data and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import logsumexp
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from shrinkage import regularization_path
from shrinkage.linear_model import LogisticRegression
from shrinkage.model_selection import LogisticRegressionCV

FAST = {"alphas": 20, "eps": 1e-2, "standardize": True}


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    model = LogisticRegressionCV(cv=cv, **FAST).fit(X, y)
    return X, y, cv, model


def test_fold_errors_equal_a_fold_by_hand(cancer):
    X, y, cv, model = cancer
    results = model.cv_results_
    assert results["scoring"] == "deviance"
    assert results["fold_errors"].shape == (1, 20, 5)
    np.testing.assert_allclose(results["alphas"][0], model.alphas_)
    train, test = list(cv.split(X, y))[2]
    path = regularization_path(
        X[train], y[train], loss="logistic", alphas=model.alphas_, standardize=True
    )
    eta = X[test] @ path.coefs + path.intercepts
    sign = np.where(y[test] == 1, 1.0, -1.0)[:, None]
    deviance = 2 * np.logaddexp(0.0, -sign * eta).mean(axis=0)
    np.testing.assert_allclose(results["fold_errors"][0, :, 2], deviance, rtol=1e-10)
    np.testing.assert_allclose(results["mean_error"][0], results["fold_errors"][0].mean(axis=1))
    np.testing.assert_array_equal(results["fold_sizes"], [len(t) for _, t in cv.split(X, y)])


def test_rules_and_refit(cancer):
    X, y, cv, model = cancer
    assert model.alpha_1se_ >= model.alpha_min_
    assert model.alpha_ == model.alpha_min_
    k = int(np.flatnonzero(model.alphas_ == model.alpha_)[0])
    assert k == int(np.argmin(model.cv_results_["mean_error"][0]))
    np.testing.assert_allclose(model.coef_, model.path_.coefs[:, k][None, :])
    np.testing.assert_allclose(model.intercept_, [model.path_.intercepts[k]])
    assert model.coef_.shape == (1, X.shape[1]) and model.intercept_.shape == (1,)
    assert model.dual_gap_ == model.path_.dual_gaps[k] and model.path_.converged.all()
    np.testing.assert_array_equal(model.classes_, [0, 1])
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba, model.path_.predict_proba(X, model.alpha_))
    assert model.score(X, y) > 0.95
    one_se = LogisticRegressionCV(cv=cv, rule="1se", **FAST).fit(X, y)
    assert one_se.alpha_ == one_se.alpha_1se_ == model.alpha_1se_
    assert one_se.alpha_min_ == model.alpha_min_
    # the refit equals a single LogisticRegression at alpha_
    single = LogisticRegression(alpha=one_se.alpha_, l1_ratio=1.0, standardize=True, tol=1e-4)
    single.fit(X, y)
    np.testing.assert_allclose(one_se.predict_proba(X), single.predict_proba(X), atol=1e-3)


def test_accuracy_and_roc_auc_scoring(cancer):
    X, y, cv, _ = cancer
    acc = LogisticRegressionCV(cv=cv, scoring="accuracy", **FAST).fit(X, y)
    assert acc.cv_results_["scoring"] == "accuracy"
    errors = acc.cv_results_["fold_errors"]
    assert np.all((errors >= -1) & (errors <= 0))
    # at alpha_max the model predicts the majority class everywhere
    sizes = acc.cv_results_["fold_sizes"]
    folds = list(cv.split(X, y))
    majority = [-(y[test] == 1).mean() for _, test in folds]
    np.testing.assert_allclose(errors[0, 0], majority)
    auc = LogisticRegressionCV(cv=cv, scoring="roc_auc", **FAST).fit(X, y)
    train, test = folds[0]
    path = regularization_path(
        X[train], y[train], loss="logistic", alphas=auc.alphas_, standardize=True
    )
    k = 10
    expected = roc_auc_score(y[test], X[test] @ path.coefs[:, k] + path.intercepts[k])
    assert auc.cv_results_["fold_errors"][0, k, 0] == pytest.approx(-expected, rel=1e-8)
    assert len(sizes) == 5
    loss = LogisticRegressionCV(cv=cv, scoring="neg_log_loss", **FAST).fit(X, y)
    deviance = LogisticRegressionCV(cv=cv, **FAST).fit(X, y)
    # the log-loss is half the deviance per sample
    np.testing.assert_allclose(
        2 * loss.cv_results_["fold_errors"], deviance.cv_results_["fold_errors"], rtol=1e-6
    )


def test_multiclass_iris_and_several_l1_ratios():
    X, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    model = LogisticRegressionCV(
        cv=cv, l1_ratio=[0.5, 1.0], alphas=8, eps=0.05, standardize=True, n_jobs=2
    ).fit(X, names)
    assert model.coef_.shape == (3, 4) and model.intercept_.shape == (3,)
    assert model.cv_results_["fold_errors"].shape == (2, 8, 3)
    assert model.l1_ratio_ in (0.5, 1.0)
    k = int(np.flatnonzero(model.path_.alphas == model.alpha_)[0])
    np.testing.assert_allclose(model.coef_, model.path_.coefs[:, :, k].T)
    np.testing.assert_array_equal(model.classes_, ["setosa", "versicolor", "virginica"])
    assert model.score(X, names) > 0.9
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0)
    # a fold by hand: held-out multinomial deviance
    s = model.cv_results_["l1_ratio"].tolist().index(1.0)
    train, test = list(cv.split(X, names))[1]
    path = regularization_path(
        X[train], names[train], loss="logistic", alphas=model.cv_results_["alphas"][s],
        standardize=True,
    )
    eta = np.einsum("ij,jkm->ikm", X[test], path.coefs) + path.intercepts
    codes = np.searchsorted(model.classes_, names[test])
    per = logsumexp(eta, axis=1) - eta[np.arange(len(test)), codes, :]
    np.testing.assert_allclose(model.cv_results_["fold_errors"][s, :, 1], 2 * per.mean(axis=0),
                               rtol=1e-10)


def test_bad_input_gives_clear_errors():
    X, y = load_breast_cancer(return_X_y=True)
    X, y = X[:60], y[:60]
    with pytest.raises(ValueError, match="two classes"):
        LogisticRegressionCV(**FAST).fit(X, np.zeros(60))
    with pytest.raises(ValueError, match="not a known scoring"):
        LogisticRegressionCV(scoring="nonsense", **FAST).fit(X, y)
    with pytest.raises(ValueError, match="rule"):
        LogisticRegressionCV(rule="best", **FAST).fit(X, y)
    single_member = np.where(np.arange(60) < 1, 1, 0)  # one fold's training part misses it
    with pytest.raises(ValueError, match="fewer folds"), pytest.warns(UserWarning):
        LogisticRegressionCV(cv=5, **FAST).fit(X, single_member)
    with pytest.raises(ValueError):
        LogisticRegressionCV(cv=100, **FAST).fit(X, y)
    with pytest.raises(ValueError, match="continuous"):
        LogisticRegressionCV(**FAST).fit(X, X[:, 0])


def test_grouped_multinomial_cv_selects_whole_rows():
    X, y = load_iris(return_X_y=True)
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    model = LogisticRegressionCV(cv=cv, alphas=8, eps=0.05, standardize=True,
                                 multinomial_penalty="grouped").fit(X, y)
    nonzero = model.coef_ != 0  # (classes, features)
    assert np.all(nonzero.all(axis=0) == nonzero.any(axis=0))
    assert model.cv_results_["fold_errors"].shape == (1, 8, 3)
    assert model.alpha_ in model.path_.alphas
    np.testing.assert_array_equal(model.predict(X), model.predict_proba(X).argmax(axis=1))
