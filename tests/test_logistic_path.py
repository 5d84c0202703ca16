"""regularization_path(loss="logistic"): certificates, exact zeros at the top,
agreement with single fits and with scikit-learn, and the Path's methods."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import logsumexp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from shrinkage import regularization_path
from shrinkage.linear_model import LogisticRegression

TIGHT = {"tol": 1e-10, "max_iter": 1000}
GRID = {"n_alphas": 15, "eps": 1e-2}


def _binary(n=120, p=8, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    w = np.zeros(p)
    w[:3] = [1.5, -1.0, 0.7]
    y = (X @ w + 0.3 + rng.logistic(size=n) > 0).astype(int)
    return X, y


def _multiclass(n=150, p=6, k=3, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    W = np.zeros((p, k))
    W[:3] = rng.standard_normal((3, k))
    eta = X @ W
    P = np.exp(eta - logsumexp(eta, axis=1, keepdims=True))
    y = np.array([rng.choice(k, p=row) for row in P])
    return X, y


def _objective(X, codes, coef, intercept, alpha, l1_ratio, sample_weight=None):
    """shrinkage.LogisticRegression's objective, computed from scratch."""
    if coef.ndim == 1:
        eta = X @ coef + intercept
        loss = np.logaddexp(0.0, -np.where(codes == 1, 1.0, -1.0) * eta)
    else:
        eta = X @ coef + intercept
        loss = logsumexp(eta, axis=1) - eta[np.arange(len(codes)), codes]
    weights = np.ones(len(codes)) if sample_weight is None else sample_weight
    penalty = l1_ratio * np.abs(coef).sum() + (1 - l1_ratio) / 2 * np.sum(coef**2)
    return float(np.average(loss, weights=weights) + alpha * penalty)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_binary_path_certified_and_zero_at_the_top(l1_ratio):
    X, y = _binary()
    path = regularization_path(X, y, loss="logistic", l1_ratio=l1_ratio, **GRID, **TIGHT)
    assert path.loss == "logistic"
    np.testing.assert_array_equal(path.classes, [0, 1])
    assert path.coefs.shape == (X.shape[1], 15) and path.intercepts.shape == (15,)
    assert path.converged.all()
    assert path.alphas[0] == pytest.approx(path.alpha_max)
    assert path.df[0] == 0 and np.all(path.coefs[:, 0] == 0.0)
    assert path.df[1] > 0  # just below alpha_max a feature enters
    assert path.deviance[0] == pytest.approx(path.null_deviance)
    ratio = path.deviance_ratio
    assert np.all((ratio >= -1e-12) & (ratio <= 1.0))
    assert np.all(np.diff(ratio) >= -1e-10)
    # the intercept-only model predicts the class share
    share = y.mean()
    assert path.intercepts[0] == pytest.approx(np.log(share / (1 - share)), rel=1e-8)


@pytest.mark.parametrize("kind", ["binary", "multiclass"])
def test_each_point_equals_a_single_fit(kind):
    X, y = _binary() if kind == "binary" else _multiclass()
    l1_ratio = 0.8
    path = regularization_path(X, y, loss="logistic", l1_ratio=l1_ratio, **GRID, **TIGHT)
    for k in (1, 5, 10, 14):
        alpha = float(path.alphas[k])
        ours = _objective(X, y, path.coefs[..., k], path.intercepts[..., k], alpha, l1_ratio)
        single = LogisticRegression(alpha=alpha, l1_ratio=l1_ratio, tol=1e-12, max_iter=1000)
        single.fit(X, y)
        coef = single.coef_[0] if kind == "binary" else single.coef_.T
        ref = _objective(X, y, coef, single.intercept_[0] if kind == "binary"
                         else single.intercept_, alpha, l1_ratio)
        assert abs(ours - ref) <= 1e-6 * ref


