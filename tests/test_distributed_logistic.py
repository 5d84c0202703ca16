"""shrinkage.distributed logistic models: equal to the in-memory ones on a LocalCluster.

Both sides are solved with ``tol`` below the gap's floating-point resolution.
The distributed fit then takes one more Newton step after its certificate
(quadratic convergence: coefficients to rounding), so each of its models is
checked against the optimum itself to 1e-8: its proximal-gradient residual
(zero exactly at the minimiser) is below 1e-12, and where scikit-learn solves
the same problem (L2 or no penalty) it equals its Newton solution to 1e-8.

The in-memory solver takes the same last step when ``tol`` is below its gap
floor (``64 eps (1 + max|eta|)``, gaps of 7e-15 .. 1.3e-14 here; without it
its coefficients stopped up to 1.3e-7 from the optimum), so Dask and
in-memory agree to 1e-8 everywhere, and the distributed objective is never
worse (to 1e-14).
"""

from __future__ import annotations

import functools
import warnings

import dask.array as da
import dask.dataframe as dd
import distributed
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression as SklearnLogistic

import shrinkage as sk
from shrinkage import distributed as sd

RTOL = 1e-8
TOL = 1e-15


@pytest.fixture(scope="module", autouse=True)
def client():
    """Two in-process workers talking over TCP on the loopback interface."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1",
        dashboard_address=None,
    ) as cluster, distributed.Client(cluster) as c:
        yield c


def make_data(n=1500, p=6, seed=0, offset=0.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2.0, p)
    eta = X @ np.r_[1.5, -1.0, 0.5, np.zeros(p - 3)] + 0.3
    y = (eta + rng.logistic(size=n) > 0).astype(int)
    return X + offset, y, rng.uniform(0.3, 2.0, n)


def dask_of(X, y, w=None):
    Xd = da.from_array(X, chunks=(400, X.shape[1]))
    return Xd, da.from_array(y, chunks=290), None if w is None else da.from_array(w, chunks=510)


def close(a, b, scale=1.0, rtol=RTOL):
    np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * scale)


def objective(X, y, w, coef, intercept, params):
    """shrinkage.LogisticRegression's objective, written out."""
    alpha, l1_ratio = params.get("alpha", 1.0), params.get("l1_ratio", 0.0)
    s = np.ones(len(y)) if w is None else w
    eta = X @ coef + intercept
    loss = np.sum(s * np.logaddexp(0.0, -np.where(y == 1, 1.0, -1.0) * eta)) / s.sum()
    factor = np.asarray(params.get("penalty_factor", np.ones(X.shape[1])), dtype=float)
    scaled = coef
    if params.get("standardize"):
        mean = s @ X / s.sum() if params.get("fit_intercept", True) else 0.0
        scaled = coef * np.sqrt(s @ (X - mean) ** 2 / s.sum())
    pen = l1_ratio * np.abs(scaled) + 0.5 * (1 - l1_ratio) * scaled**2
    return loss + alpha * np.sum(factor * pen)


def prox_gradient_residual(X, y, w, coef, intercept, params):
    """``max |z - prox(z - grad f(z))|`` over coefficients and intercept: 0 only at the optimum.

    On the fitted scale (columns divided by their weighted sd with
    ``standardize``), where the penalty is separable with unit step.
    """
    alpha, l1_ratio = params.get("alpha", 1.0), params.get("l1_ratio", 0.0)
    fit_intercept = params.get("fit_intercept", True)
    s = np.ones(len(y)) if w is None else w
    p = X.shape[1]
    sd = np.ones(p)
    if params.get("standardize"):
        mean = s @ X / s.sum() if fit_intercept else 0.0
        sd = np.sqrt(s @ (X - mean) ** 2 / s.sum())
    beta = coef * sd
    prob = 1.0 / (1.0 + np.exp(-(X @ coef + intercept)))
    residual = s * (prob - (y == 1)) / s.sum()
    factor = np.asarray(params.get("penalty_factor", np.ones(p)), dtype=float)
    grad = (X / sd).T @ residual + alpha * factor * (1 - l1_ratio) * beta
    step = beta - grad
    moved = np.sign(step) * np.maximum(np.abs(step) - alpha * factor * l1_ratio, 0.0)
    if params.get("positive"):
        moved = np.maximum(moved, 0.0)
    out = np.abs(beta - moved).max()
    return max(out, abs(residual.sum())) if fit_intercept else out


