"""Every parameter of every public estimator, and of regularization_path, out of range.

``BAD_VALUES`` holds, for each parameter name, values that must be refused
and the message that names the problem; a coverage test makes sure that
every parameter of every estimator has an entry, so a new parameter cannot
go unchecked silently.
"""

from __future__ import annotations

import numpy as np
import pytest

import shrinkage
from conftest import PUBLIC_ESTIMATORS, bad_input_data

NAMES = sorted(PUBLIC_ESTIMATORS)

_NUMBER = r"alpha must be a finite number >= 0"
_BOOL = [("yes", TypeError, "{name} must be True or False"), (1, TypeError, "{name} must be True")]
BAD_VALUES: dict[str, list[tuple[object, type[Exception], str]]] = {
    "alpha": [(-1.0, ValueError, _NUMBER), (np.nan, ValueError, _NUMBER),
              (np.inf, ValueError, _NUMBER), ("big", TypeError, "alpha must be a real number"),
              (True, TypeError, "alpha must be a real number")],
    "l1_ratio": [(-0.1, ValueError, r"l1_ratio must lie in \[0, 1\]"),
                 (1.5, ValueError, r"l1_ratio must lie in \[0, 1\]"),
                 (np.nan, ValueError, r"l1_ratio must lie in \[0, 1\]"),
                 ("lasso", TypeError, r"l1_ratio must be a real number in \[0, 1\]")],
    "tol": [(-1e-3, ValueError, "tol must be a number >= 0"),
            (np.nan, ValueError, "tol must be a number >= 0"),
            (np.inf, ValueError, r"tol must be a number >= 0 \(and finite\)"),
            ("small", ValueError, "tol must be a number >= 0")],
    "max_iter": [(0, ValueError, "max_iter must be an integer >= 1"),
                 (2.5, ValueError, "max_iter must be an integer >= 1"),
                 (True, ValueError, "max_iter must be an integer >= 1")],
    "fit_intercept": _BOOL, "warm_start": _BOOL, "positive": _BOOL, "standardize": _BOOL,
    "relax": _BOOL,
    "selection": [("magic", ValueError, "selection must be one of 'cyclic', 'random'")],
    "solver": [("magic", ValueError, "solver must be one of")],
    "random_state": [(-1, ValueError, "random_state must be None, an integer"),
                     ("seed", ValueError, "random_state must be None"),
                     (2.5, ValueError, "random_state must be None")],
    "penalty_factor": [([1.0, -1.0, 1.0, 1.0], ValueError, "penalty_factor must be finite"),
                       ([1.0, 1.0], ValueError, "penalty_factor must be a scalar or have one"),
                       ([1.0, np.nan, 1.0, 1.0], ValueError, "penalty_factor contains NaN"),
                       ([1.0, np.inf, 1.0, 1.0], ValueError, "penalty_factor must be finite"),
                       ("all", TypeError, "penalty_factor must be a number or an array")],
    "lower_bounds": [(0.5, ValueError, r"bounds must contain 0 \(lower_bounds <= 0"),
                     (np.nan, ValueError, "lower_bounds contains NaN"),
                     ([-1.0, -1.0], ValueError, "lower_bounds must be a scalar or have one entry")],
    "upper_bounds": [(-0.5, ValueError, "must not exceed upper_bounds|bounds must contain 0"),
                     (np.nan, ValueError, "upper_bounds contains NaN")],
    "alphas": [(0, ValueError, "n_alphas must be an integer >= 1|alphas must be"),
               ([1.0, -1.0], ValueError, "every alpha in the grid must be a finite number > 0"),
               ([], ValueError, "alphas must be a non-empty 1-D sequence"),
               (True, ValueError, "alphas must be"),
               (["a"], TypeError, "alphas must be a sequence of numbers")],
    "eps": [(0, ValueError, "eps must lie strictly between 0 and 1"),
            (1.0, ValueError, "eps must lie strictly between 0 and 1"),
            (np.nan, ValueError, "eps must lie strictly between 0 and 1")],
    "cv": [(1, ValueError, "cv must be at least 2 folds"),
           (0, ValueError, "cv must be at least 2 folds"),
           ("five", ValueError, r"Expected `cv` as an integer, a cross-validation object")],
    "rule": [("max", ValueError, "rule must be 'min'"), (None, ValueError, "rule must be 'min'")],
    "scoring": [("bogus", ValueError, "is not a scikit-learn scorer name"),
                (3, TypeError, "scoring must be None, a scorer name or a callable")],
    "n_jobs": [(0, ValueError, "n_jobs must be None"), (True, ValueError, "n_jobs must be None"),
               (2.5, ValueError, "n_jobs must be None")],
    "gammas": [([0.5, 2.0], ValueError, r"gammas must be a non-empty list of values in \[0, 1\]"),
               ([], ValueError, "gammas must be a non-empty list"),
               (True, ValueError, "gammas must be a list")],
    "criterion": [("hqic", ValueError, "criterion must be one of")],
    "noise_variance": [(-1.0, ValueError, "noise_variance must be a finite number > 0"),
                       (0.0, ValueError, "noise_variance must be a finite number > 0"),
                       (np.nan, ValueError, "noise_variance must be a finite number > 0"),
                       ("x", TypeError, "noise_variance must be a number > 0 or None")],
    "class_weight": [("heavy", ValueError, "class_weight must be None, 'balanced' or a dict"),
                     ({7: 2.0}, ValueError, "class_weight names 7, which is not a class of y"),
                     ({0: -1.0, 1: 1.0}, ValueError, "class_weight must give every class a "
                                                     "finite weight >= 0")],
    "multinomial_penalty": [("x", ValueError, "multinomial_penalty must be one of")],
    "n_alphas": [(0, ValueError, "n_alphas must be an integer >= 1"),
                 (2.5, ValueError, "n_alphas must be an integer >= 1")],
}
# Per estimator, the messages that differ from the common table.
_SPECIAL = {
    ("RidgeCV", "alphas"): [([1.0, -1.0], ValueError, "every alpha in the grid must be"),
                            (True, ValueError, "alphas must be None or a sequence"),
                            ([], ValueError, "alphas must be a non-empty 1-D sequence")],
    ("RidgeCV", "criterion"): [("kfold", ValueError, "criterion must be one of 'loo', 'gcv'")],
    ("RidgeCV", "cv"): [(1, ValueError, "cv must be at least 2 folds")],
    ("LogisticRegressionCV", "cv"): [(1, ValueError, "cv must be at least 2 folds")],
    ("LogisticRegressionCV", "scoring"): [
        ("bogus", ValueError, "scoring='bogus' is not a known scoring; use None or 'deviance'")],
}


