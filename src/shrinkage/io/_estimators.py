"""A fitted estimator as plain data: its class name, parameters and fitted attributes.

Only the classes in :func:`known_classes` are written and rebuilt; loading
calls their ``__init__`` (which only stores its arguments, as scikit-learn
requires) and sets the fitted attributes, names ending in ``_`` only.
"""

from __future__ import annotations

import warnings
from typing import Any

from ._codec import Encoder, NotPlainData, decode


def known_classes() -> dict[str, type]:
    """The estimators a model file may hold, by class name."""
    from ..linear_model import ElasticNet, Lasso, LogisticRegression, Ridge
    from ..model_selection import ElasticNetCV, LassoCV, LassoIC, LogisticRegressionCV, RidgeCV

    classes = (Lasso, ElasticNet, Ridge, LogisticRegression,
               LassoCV, ElasticNetCV, RidgeCV, LogisticRegressionCV, LassoIC)
    return {cls.__name__: cls for cls in classes}


def _fitted_attributes(estimator: Any) -> dict[str, Any]:
    """Public fitted attributes (``name_``): what predict, plots and users read."""
    return {
        name: value for name, value in vars(estimator).items()
        if name.endswith("_") and not name.startswith("_")
    }


def estimator_state(estimator: Any, encoder: Encoder) -> dict[str, Any]:
    """``{"class", "params", "fitted", "dropped_params"}`` of a fitted estimator.

    Parameters that are not plain data (a custom splitter, a callable
    scorer) are not needed to predict: they are recorded by their ``repr``
    under ``dropped_params`` and come back as None. A fitted attribute that
    is not plain data is an error: the loaded model would be incomplete.
    """
    name = type(estimator).__name__
    if not any(type(estimator) is cls for cls in known_classes().values()):
        raise TypeError(
            f"shrinkage.save writes shrinkage's Lasso, ElasticNet, Ridge, LogisticRegression, "
            f"their CV variants, LassoIC and the command's pipelines; got "
            f"{type(estimator).__name__}."
        )
    fitted = _fitted_attributes(estimator)
    if "coef_" not in fitted:
        raise ValueError(f"this {name} is not fitted yet: call fit(X, y) before saving it.")
    params, dropped = {}, {}
    all_params: dict[str, Any] = estimator.get_params(deep=False)
    for key, value in all_params.items():
        try:
            params[key] = encoder.encode(value)
        except NotPlainData:
            params[key], dropped[key] = None, repr(value)
    encoded = {}
    for key, value in fitted.items():
        try:
            encoded[key] = encoder.encode(value)
        except NotPlainData as exc:
            raise TypeError(f"cannot save {name}.{key}: {exc}.") from None
    return {"class": name, "params": params, "fitted": encoded, "dropped_params": dropped}


def estimator_from_state(state: dict[str, Any], arrays: list[Any]) -> Any:
    """Rebuild what :func:`estimator_state` wrote (whitelisted classes only)."""
    cls = known_classes().get(str(state.get("class")))
    if cls is None:
        raise ValueError(f"unknown estimator class {state.get('class')!r}")
    params = {k: decode(v, arrays) for k, v in state["params"].items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        estimator = cls(**params)
    for key, value in state["fitted"].items():
        if not (key.isidentifier() and key.endswith("_") and not key.startswith("_")):
            raise ValueError(f"{key!r} is not a fitted attribute name")
        setattr(estimator, key, decode(value, arrays))
    # The parameters must be ones fit would accept, and the fitted arrays must
    # fit together: a file edited by hand (with its checksum recomputed) must
    # not load into a model that fails, or predicts nonsense, later.
    validate = getattr(estimator, "_validate_params", None)
    if validate is not None:
        validate()
    check_fitted_state(estimator)
    return estimator


def check_fitted_state(estimator: Any) -> None:
    """Refuse fitted attributes that do not make a model: shapes, types, finiteness.

    ``coef_`` must be a finite float array whose last axis has
    ``n_features_in_`` entries, ``intercept_`` a finite float (one per row of
    a 2-D ``coef_``), ``classes_`` (classifiers) at least two labels matching
    the rows of ``coef_``, and ``feature_names_in_`` one name per feature.
    """
    import numpy as np

    coef = getattr(estimator, "coef_", None)
    if not isinstance(coef, np.ndarray) or coef.dtype.kind != "f" or coef.ndim not in (1, 2):
        raise ValueError("coef_ must be a 1-D or 2-D float array")
    if not np.all(np.isfinite(coef)):
        raise ValueError("coef_ has NaN or infinite entries")
    n_features = getattr(estimator, "n_features_in_", None)
    if not isinstance(n_features, int | np.integer) or coef.shape[-1] != n_features:
        raise ValueError(
            f"coef_ has {coef.shape[-1]} features but n_features_in_ is {n_features!r}"
        )
    intercept = np.asarray(getattr(estimator, "intercept_", None))
    rows = 1 if coef.ndim == 1 else coef.shape[0]
    if intercept.dtype.kind != "f" or intercept.size not in ((1,) if coef.ndim == 1 else (rows,)):
        raise ValueError(f"intercept_ must be {rows} float(s) matching coef_")
    if not np.all(np.isfinite(intercept)):
        raise ValueError("intercept_ has NaN or infinite entries")
    names = getattr(estimator, "feature_names_in_", None)
    if names is not None and np.shape(names) != (n_features,):
        raise ValueError("feature_names_in_ must have one name per feature")
    classes = getattr(estimator, "classes_", None)
    if hasattr(estimator, "predict_proba"):
        if classes is None or np.ndim(classes) != 1 or len(classes) < 2:
            raise ValueError("a classifier needs classes_, at least two labels")
        if coef.ndim != 2 or coef.shape[0] != (1 if len(classes) == 2 else len(classes)):
            raise ValueError(f"coef_ of shape {coef.shape} does not fit {len(classes)} classes")
