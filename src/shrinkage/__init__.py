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
    "regularization_path",
    "solvers",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    # shrinkage.nn needs torch (the extra `torch`); import it only when used,
    # so `import shrinkage` never pulls torch in.
    if name == "nn":
        import importlib

        return importlib.import_module(".nn", __name__)
    raise AttributeError(f"module 'shrinkage' has no attribute {name!r}")
