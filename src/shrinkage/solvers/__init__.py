"""Solvers for penalised least squares; each returns a certified Solution."""

from .base import Solution
from .cd import CoordinateDescent

__all__ = ["CoordinateDescent", "Solution"]
