"""ClosedFormRidge and ridge_svd_path against scikit-learn and explicit solves."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.optimize
import scipy.sparse as sp
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge

from shrinkage._design import center_problem
from shrinkage.penalties import L1, L2, ElasticNet, PenaltyArrays
from shrinkage.solvers.closed_form import ClosedFormRidge, ridge_svd_path

METHODS = ["cholesky", "svd", "cg", "auto"]
TIGHT = 1e-13  # certified gap tolerance that makes CG as accurate as a direct solve


def _problem(name: str) -> tuple[np.ndarray, np.ndarray]:
    if name == "diabetes":
        return load_diabetes(return_X_y=True)
    rng = np.random.default_rng({"tall": 0, "wide": 1}[name])
    n, p = {"tall": (60, 8), "wide": (20, 40)}[name]
    # Uneven column scales and nonzero means exercise conditioning and centring.
    X = rng.standard_normal((n, p)) * rng.uniform(0.1, 10.0, p) + rng.uniform(-3, 3, p)
    y = X[:, :3] @ np.array([1.0, -2.0, 0.5]) + rng.standard_normal(n) + 4.0
    return X, y


def _ridge(l2: np.ndarray) -> PenaltyArrays:
    p = l2.shape[0]
    return PenaltyArrays(
        l1=np.zeros(p), l2=np.asarray(l2, dtype=float),
        lower=np.full(p, -np.inf), upper=np.full(p, np.inf),
    )


def _normal_equations(X: np.ndarray, y: np.ndarray, l2: np.ndarray) -> np.ndarray:
    """Minimum-norm solution of (X'X + n diag(l2)) w = X'y, by pinv."""
    n = X.shape[0]
    return np.linalg.pinv(X.T @ X + n * np.diag(l2)) @ (X.T @ y)


def _assert_close(actual: np.ndarray, expected: np.ndarray, rtol: float) -> None:
    np.testing.assert_allclose(
        actual, expected, rtol=rtol, atol=rtol * np.max(np.abs(expected))
    )


@pytest.mark.parametrize("alpha", [1e-3, 1.0, 10.0])
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("storage", ["dense", "csc"])
@pytest.mark.parametrize("name", ["diabetes", "tall", "wide"])
def test_matches_sklearn_ridge(name, storage, method, alpha):
    X, y = _problem(name)
    n = X.shape[0]
    ref = Ridge(alpha=alpha, solver="svd").fit(X, y)
    Xs = sp.csc_matrix(X) if storage == "csc" else X
    prob = center_problem(Xs, y, None, fit_intercept=True, standardize=False)
    sol = ClosedFormRidge(method=method, tol=TIGHT).solve(
        prob.design, prob.y, L2(alpha / (2 * n))
    )
    coef, intercept = prob.to_original(sol.coef)
    assert sol.coef.dtype == np.float64
    assert sol.converged and sol.certificate_kind == "duality_gap"
    _assert_close(coef, ref.coef_, 1e-8)
    assert intercept == pytest.approx(ref.intercept_, rel=1e-8, abs=1e-8)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", ["diabetes", "wide"])
def test_float32_is_solved_in_float64(name, method):
    # The float32 values, solved in float64, match sklearn on the same values
    # in float64 far beyond float32's precision.
    X, y = _problem(name)
    X32 = X.astype(np.float32)
    X32_copy = X32.copy()
    alpha = 0.1
    ref = Ridge(alpha=alpha, fit_intercept=False, solver="svd")
    ref.fit(X32.astype(float), y)
    solver = ClosedFormRidge(method=method, tol=TIGHT)
    sol = solver.solve(X32, y, L2(alpha / (2 * len(y))))
    assert sol.coef.dtype == np.float64 and sol.converged
    _assert_close(sol.coef, ref.coef_, 1e-8)
    np.testing.assert_array_equal(X32, X32_copy)


@pytest.mark.parametrize("name", ["tall", "wide"])
def test_all_methods_and_storages_agree(name):
    X, y = _problem(name)
    l2 = np.full(X.shape[1], 0.05)
    coefs = []
    for storage in [X, sp.csc_matrix(X)]:
        prob = center_problem(storage, y, None, fit_intercept=True, standardize=False)
        for method in METHODS:
            solver = ClosedFormRidge(method=method, tol=TIGHT)
            coefs.append(solver.solve(prob.design, prob.y, _ridge(l2)).coef)
    for coef in coefs[1:]:
        _assert_close(coef, coefs[0], 1e-9)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("storage", ["dense", "csc"])
def test_certificate_is_a_valid_duality_gap(storage, method):
    X, y = _problem("diabetes")
    Xs = sp.csc_matrix(X) if storage == "csc" else X
    prob = center_problem(Xs, y, None, fit_intercept=True, standardize=False)
    n, l2 = prob.n_samples, 1.0 / 442
    pen = _ridge(np.full(10, l2))
    sol = ClosedFormRidge(method=method).solve(prob.design, prob.y, pen)
    assert sol.certificate_kind == "duality_gap"
    iterative = method == "cg" or (method == "auto" and storage == "csc")
    assert (sol.n_iter > 1) == iterative  # a direct solve reports 1 iteration
    assert sol.tol == pytest.approx(1e-10 * prob.y @ prob.y / n)
    assert 0.0 <= sol.certificate <= sol.tol and sol.converged
    r = prob.y - prob.design.matvec(sol.coef)
    assert sol.primal == pytest.approx(r @ r / (2 * n) + l2 / 2 * sol.coef @ sol.coef)
    # The gap measures suboptimality: it is large at a perturbed point.
    other = ClosedFormRidge(method="cg", max_iter=1, tol=1e-10)
    bad = other.solve(prob.design, prob.y, pen, warn=False, coef_init=sol.coef * 1.1)
    assert bad.certificate > 100 * sol.tol and not bad.converged


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("storage", ["dense", "csc"])
@pytest.mark.parametrize("name", ["tall", "wide"])
def test_per_feature_l2_with_zeros(name, storage, method):
    X, y = _problem(name)
    X, y = X - X.mean(axis=0), y - y.mean()
    p = X.shape[1]
    l2 = np.random.default_rng(2).uniform(0.01, 1.0, p)
    l2[[0, 3, 5]] = 0.0  # unpenalised features
    Xs = sp.csc_matrix(X) if storage == "csc" else X
    sol = ClosedFormRidge(method=method, tol=TIGHT).solve(Xs, y, _ridge(l2))
    assert sol.converged and sol.certificate <= sol.tol
    _assert_close(sol.coef, _normal_equations(X, y, l2), 1e-8)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", ["tall", "wide"])
def test_per_feature_l2_positive(name, method):
    # p > n with unequal l2 > 0 takes the dual (n x n) Cholesky form.
    X, y = _problem(name)
    l2 = np.random.default_rng(3).uniform(0.01, 2.0, X.shape[1])
    sol = ClosedFormRidge(method=method, tol=TIGHT).solve(X, y, _ridge(l2))
    assert sol.converged
    _assert_close(sol.coef, _normal_equations(X, y, l2), 1e-8)


def test_per_feature_l2_matches_brute_force_minimisation():
    X, y = _problem("tall")
    X, y = X - X.mean(axis=0), y - y.mean()
    n = X.shape[0]
    l2 = np.array([0.0, 0.5, 0.1, 0.0, 2.0, 0.3, 0.05, 1.0])

    def objective(w):
        r = y - X @ w
        return r @ r / (2 * n) + 0.5 * np.sum(l2 * w * w), -X.T @ r / n + l2 * w

    brute = scipy.optimize.minimize(objective, np.zeros(8), jac=True, method="BFGS",
                                    options={"gtol": 1e-12, "maxiter": 10_000}).x
    sol = ClosedFormRidge(method="cholesky").solve(X, y, _ridge(l2))
    _assert_close(sol.coef, brute, 1e-6)
    assert sol.primal == pytest.approx(objective(brute)[0], rel=1e-12)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("storage", ["dense", "csc"])
def test_singular_system_gives_minimum_norm_solution(storage, method):
    X, y = _problem("tall")
    X = np.column_stack([X, X[:, 1], np.zeros(len(y))])  # duplicate, zero column
    X, y = X - X.mean(axis=0), y - y.mean()
    l2 = np.full(X.shape[1], 0.2)
    l2[[1, 8, 9]] = 0.0  # the duplicated pair and the zero column are unpenalised
    Xs = sp.csc_matrix(X) if storage == "csc" else X
    sol = ClosedFormRidge(method=method, tol=TIGHT).solve(Xs, y, _ridge(l2))
    assert sol.converged and np.all(np.isfinite(sol.coef))
    _assert_close(sol.coef, _normal_equations(X, y, l2), 1e-8)
    assert sol.coef[1] == pytest.approx(sol.coef[8], rel=1e-8)
    assert sol.coef[9] == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("storage", ["dense", "csc"])
def test_numerically_singular_system(storage, method):
    # A rounded linear combination: Cholesky succeeds on rounding-level pivots,
    # so the rank must be detected, not left to the factorisation failing.
    X, y = _problem("tall")
    X = np.column_stack([X, 2.0 * X[:, 1] - 0.3 * X[:, 2]])
    X, y = X - X.mean(axis=0), y - y.mean()
    l2 = np.full(X.shape[1], 0.2)
    l2[[1, 2, 8]] = 0.0
    Xs = sp.csc_matrix(X) if storage == "csc" else X
    sol = ClosedFormRidge(method=method, tol=TIGHT).solve(Xs, y, _ridge(l2))
    assert sol.converged
    _assert_close(sol.coef, _normal_equations(X, y, l2), 1e-8)


def _explicit_gap(X, y, w, l2):
    """P(w) - D(theta), theta the residual off span(X_U) over n (U: l2 == 0)."""
    n = X.shape[0]
    r = y - X @ w
    XU = X[:, l2 == 0]
    theta = (r - XU @ np.linalg.lstsq(XU, r, rcond=None)[0]) / n
    pen = l2 > 0
    primal = r @ r / (2 * n) + 0.5 * np.sum(l2 * w * w)
    conjugates = (X[:, pen].T @ theta) ** 2 / (2 * l2[pen])
    dual = theta @ y - n / 2 * theta @ theta - np.sum(conjugates)
    return primal - dual


@pytest.mark.parametrize("storage", ["dense", "csc"])
@pytest.mark.parametrize("n_free", [0, 3])
def test_certificate_equals_explicit_gap_away_from_optimum(n_free, storage):
    X, y = _problem("wide")
    X, y = X - X.mean(axis=0), y - y.mean()
    l2 = np.random.default_rng(5).uniform(0.1, 1.0, X.shape[1])
    l2[:n_free] = 0.0
    Xs = sp.csc_matrix(X) if storage == "csc" else X
    w0 = np.random.default_rng(6).standard_normal(X.shape[1])
    rough = ClosedFormRidge(method="cg", max_iter=1).solve(
        Xs, y, _ridge(l2), coef_init=w0, warn=False
    )
    expected = _explicit_gap(X, y, rough.coef, l2)
    assert expected > 1e-3
    assert rough.certificate == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("storage", ["dense", "csc"])
@pytest.mark.parametrize("seed", range(4))
def test_gap_bounds_suboptimality_with_unpenalised_features(storage, seed):
    # A duality gap is an upper bound on P(w) - P(w*) at any w, not only
    # near the optimum; unpenalised features make this need the projection.
    X, y = _problem("wide")
    X, y = X - X.mean(axis=0), y - y.mean()
    l2 = np.full(X.shape[1], 0.3)
    l2[:4] = 0.0
    Xs = sp.csc_matrix(X) if storage == "csc" else X
    best = ClosedFormRidge(tol=TIGHT).solve(X, y, _ridge(l2))
    w0 = best.coef + np.random.default_rng(seed).standard_normal(X.shape[1])
    rough = ClosedFormRidge(method="cg", max_iter=1).solve(
        Xs, y, _ridge(l2), coef_init=w0, warn=False
    )
    assert not rough.converged
    assert rough.certificate >= rough.primal - best.primal > 0


def test_least_squares_svd_is_pinv():
    X, y = _problem("wide")  # p > n, no penalty: the minimum-norm interpolant
    X, y = X - X.mean(axis=0), y - y.mean()
    sol = ClosedFormRidge(method="svd").solve(X, y, _ridge(np.zeros(X.shape[1])))
    _assert_close(sol.coef, np.linalg.pinv(X) @ y, 1e-8)
    assert sol.converged


@pytest.mark.parametrize("name", ["diabetes", "tall", "wide"])
def test_ridge_svd_path_matches_individual_solves(name):
    X, y = _problem(name)
    X, y = X - X.mean(axis=0), y - y.mean()
    n, p = X.shape
    l2_values = np.array([10.0, 1.0, 0.1, 1e-3, 0.0])
    coefs = ridge_svd_path(X, y, l2_values, n)
    assert coefs.shape == (p, l2_values.size)
    for k, l2 in enumerate(l2_values):
        expected = _normal_equations(X, y, np.full(p, l2))
        if l2 > 0:
            solo = ClosedFormRidge().solve(X, y, _ridge(np.full(p, l2)))
            _assert_close(solo.coef, expected, 1e-9)
        _assert_close(coefs[:, k], expected, 1e-8)
    # n_samples is the n of the loss: doubling it equals doubling l2.
    doubled_n = ridge_svd_path(X, y, [0.3], 2 * n)
    _assert_close(doubled_n, ridge_svd_path(X, y, [0.6], n), 1e-12)


def test_ridge_svd_path_rejects_bad_input():
    X, y = _problem("tall")
    with pytest.raises(ValueError, match="dense"):
        ridge_svd_path(sp.csc_matrix(X), y, [1.0], len(y))
    with pytest.raises(ValueError, match=">= 0"):
        ridge_svd_path(X, y, [1.0, -1.0], len(y))


@pytest.mark.parametrize(
    "penalty",
    [L1(0.1), ElasticNet(0.1, l1_ratio=0.5), L2(0.1, positive=True),
     L2(0.1, upper_bounds=1.0), L2(0.1, lower_bounds=-2.0)],
)
@pytest.mark.parametrize("method", METHODS)
def test_l1_and_bounds_are_rejected(penalty, method):
    X, y = _problem("tall")
    fix = "use CoordinateDescent for L1 terms or bounds"
    with pytest.raises(ValueError, match=fix):
        ClosedFormRidge(method=method).solve(X, y, penalty)


def test_elastic_net_without_l1_is_ridge():
    X, y = _problem("tall")
    a = ClosedFormRidge().solve(X, y, ElasticNet(0.4, l1_ratio=0.0)).coef
    b = ClosedFormRidge().solve(X, y, L2(0.2)).coef
    _assert_close(a, b, 1e-12)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", ["tall", "wide"])
def test_n_samples_scales_the_loss(name, method):
    X, y = _problem(name)
    n = X.shape[0]
    l2 = np.random.default_rng(4).uniform(0.1, 1.0, X.shape[1])
    solver = ClosedFormRidge(method=method, tol=TIGHT)
    a = solver.solve(X, y, _ridge(l2), n_samples=2.0 * n).coef
    b = solver.solve(X, y, _ridge(2.0 * l2)).coef
    _assert_close(a, b, 1e-8)


@pytest.mark.parametrize("storage", ["dense", "csc"])
def test_cg_warm_start_and_warning(storage):
    X, y = _problem("wide")
    Xs = sp.csc_matrix(X) if storage == "csc" else X
    pen = L2(0.01)
    solver = ClosedFormRidge(method="cg")
    sol = solver.solve(Xs, y, pen)
    assert sol.converged and sol.n_iter > 5
    warm = solver.solve(Xs, y, pen, coef_init=sol.coef)
    assert warm.n_iter == 0 and warm.converged
    short = ClosedFormRidge(method="cg", max_iter=2)
    with pytest.warns(ConvergenceWarning, match="duality gap"):
        bad = short.solve(Xs, y, pen)
    assert not bad.converged and bad.n_iter == 2 and bad.certificate > bad.tol
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        short.solve(Xs, y, pen, warn=False)
    with pytest.raises(ValueError, match="coef_init"):
        solver.solve(Xs, y, pen, coef_init=np.zeros(3))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("storage", ["dense", "csc"])
def test_inputs_are_not_modified(storage, method):
    X, y = _problem("wide")
    Xs = sp.csc_matrix(X) if storage == "csc" else X
    l2 = np.full(X.shape[1], 0.1)
    l2[0] = 0.0
    pen = _ridge(l2)
    w0 = np.ones(X.shape[1])
    before = [a.copy() for a in (X, y, w0, pen.l2, pen.l1)]
    data = Xs.data.copy() if sp.issparse(Xs) else None
    ClosedFormRidge(method=method).solve(Xs, y, pen, coef_init=w0)
    for a, b in zip(before, (X, y, w0, pen.l2, pen.l1), strict=True):
        np.testing.assert_array_equal(a, b)
    if data is not None:
        np.testing.assert_array_equal(Xs.data, data)


def test_cg_never_densifies_a_sparse_design(monkeypatch):
    X, y = _problem("wide")
    A = sp.csc_matrix(X)
    prob = center_problem(A, y, None, fit_intercept=True, standardize=False)

    def refuse(*args, **kwargs):
        raise AssertionError("a sparse matrix was densified")

    for cls in (sp.csc_matrix, sp.csr_matrix, sp.coo_matrix):
        monkeypatch.setattr(cls, "toarray", refuse)
        monkeypatch.setattr(cls, "todense", refuse)
    sol = ClosedFormRidge().solve(prob.design, prob.y, L2(0.05))
    assert sol.converged


def test_invalid_arguments():
    with pytest.raises(ValueError, match="method"):
        ClosedFormRidge(method="qr")
    with pytest.raises(ValueError, match="tol"):
        ClosedFormRidge(tol=-1.0)
    with pytest.raises(ValueError, match="max_iter"):
        ClosedFormRidge(max_iter=0)
    X, y = _problem("tall")
    exact = ClosedFormRidge(tol=0.0).solve(X, y, L2(0.1))  # tol=0 is allowed
    _assert_close(exact.coef, ClosedFormRidge().solve(X, y, L2(0.1)).coef, 1e-14)
    with pytest.raises(ValueError, match="y must have shape"):
        ClosedFormRidge().solve(X, y[:-1], L2(0.1))
