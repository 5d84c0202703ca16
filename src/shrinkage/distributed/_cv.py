"""LassoCV, ElasticNetCV and RidgeCV on Dask data: K folds in the same one pass.

The pass keeps one set of statistics per fold (rows assigned by
:class:`HashFolds`); each training set is the merge of the other K - 1
folds (never the total minus a fold, which would subtract large numbers),
its path is solved locally, and its held-out mean squared error at every
alpha comes from the held-out fold's statistics (``_problem.held_out_errors``),
so no second pass is needed. Choice of alpha, the refit on all the data and
the fitted attributes are the in-memory estimators' own code.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .. import model_selection
from ..model_selection._cv_path import CVResult
from ..model_selection._ridge_cv import penalty_factors, ridge_fits
from ..model_selection._ridge_loo import largest_alpha_scale
from ..model_selection._selection import mean_over_folds, standard_error
from ..path import Path, path_from_problem
from ._data import RowData, row_data
from ._passes import stats_pass
from ._path import full_size
from ._problem import held_out_errors, regression_problem
from ._qr import QRFallback
from ._regression import DaskLinearPredictor, set_input_attributes
from ._stats import BlockStats, hash_folds, merge_all

Vector = NDArray[np.float64]


@dataclass(frozen=True)
class HashFolds:
    """K folds by a seeded hash of each row's global position.

    A row's fold does not depend on the chunking, and sorted data (by time,
    by target) still give folds that look alike. Pass an instance as
    ``cv=`` to the distributed CV estimators (an int K means
    ``HashFolds(K)``); :meth:`split` gives the same folds as index arrays
    for an in-memory estimator.

    Parameters
    ----------
    n_splits : int, default=5
    seed : int, default=0
    """

    n_splits: int = 5
    seed: int = 0

    def split(self, n_rows: int) -> list[tuple[NDArray[np.int64], NDArray[np.int64]]]:
        """``(train, test)`` index pairs of ``n_rows`` rows."""
        return hash_folds(n_rows, self.n_splits, self.seed)


def as_hash_folds(cv: Any) -> HashFolds:
    """``cv`` (None, an int or a HashFolds) as HashFolds."""
    if cv is None:
        return HashFolds()
    if isinstance(cv, HashFolds):
        folds = cv
    elif isinstance(cv, Integral) and not isinstance(cv, bool):
        folds = HashFolds(int(cv))
    else:
        raise TypeError(
            f"cv must be None, an int K or shrinkage.distributed.HashFolds, got {cv!r}: on "
            "Dask data the folds are a hash of each row's position, computed in the pass "
            "(use HashFolds(K, seed).split(n) to give an in-memory estimator the same folds)."
        )
    if folds.n_splits < 2:
        raise ValueError(f"cv must be at least 2 folds, got {folds.n_splits}.")
    return folds


def check_mse_scoring(scoring: Any) -> None:
    if scoring not in (None, "neg_mean_squared_error"):
        raise ValueError(
            f"scoring={scoring!r}: on Dask data the held-out error comes from each fold's "
            "statistics, which give the mean squared error only; use scoring=None."
        )


def fold_pass(estimator: Any, X: Any, y: Any, sample_weight: Any) -> tuple[
    RowData, list[BlockStats], BlockStats, QRFallback
]:
    """Validate, then one pass of per-fold statistics, their total and the QR fallback."""
    estimator._validate_params()
    check_mse_scoring(estimator.scoring)
    folds = as_hash_folds(estimator.cv)
    data = row_data(X, y, sample_weight)
    stats = stats_pass(
        data, n_folds=folds.n_splits, seed=folds.seed, centre=bool(estimator.fit_intercept)
    )
    if any(s.rows == 0 for s in stats):
        raise ValueError(
            f"a fold of the {folds.n_splits} is empty ({data.n_rows} rows); use fewer folds."
        )
    set_input_attributes(estimator, data)
    qr = QRFallback(data, n_folds=folds.n_splits, seed=folds.seed,
                    centre=bool(estimator.fit_intercept))
    return data, stats, merge_all(stats), qr


def _training(
    stats: list[BlockStats], k: int | None, estimator: Any, data: RowData, qr: QRFallback
) -> Any:
    """Fold ``k``'s training problem (the merge of the other folds; all of them for None)."""
    others = merge_all([s for j, s in enumerate(stats) if j != k])
    return regression_problem(
        others, fit_intercept=bool(estimator.fit_intercept),
        standardize=bool(estimator.standardize), weighted=data.weights is not None,
        dtype=data.dtype, qr=qr, exclude=k,
    )


