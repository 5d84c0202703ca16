"""The bodies of ``fit``, ``predict`` and ``path``: glue between data, library and outputs."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ..io import DataError, ModelFileError, TablePipeline, atomic_write, load, save
from ._data import choose_model, describe_columns, load_dataset, read_table
from ._errors import EXIT_USAGE, UserError
from ._fit import FitOptions, run_fit
from ._outputs import prepare_out_dir, refuse_overwrite, remove_if_empty
from ._render import command_line, print_path, print_summary, print_written, report_data

REPORT = "report.html"
MODEL = "model.shrink"


def _check_options(cv: int, test_size: float, n_alphas: int, jobs: int) -> None:
    if cv < 2:
        raise UserError(f"--cv must be at least 2 folds; got {cv}.", EXIT_USAGE)
    if not 0 <= test_size < 1:
        raise UserError(f"--test-size must lie in [0, 1); got {test_size:g}.", EXIT_USAGE)
    if n_alphas < 2:
        raise UserError(f"--n-alphas must be at least 2; got {n_alphas}.", EXIT_USAGE)
    if jobs < 1:
        raise UserError(f"--jobs must be at least 1; got {jobs}.", EXIT_USAGE)


def _progress_bar(err: Any) -> tuple[Any, Callable[[int], Callable[[], None]]]:
    """A rich progress bar over the (fold, alpha) fits, and the hook that sizes it."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), console=err, transient=True)

    def start(total: int) -> Callable[[], None]:
        task = bar.add_task("cross-validation (folds x alphas)", total=total)

        def advance() -> None:
            bar.advance(task)
            if bar.tasks[0].completed >= total:
                bar.update(task, description="refit on all training rows")

        return advance

    return bar, start


def run_fit_command(
    *, data: Path | None, target: str | None, model: str | None, l1_ratio: list[float] | None,
    cv: int, rule: str, standardize: bool, test_size: float, out: Path | None, force: bool,
    dataset: str | None, impute: str | None, drop: list[str], n_alphas: int, seed: int,
    jobs: int, console: Any, err: Any,
) -> None:
    """``shrinkage fit``."""
    start = time.perf_counter()
    _check_options(cv, test_size, n_alphas, jobs)
    ds = load_dataset(data, dataset=dataset, target=target, drop=drop, impute=impute)
    kind = choose_model(ds.y, model, ds.target)
    if l1_ratio is not None and kind in ("lasso", "ridge"):
        raise UserError(f"--l1-ratio is for elasticnet and logistic, not {kind}.", EXIT_USAGE)
    if model is None:
        console.print(f"target {ds.target!r}: {kind} (--model to choose another)")
    options = FitOptions(model=kind, l1_ratio=l1_ratio, cv=cv, rule=rule,
                         standardize=standardize, test_size=test_size, n_alphas=n_alphas,
                         seed=seed, impute=impute, n_jobs=jobs if jobs > 1 else None)
    directory, created = prepare_out_dir(out, ds.name.split(" ")[0], force)
    report_path, model_path = directory / REPORT, directory / MODEL
    try:
        refuse_overwrite([data], [report_path, model_path])
        bar, hook = _progress_bar(err)
        with bar:
            try:
                result = run_fit(ds.features, ds.y, ds.target, options, hook)
            except DataError as exc:
                raise UserError(str(exc)) from None
            except ValueError as exc:
                raise UserError(f"cannot fit {kind}: {exc}") from None
        # Files first: a closed terminal or pipe (`shrinkage fit | head`) must
        # not cost the report and the model.
        size = _write_outputs(result, ds, command_line(), report_path, model_path)
        print_summary(console, result, ds.name)
        print_written(console, report_path, size, model_path, time.perf_counter() - start,
                      "NEW.csv")
    except BaseException:
        if created:
            remove_if_empty(directory)
        raise


def _write_outputs(
    result: Any, ds: Any, command: str, report_path: Path, model_path: Path
) -> int:
    """Write the report and the model; return the report's size in bytes."""
    from ..report import figures, write_report

    pipeline = result.pipeline
    X_train = pipeline.transform(result.X_train)
    X_test = None if result.X_test is None else pipeline.transform(result.X_test)
    images = figures(pipeline.estimator, X_train, result.y_train, X_test, result.y_test)
    content = report_data(result, ds, describe_columns(result.X_train, pipeline), command, images)
    size = write_report(content, report_path)
    save(pipeline, model_path, metadata={"command": command, "data": ds.name,
                                        "target": ds.target, "metrics": result.metrics})
    return size


