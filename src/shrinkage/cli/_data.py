"""Reading the data: CSV or Parquet with pandas, or a built-in scikit-learn data set.

Files are only ever read. Every problem a user can cause (a missing file,
an unknown column, an empty table, a target that does not fit the model)
becomes a :class:`UserError` whose message names it and says what to do.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..io import TablePipeline
from ..io._pipeline import is_numeric_column
from ._errors import EXIT_USAGE, UserError

BUILT_IN = ("diabetes", "breast_cancer")
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
PARQUET_SUFFIXES = (".parquet", ".pq")
# A numeric target with at most this many distinct integer values is taken
# for class labels (a 0/1 outcome, a rating); --model says otherwise.
MAX_CLASS_LABELS = 10
# Text targets with more labels than this are taken for numbers gone wrong
# (or ids), not for classes.
MAX_TEXT_LABELS = 100
REGRESSION_MODELS = ("lasso", "elasticnet", "ridge")
MODELS = (*REGRESSION_MODELS, "logistic")


@dataclass
class Dataset:
    """Features, target and where they came from."""

    name: str
    source: Path | None
    features: Any
    y: Any
    target: str
    n_rows_read: int
    dropped_rows: int = 0


def _kind(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in (".gz", ".bz2", ".xz", ".zst", ".zip") and len(suffixes) > 1:
        suffixes = suffixes[:-1]
    last = suffixes[-1] if suffixes else ""
    if last in CSV_SUFFIXES:
        return "tsv" if last == ".tsv" else "csv"
    if last in PARQUET_SUFFIXES:
        return "parquet"
    raise UserError(
        f"{path}: unknown file type {last or '(no suffix)'!r}; give a .csv, .tsv or .parquet file."
    )


def read_table(path: Path) -> Any:
    """A DataFrame from a CSV / TSV (optionally compressed) or Parquet file."""
    import pandas as pd

    if not path.exists():
        raise UserError(f"{path}: no such file.")
    if path.is_dir():
        raise UserError(f"{path} is a directory; give a data file.")
    kind = _kind(path)
    try:
        if kind == "parquet":
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(path, sep="\t" if kind == "tsv" else ",")
    except pd.errors.EmptyDataError:
        raise UserError(f"{path} is empty: no header, no rows.") from None
    except pd.errors.ParserError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(f"cannot read {path} as {kind.upper()}: {first}") from None
    except UnicodeDecodeError:
        raise UserError(f"{path} is not UTF-8 text; save it as UTF-8 CSV.") from None
    except PermissionError:
        raise UserError(f"{path}: permission denied.") from None
    except Exception as exc:  # pyarrow's errors for a damaged Parquet file
        if kind != "parquet":
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(f"cannot read {path} as Parquet: {first}") from None
    frame.columns = [str(c) for c in frame.columns]
    if frame.shape[1] == 0:
        raise UserError(f"{path} has no columns.")
    if frame.shape[0] == 0:
        raise UserError(f"{path} has a header but no rows.")
    return frame


def built_in(name: str) -> tuple[Any, str]:
    """A scikit-learn data set as one table, and its target column."""
    from sklearn.datasets import load_breast_cancer, load_diabetes

    if name == "diabetes":
        return load_diabetes(as_frame=True).frame, "target"
    data = load_breast_cancer(as_frame=True)
    frame = data.frame.copy()
    # Class names read better than 0/1 in predictions and in the report.
    frame["diagnosis"] = np.asarray(data.target_names)[data.target.to_numpy()]
    return frame.drop(columns="target"), "diagnosis"


def _unknown_column(name: str, columns: list[str], what: str, where: str) -> UserError:
    close = difflib.get_close_matches(name, columns, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    shown = ", ".join(columns[:20]) + (" ..." if len(columns) > 20 else "")
    return UserError(f"{what} {name!r} is not a column of {where}{hint}; columns: {shown}.")


def load_dataset(
    data: Path | None, *, dataset: str | None, target: str | None, drop: list[str],
    impute: str | None,
) -> Dataset:
    """The table to fit, split into features and target."""
    if data is not None and dataset is not None:
        raise UserError("give either a DATA file or --dataset, not both.", EXIT_USAGE)
    if data is None:
        name = dataset or "diabetes"
        if name not in BUILT_IN:
            raise UserError(
                f"--dataset must be one of {', '.join(BUILT_IN)}; got {name!r}.", EXIT_USAGE
            )
        frame, default_target = built_in(name)
        where, label = f"the {name} data", f"{name} (built-in)"
        target = target or default_target
    else:
        frame = read_table(data)
        where, label = str(data), str(data)
        if target is None:
            shown = ", ".join(list(frame.columns)[:20])
            raise UserError(
                f"--target is required with a data file: which column to predict? "
                f"Columns of {data}: {shown}.", EXIT_USAGE,
            )
    columns = [str(c) for c in frame.columns]
    if target not in columns:
        raise _unknown_column(target, columns, "target", where)
    for name in drop:
        if name not in columns:
            raise _unknown_column(name, columns, "--drop column", where)
        if name == target:
            raise UserError(f"--drop {name!r} is the target column.", EXIT_USAGE)
    features = frame.drop(columns=[target, *drop])
    if features.shape[1] == 0:
        raise UserError(f"{where} has no column besides the target {target!r} to learn from.")
    y = frame[target]
    n_rows, dropped = len(frame), 0
    missing_y = int(y.isna().sum())
    if missing_y == n_rows:
        raise UserError(f"the target column {target!r} has only missing values.")
    if missing_y:
        if impute is None:
            raise UserError(
                f"the target column {target!r} has {missing_y} missing value(s) of {n_rows}; "
                "fill or drop those rows (with --impute they are dropped: a target is "
                "never imputed)."
            )
        keep = y.notna().to_numpy()
        features, y, dropped = features[keep], y[keep], missing_y
    return Dataset(label, data, features, y, target, n_rows, dropped)


def choose_model(y: Any, model: str | None, target: str) -> str:
    """The model asked for, or the one the target calls for; checks they agree."""
    numeric = is_numeric_column(y)
    if not numeric and model in (None, "logistic"):
        labels = y.astype(object).map(str)
        n_labels = labels.nunique()
        if n_labels > min(MAX_TEXT_LABELS, max(2, len(y) // 2)):
            raise UserError(
                f"the target {target!r} holds text with {n_labels} distinct values (e.g. "
                f"{labels.iloc[0]!r}): too many to be classes. If it should be numbers, fix "
                "the values that are not; otherwise choose another --target."
            )
    if model is None:
        values = np.unique(y.to_numpy()) if numeric else None
        few = values is not None and values.size <= MAX_CLASS_LABELS and bool(
            np.all(np.mod(values.astype(np.float64), 1) == 0)
        )
        return "logistic" if not numeric or few else "elasticnet"
    if model not in MODELS:
        raise UserError(f"--model must be one of {', '.join(MODELS)}; got {model!r}.", EXIT_USAGE)
    if model in REGRESSION_MODELS and not numeric:
        example = next(iter(y.dropna().astype(str)), "")
        raise UserError(
            f"the target {target!r} is not numeric (it holds e.g. {example!r}); --model "
            f"{model} needs numbers: use --model logistic for class labels."
        )
    return model


def describe_columns(frame: Any, pipeline: TablePipeline) -> list[dict[str, Any]]:
    """One row per input column for the report: type, missing values, a summary."""
    rows = []
    for c in pipeline.columns_:
        series = frame[c]
        row: dict[str, Any] = {"name": c, "missing": int(series.isna().sum())}
        if c in pipeline.numeric_:
            values = series.astype(np.float64)
            row.update(kind="numeric", summary=(
                f"mean {values.mean():.4g}, sd {values.std():.4g}, "
                f"range [{values.min():.4g}, {values.max():.4g}]"
            ))
        else:
            k = pipeline.categorical_.index(c)
            counts = series.astype(object).map(str).value_counts()
            top = ", ".join(f"{v} ({n})" for v, n in counts.head(3).items())
            row.update(kind="categorical", summary=(
                f"{len(pipeline.categories_[k])} categories (one-hot): {top}"
            ))
        rows.append(row)
    return rows