def _cases():
    for name in NAMES:
        for param in sorted(PUBLIC_ESTIMATORS[name]().get_params()):
            for value, error, message in _SPECIAL.get((name, param), BAD_VALUES[param]):
                yield pytest.param(name, param, value, error, message,
                                   id=f"{name}-{param}={value!r}")


def test_every_parameter_has_bad_values():
    for name in NAMES:
        missing = set(PUBLIC_ESTIMATORS[name]().get_params()) - set(BAD_VALUES)
        assert not missing, (name, missing)


@pytest.mark.parametrize(("name", "param", "value", "error", "message"), list(_cases()))
def test_parameter_out_of_range_is_named(name, param, value, error, message):
    X, y = bad_input_data(name)
    estimator = PUBLIC_ESTIMATORS[name]().set_params(**{param: value})
    if param == "lower_bounds" and value == 0.5:
        estimator.set_params(upper_bounds=None)
    with pytest.raises(error, match=message.format(name=param)):
        estimator.fit(X, y)


@pytest.mark.parametrize(("name", "params", "message"), [
    ("Ridge", {"solver": "cholesky", "positive": True}, "cannot handle positive=True or bounds"),
    ("RidgeCV", {"cv": 3, "criterion": "gcv"}, "criterion='gcv' is the leave-one-out"),
    ("RidgeCV", {"criterion": "gcv", "rule": "1se"}, "rule='1se' needs a standard error"),
    ("RidgeCV", {"penalty_factor": [0, 1, 1, 1]}, "penalty_factor has zeros"),
    ("LogisticRegression", {"multinomial_penalty": "grouped", "positive": True},
     "multinomial_penalty='grouped' does not support"),
    ("LassoCV", {"cv": 31}, r"cv=31 folds need at least 31 samples"),
    ("ElasticNet", {"lower_bounds": 1.0, "upper_bounds": 0.5}, "must not exceed upper_bounds"),
])
def test_parameters_that_do_not_go_together(name, params, message):
    X, y = bad_input_data(name)
    with pytest.raises(ValueError, match=message):
        PUBLIC_ESTIMATORS[name]().set_params(**params).fit(X, y)


