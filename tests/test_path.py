"""regularization_path and Path: against scikit-learn, against our own
estimators at each alpha, and the Path's methods."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge as SkRidge
from sklearn.linear_model import enet_path, lars_path

from conftest import make_regression
from shrinkage import ElasticNet, Lasso, Ridge, regularization_path

TIGHT = {"tol": 1e-12, "max_iter": 100_000}


def _centred(X, y):
    Xd = X.toarray() if sp.issparse(X) else X
    return Xd - Xd.mean(axis=0), y - y.mean()


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize(
    "name", ["diabetes", "dense_tall", "dense_wide", "sparse_tall", "sparse_wide"]
)
def test_path_matches_sklearn_enet_path(name, l1_ratio):
    from conftest import PROBLEMS

    X, y = PROBLEMS[name]()
    # p > n paths are flat near their end: coefficients agree to 1e-6 only
    # when both solvers are pushed close to exact.
    path = regularization_path(
        X, y, l1_ratio=l1_ratio, n_alphas=30, eps=1e-2, tol=1e-14, max_iter=100_000
    )
    Xc, yc = _centred(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        alphas, coefs, _ = enet_path(
            Xc, yc, l1_ratio=l1_ratio, alphas=path.alphas, tol=1e-16, max_iter=100_000
        )
    np.testing.assert_allclose(path.alphas, alphas)
    # sklearn's own grid: the same alpha_max.
    assert path.alphas[0] == pytest.approx(np.abs(Xc.T @ yc).max() / len(y) / l1_ratio)
    scale = max(np.abs(coefs).max(), 1.0)
    assert np.abs(path.coefs - coefs).max() <= 1e-6 * scale
    Xd = X.toarray() if sp.issparse(X) else X
    np.testing.assert_allclose(path.intercepts, y.mean() - Xd.mean(0) @ path.coefs)
    assert path.converged.all()
    assert np.all(path.dual_gaps <= path.tols)


def test_entry_order_matches_lars_on_diabetes():
    X, y = load_diabetes(return_X_y=True)
    _, _, lars_coefs = lars_path(X, y, method="lasso")
    nonzero = lars_coefs != 0
    first = np.where(nonzero.any(axis=1), nonzero.argmax(axis=1), np.inf)
    expected = np.argsort(first, kind="stable")
    path = regularization_path(X, y)
    np.testing.assert_array_equal(path.entry_order(), expected)
    # Feature 6 enters fourth, leaves, and comes back: first entry counts.
    assert path.entry_order()[3] == 6


def test_top_of_default_grid_is_exactly_zero_and_df_counts_nonzeros():
    X, y = load_diabetes(return_X_y=True)
    path = regularization_path(X, y, n_alphas=20)
    assert np.all(path.coefs[:, 0] == 0)
    assert path.intercepts[0] == pytest.approx(y.mean())
    np.testing.assert_array_equal(path.df, (path.coefs != 0).sum(axis=0))
    assert path.df[-1] == X.shape[1]
    assert path.alphas[-1] == pytest.approx(1e-3 * path.alphas[0])
    assert np.all(np.diff(path.alphas) < 0)


def test_deviance_ratio_is_training_r2():
    X, y = load_diabetes(return_X_y=True)
    path = regularization_path(X, y, n_alphas=10)
    pred = path.predict(X)
    r2 = 1 - ((y[:, None] - pred) ** 2).sum(0) / ((y - y.mean()) ** 2).sum()
    np.testing.assert_allclose(path.deviance_ratio, r2, atol=1e-10)
    assert path.deviance_ratio[0] == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("sparse", [False, True])
def test_path_equals_estimator_at_each_alpha_with_all_options(sparse):
    X, y = make_regression(80, 12, seed=5)
    rng = np.random.default_rng(0)
    sw = rng.uniform(0.2, 3.0, len(y))
    factor = np.r_[0.0, rng.uniform(0.5, 2.0, 11)]
    opts = dict(
        sample_weight=None, penalty_factor=factor, lower_bounds=-1.5, upper_bounds=2.0,
        standardize=True,
    )
    Xin = sp.csr_matrix(X) if sparse else X
    path = regularization_path(Xin, y, l1_ratio=0.7, n_alphas=8, **{**opts, "sample_weight": sw},
                               **TIGHT)
    assert path.converged.all()
    for k in (1, 4, 7):
        est = ElasticNet(
            alpha=path.alphas[k], l1_ratio=0.7, penalty_factor=factor, lower_bounds=-1.5,
            upper_bounds=2.0, standardize=True, **TIGHT,
        ).fit(Xin, y, sample_weight=sw)
        np.testing.assert_allclose(path.coefs[:, k], est.coef_, atol=1e-7)
        assert path.intercepts[k] == pytest.approx(est.intercept_, abs=1e-6)
    assert np.all(path.coefs >= -1.5 - 1e-12) and np.all(path.coefs <= 2.0 + 1e-12)
    # Unpenalised feature 0 is in the model from the top of the path.
    assert path.coefs[0, 0] != 0 and np.all(path.coefs[1:, 0] == 0)


def test_ridge_path_from_one_svd_matches_sklearn_ridge():
    X, y = load_diabetes(return_X_y=True)
    n = len(y)
    path = regularization_path(X, y, l1_ratio=0.0, n_alphas=15)
    # glmnet's ridge grid: alpha_max of l1_ratio=1e-3.
    Xc, yc = _centred(X, y)
    assert path.alphas[0] == pytest.approx(np.abs(Xc.T @ yc).max() / n / 1e-3)
    assert np.all(path.n_iter == 1) and path.converged.all()
    for k in (0, 7, 14):
        # enet scaling alpha/2 ||w||^2 with loss /(2n) is sklearn's Ridge(n alpha).
        ref = SkRidge(alpha=n * path.alphas[k]).fit(X, y)
        np.testing.assert_allclose(path.coefs[:, k], ref.coef_, rtol=1e-9, atol=1e-9)


def test_ridge_path_with_penalty_factors_and_sparse_x():
    X, y = make_regression(60, 8, seed=7)
    factor = np.linspace(0.5, 2.0, 8)
    dense = regularization_path(X, y, l1_ratio=0.0, n_alphas=6, penalty_factor=factor)
    sparse = regularization_path(sp.csc_matrix(X), y, l1_ratio=0.0, n_alphas=6,
                                 penalty_factor=factor, tol=1e-12)
    for k in range(6):
        ref = Ridge(alpha=len(y) * dense.alphas[k], penalty_factor=factor).fit(X, y)
        np.testing.assert_allclose(dense.coefs[:, k], ref.coef_, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(sparse.coefs, dense.coefs, rtol=1e-6, atol=1e-8)
    assert dense.converged.all() and sparse.converged.all()


def test_coef_at_interpolation_and_exact_refit():
    X, y = load_diabetes(return_X_y=True)
    path = regularization_path(X, y, n_alphas=200, **TIGHT)
    # Between two grid points with the same support the lasso path is
    # linear in alpha: interpolation is exact.
    same = np.flatnonzero(np.all((path.coefs[:, :-1] != 0) == (path.coefs[:, 1:] != 0), 0))
    k = int(same[len(same) // 2])
    mid = 0.5 * (path.alphas[k] + path.alphas[k + 1])
    ref = Lasso(alpha=mid, **TIGHT).fit(X, y)
    np.testing.assert_allclose(path.coef_at(mid), ref.coef_, atol=1e-6)
    assert path.intercept_at(mid) == pytest.approx(ref.intercept_, abs=1e-5)
    np.testing.assert_allclose(path.predict(X, mid), ref.predict(X), atol=1e-4)
    # Exact refit anywhere, even between grid points where features enter.
    exact = path.coef_at(0.123, exact=True, X=X, y=y)
    np.testing.assert_allclose(exact, Lasso(alpha=0.123, tol=1e-12).fit(X, y).coef_, atol=1e-6)
    np.testing.assert_array_equal(path.active_set(mid), np.flatnonzero(ref.coef_))
    # Above the top of a default grid every penalised coefficient is zero.
    assert np.all(path.coef_at(10 * path.alphas[0]) == 0)


def test_predict_shapes_and_grid_values():
    X, y = make_regression(40, 6, seed=1)
    path = regularization_path(X, y, n_alphas=5)
    assert path.predict(X).shape == (40, 5)
    assert path.predict(X, path.alphas[2]).shape == (40,)
    np.testing.assert_allclose(path.predict(X, path.alphas[2]), path.predict(X)[:, 2])
    assert path.predict(X, path.alphas[[1, 3]]).shape == (40, 2)
    with pytest.raises(ValueError, match="features"):
        path.predict(X[:, :3])


def test_out_of_grid_alphas_are_errors_that_name_the_fix():
    X, y = make_regression(40, 6, seed=1)
    path = regularization_path(X, y, alphas=[0.5, 0.1])
    with pytest.raises(ValueError, match="exact=True"):
        path.coef_at(0.01)
    with pytest.raises(ValueError, match="starts higher"):
        path.coef_at(1.0)
    with pytest.raises(ValueError, match="pass X and y"):
        path.coef_at(0.2, exact=True)
    with pytest.raises(ValueError, match="relax=True"):
        path.coef_at(0.2, gamma=0.5)


def test_relaxed_path_is_least_squares_on_each_support():
    X, y = load_diabetes(return_X_y=True)
    path = regularization_path(X, y, n_alphas=12, relax=True)
    assert path.relaxed_coefs is not None
    for k in (2, 6, 11):
        support = np.flatnonzero(path.coefs[:, k])
        A = np.c_[np.ones(len(y)), X[:, support]]
        beta = np.linalg.lstsq(A, y, rcond=None)[0]
        np.testing.assert_allclose(path.relaxed_coefs[support, k], beta[1:], rtol=1e-8)
        assert path.relaxed_intercepts[k] == pytest.approx(beta[0])
        mixed = path.coef_at(path.alphas[k], gamma=0.25)
        np.testing.assert_allclose(
            mixed, 0.25 * path.coefs[:, k] + 0.75 * path.relaxed_coefs[:, k]
        )


def test_inputs_are_not_modified_and_feature_names_kept():
    pd = pytest.importorskip("pandas")
    X, y = make_regression(30, 4, seed=3)
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    X_copy, y_copy = X.copy(), y.copy()
    path = regularization_path(frame, y, n_alphas=5, standardize=True)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)
    assert list(path.feature_names) == ["a", "b", "c", "d"]
    assert path.names(path.entry_order())[0] in {"a", "b", "c", "d"}


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"alphas": [1.0, -0.1]}, "> 0"),
        ({"alphas": [1.0, 0.0]}, "> 0"),
        ({"alphas": [np.nan]}, "> 0"),
        ({"alphas": []}, "non-empty"),
        ({"eps": 0.0}, "strictly between 0 and 1"),
        ({"eps": 1.5}, "strictly between 0 and 1"),
        ({"n_alphas": 0}, "n_alphas"),
        ({"l1_ratio": 1.5}, r"\[0, 1\]"),
        ({"tol": -1.0}, "tol"),
        ({"max_iter": 0}, "max_iter"),
    ],
)
def test_bad_path_arguments(kwargs, match):
    X, y = make_regression(20, 3, seed=0)
    with pytest.raises(ValueError, match=match):
        regularization_path(X, y, **kwargs)


def test_bad_path_data():
    X, y = make_regression(20, 3, seed=0)
    with pytest.raises(ValueError, match="one target"):
        regularization_path(X, np.c_[y, y])
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        regularization_path(bad, y)
    with pytest.raises(ValueError, match="sample_weight"):
        regularization_path(X, y, sample_weight=np.ones(3))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("value, match", [(np.nan, "NaN"), (np.inf, "infinity"),
                                          (-np.inf, "infinity")])
@pytest.mark.parametrize("where", [(0, 0), (-1, -1), (17, 2)])
def test_a_tall_x_is_checked_for_nan_and_inf_through_its_triangle(
    dtype, fit_intercept, value, match, where
):
    """A tall dense X is not read once just to prove it finite: its triangle
    is finite exactly when X is. A NaN or inf anywhere still gets the error
    naming it, and no floating-point warning from the centring first."""
    X, y = make_regression(60, 4, seed=1)
    bad = X.astype(dtype)
    bad[where] = value
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=match):
            regularization_path(bad, y, fit_intercept=fit_intercept, standardize=True)


def test_a_tall_x_whose_squares_overflow_is_still_fitted():
    """Entries at 1e200 overflow the Gram matrix but are finite: the deferred
    check lets them through to the QR route, with the same path as the
    eager check (a list takes scikit-learn's validation first)."""
    X, y = make_regression(60, 4, seed=2)
    X[:, 1] *= 1e200
    path = regularization_path(X, y, n_alphas=10)
    assert np.isfinite(path.coefs).all() and path.converged.all()
    eager = regularization_path(X.tolist(), y, n_alphas=10)
    np.testing.assert_array_equal(path.coefs, eager.coefs)
