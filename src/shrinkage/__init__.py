"""shrinkage: L1, L2 and Elastic-Net regularization.

Estimators with scikit-learn's API and objectives, solvers that certify
their answer with a duality gap, and the penalties as plain data.
"""

from . import datafits, penalties, solvers
from .path import Path, regularization_path
from .penalties import L1, L2, norm

# The estimators build on scikit-learn, whose import costs about a second
# (it loads pandas and scipy.stats); they load on first use, so that a
# process that only computes paths, penalties or proximal steps never pays
# it. `from shrinkage import Lasso` works as before.
_ESTIMATORS = {
    "ElasticNet": "linear_model", "Lasso": "linear_model",
    "LogisticRegression": "linear_model", "Ridge": "linear_model",
    "ElasticNetCV": "model_selection", "LassoCV": "model_selection",
    "LassoIC": "model_selection", "LogisticRegressionCV": "model_selection",
    "RidgeCV": "model_selection",
}
# shrinkage.nn needs torch (the extra `torch`), shrinkage.plotting
# matplotlib; shrinkage.io (save, load) is only needed by who saves or loads.
_SUBPACKAGES = ("linear_model", "model_selection", "nn", "plotting", "io")

__all__ = [
    "L1",
    "L2",
    "ElasticNet",
    "ElasticNetCV",
    "Lasso",
    "LassoCV",
    "LassoIC",
    "LogisticRegression",
    "LogisticRegressionCV",
    "Path",
    "Ridge",
    "RidgeCV",
    "datafits",
    "io",
    "load",
    "model_selection",
    "nn",
    "norm",
    "penalties",
    "plotting",
    "regularization_path",
    "save",
    "solvers",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    import importlib

    if name in _ESTIMATORS:
        return getattr(importlib.import_module(f".{_ESTIMATORS[name]}", __name__), name)
    if name in _SUBPACKAGES:
        return importlib.import_module(f".{name}", __name__)
    if name in ("save", "load"):
        return getattr(importlib.import_module(".io", __name__), name)
    raise AttributeError(f"module 'shrinkage' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
