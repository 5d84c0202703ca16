"""shrinkage: L1, L2 and Elastic-Net regularization.

Estimators with scikit-learn's API and objectives, solvers that certify
their answer with a duality gap, and the penalties as plain data.
"""

from . import datafits, penalties, solvers
from .linear_model import ElasticNet, Lasso, Ridge
from .penalties import L1, L2, norm

__all__ = ["L1", "L2", "ElasticNet", "Lasso", "Ridge", "datafits", "norm", "penalties", "solvers"]
__version__ = "0.1.0"
