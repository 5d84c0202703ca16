"""LogisticRegression: scikit-learn's objective, the certificate, options and bad input."""

from __future__ import annotations

import warnings
from functools import cache

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import log_softmax, logsumexp
from sklearn.datasets import load_breast_cancer, load_iris, load_wine
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import (
    check_sample_weight_equivalence_on_dense_data,
    check_sample_weight_equivalence_on_sparse_data,
)

from shrinkage._logistic_problem import logistic_alpha_max, make_logistic_problem
from shrinkage.linear_model import LogisticRegression
from shrinkage.penalties import ElasticNet as ElasticNetPenalty

RTOL = 1e-6
TIGHT = {"tol": 1e-10, "max_iter": 1000}


# -- data -------------------------------------------------------------------
@cache
def _breast_cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@cache
def _sparse_binary():
    rng = np.random.RandomState(0)
    X = sp.random(300, 80, density=0.1, random_state=rng, format="csr")
    w = rng.randn(80)
    y = (X @ w + 0.5 * rng.randn(300) > 0).astype(int)
    return X, y


@cache
def _wide_binary():
    rng = np.random.RandomState(1)
    X = rng.randn(40, 120)
    w = np.zeros(120)
    w[:5] = 2.0
    return X, (X @ w + rng.randn(40) > 0).astype(int)


@cache
def _sparse_multiclass():
    rng = np.random.RandomState(2)
    X = sp.random(300, 60, density=0.1, random_state=rng, format="csr")
    W = rng.randn(60, 3)
    return X, np.argmax(X @ W + 0.5 * rng.randn(300, 3), axis=1)


@cache
def _wide_multiclass():
    rng = np.random.RandomState(3)
    X = rng.randn(45, 100)
    W = np.zeros((100, 3))
    W[:6] = 2.0 * rng.randn(6, 3)
    return X, np.argmax(X @ W + rng.randn(45, 3), axis=1)


@cache
def _iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@cache
def _wine():
    X, y = load_wine(return_X_y=True)
    return StandardScaler().fit_transform(X), y


DATA = {
    "breast_cancer": _breast_cancer,
    "sparse": _sparse_binary,
    "wide": _wide_binary,
    "iris": _iris,
    "wine": _wine,
    "sparse_multiclass": _sparse_multiclass,
    "wide_multiclass": _wide_multiclass,
}


def objective(coef, intercept, X, y, alpha, l1_ratio, classes, sample_weight=None):
    """The documented objective, from coefficients alone (an independent oracle)."""
    coef = np.atleast_2d(np.asarray(coef, dtype=np.float64))
    scores = np.asarray(X @ coef.T) + np.asarray(intercept, dtype=np.float64)
    labels = np.searchsorted(classes, y)
    if coef.shape[0] == 1:
        sign = np.where(labels == 1, 1.0, -1.0)
        loss = np.logaddexp(0.0, -sign * scores[:, 0])
    else:
        loss = -log_softmax(scores, axis=1)[np.arange(len(y)), labels]
    s = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
    pen = l1_ratio * np.abs(coef).sum() + 0.5 * (1.0 - l1_ratio) * (coef**2).sum()
    return float(np.dot(s, loss) / s.sum() + alpha * pen)


def certified(model):
    return model.dual_gap_ <= model.tol * model.null_loss_


# -- scikit-learn's objective -------------------------------------------------
SAGA_MAX_ITER = 20_000


@pytest.mark.parametrize("l1_ratio", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("name", sorted(DATA))
def test_objective_matches_sklearn(name, l1_ratio):
    X, y = DATA[name]()
    alpha = 0.01
    ours = LogisticRegression(alpha=alpha, l1_ratio=l1_ratio, **TIGHT).fit(X, y)
    assert certified(ours)
    solver = "lbfgs" if l1_ratio == 0 else "saga"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = SkLogisticRegression(
            C=1.0 / (alpha * X.shape[0]), l1_ratio=l1_ratio, solver=solver, tol=1e-12,
            max_iter=SAGA_MAX_ITER,
        ).fit(X, y)
    assert ours.coef_.shape == ref.coef_.shape
    assert ours.intercept_.shape == ref.intercept_.shape
    mine = objective(ours.coef_, ours.intercept_, X, y, alpha, l1_ratio, ours.classes_)
    theirs = objective(ref.coef_, ref.intercept_, X, y, alpha, l1_ratio, ref.classes_)
    assert mine <= theirs * (1 + RTOL)
    if ref.n_iter_[0] < SAGA_MAX_ITER:  # the reference converged
        assert abs(mine - theirs) <= RTOL * theirs
        np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-3)