class ElasticNetCV(DaskLinearPredictor, model_selection.ElasticNetCV):
    """:class:`shrinkage.ElasticNetCV` on Dask arrays and DataFrames.

    The objective, parameters and fitted attributes are the in-memory
    estimator's, with two differences forced by the single pass: ``cv`` is
    None (5 folds), an int K or a :class:`HashFolds` (rows assigned by a
    seeded hash of their position), and ``scoring`` is the mean squared
    error (None). ``groups`` is not supported.
    """

    def fit(self, X: Any, y: Any, sample_weight: Any = None, groups: Any = None) -> Any:
        """Cross-validate the paths from one pass, then refit on all the data.

        Parameters
        ----------
        X : dask array or dask DataFrame of shape (n_samples, n_features)
        y : dask array or Series of shape (n_samples,)
        sample_weight : dask array or Series of shape (n_samples,), optional
        groups : None
            Group splitters need the rows; not supported on Dask data.

        Returns
        -------
        self
        """
        if groups is not None:
            raise ValueError("groups is not supported on Dask data; use cv=HashFolds(K).")
        data, stats, _, qr = fold_pass(self, X, y, sample_weight)
        problem = _training(stats, None, self, data, qr)
        options = self._options()
        l1_ratios = self._l1_ratios()
        grids = self._grids(problem, l1_ratios, options)
        gammas = (
            np.unique(np.asarray(self.gammas, dtype=np.float64))[::-1]
            if self.relax else np.ones(1)
        )
        training = [_training(stats, k, self, data, qr) for k in range(len(stats))]
        # (l1_ratio, gamma) settings l1_ratio-major, as in memory.
        errors = np.empty((l1_ratios.size, gammas.size, grids.shape[1], len(stats)))
        for i, (l1, grid) in enumerate(zip(l1_ratios, grids, strict=True)):
            for k, train in enumerate(training):
                path = path_from_problem(
                    train, l1_ratio=float(l1), alphas=grid, n_alphas=grid.size, eps=0.5,
                    fit_intercept=self.fit_intercept,
                    options={**options, "relax": bool(np.any(gammas < 1))}, warn=False,
                )
                for g, gamma in enumerate(gammas):
                    coefs, intercepts = _mixed(path, float(gamma))
                    errors[i, g, :, k] = held_out_errors(stats[k], coefs, intercepts)
        fold_errors = errors.reshape(l1_ratios.size * gammas.size, grids.shape[1], len(stats))
        result = CVResult(
            l1_ratios=np.repeat(l1_ratios, gammas.size), gammas=np.tile(gammas, l1_ratios.size),
            alphas=np.repeat(grids, gammas.size, axis=0), fold_errors=fold_errors,
            mean_error=mean_over_folds(fold_errors), standard_error=standard_error(fold_errors),
            fold_sizes=np.array([s.rows for s in stats], dtype=np.int64), scoring="mse",
        )
        self._choose(result)
        self.path_: Path = full_size(path_from_problem(
            problem, l1_ratio=self.l1_ratio_, alphas=grids[self._l1_index],
            n_alphas=grids.shape[1], eps=0.5, fit_intercept=self.fit_intercept,
            options={**options, "relax": self.relax},
            feature_names=getattr(self, "feature_names_in_", None),
        ), data.n_rows)
        self._set_from_path(data.dtype, "mse", grids)
        return self


def _mixed(path: Path, gamma: float) -> tuple[Vector, Vector]:
    """A path's coefficients mixed with its relaxed fit (``gamma`` 1: penalised only)."""
    if gamma == 1:
        return path.coefs, path.intercepts
    assert path.relaxed_coefs is not None and path.relaxed_intercepts is not None
    return (
        gamma * path.coefs + (1 - gamma) * path.relaxed_coefs,
        gamma * path.intercepts + (1 - gamma) * path.relaxed_intercepts,
    )


class LassoCV(ElasticNetCV, model_selection.LassoCV):
    """:class:`shrinkage.LassoCV` on Dask arrays and DataFrames.

    :class:`ElasticNetCV` with ``l1_ratio=1``; see it for ``cv`` and ``scoring``.
    """


class RidgeCV(DaskLinearPredictor, model_selection.RidgeCV):
    """:class:`shrinkage.RidgeCV` on Dask arrays and DataFrames, by K-fold CV.

    The objective, parameters and fitted attributes are the in-memory
    estimator's. Leave-one-out (``cv=None`` with ``criterion="loo"``, the
    in-memory default) needs every row's leverage, a second pass; on Dask
    data ``cv`` is an int K or a :class:`HashFolds`, and ``scoring`` is the
    mean squared error.
    """

    def fit(self, X: Any, y: Any, sample_weight: Any = None, groups: Any = None) -> Any:
        """Choose alpha by K-fold CV from one pass, then refit on all the data.

        ``X``, ``y`` and ``sample_weight`` are as in :meth:`ElasticNetCV.fit`;
        the weights are raw (their scale matters, as in scikit-learn's
        Ridge). Returns ``self``.
        """
        if self.cv is None or groups is not None:
            raise ValueError(
                "on Dask data RidgeCV cross-validates by K folds from one pass: pass cv=5 "
                "(or HashFolds(K, seed)); leave-one-out and groups need the rows."
            )
        self._check_combination()
        data, stats, _, qr = fold_pass(self, X, y, sample_weight)
        problem = _training(stats, None, self, data, qr)
        factor = penalty_factors(self.penalty_factor, data.n_features)
        alphas = self._grid(lambda: largest_alpha_scale(problem, factor))
        fold_errors = np.empty((alphas.size, len(stats)))
        for k in range(len(stats)):
            train = _training(stats, k, self, data, qr)
            # Raw weights are not needed: the problem's rows already carry them.
            coefs, intercepts = ridge_fits(train, None, alphas, factor, self.fit_intercept)
            fold_errors[:, k] = held_out_errors(stats[k], coefs, intercepts)
        self._choose({
            "alphas": alphas, "mean_error": mean_over_folds(fold_errors),
            "standard_error": standard_error(fold_errors), "scoring": "mse",
            "criterion": "kfold", "fold_errors": fold_errors,
            "fold_sizes": np.array([s.rows for s in stats], dtype=np.int64),
        })
        self._refit(problem, factor, data.dtype)
        self.path_ = full_size(self.path_, data.n_rows)
        return self
