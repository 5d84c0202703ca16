"""Hypothesis: whole paths on random and degenerate problems are certified,
respect their bounds, start at exact zeros, and agree between dense (solved
on the tall QR reduction when n > p) and sparse storage."""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

from shrinkage import regularization_path


def _objective(X, y, coef, intercept, alpha, l1_ratio, factor, standardize):
    """The objective the path minimises: with ``standardize`` the penalty is on the
    standardised coefficients ``coef * sd`` (glmnet's), not on ``coef``; comparing
    a different function would turn a certified 1e-11 into a first-order 1e-6."""
    r = y - X @ coef - intercept
    w = coef * X.std(axis=0) if standardize else coef
    pen = alpha * np.sum(factor * (l1_ratio * np.abs(w) + 0.5 * (1 - l1_ratio) * w**2))
    return 0.5 * float(r @ r) / len(y) + pen


@st.composite
def path_problems(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.sampled_from([6, 15, 40, 120]))
    p = draw(st.sampled_from([1, 4, 12, 30]))
    X = rng.standard_normal((n, p)) + rng.uniform(-3, 3, p)
    kinds = draw(st.sets(st.sampled_from(["constant", "duplicate", "zero_column", "zero_y"]),
                         max_size=2))
    if "constant" in kinds:
        X[:, 0] = 2.5
    if "duplicate" in kinds and p > 1:
        X[:, -1] = X[:, 0]
    if "zero_column" in kinds and p > 2:
        X[:, 1] = 0.0
    y = X @ (rng.standard_normal(p) * (rng.random(p) < 0.5)) + rng.standard_normal(n)
    if "zero_y" in kinds:
        y = np.zeros(n)
    l1_ratio = draw(st.sampled_from([1.0, 0.5, 0.1, 0.0]))
    options = {"standardize": draw(st.booleans())}
    factor = rng.choice([0.5, 1.0, 2.0], p)
    if draw(st.booleans()) and p > 1 and n > 8:
        factor[0] = 0.0
    options["penalty_factor"] = factor
    if draw(st.booleans()):
        options["lower_bounds"] = -rng.uniform(0.1, 2.0, p)
        options["upper_bounds"] = np.where(rng.random(p) < 0.5, rng.uniform(0.1, 2.0, p), np.inf)
    return X, y, l1_ratio, options


@settings(max_examples=40, deadline=None)
@given(path_problems())
def test_paths_are_certified_bounded_and_storage_independent(problem):
    X, y, l1_ratio, options = problem
    kwargs = {"l1_ratio": l1_ratio, "n_alphas": 6, "eps": 0.05, "tol": 1e-9,
              "max_iter": 200_000, **options}
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        dense = regularization_path(X, y, **kwargs)
        sparse = regularization_path(sp.csc_matrix(X), y, alphas=dense.alphas, **{
            k: v for k, v in kwargs.items() if k not in ("n_alphas", "eps")})
    for path in (dense, sparse):
        assert path.converged.all()
        assert np.all(np.isfinite(path.coefs)) and np.all(np.isfinite(path.intercepts))
        if "lower_bounds" in options:
            assert np.all(path.coefs >= options["lower_bounds"][:, None] - 1e-12)
            assert np.all(path.coefs <= options["upper_bounds"][:, None] + 1e-12)
    penalised = options["penalty_factor"] > 0
    if l1_ratio > 0:
        # The default grid starts where every penalised coefficient is 0.
        assert np.all(dense.coefs[penalised, 0] == 0)
    factor = options["penalty_factor"]
    for k in range(dense.n_alphas):
        a = _objective(X, y, dense.coefs[:, k], dense.intercepts[k], dense.alphas[k],
                       l1_ratio, factor, options["standardize"])
        b = _objective(X, y, sparse.coefs[:, k], sparse.intercepts[k], sparse.alphas[k],
                       l1_ratio, factor, options["standardize"])
        assert abs(a - b) <= 1e-6 * max(abs(a), abs(b), 1e-12) + 1e-12 * float(y @ y + 1)
