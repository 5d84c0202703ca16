"""scikit-learn compatible estimators."""

from .elastic_net import ElasticNet, Lasso
from .logistic import LogisticRegression
from .ridge import Ridge

__all__ = ["ElasticNet", "Lasso", "LogisticRegression", "Ridge"]