def test_objective_matches_liblinear_without_intercept():
    # liblinear penalises its intercept; without one it solves our problem.
    X, y = _breast_cancer()
    alpha = 0.005
    ours = LogisticRegression(alpha=alpha, l1_ratio=1.0, fit_intercept=False, **TIGHT).fit(X, y)
    ref = SkLogisticRegression(
        C=1.0 / (alpha * X.shape[0]), l1_ratio=1.0, solver="liblinear", fit_intercept=False,
        tol=1e-12, max_iter=10_000,
    ).fit(X, y)
    mine = objective(ours.coef_, 0.0, X, y, alpha, 1.0, ours.classes_)
    theirs = objective(ref.coef_, 0.0, X, y, alpha, 1.0, ref.classes_)
    assert mine <= theirs * (1 + RTOL)
    assert abs(mine - theirs) <= RTOL * theirs
    np.testing.assert_array_equal(ours.intercept_, [0.0])


def test_objective_with_weights_and_C_relation():
    # alpha = 1 / (C * sum(s)) with sample weights.
    X, y = _breast_cancer()
    sw = np.random.RandomState(3).uniform(0.5, 3.0, X.shape[0])
    alpha = 0.02
    ours = LogisticRegression(alpha=alpha, **TIGHT).fit(X, y, sample_weight=sw)
    ref = SkLogisticRegression(C=1.0 / (alpha * sw.sum()), l1_ratio=0.0, tol=1e-12,
                               max_iter=10_000).fit(X, y, sample_weight=sw)
    mine = objective(ours.coef_, ours.intercept_, X, y, alpha, 0.0, ours.classes_, sw)
    theirs = objective(ref.coef_, ref.intercept_, X, y, alpha, 0.0, ref.classes_, sw)
    assert abs(mine - theirs) <= RTOL * theirs
    # A gap of 1e-10 pins coefficients to ~sqrt(2 gap / alpha) ~ 1e-4.
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-4)


def test_fitted_attributes_like_sklearn():
    X, y = _breast_cancer()
    binary = LogisticRegression(alpha=0.01).fit(X, y)
    assert binary.coef_.shape == (1, X.shape[1])
    assert binary.intercept_.shape == (1,)
    assert binary.n_iter_.shape == (1,)
    assert binary.n_features_in_ == X.shape[1]
    assert binary.certificate_kind_ == "duality_gap"
    assert isinstance(binary.dual_gap_, float)
    assert certified(binary)
    Xi, yi = _iris()
    multi = LogisticRegression(alpha=0.01).fit(Xi, yi)
    assert multi.coef_.shape == (3, Xi.shape[1])
    assert multi.intercept_.shape == (3,)
    assert multi.intercept_.sum() == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_array_equal(multi.classes_, [0, 1, 2])
    assert certified(multi)


def test_null_loss_is_the_intercept_only_loss():
    X, y = _breast_cancer()
    model = LogisticRegression().fit(X, y)
    share = y.mean()
    entropy = -share * np.log(share) - (1 - share) * np.log(1 - share)
    assert model.null_loss_ == pytest.approx(entropy)
    assert LogisticRegression(fit_intercept=False).fit(X, y).null_loss_ == pytest.approx(np.log(2))


def test_feature_names_in():
    pd = pytest.importorskip("pandas")
    X, y = _iris()
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    model = LogisticRegression().fit(frame, y)
    np.testing.assert_array_equal(model.feature_names_in_, ["a", "b", "c", "d"])


# -- alpha_max -----------------------------------------------------------------
@pytest.mark.parametrize("name", ["breast_cancer", "iris", "sparse"])
def test_alpha_max_zeroes_the_model(name):
    X, y = DATA[name]()
    classes, labels = np.unique(y, return_inverse=True)
    problem = make_logistic_problem(
        sp.csc_matrix(X) if sp.issparse(X) else X, labels, len(classes), None,
        fit_intercept=True, standardize=False,
    )
    unit = ElasticNetPenalty(1.0, l1_ratio=1.0).per_feature(X.shape[1])
    alpha_max = logistic_alpha_max(problem, unit)
    assert alpha_max > 0
    for alpha in (alpha_max * (1 + 1e-9), 10 * alpha_max):
        model = LogisticRegression(alpha=alpha, l1_ratio=1.0, **TIGHT).fit(X, y)
        assert not model.coef_.any()
        assert certified(model)
    below = LogisticRegression(alpha=0.95 * alpha_max, l1_ratio=1.0, **TIGHT).fit(X, y)
    assert np.count_nonzero(below.coef_) >= 1


