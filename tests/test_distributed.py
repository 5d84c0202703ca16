"""shrinkage.distributed (squared loss): equal to the in-memory estimators on a LocalCluster.

Every comparison is to 1e-8 against the in-memory estimator on the same
data (and, for CV, the same folds: ``HashFolds.split``), for Dask arrays,
DataFrames, misaligned chunks of X and y, sample weights and feature
offsets of 1e7 (where raw uncentred moments would lose every digit).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import dask.array as da
import dask.dataframe as dd
import distributed
import numpy as np
import pandas as pd
import pytest

import shrinkage as sk
from shrinkage import distributed as sd
from shrinkage.model_selection._fold_gram import block_stats
from test_nn_import import _run as run_python

RTOL = 1e-8


@pytest.fixture(scope="module", autouse=True)
def client():
    """Two worker processes on the loopback interface (everything crosses a pickle)."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None,
    ) as cluster, distributed.Client(cluster) as c:
        yield c


def make_data(n=1500, p=8, offset=0.0, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 3.0, p) + offset
    beta = np.zeros(p)
    beta[:4] = [2.0, -1.5, 1.0, 0.5]
    y = (X - offset) @ beta + 3.0 + rng.standard_normal(n)
    w = rng.uniform(0.2, 2.0, n)
    return X, y, w


def as_dask(X, y, w=None, x_rows=400, y_rows=None):
    """Dask arrays; ``y_rows`` different from ``x_rows`` gives misaligned chunks."""
    y_rows = x_rows if y_rows is None else y_rows
    Xd = da.from_array(X, chunks=(x_rows, X.shape[1]))
    yd = da.from_array(y, chunks=y_rows)
    wd = None if w is None else da.from_array(w, chunks=max(y_rows - 55, 50))
    return Xd, yd, wd


def as_frame(X, y, npartitions=4):
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    frame["target"] = y
    df = dd.from_pandas(frame, npartitions=npartitions)
    return df[[c for c in frame.columns if c != "target"]], df["target"]


def close(a, b, scale=1.0):
    np.testing.assert_allclose(a, b, rtol=RTOL, atol=RTOL * scale)


# -- estimators ---------------------------------------------------------------


ESTIMATORS = [
    ("Lasso", {"alpha": 0.05}),
    ("ElasticNet", {"alpha": 0.05, "l1_ratio": 0.3, "standardize": True}),
    ("Lasso", {"alpha": 0.02, "positive": True, "penalty_factor": [0, 1, 1, 1, 1, 1, 2, 1]}),
    ("Ridge", {"alpha": 10.0}),
    ("ElasticNet", {"alpha": 0.01, "fit_intercept": False}),
]


@pytest.mark.parametrize(("name", "params"), ESTIMATORS)
@pytest.mark.parametrize("layout", ["array", "misaligned", "frame"])
def test_estimator_equals_in_memory(name, params, layout):
    X, y, w = make_data()
    memory = getattr(sk, name)(**params).fit(X, y, sample_weight=w)
    if layout == "frame":
        Xd, yd = as_frame(X, y)
        wd = dd.from_pandas(pd.Series(w), npartitions=3)
    else:
        Xd, yd, wd = as_dask(X, y, w, y_rows=None if layout == "array" else 333)
    model = getattr(sd, name)(**params).fit(Xd, yd, sample_weight=wd)
    close(model.coef_, memory.coef_)
    close(model.intercept_, memory.intercept_)
    assert model.n_iter_ == memory.n_iter_
    assert model.n_features_in_ == X.shape[1]
    if layout == "frame":
        assert list(model.feature_names_in_) == [f"f{j}" for j in range(X.shape[1])]
    prediction = model.predict(Xd)
    assert isinstance(prediction, da.Array)
    close(prediction.compute(), memory.predict(X), scale=10.0)


def test_offsets_of_1e7_keep_their_digits():
    X, y, _ = make_data(offset=1e7)
    Xd, yd, _ = as_dask(X, y, x_rows=300, y_rows=470)
    model = sd.Lasso(alpha=0.05).fit(Xd, yd)
    # The in-memory estimator centres the rows itself; on centred data the
    # coefficients are the same and the intercept moves by x_mean'coef.
    centred = X - X.mean(axis=0)
    memory = sk.Lasso(alpha=0.05).fit(centred, y)
    close(model.coef_, memory.coef_)
    close(model.intercept_ + X.mean(axis=0) @ model.coef_, memory.intercept_, scale=1e7)
    close(model.coef_, sk.Lasso(alpha=0.05).fit(X, y).coef_)
    # Raw moments (X'X - n m m') would have lost the scatter to rounding.
    n = X.shape[0]
    raw = X.T @ X - n * np.outer(X.mean(axis=0), X.mean(axis=0))
    exact = centred.T @ centred
    assert np.abs(raw - exact).max() > 1e-3 * np.abs(exact).max()


