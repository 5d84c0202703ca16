"""What ``shrinkage fit`` and ``shrinkage path`` show: terminal summary, report content.

Both views are built from the same :class:`FitResult`, so the terminal and
the page never disagree.
"""

from __future__ import annotations

import platform
import shlex
import sys
from importlib import metadata
from typing import Any

import numpy as np

from ..plotting._cv_display import scoring_label
from ..report import ReportData
from ._fit import FitResult

PACKAGES = ("shrinkage", "numpy", "scipy", "scikit-learn", "numba", "pandas", "pyarrow",
            "matplotlib", "typer", "rich")
ESTIMATOR_ALPHA_NOTE = {
    "RidgeCV": ", on Ridge's scale",
}


def versions() -> list[tuple[str, str]]:
    """Python and the versions of the packages that made the result."""
    rows = [("python", platform.python_version()), ("platform", platform.platform())]
    for name in PACKAGES:
        try:
            rows.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            rows.append((name, "not installed"))
    return rows


def command_line(argv: list[str] | None = None) -> str:
    """The command as typed, program name without its directory."""
    argv = list(sys.argv if argv is None else argv)
    if argv and argv[0].endswith(("__main__.py", "-c")):
        argv[0] = "python -m shrinkage"
    elif argv:
        argv[0] = argv[0].rsplit("/", 1)[-1]
    return " ".join([argv[0], *map(shlex.quote, argv[1:])]) if argv else "shrinkage"


def _g(value: float) -> str:
    return f"{value:.4g}"


def describe_setup(result: FitResult, dataset_name: str) -> tuple[str, str]:
    """Title and one-line description of the fit."""
    est = result.pipeline.estimator
    opts = result.options
    n_train = result.n_train
    held = f", {result.n_test} held out" if result.n_test is not None else ""
    n_features = len(result.pipeline.feature_names_)
    title = f"{type(est).__name__} on {dataset_name}"
    grid = f"{opts.n_alphas} alphas"
    ratios = np.atleast_1d(getattr(est, "l1_ratio", []))
    if ratios.size > 1:
        grid = f"{ratios.size} l1_ratios x {grid}"
    sub = (f"{n_train} training rows{held}; {n_features} features from "
           f"{len(result.pipeline.columns_)} columns; {opts.cv}-fold CV over {grid}, "
           f"rule={opts.rule}, {'standardized' if opts.standardize else 'not standardized'}")
    return title, sub


def summary_rows(result: FitResult) -> list[tuple[str, str]]:
    """Chosen alpha (and l1_ratio), and the CV error at both alphas."""
    est = result.pipeline.estimator
    label = scoring_label(result.scoring)
    note = ESTIMATOR_ALPHA_NOTE.get(type(est).__name__, "")
    rows = [("chosen alpha", f"{_g(result.alpha)} (rule {result.options.rule}{note})")]
    if result.l1_ratio is not None:
        rows.append(("l1_ratio", f"{result.l1_ratio:g}"))
    (m_min, s_min), (m_1se, s_1se) = result.cv_error_min, result.cv_error_1se
    rows.append((f"CV {label} at alpha_min = {_g(result.alpha_min)}", f"{_g(m_min)} ± {_g(s_min)}"))
    rows.append((f"CV {label} at alpha_1se = {_g(result.alpha_1se)}", f"{_g(m_1se)} ± {_g(s_1se)}"))
    n_features = len(result.pipeline.feature_names_)
    rows.append(("features kept", f"{len(result.rows)} of {n_features} "
                                  f"({len(result.dropped)} set exactly to zero)"))
    return rows


def metric_rows(result: FitResult) -> list[tuple[str, str]]:
    if result.n_test is None:
        return []
    n = result.n_test
    return [(f"{name} ({n} held-out rows)", "n/a" if value is None else f"{value:.4g}")
            for name, value in result.metrics.items()]


def coefficient_table(result: FitResult) -> tuple[list[str], list[list[Any]]]:
    """Header and rows: feature, coefficient(s), and the standardised size."""
    classes = result.class_names
    if classes is not None and len(classes) > 2:
        header = ["feature", *[f"coef ({c})" for c in classes]]
        return header, [[r.name, *r.coef] for r in result.rows]
    name = "coefficient" if classes is None else f"coefficient (log-odds of {classes[1]})"
    return ["feature", name, "coef x sd"], [[r.name, r.coef[0], r.standardized[0]]
                                           for r in result.rows]


