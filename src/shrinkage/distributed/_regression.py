"""Lasso, ElasticNet and Ridge fitted on Dask data from one pass of statistics.

Each class is its in-memory namesake (same parameters, objective and fitted
attributes; celer's pattern of overriding only where the data come from):
``fit`` computes the centred statistics of ``[X, y]`` in one pass
(``_passes.stats_pass``), builds the reduced problem from them, and hands it
to the in-memory solve (``PenalizedLinearModel._fit_problem``).
"""

from __future__ import annotations

from typing import Any

import dask.array as da
import dask.dataframe as dd
import numpy as np

from .. import linear_model
from ..linear_model._base import PenalizedLinearModel
from ..solvers.base import Solution
from . import _data
from ._data import RowData, as_dask_matrix, row_data
from ._passes import stats_pass
from ._problem import regression_problem
from ._qr import QRFallback


def is_dask(X: Any) -> bool:
    return isinstance(X, da.Array | dd.DataFrame | dd.Series)


def set_input_attributes(estimator: Any, data: RowData) -> None:
    """``n_features_in_`` and ``feature_names_in_``, as scikit-learn's ``validate_data``."""
    estimator.n_features_in_ = data.n_features
    if data.feature_names is not None:
        estimator.feature_names_in_ = data.feature_names
    elif hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_


class DaskLinearPredictor:
    """``predict`` that stays lazy on Dask input (a Dask array of predictions)."""

    def predict(self, X: Any) -> Any:
        """Predictions ``X @ coef_ + intercept_``: a Dask array for Dask X."""
        if not is_dask(X):
            return super().predict(X)  # type: ignore[misc]
        Xd, _ = as_dask_matrix(X)
        coef = np.asarray(self.coef_)  # type: ignore[attr-defined]
        if Xd.shape[1] != coef.shape[-1]:
            raise ValueError(
                f"X has {Xd.shape[1]} features but the model was fitted on {coef.shape[-1]}."
            )
        return Xd @ coef.T + self.intercept_  # type: ignore[attr-defined]


class DaskPenalizedFit(DaskLinearPredictor):
    """``fit`` from one pass of statistics; the solve is the in-memory one."""

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> Any:
        """Fit the model on Dask (or numpy) data.

        Parameters
        ----------
        X : dask array or dask DataFrame of shape (n_samples, n_features)
            Numeric columns; numpy input is wrapped in a Dask array.
        y : dask array or Series of shape (n_samples,)
            One target; its chunks are aligned to X's rows.
        sample_weight : dask array or Series of shape (n_samples,), optional
            Non-negative weights; only their ratios matter.

        Returns
        -------
        self
        """
        self._validate_params()  # type: ignore[attr-defined]
        wide_ok = isinstance(self, linear_model.ElasticNet)
        data = row_data(X, y, sample_weight, wide=wide_ok)
        if data.n_features > _data.MAX_GRAM_FEATURES:
            return self._fit_wide(data)
        fit_intercept = bool(self.fit_intercept)  # type: ignore[attr-defined]
        [total] = stats_pass(data, centre=fit_intercept)
        problem = regression_problem(
            total, fit_intercept=fit_intercept,
            standardize=bool(self.standardize),  # type: ignore[attr-defined]
            weighted=data.weights is not None, dtype=data.dtype,
            qr=QRFallback(data, centre=fit_intercept),
        )
        set_input_attributes(self, data)
        model: PenalizedLinearModel = self  # type: ignore[assignment]
        return model._fit_problem(problem, 1, data.dtype, sparse=False)

    def _fit_wide(self, data: RowData) -> Any:
        """More columns than a Gram holds: FISTA passes, screening, a Gram (``_wide``)."""
        from ._wide import fit_wide

        result, wd, passes = fit_wide(self, data)
        coef = result.beta / wd.x_scale
        intercept = wd.y_mean - float(wd.x_mean @ coef) if wd.fit_intercept else 0.0
        solution = Solution(
            coef=result.beta, certificate=result.gap, certificate_kind="duality_gap",
            tol=result.tol, primal=result.primal, n_iter=result.n_iter,
            converged=bool(result.gap <= result.tol),
        )
        set_input_attributes(self, data)
        model: PenalizedLinearModel = self  # type: ignore[assignment]
        model._set_fitted(1, data.dtype, [coef], [intercept], [solution])
        self.n_passes_ = passes  # over the data, all stages
        return self


class ElasticNet(DaskPenalizedFit, linear_model.ElasticNet):
    """:class:`shrinkage.ElasticNet` on Dask arrays and DataFrames.

    Minimises the same objective::

        1 / (2 n) * sum_i s_i (y_i - x_i'w - b)^2
            + alpha * sum_j f_j (l1_ratio |w_j| + (1 - l1_ratio) / 2 w_j^2)

    from one pass of centred statistics over the data; parameters and
    fitted attributes are those of :class:`shrinkage.ElasticNet`.

    Examples
    --------
    >>> import dask.array as da
    >>> X = da.random.default_rng(0).normal(size=(2000, 5), chunks=(500, 5))
    >>> y = X[:, 0] - 2 * X[:, 1]
    >>> model = ElasticNet(alpha=0.01, l1_ratio=0.5).fit(X, y)
    >>> model.coef_.round(1).tolist()
    [1.0, -2.0, 0.0, 0.0, 0.0]
    """


class Lasso(DaskPenalizedFit, linear_model.Lasso):
    """:class:`shrinkage.Lasso` on Dask arrays and DataFrames.

    Minimises ``1 / (2 n) * sum_i s_i (y_i - x_i'w - b)^2 + alpha * sum_j f_j |w_j|``
    from one pass of centred statistics; parameters and fitted attributes
    are those of :class:`shrinkage.Lasso`.
    """


class Ridge(DaskPenalizedFit, linear_model.Ridge):
    """:class:`shrinkage.Ridge` on Dask arrays and DataFrames.

    Minimises ``sum_i s_i (y_i - x_i'w - b)^2 + alpha * sum_j f_j w_j^2``
    (scikit-learn's scaling) from one pass of centred statistics;
    parameters and fitted attributes are those of :class:`shrinkage.Ridge`.
    """


def to_in_memory(estimator: Any) -> Any:
    """A fitted distributed estimator as an instance of its in-memory class.

    The same parameters (a ``HashFolds`` ``cv``, which is not plain data,
    becomes None) and fitted attributes, including private ones the
    in-memory methods read, so that :func:`shrinkage.save` can write it and
    it predicts on numpy data without Dask.
    """
    from ..io._estimators import known_classes

    in_memory: Any = known_classes().get(type(estimator).__name__)
    if in_memory is None or not issubclass(type(estimator), in_memory):
        raise TypeError(f"not a shrinkage.distributed estimator: {type(estimator).__name__}.")
    params = estimator.get_params(deep=False)
    if "cv" in params and not isinstance(params["cv"], int | None):
        params["cv"] = None
    twin = in_memory(**params)
    for name, value in vars(estimator).items():
        if name not in params:  # fitted state, public or private
            setattr(twin, name, value)
    return twin
