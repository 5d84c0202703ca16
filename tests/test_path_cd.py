"""The compiled path (_kernels/path_cd.py) against independent certificates."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from shrinkage._design import center_problem, reduce_tall
from shrinkage._path_solve import compiled_path, compiled_path_applies
from shrinkage.penalties import ElasticNet
from shrinkage.solvers.cd import certify


def _problem(kind: str, seed: int = 0):
    rng = np.random.default_rng(seed)
    if kind == "sparse":
        X = sp.random(80, 300, density=0.05, format="csc", random_state=seed)
        X.data = rng.standard_normal(X.data.size)
    else:
        n, p = (400, 30) if kind == "tall" else (60, 250)
        X = rng.standard_normal((n, p)) + 0.5 * rng.standard_normal((n, 1))
    beta = np.zeros(X.shape[1])
    beta[:8] = rng.standard_normal(8) * 3
    y = X @ beta + rng.standard_normal(X.shape[0]) + 2.0
    problem = center_problem(X, y, None, fit_intercept=True, standardize=False)
    return reduce_tall(problem) if kind == "tall" else problem


def _alpha_max(problem, unit):
    grad = problem.design.rmatvec(problem.y) / problem.n_samples
    return float(np.max(np.abs(grad) / unit.l1))


def _fit_grid(problem, unit, fraction, n_alphas, tol):
    """The compiled path from alpha_max down to ``fraction`` of it; all converged."""
    amax = _alpha_max(problem, unit)
    alphas = np.geomspace(amax, amax * fraction, n_alphas)
    fitted = compiled_path(problem, unit, alphas, np.zeros(unit.n_features), tol=tol,
                           max_iter=1_000_000, null_rss=1.0)
    assert fitted.converged.all()
    return alphas, fitted


@pytest.mark.parametrize("kind", ["dense", "tall", "sparse"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("bounds", [False, True])
def test_every_alpha_is_certified_by_an_independent_gap(kind, l1_ratio, bounds):
    problem = _problem(kind)
    p = problem.design.n_features
    lower = np.where(np.arange(p) % 3 == 0, 0.0, -np.inf) if bounds else None
    pen = ElasticNet(1.0, l1_ratio=l1_ratio, lower_bounds=lower,
                     penalty_factor=np.linspace(0.5, 2.0, p))
    unit = pen.per_feature(p)
    assert compiled_path_applies(problem, unit)
    # A coarse grid: the strong rule misses features that then violate their
    # optimality conditions and must be added by the KKT check.
    tol = 1e-8
    alphas, fitted = _fit_grid(problem, unit, 1e-3, 8, tol)
    for k, alpha in enumerate(alphas):
        w = fitted.coefs[:, k]
        scaled = ElasticNet(alpha, l1_ratio=l1_ratio, lower_bounds=lower,
                            penalty_factor=np.linspace(0.5, 2.0, p))
        check = certify(problem.design, problem.y, scaled, w, n_samples=problem.n_samples,
                        tol=tol)
        # The Python solver's gap of the compiled path's point: the same
        # certificate, computed by other code (from a fresh residual, so the
        # two differ by rounding of the objective, ~1e-13 of it).
        scale = float(problem.y @ problem.y) / problem.n_samples
        assert check.certificate == pytest.approx(fitted.gaps[k], rel=1e-6, abs=1e-11 * scale)
        assert check.certificate <= 0.3 * check.tol * (1 + 1e-9)
        r = problem.y - problem.design.matvec(w)
        assert fitted.rss[k] == pytest.approx(float(r @ r), rel=1e-10)
        if bounds:
            assert np.all(w[lower == 0] >= 0)
    # At alpha_max every coefficient is exactly zero, and just below it not.
    assert not fitted.coefs[:, 0].any()
    assert fitted.coefs[:, 1].any()


def test_zero_tolerance_stops_at_rounding_instead_of_looping():
    problem = _problem("dense")
    p = problem.design.n_features
    unit = ElasticNet(1.0).per_feature(p)
    amax = _alpha_max(problem, unit)
    fitted = compiled_path(problem, unit, np.array([amax, amax / 2, amax / 10]), np.zeros(p),
                           tol=0.0, max_iter=100_000, null_rss=1.0)
    # Certification cannot hold at tol 0, but every alpha ends (rounding
    # floor), long before the epoch limit, with a gap at rounding level.
    assert np.all(fitted.n_iter < 100_000)
    assert np.all(fitted.gaps <= 1e-12 * float(problem.y @ problem.y))


def test_features_without_any_penalty_go_to_the_python_solver():
    problem = _problem("dense")
    p = problem.design.n_features
    factor = np.ones(p)
    factor[0] = 0.0
    assert not compiled_path_applies(problem, ElasticNet(1.0, penalty_factor=factor).per_feature(p))
    # An L2 part alone is enough for the compiled path's dual.
    assert compiled_path_applies(
        problem, ElasticNet(1.0, l1_ratio=0.5, penalty_factor=np.ones(p)).per_feature(p)
    )


def test_a_rejected_extrapolation_leaves_the_point_bit_for_bit():
    """A candidate far along the null space of a wide X (its penalty makes it
    worse) must leave ``w`` and ``r`` exactly as they were: restoring ``w``
    by subtracting a 1e12 step again moved it by 1e-4, and coordinate
    descent then stalled at a positive gap (a hypothesis-found path)."""
    from shrinkage._kernels.path_cd import _try_point

    rng = np.random.default_rng(0)
    X = np.asfortranarray(rng.standard_normal((6, 30)))
    y = rng.standard_normal(6)
    w = np.zeros(30)
    w[[3, 7]] = [0.3, -0.2]
    r = y - X @ w
    null = np.linalg.svd(X)[2][-1]  # X @ null = 0 up to rounding
    ws = np.arange(30)
    candidate = w + 5e12 * null
    l1 = np.full(30, 0.1)
    w_before, r_before = w.copy(), r.copy()
    _try_point((X, np.full(30, 6, dtype=np.int64)), r, w, l1, np.zeros(30), 6.0, ws,
               candidate, np.empty(30))
    assert np.array_equal(w, w_before) and np.array_equal(r, r_before)



def test_an_extrapolated_point_is_swept_before_its_gap_ends_an_alpha():
    """Anderson brings a leaving coefficient to ~1e-13, not to 0: the point must
    get one sweep of soft-thresholding before its gap is taken. Otherwise a
    weighted path (the wide kernel) kept -7e-13 where repeating the rows (the
    tall kernel) gave 0, and relaxed fits and df depended on the route (found
    by scikit-learn's sample-weight check of ``LassoCV(relax=True)``)."""
    from shrinkage import regularization_path

    rng = np.random.RandomState(42)
    X = rng.rand(15, 30)
    y = rng.randint(0, 3, size=15).astype(float)
    counts = rng.randint(0, 5, size=15)
    X2, y2 = np.vstack([X, X]), np.concatenate([y, y])
    weights = np.concatenate([counts, np.ones(15, dtype=int)])
    alphas = np.geomspace(0.3, 3e-5, 100)
    weighted = regularization_path(X2, y2, sample_weight=weights.astype(float), alphas=alphas)
    repeated = regularization_path(X2.repeat(weights, axis=0), y2.repeat(weights),
                                   alphas=alphas)
    assert np.array_equal(weighted.coefs != 0, repeated.coefs != 0)


@pytest.mark.parametrize("kind", ["dense", "triangle", "sparse"])
def test_column_gram_of_every_storage_equals_numpy(kind):
    """``storage.column_gram``: X_A'X_A of the columns as the kernels see them
    (the triangle's rows below each column's end; sparse columns centred)."""
    from numba import njit

    from shrinkage._design import SparseDesign, storage_of
    from shrinkage._kernels.storage import column_gram

    @njit
    def gram(Xs, idx, out, scratch):
        column_gram(Xs, idx, out, scratch)

    rng = np.random.default_rng(3)
    if kind == "sparse":
        A = sp.random(40, 12, density=0.3, format="csc", random_state=3)
        means = rng.standard_normal(12)
        v = rng.uniform(0.5, 1.5, 40)
        design = SparseDesign(A, means=means, v=v)
        dense = A.toarray() - np.outer(v, means)
    else:
        problem = _problem("tall" if kind == "triangle" else "dense")
        design = problem.design
        dense = design.X.copy()
        if kind == "triangle":
            dense[np.arange(dense.shape[0])[:, None] >= design.col_end[None, :]] = 0.0
    idx = np.array([5, 0, 3, 7], dtype=np.int64)
    out = np.empty((4, 4))
    gram(storage_of(design), idx, out, np.zeros(dense.shape[0]))
    np.testing.assert_allclose(out, dense[:, idx].T @ dense[:, idx], rtol=1e-12, atol=1e-10)


@pytest.mark.parametrize("kind", ["dense", "sparse"])
def test_correlated_wide_paths_take_the_support_newton_step_and_stay_certified(kind):
    """rho 0.95 on a wide X: coordinate descent creeps, the support's Newton
    step lands; every alpha is still certified by an independent gap."""
    rng = np.random.default_rng(8)
    n, p = 60, 150
    X = rng.standard_normal((n, p)) + 4.0 * rng.standard_normal((n, 1))
    if kind == "sparse":
        X = sp.csc_matrix(X * (rng.random((n, p)) < 0.5))
    beta = np.zeros(p)
    beta[:10] = rng.standard_normal(10)
    y = X @ beta + 0.1 * rng.standard_normal(n)
    problem = center_problem(X, y, None, fit_intercept=True, standardize=False)
    tol = 1e-10
    alphas, fitted = _fit_grid(problem, ElasticNet(1.0).per_feature(p), 1e-2, 20, tol)
    for k, alpha in enumerate(alphas):
        check = certify(problem.design, problem.y, ElasticNet(alpha), fitted.coefs[:, k],
                        n_samples=problem.n_samples, tol=tol)
        assert check.certificate <= 0.3 * check.tol * (1 + 1e-6)