def assert_optimal(model, memory, X, y, w, params):
    """At the optimum to rounding, and no worse than the in-memory model."""
    ours = objective(X, y, w, model.coef_[0], model.intercept_[0], params)
    theirs = objective(X, y, w, memory.coef_[0], memory.intercept_[0], params)
    assert ours <= theirs + 1e-14
    assert prox_gradient_residual(X, y, w, model.coef_[0], model.intercept_[0], params) < 1e-12


PARAMS = [
    {"alpha": 0.01, "l1_ratio": 1.0},
    {"alpha": 0.02, "l1_ratio": 0.5, "standardize": True},
    {"alpha": 0.005, "l1_ratio": 1.0, "penalty_factor": [0, 1, 1, 1, 1, 1], "positive": True},
    {"alpha": 0.01, "fit_intercept": False},
    {"alpha": 0.0},
    {"alpha": 0.01, "class_weight": "balanced"},
]


def class_weighted(y, w, params):
    """The sample weights times the balanced class weights, as the estimators apply them."""
    if params.get("class_weight") != "balanced":
        return w
    totals = np.bincount(y, weights=w)
    return w * (w.sum() / (2 * totals))[y]


def fit_both(params, X, y, w, dask_data):
    """The in-memory model of ``(X, y, w)`` and the distributed one of ``dask_data``."""
    memory = sk.LogisticRegression(tol=TOL, **params).fit(X, y, sample_weight=w)
    model = sd.LogisticRegression(tol=TOL, **params).fit(*dask_data)
    return memory, model


def param_dict(param):
    return param if isinstance(param, dict) else param.values[0]


def marked_indices(params):
    """Indices of ``params`` for parametrize, each with its case's marks."""
    return [i if isinstance(p, dict) else pytest.param(i, marks=p.marks)
            for i, p in enumerate(params)]


@functools.cache
def fits(index):
    """The in-memory and the distributed model of ``PARAMS[index]`` (shared by two tests)."""
    X, y, w = make_data()
    return fit_both(param_dict(PARAMS[index]), X, y, w, dask_of(X, y, w))


@pytest.mark.parametrize("index", marked_indices(PARAMS))
def test_logistic_regression_equals_in_memory_to_1e8(index):
    memory, model = fits(index)
    close(model.coef_, memory.coef_)
    close(model.intercept_, memory.intercept_)


@pytest.mark.parametrize("index", range(len(PARAMS)))
def test_logistic_regression_is_the_optimum(index):
    params = param_dict(PARAMS[index])
    X, y, w = make_data()
    memory, model = fits(index)
    assert_optimal(model, memory, X, y, class_weighted(y, w, params), params)
    if params.get("l1_ratio", 0.0) == 0 and "class_weight" not in params:
        C = np.inf if params["alpha"] == 0 else 1.0 / (params["alpha"] * w.sum())
        oracle = SklearnLogistic(
            C=C, fit_intercept=params.get("fit_intercept", True), tol=1e-14,
            solver="newton-cholesky", max_iter=1000,
        ).fit(X, y, sample_weight=w)
        close(model.coef_, oracle.coef_)
        close(model.intercept_, oracle.intercept_)
    np.testing.assert_array_equal(model.classes_, memory.classes_)
    assert model.null_loss_ == pytest.approx(memory.null_loss_, rel=1e-12)
    assert model.dual_gap_ <= 1e-13
    assert model.coef_.shape == (1, X.shape[1]) and model.n_iter_.shape == (1,)
    Xd = dask_of(X, y)[0]
    proba = model.predict_proba(Xd)
    assert isinstance(proba, da.Array)
    close(proba.compute(), memory.predict_proba(X), rtol=1e-6)  # the in-memory floor
    np.testing.assert_array_equal(model.predict(Xd).compute(), memory.predict(X))


def test_string_labels_from_a_dataframe():
    X, y, _ = make_data(seed=1)
    labels = np.where(y == 1, "spam", "ham")
    frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])])
    frame["label"] = labels
    df = dd.from_pandas(frame, npartitions=3)
    model = sd.LogisticRegression(alpha=0.01, tol=TOL).fit(df[list(frame.columns[:-1])],
                                                          df["label"])
    memory = sk.LogisticRegression(alpha=0.01, tol=TOL).fit(frame[frame.columns[:-1]], labels)
    assert list(model.classes_) == ["ham", "spam"]
    assert list(model.feature_names_in_) == list(frame.columns[:-1])
    assert_optimal(model, memory, X, y, None, {"alpha": 0.01})


PATH_OPTIONS = {"loss": "logistic", "l1_ratio": 0.8, "n_alphas": 6, "tol": TOL,
                "penalty_factor": [0, 1, 1, 1, 1, 1]}