# -- options -----------------------------------------------------------------
def test_class_weight_balanced_equals_sample_weight():
    X, y = _wine()
    counts = np.bincount(y)
    sw = (len(y) / (len(counts) * counts))[y]
    balanced = LogisticRegression(alpha=0.01, class_weight="balanced", **TIGHT).fit(X, y)
    weighted = LogisticRegression(alpha=0.01, **TIGHT).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(balanced.coef_, weighted.coef_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(balanced.intercept_, weighted.intercept_, rtol=1e-6, atol=1e-8)


def test_class_weight_dict_and_sample_weight_multiply():
    X, y = _breast_cancer()
    sw = np.random.RandomState(0).randint(1, 4, len(y)).astype(float)
    cw = {0: 3.0, 1: 0.5}
    a = LogisticRegression(alpha=0.01, class_weight=cw, **TIGHT).fit(X, y, sample_weight=sw)
    b = LogisticRegression(alpha=0.01, **TIGHT).fit(
        X, y, sample_weight=sw * np.where(y == 0, 3.0, 0.5)
    )
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", ["breast_cancer", "iris"])
def test_integer_sample_weight_equals_repeating_rows(name):
    X, y = DATA[name]()
    sw = np.random.RandomState(1).randint(0, 4, len(y))
    Xr, yr = X.repeat(sw, axis=0), y.repeat(sw)
    kw = {"alpha": 0.01, "l1_ratio": 0.5, **TIGHT}
    weighted = LogisticRegression(**kw).fit(X, y, sample_weight=sw)
    repeated = LogisticRegression(**kw).fit(Xr, yr)
    ow = objective(weighted.coef_, weighted.intercept_, Xr, yr, 0.01, 0.5, weighted.classes_)
    orr = objective(repeated.coef_, repeated.intercept_, Xr, yr, 0.01, 0.5, repeated.classes_)
    assert ow == pytest.approx(orr, rel=1e-9)
    # Both certified to a gap of 1e-10: probabilities agree to ~1e-5.
    np.testing.assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X), atol=1e-4)


@pytest.mark.parametrize(
    "check",
    [check_sample_weight_equivalence_on_dense_data, check_sample_weight_equivalence_on_sparse_data],
)
def test_sklearn_sample_weight_check_when_converged(check):
    # At the default tol the L1 fits stop ~1e-5 apart in probability, above the
    # check's rtol=1e-7; converged, weights are exactly frequencies. (At
    # tol=1e-10 the sparse fits, solved on uncentred columns, still differed
    # by 1.2e-8 in one probability against the check's atol=1e-9.)
    model = LogisticRegression(l1_ratio=1.0, alpha=0.01, tol=1e-11, max_iter=1000)
    check("LogisticRegression", model)


@pytest.mark.parametrize("name", ["breast_cancer", "iris"])
def test_string_labels_same_model_as_integers(name):
    X, y = DATA[name]()
    names = np.array(["apple", "banana", "cherry"])[: len(np.unique(y))]
    ints = LogisticRegression(alpha=0.01, l1_ratio=0.5).fit(X, y)
    strs = LogisticRegression(alpha=0.01, l1_ratio=0.5).fit(X, names[y])
    np.testing.assert_array_equal(strs.classes_, names)
    np.testing.assert_array_equal(strs.coef_, ints.coef_)
    np.testing.assert_array_equal(strs.predict(X), names[ints.predict(X)])
    object_labels = LogisticRegression(alpha=0.01, l1_ratio=0.5).fit(X, names[y].astype(object))
    np.testing.assert_array_equal(object_labels.coef_, ints.coef_)


def test_positive_class_is_classes_1():
    X, y = _breast_cancer()
    flipped = np.where(y == 1, "yes", "aaa")  # "aaa" sorts first: classes_[1] == "yes"
    a = LogisticRegression(alpha=0.01).fit(X, y)
    b = LogisticRegression(alpha=0.01).fit(X, flipped)
    np.testing.assert_allclose(a.coef_, b.coef_)
    np.testing.assert_array_equal(b.classes_, ["aaa", "yes"])


