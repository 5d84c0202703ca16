"""Scoring predictions along a path and choosing an alpha from CV errors.

Errors are "lower is better" everywhere: the default is the (weighted)
mean squared error; a scikit-learn scorer's score is negated, so
``scoring="r2"`` gives ``-R^2`` and ``"neg_mean_absolute_error"`` gives
the mean absolute error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.metrics import check_scoring, get_scorer_names

Vector = NDArray[np.float64]
RULES = ("min", "1se")


def check_rule(rule: Any) -> str:
    """``rule`` must be ``"min"`` or ``"1se"``."""
    if rule not in RULES:
        raise ValueError(
            f"rule must be 'min' (the alpha with the smallest CV error) or '1se' "
            f"(the largest alpha within one standard error of it); got {rule!r}."
        )
    return str(rule)


class _Fixed(RegressorMixin, BaseEstimator):
    """An 'estimator' whose predictions are given, so that any scorer applies."""

    def __init__(self, prediction: Vector) -> None:
        self.prediction = prediction

    def predict(self, X: Any) -> Vector:
        return self.prediction

    def fit(self, X: Any, y: Any) -> _Fixed:
        return self


ErrorFunction = Callable[[Vector, Vector, Vector | None], Vector]


def error_function(scoring: Any) -> tuple[str, ErrorFunction]:
    """``(name, f)`` with ``f(y, predictions, sample_weight)`` the error per column.

    ``predictions`` has one column per alpha. ``scoring=None`` is the
    weighted mean squared error, computed in one pass as scikit-learn's
    ``LassoCV`` does; a scorer name or callable is applied column by column.
    """
    if scoring is None or scoring == "neg_mean_squared_error":
        return "mse", _mse
    if isinstance(scoring, str) and scoring not in get_scorer_names():
        raise ValueError(
            f"scoring={scoring!r} is not a scikit-learn scorer name; use None (mean "
            "squared error), e.g. 'r2' or 'neg_mean_absolute_error', or a callable "
            "scorer(estimator, X, y)."
        )
    if not (isinstance(scoring, str) or callable(scoring)):
        raise TypeError(f"scoring must be None, a scorer name or a callable, got {scoring!r}.")
    scorer = check_scoring(None, scoring=scoring)
    name = scoring if isinstance(scoring, str) else getattr(scoring, "__name__", "custom")

    def errors(y: Vector, predictions: Vector, sample_weight: Vector | None) -> Vector:
        kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
        if sample_weight is not None and not np.sum(sample_weight) > 0:
            return np.full(predictions.shape[1], np.nan)
        out = np.empty(predictions.shape[1])
        dummy = np.zeros((y.shape[0], 1))
        for k in range(predictions.shape[1]):
            out[k] = -float(scorer(_Fixed(predictions[:, k]), dummy, y, **kwargs))
        return out

    return str(name), errors


def _mse(y: Vector, predictions: Vector, sample_weight: Vector | None) -> Vector:
    squared = (predictions - y[:, None]) ** 2
    if sample_weight is not None and not np.sum(sample_weight) > 0:
        # A fold whose held-out samples all weigh 0 measures nothing.
        return np.full(predictions.shape[1], np.nan)
    if sample_weight is None:
        return np.asarray(squared.mean(axis=0))
    return np.asarray(np.average(squared, weights=sample_weight, axis=0))


@dataclass(frozen=True)
class Choice:
    """Indices chosen on one error curve: the minimum and the 1-SE alpha."""

    index_min: int
    index_1se: int


def choose(mean: Vector, standard_error: Vector, alphas: Vector) -> Choice:
    """The minimising alpha and glmnet's one-standard-error alpha.

    ``index_1se`` is the LARGEST alpha (the most regularised model) whose
    mean error is at most ``min(mean) + standard_error[argmin]``; glmnet's
    ``lambda.1se``. Ties at the minimum go to the larger alpha. NaN errors
    (a scorer that failed on a fold) never win.
    """
    finite = np.where(np.isfinite(mean), mean, np.inf)
    if not np.isfinite(finite).any():
        raise ValueError("every CV error is NaN or infinite; check the scoring and the data.")
    best = float(finite.min())
    # alphas are sorted decreasing: argmax of the boolean is the largest alpha.
    index_min = int(np.argmax(finite == best))
    threshold = best + float(np.nan_to_num(standard_error[index_min]))
    within = finite <= threshold
    candidates = np.flatnonzero(within)
    index_1se = int(candidates[np.argmax(alphas[candidates])])
    return Choice(index_min=index_min, index_1se=index_1se)


def standard_error(fold_errors: Vector) -> Vector:
    """Standard error of the mean over the last axis (folds): ``sd / sqrt(K)``.

    Folds whose error is NaN (no held-out weight) are skipped; with fewer
    than two folds left there is no spread to measure, and the error is 0.
    """
    k = np.sum(np.isfinite(fold_errors), axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(
            np.nansum((fold_errors - mean_over_folds(fold_errors)[..., None]) ** 2, axis=-1)
            / (k - 1)
        )
        return np.asarray(np.where(k >= 2, sd / np.sqrt(k), 0.0))


def mean_over_folds(fold_errors: Vector) -> Vector:
    """Mean over the last axis, skipping folds with no measurable error (NaN)."""
    finite = np.isfinite(fold_errors)
    total = np.where(finite, fold_errors, 0.0).sum(axis=-1)
    count = finite.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(count > 0, total / count, np.nan))
