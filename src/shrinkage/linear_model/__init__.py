"""scikit-learn compatible estimators."""

from .elastic_net import ElasticNet, Lasso
from .ridge import Ridge

__all__ = ["ElasticNet", "Lasso", "Ridge"]