@pytest.fixture
def data():
    return bad_input_data("Lasso")


@pytest.mark.parametrize("Est", [shrinkage.Lasso, shrinkage.ElasticNet, shrinkage.Ridge])
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


def test_random_state_instances_seed_the_random_order(data):
    X, y = data
    by_int = shrinkage.Lasso(selection="random", random_state=3, tol=1e-12).fit(X, y)
    for seed in (np.random.RandomState(3), np.random.default_rng(3)):
        model = shrinkage.Lasso(selection="random", random_state=seed, tol=1e-12).fit(X, y)
        np.testing.assert_allclose(model.coef_, by_int.coef_, rtol=1e-8, atol=1e-10)


# -- regularization_path ------------------------------------------------------------------
PATH_PARAMS = [
    ({"l1_ratio": 2}, ValueError, r"l1_ratio must lie in \[0, 1\]"),
    ({"l1_ratio": "a"}, TypeError, r"l1_ratio must be a real number"),
    ({"alphas": [1, -1]}, ValueError, "every alpha in the grid must be a finite number > 0"),
    ({"alphas": [0.0]}, ValueError, "every alpha in the grid must be a finite number > 0"),
    ({"alphas": [np.nan]}, ValueError, "every alpha in the grid must be a finite number > 0"),
    ({"alphas": []}, ValueError, "alphas must be a non-empty 1-D sequence"),
    ({"alphas": [[1, 2]]}, ValueError, "alphas must be a non-empty 1-D sequence"),
    ({"alphas": ["a"]}, TypeError, "alphas must be a sequence of numbers"),
    ({"n_alphas": 0}, ValueError, "n_alphas must be an integer >= 1"),
    ({"n_alphas": 5.0}, ValueError, "n_alphas must be an integer >= 1"),
    ({"eps": 0}, ValueError, "eps must lie strictly between 0 and 1"),
    ({"eps": 1}, ValueError, "eps must lie strictly between 0 and 1"),
    ({"tol": -1}, ValueError, "tol must be a number >= 0"),
    ({"tol": np.nan}, ValueError, "tol must be a number >= 0"),
    ({"tol": np.inf}, ValueError, r"tol must be a number >= 0 \(and finite\)"),
    ({"max_iter": 0}, ValueError, "max_iter must be an integer >= 1"),
    ({"fit_intercept": "yes"}, TypeError, "fit_intercept must be True or False"),
    ({"positive": 1}, TypeError, "positive must be True or False"),
    ({"standardize": None}, TypeError, "standardize must be True or False"),
    ({"relax": "no"}, TypeError, "relax must be True or False"),
    ({"penalty_factor": [1, -1, 1, 1]}, ValueError, "penalty_factor must be finite and >= 0"),
    ({"penalty_factor": [1, 1]}, ValueError, "one entry per feature"),
    ({"lower_bounds": 1, "upper_bounds": 0.5}, ValueError, "must not exceed upper_bounds"),
    ({"lower_bounds": 0.5}, ValueError, "bounds must contain 0"),
    ({"lower_bounds": np.nan}, ValueError, "lower_bounds contains NaN"),
    ({"loss": "hinge"}, ValueError, "loss must be 'squared' or 'logistic'"),
    ({"multinomial_penalty": "x"}, ValueError, "multinomial_penalty must be 'ungrouped'"),
    ({"multinomial_penalty": "grouped"}, ValueError, "is for loss='logistic' paths only"),
    ({"feature_names": ["a"]}, ValueError, "feature_names must have 4 entries, got 1"),
    ({"sample_weight": np.ones(29)}, ValueError, r"sample_weight must have shape \(30,\)"),
    ({"sample_weight": np.ones(30) + 1j}, TypeError, "sample_weight has complex values"),
]


