"""LogisticRegressionCV on Dask data: K training paths and the full path in lockstep.

Each pass evaluates the K + 1 current models (one per training set, one on
all the rows) on every block and returns their statistics per hashed fold,
so a training set's statistics are the merge of the other folds' and each
model's held-out deviance and accuracy come from its own fold, in the same
pass. The choice of alpha and the fitted attributes are the in-memory
estimator's code.
"""

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .. import model_selection
from .._logistic_path import default_logistic_eps
from .._path_input import check_alphas
from .._path_solve import default_alphas
from ..model_selection._cv_path import CVResult
from ..model_selection._selection import mean_over_folds, standard_error
from ._cv import as_hash_folds
from ._logistic import DaskClassifierPredictor, class_data, logistic_setting
from ._logistic_path import Snapshot, base_fits, follow_grid, path_alpha_max, path_of
from ._newton import Fit
from ._regression import set_input_attributes

Vector = NDArray[np.float64]


def _held_out_error(snapshot: Snapshot, scoring: str) -> float:
    block = snapshot.held_out
    if block is None or not block.weight > 0:
        return float("nan")  # a fold with no held-out weight measures nothing
    if scoring == "deviance":
        return 2.0 * block.loss / block.weight
    return -(1.0 - block.wrong / block.weight)


def _check_training_classes(fits: list[Fit], classes: NDArray[Any]) -> None:
    """Every training set must hold both classes with positive weight."""
    for k, fit in enumerate(fits):
        assert fit.train is not None
        if not 0 < fit.train.positive < fit.train.weight:
            missing = classes[1] if fit.train.positive <= 0 else classes[0]
            raise ValueError(
                f"the training part of fold {k} has no sample (of positive weight) of class "
                f"{missing!r}; a fold cannot learn a class it never sees. Use fewer folds."
            )


def _check_scoring(scoring: Any) -> str:
    if scoring is None or scoring == "deviance":
        return "deviance"
    if scoring == "accuracy":
        return "accuracy"
    raise ValueError(
        f"scoring={scoring!r}: on Dask data the held-out error comes from each fold's pass "
        "statistics, which give the deviance (None) and the accuracy ('accuracy') only."
    )


class LogisticRegressionCV(DaskClassifierPredictor, model_selection.LogisticRegressionCV):
    """:class:`shrinkage.LogisticRegressionCV` (two classes) on Dask arrays and DataFrames.

    The objective, parameters and fitted attributes are the in-memory
    estimator's, with the differences the passes force: ``cv`` is None (5
    folds), an int K or a :class:`HashFolds`; ``scoring`` is None (held-out
    deviance) or ``"accuracy"``; two classes only; no ``groups``.
    """

    def fit(self, X: Any, y: Any, sample_weight: Any = None, groups: Any = None) -> Any:
        """Cross-validate the paths, the K folds and the refit sharing every pass.

        Parameters
        ----------
        X : dask array or dask DataFrame of shape (n_samples, n_features)
        y : dask array or Series of shape (n_samples,)
            Two class labels.
        sample_weight : dask array or Series of shape (n_samples,), optional
        groups : None
            Not supported on Dask data.

        Returns
        -------
        self
        """
        if groups is not None:
            raise ValueError("groups is not supported on Dask data; use cv=HashFolds(K).")
        self._validate_params()
        scoring = _check_scoring(self.scoring)
        folds = as_hash_folds(self.cv)
        cd = class_data(
            X, y, sample_weight, class_weight=self.class_weight,
            fit_intercept=self.fit_intercept, standardize=self.standardize,
            name=type(self).__name__,
        )
        options = self._options()
        tol, max_iter = float(self.tol), int(self.max_iter)
        p = cd.data.n_features
        l1_ratios = self._l1_ratios()
        rows: list[Vector] = []
        errors, paths = [], []
        for l1 in l1_ratios:
            setting = logistic_setting(
                cd, float(l1), options, self.fit_intercept, folds.n_splits, folds.seed
            )
            bases = base_fits(
                cd, setting, [None, *range(folds.n_splits)], tol=tol, max_iter=max_iter
            )
            _check_training_classes(bases[1:], cd.classes)
            amax = path_alpha_max(bases[0], setting, p)
            grid = self._grid(amax, cd.data.n_rows, p)
            snapshots = follow_grid(cd, setting, bases, grid, tol=tol, max_iter=max_iter)
            rows.append(grid)
            errors.append([[_held_out_error(s, scoring) for s in fold] for fold in snapshots[1:]])
            paths.append((setting, snapshots[0], bases[0], grid, amax))
        grids = np.asarray(rows)
        fold_errors = np.asarray(errors, dtype=np.float64).transpose(0, 2, 1)
        held_out = [b.held_out.stats.rows if b.held_out else 0 for b in bases[1:]]
        result = CVResult(
            l1_ratios=l1_ratios, gammas=np.ones(l1_ratios.size), alphas=grids,
            fold_errors=fold_errors, mean_error=mean_over_folds(fold_errors),
            standard_error=standard_error(fold_errors),
            fold_sizes=np.array(held_out, dtype=np.int64), scoring=scoring,
        )
        set_input_attributes(self, cd.data)
        self._choose(result)
        setting, full, base, grid, amax = paths[self._l1_index]
        self.path_ = path_of(
            cd, setting, full, base, grid, amax, options,
            getattr(self, "feature_names_in_", None),
        )
        self._set_from_path(cd.classes, grids)
        return self

    def _grid(self, amax: float, n_rows: int, n_features: int) -> Vector:
        """The user's alphas, or the default grid from ``amax`` (as in memory)."""
        if not (isinstance(self.alphas, Integral) and not isinstance(self.alphas, bool)):
            return check_alphas(self.alphas)
        eps = default_logistic_eps(n_rows, n_features) if self.eps is None else float(self.eps)
        return default_alphas(amax, int(self.alphas), eps)