@pytest.mark.parametrize("layout", ["misaligned", "frame", "offset"])
def test_path_equals_in_memory(layout):
    X, y, w = make_data(offset=1e7 if layout == "offset" else 0.0)
    if layout == "frame":
        Xd, yd = as_frame(X, y)
        wd = dd.from_pandas(pd.Series(w), npartitions=5)
    else:
        Xd, yd, wd = as_dask(X, y, w, x_rows=350, y_rows=512)
    options = {"l1_ratio": 0.7, "n_alphas": 30, "standardize": True, "relax": True}
    memory = sk.regularization_path(X, y, sample_weight=w, **options)
    path = sd.regularization_path(Xd, yd, sample_weight=wd, **options)
    close(path.alphas, memory.alphas, scale=memory.alphas[0])
    close(path.coefs, memory.coefs)
    close(path.relaxed_coefs, memory.relaxed_coefs)
    scale = 1e7 if layout == "offset" else 1.0
    close(path.intercepts, memory.intercepts, scale=scale)
    np.testing.assert_array_equal(path.df, memory.df)
    close(path.deviance, memory.deviance, scale=memory.null_deviance)
    assert path.n_samples == memory.n_samples == X.shape[0]
    assert path.converged.all()
    np.testing.assert_allclose(path.x_scale, memory.x_scale, rtol=1e-10)


def test_cv_equals_in_memory_with_the_same_folds():
    X, y, w = make_data(offset=1e7, seed=3)
    Xd, yd, wd = as_dask(X, y, w, x_rows=260, y_rows=390)
    folds = sd.HashFolds(4, seed=7)
    for name, params in [
        ("LassoCV", {"alphas": 25}),
        ("ElasticNetCV", {"l1_ratio": [0.2, 0.8], "alphas": 20, "rule": "1se"}),
        ("LassoCV", {"alphas": 15, "relax": True, "gammas": (0.0, 0.5, 1.0)}),
    ]:
        memory = getattr(sk, name)(cv=folds.split(X.shape[0]), **params).fit(X, y, w)
        model = getattr(sd, name)(cv=folds, **params).fit(Xd, yd, wd)
        assert model.alpha_ == pytest.approx(memory.alpha_, rel=1e-12)
        assert model.l1_ratio_ == memory.l1_ratio_
        assert model.gamma_ == memory.gamma_
        close(model.cv_results_["fold_errors"], memory.cv_results_["fold_errors"])
        close(model.cv_results_["mean_error"], memory.cv_results_["mean_error"])
        np.testing.assert_array_equal(
            model.cv_results_["fold_sizes"], memory.cv_results_["fold_sizes"]
        )
        close(model.coef_, memory.coef_)
        close(model.intercept_, memory.intercept_, scale=1e7)
        close(model.path_.coefs, memory.path_.coefs)


def test_ridge_cv_equals_in_memory():
    X, y, w = make_data(seed=4)
    Xd, yd, wd = as_dask(X, y, w, x_rows=300, y_rows=200)
    folds = sd.HashFolds(5, seed=1)
    memory = sk.RidgeCV(cv=folds.split(X.shape[0]), n_alphas=30).fit(X, y, w)
    model = sd.RidgeCV(cv=folds, n_alphas=30).fit(Xd, yd, wd)
    assert model.alpha_ == pytest.approx(memory.alpha_, rel=1e-12)
    close(model.cv_results_["fold_errors"], memory.cv_results_["fold_errors"])
    close(model.coef_, memory.coef_)
    close(model.intercept_, memory.intercept_)
    with pytest.raises(ValueError, match="cv=5"):
        sd.RidgeCV().fit(Xd, yd)


# -- collinear columns (the QR route) -------------------------------------------


