"""The report of ``shrinkage fit --engine dask``: the in-memory report, from passes.

The page is the one ``shrinkage fit`` writes (``report.ReportData``,
rendered by the same code): coefficient path, CV curve, training and
held-out loss along the path, chosen model, held-out metrics, coefficients,
data summary, command and versions. What the in-memory run computes from
rows in memory is computed here on the cluster, in a few passes:

* the held-out rows are a seeded hash of (partition, row within it)
  (``distributed._scores.holdout_flags``), split off lazily;
* the column summaries (mean, sd, range, missing values) and the target's
  summary: one pass;
* the held-out loss at every alpha of the path and the held-out metrics:
  one pass of centred statistics (squared loss: ``_problem.held_out_errors``)
  or of path scores (logistic: log-loss per alpha, accuracy, AUC from
  log-odds histograms); the training loss is the path's own deviance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._fit import FitOptions, FitResult, _cv_point, coefficient_rows

HELD_OUT = "__shrinkage_held_out__"


def split_held_out(frame: Any, fraction: float, seed: int) -> tuple[Any, Any]:
    """``(training, held-out)`` parts of a Dask DataFrame (held-out None for fraction 0)."""
    if fraction == 0:
        return frame, None
    from ..distributed._scores import holdout_flags

    def mark(part: Any, partition_info: Any = None) -> Any:
        number = int((partition_info or {}).get("number", 0))
        return part.assign(**{HELD_OUT: holdout_flags(number, len(part), fraction, seed)})

    meta = frame._meta.assign(**{HELD_OUT: np.zeros(0, dtype=bool)})
    marked = frame.map_partitions(mark, meta=meta)
    columns = list(frame.columns)
    return marked[~marked[HELD_OUT]][columns], marked[marked[HELD_OUT]][columns]


@dataclass
class DaskDataset:
    """What the report's data section shows of the table (``cli._data.Dataset``'s role)."""

    name: str
    target: str
    n_rows_read: int
    target_summary: str
    dropped_rows: int = 0


def _column_rows(train: Any, features: list[str]) -> list[dict[str, Any]]:
    """The report's column table (as ``describe_columns``, numeric columns only), one pass."""
    import dask

    part = train[features]
    mean, sd, low, high, missing = dask.compute(
        part.mean(), part.std(), part.min(), part.max(), part.isna().sum())
    return [{"name": c, "kind": "numeric", "missing": int(missing[c]), "summary": (
        f"mean {mean[c]:.4g}, sd {sd[c]:.4g}, range [{low[c]:.4g}, {high[c]:.4g}]")}
        for c in features]


def _target_summary(frame: Any, target: str, classifier: bool) -> tuple[str, int]:
    """The target's summary over all rows (as ``_render.data_summary``) and the row count."""
    import dask

    y = frame[target]
    if classifier:
        counts, n = dask.compute(y.astype(str).value_counts(), y.size)
        return "classes: " + ", ".join(f"{k} ({v})" for k, v in counts.items()), int(n)
    mean, var, low, high, n = dask.compute(y.mean(), y.var(ddof=0), y.min(), y.max(), y.size)
    return (f"numeric: mean {mean:.4g}, sd {np.sqrt(var):.4g}, range [{low:.4g}, "
            f"{high:.4g}]"), int(n)


def _squared_held_out(estimator: Any, test: Any, features: list[str], target: str) -> tuple[
    Any, dict[str, float | None], int
]:
    """Held-out MSE along the path, R^2 and MSE of the chosen model, the held-out rows."""
    from ..distributed._data import row_data
    from ..distributed._passes import stats_pass
    from ..distributed._problem import held_out_errors

    data = row_data(test[features], test[target])
    [stats] = stats_pass(data, centre=True)
    path = estimator.path_
    along = held_out_errors(stats, path.coefs, path.intercepts)
    coef = np.asarray(estimator.coef_, dtype=np.float64).reshape(-1, 1)
    [mse] = held_out_errors(stats, coef, np.atleast_1d(float(estimator.intercept_)))
    variance = stats.scatter[-1, -1] / stats.weight
    r2 = 1.0 - mse / variance if variance > 0 else float("nan")
    return along, {"R^2": float(r2), "MSE": float(mse)}, data.n_rows


def _logistic_held_out(estimator: Any, test: Any, features: list[str], target: str) -> tuple[
    Any, dict[str, float | None], int
]:
    """Held-out log-loss along the path; accuracy, AUC and log-loss of the chosen model."""
    from ..distributed._data import row_data
    from ..distributed._passes import blockwise
    from ..distributed._scores import binned_auc, logistic_scores, merge_scores

    data = row_data(test[features], test[target], numeric_y=False)
    path = estimator.path_
    coefs = np.column_stack([path.coefs, np.asarray(estimator.coef_, np.float64)[0]])
    intercepts = np.append(path.intercepts, float(estimator.intercept_[0]))
    scores = blockwise(data, logistic_scores, merge_scores, coefs=coefs, intercepts=intercepts,
                       chosen=coefs.shape[1] - 1, positive=estimator.classes_[1])
    mean_loss = scores.loss / scores.weight
    metrics: dict[str, float | None] = {
        "accuracy": 1.0 - scores.wrong / scores.weight,
        "AUC": binned_auc(scores), "log-loss": float(mean_loss[-1]),
    }
    return mean_loss[:-1], metrics, data.n_rows


def report_result(
    estimator: Any, pipeline: Any, kind: str, options: Any, frame: Any, train: Any,
    test: Any, features: list[str], target: str, data_name: str, seconds: float,
) -> tuple[FitResult, DaskDataset, list[dict[str, Any]], tuple[Any, Any] | None]:
    """Everything the report and the terminal summary show (computed on the cluster)."""
    classifier = kind == "logistic"
    path = estimator.path_
    n_train = int(path.n_samples)
    losses: tuple[Any, Any] | None = None
    metrics: dict[str, float | None] = {}
    n_test: int | None = None
    if test is not None:
        held = _logistic_held_out if classifier else _squared_held_out
        along, metrics, n_test = held(estimator, test, features, target)
        training = path.deviance / (2.0 * n_train) if classifier else path.deviance / n_train
        losses = (np.asarray(training), np.asarray(along))
    summary, n_rows = _target_summary(frame, target, classifier)
    rows, dropped = coefficient_rows(pipeline)
    classes = getattr(estimator, "classes_", None)
    fit_options = FitOptions(
        model=kind, l1_ratio=options.l1_ratio, cv=options.cv, rule=options.rule,
        standardize=options.standardize, test_size=options.test_size,
        n_alphas=options.n_alphas, seed=options.seed,
    )
    result = FitResult(
        pipeline=pipeline, options=fit_options, X_train=None, y_train=None, X_test=None,
        y_test=None, alpha=float(estimator.alpha_), alpha_min=float(estimator.alpha_min_),
        alpha_1se=float(estimator.alpha_1se_),
        l1_ratio=float(estimator.l1_ratio_) if hasattr(estimator, "l1_ratio_") else None,
        cv_error_min=_cv_point(estimator, estimator.alpha_min_),
        cv_error_1se=_cv_point(estimator, estimator.alpha_1se_),
        scoring=str(estimator.cv_results_["scoring"]), metrics=metrics, rows=rows,
        dropped=dropped, class_names=None if classes is None else [str(c) for c in classes],
        seconds=seconds, rows_train=n_train, rows_test=n_test,
    )
    dataset = DaskDataset(name=data_name, target=target, n_rows_read=n_rows,
                          target_summary=summary)
    return result, dataset, _column_rows(train, features), losses
