"""``shrinkage fit``'s work: split, cross-validate with progress, score, summarise.

The numbers come from the library: the CV estimators (``LassoCV``,
``ElasticNetCV``, ``RidgeCV``, ``LogisticRegressionCV``) choose the penalty,
and their own default error (mean squared error, held-out deviance) is what
they minimise here too. The progress bar rides on scikit-learn's scorer
protocol: the estimators call a scorer once per fold and alpha, so
:class:`ProgressScorer` advances the bar and returns the library's default
error for that one column of predictions. No estimator is refitted to show
progress.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..io import TablePipeline
from ..io._pipeline import DataError, check_missing
from ..model_selection import ElasticNetCV, LassoCV, LogisticRegressionCV, RidgeCV
from ..model_selection._logistic_cv import classifier_error_function
from ..model_selection._selection import error_function

DEFAULT_L1_RATIOS = (0.1, 0.5, 0.7, 0.9, 0.95, 0.99, 1.0)


@dataclass
class FitOptions:
    """What the command line asked for."""

    model: str
    l1_ratio: list[float] | None = None
    cv: int = 5
    rule: str = "min"
    standardize: bool = True
    test_size: float = 0.2
    n_alphas: int = 100
    seed: int = 0
    impute: str | None = None
    n_jobs: int | None = None


class ProgressScorer:
    """A scorer that advances a progress bar and returns minus the library's default error.

    Its ``__name__`` is the default's name (``"mse"``, ``"deviance"``), so
    the estimator's ``cv_results_`` read as if no scorer had been given.
    """

    def __init__(self, classifier: bool, advance: Callable[[], None]) -> None:
        self.classifier = classifier
        self.advance = advance
        self.__name__ = "deviance" if classifier else "mse"

    def __call__(self, estimator: Any, X: Any, y: Any, sample_weight: Any = None) -> float:
        self.advance()
        if self.classifier:
            classes = np.asarray(estimator.classes_)
            _, deviance = classifier_error_function(None, classes)
            codes = np.searchsorted(classes, np.asarray(y)).astype(np.int64)
            eta = np.asarray(estimator.decision_function(X), dtype=np.float64)
            return -float(deviance(codes, eta[..., None], sample_weight)[0])
        _, mse = error_function(None)
        prediction = np.asarray(estimator.predict(X), dtype=np.float64)
        return -float(mse(np.asarray(y, dtype=np.float64), prediction[:, None],
                          sample_weight)[0])


def make_estimator(options: FitOptions, scoring: Any = None) -> tuple[Any, int]:
    """The CV estimator for ``options`` and the number of (fold, alpha) fits it runs."""
    from sklearn.model_selection import KFold, StratifiedKFold

    common = {"rule": options.rule, "standardize": options.standardize,
              "scoring": scoring, "n_jobs": options.n_jobs}
    if options.model == "logistic":
        folds: Any = StratifiedKFold(options.cv, shuffle=True, random_state=options.seed)
        l1 = options.l1_ratio or [1.0]
        est: Any = LogisticRegressionCV(l1_ratio=l1 if len(l1) > 1 else l1[0],
                                        alphas=options.n_alphas, cv=folds, **common)
        return est, len(l1) * options.cv * options.n_alphas
    folds = KFold(options.cv, shuffle=True, random_state=options.seed)
    if options.model == "ridge":
        return RidgeCV(cv=folds, n_alphas=options.n_alphas, **common), options.cv * options.n_alphas
    if options.model == "lasso":
        return LassoCV(alphas=options.n_alphas, cv=folds, **common), options.cv * options.n_alphas
    l1 = options.l1_ratio or list(DEFAULT_L1_RATIOS)
    est = ElasticNetCV(l1_ratio=l1 if len(l1) > 1 else l1[0], alphas=options.n_alphas,
                       cv=folds, **common)
    return est, len(l1) * options.cv * options.n_alphas


@dataclass
class CoefficientRow:
    """One selected feature: its coefficient(s) and their size on the standardised scale."""

    name: str
    coef: list[float]
    standardized: list[float]


@dataclass
class FitResult:
    """Everything the terminal summary and the report show."""

    pipeline: TablePipeline
    options: FitOptions
    X_train: Any
    y_train: Any
    X_test: Any
    y_test: Any
    alpha: float
    alpha_min: float
    alpha_1se: float
    l1_ratio: float | None
    cv_error_min: tuple[float, float]
    cv_error_1se: tuple[float, float]
    scoring: str
    metrics: dict[str, float | None]
    rows: list[CoefficientRow]
    dropped: list[str]
    class_names: list[str] | None
    seconds: float
    extra: dict[str, Any] = field(default_factory=dict)
    # Row counts when the rows are not held here (--engine dask: X_train and
    # X_test are None and the counts come from the cluster).
    rows_train: int | None = None
    rows_test: int | None = None

    @property
    def n_train(self) -> int:
        return self.rows_train if self.rows_train is not None else len(self.X_train)

    @property
    def n_test(self) -> int | None:
        """Held-out rows (None: no held-out split)."""
        if self.X_test is not None:
            return len(self.X_test)
        return self.rows_test


def split(features: Any, y: Any, options: FitOptions, classifier: bool) -> tuple[Any, ...]:
    """``X_train, X_test, y_train, y_test`` (stratified for classes); no test part at 0."""
    from sklearn.model_selection import train_test_split

    if options.test_size == 0:
        return features, None, y, None
    return tuple(train_test_split(
        features, y, test_size=options.test_size, random_state=options.seed,
        stratify=y if classifier else None,
    ))


def _cv_point(estimator: Any, alpha: float) -> tuple[float, float]:
    """Mean CV error and its standard error at ``alpha`` on the chosen l1_ratio's curve."""
    results = estimator.cv_results_
    alphas = np.atleast_2d(results["alphas"])
    mean = np.atleast_2d(results["mean_error"])
    se = np.atleast_2d(results["standard_error"])
    s = 0
    if "l1_ratio" in results and alphas.shape[0] > 1:
        s = int(np.flatnonzero(np.asarray(results["l1_ratio"]) == estimator.l1_ratio_)[0])
    k = int(np.argmin(np.abs(alphas[s] - alpha)))
    return float(mean[s, k]), float(se[s, k])


