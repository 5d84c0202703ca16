"""Choosing the penalty: cross-validation (min and 1-SE rules) and AIC/BIC."""

from ._cv_path import CVResult, cross_validate_path
from ._enet_cv import ElasticNetCV, LassoCV
from ._ic import LassoIC
from ._logistic_cv import LogisticRegressionCV
from ._ridge_cv import RidgeCV
from ._selection import choose, standard_error

__all__ = [
    "CVResult",
    "ElasticNetCV",
    "LassoCV",
    "LassoIC",
    "LogisticRegressionCV",
    "RidgeCV",
    "choose",
    "cross_validate_path",
    "standard_error",
]
