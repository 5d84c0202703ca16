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
    from ..model_selection import ElasticNetCV, LassoCV, LogisticRegressionCV, RidgeCV

    classes = (Lasso, ElasticNet, Ridge, LogisticRegression,
               LassoCV, ElasticNetCV, RidgeCV, LogisticRegressionCV)
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
            f"their CV variants and the command's pipelines; got {type(estimator).__name__}."
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
    return estimator
