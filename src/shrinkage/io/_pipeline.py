"""A table in, predictions out: the fitted pipeline the ``shrinkage`` command saves.

:class:`TablePipeline` turns a DataFrame into the model's design matrix
(numeric columns as they are, categorical ones one-hot encoded by
scikit-learn's ``OneHotEncoder``; missing values refused or imputed with
values learned on the training data) and hands it to a fitted shrinkage
estimator. Standardisation is the estimator's own (``standardize=True``):
its coefficients are on the original scale, so no scaler is needed to
predict; the training columns' standard deviations are kept in
``feature_scale_`` to compare coefficients.

Everything it holds is plain data (names, category lists, fill values, the
estimator's arrays), so it is saved without pickle: the encoder is rebuilt
from its category lists.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.base import is_classifier

IMPUTE_STRATEGIES = ("mean", "median")
UNKNOWN_POLICIES = ("error", "ignore")
# A text column with more distinct values than this, nearly all of them
# numbers, is taken for a numeric column with typos (see check_numbers_as_text).
MAX_NUMERIC_LOOKING_CATEGORIES = 20


class DataError(ValueError):
    """The data cannot be used as it is (missing values, wrong columns, unseen categories)."""


def _count_list(counts: dict[str, int], n_rows: int) -> str:
    return ", ".join(f"{name!r} ({count} of {n_rows})" for name, count in counts.items())


def missing_counts(frame: Any) -> dict[str, int]:
    """``{column: number of missing values}`` for the columns that have any."""
    counts = frame.isna().sum()
    return {str(k): int(v) for k, v in counts.items() if v > 0}


def check_missing(frame: Any, impute: str | None) -> None:
    """Refuse all-missing columns always, and any missing value without ``impute``."""
    empty = {str(c): len(frame) for c in frame.columns if frame[c].isna().all()}
    if empty:
        raise DataError(
            f"column(s) with only missing values: {_count_list(empty, len(frame))}; "
            "drop them (--drop COL)."
        )
    missing = missing_counts(frame)
    if missing and impute is None:
        raise DataError(
            f"missing values in {_count_list(missing, len(frame))}; fill them, drop "
            "those columns (--drop), or impute (--impute mean|median)."
        )


def is_numeric_column(series: Any) -> bool:
    """Numbers and booleans are used as they are; anything else is a category."""
    import pandas as pd

    return bool(pd.api.types.is_numeric_dtype(series.dtype)) and not isinstance(
        series.dtype, pd.CategoricalDtype
    )


def _numeric_values(series: Any, name: str) -> NDArray[np.float64]:
    """A numeric column as float64: text, infinities and inexact huge integers refused."""
    from .._validation import check_real_values

    try:
        check_real_values(series.to_numpy(), f"column {name!r}")
    except ValueError as exc:
        raise DataError(str(exc)) from None
    try:
        values = np.asarray(series, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError(
            f"column {name!r} must be numeric, as in the training data; it holds text."
        ) from None
    infinite = np.flatnonzero(np.isinf(values))
    if infinite.size:
        rows = ", ".join(str(series.index[k]) for k in infinite[:5])
        raise DataError(
            f"column {name!r} has {infinite.size} infinite value(s) (rows {rows}"
            f"{' ...' if infinite.size > 5 else ''}); replace them with numbers or drop "
            "those rows."
        )
    return values


def check_numbers_as_text(frame: Any, columns: list[str]) -> None:
    """Refuse a text column whose values are nearly all numbers: a typo, not categories.

    A column of many distinct numbers with one entry such as ``"1+2j"`` or
    ``"n/a"`` is read as text; one-hot encoding it would give a column per
    number. Few distinct values (``"1", "2", "XL"``) stay categories.
    """
    import pandas as pd

    for c in columns:
        values = frame[c].dropna()
        if values.nunique() <= MAX_NUMERIC_LOOKING_CATEGORIES:
            continue
        parsed = pd.to_numeric(values.astype(str), errors="coerce")
        bad = values[parsed.isna()]
        if 0 < len(bad) <= 0.1 * len(values):
            shown = ", ".join(repr(str(v)) for v in bad.unique()[:3])
            raise DataError(
                f"column {c!r} holds numbers except for {len(bad)} value(s) that are not "
                f"(e.g. {shown}); fix or blank those values (then --impute), or --drop "
                "the column."
            )


def _as_labels(series: Any) -> Any:
    """Category values as strings, so that they are plain data and compare exactly."""
    return series.astype(object).map(str)


class TablePipeline:
    """Imputation and one-hot encoding of a table, then a fitted shrinkage estimator.

    Parameters
    ----------
    estimator : shrinkage estimator
        Fitted by :meth:`fit` on the encoded columns (a DataFrame, so that
        its ``feature_names_in_`` and ``path_`` carry the names).
    target : str
        Name of the target column (kept for the record and for
        :meth:`check_columns`, which ignores it in new data).
    impute : {"mean", "median"} or None, default=None
        None refuses missing values, naming the columns and counts. With a
        strategy, numeric columns are filled with their training mean or
        median and categorical ones with their most frequent category.
    unknown : {"error", "ignore"}, default="error"
        A category not seen in training: an error naming the column and
        the values, or encoded as all zeros (none of the known categories).

    Attributes
    ----------
    columns_ : list of str
        The input columns used, in order.
    numeric_, categorical_ : list of str
    categories_ : list of list of str
        The categories of each categorical column, sorted.
    fill_ : dict of str to float or str
        Imputation values (empty without ``impute``).
    feature_names_ : ndarray of str
        The encoded columns: numeric ones, then ``"column=category"``.
    feature_scale_ : ndarray of float
        Standard deviation of each encoded column in the training data.
    """

    def __init__(
        self, estimator: Any, *, target: str, impute: str | None = None, unknown: str = "error"
    ) -> None:
        if impute is not None and impute not in IMPUTE_STRATEGIES:
            raise ValueError(f"impute must be None, 'mean' or 'median'; got {impute!r}.")
        if unknown not in UNKNOWN_POLICIES:
            raise ValueError(f"unknown must be 'error' or 'ignore'; got {unknown!r}.")
        self.estimator = estimator
        self.target = target
        self.impute = impute
        self.unknown = unknown

    # -- fit ------------------------------------------------------------------
    def learn_encoding(self, frame: Any) -> TablePipeline:
        """Learn the columns, fill values and categories of ``frame`` (features only)."""
        self.columns_ = [str(c) for c in frame.columns]
        if len(set(self.columns_)) != len(self.columns_):
            raise DataError("the data has duplicated column names; give every column its own.")
        check_missing(frame, self.impute)
        self.numeric_ = [c for c in self.columns_ if is_numeric_column(frame[c])]
        self.categorical_ = [c for c in self.columns_ if c not in self.numeric_]
        check_numbers_as_text(frame, self.categorical_)
        self.fill_: dict[str, Any] = {}
        if self.impute is not None:
            for c in self.numeric_:
                values = frame[c].astype(np.float64)
                fill = values.mean() if self.impute == "mean" else values.median()
                self.fill_[c] = float(fill)
            for c in self.categorical_:
                self.fill_[c] = str(_as_labels(frame[c].dropna()).value_counts().index[0])
        filled = self._filled(frame)
        self.categories_ = [
            sorted(set(_as_labels(filled[c]))) for c in self.categorical_
        ]
        self._build_encoder()
        names = list(self.numeric_) + [
            f"{c}={v}" for c, cats in zip(self.categorical_, self.categories_, strict=True)
            for v in cats
        ]
        if len(set(names)) != len(names):
            raise DataError("encoded column names collide (a column named like 'col=value').")
        self.feature_names_ = np.asarray(names, dtype=object)
        X = self._encode(filled)
        self.feature_scale_ = np.asarray(X.std(axis=0), dtype=np.float64)
        return self

    def fit(self, frame: Any, y: Any, **fit_params: Any) -> TablePipeline:
        """Learn the encoding on ``frame``, then fit the estimator on the encoded columns."""
        self.learn_encoding(frame)
        self.estimator.fit(self.transform(frame), y, **fit_params)
        return self

    def _build_encoder(self) -> None:
        """scikit-learn's encoder from the category lists (also how a loaded model gets one)."""
        import pandas as pd
        from sklearn.preprocessing import OneHotEncoder

        self._encoder = None
        if not self.categorical_:
            return
        longest = max(len(c) for c in self.categories_)
        # Fit on the categories themselves (each list padded with its first
        # value): with categories= given, the encoder learns nothing else.
        frame = pd.DataFrame({
            col: cats + [cats[0]] * (longest - len(cats))
            for col, cats in zip(self.categorical_, self.categories_, strict=True)
        }, dtype=object)
        self._encoder = OneHotEncoder(
            categories=[np.asarray(c, dtype=object) for c in self.categories_],
            handle_unknown="ignore", sparse_output=False, dtype=np.float64,
        ).fit(frame)

    # -- transform --------------------------------------------------------------
    def check_columns(self, frame: Any) -> list[str]:
        """Refuse a table without the model's columns; return the extra ones (ignored)."""
        present = [str(c) for c in frame.columns]
        missing = [c for c in self.columns_ if c not in present]
        if missing:
            raise DataError(
                f"the data lacks {len(missing)} column(s) the model needs: "
                f"{', '.join(map(repr, missing))}."
            )
        return [c for c in present if c not in self.columns_ and c != self.target]

    def _filled(self, frame: Any) -> Any:
        frame = frame[self.columns_]
        missing = missing_counts(frame)
        if not missing:
            return frame
        if not self.fill_:
            raise DataError(
                f"missing values in {_count_list(missing, len(frame))}; the model was "
                "fitted without --impute, so every value must be given."
            )
        return frame.fillna({c: self.fill_[c] for c in missing})

    def _encode(self, filled: Any) -> NDArray[np.float64]:
        parts = []
        for c in self.numeric_:
            parts.append(_numeric_values(filled[c], c)[:, None])
        if self._encoder is not None:
            labels = filled[self.categorical_].apply(_as_labels)
            if self.unknown == "error":
                self._check_known(labels)
            parts.append(self._encoder.transform(labels))
        if not parts:
            return np.empty((len(filled), 0))
        return np.hstack(parts)

    def _check_known(self, labels: Any) -> None:
        for c, cats in zip(self.categorical_, self.categories_, strict=True):
            unseen = sorted(set(labels[c]) - set(cats))
            if unseen:
                shown = ", ".join(map(repr, unseen[:5])) + (" ..." if len(unseen) > 5 else "")
                raise DataError(
                    f"column {c!r} has {len(unseen)} categor{'y' if len(unseen) == 1 else 'ies'}"
                    f" not seen in training: {shown} (known: {len(cats)}); use "
                    "--ignore-unknown to encode them as none of the known ones."
                )

    def transform(self, frame: Any) -> Any:
        """The encoded columns of ``frame``: a float64 DataFrame named ``feature_names_``."""
        import pandas as pd

        self.check_columns(frame)
        X = self._encode(self._filled(frame))
        return pd.DataFrame(X, columns=list(self.feature_names_), index=frame.index)

    # -- predict ------------------------------------------------------------------
    @property
    def task(self) -> str:
        """``"classification"`` or ``"regression"``."""
        return "classification" if is_classifier(self.estimator) else "regression"

    def predict(self, frame: Any) -> NDArray[Any]:
        """The estimator's predictions (class labels for a classifier)."""
        return np.asarray(self.estimator.predict(self.transform(frame)))

    def predict_proba(self, frame: Any) -> NDArray[np.float64]:
        """Class probabilities, columns in the order of ``estimator.classes_``."""
        if self.task != "classification":
            raise TypeError("predict_proba needs a classifier; this model is a regression.")
        return np.asarray(self.estimator.predict_proba(self.transform(frame)))

    # -- plain data ----------------------------------------------------------------
    _STATE = ("target", "impute", "unknown", "columns_", "numeric_", "categorical_",
              "categories_", "fill_", "feature_names_", "feature_scale_")

    def state(self) -> dict[str, Any]:
        """Everything but the estimator, as plain values."""
        return {name: getattr(self, name) for name in self._STATE}

    @classmethod
    def from_state(cls, state: dict[str, Any], estimator: Any) -> TablePipeline:
        """Rebuild a fitted pipeline from :meth:`state` and its fitted estimator."""
        pipeline = cls(estimator, target=str(state["target"]), impute=state["impute"],
                       unknown=str(state["unknown"]))
        for name in cls._STATE[3:]:
            setattr(pipeline, name, state[name])
        pipeline.categories_ = [list(map(str, c)) for c in pipeline.categories_]
        n_features = getattr(estimator, "n_features_in_", None)
        if len(pipeline.feature_names_) != n_features:
            raise ValueError(
                f"the pipeline encodes {len(pipeline.feature_names_)} columns but its "
                f"estimator was fitted on {n_features}"
            )
        pipeline._build_encoder()
        return pipeline
