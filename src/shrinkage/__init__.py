"""shrinkage: L1, L2 and Elastic-Net regularization.

Estimators with scikit-learn's API and objectives, solvers that certify
their answer with a duality gap, and the penalties as plain data.
"""

from . import datafits, model_selection, penalties, solvers
from .linear_model import ElasticNet, Lasso, LogisticRegression, Ridge
from .model_selection import ElasticNetCV, LassoCV, LassoIC, LogisticRegressionCV, RidgeCV
from .path import Path, regularization_path
from .penalties import L1, L2, norm

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
    # shrinkage.nn needs torch (the extra `torch`), shrinkage.plotting
    # matplotlib; shrinkage.io (save, load) is only needed by who saves or
    # loads: import them when used, so that `import shrinkage` stays cheap.
    import importlib

    if name in ("nn", "plotting", "io"):
        return importlib.import_module(f".{name}", __name__)
    if name in ("save", "load"):
        return getattr(importlib.import_module(".io", __name__), name)
    raise AttributeError(f"module 'shrinkage' has no attribute {name!r}")
