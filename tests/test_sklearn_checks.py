"""scikit-learn's own estimator checks, run on every public estimator."""

import pytest
from sklearn.utils.estimator_checks import (
    check_sample_weight_equivalence_on_dense_data,
    check_sample_weight_equivalence_on_sparse_data,
    parametrize_with_checks,
)

from shrinkage import ElasticNet, ElasticNetCV, Lasso, LassoCV, LassoIC, Ridge
from shrinkage.linear_model import LogisticRegression
from shrinkage.model_selection import LogisticRegressionCV

# LassoIC estimates the noise variance by 10-fold CV when p >= n (the check
# uses 15 x 30 data); repeating a sample moves the fold boundaries, so the
# estimate, unlike the least-squares one used when n > p, cannot be exactly
# invariant to repetition. tests/test_ic.py checks the n > p case.
_EXPECTED_FAILURES = {
    "LassoIC": {
        "check_sample_weight_equivalence_on_dense_data": "p >= n: noise variance by K-fold CV",
        "check_sample_weight_equivalence_on_sparse_data": "p >= n: noise variance by K-fold CV",
    }
}

# The grouped solver (block coordinate descent with Anderson extrapolation)
# stops the weighted and the repeated fits of the check's 15 x 30 problem at
# different certified points: on sparse X at tol=1e-4 both gaps are below
# 9.5e-5 yet probabilities differ by 2.8e-3, at tol=1e-13 still by 6.9e-7
# (p > n: the objective is flat along many directions, and the gap bounds
# the objective, not the coefficients). Dense X, centred, does better but not
# reliably below the check's rtol=1e-7 at the default tol.
# test_logistic.py::test_grouped_sparse_weights_are_frequencies checks what
# the certificates do guarantee: equal objectives within the gaps.
_GROUPED_REASON = (
    "grouped: certified fits of a flat p > n objective differ by up to ~1e-6 in "
    "probability even at tol=1e-13, above the check's rtol=1e-7"
)
_GROUPED_SPARSE = {
    "check_sample_weight_equivalence_on_dense_data": _GROUPED_REASON,
    "check_sample_weight_equivalence_on_sparse_data": _GROUPED_REASON,
}


def _expected_failures(estimator):
    if isinstance(estimator, LogisticRegression) and estimator.multinomial_penalty == "grouped":
        return _GROUPED_SPARSE
    return _EXPECTED_FAILURES.get(type(estimator).__name__, {})


@parametrize_with_checks(
    [
        Lasso(),
        ElasticNet(),
        Ridge(),
        Lasso(standardize=True),
        LassoCV(),
        ElasticNetCV(l1_ratio=[0.5, 1.0]),
        LassoCV(rule="1se", relax=True, cv=3),
        LassoIC(),
        LogisticRegression(),
        LogisticRegression(l1_ratio=1.0, alpha=0.01, tol=1e-11, max_iter=1000),
        LogisticRegression(standardize=True),
        LogisticRegression(l1_ratio=0.5, alpha=0.01, multinomial_penalty="grouped"),
        LogisticRegressionCV(cv=3, alphas=10),
        # At tol=1e-4 the weighted and the repeated refits stop ~6e-6 apart in
        # probability (above the sample-weight check's rtol=1e-7), as the
        # regression CV estimators do; converged, they agree.
        LogisticRegressionCV(l1_ratio=[0.5, 1.0], cv=3, alphas=10, rule="1se",
                             scoring="accuracy", tol=1e-10),
    ],
    expected_failed_checks=_expected_failures,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


_TIGHT = {"tol": 1e-10, "max_iter": 100_000}


@pytest.mark.parametrize(
    "check",
    [check_sample_weight_equivalence_on_dense_data, check_sample_weight_equivalence_on_sparse_data],
)
@pytest.mark.parametrize(
    "estimator",
    [
        LassoCV(**_TIGHT),
        ElasticNetCV(l1_ratio=[0.5, 1.0], **_TIGHT),
        LassoCV(rule="1se", relax=True, cv=3, **_TIGHT),
    ],
    ids=repr,
)
def test_cv_sample_weight_equivalence(estimator, check):
    # Integer weights are frequencies in the grid, the folds' fits and errors
    # and the refit: converged, the check holds (see _LOOSE_TOL_REASON).
    check(type(estimator).__name__, estimator)
