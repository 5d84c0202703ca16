"""ProximalGradient (ISTA / FISTA): exact against CoordinateDescent and sklearn."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet as SkElasticNet
from sklearn.linear_model import Lasso as SkLasso

from shrinkage._design import as_design, center_problem
from shrinkage.penalties import L1, L2, ElasticNet
from shrinkage.solvers import CoordinateDescent, prox_grad
from shrinkage.solvers.prox_grad import ProximalGradient, lipschitz_constant

OBJ_RTOL = 1e-7  # objective values of two certified solvers


def _random_problem(storage: str, n: int = 40, p: int = 25, seed: int = 0):
    rng = np.random.default_rng(seed)
    if storage == "sparse":
        X = sp.random(n, p, density=0.3, format="csc", random_state=seed)
        X.data = rng.standard_normal(X.nnz)
    else:
        X = rng.standard_normal((n, p))
        X[:, 6] = X[:, 0] + 0.1 * rng.standard_normal(n)  # correlated pair
        if storage == "float32":
            X = X.astype(np.float32)
    w = np.zeros(p)
    w[:5] = [3.0, -2.0, 1.5, 0.0, 1.0]
    y = np.asarray(X @ w).ravel() + 0.5 * rng.standard_normal(n)
    return X, y


@pytest.fixture(scope="module")
def diabetes():
    return load_diabetes(return_X_y=True)


def _objective(design, y, w, penalty) -> float:
    r = y - design.matvec(w)
    pen = penalty.per_feature(w.shape[0])
    return 0.5 * float(r @ r) / design.n_rows + pen.value(w)


def _alpha_max(design, y) -> float:
    return float(np.max(np.abs(design.rmatvec(y)))) / design.n_rows


# -- scikit-learn as the oracle ------------------------------------------------


@pytest.mark.parametrize("data", ["diabetes", "dense", "sparse"])
@pytest.mark.parametrize("model", ["lasso", "enet"])
@pytest.mark.parametrize("positive", [False, True])
def test_matches_sklearn(diabetes, data, model, positive):
    X, y = diabetes if data == "diabetes" else _random_problem(data)
    prob = center_problem(X, y, None, fit_intercept=True, standardize=False)
    alpha = 0.05 * _alpha_max(prob.design, prob.y)
    if model == "lasso":
        penalty = L1(alpha, positive=positive)
        ref = SkLasso(alpha=alpha, positive=positive, tol=1e-12, max_iter=100_000)
    else:
        penalty = ElasticNet(alpha, l1_ratio=0.6, positive=positive)
        ref = SkElasticNet(
            alpha=alpha, l1_ratio=0.6, positive=positive, tol=1e-12, max_iter=100_000
        )
    ref.fit(X, y)
    sol = ProximalGradient(tol=1e-10).solve(prob.design, prob.y, penalty)
    # With the intercept optimised out, sklearn's objective is ours at its coef.
    ref_obj = _objective(prob.design, prob.y, ref.coef_, penalty)
    assert sol.converged
    assert sol.certificate <= sol.tol
    assert sol.primal == pytest.approx(ref_obj, rel=OBJ_RTOL)
    scale = np.max(np.abs(ref.coef_))
    np.testing.assert_allclose(sol.coef, ref.coef_, atol=1e-3 * scale)
    np.testing.assert_array_equal(sol.coef == 0, ref.coef_ == 0)
    if positive:
        assert np.all(sol.coef >= 0)


# -- CoordinateDescent as the oracle: factors, bounds, every penalty -------------

FACTORS = np.r_[0.0, 1.0, 0.0, 2.0, 0.5, np.ones(20)]

PENALTIES = {
    "l1_factors": lambda a: L1(a, penalty_factor=FACTORS),
    "enet_factors_positive": lambda a: ElasticNet(
        a, l1_ratio=0.7, penalty_factor=FACTORS, positive=True
    ),
    "l1_box": lambda a: L1(a, lower_bounds=-0.5, upper_bounds=1.0),
    "enet_box_factors": lambda a: ElasticNet(
        a, l1_ratio=0.3, penalty_factor=FACTORS, lower_bounds=-1.0, upper_bounds=2.0
    ),
    "l2": lambda a: L2(a),
    "l1_small_alpha": lambda a: L1(a / 20),
}


@pytest.mark.parametrize("storage", ["dense", "sparse", "float32"])
@pytest.mark.parametrize("name", sorted(PENALTIES))
def test_matches_coordinate_descent(storage, name):
    X, y = _random_problem(storage)
    penalty = PENALTIES[name](0.1 * _alpha_max(as_design(X), y))
    # CD's own certificate is not asserted: its gap can read as the primal
    # value at an optimum when a free unpenalised column's correlation rounds
    # to a tiny positive number (see _duality_gap in prox_grad.py). Its
    # objective must still match ours, which is certified.
    ref = CoordinateDescent(tol=1e-10, max_iter=3000).solve(X, y, penalty, warn=False)
    sol = ProximalGradient(tol=1e-10).solve(X, y, penalty)
    assert sol.converged
    assert sol.certificate_kind == "duality_gap"
    assert sol.certificate <= sol.tol
    assert sol.primal == pytest.approx(ref.primal, rel=OBJ_RTOL)
    np.testing.assert_allclose(sol.coef, ref.coef, atol=1e-4)
    pen = penalty.per_feature(X.shape[1])
    assert np.all(sol.coef >= pen.lower) and np.all(sol.coef <= pen.upper)


def test_box_bounds_are_active():
    """The box test above must actually clip something to mean anything."""
    X, y = _random_problem("dense")
    penalty = PENALTIES["l1_box"](0.1 * _alpha_max(as_design(X), y))
    sol = ProximalGradient(tol=1e-10).solve(X, y, penalty)
    assert np.any(sol.coef == 1.0) and np.any(sol.coef == -0.5)


def test_all_unpenalised_is_least_squares():
    """Zero factors everywhere: the projected dual point keeps the gap finite."""
    X, y = _random_problem("dense")
    sol = ProximalGradient(tol=1e-12).solve(X, y, L1(1.0, penalty_factor=0.0))
    assert sol.converged
    w_ls = np.linalg.lstsq(X, y)[0]
    r = y - X @ w_ls
    assert sol.primal == pytest.approx(0.5 * (r @ r) / X.shape[0], rel=1e-10)
    np.testing.assert_allclose(sol.coef, w_ls, atol=1e-4)


@pytest.mark.parametrize("storage", ["dense", "sparse"])
def test_ista_and_fista_agree(storage):
    X, y = _random_problem(storage)
    penalty = ElasticNet(0.1 * _alpha_max(as_design(X), y), l1_ratio=0.8)
    fista = ProximalGradient(tol=1e-10).solve(X, y, penalty)
    ista = ProximalGradient(tol=1e-10, accelerated=False).solve(X, y, penalty)
    assert fista.converged and ista.converged
    assert fista.primal == pytest.approx(ista.primal, rel=OBJ_RTOL)
    # The correlated pair (columns 0 and 6) is only pinned down to ~1e-4 by
    # a relative gap of 1e-10; the objective is the sharp comparison.
    np.testing.assert_allclose(fista.coef, ista.coef, atol=1e-3)
    assert fista.n_iter < ista.n_iter


def test_adaptive_restart_keeps_fista_fast(diabetes):
    """Without the restart FISTA needs ~5000 iterations here; with it ~300."""
    X, y = diabetes
    prob = center_problem(X, y, None, fit_intercept=True, standardize=False)
    sol = ProximalGradient(tol=1e-10).solve(prob.design, prob.y, L1(0.01))
    assert sol.converged and sol.n_iter <= 1000


# -- the certificate, the step and the contract ------------------------------------


def test_tolerance_is_relative_to_y(diabetes):
    X, y = diabetes
    prob = center_problem(X, y, None, fit_intercept=True, standardize=False)
    sol = ProximalGradient(tol=1e-3).solve(prob.design, prob.y, L1(0.1))
    assert sol.tol == pytest.approx(1e-3 * float(prob.y @ prob.y) / X.shape[0])
    assert 0 <= sol.certificate <= sol.tol
    assert sol.primal == pytest.approx(_objective(prob.design, prob.y, sol.coef, L1(0.1)))


@pytest.mark.parametrize("storage", ["dense", "sparse"])
def test_lipschitz_constant_is_close_and_above(storage):
    X, _ = _random_problem(storage)
    prob = center_problem(X, np.zeros(X.shape[0]), None, fit_intercept=True, standardize=False)
    Xc = prob.design.columns(np.arange(X.shape[1], dtype=np.int64))
    exact = np.linalg.norm(Xc, 2) ** 2 / X.shape[0]
    estimate = lipschitz_constant(prob.design, X.shape[0])
    assert exact <= estimate <= 1.1 * exact


def test_backtracking_repairs_a_bad_step_estimate(monkeypatch):
    X, y = _random_problem("dense")
    penalty = L1(0.1 * _alpha_max(as_design(X), y))
    ref = ProximalGradient(tol=1e-10).solve(X, y, penalty)
    monkeypatch.setattr(prox_grad, "lipschitz_constant", lambda *a, **k: 1e-3)
    sol = ProximalGradient(tol=1e-10).solve(X, y, penalty)
    assert sol.converged
    assert sol.primal == pytest.approx(ref.primal, rel=OBJ_RTOL)


def test_fixed_step_is_used():
    X, y = _random_problem("dense")
    penalty = L1(0.1 * _alpha_max(as_design(X), y))
    step = X.shape[0] / np.linalg.norm(X, 2) ** 2
    good = ProximalGradient(tol=1e-8, step=step).solve(X, y, penalty)
    slow = ProximalGradient(tol=1e-8, step=step / 10).solve(X, y, penalty)
    assert good.converged and slow.converged
    assert slow.n_iter > good.n_iter


def test_a_diverging_fixed_step_raises():
    X, y = _random_problem("dense")
    step = 10 * X.shape[0] / np.linalg.norm(X, 2) ** 2
    with pytest.raises(FloatingPointError, match="too large"), np.errstate(all="ignore"):
        ProximalGradient(step=step, max_iter=100_000).solve(X, y, L1(0.01))


def test_warns_when_max_iter_is_reached():
    X, y = _random_problem("dense")
    penalty = L1(0.01)
    with pytest.warns(ConvergenceWarning, match="duality gap"):
        sol = ProximalGradient(tol=1e-12, max_iter=5).solve(X, y, penalty)
    assert not sol.converged and sol.n_iter == 5 and sol.certificate > sol.tol
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ProximalGradient(tol=1e-12, max_iter=5).solve(X, y, penalty, warn=False)


def test_zero_target_and_warm_start():
    X, y = _random_problem("dense")
    sol = ProximalGradient().solve(X, np.zeros_like(y), L1(0.1))
    assert sol.converged and sol.n_iter == 0 and not np.any(sol.coef)
    penalty = L1(0.1 * _alpha_max(as_design(X), y))
    cold = ProximalGradient(tol=1e-10).solve(X, y, penalty)
    warm = ProximalGradient(tol=1e-10).solve(X, y, penalty, coef_init=cold.coef)
    assert warm.n_iter <= 10 and warm.primal == pytest.approx(cold.primal, rel=1e-12)


def test_inputs_are_not_modified():
    X, y = _random_problem("dense")
    w0 = np.full(X.shape[1], 5.0)
    copies = X.copy(), y.copy(), w0.copy()
    penalty = L1(0.1, upper_bounds=1.0)
    ProximalGradient().solve(X, y, penalty, coef_init=w0)
    for before, after in zip(copies, (X, y, w0), strict=True):
        np.testing.assert_array_equal(before, after)


def test_rejects_bad_parameters():
    with pytest.raises(ValueError, match="step"):
        ProximalGradient(step=0.0)
    with pytest.raises(ValueError, match="tol"):
        ProximalGradient(tol=-1.0)
