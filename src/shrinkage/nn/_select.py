"""Which modules and parameters a penalty goes to (shared by regularize, the prox and sparsity)."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterator, Sequence
from typing import TypeAlias

from torch import nn

__all__ = ["Where", "default_weights", "is_norm_layer", "owned_parameters", "select_modules"]

Where: TypeAlias = (
    nn.Module | str | Callable[[str, nn.Module], bool] | Sequence[nn.Module | str] | None
)
_NORM_NAME = re.compile(r"Norm(\d+d)?$")


def is_norm_layer(module: nn.Module) -> bool:
    """True for normalisation layers, whose weights and biases are never penalised by default.

    BatchNorm / InstanceNorm (all dims), LayerNorm, GroupNorm, RMSNorm, and
    any class whose name ends in ``Norm`` or ``Norm1d`` / ``Norm2d`` / ...
    (custom norms follow that habit).
    """
    known = (nn.modules.batchnorm._NormBase, nn.LayerNorm, nn.GroupNorm, nn.RMSNorm)
    return isinstance(module, known) or bool(_NORM_NAME.search(type(module).__name__))


def select_modules(root: nn.Module, where: Where) -> list[tuple[str, nn.Module]]:
    """``(qualified name, module)`` pairs of ``root`` chosen by ``where``."""
    named = list(root.named_modules())
    if where is None:
        return [("", root)]
    if callable(where) and not isinstance(where, nn.Module):
        chosen = [(n, m) for n, m in named if where(n, m)]
    else:
        items: Sequence[nn.Module | str] = (
            [where] if isinstance(where, nn.Module | str) else list(where)
        )
        chosen = []
        for item in items:
            if isinstance(item, str):
                hits = [(n, m) for n, m in named if fnmatch.fnmatchcase(n, item)]
                if not hits:
                    names = [n for n, _ in named if n][:12]
                    raise ValueError(
                        f"where={item!r} matches no submodule name; names look like {names} "
                        "(glob patterns such as 'fc*' or 'encoder.*' are accepted)."
                    )
                chosen.extend(hits)
            elif isinstance(item, nn.Module):
                hit = [(n, m) for n, m in named if m is item]
                if not hit:
                    raise ValueError(
                        f"where={type(item).__name__} is not a submodule of the model passed to "
                        "regularize; pass the model that contains it."
                    )
                chosen.extend(hit)
            else:
                raise TypeError(
                    "where must be None, a module, a glob pattern, a sequence of those, or a "
                    f"callable (name, module) -> bool; got {type(item).__name__}."
                )
    unique: dict[int, tuple[str, nn.Module]] = {}
    for name, module in chosen:
        unique.setdefault(id(module), (name, module))
    if not unique:
        raise ValueError("where selected no module of the model.")
    return list(unique.values())


def owned_parameters(
    root: nn.Module, selected: list[tuple[str, nn.Module]]
) -> Iterator[tuple[str, nn.Module, str, nn.Parameter]]:
    """``(qualified module name, module, local name, param)``, each parameter once."""
    seen: set[int] = set()
    for prefix, top in selected:
        for sub_name, module in top.named_modules():
            if is_norm_layer(module):
                continue
            qual = ".".join(p for p in (prefix, sub_name) if p)
            for local, param in module.named_parameters(recurse=False):
                if id(param) not in seen:
                    seen.add(id(param))
                    yield qual, module, local, param


def default_weights(model: nn.Module) -> list[tuple[str, nn.Parameter]]:
    """The parameters a weight penalty goes to by default.

    Every parameter with ``ndim >= 2`` outside normalisation layers, i.e.
    the kernels of Linear, Conv, Embedding, RNN layers; biases and norm
    scales are left out (optax's weight-decay mask, Keras' per-layer
    ``kernel_regularizer``). Names are qualified, as in ``state_dict``.
    """
    out = []
    for qual, _, local, param in owned_parameters(model, [("", model)]):
        if param.ndim >= 2:
            out.append((f"{qual}.{local}" if qual else local, param))
    return out