def held_out_metrics(pipeline: TablePipeline, X_test: Any, y_test: Any) -> dict[str, float | None]:
    """R^2 and MSE, or accuracy, AUC and log-loss, on the held-out rows."""
    from sklearn import metrics

    if X_test is None:
        return {}
    if pipeline.task == "regression":
        prediction = pipeline.predict(X_test)
        return {"R^2": float(metrics.r2_score(y_test, prediction)),
                "MSE": float(metrics.mean_squared_error(y_test, prediction))}
    classes = pipeline.estimator.classes_
    proba = pipeline.predict_proba(X_test)
    out: dict[str, float | None] = {
        "accuracy": float(metrics.accuracy_score(y_test, classes[proba.argmax(axis=1)])),
    }
    try:
        if classes.size == 2:
            out["AUC"] = float(metrics.roc_auc_score(np.asarray(y_test) == classes[1], proba[:, 1]))
        else:
            out["AUC"] = float(metrics.roc_auc_score(y_test, proba, multi_class="ovr",
                                                     labels=classes))
    except ValueError:  # a class absent from the held-out rows: no AUC
        out["AUC"] = None
    out["log-loss"] = float(metrics.log_loss(y_test, proba, labels=classes))
    return out


def coefficient_rows(pipeline: TablePipeline) -> tuple[list[CoefficientRow], list[str]]:
    """The nonzero coefficients, largest standardised size first, and the zero features."""
    coef = np.atleast_2d(np.asarray(pipeline.estimator.coef_, dtype=np.float64))
    standardized = coef * pipeline.feature_scale_[None, :]
    names = [str(n) for n in pipeline.feature_names_]
    kept = np.flatnonzero(np.any(coef != 0, axis=0))
    order = kept[np.argsort(-np.abs(standardized[:, kept]).max(axis=0), kind="stable")]
    rows = [CoefficientRow(names[j], coef[:, j].tolist(), standardized[:, j].tolist())
            for j in order]
    dropped = [names[j] for j in np.flatnonzero(~np.any(coef != 0, axis=0))]
    return rows, dropped


