"""LogisticRegressionCV: choose alpha (and l1_ratio) of a logistic model by K-fold CV.

Every fold fits the whole logistic path on its training part over one grid
(computed on all the data) and scores every alpha on its held-out part, as
``cv.glmnet(family="binomial" | "multinomial")``. The default score is the
held-out deviance per sample; any scikit-learn classification scorer can be
used, its score negated into an error.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Integral
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from numpy.typing import NDArray
from scipy.special import expit, log_expit, log_softmax, logsumexp, softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import check_scoring, get_scorer_names
from sklearn.model_selection import check_cv
from sklearn.utils.multiclass import check_classification_targets

from .._logistic_path import (
    default_logistic_eps,
    logistic_path_alpha_max,
    logistic_path_from_problem,
)
from .._logistic_problem import make_logistic_problem
from .._path_solve import default_alphas
from .._validation import check_l1_ratio, validate_estimator_data
from ..linear_model._base import (
    SPARSE_FORMATS,
    _check_bool,
    _check_choice,
    _check_n_jobs,
    _check_positive_int,
    _check_tol,
    check_declared_params,
    store_params,
)
from ..linear_model.logistic import (
    LogisticRegression,
    _check_class_weight,
    _check_label_types,
    _label,
)
from ..path import Path, check_alphas, check_grid_size
from ._cv_path import CVResult
from ._enet_cv import _check_alphas_param
from ._selection import check_rule, choose, mean_over_folds, standard_error

Vector = NDArray[np.float64]
# f(codes, eta, sample_weight) -> one error per alpha; eta is (n, n_alphas)
# for two classes (log-odds of classes[1]) and (n, n_classes, n_alphas) for more.
ClassifierError = Callable[[NDArray[np.int64], Vector, Vector | None], Vector]


# -- scoring ------------------------------------------------------------------
class _FixedClassifier(ClassifierMixin, BaseEstimator):
    """A 'classifier' whose linear predictor is given, so that any scorer applies."""

    def __init__(self, classes: NDArray[Any], eta: Vector) -> None:
        self.classes = classes
        self.eta = eta
        self.classes_ = classes

    def fit(self, X: Any, y: Any) -> _FixedClassifier:
        return self

    def decision_function(self, X: Any) -> Vector:
        return self.eta

    def predict_proba(self, X: Any) -> Vector:
        if self.eta.ndim == 1:
            return np.column_stack([expit(-self.eta), expit(self.eta)])
        return np.asarray(softmax(self.eta, axis=1))

    def predict_log_proba(self, X: Any) -> Vector:
        if self.eta.ndim == 1:
            return np.column_stack([log_expit(-self.eta), log_expit(self.eta)])
        return np.asarray(log_softmax(self.eta, axis=1))

    def predict(self, X: Any) -> NDArray[Any]:
        index = (self.eta > 0).astype(np.intp) if self.eta.ndim == 1 else self.eta.argmax(axis=1)
        return np.asarray(self.classes[index])


def _weighted_mean(values: Vector, sample_weight: Vector | None) -> Vector:
    """Mean over samples (axis 0) of ``(n, n_alphas)`` values; NaN without weight."""
    if sample_weight is None:
        return np.asarray(values.mean(axis=0))
    if not np.sum(sample_weight) > 0:
        return np.full(values.shape[1], np.nan)  # a fold with no held-out weight
    return np.asarray(np.average(values, weights=sample_weight, axis=0))


def _deviance(codes: NDArray[np.int64], eta: Vector, sample_weight: Vector | None) -> Vector:
    """Held-out deviance per sample, ``2 * mean_i s_i loss_i``, at each alpha."""
    if eta.ndim == 2:
        sign = np.where(codes == 1, 1.0, -1.0)[:, None]
        per = np.logaddexp(0.0, -sign * eta)
    else:
        per = logsumexp(eta, axis=1) - eta[np.arange(eta.shape[0]), codes, :]
    return 2.0 * _weighted_mean(per, sample_weight)


def _accuracy_error(codes: NDArray[np.int64], eta: Vector, sample_weight: Vector | None) -> Vector:
    """Minus the (weighted) accuracy at each alpha; ties go to the first class, as predict."""
    predicted = (eta > 0).astype(np.int64) if eta.ndim == 2 else eta.argmax(axis=1)
    return -_weighted_mean((predicted == codes[:, None]).astype(np.float64), sample_weight)


def classifier_error_function(scoring: Any, classes: NDArray[Any]) -> tuple[str, ClassifierError]:
    """``(name, f)``: the error of every alpha's predictions on held-out samples.

    ``None`` or ``"deviance"`` is the weighted mean held-out deviance (glmnet's
    ``type.measure="deviance"``); ``"accuracy"`` is minus the accuracy; any
    other scikit-learn scorer name (``"roc_auc"``, ``"neg_log_loss"``,
    ``"balanced_accuracy"``...) or callable ``scorer(estimator, X, y)`` is
    applied to each alpha's predictions and negated.
    """
    if scoring is None or scoring == "deviance":
        return "deviance", _deviance
    if scoring == "accuracy":
        return "accuracy", _accuracy_error
    if isinstance(scoring, str) and scoring not in get_scorer_names():
        raise ValueError(
            f"scoring={scoring!r} is not a known scoring; use None or 'deviance' (held-out "
            "deviance), a scikit-learn classification scorer name such as 'accuracy', "
            "'roc_auc' or 'neg_log_loss', or a callable scorer(estimator, X, y)."
        )
    if not (isinstance(scoring, str) or callable(scoring)):
        raise TypeError(f"scoring must be None, a scorer name or a callable, got {scoring!r}.")
    scorer = check_scoring(None, scoring=scoring)
    name = scoring if isinstance(scoring, str) else getattr(scoring, "__name__", "custom")

    def errors(codes: NDArray[np.int64], eta: Vector, sample_weight: Vector | None) -> Vector:
        if sample_weight is not None and not np.sum(sample_weight) > 0:
            return np.full(eta.shape[-1], np.nan)
        kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
        y = classes[codes]
        dummy = np.zeros((codes.shape[0], 1))
        out = np.empty(eta.shape[-1])
        for k in range(eta.shape[-1]):
            model = _FixedClassifier(classes, np.ascontiguousarray(eta[..., k]))
            out[k] = -float(scorer(model, dummy, y, **kwargs))
        return out

    return str(name), errors


# -- parameter checks -----------------------------------------------------------
def _check_eps(value: Any) -> None:
    if value is not None:
        check_grid_size(1, value)


def _check_rule_param(value: Any) -> None:
    check_rule(value)


def _check_l1_ratios(value: Any) -> None:
    for ratio in np.atleast_1d(np.asarray(value, dtype=object)):
        check_l1_ratio(ratio)


def _fold_errors(
    X: Any, codes: NDArray[np.int64], sample_weight: Vector | None, train: Any, test: Any,
    n_classes: int, classes: NDArray[Any], l1_ratio: float, grid: Vector,
    fit_intercept: bool, options: dict[str, Any], error: ClassifierError,
) -> Vector:
    """Errors ``(n_alphas,)`` of one fold's path on its held-out part."""
    X_train = X[train]
    if sp.issparse(X_train):
        X_train = sp.csc_matrix(X_train)
    problem = make_logistic_problem(
        X_train, codes[train], n_classes, None if sample_weight is None else sample_weight[train],
        fit_intercept=fit_intercept, standardize=bool(options.get("standardize", False)),
    )
    path = logistic_path_from_problem(
        problem, l1_ratio=l1_ratio, alphas=grid, n_alphas=grid.size, eps=0.5,
        options=options, classes=classes, warn=False,
    )
    eta = np.asarray(path.predict(X[test]), dtype=np.float64)
    return error(codes[test], eta, None if sample_weight is None else sample_weight[test])


