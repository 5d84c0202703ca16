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
    "model_selection",
    "nn",
    "norm",
    "penalties",
    "plotting",
    "regularization_path",
    "solvers",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    # shrinkage.nn needs torch (the extra `torch`), shrinkage.plotting
    # matplotlib (the extra `plot`); import them only when used, so that
    # `import shrinkage` pulls in neither.
    if name in ("nn", "plotting"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'shrinkage' has no attribute {name!r}")