@pytest.mark.parametrize("l1_ratio", [1.0, 0.3])
@pytest.mark.parametrize("name", ["breast_cancer", "iris"])
def test_standardize_equals_prescaled_fit(name, l1_ratio):
    X, y = DATA[name]()
    rng = np.random.RandomState(2)
    X_raw = X * rng.uniform(0.1, 10.0, X.shape[1]) + rng.uniform(-5, 5, X.shape[1])
    scaler = StandardScaler().fit(X_raw)
    kw = {"alpha": 0.02, "l1_ratio": l1_ratio, **TIGHT}
    std = LogisticRegression(standardize=True, **kw).fit(X_raw, y)
    pre = LogisticRegression(**kw).fit(scaler.transform(X_raw), y)
    # The same problem: std's coefficients on the standardised scale ...
    on_std = std.coef_ * scaler.scale_
    shift = std.intercept_ + std.coef_ @ scaler.mean_
    Xs = scaler.transform(X_raw)
    o_std = objective(on_std, shift, Xs, y, 0.02, l1_ratio, std.classes_)
    o_pre = objective(pre.coef_, pre.intercept_, Xs, y, 0.02, l1_ratio, pre.classes_)
    assert o_std == pytest.approx(o_pre, rel=1e-9)
    # ... and, to what the certificate guarantees, the same coefficients.
    np.testing.assert_allclose(on_std, pre.coef_, atol=2e-4)
    coef = pre.coef_ / scaler.scale_
    intercept = pre.intercept_ - coef @ scaler.mean_
    if len(std.classes_) > 2:
        intercept -= intercept.mean()
    np.testing.assert_allclose(std.intercept_, intercept, atol=2e-3)
    np.testing.assert_array_equal(std.coef_ == 0, pre.coef_ == 0)
    assert certified(std)


def test_standardize_bounds_are_on_the_original_scale():
    X, y = _breast_cancer()
    X_raw = X * np.linspace(0.1, 10, X.shape[1])
    model = LogisticRegression(alpha=0.001, standardize=True, lower_bounds=-0.05,
                               upper_bounds=0.05, **TIGHT).fit(X_raw, y)
    assert np.all(np.abs(model.coef_) <= 0.05 + 1e-12)
    assert np.isclose(np.abs(model.coef_).max(), 0.05)


def test_penalty_factor_zero_leaves_feature_unpenalised():
    X, y = _breast_cancer()
    factor = np.ones(X.shape[1])
    factor[3] = 0.0
    model = LogisticRegression(alpha=10.0, l1_ratio=1.0, penalty_factor=factor, **TIGHT).fit(X, y)
    nonzero = np.flatnonzero(model.coef_[0])
    np.testing.assert_array_equal(nonzero, [3])
    assert certified(model)


def test_positive_constrains_coefficients():
    X, y = _breast_cancer()
    free = LogisticRegression(alpha=0.001, **TIGHT).fit(X, y)
    assert (free.coef_ < 0).any()
    model = LogisticRegression(alpha=0.001, positive=True, **TIGHT).fit(X, y)
    assert np.all(model.coef_ >= 0)
    assert (model.coef_ > 0).any()
    assert certified(model)


def test_bounds_multinomial():
    X, y = _iris()
    model = LogisticRegression(alpha=0.001, lower_bounds=-1.0, upper_bounds=1.0,
                               **TIGHT).fit(X, y)
    assert np.all(np.abs(model.coef_) <= 1.0 + 1e-12)
    assert certified(model)