def collinear_data(n=1200, seed=6):
    """Offsets of 1e3, a duplicated column (6 = 0) and an exact combination (7 = 1 - 2 * 2)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 6)) * [1.0, 2.0, 0.5, 1.0, 3.0, 1.0] + 1e3
    X = np.column_stack([X, X[:, 0], X[:, 1] - 2 * X[:, 2]])
    y = (X[:, :4] - 1e3) @ [2.0, -1.0, 0.5, 1.0] + rng.standard_normal(n)
    return X, y, rng.uniform(0.2, 2.0, n)


def test_collinear_columns_take_the_qr_route_as_in_memory():
    X, y, w = collinear_data()
    Xd, yd, wd = as_dask(X, y, w, x_rows=300, y_rows=250)
    for name, params in [("Lasso", {"alpha": 0.05}),
                         ("ElasticNet", {"alpha": 0.05, "l1_ratio": 0.5}),
                         ("Ridge", {"alpha": 1.0})]:
        memory = getattr(sk, name)(tol=1e-12, **params).fit(X, y, sample_weight=w)
        model = getattr(sd, name)(tol=1e-12, **params).fit(Xd, yd, sample_weight=wd)
        close(model.coef_, memory.coef_)
        close(model.intercept_, memory.intercept_, scale=1e3)
    memory = sk.regularization_path(X, y, sample_weight=w, n_alphas=15, tol=1e-12)
    path = sd.regularization_path(Xd, yd, sample_weight=wd, n_alphas=15, tol=1e-12)
    close(path.coefs, memory.coefs)
    np.testing.assert_array_equal(path.df, memory.df)
    folds = sd.HashFolds(3, seed=2)
    memory = sk.LassoCV(cv=folds.split(X.shape[0]), alphas=10, tol=1e-12).fit(X, y, w)
    model = sd.LassoCV(cv=folds, alphas=10, tol=1e-12).fit(Xd, yd, wd)
    assert model.alpha_ == pytest.approx(memory.alpha_, rel=1e-12)
    close(model.cv_results_["fold_errors"], memory.cv_results_["fold_errors"])
    close(model.coef_, memory.coef_)


def test_qr_statistics_merge_to_the_factor_of_all_rows():
    from shrinkage.distributed._qr import merge_all_qr, partition_qr

    X, y, w = collinear_data(n=700)
    cuts = [0, 100, 101, 450, 700]
    parts = [partition_qr(X[a:b], y[a:b], w[a:b], start=a)[0]
             for a, b in itertools.pairwise(cuts)]
    merged = merge_all_qr(parts)
    whole = block_stats(X, y, w, np.arange(X.shape[0]), centre=True)
    np.testing.assert_allclose(merged.mean, whole.mean, rtol=1e-14)
    scale = np.abs(whole.scatter).max()
    np.testing.assert_allclose(merged.R.T @ merged.R, whole.scatter, atol=1e-11 * scale)
    # The duplicated and combined columns leave (near) zero pivots, not NaN.
    assert np.abs(np.diag(merged.R))[6:8].max() < 1e-9 * np.sqrt(scale)


def test_collinear_columns_are_named_for_the_logistic_loss():
    X, y, _ = collinear_data(n=600)
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    Xd = dd.from_pandas(frame, npartitions=3)
    labels = dd.from_pandas(pd.Series((y > 0).astype(int)), npartitions=3)
    named = r"columns \(f6 = a combination of f0; f7 = a combination of f1, f2\)"
    with pytest.raises(ValueError, match=named):
        sd.LogisticRegression().fit(Xd, labels)


# -- statistics and folds -----------------------------------------------------


def test_merge_is_exact_in_any_order_and_offsets_survive():
    X, y, w = make_data(n=900, offset=1e7, seed=5)
    rows = np.arange(X.shape[0])
    whole = block_stats(X, y, w, rows, centre=True)
    cuts = [0, 17, 300, 301, 650, 900]
    parts = [
        sd.partition_stats(X[a:b], y[a:b], w[a:b], start=a)[0]
        for a, b in itertools.pairwise(cuts)
    ]
    for order in (parts, parts[::-1], [parts[2], parts[0], parts[4], parts[1], parts[3]]):
        merged = sd.merge_all(order)
        assert merged.rows == whole.rows
        np.testing.assert_allclose(merged.mean, whole.mean, rtol=1e-14)
        np.testing.assert_allclose(merged.scatter, whole.scatter, rtol=1e-9,
                                   atol=1e-9 * np.abs(whole.scatter).max())


def test_hash_folds_do_not_depend_on_chunking_or_order():
    n, k = 10_000, 5
    whole = sd.fold_ids(0, n, k, seed=3)
    pieces = np.concatenate([sd.fold_ids(a, min(a + 777, n), k, 3) for a in range(0, n, 777)])
    np.testing.assert_array_equal(whole, pieces)
    sizes = np.bincount(whole, minlength=k)
    assert sizes.min() > 0.9 * n / k
    # Sorted data (e.g. by time): each fold still spans the whole range.
    for fold in range(k):
        positions = np.flatnonzero(whole == fold)
        assert positions.min() < 0.01 * n and positions.max() > 0.99 * n
    assert not np.array_equal(whole, sd.fold_ids(0, n, k, seed=4))


# -- bad input ------------------------------------------------------------------


def test_mismatched_lengths_are_refused():
    X, y, w = make_data(n=600)
    Xd, _, _ = as_dask(X, y)
    with pytest.raises(ValueError, match="X has 600 rows but y has 599"):
        sd.Lasso().fit(Xd, da.from_array(y[:-1], chunks=100))
    with pytest.raises(ValueError, match="sample_weight has 598 entries"):
        sd.Lasso().fit(Xd, da.from_array(y, chunks=100), sample_weight=w[:-2])


def test_nan_found_during_the_pass_names_the_partition():
    X, y, _ = make_data(n=1000)
    X[731, 2] = np.nan
    Xd, yd, _ = as_dask(X, y, x_rows=250)
    with pytest.raises(ValueError, match=r"partition 2 \(row 731, column 2\).*dropna"):
        sd.ElasticNet().fit(Xd, yd)


def test_non_numeric_columns_are_named():
    X, y, _ = make_data(n=200)
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    frame["city"] = "Oslo"
    df = dd.from_pandas(frame, npartitions=2)
    with pytest.raises(TypeError, match=r"non-numeric columns \['city'\].*Encode"):
        sd.Lasso().fit(df, dd.from_pandas(pd.Series(y), npartitions=2))


def test_other_bad_input():
    X, y, w = make_data(n=400)
    Xd, yd, _ = as_dask(X, y)
    with pytest.raises(ValueError, match="negative in partition"):
        sd.Lasso().fit(Xd, yd, sample_weight=da.from_array(-w, chunks=100))
    with pytest.raises(ValueError, match=f"limit of {sd.MAX_GRAM_FEATURES} for this estimator"):
        sd.Ridge().fit(da.zeros((100, sd.MAX_GRAM_FEATURES + 1)), da.zeros(100))
    with pytest.raises(ValueError, match="scoring=None"):
        sd.LassoCV(scoring="r2").fit(Xd, yd)
    with pytest.raises(TypeError, match="HashFolds"):
        sd.LassoCV(cv=[(np.arange(10), np.arange(10))]).fit(Xd, yd)
    with pytest.raises(ValueError, match="more rows than features"):
        sd.Lasso().fit(da.ones((5, 8)), da.ones(5))
    with pytest.raises(TypeError, match="unexpected keyword"):
        sd.regularization_path(Xd, yd, n_alpha=3)


# -- failures ------------------------------------------------------------------


def _flaky_block(block, marker: str, always: bool):
    """The identity, except that it fails the first time (or every time)."""
    path = Path(marker)
    if always or not path.exists():
        path.touch()
        raise OSError("simulated worker failure")
    return block


def test_a_task_that_fails_once_is_retried(tmp_path):
    X, y, _ = make_data(n=800)
    Xd, yd, _ = as_dask(X, y, x_rows=200)
    flaky = Xd.map_blocks(_flaky_block, str(tmp_path / "failed"), False, dtype=Xd.dtype)
    model = sd.Lasso(alpha=0.05).fit(flaky, yd)
    assert (tmp_path / "failed").exists()
    close(model.coef_, sk.Lasso(alpha=0.05).fit(X, y).coef_)


def test_a_task_that_keeps_failing_raises_instead_of_a_model(tmp_path):
    X, y, _ = make_data(n=800)
    Xd, yd, _ = as_dask(X, y, x_rows=200)
    broken = Xd.map_blocks(_flaky_block, str(tmp_path / "failed"), True, dtype=Xd.dtype)
    model = sd.Lasso(alpha=0.05)
    with pytest.raises(OSError, match="simulated worker failure"):
        model.fit(broken, yd)
    assert not hasattr(model, "coef_")


# -- optional extra ---------------------------------------------------------------


def test_numpy_input_without_a_client_is_wrapped():
    code = (
        "import numpy as np\n"
        "from shrinkage import distributed as sd\n"
        "X = np.random.default_rng(0).standard_normal((500, 4)); y = X @ [1., 2., 0., 0.]\n"
        "print(np.round(sd.Ridge(alpha=1e-9).fit(X, y).coef_, 6).tolist())\n"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[1.0, 2.0, 0.0, 0.0]"


def test_import_shrinkage_does_not_import_dask_and_a_missing_dask_names_the_extra():
    # None in sys.modules makes `import dask` fail as if it were not installed.
    code = "\n".join([
        "import sys",
        "import shrinkage",
        "print('dask' in sys.modules)",
        "sys.modules['dask'] = None",
        "try:",
        "    import shrinkage.distributed",
        "except ImportError as exc:",
        "    print(exc)",
    ])
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.strip().splitlines()
    assert first == "False"
    assert "pip install shrinkage[dask]" in second
