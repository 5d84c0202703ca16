"""``shrinkage fit --engine dask``: a Parquet folder or glob fitted on a Dask cluster.

The data are read with ``dask.dataframe.read_parquet`` and never gathered:
the CV estimators of :mod:`shrinkage.distributed` make one pass of
statistics (one per Newton step for the logistic loss). Without
``--scheduler`` a ``LocalCluster`` is started for the run and closed after
it. As in memory, ``--test-size`` rows are held out (a seeded hash of each
row's partition and position), the CV chooses the penalty on the others,
and ``report.html`` (``_dask_report``: the same page, its numbers computed
on the cluster) and ``model.shrink`` (which ``shrinkage predict`` reads like
any other) are written. What needs the rows in memory is not done: no
one-hot encoding (columns must be numbers) and no imputation.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ._data import _unknown_column
from ._errors import EXIT_USAGE, UserError
from ._outputs import prepare_out_dir, remove_if_empty
from ._render import command_line, print_summary, print_written, report_data

MODEL = "model.shrink"
REPORT = "report.html"
DEFAULT_L1_RATIOS = [0.1, 0.5, 0.7, 0.9, 0.95, 0.99, 1.0]


@dataclass
class DaskFitOptions:
    """What ``shrinkage fit --engine dask`` was asked for."""

    model: str | None
    l1_ratio: list[float] | None
    cv: int
    test_size: float
    rule: str
    standardize: bool
    n_alphas: int
    seed: int
    drop: list[str]
    scheduler: str | None


def _import_distributed() -> Any:
    try:
        from .. import distributed
    except ImportError as exc:
        raise UserError(str(exc), EXIT_USAGE) from None
    return distributed


def read_parquet(data: Path) -> Any:
    """A Dask DataFrame of a Parquet file, folder or glob (read lazily)."""
    import dask.dataframe as dd

    if not any(c in str(data) for c in "*?[") and not data.exists():
        raise UserError(f"{data}: no such file or folder.")
    try:
        frame = dd.read_parquet(str(data))
    except (FileNotFoundError, OSError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(
            f"cannot read {data} as Parquet ({first}); --engine dask reads a Parquet file, a "
            "folder of them or a glob such as 'data/*.parquet'."
        ) from None
    frame.columns = [str(c) for c in frame.columns]
    return frame


@contextmanager
def dask_client(scheduler: str | None, err: Any) -> Iterator[Any]:
    """A client of ``scheduler``, or of a LocalCluster that lives for the run."""
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise UserError(
                f"cannot reach the Dask scheduler at {scheduler!r} ({exc}); check the address "
                "(e.g. tcp://host:8786), or leave out --scheduler to use this machine."
            ) from None
        with client:
            yield client
        return
    err.print("starting a local Dask cluster for this run (--scheduler to use another)")
    with LocalCluster(host="127.0.0.1", dashboard_address=None) as cluster, Client(
        cluster
    ) as client:
        yield client


def _features(frame: Any, target: str | None, drop: list[str], data: Path) -> list[str]:
    columns = list(frame.columns)
    if target is None:
        raise UserError(
            f"--target is required: which column to predict? Columns of {data}: "
            f"{', '.join(columns[:20])}.", EXIT_USAGE,
        )
    for name in [target, *drop]:
        if name not in columns:
            raise _unknown_column(name, columns, "column", str(data))
    features = [c for c in columns if c != target and c not in drop]
    if not features:
        raise UserError(f"{data} has no column besides the target {target!r} to learn from.")
    return features


def _kind(frame: Any, target: str, model: str | None) -> str:
    import pandas as pd

    numeric = pd.api.types.is_numeric_dtype(frame[target].dtype) and not (
        pd.api.types.is_bool_dtype(frame[target].dtype))
    if model is None:
        if not numeric:
            return "logistic"
        # Two distinct numbers are class labels (a 0/1 outcome): one pass over y.
        distinct = int(frame[target].nunique_approx().compute())
        return "logistic" if distinct <= 2 else "elasticnet"
    if model != "logistic" and not numeric:
        raise UserError(f"the target {target!r} is not numeric; use --model logistic.")
    return model


def make_estimator(kind: str, options: DaskFitOptions, distributed: Any) -> Any:
    folds = distributed.HashFolds(options.cv, seed=options.seed)
    common = {"cv": folds, "rule": options.rule, "standardize": options.standardize}
    if kind == "ridge":
        return distributed.RidgeCV(n_alphas=options.n_alphas, **common)
    if kind == "logistic":
        return distributed.LogisticRegressionCV(
            l1_ratio=options.l1_ratio or [1.0], alphas=options.n_alphas, **common)
    if kind == "lasso":
        return distributed.LassoCV(alphas=options.n_alphas, **common)
    return distributed.ElasticNetCV(
        l1_ratio=options.l1_ratio or DEFAULT_L1_RATIOS, alphas=options.n_alphas, **common)


def _pipeline(estimator: Any, frame: Any, features: list[str], target: str,
              distributed: Any) -> Any:
    """The fitted model as the TablePipeline the in-memory command saves."""
    from ..io import TablePipeline

    # Numeric columns only, so the encoding is the identity: learnt on a few rows.
    pipeline = TablePipeline(None, target=target).learn_encoding(frame[features].head(100))
    pipeline.estimator = distributed.to_in_memory(estimator)
    scale = getattr(getattr(estimator, "path_", None), "x_scale", None)
    if scale is not None:
        pipeline.feature_scale_ = np.asarray(scale, dtype=np.float64)
    return pipeline


def _write_outputs(result: Any, dataset: Any, columns: Any, losses: Any, command: str,
                   report_path: Path, model_path: Path) -> int:
    """The report and the model, as the in-memory run writes them; the report's size."""
    from ..io import save
    from ..report import figures, write_report

    pipeline = result.pipeline
    images = figures(pipeline.estimator, None, None, None, None, losses=losses)
    size = write_report(report_data(result, dataset, columns, command, images), report_path)
    save(pipeline, model_path, metadata={
        "command": command, "data": dataset.name, "target": dataset.target,
        "metrics": result.metrics, "engine": "dask",
    })
    return size