def data_summary(result: FitResult, dataset: Any) -> list[tuple[str, str]]:
    rows = [("source", dataset.name),
            ("rows", f"{dataset.n_rows_read} read" + (
                f", {dataset.dropped_rows} dropped (missing target)" if dataset.dropped_rows else
                "")),
            ("split", f"{result.n_train} training" + (
                f", {result.n_test} held out (--test-size {result.options.test_size:g}, "
                f"seed {result.options.seed})" if result.n_test is not None else ""))]
    described = getattr(dataset, "target_summary", None)
    if described is not None:  # computed where the rows are (--engine dask)
        rows.append((f"target {dataset.target!r}", described))
    elif result.class_names is None:
        values = np.asarray(dataset.y, dtype=np.float64)
        rows.append((f"target {dataset.target!r}", f"numeric: mean {values.mean():.4g}, sd "
                     f"{values.std():.4g}, range [{values.min():.4g}, {values.max():.4g}]"))
    else:
        counts = dataset.y.astype(object).map(str).value_counts()
        rows.append((f"target {dataset.target!r}",
                     "classes: " + ", ".join(f"{k} ({v})" for k, v in counts.items())))
    if result.options.impute:
        rows.append(("missing values", f"imputed ({result.options.impute}; categories: most "
                                       "frequent)"))
    return rows


def report_data(result: FitResult, dataset: Any, columns: list[dict[str, Any]],
                command: str, images: dict[str, str]) -> ReportData:
    """The report's content."""
    title, sub = describe_setup(result, dataset.name)
    header, rows = coefficient_table(result)
    classes = result.class_names
    note = (f"With {len(classes)} classes it shows the coefficients of {classes[0]!r}; the "
            "table has every class." if classes is not None and len(classes) > 2 else "")
    return ReportData(
        title=f"shrinkage report: {title}", subtitle=sub, summary=summary_rows(result),
        metrics=metric_rows(result), coef_header=header, coef_rows=rows,
        dropped=result.dropped, data_summary=data_summary(result, dataset), columns=columns,
        command=command, versions=versions(), images=images, path_note=note,
    )


def print_summary(console: Any, result: FitResult, dataset_name: str) -> None:
    """The terminal summary (rich)."""
    from rich.table import Table

    title, sub = describe_setup(result, dataset_name)
    console.print(f"[bold]{title}[/bold]", highlight=False)
    console.print(sub, highlight=False)
    info = Table.grid(padding=(0, 2))
    info.add_column(style="dim")
    info.add_column()
    for key, value in summary_rows(result) + metric_rows(result):
        info.add_row(key, value)
    console.print(info)
    header, rows = coefficient_table(result)
    table = Table(title=f"Selected features ({len(rows)}), largest first", title_justify="left")
    for k, name in enumerate(header):
        table.add_column(name, justify="left" if k == 0 else "right")
    for row in rows:
        table.add_row(row[0], *[f"{v:+.5g}" for v in row[1:]])
    console.print(table)
    dropped = ", ".join(result.dropped) if result.dropped else "none"
    console.print(f"Dropped to zero ({len(result.dropped)}): {dropped}", highlight=False)


def print_written(console: Any, report: Any, size: int, model: Any, seconds: float,
                  new_rows: str) -> None:
    """The closing lines of ``shrinkage fit``: what was written, and how to predict."""
    console.print(
        f"Wrote {report} ({size / 1024:.0f} KB) and {model} "
        f"({model.stat().st_size / 1024:.0f} KB) in {seconds:.1f} s.", highlight=False,
    )
    console.print(f"Predict new rows: shrinkage predict {model} {new_rows} -o "
                  "predictions.csv", highlight=False)


def print_path(console: Any, path: Any, title: str) -> None:
    """``shrinkage path``'s table: alpha, df, deviance ratio, features entering and leaving."""
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for name in ("alpha", "df", "deviance ratio", "entering (+) / leaving (-)"):
        table.add_column(name, justify="left" if name.startswith("entering") else "right")
    coefs = np.abs(np.asarray(path.coefs))
    active = (coefs.max(axis=1) if coefs.ndim == 3 else coefs) != 0
    names = np.asarray(path.names(np.arange(path.n_features)), dtype=object)
    previous = np.zeros(path.n_features, dtype=bool)
    for k, alpha in enumerate(path.alphas):
        now = active[:, k]
        change = [f"+{n}" for n in names[now & ~previous]] + [
            f"-{n}" for n in names[previous & ~now]]
        previous = now
        table.add_row(f"{alpha:.4g}", str(int(path.df[k])), f"{path.deviance_ratio[k]:.4f}",
                      " ".join(change))
    console.print(table)