@pytest.mark.parametrize(("kwargs", "error", "message"), PATH_PARAMS)
def test_path_parameters_out_of_range(kwargs, error, message):
    X, y = bad_input_data("Lasso")
    with pytest.raises(error, match=message):
        shrinkage.regularization_path(X, y, **kwargs)


def _with(arr, index, value):
    out = np.array(arr, dtype=float)
    out[index] = value
    return out


PATH_INPUT = [
    ("X NaN", lambda X, y: (_with(X, (0, 0), np.nan), y), r"Input X contains NaN"),
    ("y NaN", lambda X, y: (X, _with(y, 0, np.nan)), r"Input y contains NaN"),
    ("X 1-D", lambda X, y: (X[:, 0], y), r"Expected 2D array"),
    ("two targets", lambda X, y: (X, np.c_[y, y]), r"y has 2 targets; a path fits one"),
    ("lengths", lambda X, y: (X, y[:-1]), r"inconsistent numbers of samples"),
    ("no rows", lambda X, y: (X[:0], y[:0]), r"0 sample\(s\)"),
    pytest.param("X inf", lambda X, y: (_with(X, (0, 0), np.inf), y),
                 r"contains infinity.*Replace or drop"),
    pytest.param("X complex", lambda X, y: (X + 1j, y),
                 r"Complex data not supported: X has complex values"),
    pytest.param("X text", lambda X, y: (np.where(X > 0, "a", "b"), y),
                 r"non-numeric values.*OneHotEncoder"),
    pytest.param("X huge integers", lambda X, y: (np.int64(2**62) + (100 * X).astype(np.int64), y),
                 r"beyond 2\*\*53"),
]


@pytest.mark.parametrize(("case", "make", "message"), PATH_INPUT)
def test_path_refuses_bad_input(case, make, message):
    X, y = bad_input_data("Lasso")
    with pytest.raises(ValueError, match=message):
        shrinkage.regularization_path(*make(X, y), n_alphas=5)


@pytest.mark.parametrize(("labels", "message"), [
    (lambda y: np.zeros(30), r"y has a single class"),
    (lambda y: y + np.linspace(0, 0.5, 30), r"Unknown label type: continuous.*loss='squared'"),
])
def test_logistic_path_refuses_bad_labels(labels, message):
    X, y = bad_input_data("LogisticRegression")
    with pytest.raises(ValueError, match=message):
        shrinkage.regularization_path(X, labels(y), loss="logistic", n_alphas=5)


def test_logistic_path_refuses_weights_that_leave_one_class():
    X, y = bad_input_data("LogisticRegression")
    with pytest.raises(ValueError, match="at least two classes with positive sample weight"):
        shrinkage.regularization_path(X, y, loss="logistic", n_alphas=5,
                                      sample_weight=(y == 1).astype(float))


def test_path_at_a_bad_alpha_is_named():
    X, y = bad_input_data("Lasso")
    path = shrinkage.regularization_path(X, y, n_alphas=10)
    with pytest.raises(ValueError, match="alpha must be a finite number"):
        path.predict(X, alpha=np.nan)
    with pytest.raises(ValueError, match="lies below the path's smallest alpha"):
        path.coef_at(-1.0)
    with pytest.raises(ValueError, match="X has 3 features but the path was fitted on 4"):
        path.predict(X[:, :3])
    with pytest.raises(ValueError, match="predict_proba needs a classification path"):
        path.predict_proba(X)
