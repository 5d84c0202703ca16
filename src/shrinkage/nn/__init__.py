"""Keras-style L1 / L2 / L1L2 regularizers for PyTorch, and a proximal step for exact zeros.

Needs the ``torch`` extra (``pip install shrinkage[torch]``); ``import
shrinkage`` alone never imports torch.

- :class:`L1`, :class:`L2`, :class:`L1L2`, :class:`Orthogonal`: Keras'
  formulas and configs, callable on a tensor.
- :func:`regularize` / :func:`penalty`: attach them to layers (weights,
  biases, activities) and add their sum to the loss.
- :class:`ProximalOptimizer` / :func:`sparsity`: apply L1 / L1L2 as a
  proximal step after any SGD / Adam step, which gives exact zeros.
- :func:`sweep`: train over a grid of strengths with early stopping.
"""

try:
    import torch  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "shrinkage.nn needs PyTorch, which is not installed: pip install shrinkage[torch]"
    ) from exc

from ._select import default_weights, is_norm_layer
from .attach import RegularizationHandle, penalty, regularize
from .optim import LayerSparsity, ProximalOptimizer, SparsityReport, prox_step_size, sparsity
from .regularizers import (
    L1,
    L1L2,
    L2,
    Orthogonal,
    OrthogonalRegularizer,
    Regularizer,
    SeparableRegularizer,
    deserialize,
    l1,
    l1_l2,
    l2,
    orthogonal_regularizer,
    serialize,
    soft_threshold,
)
from .sweep import SweepResult, sweep

__all__ = [
    "L1",
    "L1L2",
    "L2",
    "LayerSparsity",
    "Orthogonal",
    "OrthogonalRegularizer",
    "ProximalOptimizer",
    "RegularizationHandle",
    "Regularizer",
    "SeparableRegularizer",
    "SparsityReport",
    "SweepResult",
    "default_weights",
    "deserialize",
    "is_norm_layer",
    "l1",
    "l1_l2",
    "l2",
    "orthogonal_regularizer",
    "penalty",
    "prox_step_size",
    "regularize",
    "serialize",
    "soft_threshold",
    "sparsity",
    "sweep",
]