@pytest.mark.parametrize("kind", ["binary", "multiclass"])
def test_objective_matches_sklearn_saga(kind):
    X, y = _binary() if kind == "binary" else _multiclass()
    l1_ratio = 0.5
    path = regularization_path(X, y, loss="logistic", l1_ratio=l1_ratio, **GRID, **TIGHT)
    n = X.shape[0]
    for k in (2, 7, 14):
        alpha = float(path.alphas[k])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sk = SkLogisticRegression(
                C=1.0 / (alpha * n), l1_ratio=l1_ratio, solver="saga", tol=1e-12,
                max_iter=20_000,
            ).fit(X, y)
        coef = sk.coef_[0] if kind == "binary" else sk.coef_.T
        intercept = sk.intercept_[0] if kind == "binary" else sk.intercept_
        ref = _objective(X, y, coef, intercept, alpha, l1_ratio)
        ours = _objective(X, y, path.coefs[..., k], path.intercepts[..., k], alpha, l1_ratio)
        # saga may stop above the optimum; ours is certified.
        assert ours <= ref * (1 + 1e-6)
        assert ours >= ref - 1e-4 * ref  # and the two describe the same problem


def test_multinomial_shapes_df_and_probabilities():
    X, y = _multiclass()
    path = regularization_path(X, y, loss="logistic", **GRID, **TIGHT)
    p, K = X.shape[1], 3
    assert path.coefs.shape == (p, K, 15) and path.intercepts.shape == (K, 15)
    assert path.converged.all()
    assert path.df[0] == 0 and np.all(path.coefs[..., 0] == 0.0)
    expected = np.count_nonzero(np.any(path.coefs != 0, axis=1), axis=0)
    np.testing.assert_array_equal(path.df, expected)
    np.testing.assert_allclose(path.intercepts.sum(axis=0), 0.0, atol=1e-10)
    assert np.all(np.diff(path.deviance_ratio) >= -1e-10)
    alpha = float(path.alphas[6])
    proba = path.predict_proba(X, alpha)
    assert proba.shape == (X.shape[0], K)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert path.predict(X).shape == (X.shape[0], K, 15)
    assert path.predict_proba(X).shape == (X.shape[0], K, 15)
    assert path.predict(X, [alpha, alpha / 2]).shape == (X.shape[0], K, 2)
    np.testing.assert_allclose(
        path.predict(X, alpha), X @ path.coef_at(alpha) + path.intercept_at(alpha)
    )
    np.testing.assert_allclose(
        path.predict(X)[..., 6], X @ path.coefs[..., 6] + path.intercepts[:, 6]
    )
    assert path.coef_at(alpha).shape == (p, K) and path.intercept_at(alpha).shape == (K,)
    assert list(path.entry_order()) == sorted(path.entry_order(), key=lambda j: np.argmax(
        np.any(path.coefs[j] != 0, axis=0)))


