"""LogisticRegression on Dask data: proximal Newton with one weighted-Gram pass per step.

A first pass finds the classes, a second gives the weighted class shares
and, with ``standardize``, the columns' weighted standard deviations; then
every Newton step costs one pass (``_newton.py`` for two classes,
``_multinomial.py`` for more: a Gram per pair of classes).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from typing import Any

import dask.array as da
import numpy as np
from dask.delayed import delayed
from numpy.typing import NDArray
from scipy.special import expit, logit, softmax

from .. import linear_model
from ..solvers._logistic_gap import gap_tolerance, null_loss
from ._data import RowData, as_dask_matrix, row_data
from ._newton import Fit, LogisticSetting, solve_lockstep
from ._passes import compute, stats_pass, tree_reduce
from ._problem import check_weight, regression_problem
from ._regression import is_dask, set_input_attributes

Vector = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class ClassData:
    """Rows with labels, the two classes and what the first passes measured."""

    data: RowData
    classes: NDArray[Any]
    shares: Vector
    x_scale: Vector
    column_sd: Vector
    null_loss: float


def _label(value: Any) -> str:
    return repr(value.item() if hasattr(value, "item") else value)


def find_classes(data: RowData, name: str, multiclass: bool = False) -> NDArray[Any]:
    """The sorted distinct labels (one pass over y): two, or more with ``multiclass``."""
    # A pass over y alone: X's blocks are not read.
    parts = [delayed(np.unique, pure=True)(block) for block in data.y.to_delayed().ravel()]
    classes = np.asarray(compute(tree_reduce(parts, np.union1d)))
    if classes.size < 2:
        raise ValueError(
            f"{name} needs at least two classes; y has only one class"
            + (f", {_label(classes[0])}" if classes.size else "")
            + ". Collect samples of another class."
        )
    if classes.size > 2 and not multiclass:
        raise ValueError(
            f"y has {classes.size} classes; on Dask data {name} fits two classes only "
            "(the multinomial loss is available in shrinkage.distributed.LogisticRegression, "
            "not in its path or CV). Fit one binary model per class (y == c), or use the "
            "in-memory estimators on data that fit in memory."
        )
    return classes


def _class_weights(class_weight: Any, classes: NDArray[Any], totals: Vector) -> Vector:
    if class_weight == "balanced":
        return np.asarray(totals.sum() / (2.0 * np.where(totals > 0, totals, np.inf)))
    if isinstance(class_weight, dict):
        return np.array([float(class_weight.get(c, 1.0)) for c in classes])
    raise ValueError(f"class_weight must be None, 'balanced' or a dict, got {class_weight!r}.")


def class_data(
    X: Any, y: Any, sample_weight: Any, *, class_weight: Any, fit_intercept: bool,
    standardize: bool, name: str, found: tuple[RowData, NDArray[Any]] | None = None,
) -> ClassData:
    """Validate, find the classes, apply class weights, measure shares and scales.

    ``found``: the validated data and their two classes, when the caller has them.
    """
    data, classes = found if found is not None else (None, None)
    if data is None or classes is None:
        data = row_data(X, y, sample_weight, numeric_y=False)
        classes = find_classes(data, name)
    y01 = (data.y == classes[1]).astype(np.float64)
    coded = replace(data, y=y01)
    [total] = stats_pass(coded, centre=True)
    check_weight(total)
    share = float(total.mean[-1])
    totals = total.weight * np.array([1.0 - share, share])
    if class_weight is not None:
        per_class = _class_weights(class_weight, classes, totals)
        if not np.all(np.isfinite(per_class)) or np.any(per_class < 0):
            raise ValueError(
                f"class_weight must give every class a finite weight >= 0; got {per_class}."
            )
        base = da.ones_like(y01) if data.weights is None else data.weights
        weights = base * (per_class[0] + (per_class[1] - per_class[0]) * y01)
        data, coded = replace(data, weights=weights), replace(coded, weights=weights)
        [total] = stats_pass(coded, centre=True)
        share = float(total.mean[-1])
        totals = total.weight * np.array([1.0 - share, share])
    if np.count_nonzero(totals > 0) < 2 or (fit_intercept and np.any(totals == 0)):
        empty = classes[int(np.argmin(totals))]
        raise ValueError(
            f"class {_label(empty)} has zero total sample weight: no minimiser exists with "
            "an intercept, and one class alone cannot be learnt. Give its samples a "
            "positive weight or drop them."
        )
    try:  # collinear columns: named now, not after the first Newton pass
        regression_problem(total, fit_intercept=fit_intercept, standardize=False,
                           weighted=True, dtype=data.dtype, names=data.feature_names)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None
    p = data.n_features
    variance = np.diag(total.scatter)[:p] / total.weight
    sd_centred = np.sqrt(variance)
    sd_raw = np.sqrt(variance + total.mean[:p] ** 2)
    sd = sd_centred if fit_intercept else sd_raw
    sd = np.where(sd > 0, sd, 1.0)
    return ClassData(
        data=data, classes=classes, shares=totals / totals.sum(),
        x_scale=sd if standardize else np.ones(p), column_sd=sd,
        null_loss=null_loss(totals / totals.sum(), fit_intercept),
    )


def logistic_setting(cd: ClassData, l1_ratio: float, options: dict[str, Any],
                     fit_intercept: bool, n_folds: int = 1, seed: int = 0) -> LogisticSetting:
    keys = ("penalty_factor", "lower_bounds", "upper_bounds", "positive")
    return LogisticSetting(
        l1_ratio=float(l1_ratio), options={k: options.get(k) for k in keys},
        x_scale=cd.x_scale, fit_intercept=fit_intercept, positive_class=cd.classes[1],
        n_folds=n_folds, seed=seed,
    )


def below_resolution(tol: float, null: float) -> bool:
    """Whether ``tol`` asks for a gap below what floating point resolves."""
    return float(tol) * null < gap_tolerance(0.0, null)


def null_fit(cd: ClassData, fit_intercept: bool, fold: int | None = None) -> Fit:
    """The start of every fit: zero coefficients, the intercept of the class shares."""
    intercept = float(logit(cd.shares[1])) if fit_intercept else 0.0
    return Fit(fold=fold, coef=np.zeros(cd.data.n_features), intercept=intercept)


class DaskClassifierPredictor:
    """Predictions that stay lazy on Dask input (binary models)."""

    def decision_function(self, X: Any) -> Any:
        """Log-odds of ``classes_[1]`` (one column per class when multinomial): lazy on Dask."""
        if not is_dask(X):
            return super().decision_function(X)  # type: ignore[misc]
        Xd, _ = as_dask_matrix(X)
        coef, intercept = self.coef_, self.intercept_  # type: ignore[attr-defined]
        if coef.shape[0] > 1:
            return Xd @ coef.T + intercept
        return Xd @ coef[0] + intercept[0]

    def predict_proba(self, X: Any) -> Any:
        """Probabilities of ``classes_`` (columns): a Dask array for Dask X."""
        if not is_dask(X):
            return super().predict_proba(X)  # type: ignore[misc]
        scores = self.decision_function(X)
        if scores.ndim == 2:
            return da.map_blocks(softmax, scores, axis=1, dtype=np.float64)
        p1 = da.map_blocks(expit, scores)
        return da.stack([1.0 - p1, p1], axis=1)

    def predict(self, X: Any) -> Any:
        """The most probable class of each row: a Dask array for Dask X."""
        if not is_dask(X):
            return super().predict(X)  # type: ignore[misc]
        scores = self.decision_function(X)
        classes = self.classes_  # type: ignore[attr-defined]
        if scores.ndim == 2:
            return da.map_blocks(lambda s: classes[np.argmax(s, axis=1)], scores, drop_axis=1,
                                 dtype=classes.dtype)
        return da.where(scores > 0, classes[1], classes[0])


class LogisticRegression(DaskClassifierPredictor, linear_model.LogisticRegression):
    """:class:`shrinkage.LogisticRegression` on Dask arrays and DataFrames.

    Minimises the same objective::

        1 / sum(s) * sum_i s_i log(1 + exp(-y_i (x_i'w + b)))
            + alpha * sum_j f_j (l1_ratio |w_j| + (1 - l1_ratio) / 2 w_j^2)

    by proximal Newton (IRLS): each step is one pass over the data that
    returns the IRLS-weighted centred Gram statistics, and the penalised
    weighted least-squares step is solved locally on them; steps that raise
    the objective are halved. ``dual_gap_`` is an upper bound of the duality
    gap (the dual's entropy term is bounded below by concavity so that one
    pass suffices); the fit stops when it is below ``tol * null_loss_``.
    With more than two classes the loss is the multinomial (softmax) one,
    as in memory (``_multinomial.py``: the whole Hessian from each pass).
    Parameters and fitted attributes are those of
    :class:`shrinkage.LogisticRegression` (``multinomial_penalty="ungrouped"``).
    """

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> LogisticRegression:
        """Fit the model on Dask (or numpy) data.

        Parameters
        ----------
        X : dask array or dask DataFrame of shape (n_samples, n_features)
        y : dask array or Series of shape (n_samples,)
            Two class labels (numbers or strings).
        sample_weight : dask array or Series of shape (n_samples,), optional

        Returns
        -------
        self
        """
        self._validate_params()
        data = row_data(X, y, sample_weight, numeric_y=False)
        classes = find_classes(data, type(self).__name__, multiclass=True)
        if classes.size > 2:
            return self._fit_multinomial(data, classes)
        cd = class_data(
            X, y, sample_weight, class_weight=self.class_weight,
            fit_intercept=self.fit_intercept, standardize=self.standardize,
            name=type(self).__name__, found=(data, classes),
        )
        setting = logistic_setting(cd, self.l1_ratio, self.get_params(), self.fit_intercept)
        fit = self._start(cd)
        tol_abs = gap_tolerance(self.tol, cd.null_loss)
        [fit] = solve_lockstep(
            cd.data, setting, [fit], float(self.alpha), tol_abs=tol_abs, max_iter=self.max_iter,
            polish=below_resolution(self.tol, cd.null_loss),
        )
        if not fit.converged:
            self._warn_not_converged(fit.gap, tol_abs, self.max_iter)
        set_input_attributes(self, cd.data)
        dtype = cd.data.dtype
        self.classes_ = cd.classes
        self.null_loss_ = cd.null_loss
        self.coef_ = np.asarray((fit.coef / cd.x_scale)[None, :], dtype=dtype)
        self.intercept_ = np.array([fit.intercept if self.fit_intercept else 0.0], dtype=dtype)
        self.n_iter_ = np.array([fit.n_iter], dtype=np.int32)
        self.dual_gap_ = float(fit.gap)
        self.certificate_kind_ = "duality_gap"
        unbounded = self.lower_bounds is None and self.upper_bounds is None and not self.positive
        if self.alpha == 0 and unbounded and fit.train is not None and fit.train.wrong == 0:
            warnings.warn(
                "alpha=0 and the classes are linearly separable in the training data: "
                "the unpenalised loss has no minimiser, so coef_ is one of many models "
                "with a near-zero loss and its scale is arbitrary. Use alpha > 0.",
                UserWarning,
                stacklevel=2,
            )
        return self

    def _fit_multinomial(self, data: RowData, classes: NDArray[Any]) -> LogisticRegression:
        """More than two classes: the softmax loss (``_multinomial``)."""
        from ._multinomial import fitted_coefficients, softmax_setting, solve_softmax

        if self.multinomial_penalty != "ungrouped":
            raise ValueError("multinomial_penalty='grouped' is not available on Dask data.")
        setting = softmax_setting(data, classes, alpha=float(self.alpha),
                                  params=self.get_params(), class_weight=self.class_weight,
                                  name=type(self).__name__)
        null = null_loss(setting.shares, self.fit_intercept)
        fit = solve_softmax(setting, tol=float(self.tol), max_iter=int(self.max_iter),
                            polish=below_resolution(self.tol, null))
        if not fit.converged:
            self._warn_not_converged(fit.gap, gap_tolerance(self.tol, null), self.max_iter)
        coef, intercept = fitted_coefficients(setting, fit.x)
        set_input_attributes(self, data)
        self.classes_ = classes
        self.null_loss_ = null
        self.coef_ = np.asarray(coef, dtype=data.dtype)
        self.intercept_ = np.asarray(intercept, dtype=data.dtype)
        self.n_iter_ = np.array([fit.n_iter], dtype=np.int32)
        self.dual_gap_ = float(fit.gap)
        self.certificate_kind_ = "duality_gap"
        return self

    def _start(self, cd: ClassData) -> Fit:
        fit = null_fit(cd, self.fit_intercept)
        previous = getattr(self, "coef_", None)
        if (
            self.warm_start and previous is not None
            and np.array_equal(getattr(self, "classes_", np.array([])), cd.classes)
            and previous.shape == (1, cd.data.n_features)
        ):
            fit.coef = np.asarray(previous[0], dtype=np.float64) * cd.x_scale
            fit.intercept = float(self.intercept_[0])
        return fit
