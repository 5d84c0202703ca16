"""Solvers for penalised least squares; each returns a certified Solution.

All minimise ``||y - X w||^2 / (2 n) + pen(w)`` on centred data and share
one signature: ``solve(X, y, penalty, *, coef_init, n_samples, warn)``.
"""

from .base import Solution
from .cd import CoordinateDescent
from .closed_form import ClosedFormRidge, ridge_svd_path
from .gradient import GradientDescent, gradient_descent_trajectory
from .prox_grad import ProximalGradient

__all__ = [
    "ClosedFormRidge",
    "CoordinateDescent",
    "GradientDescent",
    "ProximalGradient",
    "Solution",
    "gradient_descent_trajectory",
    "ridge_svd_path",
]
