"""Keras' weight and activity regularizers, for PyTorch tensors.

Each regularizer is a small frozen dataclass, callable on a tensor, with the
formula Keras documents (no 1/2, no mean)::

    L1(l1)                 l1 * sum |x|
    L2(l2)                 l2 * sum x**2
    L1L2(l1, l2)           l1 * sum |x| + l2 * sum x**2
    Orthogonal(factor)     factor * mean_{i<j} |<u_i, u_j>|,  u_i the L2-normalised
                           rows (mode="rows") or columns (mode="columns")

so that a model ported from Keras trains on the same objective. The factors
are checked as Keras checks them (finite, >= 0) and the configs are Keras'
(``L1(0.01).get_config() == {"l1": 0.01}``), so they round-trip through
:func:`serialize` / :func:`deserialize` and Keras' own ``from_config``.

Scaling against the rest of shrinkage: ``L2(l2)`` has the gradient
``2 * l2 * x``, so Keras' ``L2(l)`` is torch's ``SGD(weight_decay=2 * l)``;
and the Keras ``l1`` equals scikit-learn's ``alpha`` when the data term is
``mean((y - Xw - b)**2) / 2`` (see :mod:`shrinkage.nn.optim`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import torch
from torch import Tensor

from .._validation import check_alpha

__all__ = [
    "L1",
    "L1L2",
    "L2",
    "Orthogonal",
    "OrthogonalRegularizer",
    "Regularizer",
    "SeparableRegularizer",
    "deserialize",
    "l1",
    "l1_l2",
    "l2",
    "orthogonal_regularizer",
    "serialize",
    "soft_threshold",
]


def _check_factor(value: object, name: str) -> float:
    """A Keras factor: a real number, finite and >= 0 (bools are refused)."""
    return check_alpha(value, name=name)


class Regularizer:
    """Base class: a penalty ``R(x)`` computed from one tensor.

    Subclasses implement ``__call__`` (a differentiable scalar tensor) and
    :meth:`get_config`; :meth:`from_config` rebuilds them from the config.
    Any plain function ``Tensor -> Tensor`` can also be attached with
    :func:`shrinkage.nn.regularize`, as in Keras.
    """

    keras_name: ClassVar[str] = "Regularizer"

    def __call__(self, x: Tensor) -> Tensor:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        """The Keras config: a JSON-serialisable dict of the constructor arguments."""
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config().")

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Regularizer:
        """Rebuild a regularizer from :meth:`get_config`'s dict (Keras' contract)."""
        return cls(**config)


class SeparableRegularizer(Regularizer):
    """A penalty ``l1 * sum|x| + l2 * sum x**2``: the ones that have a prox.

    :class:`~shrinkage.nn.ProximalOptimizer` handles exactly these. The
    proximal operator of ``step * R`` is coordinate-wise::

        prox(z) = S(z, step * l1) / (1 + 2 * step * l2)

    with ``S`` the soft-threshold; ``step`` may be a tensor (one step per
    coordinate, as Adam-family optimizers take).
    """

    @property
    def l1_l2(self) -> tuple[float, float]:
        """``(l1, l2)`` in Keras' scaling (``l2`` multiplies ``sum x**2``)."""
        raise NotImplementedError

    def __call__(self, x: Tensor) -> Tensor:
        a1, a2 = self.l1_l2
        value = x.new_zeros(())
        # Zero factors are skipped (as Keras does) so that L1L2(l1=0) has no
        # |x| term whose subgradient at 0 would be ambiguous.
        if a1:
            value = value + a1 * x.abs().sum()
        if a2:
            value = value + a2 * x.square().sum()
        return value

    def prox(self, z: Tensor, step: float | Tensor) -> Tensor:
        """``argmin_w ||w - z||^2 / (2 step) + R(w)``, coordinate-wise."""
        a1, a2 = self.l1_l2
        out = soft_threshold(z, step * a1) if a1 else z
        return out / (1.0 + 2.0 * a2 * step) if a2 else out


def soft_threshold(z: Tensor, threshold: float | Tensor) -> Tensor:
    """``sign(z) * max(|z| - threshold, 0)``: exact zeros where ``|z| <= threshold``."""
    return torch.sign(z) * torch.clamp(z.abs() - threshold, min=0.0)


@dataclass(frozen=True)
class L1(SeparableRegularizer):
    """Keras' L1 penalty ``l1 * sum |x|``.

    Parameters
    ----------
    l1 : float, default=0.01
        Finite factor >= 0 (Keras' default 0.01).

    Examples
    --------
    >>> import torch
    >>> float(L1(0.01)(torch.ones(5, 5)))
    0.25
    """

    keras_name: ClassVar[str] = "L1"
    l1: float = 0.01

    def __post_init__(self) -> None:
        object.__setattr__(self, "l1", _check_factor(self.l1, "l1"))

    @property
    def l1_l2(self) -> tuple[float, float]:
        return self.l1, 0.0

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1}


@dataclass(frozen=True)
class L2(SeparableRegularizer):
    """Keras' L2 penalty ``l2 * sum x**2`` (no 1/2: the gradient is ``2 l2 x``).

    Parameters
    ----------
    l2 : float, default=0.01
        Finite factor >= 0 (Keras' default 0.01).

    Examples
    --------
    >>> import torch
    >>> float(L2(2.0)(torch.ones(5, 5)))
    50.0
    """

    keras_name: ClassVar[str] = "L2"
    l2: float = 0.01

    def __post_init__(self) -> None:
        object.__setattr__(self, "l2", _check_factor(self.l2, "l2"))

    @property
    def l1_l2(self) -> tuple[float, float]:
        return 0.0, self.l2

    def get_config(self) -> dict[str, Any]:
        return {"l2": self.l2}