@pytest.mark.parametrize("name", ["breast_cancer", "iris"])
def test_float32_in_float32_out(name):
    X, y = DATA[name]()
    m64 = LogisticRegression(alpha=0.01, l1_ratio=0.5, **TIGHT).fit(X, y)
    m32 = LogisticRegression(alpha=0.01, l1_ratio=0.5, **TIGHT).fit(X.astype(np.float32), y)
    assert m32.coef_.dtype == np.float32
    assert m32.intercept_.dtype == np.float32
    np.testing.assert_allclose(m32.coef_, m64.coef_, rtol=1e-4, atol=1e-5)
    assert m32.predict_proba(X.astype(np.float32)).dtype == np.float32


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
@pytest.mark.parametrize("l1_ratio", [0.0, 1.0])
def test_sparse_equals_dense(fmt, l1_ratio):
    X, y = _sparse_binary()
    kw = {"alpha": 0.005, "l1_ratio": l1_ratio, **TIGHT}
    sparse = LogisticRegression(**kw).fit(X.asformat(fmt), y)
    dense = LogisticRegression(**kw).fit(X.toarray(), y)
    # Dense X is solved on centred columns, sparse X as stored: two routes to
    # one optimum, each certified; the certificates bound their distance.
    assert certified(sparse) and certified(dense)
    Xd = X.toarray()
    f_sparse = objective(sparse.coef_, sparse.intercept_, Xd, y, 0.005, l1_ratio, sparse.classes_)
    f_dense = objective(dense.coef_, dense.intercept_, Xd, y, 0.005, l1_ratio, dense.classes_)
    assert abs(f_sparse - f_dense) <= sparse.dual_gap_ + dense.dual_gap_ + 1e-15
    if l1_ratio < 1:
        mu = 0.005 * (1 - l1_ratio)  # strong convexity in the coefficients
        bound = np.sqrt(2 * sparse.dual_gap_ / mu) + np.sqrt(2 * dense.dual_gap_ / mu)
        assert np.linalg.norm(sparse.coef_ - dense.coef_) <= bound + 1e-12
    np.testing.assert_allclose(sparse.predict_proba(X), dense.predict_proba(Xd), atol=1e-4)


def test_sparse_standardize_multinomial():
    X, y = _iris()
    Xs = sp.csr_matrix(np.where(np.abs(X) < 0.5, 0.0, X))
    kw = {"alpha": 0.01, "l1_ratio": 1.0, "standardize": True, **TIGHT}
    a = LogisticRegression(**kw).fit(Xs, y)
    b = LogisticRegression(**kw).fit(Xs.toarray(), y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", ["breast_cancer", "iris"])
def test_predictions_consistent(name):
    X, y = DATA[name]()
    model = LogisticRegression(alpha=0.01).fit(X, y)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model.classes_[proba.argmax(axis=1)], model.predict(X))
    np.testing.assert_allclose(model.predict_log_proba(X), np.log(proba), atol=1e-12)
    scores = model.decision_function(X)
    if len(model.classes_) == 2:
        assert scores.shape == (X.shape[0],)
        np.testing.assert_array_equal(model.predict(X), model.classes_[(scores > 0).astype(int)])
        np.testing.assert_allclose(proba[:, 1], 1 / (1 + np.exp(-scores)))
    else:
        assert scores.shape == (X.shape[0], 3)
    assert model.score(X, y) == pytest.approx(np.mean(model.predict(X) == y))
    assert model.score(X, y) > 0.9


def test_log_proba_stable_for_huge_scores():
    X, y = _breast_cancer()
    model = LogisticRegression(alpha=0.01).fit(X, y)
    big = X * 1e4
    log_proba = model.predict_log_proba(big)
    assert np.all(np.isfinite(log_proba))
    assert np.all(log_proba <= 0)
    Xi, yi = _iris()
    multi = LogisticRegression(alpha=0.01).fit(Xi, yi)
    assert np.all(np.isfinite(multi.predict_log_proba(Xi * 1e4)))


def test_warm_start_restarts_at_the_solution():
    X, y = _wine()
    model = LogisticRegression(alpha=0.01, l1_ratio=0.5, warm_start=True, **TIGHT).fit(X, y)
    first = model.coef_.copy()
    model.fit(X, y)
    assert model.n_iter_[0] <= 1
    np.testing.assert_allclose(model.coef_, first, atol=1e-7)
    # A new set of classes starts from zero instead of failing.
    model.fit(X[y < 2], y[y < 2])
    assert model.coef_.shape == (1, X.shape[1])


def test_alpha_zero_not_separable_is_unpenalised_fit():
    rng = np.random.RandomState(0)
    X = rng.randn(300, 5)
    y = (X[:, 0] + X[:, 1] + rng.randn(300) > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = LogisticRegression(alpha=0.0, tol=1e-10).fit(X, y)
    ref = SkLogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-6)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_alpha_zero_separable_warns(n_classes):
    rng = np.random.RandomState(1)
    y = np.arange(12) % n_classes
    X = rng.randn(12, 4) + 6.0 * y[:, None]
    with pytest.warns(UserWarning, match="separable.*Use alpha > 0"):
        model = LogisticRegression(alpha=0.0).fit(X, y)
    assert model.score(X, y) == 1.0