def test_binary_predictions_and_interpolation():
    X, y = _binary()
    path = regularization_path(X, y, loss="logistic", **GRID, **TIGHT)
    proba = path.predict_proba(X, float(path.alphas[5]))
    assert proba.shape == (X.shape[0], 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(path.predict(X)[:, 5], X @ path.coefs[:, 5] + path.intercepts[5])
    assert path.predict_proba(X).shape == (X.shape[0], 2, 15)
    mid = float(np.sqrt(path.alphas[4] * path.alphas[5]))
    t = (path.alphas[4] - mid) / (path.alphas[4] - path.alphas[5])
    np.testing.assert_allclose(
        path.coef_at(mid), (1 - t) * path.coefs[:, 4] + t * path.coefs[:, 5]
    )
    # exact=True refits at alpha
    exact = path.coef_at(mid, exact=True, X=X, y=y)
    single = LogisticRegression(alpha=mid, l1_ratio=1.0, **TIGHT).fit(X, y)
    np.testing.assert_allclose(exact, single.coef_[0], atol=1e-6)


@pytest.mark.parametrize("kind", ["binary", "multiclass"])
def test_dense_and_sparse_agree(kind):
    X, y = _binary() if kind == "binary" else _multiclass()
    X = np.where(np.abs(X) < 0.5, 0.0, X)
    dense = regularization_path(X, y, loss="logistic", standardize=True, **GRID, **TIGHT)
    sparse = regularization_path(
        sp.csr_matrix(X), y, loss="logistic", standardize=True, **GRID, **TIGHT
    )
    np.testing.assert_allclose(sparse.alphas, dense.alphas)
    # Dense X is solved on centred columns, sparse X as stored: at every
    # alpha both are certified, so their objectives (on the standardised
    # scale the gaps are measured on) differ by at most the sum of the gaps.
    assert sparse.converged.all() and dense.converged.all()
    scale = dense.x_scale
    codes = np.unique(y, return_inverse=True)[1]
    for k, alpha in enumerate(dense.alphas):
        f = [
            _objective(X / scale, codes, path.coefs[..., k] * (scale if path.coefs.ndim == 2
                       else scale[:, None]), path.intercepts[..., k], alpha, 1.0)
            for path in (dense, sparse)
        ]
        assert abs(f[0] - f[1]) <= dense.dual_gaps[k] + sparse.dual_gaps[k] + 1e-14
    np.testing.assert_allclose(sparse.predict(X), dense.predict(X), atol=1e-4)


def test_string_labels_give_the_numeric_path():
    X, y = _multiclass()
    names = np.array(["ant", "bee", "cat"])
    numeric = regularization_path(X, y, loss="logistic", **GRID, **TIGHT)
    strings = regularization_path(X, names[y], loss="logistic", **GRID, **TIGHT)
    np.testing.assert_array_equal(strings.classes, names)
    np.testing.assert_allclose(strings.coefs, numeric.coefs, atol=1e-12)
    Xb, yb = _binary()
    labels = np.array(["no", "yes"])[yb]
    path = regularization_path(Xb, labels, loss="logistic", **GRID, **TIGHT)
    np.testing.assert_array_equal(path.classes, ["no", "yes"])
    proba = path.predict_proba(Xb, float(path.alphas[-1]))
    # column 1 is "yes": it is higher on average where the label is "yes"
    assert proba[yb == 1, 1].mean() > proba[yb == 0, 1].mean()


def test_integer_weights_equal_repeated_rows():
    X, y = _binary(n=60)
    weights = np.random.default_rng(3).integers(1, 4, size=60).astype(float)
    weighted = regularization_path(X, y, loss="logistic", sample_weight=weights, **GRID, **TIGHT)
    rows = np.repeat(np.arange(60), weights.astype(int))
    repeated = regularization_path(X[rows], y[rows], loss="logistic", **GRID, **TIGHT)
    np.testing.assert_allclose(weighted.alphas, repeated.alphas)
    np.testing.assert_allclose(weighted.coefs, repeated.coefs, atol=1e-6)
    np.testing.assert_allclose(weighted.deviance_ratio, repeated.deviance_ratio, atol=1e-8)


def test_standardize_reports_original_scale_and_unpenalised_features():
    X, y = _binary()
    scale = np.array([1.0, 10.0, 0.1, 1.0, 2.0, 5.0, 1.0, 3.0])
    # (tol=1e-9: the rescaled problem reaches the gap 1e-10 only at rounding level)
    opts = {**GRID, "tol": 1e-9, "max_iter": 1000}
    base = regularization_path(X, y, loss="logistic", standardize=True, **opts)
    scaled = regularization_path(X * scale, y, loss="logistic", standardize=True, **opts)
    np.testing.assert_allclose(scaled.alphas, base.alphas)
    np.testing.assert_allclose(scaled.coefs * scale[:, None], base.coefs, atol=1e-7)
    factor = np.ones(8)
    factor[0] = 0.0
    free = regularization_path(X, y, loss="logistic", penalty_factor=factor, **GRID, **TIGHT)
    assert free.coefs[0, 0] != 0 and np.all(free.coefs[1:, 0] == 0)
    assert free.df[0] == 1 and free.converged.all()
    assert free.deviance[0] == pytest.approx(free.null_deviance)
    positive = regularization_path(X, y, loss="logistic", positive=True, **GRID, **TIGHT)
    assert positive.coefs.min() >= 0 and positive.converged.all()


def test_ridge_path_starts_from_glmnet_grid():
    X, y = _binary()
    ridge = regularization_path(X, y, loss="logistic", l1_ratio=0.0, **GRID, **TIGHT)
    lasso = regularization_path(X, y, loss="logistic", l1_ratio=1.0, **GRID, **TIGHT)
    assert ridge.alphas[0] == pytest.approx(lasso.alphas[0] / 1e-3)
    assert ridge.converged.all() and np.all(ridge.df == X.shape[1])


def test_default_eps_depends_on_shape():
    X, y = _binary(n=40, p=60)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        path = regularization_path(X, y, loss="logistic", n_alphas=10)
    assert path.alphas[-1] == pytest.approx(path.alphas[0] * 1e-2)
    X, y = _binary()
    path = regularization_path(X, y, loss="logistic", n_alphas=10)
    assert path.alphas[-1] == pytest.approx(path.alphas[0] * 1e-3)


def test_bad_input_messages():
    X, y = _binary()
    with pytest.raises(ValueError, match="single class"):
        regularization_path(X, np.zeros(len(y)), loss="logistic")
    with pytest.raises(ValueError, match="continuous"):
        regularization_path(X, X[:, 0], loss="logistic")
    with pytest.raises(ValueError, match="loss must be"):
        regularization_path(X, y, loss="hinge")
    with pytest.raises(ValueError, match="relax"):
        regularization_path(X, y, loss="logistic", relax=True)
    squared = regularization_path(X, y.astype(float), n_alphas=5)
    assert squared.loss == "squared" and squared.classes is None
    with pytest.raises(ValueError, match="loss='logistic'"):
        squared.predict_proba(X)
    logistic = regularization_path(X, y, loss="logistic", n_alphas=5)
    with pytest.raises(ValueError, match="squared"):
        logistic.information_criterion("aic", 1.0)


def test_grouped_multinomial_path():
    """Grouped: a feature's row enters (and stays) whole; each point is the estimator's."""
    X, y = _multiclass()
    path = regularization_path(
        X, y, loss="logistic", multinomial_penalty="grouped", n_alphas=8, eps=0.05, tol=1e-8,
    )
    assert path.converged.all()
    assert path.df[0] == 0 and not path.coefs[..., 0].any()
    assert path.df[-1] > 0
    nonzero = path.coefs != 0  # (features, classes, alphas)
    assert np.all(nonzero.all(axis=1) == nonzero.any(axis=1))  # rows are all-or-nothing
    k = 5
    alpha = float(path.alphas[k])
    model = LogisticRegression(alpha=alpha, l1_ratio=1.0, multinomial_penalty="grouped",
                               tol=1e-8, max_iter=1000).fit(X, y)
    codes = np.unique(y, return_inverse=True)[1]

    def objective(W, b):  # the grouped objective: a Euclidean norm per feature row
        eta = X @ W + b
        return float(np.mean(logsumexp(eta, axis=1) - eta[np.arange(len(codes)), codes])
                     + alpha * np.linalg.norm(W, axis=1).sum())

    f_path = objective(path.coefs[..., k], path.intercepts[..., k])
    f_model = objective(model.coef_.T, model.intercept_)
    # Both are certified to 1e-8 of the intercept-only loss (about 1.1 here).
    assert abs(f_path - f_model) <= 2.5e-8


def test_grouped_needs_the_logistic_loss():
    X, y = _binary()
    with pytest.raises(ValueError, match="loss='logistic'"):
        regularization_path(X, y.astype(float), multinomial_penalty="grouped")
    with pytest.raises(ValueError, match="'ungrouped' or 'grouped'"):
        regularization_path(X, y, loss="logistic", multinomial_penalty="rows")