def run_dask_fit(*, data: Path | None, target: str | None, options: DaskFitOptions,
                 out: Path | None, force: bool, console: Any, err: Any) -> None:
    """``shrinkage fit --engine dask``."""
    from ._dask_report import report_result, split_held_out

    start = time.perf_counter()
    if data is None:
        raise UserError("--engine dask needs DATA: a Parquet file, folder or glob.", EXIT_USAGE)
    distributed = _import_distributed()
    frame = read_parquet(data)
    features = _features(frame, target, options.drop, data)
    assert target is not None
    directory, created = prepare_out_dir(out, Path(str(data).rstrip("/*")).stem, force)
    report_path, model_path = directory / REPORT, directory / MODEL
    try:
        with dask_client(options.scheduler, err):
            train, test = split_held_out(frame, options.test_size, options.seed)
            kind = _kind(train, target, options.model)
            estimator = make_estimator(kind, options, distributed)
            try:
                estimator.fit(train[features], train[target])
                seconds = time.perf_counter() - start
                pipeline = _pipeline(estimator, frame, features, target, distributed)
                result, dataset, columns, losses = report_result(
                    estimator, pipeline, kind, options, frame, train, test, features, target,
                    str(data), seconds,
                )
            except (ValueError, TypeError) as exc:
                raise UserError(f"cannot fit {kind}: {exc}") from None
        # Files first, as in memory: a closed pipe must not cost the outputs.
        size = _write_outputs(result, dataset, columns, losses, command_line(), report_path,
                              model_path)
        print_summary(console, result, str(data))
        console.print(f"engine: dask ({type(estimator).__name__} of shrinkage.distributed)",
                      highlight=False)
        print_written(console, report_path, size, model_path, time.perf_counter() - start,
                      "NEW.parquet")
    except BaseException:
        if created:
            remove_if_empty(directory)
        raise