def test_not_converged_warns_with_the_gap():
    X, y = _wine()
    with pytest.warns(ConvergenceWarning, match=r"duality gap is .* above the tolerance"):
        model = LogisticRegression(alpha=1e-3, l1_ratio=1.0, tol=1e-12, max_iter=1).fit(X, y)
    assert model.dual_gap_ > model.tol * model.null_loss_


def test_default_is_ridge():
    X, y = _breast_cancer()
    model = LogisticRegression().fit(X, y)
    assert model.l1_ratio == 0.0
    assert np.all(model.coef_ != 0)


# -- grouped multinomial ------------------------------------------------------
def test_grouped_selects_whole_rows():
    X, y = _wine()
    model = LogisticRegression(alpha=0.05, l1_ratio=1.0, multinomial_penalty="grouped",
                               **TIGHT).fit(X, y)
    zero_rows = ~model.coef_.any(axis=0)
    assert zero_rows.any() and not zero_rows.all()
    # A selected feature is used by every class.
    assert np.all(model.coef_[:, ~zero_rows] != 0)
    assert certified(model)
    # Two classes: the row is one coefficient, the penalties coincide.
    Xb, yb = _breast_cancer()
    kw = {"alpha": 0.01, "l1_ratio": 1.0, **TIGHT}
    a = LogisticRegression(multinomial_penalty="grouped", **kw).fit(Xb, yb)
    b = LogisticRegression(**kw).fit(Xb, yb)
    np.testing.assert_array_equal(a.coef_, b.coef_)


# -- bad input ---------------------------------------------------------------
def test_one_class_only():
    X = np.random.RandomState(0).randn(5, 2)
    with pytest.raises(ValueError, match="needs at least two classes; y has only one class, 'a'"):
        LogisticRegression().fit(X, ["a"] * 5)


def test_sample_weight_leaving_one_class():
    X = np.random.RandomState(0).randn(6, 2)
    y = np.array([0, 1, 0, 1, 0, 1])
    with pytest.raises(ValueError, match="two classes with positive sample weight"):
        LogisticRegression().fit(X, y, sample_weight=y)


def test_class_with_zero_weight_and_intercept():
    X = np.random.RandomState(0).randn(9, 2)
    y = np.arange(9) % 3
    sw = (y != 2).astype(float)
    with pytest.raises(ValueError, match="class 2 has zero total sample weight"):
        LogisticRegression().fit(X, y, sample_weight=sw)
    # Without an intercept the problem has a minimiser.
    LogisticRegression(fit_intercept=False).fit(X, y, sample_weight=sw)


@pytest.mark.parametrize(
    "y", [[1, "a", 1, "a"], np.array([1, "a", 1, "a"], dtype=object)], ids=["list", "object"]
)
def test_mixed_label_types(y):
    X = np.random.RandomState(0).randn(4, 2)
    with pytest.raises(ValueError, match=r"y mixes label types.*same type"):
        LogisticRegression().fit(X, y)


def test_continuous_target():
    X = np.random.RandomState(0).randn(6, 2)
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        LogisticRegression().fit(X, X[:, 0])


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_X(bad):
    X = np.random.RandomState(0).randn(6, 2)
    X[2, 1] = bad
    with pytest.raises(ValueError, match=r"Input X contains (NaN|infinity)"):
        LogisticRegression().fit(X, [0, 1] * 3)