def _load_pipeline(model_file: Path) -> TablePipeline:
    model = load(model_file)
    if not isinstance(model, TablePipeline):
        raise ModelFileError(
            f"{model_file} holds a {type(model).__name__} saved from Python (no column "
            "names or encoding); predict with shrinkage.load in Python, or save a model "
            "with `shrinkage fit`."
        )
    return model


def run_predict_command(model_file: Path, data: Path, output: Path | None,
                        ignore_unknown: bool, err: Any) -> None:
    """``shrinkage predict``."""
    import pandas as pd

    pipeline = _load_pipeline(model_file)
    frame = read_table(data)
    if output is not None:
        refuse_overwrite([data, model_file], [output])
    if ignore_unknown:
        pipeline.unknown = "ignore"
    try:
        extra = pipeline.check_columns(frame)
        table = pd.DataFrame({"prediction": pipeline.predict(frame)})
        if pipeline.task == "classification":
            proba = pipeline.predict_proba(frame)
            for k, label in enumerate(pipeline.estimator.classes_):
                table[f"proba_{label}"] = proba[:, k]
    except DataError as exc:
        raise UserError(f"{data}: {exc}") from None
    if extra:
        err.print(f"note: ignoring {len(extra)} column(s) the model does not use: "
                  f"{', '.join(extra)}")
    if output is None:
        import sys

        table.to_csv(sys.stdout, index=False)
        return
    if output.suffix.lower() in (".parquet", ".pq"):
        atomic_write(output, lambda handle: table.to_parquet(handle, index=False))
    else:
        text = table.to_csv(index=False).encode()
        atomic_write(output, lambda handle: handle.write(text))
    err.print(f"Wrote {len(table)} predictions to {output}.")


def run_path_command(
    *, data: Path | None, target: str | None, model: str | None, l1_ratio: float | None,
    n_alphas: int, standardize: bool, dataset: str | None, impute: str | None,
    drop: list[str], console: Any,
) -> None:
    """``shrinkage path``: the path on every row, as a table."""
    from ..path import regularization_path

    if n_alphas < 2:
        raise UserError(f"--n-alphas must be at least 2; got {n_alphas}.", EXIT_USAGE)
    if l1_ratio is not None and not 0 <= l1_ratio <= 1:
        raise UserError(f"--l1-ratio must lie in [0, 1]; got {l1_ratio:g}.", EXIT_USAGE)
    ds = load_dataset(data, dataset=dataset, target=target, drop=drop, impute=impute)
    # A numeric target defaults to the Lasso here: its path is the one where
    # features enter one by one.
    kind = choose_model(ds.y, model, ds.target)
    if model is None and kind == "elasticnet":
        kind = "lasso"
    ratio = {"lasso": 1.0, "logistic": 1.0, "elasticnet": 0.5, "ridge": 0.0}[kind]
    if l1_ratio is not None:
        if kind in ("lasso", "ridge") and l1_ratio != ratio:
            raise UserError(f"--l1-ratio is for elasticnet and logistic, not {kind}.",
                            EXIT_USAGE)
        ratio = l1_ratio
    try:
        encoding = TablePipeline(None, target=ds.target, impute=impute).learn_encoding(
            ds.features)
        X = encoding.transform(ds.features)
        y = np.asarray(ds.y) if kind == "logistic" else np.asarray(ds.y, dtype=np.float64)
        path = regularization_path(
            X, y, l1_ratio=ratio, n_alphas=n_alphas, standardize=standardize,
            loss="logistic" if kind == "logistic" else "squared",
            eps=1e-6 if ratio == 0 else None,
        )
    except DataError as exc:
        raise UserError(str(exc)) from None
    except ValueError as exc:
        raise UserError(f"cannot fit the {kind} path: {exc}") from None
    loss = "logistic" if kind == "logistic" else "squared-error"
    console.print(
        f"{kind} path (l1_ratio={ratio:g}, {loss} loss) on {ds.name}: {len(X)} rows, "
        f"{X.shape[1]} features, alpha_max={path.alpha_max:.4g}"
        f"{', standardized' if standardize else ''}", highlight=False,
    )
    print_path(console, path, "")
    order = path.entry_order()
    if ratio > 0 and order.size:
        console.print(f"Entry order: {', '.join(path.names(order))}", highlight=False)
