"""Per-fold Gram statistics for cross-validation of tall data (_fold_gram.py)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.model_selection import KFold, ShuffleSplit

from shrinkage import ElasticNetCV, LassoCV
from shrinkage._design import center_problem, reduce_tall
from shrinkage.model_selection._cv_path import _gram_problems
from shrinkage.model_selection._fold_gram import (
    block_stats,
    merge,
    partitions_rows,
    training_problem,
)
from shrinkage.path import path_from_problem


def _tall(n=300, p=12, seed=0, offset=0.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.1, 10, p) + offset
    y = X[:, :3] @ np.array([1.0, -2.0, 0.5]) + rng.standard_normal(n) + offset
    return X, y


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(2, 40), split=st.integers(1, 39), seed=st.integers(0, 10_000),
    weighted=st.booleans(), centre=st.booleans(),
    offset=st.sampled_from([0.0, 1e3, 1e7]),
)
def test_merge_equals_the_statistics_of_the_union(n, split, seed, weighted, centre, offset):
    split = min(split, n - 1)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3)) + offset
    y = rng.standard_normal(n) - offset
    w = rng.uniform(0.1, 5, n) if weighted else None
    rows = rng.permutation(n)
    a = block_stats(X, y, w, rows[:split], centre=centre)
    b = block_stats(X, y, w, rows[split:], centre=centre)
    whole = block_stats(X, y, w, rows, centre=centre)
    merged = merge(a, b)
    assert merged.rows == n and merged.weight == pytest.approx(whole.weight, rel=1e-12)
    np.testing.assert_allclose(merged.mean, whole.mean, rtol=1e-12, atol=1e-12 * (1 + offset))
    # Centred scatters keep their digits whatever the offset: the merge's
    # term w_a w_b / w (m_a - m_b)(m_a - m_b)' only inherits the rounding of
    # the means (eps * offset each) times weights of order n. Raw moments
    # would be off by eps * offset^2 * n, 1e5 times more at offset 1e7.
    scale = np.abs(whole.scatter).max()
    eps = np.finfo(np.float64).eps
    atol = 1e-10 * scale + 4 * eps * offset * whole.weight
    np.testing.assert_allclose(merged.scatter, whole.scatter, atol=atol)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("standardize", [True, False])
@pytest.mark.parametrize("weighted", [True, False])
@pytest.mark.parametrize("offset", [0.0, 1e7])
def test_fold_problems_give_the_paths_of_the_rows(fit_intercept, standardize, weighted, offset):
    X, y = _tall(offset=offset)
    X[:, 5] = 3.0 + offset  # a constant column
    w = np.random.default_rng(1).uniform(0.5, 2, X.shape[0]) if weighted else None
    folds = list(KFold(4, shuffle=True, random_state=0).split(X))
    options = {"standardize": standardize, "tol": 1e-12, "max_iter": 100_000}
    problems = _gram_problems(X, y, w, folds, fit_intercept, options)
    if offset and not fit_intercept:
        # Uncentred columns with offset 1e7 make the Gram too ill-conditioned
        # for Cholesky: those folds are built from their rows (QR), not here.
        assert all(pb is None for pb in problems)
        return
    assert all(pb is not None for pb in problems)
    for (train, _), from_stats in zip(folds, problems, strict=True):
        from_rows = reduce_tall(center_problem(
            X[train], y[train], None if w is None else w[train],
            fit_intercept=fit_intercept, standardize=standardize,
        ))
        np.testing.assert_allclose(from_stats.x_mean, from_rows.x_mean, rtol=1e-12)
        np.testing.assert_allclose(from_stats.x_scale, from_rows.x_scale, rtol=1e-10)
        assert from_stats.y_mean == pytest.approx(from_rows.y_mean, rel=1e-12)
        paths = [
            path_from_problem(
                pb, l1_ratio=1.0, alphas=None, n_alphas=20, eps=1e-3,
                fit_intercept=fit_intercept, options=options,
            )
            for pb in (from_stats, from_rows)
        ]
        np.testing.assert_allclose(paths[0].alphas, paths[1].alphas, rtol=1e-9)
        scale = np.abs(paths[1].coefs).max()
        np.testing.assert_allclose(paths[0].coefs, paths[1].coefs, atol=1e-7 * scale)
        np.testing.assert_allclose(
            paths[0].intercepts, paths[1].intercepts, rtol=1e-9, atol=1e-7 * (1 + abs(offset))
        )


def test_splits_that_do_not_partition_the_rows_use_the_rows():
    X, y = _tall()
    shuffle = list(ShuffleSplit(4, test_size=0.2, random_state=0).split(X))
    assert not partitions_rows(shuffle, X.shape[0])
    assert _gram_problems(X, y, None, shuffle, True, {}) == [None] * 4
    kfold = list(KFold(4).split(X))
    assert partitions_rows(kfold, X.shape[0])
    # Wide data and float32 data are not reduced either.
    assert _gram_problems(X[:, :1].repeat(400, axis=1), y, None, kfold, True, {}) == [None] * 4
    assert _gram_problems(X.astype(np.float32), y, None, kfold, True, {}) == [None] * 4


def test_an_ill_conditioned_fold_falls_back_to_its_rows():
    X, y = _tall()
    X[:, 1] = X[:, 0] * (1 + 1e-13)  # Cholesky would lose every digit
    folds = list(KFold(3).split(X))
    stats = [block_stats(X, y, None, np.asarray(test), centre=True) for _, test in folds]
    assert training_problem(stats, 0, standardize=False, fit_intercept=True, weighted=False,
                            dtype=X.dtype) is None


@pytest.mark.parametrize("estimator", [LassoCV, ElasticNetCV])
def test_cv_on_tall_data_agrees_with_shuffle_split_refits(estimator):
    """The CV errors of the Gram route equal those of folds built from rows.

    A duplicate of the first fold breaks the partition, so with it every fold
    is built from its rows; the first five folds must give the same errors.
    """
    X, y = _tall(n=400, p=8, seed=3)
    folds = list(KFold(5, shuffle=True, random_state=2).split(X))
    ours = estimator(cv=folds, tol=1e-12, max_iter=100_000).fit(X, y)
    rows = estimator(cv=[*folds, folds[0]], tol=1e-12, max_iter=100_000).fit(X, y)
    errors = ours.cv_results_["fold_errors"]
    np.testing.assert_allclose(errors, rows.cv_results_["fold_errors"][..., :5], rtol=1e-8)