@pytest.mark.parametrize(
    "method", ["predict", "predict_proba", "predict_log_proba", "decision_function"]
)
def test_unfitted(method):
    with pytest.raises(NotFittedError, match="not fitted yet"):
        getattr(LogisticRegression(), method)(np.zeros((2, 2)))


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"multinomial_penalty": "lasso"}, ValueError,
         "multinomial_penalty must be one of 'ungrouped', 'grouped'"),
        ({"multinomial_penalty": "grouped", "positive": True}, ValueError,
         "'grouped' does not support lower_bounds, upper_bounds or positive"),
        ({"multinomial_penalty": "grouped", "upper_bounds": 1.0}, ValueError,
         "use multinomial_penalty='ungrouped'"),
        ({"alpha": -1.0}, ValueError, "alpha must be a finite number >= 0"),
        ({"l1_ratio": 1.5}, ValueError, r"l1_ratio must lie in \[0, 1\]"),
        ({"tol": -1}, ValueError, "tol must be a number >= 0"),
        ({"max_iter": 0}, ValueError, "max_iter must be an integer >= 1"),
        ({"class_weight": "auto"}, ValueError, "class_weight must be None, 'balanced'"),
        ({"fit_intercept": "yes"}, TypeError, "fit_intercept must be True or False"),
        ({"penalty_factor": [1.0, -1.0]}, ValueError, "penalty_factor must be finite and >= 0"),
        ({"lower_bounds": 1.0}, ValueError, "bounds must contain 0"),
    ],
)
def test_bad_parameters(params, error, match):
    X = np.random.RandomState(0).randn(6, 2)
    with pytest.raises(error, match=match):
        LogisticRegression(**params).fit(X, [0, 1, 2] * 2)


def test_bad_sample_weight():
    X = np.random.RandomState(0).randn(6, 2)
    with pytest.raises(ValueError, match=r"sample_weight must have shape \(6,\)"):
        LogisticRegression().fit(X, [0, 1] * 3, sample_weight=[1.0, 2.0])
    with pytest.raises(ValueError, match="sample_weight must be >= 0"):
        LogisticRegression().fit(X, [0, 1] * 3, sample_weight=[1, -1, 1, 1, 1, 1])


def test_wrong_number_of_features_at_predict():
    X, y = _iris()
    model = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="expecting 4 features"):
        model.predict(X[:, :3])


def test_grouped_sparse_weights_are_frequencies():
    """Integer weights act as repeated rows: objectives agree within the certificates."""
    rng = np.random.RandomState(42)
    X = rng.rand(15, 30)
    y = rng.randint(0, 3, size=15)
    sw = rng.randint(0, 5, size=15)
    kw = {"alpha": 0.01, "l1_ratio": 0.5, "multinomial_penalty": "grouped", "tol": 1e-10}
    weighted = LogisticRegression(**kw).fit(sp.csr_matrix(X), y, sample_weight=sw)
    repeated = LogisticRegression(**kw).fit(sp.csr_matrix(X.repeat(sw, axis=0)), y.repeat(sw))
    assert certified(weighted) and certified(repeated)

    def objective(model):
        eta = X @ model.coef_.T + model.intercept_
        loss = logsumexp(eta, axis=1) - eta[np.arange(15), y]
        W = model.coef_.T
        pen = 0.5 * np.linalg.norm(W, axis=1).sum() + 0.25 * (W**2).sum()
        return float(np.dot(sw, loss) / sw.sum() + 0.01 * pen)

    assert abs(objective(weighted) - objective(repeated)) <= (
        weighted.dual_gap_ + repeated.dual_gap_ + 1e-15
    )


@pytest.mark.parametrize("multiclass", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_a_tolerance_below_the_gap_floor_gets_the_optimum_to_rounding(multiclass, fit_intercept):
    """tol=1e-15 asks for more than the gap can resolve (64 eps (1 + max|eta|)):
    the certificate passes ~1e-7 from the optimum, and one more Newton step
    lands at rounding. Checked on L2, where scikit-learn's Newton solvers
    reach the optimum too (their gradient norm at tol 1e-14)."""
    rng = np.random.default_rng(5)
    n = 1500
    X = rng.standard_normal((n, 6)) * [1.0, 2.0, 0.5, 1.0, 3.0, 1.0] + 0.3
    scores = X @ rng.standard_normal((6, 3 if multiclass else 1))
    if multiclass:
        y = np.argmax(scores + rng.gumbel(size=scores.shape), axis=1)
    else:
        y = (scores[:, 0] + rng.logistic(size=n) > 0).astype(int)
    alpha = 0.01
    ours = LogisticRegression(alpha=alpha, l1_ratio=0.0, tol=1e-15, max_iter=100,
                              fit_intercept=fit_intercept).fit(X, y)
    ref = SkLogisticRegression(C=1.0 / (alpha * n), l1_ratio=0.0, tol=1e-14, max_iter=1000,
                               solver="newton-cg" if multiclass else "newton-cholesky",
                               fit_intercept=fit_intercept).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_ - ref.coef_.mean(axis=0) * multiclass,
                               rtol=1e-8, atol=1e-10)