@dataclass(frozen=True)
class L1L2(SeparableRegularizer):
    """Keras' combined penalty ``l1 * sum |x| + l2 * sum x**2``.

    Parameters
    ----------
    l1, l2 : float, default=0.0
        Finite factors >= 0. The defaults are Keras' (both 0) for the class;
        note that Keras 2's *function* ``l1_l2()`` defaulted to 0.01 each.

    Notes
    -----
    scikit-learn's ``ElasticNet(alpha, l1_ratio)`` penalty is
    ``L1L2(l1=alpha * l1_ratio, l2=alpha * (1 - l1_ratio) / 2)``.
    """

    keras_name: ClassVar[str] = "L1L2"
    l1: float = 0.0
    l2: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "l1", _check_factor(self.l1, "l1"))
        object.__setattr__(self, "l2", _check_factor(self.l2, "l2"))

    @property
    def l1_l2(self) -> tuple[float, float]:
        return self.l1, self.l2

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1, "l2": self.l2}


@dataclass(frozen=True)
class Orthogonal(Regularizer):
    """Keras' ``OrthogonalRegularizer``: pushes rows (or columns) to be orthogonal.

    With ``u_1 .. u_n`` the rows (``mode="rows"``) or columns of a 2-D
    tensor scaled to unit L2 norm (zero vectors stay zero, as in Keras)::

        R(x) = factor * sum_{i < j} |<u_i, u_j>| / (n (n - 1) / 2)

    the mean absolute cosine over distinct pairs. Keras writes it as
    ``factor * 0.5 * sum|offdiag(U U')| / num_pairs``: the same number.

    Parameters
    ----------
    factor : float, default=0.01
        Finite factor >= 0.
    mode : {"rows", "columns"}, default="rows"

    Notes
    -----
    torch's ``Linear.weight`` is ``(out_features, in_features)``, the
    transpose of Keras' ``Dense`` kernel ``(input_dim, units)``; so
    ``mode="rows"`` on a torch weight is Keras' ``mode="columns"`` on the
    corresponding kernel. The regulariser applies its formula to the tensor
    it is given and does not guess the layout. It has no cheap prox, so it
    always stays in :func:`shrinkage.nn.penalty`.
    """

    keras_name: ClassVar[str] = "OrthogonalRegularizer"
    factor: float = 0.01
    mode: str = "rows"

    def __post_init__(self) -> None:
        object.__setattr__(self, "factor", _check_factor(self.factor, "factor"))
        if self.mode not in ("rows", "columns"):
            raise ValueError(f'mode must be "rows" or "columns", got {self.mode!r}.')

    def __call__(self, x: Tensor) -> Tensor:
        if x.ndim != 2:
            raise ValueError(
                f"Orthogonal needs a 2-D tensor, got shape {tuple(x.shape)}; "
                "reshape the weight to (n_vectors, dim) first."
            )
        vectors = x if self.mode == "rows" else x.T
        n = vectors.shape[0]
        if n < 2:
            return x.new_zeros(())
        # Keras' normalize: x * min(1/||x||, 1/eps) with eps = 1e-7, so a zero
        # vector stays zero instead of becoming NaN.
        norms = torch.linalg.vector_norm(vectors, dim=1, keepdim=True)
        unit = vectors / torch.clamp(norms, min=1e-7)
        gram = unit @ unit.T
        off_diagonal = gram.abs().sum() - torch.diagonal(gram).abs().sum()
        n_pairs = n * (n - 1) / 2.0
        return self.factor * 0.5 * off_diagonal / n_pairs

    def get_config(self) -> dict[str, Any]:
        return {"factor": self.factor, "mode": self.mode}


# Keras exports every regularizer under a lowercase alias as well.
l1 = L1
l2 = L2
l1_l2 = L1L2
OrthogonalRegularizer = Orthogonal
orthogonal_regularizer = Orthogonal

_BY_KERAS_NAME: dict[str, type[Regularizer]] = {
    cls.keras_name: cls for cls in (L1, L2, L1L2, Orthogonal)
}


def serialize(regularizer: Regularizer) -> dict[str, Any]:
    """Keras 3's serialised form ``{"module", "class_name", "config", "registered_name"}``.

    Examples
    --------
    >>> serialize(L1L2(l1=0.01, l2=0.02))["config"]
    {'l1': 0.01, 'l2': 0.02}
    """
    if not isinstance(regularizer, Regularizer):
        raise TypeError(f"expected a shrinkage.nn regularizer, got {type(regularizer).__name__}.")
    return {
        "module": "keras.regularizers",
        "class_name": regularizer.keras_name,
        "config": regularizer.get_config(),
        "registered_name": None,
    }


def deserialize(config: dict[str, Any]) -> Regularizer:
    """Inverse of :func:`serialize`; also reads Keras 2's ``{"class_name", "config"}``."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "expected a dict with 'class_name' and 'config' (the output of serialize), "
            f"got {config!r}."
        )
    name = config["class_name"]
    cls = _BY_KERAS_NAME.get(name)
    if cls is None:
        raise ValueError(f"unknown regularizer {name!r}; known: {sorted(_BY_KERAS_NAME)}.")
    return cls.from_config(dict(config.get("config", {})))
