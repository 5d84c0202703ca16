"""Bad input gets a clear error that names the problem (and the fix), or works correctly.

The matrix runs over every public estimator (``PUBLIC_ESTIMATORS`` in
conftest, checked against ``shrinkage.__all__``). A case that "works" is
compared with the same estimator fitted on a float64 copy of the data
(the conversions involved are exact); a case that fails must raise a
ValueError or TypeError whose message is matched. Sparse formats are in
``test_bad_input_sparse.py``, parameters in ``test_bad_params.py``.
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

import shrinkage
from conftest import CLASSIFIERS, PUBLIC_ESTIMATORS, bad_input_data

ESTIMATORS = [shrinkage.Lasso, shrinkage.ElasticNet, shrinkage.Ridge]
NAMES = sorted(PUBLIC_ESTIMATORS)
REGRESSORS = [n for n in NAMES if n not in CLASSIFIERS]


def _case(name, *values):
    """``pytest.param`` of ``(name, *values)``, named by the estimator and the case."""
    return pytest.param(name, *values, id=f"{name}-{values[0]}")


def test_the_matrix_covers_every_public_estimator():
    public = {
        name for name in shrinkage.__all__
        if inspect.isclass(obj := getattr(shrinkage, name)) and issubclass(obj, BaseEstimator)
    }
    assert public == set(PUBLIC_ESTIMATORS)


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


def _fit(name, X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence on odd data is not what is tested
        return PUBLIC_ESTIMATORS[name]().fit(X, y, **kwargs)


def _assert_same_model(model, reference, X):
    np.testing.assert_allclose(np.asarray(model.coef_, dtype=np.float64),
                               np.asarray(reference.coef_, dtype=np.float64),
                               rtol=1e-10, atol=1e-12 * np.abs(reference.coef_).max())
    np.testing.assert_allclose(model.intercept_, reference.intercept_, rtol=1e-10, atol=1e-12)


# -- X: dtypes that work exactly like their float64 copy ---------------------------
def _exact_big_integers(X):
    # Multiples of 2**59: as large as 3.5e18 (near 2**62), yet exact in float64.
    return np.round(2 * X).astype(np.int64) * 2**59


WORKING_X = {
    "object": lambda X: X.astype(object),
    "numeric strings": lambda X: X.astype(str),
    "list of lists": lambda X: X.tolist(),
    "bool": lambda X: X > 0,
    "int8": lambda X: np.clip(np.round(30 * X), -127, 127).astype(np.int8),
    "uint8": lambda X: np.round(40 * (X + 3)).astype(np.uint8),
    "int64 near 2**62, exact": _exact_big_integers,
    "float16": lambda X: X.astype(np.float16),
    "longdouble": lambda X: X.astype(np.longdouble),
    "DataFrame of int, float and bool": lambda X: pd.DataFrame({
        "a": np.round(10 * X[:, 0]).astype(np.int64), "b": X[:, 1], "c": X[:, 2] > 0,
        "d": X[:, 3].astype(np.float32)}),
}


@pytest.mark.parametrize("case", sorted(WORKING_X))
@pytest.mark.parametrize("name", NAMES)
def test_convertible_X_gives_the_model_of_its_float64_copy(name, case):
    X, y = bad_input_data(name)
    given = WORKING_X[case](X)
    model = _fit(name, given, y)
    dense = np.asarray(pd.DataFrame(given).to_numpy(dtype=np.float64))
    reference = _fit(name, dense, y)
    _assert_same_model(model, reference, dense)
    np.testing.assert_allclose(model.predict(given), reference.predict(dense), rtol=1e-10,
                               atol=1e-12)


# -- X: what is refused, and the message -------------------------------------------
REFUSED_X = {
    "NaN": (lambda X: _with(X, (3, 1), np.nan), r"Input X contains NaN"),
    "inf": (lambda X: _with(X, (3, 1), np.inf), r"Input X contains infinity.*Replace or drop"),
    "-inf": (lambda X: _with(X, (0, 0), -np.inf), r"Input X contains infinity.*Replace or drop"),
    "None in object array": (lambda X: np.where(X > 1, None, X).astype(object),
                             r"Input X contains NaN"),
    "int64 near 2**62, inexact": (
        lambda X: np.int64(2**62) + np.round(100 * X).astype(np.int64),
        r"integers as large as 4.61e\+18, beyond 2\*\*53.*Subtract an offset"),
    "uint64 near 2**64": (
        lambda X: np.uint64(2**63) + np.round(100 * (X + 3)).astype(np.uint64),
        r"beyond 2\*\*53"),
    "complex, zero imaginary parts": (lambda X: X.astype(complex),
                                      r"Complex data not supported: X has complex.*X\.real"),
    "complex": (lambda X: X + 1j, r"Complex data not supported: X has complex values"),
    "text": (lambda X: np.where(X > 0, "high", "low"),
             r"non-numeric values.*could not convert.*OneHotEncoder"),
    "text in object array": (lambda X: np.where(X > 1, "n/a", X).astype(object),
                             r"non-numeric values.*'n/a'.*OneHotEncoder"),
    "1-D": (lambda X: X[:, 0], r"Expected 2D array, got 1D array.*X\.reshape\(-1, 1\)"),
    "3-D": (lambda X: X[:, :, None], r"Found array with dim 3"),
    "no rows": (lambda X: X[:0], r"0 sample\(s\)"),
    "no columns": (lambda X: X[:, :0], r"0 feature\(s\)"),
}
# LogisticRegressionCV still goes through scikit-learn's own messages (R1).
_RAW_MESSAGES = {"1-D", "inf", "-inf", "int64 near 2**62, inexact", "uint64 near 2**64",
                 "complex, zero imaginary parts", "complex", "text", "text in object array"}


@pytest.mark.parametrize(
    ("name", "case"),
    [_case(n, c) if c in _RAW_MESSAGES else pytest.param(n, c, id=f"{n}-{c}")
     for n in NAMES for c in sorted(REFUSED_X)],
)
def test_refused_X_is_named(name, case):
    X, y = bad_input_data(name)
    make, message = REFUSED_X[case]
    bad = make(X)
    n = len(bad) if np.ndim(bad) else 0
    with pytest.raises(ValueError, match=message):
        _fit(name, bad, y[:n] if n < len(y) else y)


@pytest.mark.parametrize("Est", ESTIMATORS)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_X_and_y(Est, bad, data):
    X, y = data
    with pytest.raises(ValueError, match=r"Input X contains (NaN|infinity)"):
        Est().fit(_with(X, (3, 1), bad), y)
    with pytest.raises(ValueError, match=r"Input y contains (NaN|infinity)"):
        Est().fit(X, _with(y, 5, bad))


def test_mismatched_lengths_and_empty_original(data):
    X, y = data
    for Est in ESTIMATORS:
        with pytest.raises(ValueError, match="inconsistent numbers of samples"):
            Est().fit(X, y[:-1])
        with pytest.raises(ValueError, match="0 sample"):
            Est().fit(X[:0], y[:0])
        with pytest.raises(ValueError, match="0 feature"):
            Est().fit(X[:, :0], y)
        with pytest.raises(ValueError, match=r"could not convert|must be numeric|dtype"):
            Est().fit(np.array([["a", "b"]] * 20), y)


@pytest.mark.parametrize("name", NAMES)
def test_lengths_must_match(name):
    X, y = bad_input_data(name)
    with pytest.raises(ValueError, match=r"inconsistent numbers of samples: \[30, 29\]"):
        _fit(name, X, y[:-1])


# -- y ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", REGRESSORS)
@pytest.mark.parametrize("case", ["object", "numeric strings", "bool", "int64 exact"])
def test_convertible_y_gives_the_model_of_its_float64_copy(name, case):
    X, y = bad_input_data(name)
    given = {"object": y.astype(object), "numeric strings": y.astype(str), "bool": y > 0,
             "int64 exact": np.round(4 * y).astype(np.int64) * 2**55}[case]
    model = _fit(name, X, given)
    reference = _fit(name, X, np.asarray(given, dtype=np.float64))
    _assert_same_model(model, reference, X)


@pytest.mark.parametrize("name", REGRESSORS)
@pytest.mark.parametrize(("case", "message"), [
    ("NaN", r"Input y contains NaN"),
    ("inf", r"Input y contains infinity.*Replace or drop"),
    ("complex", r"Complex data not supported: y has complex values"),
    ("text", r"non-numeric values in y .*'up'.*LogisticRegression"),
    ("int64 near 2**62, inexact", r"y holds integers as large as .*beyond 2\*\*53"),
])
def test_refused_regression_y_is_named(name, case, message):
    X, y = bad_input_data(name)
    bad = {"NaN": _with(y, 5, np.nan), "inf": _with(y, 5, np.inf), "complex": y + 1j,
           "text": np.where(y > 0, "up", "down"),
           "int64 near 2**62, inexact": np.int64(2**62) + np.round(y).astype(np.int64)}[case]
    with pytest.raises(ValueError, match=message):
        _fit(name, X, bad)


@pytest.mark.parametrize("name", ["LassoCV", "ElasticNetCV", "RidgeCV", "LassoIC"])
def test_single_target_estimators_refuse_two_targets(name):
    X, y = bad_input_data(name)
    with pytest.raises(ValueError, match=r"fits one target; y has 2 columns\. Fit one"):
        _fit(name, X, np.c_[y, y])


@pytest.mark.parametrize("name", ["Lasso", "ElasticNet", "Ridge"])
def test_two_targets_are_two_independent_fits(name):
    X, y = bad_input_data(name)
    both = _fit(name, X, np.c_[y, 2 * y])
    for k, target in enumerate([y, 2 * y]):
        np.testing.assert_allclose(both.coef_[k], _fit(name, X, target).coef_, rtol=1e-10,
                                   atol=1e-12)


@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
@pytest.mark.parametrize(("labels", "message"), [
    (lambda y: np.where(y == 1, 1.5, 0.25) + np.arange(30) * 1e-3,
     r"Unknown label type: continuous"),
    (lambda y: _with(y, 4, np.nan), r"Input y contains NaN"),
    (lambda y: np.array(["a" if v else 1 for v in y], dtype=object), r"y mixes label types"),
    (lambda y: np.c_[y, y], r"y should be a 1d array"),
])
def test_refused_labels_are_named(name, labels, message):
    X, y = bad_input_data(name)
    with pytest.raises(ValueError, match=message):
        _fit(name, X, labels(y))


# -- sample_weight -----------------------------------------------------------------------
BAD_WEIGHTS = {
    "NaN": (lambda n: _with(np.ones(n), 0, np.nan), ValueError, "NaN or inf"),
    "inf": (lambda n: _with(np.ones(n), 0, np.inf), ValueError, "NaN or inf"),
    "negative": (lambda n: _with(np.ones(n), 0, -1.0), ValueError, ">= 0; drop samples"),
    "all zero": (lambda n: np.zeros(n), ValueError, "all sample weights are zero"),
    "too short": (lambda n: np.ones(n - 1), ValueError, r"shape \(30,\), one weight per sample"),
    "column": (lambda n: np.ones((n, 1)), ValueError, r"shape \(30,\).*got shape \(30, 1\)"),
    "text": (lambda n: np.array(["a"] * n), TypeError, "numeric: one number per sample"),
    "complex": (lambda n: np.ones(n) + 1j, TypeError, "sample_weight has complex values"),
    "sum overflows": (lambda n: np.full(n, 1e308), ValueError, "sums to more than float64"),
}


@pytest.mark.parametrize("case", sorted(BAD_WEIGHTS))
@pytest.mark.parametrize("name", NAMES)
def test_bad_sample_weight_is_named(name, case):
    X, y = bad_input_data(name)
    make, error, message = BAD_WEIGHTS[case]
    with pytest.raises(error, match=message):
        _fit(name, X, y, sample_weight=make(len(y)))


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


@pytest.mark.parametrize("name", ["Lasso", "ElasticNet", "Ridge", "LogisticRegression"])
def test_integer_weights_are_repeated_rows_and_zero_drops_a_row(name):
    """Weights as frequencies, checked against the data with rows repeated or removed."""
    X, y = bad_input_data(name)
    counts = np.arange(30) % 3  # 0, 1 or 2 copies of each row
    weighted = PUBLIC_ESTIMATORS[name]().set_params(tol=1e-12).fit(X, y, sample_weight=counts)
    rows = np.repeat(np.arange(30), counts)
    repeated = PUBLIC_ESTIMATORS[name]().set_params(tol=1e-12).fit(X[rows], y[rows])
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(weighted.intercept_, repeated.intercept_, rtol=1e-7, atol=1e-9)


# -- predict ---------------------------------------------------------------------------------
PREDICT_CASES = {
    "3 features": (lambda X: X[:, :3], r"X has 3 features, but \w+ is expecting 4 features"),
    "5 features": (lambda X: np.c_[X, X[:, 0]], r"X has 5 features, but \w+ is expecting 4"),
    "NaN": (lambda X: _with(X, (0, 0), np.nan), r"Input X contains NaN"),
    "inf": (lambda X: _with(X, (0, 0), np.inf), r"contains infinity.*Replace or drop"),
    "complex": (lambda X: X + 1j, r"Complex data not supported: X has complex values"),
    "text": (lambda X: np.where(X > 0, "a", "b"), r"non-numeric values.*OneHotEncoder"),
    "1-D": (lambda X: X[0], r"Expected 2D array, got 1D array"),
    "no rows": (lambda X: X[:0], r"0 sample\(s\)"),
}


@pytest.mark.parametrize("case", sorted(PREDICT_CASES))
@pytest.mark.parametrize("name", NAMES)
def test_predict_refuses_data_unlike_the_training_data(name, case):
    X, y = bad_input_data(name)
    model = _fit(name, X, y)
    make, message = PREDICT_CASES[case]
    with pytest.raises(ValueError, match=message):
        model.predict(make(X))


@pytest.mark.parametrize("name", NAMES)
def test_predict_checks_column_names_and_fitting(name):
    X, y = bad_input_data(name)
    frame = pd.DataFrame(X, columns=list("abcd"))
    model = _fit(name, frame, y)
    for other in (frame.rename(columns={"a": "z"}), frame[list("bacd")]):
        with pytest.raises(ValueError, match="feature names should match"):
            model.predict(other)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        PUBLIC_ESTIMATORS[name]().predict(X)


@pytest.mark.parametrize("Est", ESTIMATORS)
def test_predict_checks_features(Est, data):
    X, y = data
    model = Est().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :3])


# -- labels at predict_proba and score ---------------------------------------------------------
LABELINGS = {
    "strings": lambda s: np.where(s > 0, "yes", "no"),
    "integers": lambda s: np.where(s > 0, 5, -3),
    "booleans": lambda s: s > 0,
    "three strings": lambda s: np.where(s > 0.5, "c", np.where(s < -0.5, "a", "b")),
}


@pytest.mark.parametrize("case", sorted(LABELINGS))
def test_predict_proba_columns_follow_the_labels_as_scikit_learn(case):
    from sklearn.linear_model import LogisticRegression as SkLogistic

    rng = np.random.default_rng(1)
    X = rng.standard_normal((60, 3))
    labels = LABELINGS[case](X[:, 0] + 0.5 * rng.standard_normal(60))
    ours = shrinkage.LogisticRegression(alpha=1 / 60, tol=1e-10).fit(X, labels)
    ref = SkLogistic(C=1.0, tol=1e-12, max_iter=10_000).fit(X, labels)
    assert np.array_equal(ours.classes_, ref.classes_)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-4)
    assert np.array_equal(ours.predict(X), ref.predict(X))
    cv = shrinkage.LogisticRegressionCV(cv=3, alphas=5).fit(X, labels)
    proba = cv.predict_proba(X)
    assert np.array_equal(cv.classes_, ref.classes_)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert np.array_equal(cv.classes_[proba.argmax(axis=1)], cv.predict(X))


@pytest.mark.parametrize("name", [
    "LogisticRegression",
    "LogisticRegressionCV",
])
def test_a_single_class_is_named_as_written(name):
    X, _ = bad_input_data(name)
    with pytest.raises(ValueError, match=r"needs at least two classes; y has only one class, 0\."):
        _fit(name, X, np.zeros(30, dtype=int))


@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
def test_score_refuses_labels_never_seen_in_fit(name):
    X, y = bad_input_data(name)
    labels = np.where(y == 1, "yes", "no")
    model = _fit(name, X, labels)
    assert model.score(X, labels) == np.mean(model.predict(X) == labels)
    with pytest.raises(ValueError, match=r"2 label\(s\) the model never saw in fit: 'NO', 'YES'"):
        model.score(X, np.where(y == 1, "YES", "NO"))
    with pytest.raises(ValueError, match=r"never saw in fit: 0, 1; the model's classes are"):
        model.score(X, y)


@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
def test_class_weight_must_name_classes(name):
    X, y = bad_input_data(name)
    labels = np.where(y == 1, "yes", "no")
    model = PUBLIC_ESTIMATORS[name]().set_params(class_weight={"maybe": 2.0})
    with pytest.raises(ValueError, match=r"class_weight names 'maybe', which is not a class of y"):
        model.fit(X, labels)


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
