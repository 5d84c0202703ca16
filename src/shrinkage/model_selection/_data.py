"""Input validation shared by the model-selection estimators."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.base import BaseEstimator
from sklearn.exceptions import DataConversionWarning

from .._validation import validate_estimator_data
from ..linear_model._base import SPARSE_FORMATS


def validate_one_target(
    estimator: BaseEstimator, X: Any, y: Any, hint: str = "Fit one model per column."
) -> tuple[Any, NDArray[np.float64]]:
    """Checked X (CSC when sparse) and a 1-D float y; sets ``n_features_in_``.

    A column vector y is accepted with scikit-learn's DataConversionWarning;
    several targets are refused with ``hint`` saying what to do instead.
    """
    X, y = validate_estimator_data(
        estimator, X, y, accept_sparse=SPARSE_FORMATS, dtype=[np.float64, np.float32],
        y_numeric=True, multi_output=True,
    )
    if y.ndim == 2:
        if y.shape[1] != 1:
            raise ValueError(
                f"{type(estimator).__name__} fits one target; y has {y.shape[1]} "
                f"columns. {hint}"
            )
        warnings.warn(
            "A column-vector y was passed when a 1d array was expected; it is used "
            "as y.ravel().",
            DataConversionWarning,
            stacklevel=3,
        )
        y = y[:, 0]
    if sp.issparse(X):
        X = sp.csc_matrix(X)
    return X, np.asarray(y, dtype=np.float64)