class LogisticRegressionCV(LogisticRegression):
    """Logistic regression with alpha (and l1_ratio) chosen by cross-validation.

    The objective is :class:`shrinkage.LogisticRegression`'s (alpha is
    ``1 / (C * n_samples)`` in scikit-learn's terms). For every ``l1_ratio``
    the whole path is fitted on each fold's training part, over one grid
    computed on all the data, and scored at every alpha on the held-out
    part; the chosen model is read off the path refitted on all the data.

    Parameters
    ----------
    l1_ratio : float or list of float, default=1.0
        Values in [0, 1] to try; 1 (the L1 penalty, glmnet's default) gives a
        path that starts from exact zeros. For 0 the grid follows glmnet: it
        starts at the alpha_max of l1_ratio=1e-3.
    eps : float, optional
        ``alpha_min / alpha_max`` of the default grids; by default 1e-3, or
        1e-2 when there are more features than samples (glmnet).
    alphas : int or array-like, default=100
        Number of alphas per default grid, or the grid itself.
    fit_intercept, max_iter, tol, class_weight, penalty_factor, lower_bounds,
    upper_bounds, positive, standardize, multinomial_penalty
        As in :class:`shrinkage.LogisticRegression` (``max_iter`` and ``tol``
        apply at every alpha). Class weights multiply the sample weights in
        every fit and in the held-out scores.
    cv : int, splitter or iterable, default=None
        ``StratifiedKFold(5)`` by default; an int is ``StratifiedKFold(cv)``;
        any scikit-learn splitter (pass ``groups`` to ``fit`` for group
        splitters). Every training part must hold every class.
    rule : {"min", "1se"}, default="min"
        ``"min"``: the alpha with the smallest mean CV error; ``"1se"``: the
        largest alpha whose mean error is within one standard error of that
        minimum (glmnet's ``lambda.1se``), on the l1_ratio of the minimum.
        Both are always reported.
    scoring : str, callable or None, default=None
        None (or ``"deviance"``): the mean held-out deviance per sample,
        ``2 * sum_i s_i loss_i / sum_i s_i``. ``"accuracy"``, ``"roc_auc"``,
        ``"neg_log_loss"`` or any scikit-learn scorer name or callable: the
        score of each alpha's predictions, negated into an error.
    n_jobs : int or None, default=None
        Folds and l1_ratios run in parallel threads (joblib).

    Attributes
    ----------
    alpha_, l1_ratio_ : float
        The chosen penalty (by ``rule``).
    alpha_min_, alpha_1se_ : float
        The minimising and the one-standard-error alpha.
    cv_results_ : dict
        ``l1_ratio``, ``gamma`` (always 1), ``alphas`` (n_settings, n_alphas),
        ``fold_errors`` (n_settings, n_alphas, n_folds), ``mean_error``,
        ``standard_error``, ``fold_sizes``, ``scoring``.
    alphas_ : ndarray
        The grids (1-D for one l1_ratio).
    path_ : Path
        The logistic path of the chosen l1_ratio refitted on all the data.
    classes_, coef_, intercept_, dual_gap_, n_iter_
        Of the chosen model, as :class:`shrinkage.LogisticRegression`'s;
        ``predict``, ``predict_proba`` and ``score`` use them.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> model = LogisticRegressionCV(standardize=True, alphas=30).fit(X, y)
    >>> bool(model.alpha_1se_ >= model.alpha_min_)
    True
    >>> bool(model.score(X, y) > 0.95)
    True
    """

    _parameter_checks: ClassVar[dict[str, Callable[[Any], None]]] = {
        "fit_intercept": _check_bool("fit_intercept"),
        "max_iter": _check_positive_int("max_iter"),
        "tol": _check_tol,
        "positive": _check_bool("positive"),
        "standardize": _check_bool("standardize"),
        "alphas": _check_alphas_param,
        "n_jobs": _check_n_jobs,
        "eps": _check_eps,
        "rule": _check_rule_param,
        "l1_ratio": _check_l1_ratios,
        "class_weight": _check_class_weight,
        "multinomial_penalty": _check_choice("multinomial_penalty", ("ungrouped", "grouped")),
    }

    def __init__(
        self,
        *,
        l1_ratio: float | list[float] = 1.0,
        eps: float | None = None,
        alphas: int | Any = 100,
        fit_intercept: bool = True,
        max_iter: int = 1000,
        tol: float = 1e-4,
        cv: Any = None,
        rule: str = "min",
        scoring: Any = None,
        n_jobs: int | None = None,
        class_weight: Any = None,
        penalty_factor: Any = None,
        lower_bounds: Any = None,
        upper_bounds: Any = None,
        positive: bool = False,
        standardize: bool = False,
        multinomial_penalty: str = "ungrouped",
    ) -> None:
        store_params(self, locals())

    def _validate_params(self) -> None:
        check_declared_params(self)

    def _l1_ratios(self) -> Vector:
        return np.atleast_1d(np.asarray(self.l1_ratio, dtype=np.float64))

    def _options(self) -> dict[str, Any]:
        return {
            "penalty_factor": self.penalty_factor, "lower_bounds": self.lower_bounds,
            "upper_bounds": self.upper_bounds, "positive": self.positive,
            "standardize": self.standardize, "tol": float(self.tol),
            "max_iter": int(self.max_iter),
            "grouped": self.multinomial_penalty == "grouped",
        }

    def fit(
        self, X: Any, y: Any, sample_weight: Any = None, groups: Any = None
    ) -> LogisticRegressionCV:
        """Cross-validate the paths, then refit the chosen one on all the data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels (numbers or strings, not a mix); at least two classes.
        sample_weight : array-like of shape (n_samples,), optional
            Used in every fold's fit and in its held-out score.
        groups : array-like of shape (n_samples,), optional
            Group labels for group splitters (``GroupKFold``...).

        Returns
        -------
        self
        """
        self._validate_params()
        _check_label_types(y)
        X, y = validate_estimator_data(
            self, X, y, accept_sparse=SPARSE_FORMATS, dtype=[np.float64, np.float32]
        )
        check_classification_targets(y)
        if sp.issparse(X):
            X = sp.csc_matrix(X)
        classes, codes = np.unique(y, return_inverse=True)
        codes = np.asarray(codes, dtype=np.int64).ravel()
        if classes.shape[0] < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least two classes; y has only one "
                f"class, {_label(classes[0])}. Collect samples of another class."
            )
        sw = self._weights(classes, y, codes, sample_weight, X.shape[0])
        scoring_name, error = classifier_error_function(self.scoring, classes)
        folds = self._folds(X, y, codes, sw, groups, classes)
        options = self._options()
        problem = make_logistic_problem(
            X, codes, classes.shape[0], sw, fit_intercept=self.fit_intercept,
            standardize=self.standardize,
        )
        l1_ratios = self._l1_ratios()
        grids = self._grids(problem, l1_ratios, options, X.shape)
        jobs = (
            delayed(_fold_errors)(
                X, codes, sw, train, test, classes.shape[0], classes, float(l1), grid,
                self.fit_intercept, options, error,
            )
            for l1, grid in zip(l1_ratios, grids, strict=True)
            for train, test in folds
        )
        results = Parallel(n_jobs=self.n_jobs, prefer="threads")(jobs)
        # results[l1 * n_folds + fold] has shape (n_alphas,).
        stacked = np.asarray(results, dtype=np.float64).reshape(len(l1_ratios), len(folds), -1)
        fold_errors = stacked.transpose(0, 2, 1)
        result = CVResult(
            l1_ratios=l1_ratios, gammas=np.ones(l1_ratios.size), alphas=grids,
            fold_errors=fold_errors, mean_error=mean_over_folds(fold_errors),
            standard_error=standard_error(fold_errors),
            fold_sizes=np.array([len(test) for _, test in folds], dtype=np.int64),
            scoring=scoring_name,
        )
        self._choose(result)
        self.path_: Path = logistic_path_from_problem(
            problem, l1_ratio=self.l1_ratio_, alphas=grids[self._l1_index],
            n_alphas=grids.shape[1], eps=0.5, options=options, classes=classes,
            feature_names=getattr(self, "feature_names_in_", None),
        )
        self._set_from_path(classes, grids, X.dtype)
        return self

    def _folds(
        self, X: Any, y: Any, codes: NDArray[np.int64], sw: Vector | None, groups: Any,
        classes: NDArray[Any],
    ) -> list[tuple[Any, Any]]:
        """The (train, test) pairs; every training part must hold every class."""
        if isinstance(self.cv, Integral) and not isinstance(self.cv, bool) and self.cv < 2:
            raise ValueError(f"cv must be at least 2 folds, got cv={self.cv}.")
        folds = list(check_cv(self.cv, y, classifier=True).split(X, y, groups))
        if not folds:
            raise ValueError("the cross-validation splitter produced no folds.")
        weight = np.ones(codes.shape[0]) if sw is None else sw
        counts = np.bincount(codes, minlength=classes.shape[0])
        for k, (train, test) in enumerate(folds):
            if len(train) == 0 or len(test) == 0:
                raise ValueError("a cross-validation fold has an empty training or test part.")
            present = np.bincount(codes[train], weights=weight[train], minlength=classes.size)
            if np.any(present == 0):
                c = int(np.argmax(present == 0))
                raise ValueError(
                    f"the training part of fold {k} has no sample (of positive weight) of "
                    f"class {_label(classes[c])}, which has {counts[c]} sample(s) in all; a fold "
                    "cannot learn a class it never sees. Use fewer folds (cv <= the "
                    "smallest class size), a stratified splitter, or drop that class."
                )
        return folds

    def _grids(
        self, problem: Any, l1_ratios: Vector, options: dict[str, Any], shape: tuple[int, int]
    ) -> Vector:
        if not (isinstance(self.alphas, Integral) and not isinstance(self.alphas, bool)):
            return np.tile(check_alphas(self.alphas), (l1_ratios.size, 1))
        eps = default_logistic_eps(*shape) if self.eps is None else float(self.eps)
        rows = []
        for l1 in l1_ratios:
            amax = logistic_path_alpha_max(problem, float(l1), options)
            rows.append(default_alphas(amax, int(self.alphas), eps))
        return np.asarray(rows)

    def _choose(self, result: CVResult) -> None:
        rule = check_rule(self.rule)
        choices = [
            choose(result.mean_error[s], result.standard_error[s], result.alphas[s])
            for s in range(result.mean_error.shape[0])
        ]
        best = min(range(len(choices)), key=lambda s: result.mean_error[s][choices[s].index_min])
        choice = choices[best]
        self.cv_results_ = result.as_dict()
        self.l1_ratio_ = float(result.l1_ratios[best])
        self.alpha_min_ = float(result.alphas[best][choice.index_min])
        self.alpha_1se_ = float(result.alphas[best][choice.index_1se])
        self.alpha_ = self.alpha_min_ if rule == "min" else self.alpha_1se_
        self._alpha_index = choice.index_min if rule == "min" else choice.index_1se
        self._l1_index = best

    def _set_from_path(
        self, classes: NDArray[Any], grids: Vector, dtype: Any = np.float64
    ) -> None:
        path, k = self.path_, self._alpha_index
        coef = path.coefs[..., k]
        self.classes_ = classes
        # The dtype of X, as every estimator (float32 stays float32).
        self.coef_ = np.asarray(coef[None, :] if coef.ndim == 1 else coef.T, dtype=dtype)
        self.intercept_ = np.atleast_1d(np.asarray(path.intercepts[..., k], dtype=dtype))
        self.dual_gap_ = float(path.dual_gaps[k])
        self.n_iter_ = np.array([path.n_iter[k]], dtype=np.int32)
        self.certificate_kind_ = "duality_gap"
        self.alphas_ = grids[0] if grids.shape[0] == 1 else grids