def check_enough_rows(y: Any, options: FitOptions, classifier: bool, target: str) -> None:
    """Refuse data too small for the held-out split and the folds, saying what to change.

    scikit-learn's splitters would stop with their own terms (``n_splits``,
    "the least populated class"); here the message names the options.
    """
    from .._validation import check_real_values

    n_rows = len(y)
    n_test = int(np.ceil(options.test_size * n_rows))
    n_train = n_rows - n_test
    if n_train < options.cv:
        raise DataError(
            f"{n_rows} rows leave {n_train} for training after the held-out split "
            f"(--test-size {options.test_size:g}), fewer than the {options.cv} folds of "
            "--cv: use fewer folds, --test-size 0, or more rows."
        )
    if not classifier:
        try:
            check_real_values(np.asarray(y), f"the target {target!r}")
        except ValueError as exc:
            raise DataError(str(exc)) from None
        return
    labels, counts = np.unique(np.asarray(y).astype(str), return_counts=True)
    rare = labels[counts < 2]
    if rare.size:
        shown = ", ".join(repr(str(v)) for v in rare[:5])
        raise DataError(
            f"class(es) {shown} of the target {target!r} have a single row; the held-out "
            "split and the stratified folds need at least 2 rows of every class. Drop or "
            "merge those rows (or choose another --target)."
        )


def run_fit(
    features: Any, y: Any, target: str, options: FitOptions,
    progress: Callable[[int], Callable[[], None]] | None = None,
) -> FitResult:
    """Split, cross-validate and fit on the training rows; score on the held-out rows.

    ``progress(total)`` returns the function the scorer calls after each
    of the ``total`` (fold, alpha) evaluations.
    """
    classifier = options.model == "logistic"
    # Counted on the whole table (the numbers a user finds in the file), not
    # on the training part alone.
    check_missing(features, options.impute)
    check_enough_rows(y, options, classifier, target)
    X_train, X_test, y_train, y_test = split(features, y, options, classifier)
    if classifier:
        y_train = np.asarray(y_train)
        y_test = None if y_test is None else np.asarray(y_test)
    else:
        y_train = np.asarray(y_train, dtype=np.float64)
        y_test = None if y_test is None else np.asarray(y_test, dtype=np.float64)
    _, total = make_estimator(options)
    advance = progress(total) if progress is not None else (lambda: None)
    estimator, _ = make_estimator(options, ProgressScorer(classifier, advance))
    pipeline = TablePipeline(estimator, target=target, impute=options.impute)
    start = time.perf_counter()
    pipeline.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    # The scorer computed the default error: say so in the saved parameters.
    estimator.set_params(scoring=None)
    rows, dropped = coefficient_rows(pipeline)
    classes = getattr(estimator, "classes_", None)
    return FitResult(
        pipeline=pipeline, options=options, X_train=X_train, y_train=y_train,
        X_test=X_test, y_test=y_test, alpha=float(estimator.alpha_),
        alpha_min=float(estimator.alpha_min_), alpha_1se=float(estimator.alpha_1se_),
        l1_ratio=float(estimator.l1_ratio_) if hasattr(estimator, "l1_ratio_") else None,
        cv_error_min=_cv_point(estimator, estimator.alpha_min_),
        cv_error_1se=_cv_point(estimator, estimator.alpha_1se_),
        scoring=str(estimator.cv_results_["scoring"]),
        metrics=held_out_metrics(pipeline, X_test, y_test),
        rows=rows, dropped=dropped,
        class_names=None if classes is None else [str(c) for c in classes],
        seconds=seconds,
    )