@functools.cache
def path_fits():
    """The in-memory and the distributed logistic path (shared by two tests)."""
    X, y, w = make_data(seed=2)
    memory = sk.regularization_path(X, y, sample_weight=w, **PATH_OPTIONS)
    path = sd.regularization_path(*dask_of(X, y, w)[:2], sample_weight=dask_of(X, y, w)[2],
                                  **PATH_OPTIONS)
    return memory, path


def test_logistic_path_equals_in_memory():
    X, y, w = make_data(seed=2)
    options = PATH_OPTIONS
    memory, path = path_fits()
    close(path.alphas, memory.alphas, scale=memory.alphas[0])
    close(path.deviance, memory.deviance, scale=memory.null_deviance)
    for k, alpha in enumerate(path.alphas):
        params = {"alpha": alpha, "l1_ratio": 0.8, "penalty_factor": options["penalty_factor"]}
        ours = objective(X, y, w, path.coefs[:, k], path.intercepts[k], params)
        theirs = objective(X, y, w, memory.coefs[:, k], memory.intercepts[k], params)
        assert ours <= theirs + 1e-14
        assert prox_gradient_residual(X, y, w, path.coefs[:, k], path.intercepts[k], params) < 1e-12
    assert path.null_deviance == pytest.approx(memory.null_deviance, rel=1e-12)
    np.testing.assert_array_equal(path.df, memory.df)
    assert path.loss == "logistic" and list(path.classes) == [0, 1]
    assert path.converged.all()


def test_logistic_path_coefficients_equal_in_memory_to_1e8():
    memory, path = path_fits()
    close(path.coefs, memory.coefs)
    close(path.intercepts, memory.intercepts)


def test_logistic_cv_equals_in_memory_with_the_same_folds():
    X, y, w = make_data(n=900, seed=3)
    folds = sd.HashFolds(3, seed=5)
    params = {"l1_ratio": 1.0, "alphas": 5, "tol": TOL}
    memory = sk.LogisticRegressionCV(cv=folds.split(X.shape[0]), **params).fit(X, y, w)
    model = sd.LogisticRegressionCV(cv=folds, **params).fit(*dask_of(X, y, w))
    assert model.alpha_ == pytest.approx(memory.alpha_, rel=1e-12)
    close(model.cv_results_["fold_errors"], memory.cv_results_["fold_errors"])
    np.testing.assert_array_equal(model.cv_results_["fold_sizes"],
                                  memory.cv_results_["fold_sizes"])
    close(model.coef_, memory.coef_)
    close(model.intercept_, memory.intercept_)
    accuracy = sd.LogisticRegressionCV(cv=folds, scoring="accuracy", **params).fit(
        *dask_of(X, y, w))
    in_memory = sk.LogisticRegressionCV(cv=folds.split(X.shape[0]), scoring="accuracy",
                                        **params).fit(X, y, w)
    close(accuracy.cv_results_["fold_errors"], in_memory.cv_results_["fold_errors"])


def test_step_halving_keeps_the_objective_decreasing():
    # Far-off starting point (a warm start from a huge model): the full
    # Newton step overshoots, halving must still reach the same optimum.
    X, y, _ = make_data(seed=4)
    memory = sk.LogisticRegression(alpha=0.01, tol=TOL).fit(X, y)
    model = sd.LogisticRegression(alpha=0.01, tol=TOL, warm_start=True, max_iter=200)
    model.fit(*dask_of(X, y)[:2])
    model.coef_ = model.coef_ * 40.0
    model.intercept_ = model.intercept_ - 25.0
    model.fit(*dask_of(X, y)[:2])
    assert_optimal(model, memory, X, y, None, {"alpha": 0.01})


def test_separable_classes_without_penalty_warn():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((600, 3))
    y = (X[:, 0] > 0).astype(int)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            sd.LogisticRegression(alpha=0.0, max_iter=30).fit(*dask_of(X, y)[:2])
        except ValueError as exc:  # the IRLS Gram may collapse first: a clear error
            assert "separable" in str(exc)
            return
    assert any("separable" in str(w.message) for w in caught)


def test_bad_labels():
    X, y, _ = make_data(n=300)
    Xd = dask_of(X, y)[0]
    with pytest.raises(ValueError, match=r"two classes only.*not in its path or CV"):
        sd.regularization_path(Xd, da.from_array(np.arange(300) % 3, chunks=100),
                               loss="logistic")
    with pytest.raises(ValueError, match="only one class"):
        sd.LogisticRegression().fit(Xd, da.zeros(300, chunks=100))
    with pytest.raises(ValueError, match="deviance"):
        sd.LogisticRegressionCV(scoring="roc_auc").fit(Xd, da.from_array(y, chunks=100))
